"""The one loading step: raw bytes to decoded text to parsed documents, each step once.

An input is sniffed (gzip by its magic bytes or its name, the format by its
name unless given), decompressed, decoded and parsed here and nowhere else.
Every failure is a finding on the input, never an exception, so a run goes on
with its other inputs. The decoded text is kept (``Decoded``) so that a big
response can be split by ``validate.halves`` without decoding it a second time.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from typing import Any

from ..findings import Problem, join_pointer
from .js_literal import HTML_SUFFIXES, JS_SUFFIXES
from .source import Document, decode, decode_lines, parse_text

JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
YAML_SUFFIXES = (".yaml", ".yml")
# JavaScript/TypeScript and HTML: the literals pushed with lpTag.sdes (load/js_literal.py)
FORMATS = ("json", "jsonl", "yaml", "js", "html")
GZIP_MAGIC = b"\x1f\x8b"
MAX_DECOMPRESSED = 1 << 30  # a gzip bomb stops here


def format_of(name: str) -> tuple[str, bool]:
    """(json | jsonl | yaml | js | html, gzip-compressed?) from the file name."""
    lower = name.lower()
    compressed = lower.endswith(".gz")
    if compressed:
        lower = lower[:-3]
    if lower.endswith(JSON_LINES_SUFFIXES):
        return "jsonl", compressed
    if lower.endswith(YAML_SUFFIXES):
        return "yaml", compressed
    if lower.endswith(JS_SUFFIXES):
        return "js", compressed
    if lower.endswith(HTML_SUFFIXES):
        return "html", compressed
    return "json", compressed


@dataclass
class Decoded:
    """One input after decompression and decoding, before parsing."""

    name: str
    format: str
    text: str | None  # None when the bytes could not be decompressed
    problems: list[Problem] = field(default_factory=list)
    fatal: bool = False  # too broken to parse (bad gzip, invalid encoding of a whole-document format)
    line_problems: dict[int, list[Problem]] = field(default_factory=dict)  # JSON Lines: undecodable lines


def _gunzip(raw: bytes) -> tuple[bytes | None, str | None]:
    """Every member of a gzip file (appended logs hold several), capped against bombs."""
    parts: list[bytes] = []
    size = 0
    while raw:
        decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            data = decompressor.decompress(raw, MAX_DECOMPRESSED + 1 - size)
        except zlib.error as exc:
            if parts and not raw.strip(b"\0"):
                break  # zero padding after the last member, as some writers leave it
            return None, f"not a valid gzip file: {exc}"
        size += len(data)
        parts.append(data)
        if size > MAX_DECOMPRESSED:
            return None, f"decompresses to more than {MAX_DECOMPRESSED >> 20} MiB: refusing (a gzip bomb?)"
        if not decompressor.eof:
            return None, "truncated gzip file"
        raw = decompressor.unused_data
        if raw and not raw.startswith(GZIP_MAGIC):
            if raw.strip(b"\0"):
                return None, "unexpected bytes after the last gzip member"
            break
    return b"".join(parts), None


def read_input(raw: bytes, name: str, input_format: str | None = None) -> Decoded:
    """Sniff, decompress and decode one input; the format follows from ``name`` unless given."""
    kind, compressed = format_of(name)
    if input_format is not None:
        kind = input_format
    if compressed or raw.startswith(GZIP_MAGIC):
        data, error = _gunzip(raw)
        if data is None:
            return Decoded(name, kind, None, [Problem("", "encoding-error", error or "not a valid gzip file", offset=0)], fatal=True)
        raw = data
    if kind == "jsonl":
        text, problems, line_problems = decode_lines(raw)
        return Decoded(name, kind, text, problems, line_problems=line_problems)
    text, problems, fatal = decode(raw)
    return Decoded(name, kind, text, problems, fatal)


def parse_input(decoded: Decoded) -> list[Document]:
    """Every document in a decoded input; problems with the input itself are findings on the first."""
    if decoded.text is None or decoded.fatal:
        return [Document(name=decoded.name, data=None, text=decoded.text, problems=list(decoded.problems))]
    if decoded.format == "jsonl":
        return _json_lines(decoded)
    if decoded.format == "yaml":
        return [_yaml(decoded.name, decoded.text, decoded.problems)]
    if decoded.format in ("js", "html"):
        from .js_literal import parse_source

        doc = parse_source(decoded.name, decoded.text, html=decoded.format == "html")
        doc.problems[:0] = decoded.problems
        return [doc]
    doc = parse_text(decoded.name, decoded.text)
    doc.problems[:0] = decoded.problems
    return [doc]


def read_documents(name: str, raw: bytes, input_format: str | None = None) -> list[Document]:
    """Both steps at once, for callers that never split an input."""
    return parse_input(read_input(raw, name, input_format))


_NON_BLANK = re.compile(r"\S")


def _json_lines(decoded: Decoded) -> list[Document]:
    """One document per non-blank line; a line that did not decode is an encoding error of its own.

    Blank runs are skipped by a regular expression, never split into a list of empty lines: a small
    gzip file may hold a gigabyte of newlines.
    """
    text = decoded.text or ""
    documents = []
    index, counted_to = 0, 0
    broken = decoded.line_problems
    found = _NON_BLANK.search(text)
    while found is not None:
        start = text.rfind("\n", 0, found.start()) + 1
        end = text.find("\n", found.start())
        if end < 0:
            end = len(text)
        index += text.count("\n", counted_to, start)
        counted_to = start
        if index in broken:
            doc = Document(name=decoded.name, data=None, text=text[start:end], problems=list(broken[index]))
        else:
            doc = parse_text(decoded.name, text[start:end])
        doc.line_base = index
        documents.append(doc)
        found = _NON_BLANK.search(text, end)
    if not documents:
        problem = Problem("", "syntax-error", "input is empty: expected JSON Lines, one payload per line", offset=0)
        documents.append(Document(name=decoded.name, data=None, text=text, problems=[problem]))
    documents[0].problems[:0] = decoded.problems
    return documents


def _yaml_offsets(text: str):  # noqa: ANN202 - a closure of Document.locator's type
    """A locator for YAML: pointers -> character offsets of the nodes, from PyYAML's marks."""

    def locate(pointers: list[str]) -> dict[str, tuple[int | None, int]]:
        from ..findings import split_pointer
        from .yaml_source import compose, node_at

        root = compose(text)
        found: dict[str, tuple[int | None, int]] = {}
        for pointer in pointers:
            key_node, node = node_at(root, split_pointer(pointer))
            if node is not None:
                found[pointer] = (key_node.start_mark.index if key_node else None, node.start_mark.index)
        return found

    return locate


def _yaml(name: str, text: str, problems: list[Problem]) -> Document:
    from .yaml_source import YamlError, load_yaml

    doc = Document(name=name, data=None, text=text, problems=list(problems))
    duplicates: list = []
    try:
        data: Any = load_yaml(text, duplicates)
    except YamlError as exc:
        doc.problems.append(Problem("", "syntax-error", f"invalid YAML: {exc.message}", offset=_offset_of(text, exc.line, exc.column)))
        return doc
    for path, key_node in duplicates:
        message = f"duplicate key {str(path[-1])!r}: consumers disagree about which value wins (the last one was checked)"
        doc.problems.append(Problem(join_pointer("", *path), "duplicate-key", message, offset=key_node.start_mark.index))
    doc.data, doc.parsed = data, True
    doc.locator = _yaml_offsets(text)
    return doc


def _offset_of(text: str, line: int, column: int) -> int:
    if line < 1:
        return 0
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return len(text)
    return start + max(column - 1, 0)
