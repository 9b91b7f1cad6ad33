"""Schema validation: bundled schemas, the compiled fast path, the detailed path."""

from .checker import SchemaChecker
from .compiled import CompiledValidators
from .schemas import get_schema, schema_names

__all__ = ["CompiledValidators", "SchemaChecker", "get_schema", "schema_names"]
