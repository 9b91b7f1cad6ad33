"""The fast path: one fastjsonschema validator per (version, schema), compiled once.

Generated code is cached on disk, keyed by schema content and library and
Python versions, so a pre-commit run on one file imports byte-code instead of
compiling schemas. An unwritable cache only costs the compile.
"""

from __future__ import annotations

import copy
import hashlib
import marshal
import re
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastjsonschema

from ..cache import default_cache_dir, read_trusted, write_cache
from .formats import FORMATS
from .schemas import resolve, schema_uri, version_digest

Validator = Callable[[Any], Any]
ValidationFailed = fastjsonschema.JsonSchemaException


# Bump when the generated code changes for the same schemas (see _tighten).
CODEGEN_REVISION = "8"


def _cache_key(version: str, name: str, stubs: frozenset[str]) -> str:
    h = hashlib.sha256()
    for part in (version_digest(version), fastjsonschema.VERSION, CODEGEN_REVISION, sys.version, *sorted(stubs)):
        h.update(part.encode())
        h.update(b"\0")
    return f"{version or 'tool'}_{name.replace('-', '_').replace('.', '_')}_{h.hexdigest()[:16]}"


_SUBCALL_NAME = re.compile(r"^([ \t]*validate_\w+\(\w+, custom_formats), .*\)$", re.M)
_KEY_SET = re.compile(r"^([ \t]*)(\w+)_keys = set\(\2\.keys\(\)\)$", re.M)
_FUNCTION = re.compile(r"^(?=def )", re.M)
_DEFINITION = re.compile(r"^def (\w+)\(data, custom_formats=\{\}, name_prefix=None\):\n((?:    .*\n|\n)*)", re.M)
_CALL = re.compile(r"^([ \t]*)(validate_\w+)\((\w+), custom_formats\)$", re.M)


def _leaf_bodies(code: str) -> dict[str, str]:
    """Functions that call no other and return only at their end: small enough to paste at each call."""
    leaves = {}
    for name, body in _DEFINITION.findall(code + "\n"):  # the last function may lack its final newline
        lines = [line for line in body.splitlines() if line.strip()]
        returns = sum(1 for line in lines if line.lstrip().startswith("return"))
        calls = sum(1 for line in lines if line.lstrip().startswith("validate_"))
        if lines and lines[-1] == "    return data" and returns == 1 and not calls:
            leaves[name] = "\n".join(line[4:] for line in lines[:-1])
    return leaves


# A name in an error message's template, filled by ``.format(**locals())``: "...[{data_x}]"
_TEMPLATE_NAME = re.compile(r"\{data(_\w*)?\}")


def _renamed(body: str, argument: str) -> str | None:
    """``body`` with the names ``data`` and ``data_*`` renamed after ``argument``; None if it will not tokenize.

    Strings are left alone, except the ``{data_*}`` names of the message templates filled from
    ``locals()``: a template left with the old name raised KeyError instead of the validation error.
    """
    import io
    import tokenize  # only when generating code, not on a cached start

    lines = body.splitlines()
    spans: dict[int, list[tuple[int, int, str]]] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(body + "\n").readline):
            if token.type == tokenize.NAME and (token.string == "data" or token.string.startswith("data_")):
                spans.setdefault(token.start[0] - 1, []).append((token.start[1], token.end[1], argument + token.string[4:]))
            elif token.type == tokenize.STRING and _TEMPLATE_NAME.search(token.string):
                if token.start[0] != token.end[0]:
                    return None
                renamed = _TEMPLATE_NAME.sub(lambda match: "{" + argument + (match.group(1) or "") + "}", token.string)
                spans.setdefault(token.start[0] - 1, []).append((token.start[1], token.end[1], renamed))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    for row, names in spans.items():
        line = lines[row]
        for start, end, name in reversed(names):
            line = line[:start] + name + line[end:]
        lines[row] = line
    return "\n".join(lines)


def _inline_leaves(code: str) -> str:
    """Paste each leaf function's body where it is called, with ``data`` renamed to the argument."""
    leaves = _leaf_bodies(code)

    def paste(call: re.Match) -> str:
        indent, name, argument = call.groups()
        body = leaves.get(name)
        renamed = _renamed(body, argument) if body is not None else None
        if renamed is None:
            return call.group(0)
        return "\n".join(indent + line for line in renamed.splitlines()) or f"{indent}pass"

    return _CALL.sub(paste, code)


def _tighten_keys(function: str) -> str:
    """Test membership on the dict itself; subtract the known keys in one step where extras matter."""
    assignments = _KEY_SET.findall(function)
    for indent, variable in set(assignments):
        if sum(1 for _, other in assignments if other == variable) > 1:
            continue  # one set name for several subschemas (allOf, oneOf, if): their keys must not be merged
        keys = re.escape(variable + "_keys")
        removes = re.compile(rf'^[ \t]*{keys}\.remove\(("\w+")\)\n', re.M)
        tests = re.compile(rf'(if "\w+" in ){keys}:')
        other_lines = [
            line for line in function.splitlines()
            if re.search(rf"\b{keys}\b", line) and not (removes.match(line + "\n") or tests.search(line) or line.lstrip().startswith(f"{variable}_keys = set("))
        ]
        if any(not re.fullmatch(rf"[ \t]*(if {keys}:|raise .*)", line) for line in other_lines):
            continue  # the set is used some other way (patternProperties): leave it
        known = removes.findall(function)
        assignment = re.compile(rf"^[ \t]*{keys} = set\({re.escape(variable)}\.keys\(\)\)\n", re.M)
        if not other_lines:
            function = assignment.sub("", function)
        elif known:
            replacement = f"{indent}{variable}_keys = {variable}.keys() - {{{', '.join(known)}}}\n"
            function = assignment.sub(lambda _match: replacement, function, count=0)  # noqa: B023 - called here, before the loop moves on
        function = tests.sub(rf"\g<1>{variable}:", removes.sub("", function))
    return function


def _tighten(code: str) -> str:
    """Drop the generated code's work that only serves its own error messages.

    A rejected instance is re-checked by the detailed path, which writes the
    messages, so the fast path need not build a name for every nested value
    (``"...[{i}]".format(**locals())`` per array item), nor keep a set of the keys
    it has seen and remove them one by one, nor call a function per scalar field.
    """
    code = _SUBCALL_NAME.sub(r"\1)", code)
    code = "".join(_tighten_keys(function) for function in _FUNCTION.split(code))
    return _inline_leaves(code)


def _generate(version: str, name: str, stubs: frozenset[str]) -> str:
    # fastjsonschema rewrites $refs in place: it gets copies, never the shared store
    code = fastjsonschema.compile_to_code(
        copy.deepcopy(resolve(schema_uri(version, name))),
        handlers={"https": lambda uri: copy.deepcopy(resolve(uri, stubs))},
        formats=FORMATS,
        use_default=False,
    )
    found = re.search(r"^def (\w+)\(", code, re.M)
    if found is None:
        raise RuntimeError(f"fastjsonschema generated no function for {version}/{name}")
    entry = found.group(1)
    # the formats' functions (formats.FORMATS) are passed down from each function's default, which _load fills in:
    # callers give the instance only
    code = _tighten(code).replace("custom_formats={}", "custom_formats=_FORMATS")
    return f"{code}\n\nENTRY = {entry}\n"


def _load(code: types.CodeType, name: str) -> Validator:
    namespace: dict[str, Any] = {"__name__": name, "_FORMATS": FORMATS}
    exec(code, namespace)  # noqa: S102 - code generated by fastjsonschema from sdelint's own schemas
    return namespace["ENTRY"]


class CompiledValidators:
    """Lazily compiled validators; each is built at most once per process."""

    def __init__(self, cache_dir: Path | None = None, use_cache: bool = True) -> None:
        self.cache_dir = cache_dir or default_cache_dir()
        self.use_cache = use_cache
        self._validators: dict[tuple[str, str, frozenset[str]], Validator] = {}

    def get(self, version: str, name: str, stubs: frozenset[str] = frozenset()) -> Validator:
        key = (version, name, stubs)
        validator = self._validators.get(key)
        if validator is None:
            validator = self._validators[key] = self._build(version, name, stubs)
        return validator

    def _build(self, version: str, name: str, stubs: frozenset[str]) -> Validator:
        """Byte-code from the cache (marshal, so it works even with PYTHONDONTWRITEBYTECODE), else compile."""
        module_name = "sdelint_compiled_" + _cache_key(version, name, stubs)
        path = self.cache_dir / f"{module_name}.marshal"
        if self.use_cache:
            cached = read_trusted(path)
            if cached is not None:
                try:
                    return _load(marshal.loads(cached), module_name)
                except (ValueError, EOFError, TypeError, KeyError, AttributeError):
                    pass
        code = compile(_generate(version, name, stubs), f"<sdelint {version}/{name}>", "exec")
        if self.use_cache:
            write_cache(path, marshal.dumps(code))
        return _load(code, module_name)


_SHARED: CompiledValidators | None = None


def shared_validators() -> CompiledValidators:
    """The process-wide set, so each schema is compiled or imported once per process."""
    global _SHARED
    if _SHARED is None:
        _SHARED = CompiledValidators()
    return _SHARED
