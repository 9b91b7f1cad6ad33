"""The fast path: one fastjsonschema validator per (version, schema), compiled once.

Generated code is cached on disk, keyed by schema content and library and
Python versions, so a pre-commit run on one file imports byte-code instead of
compiling schemas. An unwritable cache only costs the compile.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import sys
from pathlib import Path
from typing import Any, Callable

import fastjsonschema

from ..atomic import write_atomically
from .schemas import resolve, schema_uri, version_digest

Validator = Callable[[Any], Any]
ValidationFailed = fastjsonschema.JsonSchemaException


def default_cache_dir() -> Path:
    explicit = os.environ.get("SDELINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sdelint"


def _cache_key(version: str, name: str, stubs: frozenset[str]) -> str:
    h = hashlib.sha256()
    for part in (version_digest(version), fastjsonschema.VERSION, sys.version, *sorted(stubs)):
        h.update(part.encode())
        h.update(b"\0")
    return f"{version}_{name.replace('-', '_')}_{h.hexdigest()[:16]}"


def _generate(version: str, name: str, stubs: frozenset[str]) -> str:
    code = fastjsonschema.compile_to_code(
        resolve(schema_uri(version, name)),
        handlers={"https": lambda uri: resolve(uri, stubs)},
        use_default=False,
    )
    entry = re.search(r"^def (\w+)\(", code, re.M).group(1)
    return f"{code}\n\nENTRY = {entry}\n"


def _import(path: Path, module_name: str) -> Validator:
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ENTRY


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
        module_name = "sdelint_compiled_" + _cache_key(version, name, stubs)
        path = self.cache_dir / f"{module_name}.py"
        if self.use_cache:
            try:
                if not path.exists():
                    write_atomically(path, _generate(version, name, stubs))
                return _import(path, module_name)
            except (OSError, SyntaxError, AttributeError, ImportError):
                pass  # fall through to an in-memory compile
        namespace: dict[str, Any] = {}
        exec(compile(_generate(version, name, stubs), f"<sdelint {version}/{name}>", "exec"), namespace)
        return namespace["ENTRY"]
