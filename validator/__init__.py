"""sdelint: schema validation and linting of LivePerson engagement attributes.

The package is importable as ``validator``; ``lint`` and its explicit siblings are the Python API.
They are loaded on first use: importing the package stays instant, so the ``sdelint`` command
(whose module sits inside it) can take Ctrl-C quietly while its own modules load.
"""

from __future__ import annotations

__version__ = "0.1.0"

TYPE_CHECKING = False  # not typing's: importing typing takes longer than the rest of this module
if TYPE_CHECKING:
    from typing import Any

    from .api import ConfigError, ConfigWarning, lint, lint_bytes, lint_object, lint_path, lint_paths, lint_text
    from .findings import Finding

__all__ = ["ConfigError", "ConfigWarning", "Finding", "__version__", "lint", "lint_bytes", "lint_object", "lint_path", "lint_paths", "lint_text"]

_HOMES = {"Finding": "findings", **dict.fromkeys(__all__[:2] + __all__[4:], "api")}


def __getattr__(name: str) -> Any:
    """An API name, or a submodule (``validator.api``), as when this module imported them at once."""
    import importlib

    home = _HOMES.get(name)
    if home is not None:
        value = getattr(importlib.import_module(f".{home}", __name__), name)
    elif name.isidentifier() and not name.startswith("__"):  # "a.b" or "" would import validator.a, or be the package
        try:
            value = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module 'validator' has no attribute {name!r}") from None
    else:
        raise AttributeError(f"module 'validator' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
