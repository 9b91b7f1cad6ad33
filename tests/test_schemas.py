"""The schemas of the ten attribute types, API v1 and v2, through ``validator.lint``.

Valid events are built from the specification example's events (v2 typed, v1 all strings);
each invalid variant asserts the exact rule and JSON Pointer of what it produces. Also the
spec example, the container shapes sdelint accepts, and API version detection.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

import validator
from conftest import to_v1
from validator.linter import Linter

SCHEMA_RULES = ("missing-field", "unknown-field", "wrong-type", "bad-value", "unknown-sde-type", "v1-alphanumeric")
VERSIONS = ("v1", "v2")

T = 1528628536882  # serverTimeStamp (processing)
O = 1528628536000  # noqa: E741 - originalTimeStamp (creation), before processing; one letter like T for the event tables

# ---------------------------------------------------------------------------
# valid events: the spec example's events, with typed values (v2) and made self-consistent
# (timestamps in order, cart arithmetic adding up) so that no rule at all fires on them
# ---------------------------------------------------------------------------

V2_EVENTS: dict[str, dict[str, Any]] = {
    "customerInfo": {
        "customerInfo": {
            "serverTimeStamp": T,
            "originalTimeStamp": O,
            "isAuthenticated": False,
            "customerInfo": {
                "customerStatus": "cancelled",
                "customerType": "vip",
                "balance": -400.99,
                "currency": "USD",
                "customerId": "customerId",
                "socialId": "socialid",
                "imei": "imeiID",
                "userName": "username",
                "accountName": "nameacount",
                "role": "rollleeee",
                "companyBranch": "companyBranch",
                "storeNumber": "storeNumber13123",
                "storeZipCode": "2342221",
                "lastPaymentDate": {"year": 2014, "month": 10, "day": 15},
                "registrationDate": {"year": 2013, "month": 5, "day": 23},
                "companySize": 2222,
                "loginStatus": 1,
            },
        },
        "serverTimeStamp": T,
        "sdeType": "CUSTOMER_INFO",
        "isAuthenticated": False,
    },
    "personalInfo": {
        "personalInfo": {
            "serverTimeStamp": T,
            "originalTimeStamp": O,
            "isAuthenticated": False,
            "personalInfo": {
                "name": "John",
                "surname": "Doe",
                "gender": "MALE",
                "company": "company",
                "language": "Russian",
                # the spec's example says 34.0, which age-consistency reports: 38 on 2018-06-10 for someone born 1980-04-15
                "customerAge": {"customerAgeInYears": 38.0, "customerYearOfBirth": 1980, "customerMonthOfBirth": 4, "customerDateOfBirth": 15},
                "contacts": [{"personalContact": {"email": "myname@example.com", "phone": "+1 212-788-8877"}}],
            },
        },
        "serverTimeStamp": T,
        "sdeType": "PERSONAL_INFO",
        "isAuthenticated": False,
    },
    "cartStatus": {
        "cartStatus": {
            "serverTimeStamp": T,
            "originalTimeStamp": O,
            "total": 15.5,
            "currency": "USD",
            "numItems": 2,
            "products": [
                {"quantity": 2, "product": {"name": "prod1", "category": "category", "sku": "sku", "price": 7.75}}
            ],
        },
        "serverTimeStamp": T,
        "sdeType": "CART_STATUS",
        "isAuthenticated": False,
    },
    "purchase": {
        "purchase": {
            "total": 78.0,
            "currency": "USD",
            "serverTimeStamp": T,
            "originalTimeStamp": O,
            "cart": {
                "total": 78.0,
                "currency": "USD",
                "serverTimeStamp": T,
                "originalTimeStamp": O,
                "numItems": 1,
                "products": [{"quantity": 1, "product": {"name": "test drive", "category": "cars", "sku": "xyz123", "price": 78.0}}],
            },
            "orderId": "Test123",
        },
        "serverTimeStamp": T,
        "sdeType": "PURCHASE",
        "isAuthenticated": False,
    },
    "marketingCampaignInfo": {
        "marketingCampaignInfo": {
            "serverTimeStamp": T,
            "originalTimeStamp": O,
            "marketingCampaignInfo": {"originatingChannel": 1, "affiliate": "Yahoo", "campaignId": "US coupon campaign"},
        },
        "serverTimeStamp": T,
        "sdeType": "MARKETING_CAMPAIGN_INFO",
        "isAuthenticated": False,
    },
    "searchContent": {
        "searchContent": {"serverTimeStamp": T, "originalTimeStamp": O, "keywords": ["word", "other word"]},
        "serverTimeStamp": T,
        "sdeType": "SEARCH_CONTENT",
        "isAuthenticated": False,
    },
    "viewedProduct": {
        "viewedProduct": {
            "serverTimeStamp": T,
            "originalTimeStamp": O,
            "products": [
                {"quantity": 3, "product": {"name": "red high heel shoe", "category": "women shoes", "sku": "xyz567", "price": 77.8, "statusInStock": "available", "quantityInStock": 12}}
            ],
            "currency": "USD",
        },
        "serverTimeStamp": T,
        "sdeType": "VIEWED_PRODUCT",
        "isAuthenticated": False,
    },
    "visitorError": {
        "visitorError": {
            "serverTimeStamp": T,
            "originalTimeStamp": O,
            "visitorError": {"contextId": "contextId", "message": "Expiration date missing", "code": "er100004", "level": 2, "resolved": True},
        },
        "serverTimeStamp": T,
        "sdeType": "VISITOR_ERROR",
        "isAuthenticated": False,
    },
    "lead": {
        "lead": {
            "lead": {"topic": "luxury car test drive 2015", "value": 22.22, "currency": "USD", "leadId": "xyz123"},
            "serverTimeStamp": T,
            "originalTimeStamp": O,
        },
        "serverTimeStamp": T,
        "sdeType": "LEAD",
        "isAuthenticated": False,
    },
    "serviceActivity": {
        "serviceActivity": {
            "serverTimeStamp": T,
            "originalTimeStamp": O,
            "serviceActivity": {"topic": "order checkbook", "status": 0, "category": "finance", "serviceId": "service12"},
        },
        "serverTimeStamp": T,
        "sdeType": "SERVICE_ACTIVITY",
        "isAuthenticated": False,
    },
}
TYPES = tuple(V2_EVENTS)
DOUBLE_NESTED = ("customerInfo", "personalInfo", "marketingCampaignInfo", "visitorError", "lead", "serviceActivity")
FLAT = ("cartStatus", "purchase", "searchContent", "viewedProduct")


def valid_event(name: str, version: str) -> dict[str, Any]:
    event = copy.deepcopy(V2_EVENTS[name])
    return to_v1(event) if version == "v1" else event


# Per type: a field typed as a number (double/int/long/timestamp), an alphanumeric field,
# the attribute object, and an unknown member with the documented name it should suggest.
FIELDS: dict[str, dict[str, Any]] = {
    "customerInfo": {"kind": "double", "numeric": ("customerInfo", "customerInfo", "balance"), "text": ("customerInfo", "customerInfo", "customerId"), "attrs": ("customerInfo", "customerInfo"), "typo": ("customerID", "customerId")},
    "personalInfo": {"kind": "double", "numeric": ("personalInfo", "personalInfo", "customerAge", "customerAgeInYears"), "text": ("personalInfo", "personalInfo", "name"), "attrs": ("personalInfo", "personalInfo"), "typo": ("surName", "surname")},
    "cartStatus": {"kind": "int", "numeric": ("cartStatus", "numItems"), "text": ("cartStatus", "currency"), "attrs": ("cartStatus",), "typo": ("Currency", "currency")},
    "purchase": {"kind": "double", "numeric": ("purchase", "cart", "products", 0, "product", "price"), "text": ("purchase", "orderId"), "attrs": ("purchase",), "typo": ("orderID", "orderId")},
    "marketingCampaignInfo": {"kind": "int", "numeric": ("marketingCampaignInfo", "marketingCampaignInfo", "originatingChannel"), "text": ("marketingCampaignInfo", "marketingCampaignInfo", "affiliate"), "attrs": ("marketingCampaignInfo", "marketingCampaignInfo"), "typo": ("campaignID", "campaignId")},
    "searchContent": {"kind": "timestamp", "numeric": ("searchContent", "originalTimeStamp"), "text": ("searchContent", "keywords", 1), "attrs": ("searchContent",), "typo": ("keyword", "keywords")},
    "viewedProduct": {"kind": "int", "numeric": ("viewedProduct", "products", 0, "quantity"), "text": ("viewedProduct", "products", 0, "product", "sku"), "attrs": ("viewedProduct",), "typo": ("product", "products")},
    "visitorError": {"kind": "int", "numeric": ("visitorError", "visitorError", "level"), "text": ("visitorError", "visitorError", "code"), "attrs": ("visitorError", "visitorError"), "typo": ("Message", "message")},
    "lead": {"kind": "double", "numeric": ("lead", "lead", "value"), "text": ("lead", "lead", "topic"), "attrs": ("lead", "lead"), "typo": ("leadID", "leadId")},
    "serviceActivity": {"kind": "int", "numeric": ("serviceActivity", "serviceActivity", "status"), "text": ("serviceActivity", "serviceActivity", "topic"), "attrs": ("serviceActivity", "serviceActivity"), "typo": ("serviceID", "serviceId")},
}

TYPE_VERSIONS = [pytest.param(name, version, id=f"{version}-{name}") for name in TYPES for version in VERSIONS]


def pointer(path: tuple) -> str:
    return "".join(f"/{p}" for p in path)


def get(obj: Any, path: tuple) -> Any:
    for step in path:
        obj = obj[step]
    return obj


def put(obj: Any, path: tuple, value: Any) -> Any:
    get(obj, path[:-1])[path[-1]] = value
    return obj


def drop(obj: Any, path: tuple) -> Any:
    del get(obj, path[:-1])[path[-1]]
    return obj


def schema_findings(source: Any, version: str, **kwargs: Any) -> list[tuple[str, str]]:
    """(rule, pointer) of every schema finding, sorted."""
    return sorted((f.rule, f.pointer) for f in validator.lint(source, api_version=version, select=SCHEMA_RULES, **kwargs))


# ---------------------------------------------------------------------------
# valid events
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "version"), TYPE_VERSIONS)
def test_valid_event_has_no_finding_at_all(name, version):
    assert validator.lint(valid_event(name, version), api_version=version) == []


@pytest.mark.parametrize(("name", "version"), TYPE_VERSIONS)
def test_valid_event_is_detected_as_its_version(name, version):
    result = Linter().lint_object(valid_event(name, version))
    assert (result.kind, result.api_version, result.events, result.findings) == ("event", version, 1, [])


def test_v1_events_are_all_strings():
    """The v1 fixtures really are alphanumeric: a guard on the fixtures themselves."""

    def scalars(value):
        if isinstance(value, dict):
            for v in value.values():
                yield from scalars(v)
        elif isinstance(value, list):
            for v in value:
                yield from scalars(v)
        else:
            yield value

    for name in TYPES:
        assert all(isinstance(v, str) for v in scalars(valid_event(name, "v1"))), name


# ---------------------------------------------------------------------------
# wrong types and bad values
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "version"), TYPE_VERSIONS)
@pytest.mark.parametrize("field", ["numeric", "text"])
def test_typed_scalar_in_a_field(name, version, field):
    """v2: a boolean where a number or text is expected is wrong-type; v1: a number is v1-alphanumeric,
    except in a timestamp: "long - epoch time in milliseconds", a string of digits or an integer in both versions."""
    path = FIELDS[name][field]
    if version == "v2":
        event, rule = put(valid_event(name, version), path, True), "wrong-type"
    elif field == "numeric" and FIELDS[name]["kind"] == "timestamp":
        assert schema_findings(put(valid_event(name, version), path, 12), version) == []
        event, rule = put(valid_event(name, version), path, True), "wrong-type"
    else:
        event, rule = put(valid_event(name, version), path, 12), "v1-alphanumeric"
    assert schema_findings(event, version) == [(rule, pointer(path))]


@pytest.mark.parametrize(("name", "version"), TYPE_VERSIONS)
@pytest.mark.parametrize("value", [[], {}, [1], {"value": 1}], ids=["empty-array", "empty-object", "array", "object"])
def test_container_where_a_scalar_is_expected_is_wrong_type(name, version, value):
    path = FIELDS[name]["numeric"]
    assert schema_findings(put(valid_event(name, version), path, value), version) == [("wrong-type", pointer(path))]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("value", [1.5, True, False, 0])
def test_v1_numbers_and_booleans_are_v1_alphanumeric(version, value):
    path = ("visitorError", "visitorError", "resolved")
    event = put(valid_event("visitorError", version), path, value)
    findings = validator.lint(event, api_version=version, select=SCHEMA_RULES)
    if version == "v1":
        assert [(f.rule, f.pointer, f.severity) for f in findings] == [("v1-alphanumeric", pointer(path), "error")]
    elif isinstance(value, bool):
        assert findings == []  # a real boolean is the v2 type of resolved
    else:
        assert [(f.rule, f.pointer) for f in findings] == [("wrong-type", pointer(path))]


@pytest.mark.parametrize(("name", "version"), TYPE_VERSIONS)
@pytest.mark.parametrize("value", ["abc", "12\n", "1,5", "", " 12", "0x1A", "1e", "NaN", "--1"])
def test_non_numeric_string_in_a_numeric_field_is_bad_value(name, version, value):
    """v1 "their attribute type will be alphanumeric": any text in a v1 value; timestamps stay digits."""
    path = FIELDS[name]["numeric"]
    findings = validator.lint(put(valid_event(name, version), path, value), api_version=version, select=SCHEMA_RULES)
    if version == "v1" and FIELDS[name]["kind"] != "timestamp":
        assert findings == []
        return
    assert [(f.rule, f.pointer, f.severity) for f in findings] == [("bad-value", pointer(path), "error")]
    assert repr(value)[1:-1] in findings[0].message or value in findings[0].message


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("name", "path", "value"),
    [
        ("serviceActivity", ("serviceActivity", "serviceActivity", "status"), "1.5"),  # int
        ("visitorError", ("visitorError", "visitorError", "level"), "2.0"),  # long
        ("visitorError", ("visitorError", "visitorError", "resolved"), "yes"),  # boolean
        ("visitorError", ("visitorError", "visitorError", "resolved"), "True"),
        ("cartStatus", ("cartStatus", "serverTimeStamp"), "1528628536882ms"),  # timestamp: digits only (a minus sign too: a long)
        ("cartStatus", ("serverTimeStamp",), "1528628536882.0"),
        ("customerInfo", ("customerInfo", "customerInfo", "lastPaymentDate", "month"), "October"),
    ],
)
def test_string_of_the_wrong_form_is_bad_value(version, name, path, value):
    """In v1 only the timestamps have a form: every attribute value is alphanumeric (any text)."""
    expected = [("bad-value", pointer(path))] if version == "v2" or "serverTimeStamp" in path else []
    assert schema_findings(put(valid_event(name, version), path, value), version) == expected


NUMERIC_STRINGS = {
    "double": ["7", "-3", "+4", "12.5", ".5", "5.", "1e3", "2E-2", "-400.99"],
    "int": ["7", "-3", "+4", "0", "2222"],
    "timestamp": ["7", "1528628536000"],
}
NUMERIC_STRING_CASES = [
    pytest.param(name, version, value, id=f"{version}-{name}-{value}")
    for name in TYPES
    for version in VERSIONS
    for value in NUMERIC_STRINGS[FIELDS[name]["kind"]]
]


@pytest.mark.parametrize(("name", "version", "value"), NUMERIC_STRING_CASES)
def test_numeric_strings_are_accepted(name, version, value):
    """v1 prints numbers as strings; v2 accepts them too (numeric-string notes them at info)."""
    path = FIELDS[name]["numeric"]
    event = put(valid_event(name, version), path, value)
    assert schema_findings(event, version) == []
    findings = validator.lint(event, api_version=version)
    assert [f for f in findings if f.severity == "error"] == []
    noted = ("numeric-string", pointer(path), "info") in [(f.rule, f.pointer, f.severity) for f in findings]
    assert noted == (version == "v2" and FIELDS[name]["kind"] != "timestamp")


@pytest.mark.parametrize("version", VERSIONS)
def test_integer_field_rejects_a_decimal_string(version):
    """v2 int; v1 "alphanumeric" (the customerInfo table: companySize "v1- alphanumeric, v2- int")."""
    path = ("cartStatus", "numItems")
    expected = [("bad-value", "/cartStatus/numItems")] if version == "v2" else []
    assert schema_findings(put(valid_event("cartStatus", version), path, "2.5"), version) == expected


def test_v2_accepts_typed_numbers_and_booleans_as_strings():
    event = valid_event("visitorError", "v2")
    put(event, ("visitorError", "visitorError", "resolved"), "false")
    put(event, ("visitorError", "visitorError", "level"), "3")
    findings = validator.lint(event, api_version="v2")
    assert sorted((f.rule, f.pointer, f.severity) for f in findings) == [
        ("numeric-string", "/visitorError/visitorError/level", "info"),
        ("numeric-string", "/visitorError/visitorError/resolved", "info"),
    ]


def test_v2_integer_field_accepts_integral_float():
    """draft-07: 1.0 is an integer."""
    event = put(valid_event("serviceActivity", "v2"), ("serviceActivity", "serviceActivity", "status"), 1.0)
    assert schema_findings(event, "v2") == []
    event = put(valid_event("serviceActivity", "v2"), ("serviceActivity", "serviceActivity", "status"), 1.5)
    assert schema_findings(event, "v2") == [("wrong-type", "/serviceActivity/serviceActivity/status")]


def test_wrong_type_message_says_expected_and_found():
    event = put(valid_event("cartStatus", "v2"), ("cartStatus", "total"), True)
    (finding,) = validator.lint(event, api_version="v2", select=SCHEMA_RULES)
    assert (finding.rule, finding.pointer, finding.severity) == ("wrong-type", "/cartStatus/total", "error")
    assert "double" in finding.message and "boolean" in finding.message


# ---------------------------------------------------------------------------
# missing wrappers and members
# ---------------------------------------------------------------------------

MISSING = [pytest.param(name, version, what, id=f"{version}-{name}-{what}") for name in TYPES for version in VERSIONS for what in ("container", "sdeType", "event-serverTimeStamp", "container-serverTimeStamp")]
MISSING += [pytest.param(name, version, "inner", id=f"{version}-{name}-inner") for name in DOUBLE_NESTED for version in VERSIONS]


@pytest.mark.parametrize(("name", "version", "what"), MISSING)
def test_missing_wrapper_is_missing_field(name, version, what):
    path, key = {
        "container": ((name,), name),
        "sdeType": (("sdeType",), "sdeType"),
        "event-serverTimeStamp": (("serverTimeStamp",), "serverTimeStamp"),
        "container-serverTimeStamp": ((name, "serverTimeStamp"), "serverTimeStamp"),
        "inner": ((name, name), name),
    }[what]
    findings = validator.lint(drop(valid_event(name, version), path), api_version=version, select=SCHEMA_RULES)
    assert [(f.rule, f.pointer, f.severity) for f in findings] == [("missing-field", pointer(path[:-1]), "error")]
    assert repr(key) in findings[0].message


def test_flat_types_have_no_required_inner_object():
    """cartStatus, purchase, searchContent, viewedProduct: a container with only its serverTimeStamp is valid."""
    for name in FLAT:
        for version in VERSIONS:
            event = valid_event(name, version)
            event[name] = {"serverTimeStamp": event["serverTimeStamp"]}
            assert schema_findings(event, version) == [], (name, version)


def test_double_nested_inner_object_may_be_empty():
    for name in DOUBLE_NESTED:
        for version in VERSIONS:
            assert schema_findings(put(valid_event(name, version), (name, name), {}), version) == [], (name, version)


# ---------------------------------------------------------------------------
# unknown members
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "version"), TYPE_VERSIONS)
def test_unknown_field_is_a_warning_with_a_suggestion(name, version):
    attrs, (typo, documented) = FIELDS[name]["attrs"], FIELDS[name]["typo"]
    event = valid_event(name, version)
    get(event, attrs)[typo] = "value"
    findings = validator.lint(event, api_version=version)
    assert [(f.rule, f.pointer, f.severity) for f in findings] == [("unknown-field", pointer(attrs + (typo,)), "warning")]
    assert repr(typo) in findings[0].message
    assert f"did you mean {documented!r}" in findings[0].message


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", ["customerInfo", "cartStatus", "purchase", "viewedProduct", "lead"])
def test_currency_capitalised_suggests_currency(name, version):
    attrs = FIELDS[name]["attrs"]
    event = valid_event(name, version)
    value = get(event, attrs).pop("currency")
    get(event, attrs)["Currency"] = value
    findings = validator.lint(event, api_version=version, select=SCHEMA_RULES)
    assert [(f.rule, f.pointer, f.severity) for f in findings] == [("unknown-field", pointer(attrs + ("Currency",)), "warning")]
    assert "did you mean 'currency'" in findings[0].message


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("cartStatus", ()),  # on the event
        ("lead", ("lead",)),  # on the outer container
        ("cartStatus", ("cartStatus", "products", 0)),
        ("cartStatus", ("cartStatus", "products", 0, "product")),
        ("personalInfo", ("personalInfo", "personalInfo", "contacts", 0)),
        ("personalInfo", ("personalInfo", "personalInfo", "contacts", 0, "personalContact")),
        ("personalInfo", ("personalInfo", "personalInfo", "customerAge")),
        ("customerInfo", ("customerInfo", "customerInfo", "lastPaymentDate")),
        ("purchase", ("purchase", "cart")),
    ],
)
def test_unknown_member_anywhere_in_an_event(version, name, path):
    event = valid_event(name, version)
    get(event, path)["zzUnexpected"] = "x"
    findings = validator.lint(event, api_version=version, select=SCHEMA_RULES)
    assert [(f.rule, f.pointer, f.severity) for f in findings] == [("unknown-field", pointer(path + ("zzUnexpected",)), "warning")]
    assert "did you mean" not in findings[0].message


def test_unknown_field_without_near_name_has_no_suggestion():
    event = valid_event("lead", "v2")
    event["lead"]["lead"]["qqqq"] = "x"
    (finding,) = validator.lint(event, api_version="v2")
    assert (finding.rule, finding.pointer) == ("unknown-field", "/lead/lead/qqqq")
    assert "did you mean" not in finding.message


# ---------------------------------------------------------------------------
# bad containers
# ---------------------------------------------------------------------------

BAD_CONTAINERS = [
    ("cartStatus", ("cartStatus", "products"), {"quantity": 1}, "wrong-type", "/cartStatus/products"),
    ("cartStatus", ("cartStatus", "products"), "prod1", "wrong-type", "/cartStatus/products"),
    ("cartStatus", ("cartStatus", "products"), ["prod1"], "wrong-type", "/cartStatus/products/0"),
    ("cartStatus", ("cartStatus", "products", 0, "product"), ["prod1"], "wrong-type", "/cartStatus/products/0/product"),
    ("viewedProduct", ("viewedProduct", "products"), {}, "wrong-type", "/viewedProduct/products"),
    ("purchase", ("purchase", "cart", "products"), {}, "wrong-type", "/purchase/cart/products"),
    ("purchase", ("purchase", "cart"), [], "wrong-type", "/purchase/cart"),
    ("personalInfo", ("personalInfo", "personalInfo", "contacts"), {"personalContact": {}}, "wrong-type", "/personalInfo/personalInfo/contacts"),
    ("personalInfo", ("personalInfo", "personalInfo", "contacts", 0), "myname@example.com", "wrong-type", "/personalInfo/personalInfo/contacts/0"),
    ("personalInfo", ("personalInfo", "personalInfo", "contacts", 0), None, "wrong-type", "/personalInfo/personalInfo/contacts/0"),
    ("personalInfo", ("personalInfo", "personalInfo", "contacts", 0, "personalContact"), "x", "wrong-type", "/personalInfo/personalInfo/contacts/0/personalContact"),
    ("personalInfo", ("personalInfo", "personalInfo", "customerAge"), [], "wrong-type", "/personalInfo/personalInfo/customerAge"),
    ("customerInfo", ("customerInfo", "customerInfo", "lastPaymentDate", "hour"), "10", "unknown-field", "/customerInfo/customerInfo/lastPaymentDate/hour"),
    ("customerInfo", ("customerInfo", "customerInfo", "registrationDate"), "2013-05-23", "wrong-type", "/customerInfo/customerInfo/registrationDate"),
    ("customerInfo", ("customerInfo", "customerInfo", "lastPaymentDate"), [], "wrong-type", "/customerInfo/customerInfo/lastPaymentDate"),
    ("searchContent", ("searchContent", "keywords"), "word", "wrong-type", "/searchContent/keywords"),
    ("searchContent", ("searchContent", "keywords"), {"0": "word"}, "wrong-type", "/searchContent/keywords"),
    ("lead", ("lead",), "luxury car", "wrong-type", "/lead"),
    ("lead", ("lead", "lead"), [], "wrong-type", "/lead/lead"),
    ("cartStatus", ("cartStatus",), [], "wrong-type", "/cartStatus"),
    ("visitorError", ("visitorError", "visitorError"), None, "wrong-type", "/visitorError/visitorError"),
    ("customerInfo", ("customerInfo", "isAuthenticated"), "false", "wrong-type", "/customerInfo/isAuthenticated"),
    ("cartStatus", ("cartStatus", "serverTimeStamp"), None, "wrong-type", "/cartStatus/serverTimeStamp"),
]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("name", "path", "value", "rule", "where"), BAD_CONTAINERS, ids=[f"{c[0]}-{c[4]}" for c in BAD_CONTAINERS])
def test_bad_container(version, name, path, value, rule, where):
    """A rule per version where they differ (isAuthenticated is typed boolean in both: under a named v1 it is also v1-unauthenticated)."""
    rule = rule[version] if isinstance(rule, dict) else rule
    assert schema_findings(put(valid_event(name, version), path, value), version) == [(rule, where)]


# ---------------------------------------------------------------------------
# sdeType
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "version"), TYPE_VERSIONS)
@pytest.mark.parametrize("sde_type", ["UNKNOWN_TYPE", "cart_status", "", 7, None])
def test_unknown_sde_type(name, version, sde_type):
    event = valid_event(name, version)
    event["sdeType"] = sde_type
    findings = validator.lint(event, api_version=version, select=SCHEMA_RULES)
    assert [(f.rule, f.pointer, f.severity) for f in findings] == [("unknown-sde-type", "/sdeType", "error")]
    assert "CART_STATUS" in findings[0].message


def _findings_of(event: dict, rules: tuple[str, ...]) -> list[tuple[str, str]]:
    return sorted((f.rule, f.pointer) for f in validator.lint(event, api_version="v2", select=rules))


def test_sde_type_of_another_type_is_reported_once(tmp_path):
    """sdeType LEAD on a cartStatus event is one mistake: sde-type-key. Checked by the LEAD schema it was also a missing
    lead container (an error) and an unknown cartStatus (a warning), and the cart went unchecked (an audit)."""
    event = valid_event("cartStatus", "v2")
    event["sdeType"] = "LEAD"
    with_key_rule = (*SCHEMA_RULES, "sde-type-key")
    assert _findings_of(event, with_key_rule) == [("sde-type-key", "/sdeType")]
    assert [(f.rule, f.pointer) for f in validator.lint(event, api_version="v2")] == [("sde-type-key", "/sdeType")]
    # sde-type-key not selected (or off): the schema of the sdeType says it, or a --select missing-field gate passed it
    assert schema_findings(event, "v2") == [("missing-field", ""), ("unknown-field", "/cartStatus")]
    event["cartStatus"]["numItems"] = "many"  # what the event holds is checked as that container
    event["cartStatus"]["bogus"] = 1
    assert _findings_of(event, with_key_rule) == [("bad-value", "/cartStatus/numItems"), ("sde-type-key", "/sdeType"), ("unknown-field", "/cartStatus/bogus")]
    # decided per event: a pointer override turning the rule on at one event left the others with no finding, and the
    # rule at info (not shown) hid more than the rule off did (a second review)
    two = [valid_event("cartStatus", "v2"), valid_event("cartStatus", "v2")]
    for item in two:
        item["sdeType"] = "LEAD"
    config = tmp_path / "key.yaml"
    config.write_text("rules: {sde-type-key: 'off'}\noverrides: [{files: ['**'], pointers: ['/0'], rules: {sde-type-key: error}}]\n")
    capture = tmp_path / "two.json"
    capture.write_text(json.dumps(two), encoding="utf-8")
    assert sorted((f.rule, f.pointer) for f in validator.lint_path(capture, api_version="v2", config=config)) == [
        ("missing-field", "/1"), ("sde-type-key", "/0/sdeType"), ("unknown-field", "/1/cartStatus")]
    quiet = tmp_path / "quiet.yaml"
    quiet.write_text("min-severity: warning\nrules: {sde-type-key: info}\n")
    assert sorted(f.rule for f in validator.lint(two[0], api_version="v2", config=quiet)) == ["missing-field", "unknown-field"]
    # Engagement History: sde-type-key runs there too (the mislabelled event was reported clean, a review found)
    eh = {"interactionHistoryRecords": [{"info": {"engagementId": "1"}, "sdes": {"events": [
        {"sdeType": "PURCHASE", "serverTimeStamp": "1440412721832", "cartStatus": {"serverTimeStamp": "1440412721832", "total": "11.7"}}]}}]}
    assert [(f.rule, f.pointer) for f in validator.lint(eh)] == [("sde-type-key", "/interactionHistoryRecords/0/sdes/events/0/sdeType")]
    # with two containers, neither the named one, the event stays checked by its sdeType
    event = valid_event("cartStatus", "v2")
    event["sdeType"] = "LEAD"
    event["purchase"] = valid_event("purchase", "v2")["purchase"]
    assert ("missing-field", "") in schema_findings(event, "v2")


# ---------------------------------------------------------------------------
# null, customerAge, several errors
# ---------------------------------------------------------------------------

NULLABLE = [
    ("visitorError", ("visitorError", "visitorError", "level")),
    ("visitorError", ("visitorError", "visitorError", "resolved")),
    ("lead", ("lead", "lead", "currency")),
    ("purchase", ("purchase", "currency")),
    ("purchase", ("purchase", "cart", "total")),
    ("purchase", ("purchase", "cart", "serverTimeStamp")),
    ("purchase", ("purchase", "cart", "numItems")),
    ("purchase", ("purchase", "cart")),
    ("customerInfo", ("customerInfo", "customerInfo", "balance")),
    ("customerInfo", ("customerInfo", "customerInfo", "lastPaymentDate")),
    ("customerInfo", ("customerInfo", "customerInfo", "registrationDate", "day")),
    ("personalInfo", ("personalInfo", "personalInfo", "customerAge")),
    ("personalInfo", ("personalInfo", "personalInfo", "contacts")),
    ("personalInfo", ("personalInfo", "personalInfo", "contacts", 0, "personalContact")),
    ("personalInfo", ("personalInfo", "personalInfo", "contacts", 0, "personalContact", "email")),
    ("cartStatus", ("cartStatus", "products")),
    ("cartStatus", ("cartStatus", "products", 0, "product")),
    ("cartStatus", ("cartStatus", "products", 0, "product", "price")),
    ("searchContent", ("searchContent", "keywords")),
    ("searchContent", ("searchContent", "keywords", 0)),
    ("marketingCampaignInfo", ("marketingCampaignInfo", "marketingCampaignInfo", "originatingChannel")),
    ("serviceActivity", ("serviceActivity", "serviceActivity", "status")),
]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("name", "path"), NULLABLE, ids=[pointer(p) for _, p in NULLABLE])
def test_null_is_accepted_for_attribute_values(version, name, path):
    assert schema_findings(put(valid_event(name, version), path, None), version) == []


@pytest.mark.parametrize("version", VERSIONS)
def test_null_values_of_the_spec_example_purchase_and_lead(version):
    purchase = valid_event("purchase", version)
    purchase["purchase"]["currency"] = None
    purchase["purchase"]["cart"] = {"total": None, "serverTimeStamp": None, "products": [], "numItems": None}
    lead = valid_event("lead", version)
    lead["lead"]["lead"]["currency"] = None
    error = valid_event("visitorError", version)
    error["visitorError"]["visitorError"].update(level=None, resolved=None)
    for event in (purchase, lead, error):
        assert [f for f in validator.lint(event, api_version=version) if f.severity == "error"] == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("path", [("serverTimeStamp",), ("cartStatus", "serverTimeStamp"), ("cartStatus", "originalTimeStamp"), ("sdeType",)])
def test_null_is_not_accepted_for_timestamps_and_sde_type(version, path):
    findings = schema_findings(put(valid_event("cartStatus", version), path, None), version)
    assert findings == [("unknown-sde-type" if path == ("sdeType",) else "wrong-type", pointer(path))]


AGE = ("personalInfo", "personalInfo", "customerAge")


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "age",
    [
        {"customerAgeInYears": "34.0", "customerYearOfBirth": "1980", "customerMonthOfBirth": "4", "customerDateOfBirth": "15"},
        {"customerYearOfBirth": "1980"},
        {},
        "1980",
        "34.0",
        "1980-04-15",
        "nineteen eighty",
    ],
    ids=["object", "year-only-object", "empty-object", "year-string", "age-string", "date-string", "text"],
)
def test_customer_age_as_object_or_year_string(version, age):
    """customerAge | Year of birth. For calculating age. | alphanumeric: any text, in both versions."""
    assert schema_findings(put(valid_event("personalInfo", version), AGE, age), version) == []


def test_v2_customer_age_as_typed_object_and_integer_year():
    assert schema_findings(valid_event("personalInfo", "v2"), "v2") == []  # the typed object
    assert schema_findings(put(valid_event("personalInfo", "v2"), AGE, 1980), "v2") == []


@pytest.mark.parametrize(
    ("version", "age", "expected"),
    [
        ("v1", 1980, [("v1-alphanumeric", pointer(AGE))]),
        ("v1", True, [("v1-alphanumeric", pointer(AGE))]),
        ("v2", True, [("wrong-type", pointer(AGE))]),
        ("v2", 34.5, [("wrong-type", pointer(AGE))]),
        ("v2", {"age": 34}, [("unknown-field", pointer(AGE) + "/age")]),
        ("v2", {"customerYearOfBirth": "MCMLXXX"}, [("bad-value", pointer(AGE) + "/customerYearOfBirth")]),
        ("v1", {"customerAgeInYears": 34.0}, [("v1-alphanumeric", pointer(AGE) + "/customerAgeInYears")]),
    ],
)
def test_customer_age_invalid(version, age, expected):
    assert schema_findings(put(valid_event("personalInfo", version), AGE, age), version) == expected


@pytest.mark.parametrize("version", VERSIONS)
def test_every_error_is_reported_not_only_the_first(version):
    event = valid_event("cartStatus", version)
    bad_value = ("cartStatus", "total") if version == "v2" else ("cartStatus", "originalTimeStamp")  # any text is a v1 total
    put(event, bad_value, "eleven")
    event["cartStatus"]["Currency"] = event["cartStatus"].pop("currency")
    event["cartStatus"]["numItems"] = True if version == "v2" else 2
    assert schema_findings(event, version) == [
        ("bad-value", pointer(bad_value)),
        ("unknown-field", "/cartStatus/Currency"),
        ("v1-alphanumeric" if version == "v1" else "wrong-type", "/cartStatus/numItems"),
    ]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_error_of_every_event_is_reported(version):
    first = drop(valid_event("lead", version), ("lead", "lead"))
    second = put(valid_event("serviceActivity", version), ("serviceActivity", "serviceActivity", "status"), "open")
    if version == "v1":  # any text is a v1 status: its timestamp still has a form
        put(second, ("serviceActivity", "serverTimeStamp"), "open")
    second["serviceActivity"]["serviceActivity"]["topik"] = "x"
    third = valid_event("searchContent", version)
    block = {"events": [first, valid_event("cartStatus", version), second, third]}
    block["events"][3]["sdeType"] = "SEARCH"
    assert schema_findings(block, version) == [
        ("bad-value", "/events/2/serviceActivity/" + ("serviceActivity/status" if version == "v2" else "serverTimeStamp")),
        ("missing-field", "/events/0/lead"),
        ("unknown-field", "/events/2/serviceActivity/serviceActivity/topik"),
        ("unknown-sde-type", "/events/3/sdeType"),
    ]


# ---------------------------------------------------------------------------
# the specification's example
# ---------------------------------------------------------------------------


def test_spec_example_has_no_error(example):
    findings = validator.lint(example)
    assert findings, "the example has known warnings and info"
    assert [f for f in findings if f.severity == "error"] == []
    assert {f.extra["api_version"] for f in findings} == {"v2"}


def test_spec_example_file_has_no_error(example_path):
    findings = validator.lint(example_path)
    assert [f for f in findings if f.severity == "error"] == []
    assert all(f.line > 0 and f.column > 0 for f in findings)


def test_spec_example_has_no_schema_finding(example):
    assert schema_findings(example, "v2") == []


def test_spec_example_events_each_validate(example):
    record = example["conversationHistoryRecords"][0]
    events = record["sdes"]["events"] + record["unAuthSdes"]["events"]
    assert sorted(e["sdeType"] for e in events) == sorted(["CUSTOMER_INFO", "PERSONAL_INFO"] + [e["sdeType"] for e in V2_EVENTS.values()])
    for event in events:
        assert schema_findings(event, "v2") == [], event["sdeType"]


def test_spec_example_authenticated_events_validate_as_v1(example):
    """The sdes events of the example are all strings: valid v1 too."""
    events = {"events": example["conversationHistoryRecords"][0]["sdes"]["events"]}
    assert schema_findings(events, "v1") == []
    assert Linter().lint_object(events).api_version == "v1"


# ---------------------------------------------------------------------------
# container shapes
# ---------------------------------------------------------------------------


def _record(events: list) -> dict:
    return {"info": {"conversationId": "c1", "brandId": "b1"}, "sdes": {"events": events}}


def authenticated(event: dict) -> dict:
    """The event as it sits under sdes: every isAuthenticated flag it has says true."""
    if isinstance(event, dict):
        for key, value in event.items():
            if key == "isAuthenticated":
                event[key] = True
            else:
                authenticated(value)
    return event


SHAPES = {
    "response": (lambda e: {"_metadata": {"count": 1}, "conversationHistoryRecords": [_record([e])]}, "/conversationHistoryRecords/0/sdes/events/0"),
    "record": (lambda e: _record([e]), "/sdes/events/0"),
    "records": (lambda e: [_record([]), _record([e])], "/1/sdes/events/0"),
    "events": (lambda e: {"events": [e]}, "/events/0"),
    "event": (lambda e: e, ""),
    "event-list": (lambda e: [authenticated(valid_event("lead", "v2" if "isAuthenticated" in e else "v1")), e], "/1"),
}


@pytest.mark.parametrize("kind", list(SHAPES))
@pytest.mark.parametrize("version", VERSIONS)
def test_container_shapes_are_detected_and_validated(kind, version):
    build, prefix = SHAPES[kind]
    clean = Linter().lint_object(build(authenticated(valid_event("cartStatus", version))))
    assert (clean.kind, clean.api_version, clean.findings) == (kind, version, [])
    path = ("cartStatus", "total") if version == "v2" else ("cartStatus", "originalTimeStamp")  # any text is a v1 total
    bad = put(authenticated(valid_event("cartStatus", version)), path, "eleven")
    result = Linter().lint_object(build(bad))
    assert result.kind == kind
    assert result.api_version == version
    assert result.events == (2 if kind == "event-list" else 1)
    assert [(f.rule, f.pointer) for f in result.findings if f.rule in SCHEMA_RULES] == [("bad-value", prefix + pointer(path))]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"sdes": {}}, []),  # a block without events: a conversation may have none
        ({"sdes": {}, "unAuthSdes": {}}, []),
        ({"sdes": {"events": []}, "info": {"csatRate": None, "startTimeL": None}, "campaign": None}, []),  # null: what the API sends for what is not there
        ({"sdes": {"events": {}}}, [("wrong-type", "/sdes/events")]),
        ({"sdes": {"events": ["event"]}}, [("wrong-type", "/sdes/events/0")]),
        ({"sdes": {"events": []}, "info": []}, [("wrong-type", "/info")]),
        ({"_metadata": {}, "conversationHistoryRecords": {}}, [("wrong-type", "/conversationHistoryRecords")]),
        ({"_metadata": {"count": "1"}, "conversationHistoryRecords": []}, [("wrong-type", "/_metadata/count")]),
        ({"events": "none"}, [("wrong-type", "/events")]),
    ],
)
def test_shells_of_records_and_responses(data, expected):
    assert schema_findings(data, "v2") == expected


def test_records_and_responses_may_carry_undocumented_members():
    record = _record([valid_event("cartStatus", "v1")])
    record["somethingNew"] = {"a": 1}
    record["info"]["newInfo"] = True
    assert validator.lint({"conversationHistoryRecords": [record], "extra": 1}, api_version="v1") == []


def test_unrecognized_document():
    (finding,) = validator.lint({"hello": "world"})
    assert (finding.rule, finding.pointer, finding.severity) == ("unrecognized-document", "", "error")


def test_v1_record_with_unauth_sdes_is_v1_unauthenticated():
    record = _record([valid_event("cartStatus", "v1")])
    unauth = valid_event("lead", "v1")
    unauth["lead"]["lead"]["value"] = "not a number"  # not checked as v1: v1 has no unAuthSdes
    unauth["lead"]["serverTimeStamp"] = "not a timestamp"
    record["unAuthSdes"] = {"events": [unauth]}
    findings = validator.lint(record, api_version="v1")
    # v1 "will allow to retrieve authenticated engagement attributes only": an error under a named v1
    assert [(f.rule, f.pointer) for f in findings] == [("v1-unauthenticated", "/unAuthSdes")]
    assert findings[0].severity == "error"
    # said plainly: "not checked as v1" read as "checked some other way" (an audit)
    assert "its events were not checked" in findings[0].message and "as API v2" in findings[0].message
    assert Linter().lint_object(record).api_version == "v2"  # auto: unAuthSdes means v2
    assert ("bad-value", "/unAuthSdes/events/0/lead/lead/value") in [(f.rule, f.pointer) for f in validator.lint(record, api_version="v2")]


# ---------------------------------------------------------------------------
# API version detection (validator/detect.py)
# ---------------------------------------------------------------------------


def _v1_record() -> dict:
    return _record([valid_event("cartStatus", "v1"), valid_event("lead", "v1")])


def _with(change):
    record = _v1_record()
    change(record)
    return record


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(_v1_record(), "v1", id="all-strings"),
        pytest.param({"conversationHistoryRecords": [_v1_record()]}, "v1", id="response-all-strings"),
        pytest.param(_with(lambda r: r.update(unAuthSdes={"events": []})), "v2", id="unAuthSdes-empty"),
        pytest.param({"conversationHistoryRecords": [_v1_record(), _with(lambda r: r.update(unAuthSdes={"events": []}))]}, "v2", id="unAuthSdes-second-record"),
        pytest.param(_with(lambda r: r["sdes"]["events"][1].update(isAuthenticated=True)), "v2", id="isAuthenticated-true"),
        pytest.param([valid_event("lead", "v1"), {**valid_event("cartStatus", "v1"), "isAuthenticated": False}], "v2", id="isAuthenticated-event-list"),
        pytest.param(_with(lambda r: r["sdes"]["events"][0]["cartStatus"].update(numItems=2)), "v2", id="typed-int"),
        pytest.param(_with(lambda r: r["sdes"]["events"][1]["lead"]["lead"].update(value=22.5)), "v2", id="typed-float-nested"),
        pytest.param(_with(lambda r: r["sdes"]["events"][0]["cartStatus"]["products"][0]["product"].update(price=7.75)), "v2", id="typed-in-array"),
        pytest.param({"events": [put(valid_event("visitorError", "v1"), ("visitorError", "visitorError", "resolved"), True)]}, "v2", id="typed-boolean"),
        # timestamps are "long" in every table, with no v1/v2 split: an integer one is not a typed attribute value
        pytest.param(put(valid_event("lead", "v1"), ("lead", "serverTimeStamp"), 1528628536882), "v1", id="integer-timestamp-is-not-typed"),
        pytest.param(put(valid_event("lead", "v1"), ("lead", "lead", "currency"), None), "v1", id="null-is-not-typed"),
        pytest.param({**_v1_record(), "info": {"startTimeL": 1472481024565, "duration": 78970}}, "v1", id="typed-outside-attributes"),
        pytest.param([], "v1", id="empty-event-list"),
    ],
)
def test_auto_version_detection(data, expected):
    assert Linter().lint_object(data).api_version == expected


def test_explicit_version_overrides_detection():
    typed = valid_event("cartStatus", "v2")
    assert Linter().lint_object(typed).api_version == "v2"
    findings = validator.lint(typed, api_version="v1", select=SCHEMA_RULES)
    # the numbers are v1-alphanumeric; the isAuthenticated flag (a v2 member) is left to the rule v1-unauthenticated
    assert [(f.rule, f.pointer) for f in findings if f.rule != "v1-alphanumeric"] == []
    assert [(f.rule, f.pointer) for f in validator.lint(typed, api_version="v1", select="v1-unauthenticated")] == [("v1-unauthenticated", "/isAuthenticated")]
    assert {f.pointer for f in findings if f.rule == "v1-alphanumeric"} == {"/cartStatus/total", "/cartStatus/numItems", "/cartStatus/products/0/quantity", "/cartStatus/products/0/product/price"}
    assert {f.extra["api_version"] for f in findings} == {"v1"}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("shape", ["response", "record"])
def test_record_members_are_wrong_type_in_both_versions(version, shape):
    """v1's "their attribute type will be alphanumeric" types engagement attribute values, not the record around
    them: a number where the published example shows text (info.latestAgentId, campaign.campaignId) is the same
    wrong-type in v1 as in v2, never v1-alphanumeric (which --ignore v1-alphanumeric would then hide)."""
    record = {"info": {"conversationId": "c1", "latestAgentId": 3677470410}, "campaign": {"campaignId": 2266771712}, "sdes": {"events": []}}
    document, base = ({"conversationHistoryRecords": [record]}, "/conversationHistoryRecords/0") if shape == "response" else (record, "")
    findings = validator.lint(document, api_version=version, select=SCHEMA_RULES)
    assert sorted((f.rule, f.pointer) for f in findings) == [
        ("wrong-type", f"{base}/campaign/campaignId"), ("wrong-type", f"{base}/info/latestAgentId"),
    ]
