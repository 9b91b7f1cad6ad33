"""Loading inputs: bytes to parsed documents, and positions in their text."""

from .positions import line_col, line_cols, locate
from .source import Document, parse_bytes, parse_text

__all__ = ["Document", "parse_bytes", "parse_text", "line_col", "line_cols", "locate"]
