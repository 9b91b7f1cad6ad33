"""sdelint: schema validation and linting of LivePerson engagement attributes.

The package is importable as ``validator``; ``lint`` is its Python API.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import lint  # noqa: E402
from .findings import Finding  # noqa: E402

__all__ = ["lint", "Finding", "__version__"]
