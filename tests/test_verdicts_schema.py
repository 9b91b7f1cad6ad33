"""The schema side of the verdicts (issue 10), through the CLI: legal payloads pass, single defects are caught.

Every case is the specification's repaired example (examples/conversation-response.json) with one
change, checked with an explicit ``--api-version`` and only the schema rules selected. The v1 base
is that example as v1 sends it: "authenticated engagement attributes only" (its unAuthSdes events
under sdes, no isAuthenticated) and "their attribute type will be alphanumeric" (every value a string).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

import validator
from conftest import to_v1
from validator.validate.compiled import ValidationFailed, shared_validators
from validator.validate.detailed import detailed_problems

SCHEMA_RULES = ("missing-field", "unknown-field", "wrong-type", "bad-value", "unknown-sde-type", "v1-alphanumeric", "v1-unauthenticated")
RECORD = "/conversationHistoryRecords/0"

Record = dict[str, Any]


def base(example: dict[str, Any], version: str) -> dict[str, Any]:
    document = copy.deepcopy(example)
    if version == "v1":
        record = document["conversationHistoryRecords"][0]
        record["sdes"]["events"] = to_v1(record["sdes"]["events"] + record.pop("unAuthSdes")["events"])
    return document


def find(record: Record, sde_type: str) -> tuple[str, dict[str, Any]]:
    """(pointer, event) of the last event of a type: in v2 the unAuthSdes one, which has every field."""
    found = None
    for section in ("sdes", "unAuthSdes"):
        for i, event in enumerate(record.get(section, {}).get("events", [])):
            if event["sdeType"] == sde_type:
                found = (f"{RECORD}/{section}/events/{i}", event)
    assert found, sde_type
    return found


def attrs(record: Record, sde_type: str, container: str, *inner: str) -> tuple[str, dict[str, Any]]:
    """(pointer, object) of a container, or of the object below it at ``inner``."""
    pointer, event = find(record, sde_type)
    node = event[container]
    for key in inner:
        node = node[key]
    return "/".join([pointer, container, *inner]), node


def customer_info(record: Record) -> tuple[str, dict[str, Any]]:
    return attrs(record, "CUSTOMER_INFO", "customerInfo", "customerInfo")


def personal_info(record: Record) -> tuple[str, dict[str, Any]]:
    return attrs(record, "PERSONAL_INFO", "personalInfo", "personalInfo")


def findings(cli, document: Any, version: str) -> list[tuple[str, str, str]]:
    """(rule, severity, pointer) of every schema finding of ``document`` checked as ``version``."""
    result = cli("check", "--format", "json", "--api-version", version, "--select", ",".join(SCHEMA_RULES), "-", input=json.dumps(document))
    report = json.loads(result.output)
    assert {entry["api_version"] for entry in report["files"]} == {version}
    return sorted((f["rule"], f["severity"], f["pointer"]) for f in report["findings"])


def change(document: dict[str, Any], edit: Callable[[Record], Any]) -> Any:
    """``edit`` applied to the document's record; what it returns (an expected pointer, or None)."""
    return edit(document["conversationHistoryRecords"][0])


def put(where: tuple[str, dict[str, Any]], key: str, value: Any) -> str:
    pointer, node = where
    node[key] = value
    return f"{pointer}/{key}"


# ---------------------------------------------------------------------------
# legal variations: no schema finding at all
# ---------------------------------------------------------------------------


def _v1_typed_as_text(record: Record) -> None:
    """The customerInfo table: balance "v1- alphanumeric, v2- double", companySize and loginStatus "v1- alphanumeric, v2- int"."""
    info = customer_info(record)[1]
    info.update(balance="400.99 USD", companySize="50-100", loginStatus="LOGGED_IN")


def _v1_any_text_in_typed_fields(record: Record) -> None:
    """v1: "their attribute type will be alphanumeric", whatever the type v2 gives the field."""
    attrs(record, "CART_STATUS", "cartStatus")[1].update(total="about 12", numItems="six")
    attrs(record, "SERVICE_ACTIVITY", "serviceActivity", "serviceActivity")[1]["status"] = "In Progress"
    attrs(record, "VISITOR_ERROR", "visitorError", "visitorError")[1].update(level="high", resolved="yes")
    customer_info(record)[1]["lastPaymentDate"] = {"year": "2014", "month": "October", "day": "15th"}


def _integer_timestamps(record: Record) -> None:
    """long - epoch time in milliseconds: an integer as well as a string of digits, in both versions."""
    pointer, event = find(record, "LEAD")
    event["serverTimeStamp"] = 1528628536882
    event["lead"]["serverTimeStamp"] = 1528628536882
    event["lead"]["originalTimeStamp"] = 1528628536000


def _v2_typed_values(record: Record) -> None:
    """v2: "their type will be the defined type for the engagement attribute in question"."""
    customer_info(record)[1].update(balance=-400.99, companySize=2222, loginStatus=1, lastPaymentDate={"year": 2014, "month": 10, "day": 15})
    attrs(record, "CART_STATUS", "cartStatus")[1].update(total=7.8, numItems=1)
    attrs(record, "VISITOR_ERROR", "visitorError", "visitorError")[1].update(level=2, resolved=False)
    attrs(record, "MARKETING_CAMPAIGN_INFO", "marketingCampaignInfo", "marketingCampaignInfo")[1]["originatingChannel"] = 1


def _customer_age(value: Any) -> Callable[[Record], None]:
    def edit(record: Record) -> None:
        """customerAge | Year of birth. For calculating age. | alphanumeric"""
        personal_info(record)[1]["customerAge"] = value

    return edit


def _record_nulls(record: Record) -> None:
    """What the API sends for what a conversation does not have: info.csatRate when no survey was answered."""
    record["info"].update(csatRate=None, latestAgentGroupId=None, device=None, agentDeleted=None)
    record["campaign"] = None
    record["conversationSurveys"] = None


def _attribute_nulls(record: Record) -> None:
    attrs(record, "VISITOR_ERROR", "visitorError", "visitorError")[1].update(level=None, resolved=None, contextId=None)
    attrs(record, "LEAD", "lead", "lead")[1]["currency"] = None
    customer_info(record)[1].update(balance=None, companySize=None, loginStatus=None, imei=None)
    personal_info(record)[1].update(language=None, customerAge=None)


def _sdes_without_events(record: Record) -> None:
    record["sdes"] = {}


def _unauth_sdes_without_events(record: Record) -> None:
    record["unAuthSdes"] = {}


def _no_original_timestamp(record: Record) -> None:
    """The older appendix has only serverTimeStamp."""
    for section in ("sdes", "unAuthSdes"):
        for event in record.get(section, {}).get("events", []):
            for value in event.values():
                if isinstance(value, dict):
                    value.pop("originalTimeStamp", None)


def _viewed_product_stock(record: Record) -> None:
    """viewedProduct table: statusInStock | alphanumeric, quantityInStock | int."""
    product = attrs(record, "VIEWED_PRODUCT", "viewedProduct")[1]["products"][0]["product"]
    product.update(statusInStock="low", quantityInStock="7")


def _personal_email_and_phone(record: Record) -> None:
    """personalInfo table rows: email | Visitor email. | alphanumeric, phone | Visitor phone number. | alphanumeric."""
    personal_info(record)[1].update(email="myname@example.com", phone="+1 212-788-8877")


def _long_value(record: Record) -> None:
    """All engagement attribute values are of unlimited length (up to 50K chars)."""
    attrs(record, "LEAD", "lead", "lead")[1]["topic"] = "x" * 50_000


def _unicode(record: Record) -> None:
    personal_info(record)[1].update(name="Zoë", surname="山田", company="Ünïcödé GmbH 😀")
    attrs(record, "SEARCH_CONTENT", "searchContent")[1]["keywords"] = ["café", "красная обувь", "😀"]


def _empty_arrays(record: Record) -> None:
    attrs(record, "CART_STATUS", "cartStatus")[1]["products"] = []
    attrs(record, "SEARCH_CONTENT", "searchContent")[1]["keywords"] = []
    personal_info(record)[1]["contacts"] = []
    record["messageRecords"] = []


LEGAL: list[tuple[str, tuple[str, ...], Callable[[Record], None]]] = [
    ("v1-balance-companySize-loginStatus-as-text", ("v1",), _v1_typed_as_text),
    ("v1-any-text-in-typed-fields", ("v1",), _v1_any_text_in_typed_fields),
    ("integer-timestamps", ("v1", "v2"), _integer_timestamps),
    ("v2-typed-values", ("v2",), _v2_typed_values),
    ("customerAge-34.0", ("v1", "v2"), _customer_age("34.0")),
    ("customerAge-1980-04-15", ("v1", "v2"), _customer_age("1980-04-15")),
    ("customerAge-year", ("v1", "v2"), _customer_age("1980")),
    (
        "customerAge-object",
        ("v1", "v2"),
        _customer_age({"customerAgeInYears": "34.0", "customerYearOfBirth": "1980", "customerMonthOfBirth": "4", "customerDateOfBirth": "15"}),
    ),
    ("v2-customerAge-integer-year", ("v2",), _customer_age(1980)),
    ("record-nulls", ("v1", "v2"), _record_nulls),
    ("attribute-nulls", ("v1", "v2"), _attribute_nulls),
    ("sdes-without-events", ("v1", "v2"), _sdes_without_events),
    ("unAuthSdes-without-events", ("v2",), _unauth_sdes_without_events),
    ("no-originalTimeStamp", ("v1", "v2"), _no_original_timestamp),
    ("viewedProduct-stock-fields", ("v1", "v2"), _viewed_product_stock),
    ("personalInfo-email-and-phone", ("v1", "v2"), _personal_email_and_phone),
    ("50000-character-value", ("v1", "v2"), _long_value),
    ("unicode", ("v1", "v2"), _unicode),
    ("empty-arrays", ("v1", "v2"), _empty_arrays),
]
LEGAL_CASES = [pytest.param(version, edit, id=f"{version}-{name}") for name, versions, edit in LEGAL for version in versions]


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_the_bases_are_legal(cli, example, version):
    assert findings(cli, base(example, version), version) == []


@pytest.mark.parametrize(("version", "edit"), LEGAL_CASES)
def test_legal_variation_has_no_schema_finding(cli, example, version, edit):
    document = base(example, version)
    change(document, edit)
    assert findings(cli, document, version) == []


def test_the_v1_base_is_taken_for_v1_without_asking(cli, example):
    result = cli("check", "--format", "json", "-", input=json.dumps(base(example, "v1")))
    report = json.loads(result.output)
    assert [entry["api_version"] for entry in report["files"]] == ["v1"]
    assert [f for f in report["findings"] if f["rule"] in SCHEMA_RULES] == []


# ---------------------------------------------------------------------------
# single-change defects: each its rule, at its pointer
# ---------------------------------------------------------------------------


def _v1_number(record: Record) -> str:
    """v1: a JSON number or boolean in a value is a v1-alphanumeric error."""
    return put(customer_info(record), "balance", 400.99)


def _v1_boolean(record: Record) -> str:
    return put(attrs(record, "VISITOR_ERROR", "visitorError", "visitorError"), "resolved", True)


def _v1_is_authenticated_on_event(record: Record) -> str:
    pointer, event = find(record, "CART_STATUS")
    event["isAuthenticated"] = True
    return f"{pointer}/isAuthenticated"


def _is_authenticated_in_container(sde_type: str, container: str) -> Callable[[Record], str]:
    def edit(record: Record) -> str:
        return put(attrs(record, sde_type, container), "isAuthenticated", False)

    return edit


def _v1_unauth_sdes(record: Record) -> str:
    record["unAuthSdes"] = {"events": []}
    return f"{RECORD}/unAuthSdes"


def _v2_text_in_a_double(record: Record) -> str:
    """v2 balance is a double: a numeric string is accepted (numeric-string notes it), other text is not."""
    return put(customer_info(record), "balance", "400.99 USD")


def _v2_text_in_an_int(record: Record) -> str:
    return put(customer_info(record), "companySize", "50-100")


def _v2_text_in_a_date_part(record: Record) -> str:
    """v2 date parts are the table's integers: digits are accepted (numeric-string notes them), a month name is not
    (v1 takes it: _v1_any_text_in_typed_fields). The README's version table says so."""
    pointer, info = customer_info(record)
    info["lastPaymentDate"] = {"year": "2014", "month": "October", "day": "15"}
    return f"{pointer}/lastPaymentDate/month"


def _v1_keywords_as_text(record: Record) -> str:
    """keywords is "array, alphanumeric": v1's alphanumeric types its items, not the array (the README says so)."""
    return put(attrs(record, "SEARCH_CONTENT", "searchContent"), "keywords", "word")


def _v2_boolean_in_a_double(record: Record) -> str:
    return put(attrs(record, "CART_STATUS", "cartStatus"), "total", True)


def _timestamp_text(record: Record) -> str:
    return put(attrs(record, "LEAD", "lead"), "serverTimeStamp", "yesterday")


def _cart_stock_status(record: Record) -> str:
    """statusInStock and quantityInStock are rows of the viewedProduct table only."""
    pointer, cart = attrs(record, "CART_STATUS", "cartStatus")
    return put((f"{pointer}/products/0/product", cart["products"][0]["product"]), "statusInStock", "low")


def _purchase_stock_quantity(record: Record) -> str:
    pointer, purchase = attrs(record, "PURCHASE", "purchase")
    purchase["cart"]["products"] = [{"quantity": "1", "product": {"name": "prod1"}}]
    return put((f"{pointer}/cart/products/0/product", purchase["cart"]["products"][0]["product"]), "quantityInStock", "7")


def _personal_typo(record: Record) -> str:
    return put(personal_info(record), "emial", "myname@example.com")


def _customer_age_array(record: Record) -> str:
    return put(personal_info(record), "customerAge", [])


def _csat_text(record: Record) -> str:
    record["info"]["csatRate"] = "five"
    return f"{RECORD}/info/csatRate"


def _events_not_a_list(record: Record) -> str:
    record["sdes"]["events"] = {}
    return f"{RECORD}/sdes/events"


def _no_sde_type(record: Record) -> str:
    pointer, event = find(record, "LEAD")
    del event["sdeType"]
    return pointer


DEFECTS: list[tuple[str, str, Callable[[Record], str], str, str]] = [
    ("number-in-a-value", "v1", _v1_number, "v1-alphanumeric", "error"),
    ("boolean-in-a-value", "v1", _v1_boolean, "v1-alphanumeric", "error"),
    ("isAuthenticated-on-an-event", "v1", _v1_is_authenticated_on_event, "v1-unauthenticated", "error"),
    ("isAuthenticated-in-customerInfo", "v1", _is_authenticated_in_container("CUSTOMER_INFO", "customerInfo"), "v1-unauthenticated", "error"),
    ("isAuthenticated-in-personalInfo", "v1", _is_authenticated_in_container("PERSONAL_INFO", "personalInfo"), "v1-unauthenticated", "error"),
    ("unAuthSdes", "v1", _v1_unauth_sdes, "v1-unauthenticated", "error"),
    ("keywords-as-text", "v1", _v1_keywords_as_text, "wrong-type", "error"),
    ("text-in-a-double", "v2", _v2_text_in_a_double, "bad-value", "error"),
    ("text-in-an-int", "v2", _v2_text_in_an_int, "bad-value", "error"),
    ("text-in-a-date-part", "v2", _v2_text_in_a_date_part, "bad-value", "error"),
    ("boolean-in-a-double", "v2", _v2_boolean_in_a_double, "wrong-type", "error"),
    ("isAuthenticated-in-cartStatus", "v2", _is_authenticated_in_container("CART_STATUS", "cartStatus"), "unknown-field", "warning"),
]
for _version in ("v1", "v2"):
    DEFECTS += [
        ("timestamp-text", _version, _timestamp_text, "bad-value", "error"),
        ("cart-product-statusInStock", _version, _cart_stock_status, "unknown-field", "warning"),
        ("purchase-product-quantityInStock", _version, _purchase_stock_quantity, "unknown-field", "warning"),
        ("personalInfo-typo", _version, _personal_typo, "unknown-field", "warning"),
        ("customerAge-array", _version, _customer_age_array, "wrong-type", "error"),
        ("csatRate-text", _version, _csat_text, "wrong-type", "error"),
        ("events-not-a-list", _version, _events_not_a_list, "wrong-type", "error"),
        ("no-sdeType", _version, _no_sde_type, "missing-field", "error"),
    ]
DEFECT_CASES = [pytest.param(version, edit, rule, severity, id=f"{version}-{name}") for name, version, edit, rule, severity in DEFECTS]


@pytest.mark.parametrize(("version", "edit", "rule", "severity"), DEFECT_CASES)
def test_single_defect_is_its_rule(cli, example, version, edit, rule, severity):
    document = base(example, version)
    pointer = change(document, edit)
    assert findings(cli, document, version) == [(rule, severity, pointer)]


@pytest.mark.parametrize(("member", "edit"), [("isAuthenticated", _v1_is_authenticated_on_event), ("unAuthSdes", _v1_unauth_sdes)])
def test_v1_messages_name_the_v2_member(cli, example, member, edit):
    document = base(example, "v1")
    change(document, edit)
    result = cli("check", "--format", "json", "--api-version", "v1", "--select", "v1-unauthenticated", "-", input=json.dumps(document))
    (finding,) = json.loads(result.output)["findings"]
    assert finding["message"].startswith("API v1 returns authenticated engagement attributes only") and member in finding["message"]


# ---------------------------------------------------------------------------
# a JSON array of whole responses: the response-list schema (detect/walk do not use it yet)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_response_list_schema_checks_every_responses_events(example, version):
    clean = [base(example, version), base(example, version)]
    fast = shared_validators().get(version, "response-list", frozenset())
    fast(clean)
    assert detailed_problems(version, "response-list", clean, "") == []
    broken = copy.deepcopy(clean)
    pointer = change(broken[1], _timestamp_text)
    with pytest.raises(ValidationFailed):
        fast(broken)
    assert [(p.rule, p.pointer) for p in detailed_problems(version, "response-list", broken, "")] == [("bad-value", f"/1{pointer}")]
    assert [(p.rule, p.pointer) for p in detailed_problems(version, "response-list", [{"_metadata": {}}], "")] == [("missing-field", "/0")]


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_contacts_as_text_is_legal_as_the_table_types_it(version):
    """personalInfo's table: contacts "Container of personalContact | alphanumeric". The examples send the array;
    text is accepted too (as customerAge's "alphanumeric" is), and a number still is not."""
    def event(contacts):
        return {"personalInfo": {"serverTimeStamp": "1528628536880", "personalInfo": {"name": "Ada", "contacts": contacts}},
                "sdeType": "PERSONAL_INFO", "serverTimeStamp": "1528628536880"}

    assert validator.lint(event("ada@example.com; +1 212 788 8877"), api_version=version) == []
    assert validator.lint(event([{"personalContact": {"email": "ada@example.com"}}]), api_version=version) == []
    assert [f.rule for f in validator.lint(event(7), api_version=version) if f.severity == "error"] in (["wrong-type"], ["v1-alphanumeric"])
