"""User configuration: where it is found, what it may say, and how it combines.

Precedence, lowest first: the catalogue's defaults (rules.yaml) < the
configuration file < its path overrides (in file order) < the command line.
A configuration file is data only: nothing in it is ever evaluated as code.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from .findings import SEVERITY_RANK
from .folders import CONFIGURATION_FILES
from .globs import file_pattern_problem, path_matches
from .load.positions import line_col
from .load.reader import UTF8_BOM, read_file
from .model import API_VERSION_CHOICES, PROFILE_CHOICES
from .policy import Policy, Setting
from .rules.builtin.inputs import UNCHECKED_INPUT
from .rules.catalogue import CatalogueError, RuleSpec, did_you_mean, listed, load_catalogue, rule_spec, schema_errors
from .rules.custom import CustomRule, CustomRuleError, custom_rules
from .workdir import absolute_path

CONFIG_FILES = (*CONFIGURATION_FILES, "pyproject.toml")


class ConfigError(CatalogueError):
    """A configuration file or option that cannot be used (exit code 2)."""


class ConfigWarning(UserWarning):
    """What a configuration says that is legal but likely a mistake (``Configuration.warnings``): the command line
    prints it on stderr, the Python API issues it through ``warnings`` (a program decides whether it is an error)."""


@dataclass(frozen=True)
class Shipped:
    """A configuration resolved on the client, sent to cluster workers with the tasks.

    Workers need only the package, not the user's files. Equal and hashed by ``key`` (a digest of
    the rest), so a worker's memo builds one Linter per configuration however many tasks carry it.
    """

    key: str
    path: Path | None = field(compare=False)
    section: Any = field(compare=False, repr=False)
    text: str = field(compare=False, repr=False)
    root: str = field(compare=False)
    cli: CommandLine = field(compare=False)

    def load(self) -> Configuration:
        return Configuration.from_data(self.path, self.section, self.text, self.cli, self.root)


def settings_names() -> frozenset[str]:
    """The configuration's own settings (config.schema.json's), no rule's name: one found under rules: was put there by mistake."""
    from .validate.schemas import get_schema

    return frozenset(get_schema("", "config.schema")["properties"])


def split_rule_names(values: Iterable[str]) -> tuple[str, ...]:
    """--select/--ignore values ("a,b", repeatable) as rule names; ValueError for a value that names none
    (``--select "$UNSET"`` would otherwise mean every rule)."""
    names: list[str] = []
    for value in values:
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if not parts:
            raise ValueError(f"{value!r} names no rule: give rule names separated by commas")
        names.extend(parts)
    return tuple(names)


@dataclass(frozen=True)
class CommandLine:
    """What the command line says; it wins over every file."""

    api_version: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    min_severity: str | None = None
    # the threshold when neither the command line nor the file names one: the CLI's is warning (quiet output);
    # the Python API and the service return every finding (their callers filter)
    default_min_severity: str = "warning"
    profile: str | None = None
    # --select/--ignore names that a run over nested configurations checks against all of them together (a custom
    # rule of one folder's configuration): a configuration that does not define one selects or ignores nothing by it
    elsewhere: frozenset[str] = frozenset()

    def rule_names(self) -> list[tuple[str, str]]:
        """Each rule name given, with the option that gave it: an unknown one is reported against that option."""
        return [("--select", name) for name in self.select] + [("--ignore", name) for name in self.ignore]


def _normalise_severities(settings: Any) -> Any:
    """YAML 1.1 reads a bare ``off`` as false: take it to mean "off"."""
    if not isinstance(settings, dict):
        return settings
    out = {}
    for name, value in settings.items():
        if value is False:
            value = "off"
        elif isinstance(value, dict) and value.get("severity") is False:
            value = {**value, "severity": "off"}
        out[name] = value
    return out


MAX_CONFIG_BYTES = 16 << 20  # far past any real configuration; a device named by --config is not read forever


def _read(path: Path) -> tuple[dict[str, Any] | None, str, list[str]]:
    """The sdelint section of a file (None when a pyproject.toml has none), its text, and its repeated keys' errors
    (YAML; listed with the file's other errors, every error at once)."""
    try:
        raw = read_file(path, MAX_CONFIG_BYTES)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc.strerror or exc}") from None
    bom = len(UTF8_BOM) if raw.startswith(UTF8_BOM) else 0
    try:
        text = raw[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:  # at its line and column, as an input's encoding-error is
        line, column = line_col(before := raw[bom:bom + exc.start].decode("utf-8"), len(before))
        raise ConfigError(f"{path}:{line}:{column}: cannot read configuration: invalid UTF-8 byte"
                          f" {raw[bom + exc.start:bom + exc.start + 1]!r}: {exc.reason} (a configuration is UTF-8 text)") from None
    if path.suffix == ".toml":
        if path.name == "pyproject.toml" and "sdelint" not in text and "\\u" not in text and "\\U" not in text:
            return None, text, []  # no tool.sdelint table can be spelt without the name (or an escape of it): tomllib not even loaded
        import tomllib

        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(_toml_error(path, text, str(exc))) from None
        except RecursionError:  # arrays or inline tables nested about a thousand deep, in any tool's table: at the deepest
            from .load.toml_positions import deepest_place

            line, column = deepest_place(text)
            raise ConfigError(f"{path}:{line}:{column}: invalid TOML: nested too deeply to read") from None
        tool = document.get("tool")
        section = tool.get("sdelint") if isinstance(tool, dict) else None  # tool = "sdelint" is some other setting
        if path.name != "pyproject.toml" and section is None:
            return document, text, []  # sdelint.toml: its [tool.sdelint] table, else its top level (as ruff.toml)
        return section, text, []
    from .load.yaml_source import YamlError, load_yaml, mark_locator

    repeated: list = []
    try:
        section = load_yaml(text, repeated)
    except YamlError as exc:
        where = f":{exc.line}:{exc.column}" if exc.line else ""  # 0: no place known (nested past the recursion limit)
        # in the words of an input's syntax-error and of a TOML configuration's ("invalid TOML: ..."): PyYAML's own
        # ("while parsing a flow node expected the node content") did not say that the file's syntax was at fault
        said = f"invalid YAML: {exc.message}" if exc.rule == "syntax-error" and not exc.valid_yaml else exc.message
        raise ConfigError(f"{path}{where}: {said}") from None
    # PyYAML keeps the last silently: api-version v1 then v2 was a v2 run (TOML refuses a repeat itself)
    place = mark_locator(text) if repeated else None
    repeats = [
        f"{path}:{line}:{column}: {'/'.join(map(str, where))}: the key repeats in its mapping (only the last would count): remove one"
        for where, key in sorted(repeated, key=lambda found: found[1].start_mark.index)
        if place is not None
        for line, column in [place(key.start_mark)]
    ]
    return (section if section is not None else {}), text, repeats


# A JSON Pointer escapes '~' as ~0 and '/' as ~1 (RFC 6901): any other '~' (but a wildcard's: ~*) is in no pointer
_BAD_TILDE = re.compile(r"~(?![01*?])")
_TOML_PLACE = re.compile(r"(?s)(.*) \((?:at line (\d+), column (\d+)|(at end of document))\)\Z")


def _toml_error(path: Path, text: str, message: str) -> str:
    """tomllib's message with its place moved to the front, ``file:line:col:``, as every other configuration error
    (and what editors and CI annotations read): "(at line 3, column 14)" at the end was no place they open."""
    found = _TOML_PLACE.match(message)
    if found is None:
        return f"{path}: invalid TOML: {message}"
    reason, line, column, at_end = found.groups()
    if at_end:
        line, column = map(str, line_col(text, len(text)))
    return f"{path}:{line}:{column}: invalid TOML: {reason}"


def _locator(path: Path | None, text: str) -> Callable[[list[Any], bool], tuple[int, int]]:
    """(line, column) of a path in the configuration's text: TOML for pyproject.toml, else YAML."""
    if path is not None and path.suffix == ".toml":
        from .load.toml_positions import toml_locator

        # the section is the tool.sdelint table however it is spelt, else (sdelint.toml) the top level, as _read took it;
        # decided at the first error placed, so a configuration without errors is not parsed again
        in_pyproject = path.name == "pyproject.toml"
        located: list[Callable[[Sequence[str | int]], tuple[int, int]]] = []

        def locate(keys: list[Any], at_key: bool) -> tuple[int, int]:
            if not located:
                located.append(toml_locator(text, ("tool", "sdelint") if in_pyproject or _has_tool_table(text) else ()))
            return located[0](keys)

        return locate
    from .load.yaml_source import yaml_locator

    return yaml_locator(text)


def _has_tool_table(text: str) -> bool:
    import tomllib

    try:
        tool = tomllib.loads(text).get("tool")
    except (tomllib.TOMLDecodeError, RecursionError):
        return False
    return isinstance(tool, dict) and isinstance(tool.get("sdelint"), dict)


def discover(start: Path) -> Path | None:
    """The nearest configuration file at or above ``start``; a pyproject.toml counts only with [tool.sdelint].

    The search stops at the repository root (a directory holding ``.git``), as ruff's does: a file
    above the checkout (a stray pyproject.toml in /tmp or a home directory) is not the project's.
    """
    directory = start if start.is_dir() else start.parent
    directory = directory.resolve()
    for folder in (directory, *directory.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file():
                if name == "pyproject.toml" and _read(candidate)[0] is None:
                    continue
                return candidate
            if name != "pyproject.toml" and candidate.is_symlink():  # a link to nothing: not passed over in silence
                raise ConfigError(f"{candidate}: the configuration is a link to a file that does not exist")
            if name != "pyproject.toml" and candidate.exists():  # a folder (docker -v of a missing file makes one), a FIFO:
                kind = "a directory" if candidate.is_dir() else "not a regular file"  # the defaults ran in silence
                raise ConfigError(f"{candidate}: the configuration is {kind}, not a file: make it a file, or remove it")
        if (folder / ".git").exists():  # a directory, or a file in a worktree or submodule
            return None
    return None


def _apply(settings: dict[str, Setting], changes: dict[str, Any]) -> None:
    """Layer rule settings (already checked on load) over ``settings``."""
    for name, value in changes.items():
        current = settings[name]
        if isinstance(value, str):
            settings[name] = Setting(value, current.params)
        else:
            params = {k: v for k, v in value.items() if k != "severity"}
            settings[name] = Setting(value.get("severity", current.severity), {**current.params, **params})


@dataclass
class Configuration:
    """A loaded configuration file (or none) plus the command line."""

    path: Path | None = None
    data: dict[str, Any] = field(default_factory=dict)
    cli: CommandLine = field(default_factory=CommandLine)
    custom_rules: dict[str, CustomRule] = field(default_factory=dict)
    _custom_specs: dict[str, RuleSpec] = field(default_factory=dict)
    _policies: dict[tuple, Policy] = field(default_factory=dict)
    _text: str = ""  # the file's text, for positions in messages (empty for TOML)

    @classmethod
    def load(cls, path: Path | None, cli: CommandLine = CommandLine()) -> Configuration:
        section, text, repeats = _read(path) if path is not None else ({}, "", [])
        if path is not None and section is None:  # discovery passes such a pyproject.toml over: it was named (--config)
            raise ConfigError(f"{path}: no [tool.sdelint] table (a misspelt one is not read either)")
        return cls.from_data(path, section, text, cli, repeats=repeats)

    @classmethod
    def from_data(
        cls, path: Path | None, section: Any, text: str = "", cli: CommandLine = CommandLine(), root: str | None = None, repeats: Sequence[str] = ()
    ) -> Configuration:
        """A configuration from a file's section already read (``path`` only names it in messages).

        A cluster worker builds it from what the client read (``Shipped``): it needs no file of the user's.
        ``root`` (an absolute folder) replaces the folder of ``path`` that override globs are relative to.
        ``repeats``: the file's repeated keys (``_read``), listed first among its errors.
        """
        data: dict[str, Any] = {}
        if path is not None:
            data = section if section is not None else {}  # false, 0, "" or [] is no mapping: refused below
            if not isinstance(data, dict):  # at the document's value, in the words of the file's own language
                line, column = _locator(path, text)([], False)
                found = "true or false" if isinstance(data, bool) else "a string" if isinstance(data, str) else "a number" if isinstance(data, (int, float)) \
                    else "a list" if isinstance(data, list) else f"a {type(data).__name__}"
                raise ConfigError(f"{path}:{line}:{column}: the configuration must be a mapping of settings (api-version, rules, custom-rules, ...),"
                                  f" found {found}")
            data = dict(data)
            if "rules" in data:
                data["rules"] = _normalise_severities(data["rules"])
            if isinstance(data.get("custom-rules"), list):  # a custom rule's bare `severity: off` too (an audit)
                data["custom-rules"] = [
                    {**entry, "severity": "off"} if isinstance(entry, dict) and entry.get("severity") is False else entry for entry in data["custom-rules"]
                ]
            if isinstance(data.get("overrides"), list):
                data["overrides"] = [
                    {**o, "rules": _normalise_severities(o.get("rules"))} if isinstance(o, dict) and "rules" in o else o for o in data["overrides"]
                ]
            config_locator = _locator(path, text)
            errors = [*repeats, *schema_errors(data, "config.schema", text, str(path), config_locator, names_checked=True)]
        else:
            errors = []
        config = cls(path=path, data=data, cli=cli)
        config._text = text
        if path is not None:
            config.__dict__["_locate"] = config_locator  # the text read once for every error's place
        errors += config._rule_name_errors() + config._file_pattern_errors()
        if errors:  # every error at once, each at its line and column (the first hundred: the rest are counted)
            raise ConfigError(listed("invalid configuration", errors))
        if root is not None:
            config.__dict__["root"] = Path(root)  # the cached property, as the client resolved it
        # it validates their options; the rationale names the file relative to the configuration root (its own directory)
        source = path.name if path is not None else "the command line"
        try:
            config.custom_rules = custom_rules(data.get("custom-rules", []), set(load_catalogue()), str(path), source, config._location)
        except CustomRuleError as exc:  # a ConfigError, as the Python API promises (``except validator.ConfigError`` missed it)
            raise ConfigError(str(exc)) from None
        config._custom_specs = {name: rule_spec(rule, rule.summary, rule.rationale) for name, rule in config.custom_rules.items()}
        config._check_cli()
        return config

    def _rule_name_errors(self) -> list[str]:
        """Rule names, parameters and their values, wherever the data has the shape to hold them."""
        specs = self.specs()
        entries = self.data.get("custom-rules")
        custom_names = {e["name"] for e in entries if isinstance(e, dict) and isinstance(e.get("name"), str)} if isinstance(entries, list) else set()
        errors: list[str] = []
        rules = self.data.get("rules")
        places: list[tuple[list[Any], Any, bool]] = [(["rules"], rules, False)]
        overrides = self.data.get("overrides")
        if isinstance(overrides, list):
            places += [(["overrides", i, "rules"], o.get("rules"), "pointers" in o) for i, o in enumerate(overrides) if isinstance(o, dict)]

        def fail(path: list[Any], message: str, at_key: bool = False) -> None:
            errors.append(f"{self._location(path, at_key)}: {message}")

        for path, settings, pointer_scoped in places:
            if not isinstance(settings, dict):
                continue  # the schema says what is wrong with it
            for name, value in settings.items():
                if name in custom_names and name not in specs:
                    # a custom rule: its own entry is checked where it is defined; here it takes a severity only
                    for key in value if isinstance(value, dict) else ():
                        if key != "severity":
                            message = f"custom rule {name!r} takes a severity here, not {key!r} (its options are in its custom-rules entry)"
                            fail([*path, name, key], message, at_key=True)
                    continue
                if name in settings_names():  # a setting written under rules: (indented in YAML, below [tool.sdelint.rules] in TOML)
                    toml = self.path is not None and self.path.suffix == ".toml"
                    where_to = "write it above the rules table's header" if toml else "indent it as 'rules:' is"
                    fail([*path, name], f"unknown rule {name!r}: {name} is a setting of the configuration, not a rule: {where_to}", at_key=True)
                    continue
                if name not in specs:
                    fail([*path, name], f"unknown rule {name!r}{did_you_mean(str(name), [*specs, *custom_names])} (see 'sdelint rules')", at_key=True)
                    continue
                if not isinstance(value, dict):
                    continue
                rule = specs[name].rule
                params = rule.params if rule is not None else {}
                for key, given in value.items():
                    if key == "severity":
                        continue
                    if pointer_scoped:
                        fail([*path, name, key], f"rule {name!r}: an override with pointers sets severities only, not {key!r}", at_key=True)
                    elif key not in params:
                        hint = did_you_mean(str(key), list(params))
                        fail([*path, name, key], f"rule {name!r} has no parameter {key!r}{hint} (it has: {', '.join(sorted(params)) or 'none'})", at_key=True)
                    elif problem := params[key].problem(given):
                        fail([*path, name, key], f"rule {name!r}: {key} {problem}, found {given!r}")
                if rule is None or rule.params_check is None or pointer_scoped or not set(value) - {"severity"}:
                    continue
                # parameters set together are judged as the rule will run with them: over its defaults (timestamp-range's
                # earliest: 2150-01-01 alone is after the default latest) and, in an override, over the file's own rules: entry
                layered = dict(specs[name].params)
                if path[0] == "overrides" and isinstance(rules, dict) and isinstance(rules.get(name), dict):
                    layered.update(rules[name])
                layered.update(value)
                layered.pop("severity", None)
                valid = all(key in params and params[key].problem(given) is None for key, given in layered.items())  # else said above
                if valid and (together := rule.params_check(layered)):
                    fail([*path, name], f"rule {name!r}: {together}")
        return errors

    def _location(self, path: Sequence[str | int], at_key: bool = False) -> str:
        """``file:line:col`` of a node of the configuration (YAML or TOML)."""
        line, column = self._locate(list(path), at_key) if self.path is not None and self._text else (1, 1)
        return f"{self.path}:{line}:{column}"

    @cached_property
    def _locate(self) -> Callable[[list[Any], bool], tuple[int, int]]:
        return _locator(self.path, self._text)

    @cached_property
    def root(self) -> Path:
        return self.path.parent.resolve() if self.path else Path.cwd().resolve()

    def specs(self) -> dict[str, RuleSpec]:
        return {**load_catalogue(), **self._custom_specs}

    def _file_pattern_errors(self) -> list[str]:
        """Override file patterns pathspec would refuse, or whose braces expand too far (the schema checks their type)."""
        overrides = self.data.get("overrides")
        errors = []
        for i, override in enumerate(overrides if isinstance(overrides, list) else []):
            files = override.get("files") if isinstance(override, dict) else None
            for j, pattern in enumerate(files if isinstance(files, list) else []):
                if isinstance(pattern, str) and pattern and (problem := file_pattern_problem(pattern)):
                    errors.append(f"{self._location(['overrides', i, 'files', j])}: overrides/{i}/files/{j}: {pattern!r}: {problem}")
            pointers = override.get("pointers") if isinstance(override, dict) else None
            for j, pattern in enumerate(pointers if isinstance(pointers, list) else []):
                # '**/total' matches /a/total; '*total' or '*/total' ('*' stops at the '/' every pointer starts with) match nothing
                if isinstance(pattern, str) and pattern and not pattern.startswith(("/", "**")):
                    errors.append(f"{self._location(['overrides', i, 'pointers', j])}: overrides/{i}/pointers/{j}: {pattern!r}:"
                                  f" a JSON Pointer starts with '/' ({'/' + pattern.lstrip('*/')!r} or {'/**/' + pattern.lstrip('*/')!r}?)")
                elif isinstance(pattern, str) and _BAD_TILDE.search(pattern):  # '/**/t~z' matched nothing, in silence
                    errors.append(f"{self._location(['overrides', i, 'pointers', j])}: overrides/{i}/pointers/{j}: {pattern!r}:"
                                  " a JSON Pointer writes '~' in a key as ~0 and '/' as ~1; a '~' followed by anything else matches no pointer")
        return errors

    @cached_property
    def warnings(self) -> tuple[str, ...]:
        """What is legal but likely a mistake, ``file:line:col: message`` each: a custom rule path no member of the schemas matches.

        Such a rule never fires (or, with ``required``, fires on every event). A warning, not an error: a brand's
        payloads may carry members the schemas do not define; a configuration that turns unknown-field off says
        they do, and is not warned.
        """
        from .rules.custom_paths import path_problem

        unknown_field = self.data.get("rules", {}).get("unknown-field")
        if not self.custom_rules or "off" in (unknown_field, unknown_field.get("severity") if isinstance(unknown_field, dict) else None):
            return ()
        found = []
        for index, entry in enumerate(self.data["custom-rules"]):
            rule = self.custom_rules[entry["name"]]
            paths = [(["where"], "where", entry["where"], rule.path)]
            if rule.kind == "compare":
                paths.append((["options", "other"], "other", entry["options"]["other"], rule.options["_other"]))
            for keys, label, written, path in paths:
                if problem := path_problem(rule.root, path):
                    found.append(f"{self._location(['custom-rules', index, *keys])}: custom rule {rule.name!r}: {label} {written!r}"
                                 f" matches no member the schemas define: {problem}")
        return tuple(found)

    def _check_cli(self) -> None:
        """What the command line (or the Python API, which fills it in) gives: click checks the CLI's choices, nothing the API's."""
        known = set(self.specs())
        for option, name in self.cli.rule_names():
            if name not in known and name not in self.cli.elsewhere:
                raise ConfigError(f"unknown rule {name!r} in {option}{did_you_mean(name, sorted(known))} (see 'sdelint rules')")
        for option, value, choices in (
            ("api_version", self.cli.api_version, API_VERSION_CHOICES),
            ("min_severity", self.cli.min_severity, tuple(SEVERITY_RANK)),
            ("profile", self.cli.profile, PROFILE_CHOICES),
        ):
            if value is not None and value not in choices:
                raise ConfigError(f"{option} {value!r} is not one of {', '.join(choices)}")

    def min_severity(self) -> str:
        """The lowest severity shown (the command line's, else the file's, else warning)."""
        return self.cli.min_severity or self.data.get("min-severity", self.cli.default_min_severity)

    def fail_on(self) -> str:
        return self.data.get("fail-on", "error")

    def cluster(self) -> str | None:
        """The Dask scheduler the configuration names for ``sdelint check`` (``--cluster`` wins)."""
        address = self.data.get("cluster")
        return address if isinstance(address, str) else None

    def shipped(self) -> Shipped:
        """This configuration as data for a cluster worker (see ``Shipped``)."""
        section = self.data if self.path is not None else None
        root = str(self.root)
        import pickle  # only a cluster run ships the configuration

        key = hashlib.sha256(pickle.dumps((str(self.path), root, self._text, section, self.cli))).hexdigest()
        return Shipped(key, self.path, section, self._text, root, self.cli)

    def _relative(self, file: str) -> str:
        if "://" in file:  # an object-storage URL (s3://bucket/key): overrides match "bucket/key"
            return file.split("://", 1)[1]
        try:
            absolute = Path(absolute_path(file))
        except OSError:  # a relative path in a working directory that was removed
            return Path(file).as_posix()
        try:
            return absolute.relative_to(self.root).as_posix()  # "$PWD/a.json" through a symlink too
        except ValueError:
            pass
        try:  # named through a folder symlink: the configuration was found above the folder resolved, so is the path
            return (absolute.parent.resolve() / absolute.name).relative_to(self.root).as_posix()
        except (ValueError, OSError, RuntimeError):  # outside the configuration's folder (--config), or a loop of links
            return Path(file).as_posix()

    def policy_for(self, file: str | None) -> Policy:
        overrides = self.data.get("overrides", [])
        # without overrides no path is needed: not the working directory either, which may have been removed
        relative = self._relative(file) if file and overrides else ""
        chosen = tuple(i for i, o in enumerate(overrides) if file and path_matches(relative, o["files"]))
        policy = self._policies.get(chosen)
        if policy is None:
            policy = self._policies[chosen] = self._build(chosen)
        return policy

    def _build(self, chosen: tuple[int, ...]) -> Policy:
        specs = self.specs()
        settings = {name: Setting(spec.severity, dict(spec.params)) for name, spec in specs.items()}
        _apply(settings, self.data.get("rules", {}))
        api_version = self.data.get("api-version", "auto")
        profile = self.data.get("profile", "auto")
        pointer_overrides = []
        for index in chosen:
            override = self.data["overrides"][index]
            api_version = override.get("api-version", api_version)
            profile = override.get("profile", profile)
            if "pointers" in override:
                severities = {n: (v if isinstance(v, str) else v.get("severity", settings[n].severity)) for n, v in override.get("rules", {}).items()}
                pointer_overrides.append((tuple(override["pointers"]), severities))
            else:
                _apply(settings, override.get("rules", {}))
        if self.cli.select:
            for name, setting in settings.items():
                if name not in self.cli.select and name not in UNCHECKED_INPUT:
                    settings[name] = Setting("off", setting.params)
                elif name in self.cli.select and setting.severity == "off":
                    # selected but off in the configuration: its default severity (a rule off by default: warning)
                    default = specs[name].severity
                    settings[name] = Setting(default if default != "off" else "warning", setting.params)
        for name in self.cli.ignore:
            if name in settings:  # else a custom rule of another configuration of the run (CommandLine.elsewhere)
                settings[name] = Setting("off", settings[name].params)
        if self.cli.select or self.cli.ignore:
            pointer_overrides = [(p, {n: ("off" if settings[n].severity == "off" else s) for n, s in sev.items()}) for p, sev in pointer_overrides]
        if self.cli.api_version:
            api_version = self.cli.api_version
        if self.cli.profile:
            profile = self.cli.profile
        return Policy(api_version, settings, tuple(pointer_overrides), key=chosen, min_severity=self.min_severity(), profile=profile)
