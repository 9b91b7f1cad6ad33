"""Rows of the field tables of engagement-attributes.md, checked value by value where an audit found the tool
disagreeing with them (the audit script generated every row; these are its regressions)."""

from __future__ import annotations

import pytest

import validator

TS = "1528628536880"


def customer_info(**attrs):
    return {
        "conversationHistoryRecords": [{"sdes": {"events": [{
            "customerInfo": {"serverTimeStamp": TS, "originalTimeStamp": TS, "customerInfo": attrs},
            "sdeType": "CUSTOMER_INFO", "serverTimeStamp": TS,
        }]}}],
    }


def errors(doc, version):
    return [(f.rule, f.pointer) for f in validator.lint_object(doc, api_version=version) if f.severity == "error"]


DATE = "/conversationHistoryRecords/0/sdes/events/0/customerInfo/customerInfo/"


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize("field", ["lastPaymentDate", "registrationDate"])
@pytest.mark.parametrize("date", [{"year": 2011, "month": 3, "day": 21}, {"year": "2011", "month": "3", "day": "21"}], ids=["table", "text"])
def test_the_tables_date_is_legal_in_both_versions(version, field, date):
    """customerInfo: lastPaymentDate | "This consists of 3 integer fields: Year, month, and day." |
    JSON: { "year": 2011, "month": 3, "day": 21} -- no "v1- alphanumeric" split as balance, companySize and
    loginStatus have, so the table's own value is a v1 value too."""
    assert errors(customer_info(**{field: date}), version) == []


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ({"year": 2011, "month": 3.5, "day": 21}, ("wrong-type", "lastPaymentDate/month")),
        ({"year": 2011, "month": True, "day": 21}, ("wrong-type", "lastPaymentDate/month")),
        ({"year": 2011, "month": 13, "day": 1}, ("calendar-date", "lastPaymentDate")),
        ("2011-03-21", ("wrong-type", "lastPaymentDate")),
    ],
    ids=["fraction", "boolean", "month-13", "text"],
)
def test_a_date_that_is_not_three_integers_is_still_an_error(version, date, expected):
    rule, where = expected
    assert errors(customer_info(lastPaymentDate=date), version) == [(rule, DATE + where)]
