"""Single values in one field of an otherwise valid Engagement History or web-side payload, through the CLI.

As tests/test_single_values.py does for Messaging Interactions: one value, written as raw JSON (or JavaScript) text,
in one field; the findings at that field with ``--min-severity info``, with the profile named and detected alike.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

STAMP = "1440412721832"
VALUE = '"__VALUE__"'


def _eh(key: str, body: dict[str, Any]) -> dict[str, Any]:
    event = {"serverTimeStamp": STAMP, key: {"serverTimeStamp": STAMP, **body}}
    return {"interactionHistoryRecords": [{"info": {"engagementId": "1"}, "sdes": {"events": [event]}}]}


EH_EVENT = "/interactionHistoryRecords/0/sdes/events/0"

# (profile, document holding "__VALUE__", the value's pointer)
FIELDS = {
    "eh currency": ("engagement-history", _eh("lead", {"lead": {"topic": "t", "currency": "__VALUE__"}}), f"{EH_EVENT}/lead/lead/currency"),
    "eh language": ("engagement-history", _eh("personalInfo", {"name": "A", "language": "__VALUE__"}), f"{EH_EVENT}/personalInfo/language"),
    "eh phoneType": (
        "engagement-history",
        _eh("personalInfo", {"name": "A", "contacts": [{"personalContact": {"phoneType": "__VALUE__"}}]}),
        f"{EH_EVENT}/personalInfo/contacts/0/personalContact/phoneType",
    ),
    "web phoneType": ("web", {"type": "personal", "personal": {"firstname": "A", "contacts": [{"phoneType": "__VALUE__"}]}}, "/personal/contacts/0/phoneType"),
    "web language": ("web", {"type": "personal", "personal": {"firstname": "A", "language": "__VALUE__"}}, "/personal/language"),
}


def _found(cli, tmp_path, field: str, raw: str) -> dict[str, list[tuple[str, str]]]:
    """(rule, message) of the findings at the field, per way of choosing the profile."""
    profile, document, pointer = FIELDS[field]
    text = json.dumps(document)
    assert text.count(VALUE) == 1
    path = tmp_path / "one.json"
    path.write_text(text.replace(VALUE, raw), encoding="utf-8")
    found = {}
    for how in ([], ["--profile", profile]):
        result = cli("check", "--format", "json", "--min-severity", "info", *how, path)
        assert result.exit_code in (0, 1), result.output
        report = json.loads(result.output)
        assert report["files"][0]["profile"] == profile
        found[" ".join(how) or "auto"] = sorted((f["rule"], f["message"]) for f in report["findings"] if f["pointer"] == pointer)
    assert found["auto"] == found[f"--profile {profile}"]
    return found["auto"]


@pytest.mark.parametrize("field", ["eh currency", "eh language"])
def test_a_number_no_double_holds_in_an_engagement_history_text_field_is_one_syntax_error(cli, tmp_path, field):
    """Engagement History takes a number for text (socialId 4444), so currency-code judged numbers there, and read
    1e400 as "Infinity is not an ISO 4217 currency code" beside the parse's syntax-error: a value nobody wrote, and the
    same defect again."""
    assert [rule for rule, _ in _found(cli, tmp_path, field, "1e400")] == ["syntax-error"]


@pytest.mark.parametrize("raw", ["34", "34.0", "-1", "2147483648"])
def test_a_number_as_an_engagement_history_language_is_no_language(cli, tmp_path, raw):
    """Engagement History's text takes a number (socialId 4444), and currency-code and the code lists of gender and
    phoneType judge one there; the language check read text only, so language 34 passed with no finding at all."""
    [(rule, message)] = _found(cli, tmp_path, "eh language", raw)
    assert rule == "code-list"
    assert message.startswith(f"language {raw} is neither a language tag")
    assert _found(cli, tmp_path, "eh language", '"en-US"') == []
    assert [rule for rule, _ in _found(cli, tmp_path, "eh phoneType", raw)] == ["code-list"]  # as phoneType's


@pytest.mark.parametrize("raw", ["34", "34.0", "-1", "2147483648"])
@pytest.mark.parametrize("field", ["web phoneType", "web language"])
def test_a_number_in_a_web_text_field_with_a_code_list_is_one_wrong_type(cli, tmp_path, field, raw):
    """The web side types phoneType and language as text: a number there is the schema's wrong-type. code-list said
    "phoneType 34 is not one of the documented codes" too, at the same place (the language check already left it)."""
    assert [rule for rule, _ in _found(cli, tmp_path, field, raw)] == ["wrong-type"]
    assert [rule for rule, _ in _found(cli, tmp_path, field, '"x"')] == ["code-list"]


@pytest.mark.parametrize(
    ("push", "pointer"),
    [
        ("{type: 'lead', lead: {topic: 't', value: 1e400}}", "/0/lead/value"),
        ("{type: 'ctmrinfo', info: {companySize: -1e400}}", "/0/info/companySize"),
        ("{type: 'error', error: {level: 1e400}}", "/0/error/level"),
        ("[{type: 'personal', personal: {age: {age: (1e400)}}}]", "/0/0/personal/age/age"),
    ],
)
def test_a_javascript_number_no_double_holds_is_one_finding_at_its_place(cli, tmp_path, push, pointer):
    """1e400 is valid JavaScript, which reads it as Infinity; the schema leaves a non-finite number to the parse (in a
    JSON file its syntax-error), and the JavaScript parse said nothing: a double, int or long of 1e400 pushed in a
    .js file passed with no finding."""
    path = tmp_path / "page.js"
    path.write_text(f"lpTag.sdes = lpTag.sdes || [];\nlpTag.sdes.push({push});\n", encoding="utf-8")
    result = cli("check", "--format", "json", "--min-severity", "info", path)
    found = [(f["rule"], f["pointer"], f["line"], f["column"]) for f in json.loads(result.output)["findings"]]
    literal = "-1e400" if "-1e400" in push else "1e400"
    assert found == [("bad-value", pointer, 2, len("lpTag.sdes.push(") + push.index(literal) + 1)]
    message = json.loads(result.output)["findings"][0]["message"]
    assert message.startswith(f"number {literal} is out of range") and ("-Infinity" in message) is literal.startswith("-")


def test_a_number_no_double_holds_in_a_broken_javascript_argument_is_not_reported_twice(cli, tmp_path):
    """An argument that is not valid JavaScript is one syntax-error: its numbers are not read."""
    path = tmp_path / "page.js"
    path.write_text("lpTag.sdes.push({type: 'lead', lead: {value: 1e400 x}});\n", encoding="utf-8")
    found = json.loads(cli("check", "--format", "json", "--min-severity", "info", path).output)["findings"]
    assert [f["rule"] for f in found] == ["syntax-error"]


def test_an_unknown_type_in_lp_sdes_is_one_finding_and_a_known_one_outside_the_flow_its_own(cli, tmp_path):
    """The authenticated flow (lp_sdes) takes ctmrinfo and personal only. A type no web page knows ("nope") was told
    twice at its place, by the list of every type and by the flow's two; the flow's says only what the list does not:
    a known type the flow does not take ("cart")."""
    path = tmp_path / "claims.json"
    path.write_text(json.dumps({"lp_sdes": [{"type": "nope", "info": {}}, {"type": "cart", "total": 1, "numItems": 1}]}))
    found = json.loads(cli("check", "--profile", "web", "--format", "json", path).output)["findings"]
    unknown = [f for f in found if f["pointer"] == "/lp_sdes/0/type"]
    assert [f["rule"] for f in unknown] == ["bad-value"] and "'cart'" in unknown[0]["message"]
    known = [f for f in found if f["pointer"] == "/lp_sdes/1/type"]
    assert [f["rule"] for f in known] == ["bad-value"] and "authenticated flow supports no other type" in known[0]["message"]
