"""Loading inputs: bytes to parsed documents (``reader``), and positions in their text."""

from .positions import line_col, line_cols, locate
from .reader import Decoded, format_of, parse_input, read_documents, read_input
from .source import Document, parse_text

__all__ = ["Decoded", "Document", "format_of", "line_col", "line_cols", "locate", "parse_input", "parse_text", "read_documents", "read_input"]
