"""Single values in one field of an otherwise valid event, through the CLI: one defect, one finding, said plainly.

Each case puts one value, written as raw JSON text, into a field of an event of the specification's example
(examples/conversation-response.json) and checks the findings at that field with ``--min-severity info``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

STAMP = "1528628536880"
ORIGINAL = "1528628536000"
VALUE = '"__VALUE__"'


def _record(event: dict[str, Any], section: str) -> str:
    if section == "unAuthSdes":
        event = {**event, "isAuthenticated": False}
    return json.dumps({"conversationHistoryRecords": [{"info": {"conversationId": "c"}, section: {"events": [event]}}]}, indent=1)


def _double(key: str, sde_type: str, inner: dict[str, Any], **outer: Any) -> dict[str, Any]:
    container = {"serverTimeStamp": STAMP, "originalTimeStamp": ORIGINAL, key: inner, **outer}
    return {key: container, "sdeType": sde_type, "serverTimeStamp": STAMP}


# (field, the event holding "__VALUE__" there, the pointer of the value below the event)
FIELDS = {
    "int": (_double("customerInfo", "CUSTOMER_INFO", {"customerId": "c1", "companySize": "__VALUE__"}), "customerInfo/customerInfo/companySize"),
    "long": (_double("visitorError", "VISITOR_ERROR", {"code": "c", "level": "__VALUE__"}), "visitorError/visitorError/level"),
    "timestamp": (
        {"lead": {"serverTimeStamp": STAMP, "originalTimeStamp": "__VALUE__", "lead": {"topic": "t"}}, "sdeType": "LEAD", "serverTimeStamp": STAMP},
        "lead/originalTimeStamp",
    ),
    "date part": (
        _double("customerInfo", "CUSTOMER_INFO", {"lastPaymentDate": {"year": "__VALUE__", "month": "10", "day": "15"}}),
        "customerInfo/customerInfo/lastPaymentDate/year",
    ),
}


def _findings(cli, tmp_path, field: str, raw: str, api_version: str, section: str = "sdes") -> list[dict[str, Any]]:
    event, _ = FIELDS[field]
    text = _record(event, section)
    assert text.count(VALUE) == 1
    path = tmp_path / "one.json"
    path.write_text(text.replace(VALUE, raw), encoding="utf-8")
    result = cli("check", "--format", "json", "--min-severity", "info", "--api-version", api_version, path)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)["findings"]


def _at(findings: list[dict[str, Any]], field: str, section: str = "sdes") -> list[str]:
    pointer = f"/conversationHistoryRecords/0/{section}/events/0/{FIELDS[field][1]}"
    return sorted(f["rule"] for f in findings if f["pointer"] == pointer)


@pytest.mark.parametrize("api_version", ["v1", "v2", "auto"])
@pytest.mark.parametrize("field", ["int", "long", "timestamp", "date part"])
def test_a_number_no_double_holds_in_an_integer_field_is_one_syntax_error(cli, tmp_path, field, api_version):
    """The number 1e400 in an int, long, timestamp or date part was a syntax-error (out of range) and a wrong-type
    ("found number Infinity") at the same place: an integer past the type's range is one defect, which the parse
    names as written; a finite one (2147483648) is the range's one bad-value. v1 types int and long as text, so
    there the number is v1-alphanumeric as well (any number is), as in an alphanumeric field."""
    found = _at(_findings(cli, tmp_path, field, "1e400", api_version), field)
    if api_version == "v1" and field in ("int", "long"):
        assert found == ["syntax-error", "v1-alphanumeric"]
    else:
        assert found == ["syntax-error"]


CODED = {
    "status": (_double("serviceActivity", "SERVICE_ACTIVITY", {"topic": "t", "status": "__VALUE__"}), "serviceActivity/serviceActivity/status"),
    "gender": (_double("personalInfo", "PERSONAL_INFO", {"name": "J", "gender": "__VALUE__"}), "personalInfo/personalInfo/gender"),
}


@pytest.mark.parametrize("api_version", ["v1", "v2"])
@pytest.mark.parametrize("field", ["status", "gender"])
def test_code_list_does_not_read_a_number_no_double_holds(cli, tmp_path, field, api_version, monkeypatch):
    """code-list said "status inf is not one of the documented codes" beside the parse's syntax-error for 1e400: a value
    nobody wrote, and the same defect again (v1's gender and status and v2's gender take numbers to the rule)."""
    monkeypatch.setitem(FIELDS, field, CODED[field])
    found = _at(_findings(cli, tmp_path, field, "1e400", api_version), field)
    assert "code-list" not in found and "syntax-error" in found
    assert _at(_findings(cli, tmp_path, field, "99", api_version), field)[0] == "code-list"  # a finite code off the list still is


@pytest.mark.parametrize("api_version", ["v1", "v2"])
def test_a_signed_timestamp_text_is_one_bad_value_for_every_timestamp_rule(cli, tmp_path, api_version):
    """"+12" is the timestamp schema's bad-value (digits, a minus at most), and timestamp-range leaves it alone; but
    timestamp-mismatch read an event's "+12" as 12 ms ("event serverTimeStamp 12 differs ...") and timestamp-order a
    container's "+1528638540000" as a creation after processing, each at the bad-value's own place."""
    event = {"lead": {"serverTimeStamp": STAMP, "originalTimeStamp": ORIGINAL, "lead": {"topic": "t"}}, "sdeType": "LEAD", "serverTimeStamp": "+12"}
    path = tmp_path / "signed.json"
    path.write_text(_record(event, "sdes"), encoding="utf-8")
    found = json.loads(cli("check", "--format", "json", "--api-version", api_version, path).output)["findings"]
    assert [(f["rule"], f["pointer"]) for f in found] == [("bad-value", "/conversationHistoryRecords/0/sdes/events/0/serverTimeStamp")]
    event = {"lead": {"serverTimeStamp": STAMP, "originalTimeStamp": "+1528638540000", "lead": {"topic": "t"}}, "sdeType": "LEAD", "serverTimeStamp": STAMP}
    path.write_text(_record(event, "sdes"), encoding="utf-8")
    found = json.loads(cli("check", "--format", "json", "--api-version", api_version, path).output)["findings"]
    assert [(f["rule"], f["pointer"]) for f in found] == [("bad-value", "/conversationHistoryRecords/0/sdes/events/0/lead/originalTimeStamp")]
    # attribution-window read it too, at the same place: an event of 2018 in a conversation of 2016
    event = {"lead": {"serverTimeStamp": STAMP, "originalTimeStamp": ORIGINAL, "lead": {"topic": "t"}}, "sdeType": "LEAD", "serverTimeStamp": f"+{STAMP}"}
    record = {"info": {"conversationId": "c", "startTimeL": 1472481024565, "endTimeL": 1472483759225}, "sdes": {"events": [event]}}
    path.write_text(json.dumps({"conversationHistoryRecords": [record]}), encoding="utf-8")
    found = json.loads(cli("check", "--format", "json", "--api-version", api_version, path).output)["findings"]
    assert [(f["rule"], f["pointer"]) for f in found] == [("bad-value", "/conversationHistoryRecords/0/sdes/events/0/serverTimeStamp")]


@pytest.mark.parametrize("raw", ["2147483648", '"2147483648"', "9223372036854775808"])
@pytest.mark.parametrize("part", ["lastPaymentDate/year", "lastPaymentDate/day", "customerAge/customerYearOfBirth"])
def test_a_date_part_past_an_int_is_one_bad_value_in_v2(cli, tmp_path, part, raw, monkeypatch):
    """v2 types a date part int: 2147483648 there is the schema's bad-value ("out of its range"), and calendar-date said
    the same defect again one level up ("... is not a calendar date (a part is out of range)"). In v1, which takes any
    integer there, it is calendar-date's alone."""
    field, member = part.split("/")
    inner = {"lastPaymentDate": {"year": "2014", "month": "10", "day": "15"}, "customerAge": {"customerYearOfBirth": "1980"}}[field]
    key, sde_type = ("customerInfo", "CUSTOMER_INFO") if field == "lastPaymentDate" else ("personalInfo", "PERSONAL_INFO")
    event = _double(key, sde_type, {field: {**inner, member: "__VALUE__"}})
    monkeypatch.setitem(FIELDS, "part", (event, f"{key}/{key}/{part}"))
    errors = {
        version: [(f["rule"], f["pointer"].rsplit("/", 2)[-2:]) for f in _findings(cli, tmp_path, "part", raw, version) if f["severity"] == "error"]
        for version in ("v1", "v2")
    }
    assert errors["v2"] == [("bad-value", part.split("/"))]
    assert errors["v1"] == [("calendar-date", [key, field])] + ([("v1-alphanumeric", part.split("/"))] if field == "customerAge" and raw[0] != '"' else [])


QUOTED = {
    "currency": (
        {"lead": {"serverTimeStamp": STAMP, "originalTimeStamp": ORIGINAL, "lead": {"topic": "t", "currency": "__VALUE__"}}, "sdeType": "LEAD", "serverTimeStamp": STAMP},
        "lead/lead/currency", "currency-code", "",
    ),
    "status": (*CODED["status"], "code-list", "status "),
    "gender": (*CODED["gender"], "code-list", "gender "),
    "language": (_double("personalInfo", "PERSONAL_INFO", {"language": "__VALUE__"}), "personalInfo/personalInfo/language", "code-list", "language "),
    "email": (
        _double("personalInfo", "PERSONAL_INFO", {"contacts": [{"personalContact": {"email": "__VALUE__"}}]}),
        "personalInfo/personalInfo/contacts/0/personalContact/email", "contact-format", "",
    ),
}


@pytest.mark.parametrize("field", list(QUOTED))
def test_a_long_value_is_quoted_cut_short_with_its_own_length(cli, tmp_path, field, monkeypatch):
    """A 60,000-character currency was quoted whole in currency-code's message (60,000 characters of report per
    finding); code-list and contact-format cut the repr, which lost its closing quote and counted the quotes
    ("(60002 characters)" for 60,000). Quoted now as custom rules quote a {value}: 40 characters, then the length."""
    event, pointer, rule, before = QUOTED[field]
    monkeypatch.setitem(FIELDS, field, (event, pointer))
    found = [f for f in _findings(cli, tmp_path, field, json.dumps("a" * 60000), "v1") if f["rule"] == rule]
    assert len(found) == 1
    assert found[0]["message"].startswith(f"{before}'{'a' * 40}…' (60000 characters) ")


@pytest.mark.parametrize(("raw", "numeric"), [('"840"', True), ('"12"', False), ('"2147483648"', False)])
def test_only_three_digits_are_called_a_numeric_currency_code(cli, tmp_path, raw, numeric, monkeypatch):
    """ISO 4217's numeric codes have three digits (840 is USD): '12' and '2147483648' were told "currency takes the
    three letters (USD), not ISO 4217's numeric code", as if they were one."""
    event, pointer, _, _ = QUOTED["currency"]
    monkeypatch.setitem(FIELDS, "currency", (event, pointer))
    [message] = [f["message"] for f in _findings(cli, tmp_path, "currency", raw, "v1") if f["rule"] == "currency-code"]
    assert ("ISO 4217's numeric code" in message) is numeric
    assert message.startswith(f"{raw.replace(chr(34), chr(39))} is not an ISO 4217 ")


@pytest.mark.parametrize("outer", ["12", "0", "-1", "1528628536", "1528628536880000", 1528628536])
def test_timestamp_mismatch_leaves_a_time_that_is_no_epoch_milliseconds_to_timestamp_range(cli, tmp_path, outer):
    """An event serverTimeStamp of 12, 0, or in seconds, got timestamp-range's "implausible" and, at the same place,
    timestamp-mismatch's "differs from its lead.serverTimeStamp 1528628536880 by 17692d": one defect, two warnings,
    which timestamp-order already avoids. Both in milliseconds, a difference is still reported."""
    event = {"lead": {"serverTimeStamp": STAMP, "originalTimeStamp": ORIGINAL, "lead": {"topic": "t"}}, "sdeType": "LEAD", "serverTimeStamp": outer}
    path = tmp_path / "outer.json"
    path.write_text(_record(event, "sdes"), encoding="utf-8")
    found = json.loads(cli("check", "--format", "json", path).output)["findings"]
    assert [(f["rule"], f["pointer"]) for f in found] == [("timestamp-range", "/conversationHistoryRecords/0/sdes/events/0/serverTimeStamp")]
    event["serverTimeStamp"] = "1528628546880"
    path.write_text(_record(event, "sdes"), encoding="utf-8")
    found = json.loads(cli("check", "--format", "json", path).output)["findings"]
    assert [f["rule"] for f in found] == ["timestamp-mismatch"]
