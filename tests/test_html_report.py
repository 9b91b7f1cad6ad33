"""``--format html``: the page's counts, chart bars, table, lines in place and escaping, read back by parsing the HTML."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import os
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from validator.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "conversation-response.json"
HOSTILE_SCRIPT = "</script><script>__pwned=1</script>"  # within the 40 characters a message quotes whole
HOSTILE_KEY = '<img src=x onerror="window.__pwned=2">'
HOSTILE_VALUE = '"onmouseover=window.__pwned=3 x="'
HOSTILE_FILE_NAME = "a<b>\"'&.json"
DAY = 86_400_000


def shifted_example(days: int) -> str:
    """The example with every serverTimeStamp moved ``days`` later: its findings fall on another day."""
    text = EXAMPLE.read_text()
    data = json.loads(text)

    def shift(node):
        if isinstance(node, dict):
            return {k: (str(int(v) + days * DAY) if k == "serverTimeStamp" and isinstance(v, str) else shift(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [shift(item) for item in node]
        return node

    return json.dumps(shift(data), indent=2)


def hostile_payload() -> dict:
    """An events block whose values and keys try to break out of HTML text, attributes and scripts."""
    event = {
        "sdeType": "CART_STATUS",
        "serverTimeStamp": "1528628536879",
        "cartStatus": {
            "serverTimeStamp": "1528628536879",
            "currency": HOSTILE_SCRIPT,
            "total": "1",
            HOSTILE_KEY: HOSTILE_VALUE,
            "note\u2028x": "a\u202eb",
        },
    }
    return {"events": [event]}


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    """Three inputs over three days and several rules, one hostile (in its content and its name), one not JSON."""
    (tmp_path / "day0.json").write_text(EXAMPLE.read_text())
    (tmp_path / "day3.json").write_text(shifted_example(3))
    (tmp_path / HOSTILE_FILE_NAME).write_text(json.dumps(hostile_payload(), indent=1))
    (tmp_path / "broken.json").write_text('{"events": [}\n')
    return tmp_path


def run_cli(args: list[str], cwd: Path) -> tuple[int, str]:
    """``sdelint ARGS`` through click in ``cwd`` (the paths in the report are relative to it)."""
    with contextlib.chdir(cwd):
        result = CliRunner().invoke(main, args, catch_exceptions=False)
    return result.exit_code, result.output


class Page(HTMLParser):
    """The parts of the page the tests read: elements with their attributes, texts, scripts, styles, chart bars, table rows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.bars: dict[str, list[tuple[str, int]]] = {}
        self.rows: list[list[str]] = []
        self.all_text: list[str] = []
        self._svg: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "svg":
            self._svg = attributes.get("id")
        if tag == "rect" and "bar" in (attributes.get("class") or "") and self._svg:
            self.bars.setdefault(self._svg, []).append((attributes["data-label"], int(attributes["data-count"])))
        if tag == "tr" and "data-index" in attributes:
            self.rows.append([])
        if tag not in ("rect", "meta", "line", "input", "br"):
            self.stack.append((tag, attributes))

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg = None
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        self.all_text.append(data)
        if self.stack:
            tag, attributes = self.stack[-1]
            if tag == "script":
                self.scripts.append(data)
            if tag == "style":
                self.styles.append(data)
        if self.rows and any(tag == "td" for tag, _ in self.stack) and any(tag == "tbody" for tag, _ in self.stack):
            self.rows[-1].append(data)


def parse(html_text: str) -> Page:
    page = Page()
    page.feed(html_text)
    page.close()
    return page


def summary_values(html_text: str) -> dict[str, str]:
    """``data-summary`` name -> the card's text."""

    class Cards(HTMLParser):
        def __init__(self):
            super().__init__()
            self.values: dict[str, str] = {}
            self.current: str | None = None

        def handle_starttag(self, tag, attrs):
            self.current = dict(attrs).get("data-summary") if tag == "dd" else self.current

        def handle_endtag(self, tag):
            if tag == "dd":
                self.current = None

        def handle_data(self, data):
            if self.current:
                self.values[self.current] = self.values.get(self.current, "") + data

    cards = Cards()
    cards.feed(html_text)
    return cards.values


@pytest.fixture
def report(run_dir: Path) -> tuple[str, dict]:
    """The HTML page and the JSON report of the same run (the JSON report is the reference for every count)."""
    code, _ = run_cli(["check", "--format", "html", "-o", "report.html", "--min-severity", "info", "--exit-zero", "."], run_dir)
    assert code == 0
    code, out = run_cli(["check", "--format", "json", "--min-severity", "info", "--exit-zero", "."], run_dir)
    assert code == 0
    return (run_dir / "report.html").read_text(encoding="utf-8"), json.loads(out)


def test_summary_counts_match_the_json_report(report):
    page, reference = report
    values = summary_values(page)
    summary = reference["summary"]
    assert values["files"] == "4"
    assert values["errors"] == str(summary["errors"]) and values["warnings"] == str(summary["warnings"]) and values["info"] == str(summary["info"])
    assert values["events"] == str(sum(f["events"] for f in reference["files"]))
    assert values["records"] == "2", "one conversation record in each copy of the example"
    assert values["checked as"] == "API v1 (1), API v2 (2)"
    assert "response (2)" in values["payload kinds"] and "events (1)" in values["payload kinds"]


def test_bars_per_rule_type_and_day(report):
    page, reference = report
    parsed = parse(page)
    assert dict(parsed.bars["chart-rules"]) == reference["summary"]["by_rule"]
    by_type = dict(parsed.bars["chart-types"])
    assert sum(by_type.values()) == len(reference["findings"])
    assert by_type["CART_STATUS"] >= 3 + 3 + 3, "three in each copy of the example and three in the hostile cart"
    assert by_type["(not in an event)"] >= 1, "the syntax error and the message-level findings are in no event"
    days = dict(parsed.bars["chart-days"])
    # the example's events are on 2018-06-10; its copy three days later; the days between are there with no findings
    assert list(days) == ["2018-06-10", "2018-06-11", "2018-06-12", "2018-06-13"]
    assert days["2018-06-11"] == days["2018-06-12"] == 0
    assert days["2018-06-13"] > 0 and days["2018-06-10"] > days["2018-06-13"], "the hostile cart is dated 2018-06-10 too"
    assert sum(days.values()) + by_type["(not in an event)"] == len(reference["findings"])


def test_the_table_lists_every_finding_and_links_each_rule_to_its_explanation(report):
    page, reference = report
    parsed = parse(page)
    assert len(parsed.rows) == len(reference["findings"])
    links = [a["href"] for tag, a in parsed.tags if tag == "a" and (a.get("href") or "").startswith("#rule-")]
    anchors = {a["id"] for tag, a in parsed.tags if tag == "section" and (a.get("id") or "").startswith("rule-")}
    assert links and set(links) <= {f"#{anchor}" for anchor in anchors}
    assert len(anchors) == len(reference["summary"]["by_rule"])
    assert "Why:" in page and "Bad:" in page, "the explain text of each rule is on the page"
    assert 'id="filter"' in page and '<label for="filter">' in page


def test_offending_lines_are_shown_with_the_findings_marked(report):
    page, reference = report
    parsed = parse(page)
    marks = [tag for tag, _ in parsed.tags if tag == "mark"]
    assert len(marks) >= 10
    # line 370 of the example holds the cart's total, which cart-arithmetic reports
    assert '<span class="ln">370 </span>' in page
    assert '<mark>&quot;11.7&quot;</mark>' in page
    assert "Expecting value" in page or "invalid JSON" in page


def test_every_input_value_is_escaped(report):
    page, _ = report
    parsed = parse(page)
    assert len(parsed.scripts) == 1 and "__pwned" not in parsed.scripts[0], "the only script is the page's own"
    assert not [tag for tag, _ in parsed.tags if tag == "img"]
    assert not [(tag, name) for tag, attributes in parsed.tags for name in attributes if name.startswith("on")]
    assert HOSTILE_SCRIPT not in page and HOSTILE_KEY not in page and HOSTILE_VALUE not in page
    text = "".join(parsed.all_text)
    assert HOSTILE_SCRIPT in text and HOSTILE_KEY in text, "shown as text, escaped"
    assert "a<b>\"'&.json" in text and "a&lt;b&gt;&quot;&#x27;&amp;.json" in page
    assert "\u2028" not in page and "\u202e" not in page and "note\\u2028x" in text


def test_the_content_security_policy_allows_only_the_page_s_own_script_and_style(report):
    page, _ = report
    parsed = parse(page)
    policy = next(a["content"] for tag, a in parsed.tags if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy")

    def digest(source: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"

    assert f"script-src {digest(parsed.scripts[0])};" in policy
    assert f"style-src {digest(parsed.styles[0])};" in policy
    assert "default-src 'none'" in policy
    assert "http" not in page.split("<body>", 1)[1].replace("http-equiv", ""), "no URL the page could load"


def test_parallel_runs_give_the_same_page(tmp_path: Path):
    """Worker processes record each finding's SDE type and day too (FileTask carries the request)."""
    for index in range(16):  # enough files for a pool
        (tmp_path / f"f{index:02d}.json").write_text(shifted_example(index % 4))
    serial = run_cli(["check", "--format", "html", "-o", "serial.html", "--jobs", "1", "--exit-zero", "."], tmp_path)
    parallel = run_cli(["check", "--format", "html", "-o", "parallel.html", "--jobs", "2", "--exit-zero", "."], tmp_path)
    assert serial[0] == parallel[0] == 0
    page = (tmp_path / "serial.html").read_text()
    assert page == (tmp_path / "parallel.html").read_text()
    assert len(dict(parse(page).bars["chart-days"])) == 4


def test_stdin_input_says_its_lines_are_not_shown(tmp_path: Path):
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--format", "html", "--stdin-filename", "day0.json", "-"], input=EXAMPLE.read_bytes())
    assert result.exit_code == 0
    assert "Read from standard input" in result.output and "<mark>" not in result.output


def test_other_formats_do_not_carry_the_context(run_dir: Path):
    """Only the HTML report asks for the per-finding context; the JSON report is unchanged by it."""
    _, out = run_cli(["check", "--format", "json", "--exit-zero", "."], run_dir)
    report = json.loads(out)
    assert {key for finding in report["findings"] for key in finding} == {"file", "line", "column", "pointer", "rule", "severity", "message", "api_version"}
    assert all(set(entry) <= {"file", "kind", "api_version", "api_version_reason", "profile", "profile_reason", "events", "findings", "not_shown"} for entry in report["files"])


def test_a_text_run_neither_imports_the_html_reporter_nor_selenium(tmp_path: Path):
    code = (
        "import sys; from validator.cli import main\n"
        "try:\n    main(['check', '--exit-zero', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m in ('validator.report.html', 'selenium') or m.startswith('selenium.')))"
    )
    result = subprocess.run([sys.executable, "-c", code, str(EXAMPLE)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr


def test_a_big_run_is_capped(tmp_path: Path, monkeypatch):
    import validator.report.html as html_report

    monkeypatch.setattr(html_report, "TABLE_ROWS", 5)
    monkeypatch.setattr(html_report, "SOURCE_LINES_PER_FILE", 2)
    (tmp_path / "a.json").write_text(EXAMPLE.read_text())
    _, out = run_cli(["check", "--format", "html", "--exit-zero", "a.json"], tmp_path)
    parsed = parse(out)
    assert len(parsed.rows) == 5 and "first 5 of 15 findings" in out
    assert len([tag for tag, _ in parsed.tags if tag == "mark"]) == 2 and "2 of 15 lines with findings shown" in out
    assert Counter(dict(parsed.bars["chart-rules"])).total() == 15, "the charts still count every finding"


def test_the_hostile_corpus_makes_a_safe_page(tmp_path: Path, monkeypatch):
    """Every hostile input of the corpus (broken encodings, forged lines, deep nesting...) in one page: no traceback, no markup from them."""
    import tests.hostile.corpus
    from tests.hostile.corpus import corpus

    monkeypatch.setattr(tests.hostile.corpus, "_gzip_bomb", lambda: b"")  # seconds to make; left out below

    # seconds each to lint, and the page shows nothing different for them (test_hostile lints them; the bomb's re-reading is tested below)
    slow = {"many-events.json", "big-array.json.gz", "gzip-bomb.json.gz"}
    for name, data in corpus().items():
        if name not in slow:
            (tmp_path / name).write_bytes(data)
    (tmp_path / "zz-good.json").write_text(EXAMPLE.read_text())
    done = subprocess.run(
        [sys.executable, "-m", "validator", "check", "--format", "html", "--include", "*", "--exclude", "*.txt", "."],
        capture_output=True, cwd=tmp_path, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    page = done.stdout.decode("utf-8")
    assert done.returncode == 1 and b"Traceback" not in done.stderr and b"internal error" not in done.stderr, done.stderr[-2000:]
    parsed = parse(page)
    assert len(parsed.scripts) == 1 and not [tag for tag, _ in parsed.tags if tag == "img"]
    assert not [(tag, name) for tag, attributes in parsed.tags for name in attributes if name.startswith("on")]
    assert "\x1b" not in page and "zz-good.json" in page
    assert len(parsed.rows) == sum(1 for tag, _ in parsed.tags if tag == "tr") - 1


def test_a_gzip_bomb_is_not_inflated_again_for_its_lines(tmp_path: Path):
    """The page re-reads files for their lines: a compressed one only up to the cap, then it says why its lines are not shown."""
    import gzip
    import time

    from validator.findings import Finding
    from validator.report.html import SOURCE_MAX_BYTES, HtmlReporter
    from validator.result import FileResult

    bomb = tmp_path / "bomb.json"  # gzip whatever the name says: the bytes are sniffed
    bomb.write_bytes(gzip.compress(b" " * (SOURCE_MAX_BYTES + 1), compresslevel=1))
    assert bomb.stat().st_size < SOURCE_MAX_BYTES // 100
    finding = Finding(str(bomb), 1, 1, "", "encoding-error", "error", "decompresses beyond the limit")
    started = time.perf_counter()
    page = io.StringIO()
    HtmlReporter().write([FileResult(str(bomb), [finding])], page)
    assert time.perf_counter() - started < 10
    assert f"Over {SOURCE_MAX_BYTES >> 20} MiB: its lines are not shown." in page.getvalue()


def test_a_file_over_the_cap_is_not_read_again_for_its_lines(tmp_path: Path):
    """A plain file past the cap (sparse here: nothing is written) is refused from its size by the one bounded reader."""
    from validator.findings import Finding
    from validator.report.html import SOURCE_MAX_BYTES, HtmlReporter
    from validator.result import FileResult

    big = tmp_path / "big.json"
    with open(big, "wb") as stream:
        stream.truncate(SOURCE_MAX_BYTES + 1)
    finding = Finding(str(big), 1, 1, "", "syntax-error", "error", "invalid JSON")
    page = io.StringIO()
    HtmlReporter().write([FileResult(str(big), [finding])], page)
    assert f"Over {SOURCE_MAX_BYTES >> 20} MiB: its lines are not shown." in page.getvalue()


def test_json_lines_files_show_their_offending_lines(tmp_path: Path):
    """A .jsonl file is decoded line by line (``Decoded.lines``, no ``text``): its lines are shown all the same, numbered as the findings are."""
    event = {"sdeType": "LEAD", "serverTimeStamp": "1528659491243",
             "lead": {"serverTimeStamp": "1528659491243", "lead": {"topic": "x"}, "oops": "1"}}
    (tmp_path / "log.jsonl").write_text("\n" + json.dumps(event) + "\n\n" + json.dumps(event) + "\r\n")
    run_cli(["check", "--format", "html", "-o", "page.html", "--exit-zero", "log.jsonl"], tmp_path)
    page = (tmp_path / "page.html").read_text()
    assert "Cannot be decoded" not in page
    assert '<span class="ln">2 </span>' in page and '<span class="ln">4 </span>' in page
    assert page.count("<mark>&quot;oops&quot;</mark>") == 2


def test_json_lines_and_gzip_files_show_their_offending_lines(tmp_path: Path):
    """"Findings in place" reads every file again, JSON Lines and gzip ones too: their lines were said not to decode
    (a JSON Lines input has no whole text, and a .gz name had the decompressed bytes decompressed again)."""
    import gzip
    import re

    good = json.dumps({"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879", "cartStatus": {"total": "1"}})
    lines = f'\n{good}\r\n\n{{"sdeType": "NOPE"}}\n'
    (tmp_path / "lines.jsonl").write_text(lines)
    (tmp_path / "lines.ndjson.gz").write_bytes(gzip.compress(lines.encode()))
    (tmp_path / "event.json.gz").write_bytes(gzip.compress(b'{"sdeType": "NOPE"}'))
    status, output = run_cli(["check", "--format", "html", "."], tmp_path)
    assert status == 1, output
    assert "Cannot be decoded" not in output
    for name, line in (("lines.jsonl", 4), ("lines.ndjson.gz", 4), ("event.json.gz", 1)):
        section = re.search(rf"<h3>{re.escape(name)}</h3>(.*?)</pre>", output, re.S)
        assert section, name
        assert re.search(rf'<span class="ln">{line} </span>\{{&quot;sdeType&quot;: <mark>&quot;NOPE&quot;</mark>}}', section.group(1)), (name, section.group(1))


def test_engagement_history_and_web_findings_are_charted_by_their_sde_type_and_day(tmp_path: Path):
    """The charts found an event only by sdeType or the API's container keys: a finding in an Engagement History
    viewProduct or bare purchase, or in a web-side lpTag object, was "(not in an event)", which the README keeps
    for record-level and input findings, and a bare EH event had no day."""
    stamp = "1440412721832"  # 2015-08-24
    eh = {"interactionHistoryRecords": [{"sdes": {"events": [
        {"serverTimeStamp": stamp, "viewProduct": {"serverTimeStamp": stamp, "Currency": "EUR"}},
        {"purchase": {"serverTimeStamp": stamp, "total": "5", "currency": "EUX"}},
    ]}}]}
    (tmp_path / "eh.json").write_text(json.dumps(eh, indent=1))
    (tmp_path / "claims.json").write_text(json.dumps({"sub": "c", "lp_sdes": [{"type": "ctmrinfo", "info": {"storeNumber": "12"}}]}))
    (tmp_path / "push.js").write_text('lpTag.sdes.push({type: "cart", total: -1, numItems: 0});\n')
    code, _ = run_cli(["check", "--format", "html", "-o", "page.html", "--exit-zero", "eh.json", "claims.json", "push.js"], tmp_path)
    assert code == 0
    parsed = parse((tmp_path / "page.html").read_text(encoding="utf-8"))
    assert dict(parsed.bars["chart-types"]) == {"VIEWED_PRODUCT": 1, "PURCHASE": 1, "CUSTOMER_INFO": 1, "CART_STATUS": 1}
    assert dict(parsed.bars["chart-days"]) == {"2015-08-24": 2}
    # what they were checked as, as the text summary says it ("API versions: none" before)
    assert summary_values((tmp_path / "page.html").read_text(encoding="utf-8"))["checked as"] == "engagement-history (1), web (2)"


def test_the_title_counts_one_error_as_the_text_format_does(tmp_path: Path):
    (tmp_path / "broken.json").write_text('{"events": [}\n')
    code, page = run_cli(["check", "--format", "html", "--exit-zero", "broken.json"], tmp_path)
    assert code == 0 and "<title>sdelint report: 1 error, 0 warnings, 0 info</title>" in page


def test_a_finding_about_an_object_marks_its_bracket_not_its_first_key(tmp_path: Path):
    """missing-field is about the object: marking up to the next colon would mark its first key, which is not at fault."""
    event = {"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879", "cartStatus": {"currency": "USD"}}
    (tmp_path / "cart.json").write_text(json.dumps({"events": [event]}))
    code, page = run_cli(["check", "--format", "html", "--exit-zero", "cart.json"], tmp_path)
    assert code == 0 and "missing-field" in page
    assert '&quot;cartStatus&quot;: <mark>{</mark>&quot;currency&quot;' in page
