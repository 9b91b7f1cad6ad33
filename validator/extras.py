"""What an optional integration says when its extra is not installed: which extra, and why the import failed."""

from __future__ import annotations


def needs_extra(what: str, extra: str, error: ImportError) -> str:
    """``"<what> needs the <extra> extra (<why>): pip install 'sdelint[<extra>]'"``. A module that is missing is named as
    such; one that is there but cannot load (pyarrow beside a NumPy it does not take) says why, not "is not installed"."""
    reason = f"{error.name} is not installed" if error.name else str(error)
    return f"{what} needs the {extra} extra ({reason}): pip install 'sdelint[{extra}]'"
