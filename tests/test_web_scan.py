"""Finding pushes in web sources: where a script is code (JSX text, templates' ${}, regular expressions after
``if (...)``, HTML-like comments), where a <script> ends, and pushes through an alias or .call/.apply.

Each push below is ``{type: "cart", total: "MARK", numItems: 1}``: its bad ``total`` names it in the report, so a
push that is missed (a silent pass) or read where it is not code shows in the list of marks.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest


def push(mark: str, via: str = "lpTag.sdes") -> str:
    return f'{via}.push({{type: "cart", total: "{mark}", numItems: 1}});'


def marks(cli, tmp_path: Path, name: str, text: str) -> list[str]:
    """The marks of the pushes read, in pointer order; no finding other than their totals' is allowed."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = cli("check", "--format", "json", "--min-severity", "info", path)
    assert result.exit_code in (0, 1), result.output
    found = []
    for finding in json.loads(result.output)["findings"]:
        assert (finding["rule"], finding["pointer"].split("/")[-1]) == ("bad-value", "total"), finding
        found.append((int(finding["pointer"].split("/")[1]), re.search(r'found string "(.*)"', finding["message"]).group(1)))
    return [mark for _, mark in sorted(found)]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        # an apostrophe or // in JSX text opened a string or a comment that hid the rest of the line
        ("a.jsx", "const A = () => <p>Don't</p>; " + push("j1") + "\n" + push("j2"), ["j1", "j2"]),
        ("a.jsx", "const B = () => <a>http://x</a>; " + push("j1"), ["j1"]),
        # ... and a backtick or /* in it opened a template or comment that hid the rest of the file
        ("a.js", "const C = (\n  <p>Use `npm` /* or yarn\n  </p>\n);\n" + push("j1"), ["j1"]),
        # a push in a JSX expression container is code; one in JSX text is not
        ("a.jsx", "const D = <button onClick={() => " + push("j1") + "}>Don't " + push("text") + "</button>;", ["j1"]),
        ("a.jsx", "const E = <><b title='it&apos;s'>a</b>{x ? <i>one's</i> : <>two's</>}</>; " + push("j1"), ["j1"]),
        # comparisons and shifts are no JSX
        ("a.js", "if (a < b && c > d) " + push("j1") + " var s = x << 2, t = y<z; " + push("j2"), ["j1", "j2"]),
        # TypeScript's type parameters and arguments in .tsx are no elements
        ("a.tsx", "const f = <T,>(x: T) => x; const g = <T extends object>(x: T) => x; const [v] = useState<string>('');\n"
                  "const h = <Select<Option> label=\"it's\" />; " + push("j1"), ["j1"]),
        # Flow's <T>(x: T) => x never closes as an element: the script is read as before, without JSX
        ("a.js", "const f = <T>(x: T): T => x;\n" + push("j1"), ["j1"]),
        # a regular expression after if (...), while (...): read as a division, its quote opened a string
        ("a.js", 'if (x) /re"/.test(s); ' + push("r1") + "\n" + push("r2"), ["r1", "r2"]),
        ("a.js", "while (i--) /'/.exec(s); for (;;) /\"/g; " + push("r1"), ["r1"]),
        ("a.js", "var half = f(x) / 2, q = (a) / \"b\".length; " + push("r1"), ["r1"]),  # after another ')': a division
        # a template's ${} is code: its braces, nested templates and pushes; its text is not
        ("a.js", "var a = `x ${ {b: `in`}.b } y`; " + push("t1"), ["t1"]),
        ("a.js", "var q = `${ " + push("t1") + " } " + push("text") + "`; " + push("t2"), ["t1", "t2"]),
        ("a.js", "var n = `a ${ `b ${ `c` } d` } e`; " + push("t1"), ["t1"]),
        # <!-- begins a line comment in a script (the HTML-like comment), as // does
        ("a.html", "<script><!-- " + push("hidden") + "\n" + push("h1") + "\n//--></script>", ["h1"]),
        # optional chaining and comments between push and (
        ("a.js", 'lpTag?.sdes?.push /* why */ ({type: "cart", total: "o1", numItems: 1}); lpTag.sdes.push // x\n(' + '{type: "cart", total: "o2", numItems: 1});', ["o1", "o2"]),
    ],
    ids=["jsx-apostrophe", "jsx-url", "jsx-backtick-in-js", "jsx-container", "jsx-fragments", "no-jsx", "tsx-generics",
         "flow-generic", "if-regex", "while-for-regex", "paren-division", "template-braces", "template-push", "nested-templates",
         "html-like-comment", "comments-before-paren"],
)
def test_every_push_in_code_is_read_and_none_outside_it(cli, tmp_path, name, text, expected):
    assert marks(cli, tmp_path, name, text) == expected


def test_a_script_ends_at_an_end_tag_with_attributes_as_browsers_end_it(cli, tmp_path):
    """</script foo> ends the element (the HTML tokenizer reads an end tag's attributes): what follows is page text."""
    page = '<script>var s = "</script foo>"; ' + push("text") + "</script>\n<script>" + push("h1") + "</script>"
    assert marks(cli, tmp_path, "page.html", page) == ["h1"]


def test_scripts_in_a_template_module_and_cdata_are_read_and_templates_json_and_src_bodies_are_not(cli, tmp_path):
    """A <template>'s script runs when its content is cloned into the page; text/template, JSON and the body of a
    <script src> never run."""
    page = (
        f"<template><script>{push('in-template')}</script></template>\n"
        f'<script type="text/template">{push("no1")}</script><script type="application/json">{push("no2")}</script>\n'
        f'<script src="a.js">{push("no3")}</script><script type="module">{push("module")}</script>\n'
        f"<script>//<![CDATA[\n{push('cdata')}\n//]]></script>\n"
    )
    assert marks(cli, tmp_path, "page.html", page) == ["in-template", "module", "cdata"]


def test_pushes_through_an_alias_in_its_block_are_read(cli, tmp_path):
    """var s = lpTag.sdes; s.push({...}) was never found: the literal went unchecked. The alias holds up to the end of
    its block, or to the name's next assignment or declaration; a push in a string or comment is still none."""
    source = (
        "(function () {\n"
        "  var s = window.lpTag.sdes;\n"
        f"  {push('a1', 's')} s.send({{type: 'cart', total: 'a2', numItems: 1}});\n"
        f"  var t = '{push('no', 's')}'; // {push('no', 's')}\n"
        "  s = [];\n"
        "  s.push({not: 'an SDE'});\n"
        "})();\n"
        "s.push({also: 'not one'});\n"
        f"const q: Sde[] = lpTag.sdes || []; {push('a3', 'q')}\n"
        f"let sdes = lpTag['sdes']; {{ {push('a4', 'sdes')} }} {push('a5', 'sdes')}\n"
    )
    assert marks(cli, tmp_path, "a.ts", source) == ["a1", "a2", "a3", "a4", "a5"]


def test_a_push_through_call_or_apply_is_not_checkable_not_silently_skipped(cli, tmp_path):
    path = tmp_path / "a.js"
    path.write_text("lpTag.sdes.push.apply(lpTag.sdes, [{type: 'cart'}]);\nlpTag.sdes.push.call(lpTag.sdes, {type: 'cart'});\n", encoding="utf-8")
    report = json.loads(cli("check", "--format", "json", "--min-severity", "info", path).output)
    assert [(f["rule"], f["pointer"], f["line"]) for f in report["findings"]] == [("not-checkable", "/0", 1), ("not-checkable", "/1", 2)]
    assert ".apply(...)" in report["findings"][0]["message"] and ".call(...)" in report["findings"][1]["message"]


@pytest.mark.parametrize(
    "head",
    [
        "=<a " * 100_000, "x=<a>{" * 50_000, "x=`" + "${`" * 50_000 + "`}" * 50_000 + "`;", "{" * 300_000, "(" * 300_000,
        ")}]>" * 100_000, 'if(x)/"/.test(s);' * 30_000, "x=<>" * 100_000, "x=<a>" + "<" * 300_000, "x=<A" + "<" * 300_000,
        "<!--" * 100_000 + "\n", "var s=lpTag.sdes;" + "{" * 100_000, "".join(f"var a{n}=lpTag.sdes;" for n in range(30_000)),
    ],
    ids=["unclosed-tags", "nested-containers", "nested-templates", "braces", "parens", "closers", "if-regexes", "fragments",
         "lt-in-children", "type-arguments", "html-comments", "alias-in-blocks", "many-aliases"],
)
def test_pathological_scripts_end_quickly_with_the_push_after_them_read(cli, tmp_path, head):
    started = time.monotonic()
    assert marks(cli, tmp_path, "a.tsx" if "<A<" in head else "a.jsx", head + push("p")) == ["p"]
    assert time.monotonic() - started < 30
