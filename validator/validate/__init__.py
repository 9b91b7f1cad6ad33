"""Schema validation: bundled schemas, the compiled fast path, the detailed path."""

from .compiled import CompiledValidators
from .pipeline import SchemaChecker
from .schemas import get_schema, schema_names

__all__ = ["CompiledValidators", "SchemaChecker", "get_schema", "schema_names"]
