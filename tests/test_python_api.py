"""The Python API as a user calls it: explicit entry points, rule names as a string or a list, types."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import validator
from conftest import EXAMPLE


def _key(findings: list[validator.Finding]) -> list[tuple]:
    return [(f.line, f.column, f.pointer, f.rule, f.severity, f.message) for f in findings]


def test_every_entry_point_gives_the_cli_findings(example):
    text = EXAMPLE.read_text(encoding="utf-8")
    expected = _key(validator.lint_path(EXAMPLE))
    assert expected and _key(validator.lint_text(text)) == expected
    assert _key(validator.lint_bytes(EXAMPLE.read_bytes())) == expected
    assert _key(validator.lint(str(EXAMPLE))) == expected
    assert sorted((f.pointer, f.rule) for f in validator.lint_object(example)) == sorted((f.pointer, f.rule) for f in validator.lint_path(EXAMPLE))


def test_json_text_given_to_lint_is_refused_with_a_pointer_to_lint_text():
    with pytest.raises(TypeError, match="lint_text"):
        validator.lint('{"sdeType": "LEAD"}')
    with pytest.raises(TypeError, match="reads like JSON or YAML text: use validator.lint_text"):  # YAML was a read-error
        validator.lint("events:\n  - sdeType: LEAD\n")
    # an unfilled template is a path that does not exist, not JSON text (an audit found it called JSON text)
    (finding,) = validator.lint("{name}.json")
    assert finding.rule == "read-error" and "{name}.json" in finding.file


def test_lint_text_reports_syntax_errors_at_their_place():
    (finding,) = [f for f in validator.lint_text('{"sdeType": "LEAD",\n  oops}') if f.rule == "syntax-error"]
    assert (finding.line, finding.column) == (2, 3)


@pytest.mark.parametrize("select", ["cart-arithmetic", ["cart-arithmetic"], ("cart-arithmetic",), "cart-arithmetic, timestamp-order"])
def test_select_takes_a_string_or_a_list(select):
    rules = [f.rule for f in validator.lint(EXAMPLE, select=select)]
    assert rules.count("cart-arithmetic") == 2
    assert set(rules) == ({"cart-arithmetic", "timestamp-order"} if "timestamp-order" in str(select) else {"cart-arithmetic"})


def test_ignore_takes_a_string():
    assert "timestamp-order" not in {f.rule for f in validator.lint_path(EXAMPLE, ignore="timestamp-order")}
    assert "timestamp-order" in {f.rule for f in validator.lint_path(EXAMPLE)}


def test_an_unknown_rule_name_is_a_config_error_naming_it():
    with pytest.raises(validator.ConfigError, match="'no-such-rule'"):
        validator.lint_path(EXAMPLE, select="no-such-rule")


def test_the_package_is_typed_for_mypy_users(tmp_path):
    script = tmp_path / "user.py"
    script.write_text(textwrap.dedent('''
        import validator

        findings: list[validator.Finding] = validator.lint_text("{}", select=["timestamp-order"])
        lines: list[int] = [f.line for f in findings]
        for name in (None, "capture-17"):  # None is the default name, as the functions take it
            findings += validator.lint_bytes(b"{}", name=name) + validator.lint_text("{}", name=name) + validator.lint_object({}, name=name)
        wrong: str = validator.lint_path("x.json")
    '''))
    done = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", "--strict", str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert 'Incompatible types in assignment (expression has type "list[Finding]", variable has type "str")' in done.stdout, done.stdout
    assert "import-untyped" not in done.stdout and "missing library stubs" not in done.stdout
    assert done.stdout.count("error:") == 1, done.stdout


def test_the_calls_the_readme_shows_type_check_under_strict_mypy(tmp_path):
    """A program written as the README says must pass ``mypy --strict``: ``lint_paths(Path("recordings"))``, one
    path, runs and is documented, but its annotation took only an iterable of paths."""
    script = tmp_path / "user.py"
    script.write_text(textwrap.dedent('''
        import warnings
        from pathlib import Path

        import validator
        from validator import ConfigError, ConfigWarning, Finding

        warnings.simplefilter("error", ConfigWarning)
        found: list[Finding] = validator.lint_paths(Path("recordings"))
        found += validator.lint_paths("recordings") + validator.lint_paths([Path("a.json"), "b.json"], include="*.json", jobs=2)
        found += validator.lint_path(Path("a.json"), config=Path("c.yaml"), select="cart-arithmetic", ignore=["numeric-string"])
        found += validator.lint_bytes(bytearray(b"{}"), input_format="json") + validator.lint_bytes(memoryview(b"{}"))
        found += validator.lint(Path("a.json")) + validator.lint(b"{}") + validator.lint({"events": []})
        try:
            found += validator.lint_text("{}", api_version="v2", profile="messaging", min_severity="warning")
        except ConfigError as error:
            print(error)
        unique: set[Finding] = {f.with_(line=1) for f in found}
        rows: list[dict[str, object]] = [f.as_dict() for f in unique]
        print(rows, validator.__version__)
    '''))
    done = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", "--strict", str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stdout


def test_a_set_is_shown_and_identified_the_same_under_every_hash_seed():
    """A Python set (or YAML !!set read as one) has no JSON spelling: its message and fingerprint listed it in
    hash-seed order, so a baseline written by one run called the finding fixed and new in the next."""
    code = textwrap.dedent("""
        import validator.api as api
        event = {"sdeType": "CART_STATUS", "serverTimeStamp": 1528628536879,
                 "cartStatus": {"serverTimeStamp": 1528628536879, "products": {"alpha", "beta", "gamma", "delta", 3, frozenset({"z", "y"}),
                 frozenset({"a", "b"}), frozenset({"a", "c"}), frozenset({"b", "c"})}}}
        for finding in api.lint_object({"conversationHistoryRecords": [{"sdes": {"events": [event]}}]}):
            print(finding.rule, finding.message, finding.fingerprint().encode().hex())
    """)
    outputs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "3", "4", "5", "6")  # a second review: seed 4 ordered frozensets by their hash-ordered repr
    }
    assert len(outputs) == 1
    assert 'found set [["a", "b"], ["a", "c"], ["b", "c"], ["y", "z"], 3, "alph...' in outputs.pop()  # shortened


@pytest.mark.parametrize("box", [set, frozenset, tuple])
def test_an_integer_too_long_to_print_inside_a_set_or_tuple_is_one_finding(box):
    """A second review: the scan for such integers looked into dicts and lists only; in a set or tuple, the schema
    message's repr raised ValueError (past 4,300 digits) out of lint_object."""
    event = {"sdeType": "CART_STATUS", "serverTimeStamp": 1528628536879, "cartStatus": {"serverTimeStamp": 1528628536879, "products": box([10**5000])}}
    findings = validator.api.lint_object({"conversationHistoryRecords": [{"sdes": {"events": [event]}}]})
    assert [(f.rule, f.message) for f in findings] == [("syntax-error", "an integer of 16610 bits is longer than can be printed: not checked")]


def test_findings_are_json_ready():
    finding = validator.lint_text('{"sdeType": "LEAD"}')[0]
    assert json.loads(json.dumps(finding.as_dict()))["rule"] == finding.rule


def test_findings_can_be_compared_as_sets():
    """Finding was unhashable (a dataclass with eq and no hash): set(findings) raised TypeError."""
    findings = validator.lint_path(EXAMPLE)
    again = validator.lint_bytes(EXAMPLE.read_bytes(), name=str(EXAMPLE))
    assert len(set(findings)) == len(findings) and set(findings) == set(again)
    assert hash(findings[0]) == hash(findings[0].with_(extra={"other": 1}))  # as == has it: extra and value are not compared
    assert set(findings) - {findings[0]} == set(findings[1:])


def test_the_cyclic_collector_is_paused_while_an_input_is_linted_and_resumed_after(monkeypatch):
    """Parsed JSON holds no cycles: the collector's passes over it are wasted (a third of the API's time on a big
    input). It is off during the lint, back on after, also after an error, and left off when the caller had it off."""
    import gc

    from validator.linter import Linter

    seen = []
    real = Linter._lint_bytes

    def spy(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Linter, "_lint_bytes", spy)
    assert gc.isenabled()
    assert validator.lint_bytes(b'{"events": [{"sdeType": "LEAD"}]}')
    assert seen == [False] and gc.isenabled()

    def fail(self, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(Linter, "_lint_bytes", fail)
    with pytest.raises(RuntimeError):
        validator.lint_bytes(b"{}")
    assert gc.isenabled()
    gc.disable()
    try:
        monkeypatch.setattr(Linter, "_lint_bytes", spy)
        validator.lint_bytes(b"{}")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_collector_pauses_overlapping_in_threads_resume_it_once_the_last_ends(monkeypatch):
    """Threads linting at once share one collector: it stays off until the last of them is done."""
    import gc
    import threading

    import validator.collector
    from validator.collector import collector_paused

    monkeypatch.setattr(validator.collector, "MAX_OVERLAP_SECONDS", 60.0)  # however slow the machine: a short overlap

    first_inside, second_done, release = threading.Event(), threading.Event(), threading.Event()
    states = []

    def first():
        with collector_paused():
            first_inside.set()
            release.wait(10)
            states.append(("first ends", gc.isenabled()))

    def second():
        first_inside.wait(10)
        with collector_paused():
            states.append(("second inside", gc.isenabled()))
        states.append(("second done, first still in", gc.isenabled()))
        second_done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    second_done.wait(10)
    release.set()
    for thread in threads:
        thread.join(10)
    assert states == [("second inside", False), ("second done, first still in", False), ("first ends", False)]
    assert gc.isenabled()


@pytest.mark.parametrize(
    "options, error, words",
    [
        ({"api_version": "v3"}, validator.ConfigError, "api_version 'v3' is not one of auto, v1, v2"),
        ({"min_severity": "off"}, validator.ConfigError, "min_severity 'off' is not one of info, warning, error"),
        ({"profile": "mi"}, validator.ConfigError, "profile 'mi' is not one of auto"),
        ({"input_format": "xml"}, ValueError, "input_format 'xml' is not one of json, jsonl, yaml, js, html"),
    ],
)
def test_the_api_refuses_an_option_value_the_command_line_would_not_take(options, error, words):
    """Found by a crash hunt: these raised LookupError, KeyError or nothing (xml was read as JSON)."""
    with pytest.raises(error, match=words.replace("(", r"\(")):
        validator.lint_bytes(EXAMPLE.read_bytes(), **options)


def test_the_api_takes_name_none_and_one_path_for_lint_paths():
    from validator.api import lint_paths

    assert [f.file for f in validator.lint_bytes(b"{}", name=None)] == ["<bytes>"]
    assert [f.file for f in validator.lint_object({}, name=None)] == ["<object>"]
    one = lint_paths(str(EXAMPLE.parent))  # a str is one path, not the characters of one
    assert one and one == lint_paths([EXAMPLE.parent])


def test_lint_paths_returns_what_the_other_functions_return_and_takes_profile():
    """The API returns every finding unless min_severity says otherwise; lint_paths returned only warnings and errors."""
    from validator.api import lint_paths

    everything = validator.lint_path(EXAMPLE)
    assert "numeric-string" in {f.rule for f in everything}  # info
    assert lint_paths([EXAMPLE]) == everything
    assert lint_paths([EXAMPLE], min_severity="warning") == validator.lint_path(EXAMPLE, min_severity="warning")
    assert {f.rule for f in lint_paths([EXAMPLE], profile="web")} == {"unrecognized-document"}


def test_lint_paths_refuses_a_pattern_the_command_line_refuses():
    from validator.api import lint_paths

    with pytest.raises(ValueError, match="Invalid git pattern"):
        lint_paths([EXAMPLE.parent], include=["\\"])
    with pytest.raises(ValueError, match="expand to more than 256 patterns"):
        lint_paths([EXAMPLE.parent], exclude=["{a,b}" * 18])


def test_an_object_that_holds_itself_or_nests_too_deep_is_one_finding_not_a_hang():
    """lint_object with a list that contains itself looped forever in version detection; a 2,000-level object
    raised RecursionError in the rules. Past OBJECT_MAX_DEPTH levels an object is one too-deep finding."""
    from validator.linter import OBJECT_MAX_DEPTH

    def cart(products):
        return {"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879", "cartStatus": {"serverTimeStamp": "1528628536879", "products": products}}

    itself: list = []
    itself.append(itself)
    cycle: dict = {}
    cycle["x"] = cycle
    deep: list = []
    inner = deep
    for _ in range(OBJECT_MAX_DEPTH + 1):
        inner.append([])
        inner = inner[0]
    twice: dict = {}
    twice["a"] = twice["b"] = twice  # held twice at each level: walked once per level, not 2**500 times
    for payload in (cart(itself), {"events": [cycle]}, cart(deep), {"events": [twice]}):
        assert [(f.rule, f.severity, f.pointer) for f in validator.lint_object(payload)] == [("too-deep", "error", "")]
    shallow: list = []
    inner = shallow
    for _ in range(OBJECT_MAX_DEPTH - 10):
        inner.append([])
        inner = inner[0]
    assert "too-deep" not in {f.rule for f in validator.lint_object(cart(shallow))}  # checked: a products list of lists is wrong-typed


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: validator.lint_text(b"{}"), "text (bytes go to lint_bytes) must be str, not bytes"),
        (lambda: validator.lint_text(None), "must be str, not NoneType"),
        (lambda: validator.lint_bytes("{}"), "data must be bytes or bytearray or memoryview, not str"),
        (lambda: validator.lint_bytes(b"{}", name=Path("x.yaml")), "name must be str or None, not PosixPath"),
        (lambda: validator.lint_object({}, name=5), "name must be str or None, not int"),
        (lambda: validator.lint_bytes(b"{}", select=b"cart-arithmetic"), "rule names are a str or a list of str, not bytes"),
        (lambda: validator.lint_bytes(b"{}", ignore=[5]), "a rule name must be str, not int"),
        (lambda: validator.api.lint_paths(b"/tmp"), "paths must be a path or a list of them"),
        (lambda: validator.api.lint_paths([5]), "each path must be str or PathLike, not int"),
        (lambda: validator.api.lint_paths([EXAMPLE], jobs="2"), "jobs must be an int or None, not '2'"),
        (lambda: validator.lint_bytes(b"{}", config=5), "config must be str or PathLike or None, not int"),
        (lambda: validator.lint_bytes(b"{}", config=b"x.yaml"), "config must be str or PathLike or None, not bytes"),
        (lambda: validator.api.lint_paths([EXAMPLE], include=5), "include must be a str or a list of str, not int"),
        (lambda: validator.api.lint_paths([EXAMPLE], exclude=[5]), "each exclude pattern must be str, not int"),
    ],
)
def test_an_argument_of_the_wrong_type_is_a_type_error_that_names_it(call, words):
    """Before, these raised AttributeError or TypeError from deep inside (bytes has no encode, a Path no lower)."""
    with pytest.raises(TypeError) as raised:
        call()
    assert words in str(raised.value)


def test_one_include_or_exclude_pattern_is_a_pattern_not_its_characters(tmp_path):
    """include="*.yaml" was read as the patterns '*', '.', 'y', ...: '*' let every file in (and exclude took every one out)."""
    (tmp_path / "a.json").write_bytes(Path(EXAMPLE).read_bytes())
    (tmp_path / "b.yaml").write_text("sdeType: LEAD\n", encoding="utf-8")
    assert {Path(f.file).name for f in validator.api.lint_paths([tmp_path], include="*.yaml")} == {"b.yaml"}
    assert {Path(f.file).name for f in validator.api.lint_paths([tmp_path], exclude="*.json", include=["*.json", "*.yaml"])} == {"b.yaml"}


def test_lint_paths_reads_standard_input_for_dash_and_a_file_named_dash_as_a_file(tmp_path):
    """lint_paths(["-"]) passed `bytes` as its stdin reader: bytes() is b"", so every run said "input is empty".
    It reads sys.stdin.buffer, as `sdelint check -` does; "./-" and Path("-") name a file."""
    (tmp_path / "-").write_text('{"sdeType": "LEAD"}', encoding="utf-8")
    script = textwrap.dedent("""
        import json
        from pathlib import Path
        import validator.api
        key = lambda findings: [[f.file, f.line, f.pointer, f.rule, f.message] for f in findings]
        print(json.dumps({"stdin": key(validator.api.lint_paths(["-"])), "dot": key(validator.api.lint_paths(["./-"])),
                          "path": key(validator.api.lint_paths([Path("-")]))}))
    """)
    done = subprocess.run([sys.executable, "-c", script], input=EXAMPLE.read_bytes(), capture_output=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    found = json.loads(done.stdout)
    expected = [["<stdin>", f.line, f.pointer, f.rule, f.message] for f in validator.lint_path(EXAMPLE)]
    assert len(expected) > 10 and found["stdin"] == expected
    as_file = [["./-", f.line, f.pointer, f.rule, f.message] for f in validator.lint_path(tmp_path / "-")]
    assert as_file and found["dot"] == found["path"] == as_file


def test_lint_paths_reads_a_closed_standard_input_as_a_read_error(monkeypatch):
    """A service or script that had closed sys.stdin got an internal-error, "a bug in sdelint: please report it"."""
    import io

    from validator.api import lint_paths

    closed = io.TextIOWrapper(io.BytesIO(b"{}"))
    closed.close()
    monkeypatch.setattr(sys, "stdin", closed)
    assert [(f.file, f.rule, f.message) for f in lint_paths(["-"])] == [("<stdin>", "read-error", "cannot read file: standard input is closed")]


def test_an_empty_path_is_refused_not_read_as_the_working_directory(tmp_path):
    """Path("") is "."; `sdelint check "$UNSET"` checked every file below the working directory."""
    with pytest.raises(ValueError, match="an empty path was given"):
        validator.api.lint_paths([""])
    with pytest.raises(ValueError, match="an empty path was given"):  # it read "." as a file: "Is a directory" (an audit)
        validator.lint_path("")
    (finding,) = validator.lint_path("a\0b.json")  # a NUL in a name: a read-error finding, as any unreadable file
    assert (finding.rule, finding.message) == ("read-error", "cannot read file: a file name cannot hold a NUL character")


def test_an_empty_configuration_path_is_refused_not_taken_for_none():
    """config=os.environ.get("SDELINT_CONFIG", "") linted with the defaults, without a word, where sdelint check
    --config "" is a usage error: the configuration's rules and overrides went unapplied."""
    from validator.api import lint_paths

    for call in (
        lambda config: validator.lint_bytes(b"{}", config=config),
        lambda config: validator.lint_path(EXAMPLE, config=config),
        lambda config: lint_paths([EXAMPLE], config=config),
    ):
        with pytest.raises(ValueError, match="config is an empty path: give None for no configuration file"):
            call("")
        assert isinstance(call(None), list)


@pytest.mark.parametrize("address", ["", "  "])
def test_an_empty_cluster_address_is_a_value_error_as_on_the_command_line(address):
    """cluster=os.environ.get("DASK_SCHEDULER", "") with the variable unset: the CLI says it is an empty address; the API
    tried to reach a scheduler at "" and raised ClusterError "cannot reach the Dask scheduler at : missing port"."""
    from validator.api import lint_paths

    with pytest.raises(ValueError, match="cluster is an empty address: give None to run here"):
        lint_paths([EXAMPLE], cluster=address)


def test_an_integer_too_long_to_print_in_an_object_is_one_finding_not_a_value_error():
    """10**5000 reaches no rule from JSON text (its parser refuses it), but lint_object took it, and every message
    that named it raised ValueError (Python's 4,300-digit limit). It is refused as the JSON parser refuses it."""
    cart = {"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879",
            "cartStatus": {"serverTimeStamp": "1528628536879", "total": "x", "numItems": -(10**5000), "products": []}}
    [finding] = validator.lint_object(cart, api_version="v1")
    assert (finding.rule, finding.severity) == ("syntax-error", "error") and "longer than can be printed" in finding.message
    # printable: reported as any other number (past a double's range, empty-cart reads no count in it: the type's
    # finding is its one)
    cart["cartStatus"]["numItems"] = 10**4000
    assert {f.rule for f in validator.lint_object(cart, api_version="v1")} == {"v1-alphanumeric"}
    for printable in (10**4299, 10**4300 - 1):  # 4,300 digits: the most Python prints, so not refused
        cart["cartStatus"]["numItems"] = printable
        assert {f.rule for f in validator.lint_object(cart, api_version="v1")} == {"v1-alphanumeric"}
    cart["cartStatus"]["numItems"] = 10**4300  # one digit more
    assert [f.rule for f in validator.lint_object(cart, api_version="v1")] == ["syntax-error"]


def test_an_integer_too_long_to_print_as_a_key_is_the_same_one_finding():
    """{10**5000: 1} (a key, or inside a tuple key) raised ValueError from the str() of a pointer: the walk that refuses
    such integers looked at values only."""
    cart = {"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879", "cartStatus": {"serverTimeStamp": "1528628536879"}}
    for key in (10**5000, (1, (-(10**5000),))):
        odd = {**cart, "cartStatus": {**cart["cartStatus"], key: 1}}
        [finding] = validator.lint_object({"events": [odd]})
        assert finding.rule == "syntax-error" and "longer than can be printed" in finding.message
    assert "syntax-error" not in {f.rule for f in validator.lint_object({"events": [{**cart, 10**4000: 1}]})}  # printable


def test_the_service_names_the_first_key_past_its_limit():
    """With five identical events the 422 named /events/4 (an audit): the walk popped the last child first."""
    from validator.serve.service import longest_key

    long = "k" * 70
    data = {"events": [{"cartStatus": {long: 1}, "n": i} for i in range(5)], "tail": [{long: 2}]}
    assert longest_key(data, 64) == ("/events/0/cartStatus", long)
    assert longest_key({"a": {"b": 1}, long: 1}, 64) == ("", long)


def test_the_api_frees_each_document_when_its_lint_ends():
    """Only a process that ends with os._exit (the CLI) keeps an input's document past its lint: a library caller
    or the service would otherwise hold the last big document for as long as it runs."""
    import validator.collector as collector

    assert not collector._ends_with_exit
    validator.lint_bytes(b'{"events": [{"sdeType": "LEAD"}]}')
    assert collector._retired is None


def test_a_process_ending_with_exit_leaves_the_collector_off_after_the_last_pause(monkeypatch):
    """Its next collection would walk every object the run made just before os._exit frees them all at once."""
    import gc

    import validator.collector as collector

    assert gc.isenabled()
    monkeypatch.setattr(collector, "_ends_with_exit", True)
    try:
        with collector.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_object_of_python_types_json_writes_as_json_is_checked_as_that_json():
    """An OrderedDict (json.load's object_pairs_hook), a defaultdict or any dict subclass gave no finding at all: the
    checks test for dict exactly. So did a tuple's items, an enum member's value and json.load's parse_float=Decimal."""
    import collections
    import decimal
    import enum

    text = EXAMPLE.read_text()
    expected = _key(validator.lint_object(json.loads(text)))
    assert len(expected) > 30

    class Payload(dict):
        pass

    ordered = json.loads(text, object_pairs_hook=collections.OrderedDict)
    assert _key(validator.lint_object(ordered)) == expected
    assert _key(validator.lint_object(json.loads(text, object_pairs_hook=Payload))) == expected
    assert _key(validator.lint_object(json.loads(text, parse_float=decimal.Decimal))) == expected
    assert type(ordered) is collections.OrderedDict and ordered == json.loads(text)  # the caller's object is not changed

    class SdeType(enum.StrEnum):
        CART_STATUS = "CART_STATUS"

    class Count(enum.IntEnum):
        SIX = 6

    event = json.loads(text)["conversationHistoryRecords"][0]["unAuthSdes"]["events"][0]
    cart = {**event, "sdeType": SdeType.CART_STATUS}
    cart["cartStatus"] = collections.defaultdict(list, {**event["cartStatus"], "products": tuple(event["cartStatus"]["products"]), "numItems": Count.SIX})
    plain = {**event, "cartStatus": {**event["cartStatus"], "numItems": 6}}
    assert "cart-arithmetic" in {f.rule for f in validator.lint_object(plain)}
    assert _key(validator.lint_object(cart)) == _key(validator.lint_object(plain))
    shared = {"events": [cart, cart]}  # one object held twice is one copy, checked at both places
    assert _key(validator.lint_object(shared)) == _key(validator.lint_object({"events": [plain, plain]}))
    for number in ("sNaN", "NaN", "-Infinity", "1e999999"):  # as the floats they read as, and no ValueError
        odd = {**event, "cartStatus": {**event["cartStatus"], "total": decimal.Decimal(number)}}
        assert _key(validator.lint_object(odd)) == _key(validator.lint_object({**odd, "cartStatus": {**odd["cartStatus"], "total": float(number.lstrip("s"))}}))
    as_set = {**event, "cartStatus": {**event["cartStatus"], "products": {"a"}}}  # no JSON: reported, not converted
    assert ("wrong-type", "/cartStatus/products") in {(f.rule, f.pointer) for f in validator.lint_object(as_set)}


def test_integers_read_as_decimals_are_the_integers_their_text_is():
    """json.load(f, parse_int=Decimal), or DynamoDB's boto3 (every number a Decimal): Decimal("7") was the float 7.0,
    so a legal long, 9223372036854775807, became 2**63, a false bad-value, and "found integer 7" read "found number 7.0".
    A Decimal of more digits than Python prints is the one finding an int of them is, not an Infinity."""
    import decimal

    def error(level, code="c"):
        return {"events": [{
            "sdeType": "VISITOR_ERROR", "serverTimeStamp": 1528628536879, "isAuthenticated": True,
            "visitorError": {"serverTimeStamp": 1528628536879, "visitorError": {"contextId": "x", "code": code, "level": level, "resolved": False}},
        }]}

    assert validator.lint_object(error(decimal.Decimal("9223372036854775807")), api_version="v2") == []
    for level in ("9223372036854775807", "9223372036854775808", "-0", "7.0", "1E+2", "1" + "0" * 4000, "1" + "0" * 5000):
        text = json.dumps(error(0, code=7)).replace('"level": 0', f'"level": {level}')
        as_decimals = json.loads(text, parse_int=decimal.Decimal, parse_float=decimal.Decimal)
        as_read = json.loads(text) if len(level) < 4300 else error(10**5000)  # json.loads refuses so long a number
        for version in ("auto", "v1", "v2"):
            assert _key(validator.lint_object(as_decimals, api_version=version)) == _key(validator.lint_object(as_read, api_version=version)), level


@pytest.mark.parametrize("make", ["complex", "fraction", "numpy-int64", "numpy-float32"])
def test_a_number_json_cannot_write_is_a_wrong_type_finding_not_no_finding(make):
    """A complex, a Fraction or numpy's int64 (a payload built from a pandas frame) is no JSON value: the fast path
    refused it, the detailed one took it for a number (numbers.Number) and the value went without any finding."""
    import fractions

    if make.startswith("numpy"):
        np = pytest.importorskip("numpy")
        value = np.int64(3) if make == "numpy-int64" else np.float32(1.5)
    else:
        value = 1j if make == "complex" else fractions.Fraction(1, 3)
    event = json.loads(EXAMPLE.read_text())["conversationHistoryRecords"][0]["unAuthSdes"]["events"][0]
    for member in ("total", "numItems"):  # a double and an int
        odd = {**event, "cartStatus": {**event["cartStatus"], member: value}}
        found = {(f.rule, f.pointer) for f in validator.lint_object(odd, api_version="v2")}
        assert ("wrong-type", f"/cartStatus/{member}") in found, found


def test_threads_whose_pauses_overlap_without_end_do_not_keep_the_collector_off(monkeypatch):
    """Two threads linting back to back kept the collector off for as long as they ran: the cycles the rest of a
    service made were never freed (hundreds of MB a minute). Past MAX_OVERLAP_SECONDS, the end of one thread's
    pause turns it back on; a pause within a pause of the same thread (the command line's) does not."""
    import gc
    import threading

    import validator.collector as collector

    monkeypatch.setattr(collector, "MAX_OVERLAP_SECONDS", 0.0, raising=False)
    assert gc.isenabled()
    inside, release = threading.Event(), threading.Event()
    states = []

    def long_lint():
        with collector.collector_paused():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=long_lint)
    thread.start()
    try:
        inside.wait(10)
        with collector.collector_paused():
            with collector.collector_paused():
                pass
            states.append(("own inner pause ended", gc.isenabled()))
        states.append(("this thread's pause ended, the other's not", gc.isenabled()))
        with collector.collector_paused():  # begun while the collector is back on: it stays on
            states.append(("new pause during the overlap", gc.isenabled()))
    finally:
        release.set()
        thread.join(10)
    assert states == [("own inner pause ended", False), ("this thread's pause ended, the other's not", True), ("new pause during the overlap", True)]
    assert gc.isenabled()
    with collector.collector_paused():  # no pause left in between: pauses work again
        assert not gc.isenabled()
    assert gc.isenabled()


def test_lint_paths_refuses_paths_that_hold_no_file_to_check(tmp_path):
    """They returned no finding, a pass, where sdelint check refuses them (exit 2): a folder renamed, a glob of
    nothing, an include pattern that matches no file."""
    from validator.api import lint_paths

    (tmp_path / "a.yaml").write_text("sdeType: LEAD\n")
    for paths, options, words in (
        ([tmp_path], {}, f"no input to check: {tmp_path}: no file matching"),
        ([tmp_path], {"include": "*.yml"}, "no file matching \\*.yml in this directory"),
        ([], {}, "no input to check: no path was given"),
    ):
        with pytest.raises(ValueError, match=words):
            lint_paths(paths, **options)
    assert lint_paths([tmp_path], include="*.yaml")  # the same folder, with a file to check


def test_a_file_is_read_in_the_format_of_its_path_whatever_name_labels_its_findings(tmp_path):
    """lint_path(p, name="capture-17") read a YAML or JSON Lines file as JSON: one syntax-error instead of its findings."""
    record = json.loads(EXAMPLE.read_text())["conversationHistoryRecords"][0]
    (tmp_path / "record.yaml").write_text("# a record\n" + json.dumps(record, indent=1))
    (tmp_path / "events.jsonl").write_text("".join(json.dumps(event) + "\n" for event in record["unAuthSdes"]["events"]))
    for name in ("record.yaml", "events.jsonl"):
        path = tmp_path / name
        expected = _key(validator.lint_path(path))
        assert expected and "syntax-error" not in {f.rule for f in validator.lint_path(path)}
        assert _key(validator.lint_path(path, name="capture-17")) == expected
        assert _key(validator.lint(str(path), name="capture-17.json")) == expected
        assert {f.file for f in validator.lint_path(path, name="capture-17")} == {"capture-17"}


@pytest.mark.parametrize("option, value", [("api_version", 2), ("min_severity", 3), ("profile", 1), ("input_format", 1)])
def test_an_option_of_the_wrong_type_is_a_type_error_naming_it(option, value):
    """The README: an argument of the wrong type raises a TypeError that names it. api_version=2 raised ConfigError,
    input_format=1 ValueError (an audit); a str that is no choice is still a ConfigError or ValueError."""
    with pytest.raises(TypeError, match=f"{option} must be str or None, not int"):
        validator.lint_bytes(b"{}", **{option: value})
    if option != "input_format":
        with pytest.raises(TypeError, match=f"{option} must be str or None"):
            validator.lint_paths([str(EXAMPLE)], **{option: value})
    with pytest.raises((validator.ConfigError, ValueError), match="is not one of"):
        validator.lint_bytes(b"{}", **{option: "nope"})


def test_lint_paths_is_exported_with_the_other_functions():
    """`from validator import lint_paths` failed (only validator.api.lint_paths), also for mypy."""
    from validator import lint_paths

    assert lint_paths is validator.api.lint_paths and "lint_paths" in validator.__all__


def test_lint_object_reports_nan_and_infinity_where_they_stand_as_in_json_text():
    """json.dumps writes them as NaN and Infinity, which a JSON text may not hold: lint_text reports each, lint_object
    gave no finding (an audit)."""
    import math

    event = {"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536882",
             "cartStatus": {"serverTimeStamp": "1528628536882", "total": math.nan, "numItems": math.inf, "products": [{"product": {"price": -math.inf}}]}}
    as_object = [(f.pointer, f.message) for f in validator.lint_object({"events": [event]}) if f.rule == "syntax-error"]
    as_text = [(f.pointer, f.message) for f in validator.lint_text(json.dumps({"events": [event]})) if f.rule == "syntax-error"]
    assert sorted(as_object) == sorted(as_text) and len(as_object) == 3
    assert ("/events/0/cartStatus/total", "NaN is not valid JSON (RFC 8259 has no non-finite numbers)") in as_object
    assert not [f for f in validator.lint_object({"events": [{**event, "cartStatus": {"serverTimeStamp": "1528628536882", "total": 1.5}}]})
                if f.rule == "syntax-error"]


@pytest.mark.parametrize("entry", [
    "{name: x, where: cartStatus.currency, check: pattern, options: {regex: '('}, message: m}",  # an invalid regex
    "{name: x, where: nope.currency, check: required, message: m}",  # a path that starts nowhere
    "{name: timestamp-order, where: lead.topic, check: required, message: m}",  # a built-in rule's name
])
def test_a_bad_custom_rule_is_a_config_error(tmp_path, entry):
    """The README: an unusable configuration raises validator.ConfigError. A custom rule's own errors raised
    CustomRuleError, which `except validator.ConfigError` did not catch (the command line said them as usage errors)."""
    config = tmp_path / "lint.yaml"
    config.write_text(f"custom-rules:\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(validator.ConfigError, match=r"lint\.yaml:2:"):
        validator.lint_text('{"events": []}', config=config)


def test_importing_the_package_loads_no_linter_yet_its_names_and_submodules_are_there():
    """The API names load on first use (so that the command takes Ctrl-C while it loads): `import validator` must still
    give validator.lint, validator.Finding and validator.api (a test used validator.api.lint_paths, and failed when run
    alone once the package stopped importing api itself)."""
    code = textwrap.dedent("""
        import sys, validator
        loaded_at_import = "validator.api" in sys.modules
        names = (validator.api.lint_paths.__name__, validator.lint.__module__, validator.Finding.__module__)  # api first
        try:
            validator.no_such_name
        except AttributeError as error:
            missing = str(error)
        print(loaded_at_import, names, missing, sorted(set(validator.__all__) - set(dir(validator))))
    """)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "False ('lint_paths', 'validator.api', 'validator.findings') module 'validator' has no attribute 'no_such_name' []"
    )


@pytest.mark.parametrize("name", ["api.lint", "no.such", "", ".api"])
def test_a_name_no_module_can_have_is_no_attribute_of_the_package(name):
    """getattr with a name that is no identifier is an AttributeError, as for any module (hasattr relies on it):
    the package's __getattr__ imported it as a submodule path, raising ModuleNotFoundError for "no.such", and
    answering "" with the package itself."""
    assert not hasattr(validator, name)
    with pytest.raises(AttributeError, match="has no attribute"):
        getattr(validator, name)


def test_a_surrogate_written_as_utf8_is_named_not_taken_for_a_bad_byte():
    """A str holding a lone surrogate (lint_text), or bytes holding one encoded as Java's or JavaScript's encoders can
    (CESU-8, WTF-8), was "invalid UTF-8 byte b'\\xed' ...: invalid continuation byte", an odd account of a str."""
    (text,) = validator.lint_text('{"a\ud800": 1}')
    assert (text.rule, text.line, text.column) == ("encoding-error", 1, 4)
    assert text.message == "a surrogate U+D800 written as UTF-8 bytes b'\\xed\\xa0\\x80' at byte offset 3: CESU-8 or WTF-8, which no UTF-8 text holds"
    (line,) = [f for f in validator.lint_bytes(b'{"sdeType": "LEAD"}\n{"a": "x\xed\xb0\x80"}\n', name="x.jsonl") if f.line == 2]
    assert (line.rule, line.line, line.column) == ("encoding-error", 2, 9)
    assert line.message.startswith("a surrogate U+DC00 written as UTF-8 bytes b'\\xed\\xb0\\x80' at byte offset 8 of line 2: ")
    (other,) = validator.lint_bytes(b'{"a": "x\xed\x9f\xbf\xff"}')  # U+D7FF is no surrogate: the bad byte after it is named
    assert other.message == "invalid UTF-8 byte b'\\xff' at byte offset 11: invalid start byte"


def test_an_absolute_path_is_linted_from_a_working_directory_that_was_removed(tmp_path):
    """A service or test suite sitting in a removed temporary folder: lint_path("/abs/a.json") raised
    FileNotFoundError naming no file (os.getcwd() in placing overrides), as lint_paths did; results do not
    depend on the working directory. A relative path there names no file: a read-error, or lint_paths' ValueError."""
    (tmp_path / "sub").mkdir()
    capture = tmp_path / "sub" / "a.json"
    capture.write_bytes(EXAMPLE.read_bytes())
    config = tmp_path / "c.yaml"
    config.write_text('overrides:\n  - files: ["sub/**"]\n    rules: {message-id: "off"}\n', encoding="utf-8")
    gone = tmp_path / "gone"
    gone.mkdir()
    script = textwrap.dedent(f'''
        import json, os, sys
        import validator

        os.rmdir({str(gone)!r})
        capture, config = {str(capture)!r}, {str(config)!r}
        def rules(findings):
            return sorted({{f.rule for f in findings}})
        out = {{
            "path": rules(validator.lint_path(capture)),
            "overridden": rules(validator.lint_path(capture, config=config)),
            "paths": rules(validator.lint_paths(os.path.dirname(capture), config=config, jobs=1)),
            "relative": rules(validator.lint_path("a.json", config=config)),
        }}
        try:
            validator.lint_paths(["a.json"])
        except ValueError as error:
            out["relative paths"] = str(error)
        print(json.dumps(out))
    ''')
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=gone, timeout=120)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["path"] == _rules(validator.lint_path(capture)) and "message-id" in out["path"]
    assert out["overridden"] == out["paths"] == [rule for rule in out["path"] if rule != "message-id"]
    assert out["relative"] == ["read-error"] and out["relative paths"] == "path does not exist: a.json"


def _rules(findings: list[validator.Finding]) -> list[str]:
    return sorted({f.rule for f in findings})


def test_lint_object_lists_findings_in_document_order_as_lint_text_does():
    """lint_object (no lines to order by) listed findings by pointer text: /events/10 before /events/2, and a
    member's findings by key name, not where the member stands; lint_text of the same document lists them by line."""

    def event(i):  # "zeta" first: an object's members in their order, not their names'
        return {"zeta": i, "sdeType": "CART_STATUS", "serverTimeStamp": str(1528628536879 - i),
                "cartStatus": {"total": -1.0 if i % 2 else "x", "products": [], "numItems": 3, "currency": "XXQ"}}

    doc = {"events": [event(i) for i in range(12)]}
    listed = [(f.pointer, f.rule) for f in validator.lint_object(doc)]
    assert len(listed) == 60 and listed[:2] == [("/events/0/zeta", "unknown-field"), ("/events/0/cartStatus", "missing-field")]
    assert listed == [(f.pointer, f.rule) for f in validator.lint_text(json.dumps(doc, indent=1))]
    assert listed == [(f.pointer, f.rule) for f in validator.lint_text(json.dumps(doc))]  # one line: by column
    assert [f.pointer for f in validator.lint_object(doc, select="empty-cart")] == [f"/events/{i}/cartStatus/numItems" for i in range(12)]


def test_an_object_that_holds_its_parts_in_exponentially_many_places_is_one_finding_not_a_hang():
    """A DAG built in code (x = [x, x], sixty times) is 2**60 values written out, and the checks walked every one:
    lint_object never returned. Past OBJECT_MAX_REPEATED values more than it holds it is one too-deep finding; a part
    held in a few places (a record repeated) is checked at each, as its JSON text would be."""
    script = textwrap.dedent("""
        import json
        import validator
        node = {"leaf": 1}
        for _ in range(60):
            node = {"a": node, "b": node}
        event = {"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879", "extra": node,
                 "cartStatus": {"serverTimeStamp": "1528628536879", "total": 1.0, "numItems": 0, "products": []}}
        print(json.dumps([(f.rule, f.pointer, f.message) for f in validator.lint_object({"events": [event]})]))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=os.environ | {"PYTHONPATH": str(Path(validator.__file__).parents[1])})
    assert done.returncode == 0, done.stderr
    ((rule, pointer, message),) = json.loads(done.stdout)
    assert (rule, pointer) == ("too-deep", "") and "the same dict or list in so many places" in message

    def cart(i):
        return {"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879", "cartStatus": {"total": -1.0, "products": [], "numItems": i}}

    event = cart(0)
    shared = {"events": [event, cart(1), event, event]}  # held three times: checked three times, in document order
    assert [(f.pointer, f.rule) for f in validator.lint_object(shared)] == [(f.pointer, f.rule) for f in validator.lint_text(json.dumps(shared))]
    assert [f.pointer for f in validator.lint_object(shared, select="negative-amount")] == [f"/events/{i}/cartStatus/total" for i in range(4)]


def test_keys_that_are_no_str_are_the_strings_json_dumps_writes_and_one_it_refuses_is_a_finding():
    """lint_object showed True as /True and None as /None (json.dumps writes "true" and "null"), checked 1 and "1"
    as two members (one object with a duplicate key, written out), and a tuple key as the member '(1, 2)'."""
    import enum

    class Code(enum.IntEnum):
        SEVEN = 7

    def event(extra):
        return {"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879",
                "cartStatus": {"serverTimeStamp": "1528628536879", "total": 1.0, "numItems": 0, "products": [], **extra}}

    writable = event({True: 1, None: 2, 1.5: 3, float("nan"): 4, Code.SEVEN: 5, 8: "a", "8": "b"})
    doc = {"events": [writable, writable]}  # held twice: each place is reported, as in the text
    listed = [(f.pointer, f.rule) for f in validator.lint_object(doc)]
    assert listed == [(f.pointer, f.rule) for f in validator.lint_text(json.dumps(doc))]
    assert {pointer.rsplit("/", 1)[1] for pointer, rule in listed if rule == "unknown-field"} == {"true", "null", "1.5", "NaN", "7", "8"}
    assert listed.count(("/events/1/cartStatus/8", "duplicate-key")) == 1

    with pytest.raises(TypeError, match="keys must be str, int, float, bool or None, not tuple"):
        json.dumps(event({(1, 2): 3}))
    (finding,) = validator.lint_object({"events": [event({(1, 2): 3})]})
    assert (finding.pointer, finding.rule, finding.severity) == ("/events/0/cartStatus", "wrong-type", "error")
    assert "a tuple key, [1, 2], cannot be written as JSON" in finding.message


def test_a_findings_extra_cannot_be_changed_through_another_finding(tmp_path):
    """The findings of one input share one extra dict: setting a key on one finding's extra set it on all of them."""
    import copy
    import pickle

    first, second, *_ = validator.lint_path(EXAMPLE)
    with pytest.raises(TypeError, match="shared by the findings of its input"):
        first.extra["reviewed"] = True
    with pytest.raises(TypeError, match="shared by the findings of its input"):
        first.extra.update(reviewed=True)
    assert second.extra == first.extra == {"api_version": "v2"} and json.loads(json.dumps(first.as_dict()))["api_version"] == "v2"
    assert first.with_(extra={**first.extra, "reviewed": True}).extra == {"api_version": "v2", "reviewed": True}
    for made in (pickle.loads(pickle.dumps(first)), copy.deepcopy(first)):
        assert made == first and made.extra == first.extra
    (tmp_path / "a.json").write_bytes(EXAMPLE.read_bytes())
    (tmp_path / "b.json").write_bytes(EXAMPLE.read_bytes())
    findings = validator.lint_paths([tmp_path], jobs=2)  # from worker processes, pickled back
    assert {f.file for f in findings} == {str(tmp_path / "a.json"), str(tmp_path / "b.json")} and {f.extra["api_version"] for f in findings} == {"v2"}


def test_findings_of_several_inputs_sort_by_file_then_place():
    """sorted() of findings raised TypeError ('<' not supported between instances of 'Finding' and 'Finding')."""
    text = EXAMPLE.read_text(encoding="utf-8")
    second, first = validator.lint_text(text, name="b.json"), validator.lint_text(text, name="a.json")
    assert sorted(second + first) == first + second
    assert sorted(second + first, reverse=True) == list(reversed(first + second))
    events = [{"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879", "cartStatus": {"total": -1.0, "products": []}}] * 12
    parsed = validator.lint_object({"events": events}, select="negative-amount")
    assert [f.pointer for f in sorted(parsed)] == [f"/events/{i}/cartStatus/total" for i in range(12)]  # 2 before 10
    assert min(first) == first[0] and first[0] < first[1] and not first[1] < first[0]
    with pytest.raises(TypeError):
        first[0] < "a.json"  # noqa: B015


def test_an_open_file_bytes_or_a_path_given_as_a_parsed_payload_is_a_type_error_naming_the_function_to_use():
    """lint(open(path)) and lint_object(b"...") were unrecognized-document errors ('found BufferedReader'), a
    verdict on a file that was never read."""
    import io

    with open(EXAMPLE, "rb") as handle, pytest.raises(TypeError, match=r"not an open file \(BufferedReader\): give validator.lint_bytes what it reads"):
        validator.lint(handle)
    with pytest.raises(TypeError, match=r"not an open file \(StringIO\)"):
        validator.lint_object(io.StringIO("{}"))
    with pytest.raises(TypeError, match="not bytes: use validator.lint_bytes"):
        validator.lint_object(EXAMPLE.read_bytes())
    with pytest.raises(TypeError, match=r"not a path \(PosixPath\): use validator.lint_path"):
        validator.lint_object(EXAMPLE)
    assert validator.lint(EXAMPLE.read_bytes()) == validator.lint(EXAMPLE, name="<bytes>")  # lint itself reads these


def test_select_and_ignore_take_none_for_none_as_the_other_options_do():
    """select=None was a TypeError ('rule names are a str or a list of str, not NoneType'), where api_version=None,
    config=None and the others mean their default."""
    expected = validator.lint_path(EXAMPLE)
    assert validator.lint_path(EXAMPLE, select=None, ignore=None) == validator.lint_text(EXAMPLE.read_text(encoding="utf-8"), select=None, name=str(EXAMPLE)) == expected
