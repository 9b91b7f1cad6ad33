"""Where the bundled data lives: inside the wheel, or beside the package in a checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_path(name: str) -> Path:
    """``schemas`` or ``rules.yaml``: the wheel puts them in the package, a checkout one level up."""
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"sdelint data file {name!r} is missing from the installation")
