"""sdelint: schema validation and linting of LivePerson engagement attributes.

The package is importable as ``validator``; ``lint`` and its explicit siblings are the Python API.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import ConfigError, ConfigWarning, lint, lint_bytes, lint_object, lint_path, lint_paths, lint_text  # noqa: E402
from .findings import Finding  # noqa: E402

__all__ = ["ConfigError", "ConfigWarning", "Finding", "__version__", "lint", "lint_bytes", "lint_object", "lint_path", "lint_paths", "lint_text"]
