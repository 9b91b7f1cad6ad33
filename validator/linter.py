"""From an input (path, bytes or object) to placed findings: load, detect, validate and check rules, place."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import detect
from .check import DocumentChecker
from .collector import collector_paused, next_input, retire
from .config import Configuration, Policy
from .findings import Finding, Problem, join_pointer, non_finite_text, split_pointer, too_long_to_print, value_text
from .load import Decoded, Document, locate, parse_input, read_input
from .load.reader import format_of, read_file
from .load.source import non_finite_numbers
from .model import EH_CONTAINER_KEYS, MESSAGING, RECORD_KINDS, RESPONSE, SDE_TYPES, WEB, WEB_TYPES
from .placing import FINDING_ORDER, finding_rows, findings_of, graded, place
from .profile_views import text_may_name_web_members
from .result import FileResult
from .rules.engine import RuleEngine
from .validate.checker import SchemaChecker
from .walk import records_of

# From this size a plain JSON response is parsed and checked in two halves when workers allow.
HALVES_MIN_BYTES = 4 << 20
INTERNAL_ERROR = "internal-error"
# Deeper than this a Python object is not walked (a JSON text stops near 1,000 levels in the parser; no
# engagement attribute nests more than a few). A list that holds itself is infinitely deep.
OBJECT_MAX_DEPTH = 500
# A Python object may hold one dict or list in many places, each written out (and walked by the checks) in full: a few
# dozen levels of ``x = [x, x]`` never ended. Past this many values more than it holds (about a 300 MB JSON text's,
# which takes a minute) it is not checked; a record repeated a few thousand times (35 MB written out) is.
OBJECT_MAX_REPEATED = 10_000_000


# serverTimeStamps outside these years are not charted by day (a typo'd or hostile value would stretch the axis).
_CHARTED_YEARS = range(2000, 2101)
_TYPE_BY_CONTAINER = {container: sde_type for sde_type, container in SDE_TYPES.items()}
# the keys an event's container may have: the API's, and Engagement History's own (viewProduct, formFillingError)
_TYPE_BY_CONTAINER |= {eh_key: _TYPE_BY_CONTAINER[container] for eh_key, container in EH_CONTAINER_KEYS.items()}


def finding_context(data: Any, findings: list[Finding], profile: str | None = MESSAGING) -> dict[tuple[int, str], tuple[str | None, str | None]]:
    """(sdeType, UTC day of serverTimeStamp) of the event each finding lies in, keyed by (line, pointer).

    Only the HTML report charts findings by type and day, and the reporters never see the document:
    this is worked out here, once per finding, and only when that report asks for it. The event is
    found in the shape its profile writes (an lpTag ``type`` on the web side, EH's container keys).
    """
    context: dict[tuple[int, str], tuple[str | None, str | None]] = {}
    for finding in findings:
        key = (finding.line, finding.pointer)
        if key not in context:
            context[key] = _event_context(data, finding.pointer, profile == WEB)
    return context


def _web_type(node: dict[str, Any]) -> str | None:
    """The sdeType of a web-side object by its lpTag ``type`` (``cart`` -> CART_STATUS), None when it names none."""
    found = WEB_TYPES.get(node["type"]) if type(node.get("type")) is str else None
    return _TYPE_BY_CONTAINER[found[0]] if found else None


def _event_context(data: Any, pointer: str, web: bool = False) -> tuple[str | None, str | None]:
    """The innermost event on the way to ``pointer``: an object with ``sdeType`` (on the web side, an lpTag
    ``type``), else the outermost with a container key."""
    event = keyed = None
    node = data
    for index, token in enumerate(["", *split_pointer(pointer)]):
        if index:
            if isinstance(node, dict):
                node = node.get(token)
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                break
        if isinstance(node, dict):
            if "sdeType" in node or (web and _web_type(node)):
                event = node
            elif keyed is None and not _TYPE_BY_CONTAINER.keys().isdisjoint(node):
                keyed = node  # an event without sdeType (missing-field, or Engagement History's): its container key names the type
    event = event if event is not None else keyed
    if event is None:
        return None, None
    sde_type = event.get("sdeType")
    if not isinstance(sde_type, str):
        sde_type = (_web_type(event) if web else None) or next((_TYPE_BY_CONTAINER[key] for key in event if key in _TYPE_BY_CONTAINER), None)
    stamp = event.get("serverTimeStamp")
    if stamp is None:  # Engagement History prints some events bare: the container's serverTimeStamp stands for the event's
        stamp = next((event[key].get("serverTimeStamp") for key in event if key in _TYPE_BY_CONTAINER and isinstance(event[key], dict)), None)
    return sde_type, _day(stamp)


def _day(stamp: Any) -> str | None:
    """``YYYY-MM-DD`` (UTC) of an epoch-milliseconds timestamp (integer or digits), None when it is not a plausible one."""
    if isinstance(stamp, str) and stamp.isascii() and stamp.isdigit() and len(stamp) <= 16:
        stamp = int(stamp)
    if type(stamp) is not int:
        return None
    try:
        moment = datetime.fromtimestamp(stamp / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.strftime("%Y-%m-%d") if moment.year in _CHARTED_YEARS else None


class Linter:
    """Lints inputs under one configuration; compiled validators and rule tables are reused.

    ``context``: also record each finding's SDE type and day (``FileResult.context``) for the HTML report.
    """

    def __init__(self, config: Configuration | None = None, schema: SchemaChecker | None = None, context: bool = False) -> None:
        self.config = config or Configuration.load(None)
        self.schema = schema or SchemaChecker()
        self.context = context
        self._checkers: dict[tuple[Any, ...], DocumentChecker] = {}

    def _checker(self, policy: Policy) -> DocumentChecker:
        checker = self._checkers.get(policy.key)
        if checker is None:
            checker = self._checkers[policy.key] = DocumentChecker(self.schema, RuleEngine(policy, self.config.specs()))
        return checker

    def lint_document(self, doc: Document, path: str | None = None, workers: int = 1, policy: Policy | None = None) -> FileResult:
        """Detect, walk with the schema stage and the rules, place; ``workers`` > 1 may split many records over processes.

        ``policy``: ``path``'s, when the caller has it (lint_documents: working it out for each line took a third of a
        run over small JSON Lines)."""
        policy = policy or self.config.policy_for(path)
        problems = list(doc.problems)
        kind = version = reason = profile = profile_reason = None
        events = 0
        if doc.parsed:
            # a JSON text that names no web member spares detection a walk of the document for one (only auto and web look)
            web_possible = policy.profile not in ("auto", WEB) or doc.text is None or doc.locator is not None or text_may_name_web_members(doc.text)
            profile, kind, profile_reason = detect.profile_evidence(doc.data, policy.profile, doc.source_kind, policy.api_version != "auto", web_possible)
            if kind is None:
                problems.append(Problem("", "unrecognized-document", _unrecognized(doc.data, profile, profile_reason)))
                profile = profile_reason = None
            else:
                store = profile
                if profile == MESSAGING:
                    version, reason = _version(policy, doc.data, kind)
                    store = version
                # a JSON text bounds the length of every string in it (escapes only shorten); YAML and JavaScript are not bounded here
                longest = len(doc.text) if doc.text is not None and doc.locator is None else None
                found, events = self._checker(policy).check_document(doc.data, kind, store, workers, longest)
                problems.extend(found)
        findings, hidden = place(doc, problems, policy, version)
        result = FileResult(doc.name, findings, kind, version, events, reason, hidden, profile=profile, profile_reason=profile_reason)
        if self.context and kind is not None:
            result.context = finding_context(doc.data, findings, profile)
            result.records = len(records_of(doc.data, kind)) if kind in RECORD_KINDS else 0
        return result

    def lint_documents(self, name: str, documents: list[Document], path: str | None = None, workers: int = 1) -> FileResult:
        """One input's documents (JSON Lines holds many) as one result."""
        if len(documents) == 1:
            return self.lint_document(documents[0], path, workers)
        policy = self.config.policy_for(path)
        results = [self.lint_document(doc, path, workers, policy) for doc in documents]
        versions = {r.api_version for r in results if r.api_version}
        reasons = {r.version_reason for r in results if r.version_reason}
        profiles = {r.profile for r in results if r.profile}
        profile_reasons = {r.profile_reason for r in results if r.profile_reason}
        return FileResult(
            name,
            [f for r in results for f in r.findings],
            kind="json-lines",
            api_version=versions.pop() if len(versions) == 1 else ("mixed" if versions else None),
            events=sum(r.events for r in results),
            version_reason=reasons.pop() if len(reasons) == 1 else ("per line" if reasons else None),
            hidden=dict(sum((Counter(r.hidden) for r in results), Counter[str]())),
            profile=profiles.pop() if len(profiles) == 1 else ("mixed" if profiles else None),
            profile_reason=profile_reasons.pop() if len(profile_reasons) == 1 else ("per line" if profile_reasons else None),
            context={key: value for r in results for key, value in r.context.items()},
            records=sum(r.records or 0 for r in results) if self.context else None,
            partial=any(r.kind is None for r in results),
        )

    def lint_bytes(self, raw: bytes, name: str = "<bytes>", path: str | None = None, input_format: str | None = None, workers: int = 1) -> FileResult:
        """Lint one input; its format (JSON, JSON Lines, YAML, gzip) follows from ``name`` unless given.

        ``workers`` > 1: a big input may be parsed and checked by that many processes.
        """
        next_input()
        with collector_paused():
            return self._lint_bytes(raw, name, path, input_format, workers)

    def _lint_bytes(self, raw: bytes, name: str, path: str | None, input_format: str | None, workers: int) -> FileResult:
        decoded = read_input(raw, name, input_format)
        # halves split Messaging Interactions responses only, and keep only their own records in this process:
        # the context of the other half's findings would be lost
        splittable = self.config.policy_for(path).profile in ("auto", MESSAGING) and not self.context
        if decoded.format == "json" and not decoded.fatal and workers > 1 and len(raw) >= HALVES_MIN_BYTES and splittable:
            result = self._lint_in_halves(decoded, path)
            if result is not None:
                return result
        documents = parse_input(decoded)
        result = self.lint_documents(name, documents, path, workers)
        result.partial = result.partial or decoded.cut
        retire(documents)
        return result

    def _lint_in_halves(self, decoded: Decoded, path: str | None) -> FileResult | None:
        """A big response over two processes (see validate.halves); None when it cannot be split."""
        from .validate.halves import check_in_halves

        text, name = decoded.text or "", decoded.name
        policy = self.config.policy_for(path)
        halves = check_in_halves(text, self._checker(policy), policy, name)
        if halves is None:
            return None
        retire(halves.data, halves.rows, halves.checked)
        kept, hidden = graded([*decoded.problems, *halves.problems], policy)
        structural = finding_rows(kept, text, lambda pointers: locate(text, pointers, halves.data))
        findings = halves.findings
        if structural:
            findings = findings_of(name, structural, halves.extra) + findings
        if structural or not halves.in_order:
            findings.sort(key=FINDING_ORDER)
        reason = halves.version_reason
        why = "given" if policy.profile == MESSAGING else "Messaging Interactions shapes (conversationHistoryRecords, sdes, events with sdeType)"
        return FileResult(name, findings, RESPONSE, halves.version, halves.events, reason, dict(hidden + halves.hidden), profile=MESSAGING, profile_reason=why)

    def lint_path(self, path: Path, name: str | None = None, workers: int = 1) -> FileResult:
        """Lint a file, its format following from its path; ``name`` only labels its findings."""
        name = name or str(path)
        next_input()  # before its bytes are read, not only before they are parsed (lint_bytes)
        try:
            raw = read_file(path)
        except OSError as exc:
            return self.unreadable(name, str(path), exc.strerror or str(exc))
        return self.lint_bytes(raw, name, str(path), input_format=format_of(str(path))[0], workers=workers)

    def unreadable(self, name: str, path: str | None, reason: str) -> FileResult:
        """The result of an input that could not be read: one ``read-error`` finding."""
        return self._one_problem(name, path, Problem("", "read-error", f"cannot read file: {reason}"))

    def unlisted(self, name: str, path: str | None, reason: str) -> FileResult:
        """The result of a folder a directory search could not list: one ``read-error`` finding, as for a file that
        cannot be read (the files in it are unknown, so a run must not pass in silence)."""
        return self._one_problem(name, path, Problem("", "read-error", f"cannot list directory: {reason}"))

    def failed(self, name: str, path: str | None, error: Exception) -> FileResult:
        """The result of an input that sdelint itself failed on: one ``internal-error`` finding, so the run goes on.

        Its severity is fixed (error): no --select, --ignore or configuration hides a failure.
        """
        if isinstance(error, OSError):  # the system's refusal (no memory for a fork, too many open files), not a bug
            message = f"sdelint could not check this input: {error.strerror or error}"
        elif isinstance(error, MemoryError):
            message = "sdelint could not check this input: out of memory"
        else:
            detail = str(error).splitlines()[0][:200] if str(error) else ""
            what = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
            message = f"sdelint failed on this input: {what} (a bug in sdelint: please report it with the input)"
        return self._one_problem(name, path, Problem("", INTERNAL_ERROR, message, severity="error"), failed=True)

    def _one_problem(self, name: str, path: str | None, problem: Problem, failed: bool = False) -> FileResult:
        """The result of an input known only by one problem about it (it was not read, or not checked)."""
        findings, hidden = place(Document(name, None), [problem], self.config.policy_for(path), None)
        return FileResult(name, findings, hidden=hidden, failed=failed)

    def lint_object(self, data: Any, name: str = "<object>") -> FileResult:
        """A Python object is as deep as its caller made it, and may hold itself: past OBJECT_MAX_DEPTH it is one finding."""
        with collector_paused():
            problem, plain = _unusable_object(data)
            if problem is not None:
                return self._one_problem(name, None, problem)
            problems: list[Problem] = []
            if not plain:  # the checks test JSON's own types: an OrderedDict's members went unchecked, without a finding
                data, keys = _as_json_types(data)
                problems = non_finite_numbers(data) + _key_problems(data, keys)
            return self.lint_document(Document(name=name, data=data, text=None, parsed=True, problems=problems))


# What a Python object given to the API may nest values in: a tuple or set is no JSON, but its items are quoted in
# messages all the same (a review found 10**5000 in a set a ValueError from the message's repr)
_PYTHON_CONTAINERS = (dict, list, tuple, set, frozenset)
# The types json.loads makes: the checks test for these exactly (``type(x) is dict``), which is fast
_JSON_TYPES = frozenset({dict, list, str, int, float, bool, type(None)})


def _unusable_object(data: Any) -> tuple[Problem | None, bool]:
    """Why a Python object cannot be checked: nested past OBJECT_MAX_DEPTH (or holding itself), an integer too long
    to print (10**5000: no JSON text holds one, and every message about it would fail), or parts held in so many places
    that it has OBJECT_MAX_REPEATED values more written out than it holds (see ``_repeated_values``). Level by level.

    Also whether it holds only the types json.loads makes, str keys included, and no NaN or infinity (which json.loads
    refuses in a text: a finding there): if not, ``_as_json_types`` and ``non_finite_numbers`` are wanted."""
    def unprintable(number: int) -> Problem:
        return Problem("", "syntax-error", f"an integer of {number.bit_length()} bits is longer than can be printed: not checked")

    plain = type(data) in _JSON_TYPES
    if isinstance(data, int | Decimal) and _too_long(data):
        return unprintable(int(data)), plain
    if not isinstance(data, _PYTHON_CONTAINERS):
        return None, plain
    level = [data]
    shared = False  # whether a container is held twice on one level: only then can the object be much more written out
    for _ in range(OBJECT_MAX_DEPTH + 1):
        below: dict[int, Any] = {}  # the containers of the next level, each once: an object shared or held twice is walked once per level
        held = 0
        for node in level:
            children: Iterable[Any] = node
            if isinstance(node, dict):
                plain = plain and all(type(key) is str for key in node)
                # a key that is no str is looked at as a value is: {10**5000: 1} raised ValueError from a pointer's str()
                children = node.values() if plain else [*node, *node.values()]
            for child in children:
                kind = type(child)
                if kind is dict or kind is list:
                    below[id(child)] = child
                    held += 1
                elif kind is str or kind is bool or child is None:
                    continue
                elif kind is float:
                    plain = plain and child - child == 0  # NaN - NaN and inf - inf are NaN
                elif kind is not int:  # anything else, the slow way
                    plain = False
                    if isinstance(child, _PYTHON_CONTAINERS):
                        below[id(child)] = child
                        held += 1
                    elif isinstance(child, int | Decimal) and _too_long(child):
                        return unprintable(int(child)), plain
                elif too_long_to_print(child):
                    return unprintable(child), plain
        shared = shared or held > len(below)
        if not below:
            if shared and _repeated_values(data) > OBJECT_MAX_REPEATED:
                return Problem("", "too-deep", (
                    f"object holds the same dict or list in so many places that, written out, it has more than {OBJECT_MAX_REPEATED:,} "
                    "values it does not hold itself: not checked (copy the parts it repeats, or lint its JSON text)"
                )), plain
            return None, plain
        level = list(below.values())
    return Problem("", "too-deep", f"object nests more than {OBJECT_MAX_DEPTH} levels, or contains itself: not checked"), plain


def _repeated_values(data: Any) -> int:
    """How many values more ``data`` has written out (by json.dumps, and as the checks walk it) than it holds: each
    container counts once per place that holds it. Level by level, each container once per level with the number of
    its places; ``data`` is known to nest at most OBJECT_MAX_DEPTH levels. The count stops growing past the limit."""
    cap = OBJECT_MAX_REPEATED + 1
    level: dict[int, tuple[Any, int]] = {id(data): (data, 1)}
    counted: set[int] = set()
    written = own = 0
    while level and written - own <= OBJECT_MAX_REPEATED:
        below: dict[int, tuple[Any, int]] = {}
        for node, places in level.values():
            written += places * len(node)
            if id(node) not in counted:
                counted.add(id(node))
                own += len(node)
            for child in node.values() if isinstance(node, dict) else node:
                if isinstance(child, _PYTHON_CONTAINERS):
                    before = below.get(id(child))
                    below[id(child)] = (child, min(cap, places + (before[1] if before else 0)))
        level = below
    return written - own


def _integral(number: Decimal) -> bool:
    """Whether a Decimal is written without a point or an exponent (``Decimal("7")``, as ``parse_int=Decimal`` and
    DynamoDB give integers): an integer, as json.loads reads its text."""
    return number.is_finite() and number.as_tuple().exponent == 0


def _too_long(number: int | Decimal) -> bool:
    """An integer (an integral Decimal too) too long to print: see findings.too_long_to_print."""
    if isinstance(number, Decimal):  # by its digits: int() of a Decimal of a million digits takes a while
        limit = sys.get_int_max_str_digits()
        return bool(limit) and _integral(number) and len(number.as_tuple().digits) > limit
    return too_long_to_print(number)


def _as_json_types(data: Any) -> Any:
    """``data`` made of the types json.loads gives, which the checks expect, for what ``json.dumps`` writes as JSON:
    a dict subclass (OrderedDict, defaultdict) as a dict, a tuple or a list subclass as a list, a str, int or float
    subclass (an enum's member) as its value; and a Decimal (``json.load(f, parse_float=Decimal)``) as the number its
    text reads as: an int for ``Decimal("7")`` (``parse_int=Decimal``, DynamoDB), else a float (``Decimal("7.0")``).
    Anything else (a set, a date, bytes) is kept: it is no JSON value, and is reported as one of the wrong type.
    Keys are the strings json.dumps writes (``True`` is ``"true"``, ``1`` is ``"1"``, ``None`` is ``"null"``); one it
    refuses (a tuple, a Decimal) is left out, and one written as a key before it in the object (``1`` and ``"1"``) keeps
    the later value, as json.loads of the text does: each is said in the second value returned, by id of the copy
    (see ``_key_problems``). Parts held twice are copied once; ``data`` is known not to hold itself (``_unusable_object``).
    """
    copies: dict[int, Any] = {}  # id of a container -> its copy (the containers outlive this: their ids are not reused)
    keys: dict[int, list[Problem]] = {}  # id of an object's copy -> its keys' problems, each at a pointer from the object

    def container(value: Any) -> bool:
        return isinstance(value, dict | list | tuple)

    def converted(value: Any) -> Any:
        if container(value):
            return copies[id(value)]
        if type(value) in _JSON_TYPES:
            return value
        if isinstance(value, str):
            return str.__str__(value)
        if isinstance(value, int):  # not a bool: bool cannot be subclassed
            return int.__int__(value)
        if isinstance(value, float):
            return float.__float__(value)
        if isinstance(value, Decimal):  # as a float, 9223372036854775807 (a legal long) was 2**63: out of its range
            if _integral(value):
                return int(value)
            return float("nan") if value.is_snan() else float(value)  # a signalling NaN refuses float()
        return value

    stack: list[tuple[Any, bool]] = [(data, False)] if container(data) else []
    while stack:  # depth first, a container copied once its children are: no recursion, however deep
        node, children_copied = stack.pop()
        if id(node) in copies:
            continue
        if not children_copied:
            stack.append((node, True))
            stack.extend((child, False) for child in (node.values() if isinstance(node, dict) else node) if container(child))
        elif isinstance(node, dict):
            if all(type(key) is str for key in node):
                copies[id(node)] = {key: converted(value) for key, value in node.items()}
            else:
                copies[id(node)], problems = _json_members(node, converted)
                if problems:
                    keys[id(copies[id(node)])] = problems
        else:
            copies[id(node)] = [converted(item) for item in node]
    return converted(data), keys


def _json_key(key: Any) -> str | None:
    """The key as json.dumps writes it (``sort_keys`` aside), None for one it refuses: only str, int, float, bool and None."""
    if isinstance(key, str):
        return str.__str__(key)
    if key is True or key is False or key is None:
        return "true" if key is True else "false" if key is False else "null"
    if isinstance(key, int):  # an IntEnum's member as its number, as json.dumps writes it
        return int.__repr__(key)
    if isinstance(key, float):
        return non_finite_text(key) if key - key != 0 else float.__repr__(key)
    return None


def _json_members(node: dict[Any, Any], converted: Any) -> tuple[dict[str, Any], list[Problem]]:
    """An object whose keys are not all str, as json.loads reads what json.dumps writes of it, and its keys' problems
    (pointers relative to the object)."""
    members: dict[str, Any] = {}
    written: dict[str, Any] = {}  # the key each text was written from first
    problems = []
    for key, value in node.items():
        text = _json_key(key)
        if text is None:
            shown = value_text(key)
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            problems.append(Problem("", "wrong-type", f"a {type(key).__name__} key, {shown}, cannot be written as JSON (json.dumps writes str, "
                                    "int, float, bool and None keys as strings, and refuses others): its member is not checked", value=shown))
            continue
        if text in written:
            problems.append(Problem(join_pointer("", text), "duplicate-key", f"duplicate key {text!r}: json.dumps writes the keys "
                                    f"{written[text]!r} and {key!r} both as {text!r}: consumers disagree about which value wins "
                                    "(the last one was checked)", at_key=True))
        else:
            written[text] = key
        members[text] = converted(value)
    return members, problems


def _key_problems(data: Any, keys: dict[int, list[Problem]]) -> list[Problem]:
    """The problems ``_as_json_types`` found with keys, at each place of the objects that have them (an object held in
    two places is two findings, as in its text)."""
    if not keys:
        return []
    problems: list[Problem] = []
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        pointer, node = stack.pop()
        if type(node) is dict:
            problems.extend(replace(problem, pointer=pointer + problem.pointer) for problem in keys.get(id(node), ()))
            stack.extend((join_pointer(pointer, key), item) for key, item in node.items() if type(item) is dict or type(item) is list)
        elif type(node) is list:
            stack.extend((f"{pointer}/{index}", item) for index, item in enumerate(node) if type(item) is dict or type(item) is list)
    return problems


def _version(policy: Policy, data: Any, kind: str) -> tuple[str, str | None]:
    """The version to check with, and why detection chose it (None when the configuration or command line gave it)."""
    if policy.api_version != "auto":
        return policy.api_version, None
    return detect.version_evidence(data, kind)


def _unrecognized(data: Any, profile: str, why: str) -> str:
    """The unrecognized-document message: what was expected (under the profile asked for), and what was found."""
    if why not in ("given", "not recognised"):
        return f"not {'an' if profile[0] in 'aeiou' else 'a'} {profile} payload: {why}"
    expected = {
        "web": "an lpTag.sdes object (with a type), a list of them, or a body with engagementAttributes or lp_sdes",
        "engagement-history": "an Engagement History response (interactionHistoryRecords), record(s), sdes block or event(s)",
    }.get(profile, "a response, record(s), events block or event(s)") if why == "given" else (
        "a Messaging Interactions or Engagement History response, record(s), events block or event(s), or a web-side payload"
    )
    return f"not an engagement-attributes payload: expected {expected}, found {_describe(data)}"


def _describe(data: Any) -> str:
    from .validate.detailed import json_type

    if isinstance(data, dict):
        keys = ", ".join(repr(key) if key == "" else str(key) for key in list(data)[:5])  # YAML keys need not be strings
        return f"an object with keys {keys}" if data else "an empty object"
    if isinstance(data, list):
        return "an array" if data else "an empty array"
    return json_type(data)
