"""The one loading step: raw bytes to decoded text to parsed documents, each step once.

An input is sniffed (gzip by its magic bytes or its name, the format by its
name unless given), decompressed, decoded and parsed here and nowhere else.
Every failure is a finding on the input, never an exception, so a run goes on
with its other inputs. The decoded text is kept (``Decoded``) so that a big
response can be split by ``validate.halves`` without decoding it a second time.
"""

from __future__ import annotations

import codecs
import errno
import io
import itertools
import os
import re
import stat
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from ..findings import Problem, join_pointer
from .source import UTF8_BOM, Document, decode, duplicate_key_problems, non_finite_numbers, not_utf8, parse_text, sniff_encoding, undecodable

JS_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx")
HTML_SUFFIXES = (".html", ".htm")
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
YAML_SUFFIXES = (".yaml", ".yml")
# JavaScript/TypeScript and HTML: the literals pushed with lpTag.sdes (load/js_literal.py)
FORMATS = ("json", "jsonl", "yaml", "js", "html")
GZIP_MAGIC = b"\x1f\x8b"
MAX_DECOMPRESSED = 1 << 30  # a gzip bomb stops here
MAX_INPUT_BYTES = MAX_DECOMPRESSED  # what one input may hold before it is decompressed too
_READ_CHUNK = 1 << 20


def read_at_most(stream: BinaryIO, limit: int) -> bytes:
    """All of ``stream``, or OSError (EFBIG) once it holds more than ``limit`` bytes.

    A device or a pipe may never end (``/dev/zero``, ``yes |``): it is read in chunks up to
    the limit, never into one buffer of the limit's size (which a small ulimit would refuse).
    A buffered reader's short read is its end of file: a terminal's Ctrl-D is one empty read, and
    reading on would wait for another (``sdelint check -`` typed at a terminal).
    """
    ends_short = isinstance(stream, io.BufferedReader)  # read(n) returns fewer than n only at the end
    try:
        info = os.fstat(stream.fileno())
        size = info.st_size if stat.S_ISREG(info.st_mode) else -1
    except (OSError, ValueError, AttributeError):  # no descriptor behind it (an object store's file, a BytesIO)
        size = -1
    if size > limit:
        raise OSError(errno.EFBIG, f"larger than {_size_text(limit)}: not read")
    chunks: list[bytes] = []
    total = 0
    if size > 0:  # a regular file: one read of its size (then the loop sees its end, or that it grew)
        chunks.append(stream.read(size))
        total = len(chunks[0])
        if ends_short and total < size:
            return chunks[0]
    while total <= limit:
        wanted = min(_READ_CHUNK, limit + 1 - total)
        chunk = stream.read(wanted)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if ends_short and len(chunk) < wanted:
            return b"".join(chunks)
    raise OSError(errno.EFBIG, f"larger than {_size_text(limit)}: not read")


def read_file(path: str | Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """A file's bytes, held to ``limit`` as ``read_at_most`` holds a stream."""
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed below; opened apart to tell its ValueError from the read's
    except ValueError:  # a NUL in the name: no file has one
        raise OSError(errno.EINVAL, "a file name cannot hold a NUL character") from None
    with stream:
        return read_at_most(stream, limit)


def _size_text(limit: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if limit >= size and limit % size == 0:
            return f"{limit // size} {unit}"
    return f"{limit} bytes"


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
    # JSON Lines: the non-blank lines only, (0-based line number, text, problems of that line)
    lines: list[tuple[int, str, list[Problem]]] = field(default_factory=list)
    cut: bool = False  # JSON Lines: its gzip stream broke, and the lines past the break were never read


class _GzipError(Exception):
    """The message of a gzip input that cannot be used."""


class _GzipTooLarge(_GzipError):
    """A gzip input that decompresses past the limit."""


_CHUNK = 16 << 20  # decompressed bytes handed on at a time


def _gunzip_chunks(raw: bytes, limit: int = MAX_DECOMPRESSED) -> Iterator[bytes]:
    """Every member of a gzip file (appended logs hold several), a chunk at a time, capped at ``limit`` bytes against bombs."""
    size = 0
    first = True
    while raw:
        decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        pending = raw
        while True:
            try:
                data = decompressor.decompress(pending, min(_CHUNK, limit - size + 1))
            except zlib.error as exc:
                if not first and not raw.strip(b"\0"):
                    return  # zero padding after the last member, as some writers leave it
                raise _GzipError(f"not a valid gzip file: {exc}") from None
            first = False
            size += len(data)
            if size > limit:
                raise _GzipTooLarge(f"decompresses to more than {_size_text(limit)}: refusing (a gzip bomb?)")
            if data:
                yield data
            if decompressor.eof:
                break
            pending = decompressor.unconsumed_tail
            if not pending and not data:
                raise _GzipError("truncated gzip file")
        raw = decompressor.unused_data
        if raw and not raw.startswith(GZIP_MAGIC):
            if raw.strip(b"\0"):
                raise _GzipError("unexpected bytes after the last gzip member")
            return


def gunzip_within(raw: bytes, limit: int) -> bytes | None:
    """A gzip input's bytes decompressed, or None when they pass ``limit`` (a body limit that holds for what it
    expands to). Anything else, a broken gzip stream included, is returned as it is: reading it says what is wrong."""
    for _ in range(_MOST_GZIP_LAYERS):  # gzip inside gzip: each layer held to the limit, or reading would unpack the next
        if not raw.startswith(GZIP_MAGIC):
            return raw
        try:
            raw = b"".join(_gunzip_chunks(raw, limit))
        except _GzipTooLarge:
            return None
        except _GzipError:
            return raw
    return None if raw.startswith(GZIP_MAGIC) else raw


_MOST_GZIP_LAYERS = 4


_NON_BLANK_BYTE = re.compile(rb"[^ \t\r\n]")


def _line_spans(chunks: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """(0-based line number, bytes) of each non-blank line; runs of blank lines are skipped by a regex.

    A line that goes on past its chunk is kept as a list of parts, joined once it ends: joining at every chunk
    re-copied (and re-searched) all of it each time, quadratic in its length (a line of a gigabyte took 46 s).
    The blanks that begin a line are kept with it when they end a chunk, so its columns stay right.
    """
    index = 0
    parts: list[bytes] = []  # the line that goes on from the last chunk, if any
    seen = False  # it holds a non-blank byte
    for chunk in chunks:
        start = 0
        if parts:
            end = chunk.find(b"\n")
            piece = chunk if end < 0 else chunk[:end]
            seen = seen or _NON_BLANK_BYTE.search(piece) is not None
            parts.append(piece)
            if end < 0:
                continue
            if seen:
                yield index, b"".join(parts)
            index += 1
            start, parts, seen = end + 1, [], False
        while True:
            found = _NON_BLANK_BYTE.search(chunk, start)
            if found is None:
                last = chunk.rfind(b"\n", start)
                index += chunk.count(b"\n", start)
                tail = chunk[last + 1 if last >= 0 else start :]
                parts = [tail] if tail else []
                break
            newline = chunk.rfind(b"\n", start, found.start())
            line_start = newline + 1 if newline >= 0 else start
            index += chunk.count(b"\n", start, line_start)
            end = chunk.find(b"\n", found.start())
            if end < 0:  # the line goes on in the next chunk
                parts, seen = [chunk[line_start:]], True
                break
            yield index, chunk[line_start:end]
            index += 1
            start = end + 1
    if seen:
        yield index, b"".join(parts)


def _until_broken(chunks: Iterator[bytes], broken: list[Problem]) -> Iterator[bytes]:
    """The chunks of a JSON Lines input until its gzip stream breaks, the break noted in ``broken``: the lines
    before a truncated or corrupt part are as good as ``zcat`` shows them, and were all lost with it."""
    try:
        yield from chunks
    except _GzipTooLarge:
        raise
    except _GzipError as exc:
        broken.append(Problem("", "encoding-error", f"{exc}: the lines before the break are checked, the last of them perhaps cut short", offset=0))


def _decoded_lines(chunks: Iterable[bytes]) -> list[tuple[int, str, list[Problem]]]:
    """Each non-blank line decoded on its own: an invalid UTF-8 byte spoils only its line."""
    lines: list[tuple[int, str, list[Problem]]] = []
    for index, line in _line_spans(chunks):
        if index == 0:
            line = line.removeprefix(UTF8_BOM)
            if not line.strip(b" \t\r"):  # a BOM alone on the first line: a blank line, as it would be without it
                continue
        try:
            lines.append((index, line.decode("utf-8"), []))
        except UnicodeDecodeError as exc:
            good = line[: exc.start].decode("utf-8", errors="replace")
            message = undecodable(line, exc, where=f" of line {index + 1}")
            lines.append((index, line.decode("utf-8", errors="replace"), [Problem("", "encoding-error", message, offset=len(good))]))
    return lines


def read_input(raw: bytes, name: str, input_format: str | None = None) -> Decoded:
    """Sniff, decompress and decode one input; the format follows from ``name`` unless given.

    JSON Lines are read as a stream: only the non-blank lines are kept, each decoded on its own,
    so a small gzip file of a gigabyte of newlines costs its non-blank lines, not a gigabyte.
    """
    kind, compressed = format_of(name)
    if input_format is not None:
        kind = input_format
    gzipped = compressed or raw.startswith(GZIP_MAGIC)
    try:
        if kind == "jsonl":
            chunks = _gunzip_chunks(raw) if gzipped else iter((raw,))
            first = next(chunks, b"")
            if sniff_encoding(first.removeprefix(UTF8_BOM)[:8]) == "utf-8":
                broken: list[Problem] = []
                lines = _decoded_lines(_until_broken(itertools.chain((first,), chunks), broken))
                return Decoded(name, kind, None, broken, lines=lines, cut=bool(broken))
            return _wide_json_lines(name, (first + b"".join(chunks)).removeprefix(UTF8_BOM))
        elif gzipped:
            raw = b"".join(_gunzip_chunks(raw))
    except _GzipError as exc:
        return Decoded(name, kind, None, [Problem("", "encoding-error", str(exc), offset=0)], fatal=True)
    text, problems, fatal = decode(raw, utf8_only=kind == "json")
    return Decoded(name, kind, text, problems, fatal)


_BYTE_ORDERS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def _wide_json_lines(name: str, raw: bytes) -> Decoded:
    """UTF-16 or UTF-32 JSON Lines, split at the line feed's own code unit and each line decoded on its own, as UTF-8
    lines are: an unpaired surrogate or a cut last code unit spoils its line, where decoding the whole file lost them all.

    A line feed is one code unit of its own in both (no surrogate or other code unit holds it), so a line ends at the
    first aligned one; a byte lost or added shifts every code unit after it, and the lines after it read as one.
    """
    encoding = sniff_encoding(raw)
    bom = 0
    for mark, ordered in _BYTE_ORDERS:  # the BOM says the byte order; the finding names the encoding as sniffed
        if raw.startswith(mark) and encoding in ("utf-16", "utf-32"):
            bom, byte_order = len(mark), ordered
            break
    else:
        byte_order = encoding
    unit = 4 if "32" in byte_order else 2
    newline = "\n".encode(byte_order)
    lines: list[tuple[int, str, list[Problem]]] = []
    start = search = bom
    index = 0
    while True:
        end = raw.find(newline, search)
        if end >= 0 and (end - bom) % unit:  # the bytes of two code units, not a line feed
            search = end + 1
            continue
        line = raw[start:] if end < 0 else raw[start:end]
        try:
            text = line.decode(byte_order)
            if text.strip(" \t\r"):
                lines.append((index, text, []))
        except UnicodeDecodeError as exc:
            good = line[: exc.start].decode(byte_order, errors="replace")
            message = undecodable(line, exc, byte_order, where=f" of line {index + 1}")
            lines.append((index, line.decode(byte_order, errors="replace"), [Problem("", "encoding-error", message, offset=len(good))]))
        if end < 0:
            return Decoded(name, "jsonl", None, [not_utf8(encoding)], lines=lines)
        start = search = end + unit
        index += 1


def parse_input(decoded: Decoded, key_limit: int | None = None, plain_only: bool = False) -> list[Document]:
    """Every document in a decoded input; problems with the input itself are findings on the first.

    ``key_limit``: JSON documents note whether all their keys are that short; ``plain_only``: see ``parse_text``.
    """
    if decoded.format == "jsonl" and not decoded.fatal:
        return _json_lines(decoded, key_limit)
    if decoded.text is None or decoded.fatal:
        return [Document(name=decoded.name, data=None, text=decoded.text, problems=list(decoded.problems))]
    if decoded.format == "yaml":
        return [_yaml(decoded.name, decoded.text, decoded.problems)]
    if decoded.format in ("js", "html"):
        from .js_literal import parse_source  # only for JavaScript and HTML sources: a JSON run never loads the parser

        doc = parse_source(decoded.name, decoded.text, html=decoded.format == "html")
        doc.problems[:0] = decoded.problems
        return [doc]
    doc = parse_text(decoded.name, decoded.text, key_limit, plain_only)
    doc.problems[:0] = decoded.problems
    return [doc]


def read_documents(name: str, raw: bytes, input_format: str | None = None) -> list[Document]:
    """Both steps at once, for callers that never split an input."""
    return parse_input(read_input(raw, name, input_format))


def _json_lines(decoded: Decoded, key_limit: int | None) -> list[Document]:
    """One document per non-blank line, each with its line number in the file."""
    documents = []
    for index, line, problems in decoded.lines:
        doc = Document(name=decoded.name, data=None, text=line, problems=list(problems)) if problems else parse_text(decoded.name, line, key_limit)
        doc.line_base = index
        documents.append(doc)
    if not documents:
        problem = Problem("", "syntax-error", "input is empty: expected JSON Lines, one payload per line", offset=0)
        documents.append(Document(name=decoded.name, data=None, text="", problems=[problem]))
    documents[0].problems[:0] = decoded.problems
    return documents


def _yaml_offsets(text: str):  # noqa: ANN202 - a closure of Document.locator's type
    """A locator for YAML: pointers -> character offsets of the nodes, from PyYAML's marks."""

    def locate(pointers: list[str]) -> dict[str, tuple[int | None, int]]:
        from ..findings import split_pointer
        from .yaml_source import compose, node_at

        root = compose(text)
        found: dict[str, tuple[int | None, int]] = {}
        members: dict = {}
        for pointer in pointers:
            key_node, node = node_at(root, split_pointer(pointer), members=members)
            if node is not None:
                found[pointer] = (key_node.start_mark.index if key_node else None, node.start_mark.index)
        return found

    return locate


def _yaml(name: str, text: str, problems: list[Problem]) -> Document:
    from .yaml_source import YamlError, compose, load_yaml

    doc = Document(name=name, data=None, text=text, problems=list(problems))
    duplicates: list = []
    try:
        data: Any = load_yaml(text, duplicates)
    except YamlError as exc:
        if exc.valid_yaml:  # a stream of documents: what to do instead
            message = f"{exc.message} (split the stream into one file per document, or record the payloads as JSON Lines)"
        else:
            message = f"invalid YAML: {exc.message}" if exc.rule == "syntax-error" else f"document is {exc.message}"
        doc.problems.append(Problem("", exc.rule, message, offset=_offset_of(text, exc.line, exc.column)))
        return doc
    if data is None and compose(text) is None:  # no document at all (blank, or comments only), not a `null` one
        doc.problems.append(Problem("", "syntax-error", "input is empty: expected a YAML document", offset=0))
        return doc
    doc.problems.extend(duplicate_key_problems((join_pointer("", *path), key_node.start_mark.index) for path, key_node in duplicates))
    doc.problems.extend(non_finite_numbers(data))  # .nan and .inf: YAML has them, JSON (and so the API) does not
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
