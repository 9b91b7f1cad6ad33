"""One self-contained HTML page for people: summary, charts, a findings table and the offending lines in place.

The page loads nothing (inline CSS, JS and SVG; a Content-Security-Policy that allows only those, by hash),
so it reads offline and is safe to attach to a ticket. Every value from the input (file names, pointers,
messages, source lines) goes through ``text()``: control and bidi characters shown escaped, then HTML-escaped.
Big runs are capped (table rows, files and lines shown with their source) so that the page stays a few MB.
"""

from __future__ import annotations

import base64
import errno
import gzip
import hashlib
import html
import io
import math
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .. import __version__
from ..findings import SEVERITY_RANK, Finding
from ..load import format_of, read_input
from ..load.reader import GZIP_MAGIC, read_file
from ..policy import Policy, Setting
from ..result import FileResult, Summary
from ..rules.catalogue import RuleSpec
from ..rules.explain import explain_rule
from .base import Reporter
from .common import ROOT_LABEL, escape_controls, plural, report_path

TABLE_ROWS = 5000  # findings listed in the table; the charts and counts cover all of them
SOURCE_FILES = 100  # files whose offending lines are shown
SOURCE_LINES_PER_FILE = 40  # offending lines shown per file
NOTES_PER_LINE = 10  # findings written under one line (a minified payload has all of them on line 1)
SOURCE_MAX_BYTES = 32 << 20  # a bigger file is not read again for its lines
SOURCE_CONTEXT = 1  # lines shown around each offending line
LINE_WINDOW = 160  # characters shown of a long line (a minified payload is one line), around the findings
RULE_LABEL = 28  # characters of a label in a chart
OUTSIDE_EVENTS = "(not in an event)"
TICK_SPACING = 80  # at least this much of the time axis between two date labels (a label is about 70 wide)
MONTHLY_AFTER_DAYS = 400  # a longer time axis counts per month

STYLE = """
:root{--text:#1b1b1b;--muted:#4a4a4a;--bg:#fff;--panel:#f4f5f7;--line:#c9ccd1;--link:#0b4fa8;--bar:#2f5d9e;
--error:#8a1111;--error-bg:#fde7e7;--warning:#6a4a00;--warning-bg:#fff3d1;--info:#0b4a66;--info-bg:#e2f1fa;--mark:#ffe08a}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--text);background:var(--bg)}
header,main{max-width:1200px;margin:0 auto;padding:0 16px}
h1{font-size:1.6rem;margin:16px 0 4px}h2{font-size:1.25rem;margin:28px 0 8px;border-bottom:1px solid var(--line)}
h3{font-size:1.05rem;margin:18px 0 6px;overflow-wrap:anywhere}
a{color:var(--link)}a:focus,button:focus,input:focus,select:focus{outline:3px solid #f2a900;outline-offset:1px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:var(--bg);padding:4px}
.muted{color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;margin:0;padding:0}
.cards div{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:8px}
.cards dt{color:var(--muted);font-size:.85rem}.cards dd{margin:0;font-size:1.2rem;font-weight:600;overflow-wrap:anywhere}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:16px}
figure{margin:0;background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:8px}
figcaption{font-weight:600;margin-bottom:4px}
svg{width:100%;height:auto;display:block}svg text{font-size:12px;fill:var(--text)}
.bar{fill:var(--bar)}.axis{stroke:var(--muted);stroke-width:1}
.controls{display:flex;flex-wrap:wrap;gap:12px;align-items:end;margin:8px 0}
.controls label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted)}
input,select,button{font:inherit;color:var(--text);background:var(--bg);border:1px solid var(--muted);border-radius:4px;padding:4px 6px}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th button{border:0;background:none;padding:0;font-weight:700;cursor:pointer}
td.msg,td.ptr,td.file{overflow-wrap:anywhere;min-width:8em}
.sev{display:inline-block;border-radius:3px;padding:0 5px;font-size:.8rem;font-weight:700}
.sev-error{color:var(--error);background:var(--error-bg)}.sev-warning{color:var(--warning);background:var(--warning-bg)}
.sev-info{color:var(--info);background:var(--info-bg)}
pre{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:8px;overflow-x:auto;font-size:.85rem;line-height:1.35}
pre.src .ln{color:var(--muted);user-select:none}pre.src .hit{font-weight:600}
pre.src .note{display:block;color:var(--text);font-weight:400;padding-left:2ch}
mark{background:var(--mark);color:#000}
.gap{color:var(--muted)}
@media (max-width:600px){body{font-size:14px}header,main{padding:0 8px}.charts{grid-template-columns:1fr}th,td{padding:3px 4px}table{min-width:760px}}
"""

SCRIPT = """
(function(){
var table=document.getElementById('findings-table');if(!table){return;}
var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
var filter=document.getElementById('filter'),severity=document.getElementById('severity-filter'),shown=document.getElementById('shown-count');
function apply(){var words=filter.value.toLowerCase(),level=severity.value,n=0;
rows.forEach(function(row){var ok=(!level||row.getAttribute('data-severity')===level)&&(!words||row.textContent.toLowerCase().indexOf(words)>=0);
row.hidden=!ok;if(ok){n++;}});shown.textContent=n+' of '+rows.length+' findings shown';}
filter.addEventListener('input',apply);severity.addEventListener('change',apply);
Array.prototype.forEach.call(table.tHead.querySelectorAll('button[data-column]'),function(button){
button.addEventListener('click',function(){var column=+button.getAttribute('data-column'),th=button.parentNode;
var ascending=th.getAttribute('aria-sort')!=='ascending';
Array.prototype.forEach.call(table.tHead.rows[0].cells,function(cell){cell.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',ascending?'ascending':'descending');
function key(row){var cell=row.cells[column],k=cell.getAttribute('data-key');return k!==null?+k:cell.textContent.toLowerCase();}
rows.sort(function(a,b){var x=key(a),y=key(b),r=x<y?-1:x>y?1:(+a.getAttribute('data-index'))-(+b.getAttribute('data-index'));return ascending?r:-r;});
rows.forEach(function(row){body.appendChild(row);});});});
apply();
})();
"""


def text(value: object) -> str:
    """An input value as HTML text: unprintable and bidi characters as ``\\x1b``/``\\u202e``, then HTML-escaped (quotes too)."""
    return html.escape(escape_controls(str(value)), quote=True)


def lines_text(value: str) -> str:
    """Like ``text``, line by line: for a ``<pre>`` whose line breaks are meant (a rule's explanation)."""
    return "\n".join(text(line) for line in value.split("\n"))


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src {_csp_hash(STYLE)}; script-src {_csp_hash(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'"
)


class _SpecsView:
    """A configuration as ``explain_rule`` reads it, from the rule specs a reporter gets (default severities and parameters)."""

    def __init__(self, specs: dict[str, RuleSpec]) -> None:
        self._specs = specs
        self._policy = Policy("auto", {name: Setting(spec.severity, dict(spec.params)) for name, spec in specs.items()})

    def specs(self) -> dict[str, RuleSpec]:
        return self._specs

    def policy_for(self, file: str | None) -> Policy:
        return self._policy


@dataclass
class _Counts:
    """What the charts show: findings per rule, per SDE type and per day (or month)."""

    by_rule: Counter[str]
    by_type: Counter[str]
    by_day: Counter[str]
    undated: int

    @classmethod
    def of(cls, results: list[FileResult]) -> _Counts:
        by_rule: Counter[str] = Counter()
        by_type: Counter[str] = Counter()
        by_day: Counter[str] = Counter()
        undated = 0
        for result in results:
            for finding in result.findings:
                sde_type, day = result.context.get((finding.line, finding.pointer), (None, None))
                by_rule[finding.rule] += 1
                by_type[sde_type or OUTSIDE_EVENTS] += 1
                if day is None:
                    undated += 1
                else:
                    by_day[day] += 1
        return cls(by_rule, by_type, by_day, undated)


def _label(value: str, limit: int = RULE_LABEL) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "\u2026"


def bar_chart(chart_id: str, caption: str, counts: list[tuple[str, int]]) -> str:
    """Horizontal bars, one per label, longest first; each bar carries its count (``data-count``) and a tooltip."""
    if not counts:
        return f'<figure><figcaption id="{chart_id}-caption">{text(caption)}</figcaption><p class="muted">No findings.</p></figure>'
    top = max(n for _, n in counts)
    row, label_width, bar_width = 22, 190, 200
    height = row * len(counts) + 8
    bars = []
    for index, (label, n) in enumerate(counts):
        y = 4 + index * row
        width = max(1, round(bar_width * n / top))
        bars.append(
            f'<g><title>{text(label)}: {n}</title><text x="{label_width - 6}" y="{y + 15}" text-anchor="end">{text(_label(label))}</text>'
            f'<rect class="bar" data-label="{text(label)}" data-count="{n}" x="{label_width}" y="{y + 3}" width="{width}" height="{row - 6}"/>'
            f'<text x="{label_width + width + 4}" y="{y + 15}">{n}</text></g>'
        )
    summary = "; ".join(f"{_label(label)}: {n}" for label, n in counts[:12]) + ("; ..." if len(counts) > 12 else "")
    return (
        f'<figure><figcaption id="{chart_id}-caption">{text(caption)}</figcaption>'
        f'<svg id="{chart_id}" viewBox="0 0 {label_width + bar_width + 60} {height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{text(caption)}</title><desc id="{chart_id}-desc">{text(summary)}</desc>{"".join(bars)}</svg></figure>'
    )


def _timeline(by_day: Counter[str]) -> tuple[list[tuple[str, int]], str]:
    """Every day (or month, for a long span) from the first to the last, zero-filled, so that a step shows as one."""
    from datetime import date, timedelta

    days = sorted(by_day)
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    if (last - first).days <= MONTHLY_AFTER_DAYS:
        span = [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]
        return [(day, by_day.get(day, 0)) for day in span], "day"
    by_month: Counter[str] = Counter()
    for day, n in by_day.items():
        by_month[day[:7]] += n
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return [(m, by_month.get(m, 0)) for m in months], "month"


def time_chart(counts: _Counts) -> str:
    chart_id = "chart-days"
    caption = "Findings over time (events' serverTimeStamp, UTC)"
    note = f'<p class="muted">{plural(counts.undated, "finding")} not in an event with a plausible serverTimeStamp.</p>' if counts.undated else ""
    if not counts.by_day:
        return f'<figure><figcaption id="{chart_id}-caption">{caption}</figcaption><p class="muted">No dated findings.</p>{note}</figure>'
    series, unit = _timeline(counts.by_day)
    top = max(n for _, n in series)
    plot_width, plot_height, left, bottom = 360, 160, 40, 36
    step = plot_width / len(series)
    bars = []
    for index, (label, n) in enumerate(series):
        height = round(plot_height * n / top, 1) if n else 0
        x = round(left + index * step, 2)
        bars.append(
            f'<g><title>{label}: {n}</title><rect class="bar" data-label="{label}" data-count="{n}" x="{x}" y="{plot_height - height + 8}" '
            f'width="{max(round(step * 0.8, 2), 0.5)}" height="{height}"/></g>'
        )
    every = max(1, math.ceil(TICK_SPACING / step), len(series) // 4)
    ticks = [*range(0, len(series), every)]
    if (len(series) - 1 - ticks[-1]) * step < TICK_SPACING:
        ticks.pop()  # too close to the last label: they would overlap
    ticks.append(len(series) - 1)
    labels = "".join(
        f'<text x="{round(left + i * step + step / 2, 1)}" y="{plot_height + 26}" text-anchor="middle">{series[i][0]}</text>' for i in ticks
    )
    desc = f"{len(series)} {unit}s from {series[0][0]} to {series[-1][0]}; most findings on {max(series, key=lambda item: item[1])[0]} ({top})"
    return (
        f'<figure><figcaption id="{chart_id}-caption">{caption}, per {unit}</figcaption>'
        f'<svg id="{chart_id}" viewBox="0 0 {left + plot_width + 40} {plot_height + bottom + 8}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{caption}, per {unit}</title><desc id="{chart_id}-desc">{desc}</desc>'
        f'<line class="axis" x1="{left}" y1="{plot_height + 8}" x2="{left + plot_width}" y2="{plot_height + 8}"/>'
        f'<text x="{left - 4}" y="16" text-anchor="end">{top}</text><text x="{left - 4}" y="{plot_height + 8}" text-anchor="end">0</text>'
        f'{"".join(bars)}{labels}</svg>{note}</figure>'
    )


def _severity(severity: str) -> str:
    return f'<span class="sev sev-{text(severity)}">{text(severity)}</span>'


class HtmlReporter(Reporter):
    """``--format html``: a page for people who look at a big run, not for machines (use ``json`` for those)."""

    name = "html"
    escape = "html"
    needs_context = True

    def write(self, results: list[FileResult], stream: IO[str]) -> None:
        summary = Summary.of(results)
        counts = _Counts.of(results)
        rule_ids = {rule: f"rule-{index}" for index, rule in enumerate(sorted(counts.by_rule))}
        parts = [
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">',
            '<meta name="referrer" content="no-referrer">',
            f"<title>sdelint report: {plural(summary.errors, 'error')}, {plural(summary.warnings, 'warning')}, {summary.infos} info</title>",
            f"<style>{STYLE}</style></head><body>",
            '<a class="skip" href="#findings">Skip to the findings</a>',
            f'<header><h1>sdelint report</h1><p class="muted">sdelint {text(__version__)}: {plural(summary.files, "file")} checked.</p></header>',
            "<main>",
            self._summary(results, summary),
            '<section aria-labelledby="charts-heading"><h2 id="charts-heading">Charts</h2><div class="charts">',
            bar_chart("chart-rules", "Findings per rule", counts.by_rule.most_common()),
            bar_chart("chart-types", "Findings per SDE type", counts.by_type.most_common()),
            time_chart(counts),
            "</div></section>",
            self._table(results, rule_ids),
            self._sources(results, rule_ids),
            self._rules(rule_ids),
            "</main>",
            f"<script>{SCRIPT}</script></body></html>\n",
        ]
        stream.write("\n".join(parts))

    def _summary(self, results: list[FileResult], summary: Summary) -> str:
        records = sum(r.records or 0 for r in results)
        events = sum(r.events for r in results)
        kinds = Counter(r.kind for r in results if r.kind)
        versions = ", ".join(f"{text(what)} ({n})" for what, n in Summary.checked_as(results)) or "none"
        kinds_text = ", ".join(f"{text(k)} ({n})" for k, n in sorted(kinds.items())) or "none"
        cards = [
            ("Files", str(summary.files)), ("Records", str(records)), ("Events", str(events)),
            ("Errors", str(summary.errors)), ("Warnings", str(summary.warnings)), ("Info", str(summary.infos)),
            ("Checked as", versions), ("Payload kinds", kinds_text),
        ]
        body = "".join(f'<div><dt>{name}</dt><dd data-summary="{name.lower()}">{value}</dd></div>' for name, value in cards)
        note = summary.not_shown_note()
        note_html = f'<p class="muted">{text(note)}.</p>' if note else ""
        if self.baseline is not None:
            fixed = len(self.baseline.fixed)
            note_html += (f'<p class="muted">The baseline hid {plural(self.baseline.known, "known finding")};'
                          f' {fixed} of its entries fixed since it was written{" (rewrite it to shrink it)" if fixed else ""}.</p>')
        return f'<section aria-labelledby="summary-heading"><h2 id="summary-heading">Summary</h2><dl class="cards">{body}</dl>{note_html}</section>'

    def _table(self, results: list[FileResult], rule_ids: dict[str, str]) -> str:
        findings = [f for r in results for f in r.findings]
        rows = []
        for index, f in enumerate(findings[:TABLE_ROWS]):
            rows.append(
                f'<tr data-index="{index}" data-severity="{text(f.severity)}">'
                f'<td><a href="#{rule_ids[f.rule]}">{text(f.rule)}</a></td>'
                f'<td data-key="{-SEVERITY_RANK.get(f.severity, 0)}">{_severity(f.severity)}</td>'
                f'<td class="file">{text(report_path(f.file))}</td><td data-key="{f.line or 1}">{f.line or 1}</td>'
                f'<td class="ptr"><code>{text(f.pointer) if f.pointer else ROOT_LABEL}</code></td><td class="msg">{text(f.message)}</td></tr>'
            )
        capped = (
            f'<p class="muted">The table lists the first {TABLE_ROWS} of {len(findings)} findings; '
            "the counts and charts cover all of them (--format json lists every one).</p>"
        ) if len(findings) > TABLE_ROWS else ""
        headings = "".join(
            f'<th scope="col"><button type="button" data-column="{i}">{name}</button></th>'
            for i, name in enumerate(("Rule", "Severity", "File", "Line", "Pointer", "Message"))
        )
        options = "".join(f'<option value="{s}">{s}</option>' for s in ("error", "warning", "info"))
        return (
            '<section aria-labelledby="findings-heading" id="findings"><h2 id="findings-heading">Findings</h2>'
            '<div class="controls"><label for="filter">Filter (rule, file, pointer, message)<input id="filter" type="search"></label>'
            f'<label for="severity-filter">Severity<select id="severity-filter"><option value="">all</option>{options}</select></label>'
            f'<p id="shown-count" aria-live="polite">{len(rows)} findings</p></div>{capped}'
            '<div class="scroll" tabindex="0" role="region" aria-labelledby="findings-heading"><table id="findings-table">'
            '<caption class="muted">Select a heading to sort; the rule links to its explanation.</caption>'
            f'<thead><tr>{headings}</tr></thead><tbody>{"".join(rows)}</tbody></table></div></section>'
        )

    def _sources(self, results: list[FileResult], rule_ids: dict[str, str]) -> str:
        with_findings = [r for r in results if r.findings]
        blocks = [self._source(r, rule_ids) for r in with_findings[:SOURCE_FILES]]
        capped = ""
        if len(with_findings) > SOURCE_FILES:
            capped = f'<p class="muted">Lines are shown for the first {SOURCE_FILES} of {len(with_findings)} files with findings.</p>'
        if not blocks:
            return ""
        return f'<section aria-labelledby="sources-heading"><h2 id="sources-heading">Findings in place</h2>{capped}{"".join(blocks)}</section>'

    def _source(self, result: FileResult, rule_ids: dict[str, str]) -> str:
        heading = f"<h3>{text(report_path(result.file))}</h3>"
        lines, why = self._read_lines(result.file)
        if lines is None:
            return f'{heading}<p class="muted">{why}</p>'
        by_line: dict[int, list[Finding]] = {}
        for f in result.findings:
            if 1 <= f.line <= len(lines):
                by_line.setdefault(f.line, []).append(f)
        shown = sorted(by_line)[:SOURCE_LINES_PER_FILE]
        note = f'<p class="muted">{len(shown)} of {len(by_line)} lines with findings shown.</p>' if len(by_line) > len(shown) else ""
        wanted = sorted({n for line in shown for n in range(line - SOURCE_CONTEXT, line + SOURCE_CONTEXT + 1) if 1 <= n <= len(lines)})
        width = len(str(wanted[-1])) if wanted else 1
        out: list[str] = []
        previous = 0
        for number in wanted:
            if previous and number > previous + 1:
                out.append('<span class="gap">\u22ee</span>\n')
            previous = number
            out.append(_source_line(number, width, lines[number - 1], by_line.get(number, []) if number in shown else [], rule_ids))
        return f'{heading}{note}<pre class="src" tabindex="0">{"".join(out)}</pre>'

    def _read_lines(self, name: str) -> tuple[list[str] | None, str]:
        """The input's lines as the linter numbered them (split at ``\\n`` only), or None and why not."""
        if name in self.stdin_names:
            return None, "Read from standard input: its lines are not shown."
        path = Path(name)
        too_big = f"Over {SOURCE_MAX_BYTES >> 20} MiB: its lines are not shown."
        try:
            if not path.is_file():
                return None, "Not a file on disk: its lines are not shown."
            raw = read_file(path, SOURCE_MAX_BYTES)  # refused from its size, or as it grows past the cap
            input_format, named_gzip = format_of(name)
            if raw.startswith(GZIP_MAGIC):  # decompressed here up to the cap: a gzip bomb must not be inflated again
                with gzip.open(io.BytesIO(raw)) as inflated:
                    raw = inflated.read(SOURCE_MAX_BYTES + 1)
                if len(raw) > SOURCE_MAX_BYTES:
                    return None, too_big
                if named_gzip:  # read_input must not take the name's .gz for a second decompression
                    name = name[:-3]
        except OSError as exc:
            if exc.errno == errno.EFBIG:
                return None, too_big
            return None, text(f"Cannot be read again: {exc.strerror or exc}.")
        except (EOFError, zlib.error) as exc:
            return None, text(f"Cannot be read again: {exc}.")
        decoded = read_input(raw, name, input_format)
        if decoded.format == "jsonl" and not decoded.fatal:  # its non-blank lines, each decoded on its own
            lines = [""] * (decoded.lines[-1][0] + 1 if decoded.lines else 1)
            for index, line, _ in decoded.lines:
                lines[index] = line
            return [line.removesuffix("\r") for line in lines], ""
        if decoded.text is None:
            return None, "Cannot be decoded: its lines are not shown."
        return [line.removesuffix("\r") for line in decoded.text.split("\n")], ""

    def _rules(self, rule_ids: dict[str, str]) -> str:
        view = _SpecsView(self.rules)
        sections = []
        for rule, anchor in rule_ids.items():
            explanation = explain_rule(view, rule) if rule in self.rules else f"{rule}: no documentation (not a rule of this configuration)."
            sections.append(
                f'<section id="{anchor}" aria-labelledby="{anchor}-h"><h3 id="{anchor}-h">{text(rule)}</h3><pre>{lines_text(explanation)}</pre></section>'
            )
        if not sections:
            return ""
        return f'<section aria-labelledby="rules-heading"><h2 id="rules-heading">Rules</h2>{"".join(sections)}</section>'


def _source_line(number: int, width: int, line: str, findings: list[Finding], rule_ids: dict[str, str]) -> str:
    """One numbered line; with findings, the text at each finding's column marked and a note per finding below it."""
    gutter = f'<span class="ln">{number:>{width}} </span>'
    line = line.replace("\t", " ")
    if not findings:
        return f"{gutter}{text(_window(line, [1])[0])}\n"
    columns = sorted({f.column or 1 for f in findings})
    shown, offset = _window(line, columns)
    pieces, at = [], 0
    for column in columns:
        start = max(column - 1 - offset, at)
        if start >= len(shown):
            break
        end = start + max(1, _token_length(shown, start))
        pieces.append(text(shown[at:start]) + f"<mark>{text(shown[start:end])}</mark>")
        at = end
    pieces.append(text(shown[at:]))
    lead = "\u2026" if offset else ""  # the line is shown from further on
    notes = "".join(
        f'<span class="note">{lead}\u2191 col {f.column or 1} {_severity(f.severity)} '
        f'<a href="#{rule_ids[f.rule]}">{text(f.rule)}</a> {text(f.message)}</span>'
        for f in findings[:NOTES_PER_LINE]
    )
    if len(findings) > NOTES_PER_LINE:
        notes += f'<span class="note">\u2026 and {len(findings) - NOTES_PER_LINE} more findings on this line (see the table)</span>'

    return f'<span class="hit">{gutter}{"".join(pieces)}</span>\n{notes}'


def _window(line: str, columns: list[int]) -> tuple[str, int]:
    """At most LINE_WINDOW characters of a long line, starting a little before the first column: (text, offset)."""
    if len(line) <= LINE_WINDOW:
        return line, 0
    start = max(0, min(columns) - 1 - 20)
    return line[start : start + LINE_WINDOW], start


def _token_length(line: str, start: int) -> int:
    """How much of ``line`` from ``start`` to mark: a JSON string with its quotes, an object's or array's opening
    bracket alone (the finding is about the whole of it, not its first key), else up to the next separator."""
    if line[start] in "{[":
        return 1
    if line[start] == '"':
        index = start + 1
        while index < len(line) and line[index] != '"':
            index += 2 if line[index] == "\\" else 1
        return min(index + 1, len(line)) - start
    end = start
    while end < len(line) and line[end] not in ",]}: ":
        end += 1
    return end - start

