"""Input formats by file name: JSON, JSON Lines, YAML, each optionally gzip-compressed."""

from __future__ import annotations

import zlib
from typing import Any

from ..findings import Problem
from .source import Document, decode, parse_bytes, parse_text

JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
YAML_SUFFIXES = (".yaml", ".yml")
MAX_DECOMPRESSED = 1 << 30  # a gzip bomb stops here


def format_of(name: str) -> tuple[str, bool]:
    """(json | jsonl | yaml, gzip-compressed?) from the file name."""
    lower = name.lower()
    compressed = lower.endswith(".gz")
    if compressed:
        lower = lower[:-3]
    if lower.endswith(JSON_LINES_SUFFIXES):
        return "jsonl", compressed
    if lower.endswith(YAML_SUFFIXES):
        return "yaml", compressed
    return "json", compressed


def _gunzip(raw: bytes) -> tuple[bytes | None, str | None]:
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = decompressor.decompress(raw, MAX_DECOMPRESSED + 1)
    except zlib.error as exc:
        return None, f"not a valid gzip file: {exc}"
    if len(data) > MAX_DECOMPRESSED:
        return None, f"decompresses to more than {MAX_DECOMPRESSED >> 20} MiB: refusing (a gzip bomb?)"
    if not decompressor.eof:
        return None, "truncated gzip file"
    return data, None


def _json_lines(name: str, raw: bytes) -> list[Document]:
    text, problems, fatal = decode(raw)
    if fatal:
        return [Document(name=name, data=None, text=text, problems=problems)]
    documents = []
    for index, line in enumerate(text.split("\n")):
        if not line.strip():
            continue
        doc = parse_text(name, line)
        doc.line_base = index
        documents.append(doc)
    if not documents:
        documents.append(Document(name=name, data=None, text=text, problems=[Problem("", "syntax-error", "input is empty: expected JSON Lines, one payload per line", offset=0)]))
    documents[0].problems[:0] = problems
    return documents


def _yaml_offsets(text: str):
    """A locator for YAML: pointers -> character offsets of the nodes, from PyYAML's marks."""

    def locate(pointers: list[str]) -> dict[str, tuple[int | None, int]]:
        from ..findings import split_pointer
        from .yaml_source import compose, node_at

        root = compose(text)
        found = {}
        for pointer in pointers:
            key_node, node = node_at(root, split_pointer(pointer))
            if node is not None:
                found[pointer] = (key_node.start_mark.index if key_node else None, node.start_mark.index)
        return found

    return locate


def _yaml(name: str, raw: bytes) -> Document:
    from .yaml_source import YamlError, load_yaml

    text, problems, fatal = decode(raw)
    doc = Document(name=name, data=None, text=text, problems=problems)
    if fatal:
        return doc
    try:
        data: Any = load_yaml(text)
    except YamlError as exc:
        offset = _offset_of(text, exc.line, exc.column)
        doc.problems.append(Problem("", "syntax-error", f"invalid YAML: {exc.message}", offset=offset))
        return doc
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


def read_documents(name: str, raw: bytes, input_format: str | None = None) -> list[Document]:
    """Every document in one input; problems with the input itself are findings on the first.

    The format follows from ``name`` unless ``input_format`` (json, jsonl, yaml) is given.
    """
    kind, compressed = format_of(name)
    if input_format is not None:
        kind, compressed = input_format, False
    if compressed:
        raw, error = _gunzip(raw)
        if raw is None:
            return [Document(name=name, data=None, text=None, problems=[Problem("", "encoding-error", error, offset=0)])]
    if kind == "jsonl":
        return _json_lines(name, raw)
    if kind == "yaml":
        return [_yaml(name, raw)]
    return [parse_bytes(name, raw)]
