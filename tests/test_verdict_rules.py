"""Verdicts of the rules against the specification (issue 10) and rule/config hardening (issue 11: 3, 4, 5, 13, 20)."""

from __future__ import annotations

import json
import subprocess
import time

import pytest

import validator
from validator.config import Configuration, discover
from validator.rules.catalogue import CatalogueError

STAMP = "1528628536880"  # 2018-06-10 11:02:16.880 UTC


def _personal(attrs: dict, **outer) -> dict:
    return {"personalInfo": {"serverTimeStamp": STAMP, "personalInfo": attrs}, "sdeType": "PERSONAL_INFO", "serverTimeStamp": STAMP, **outer}


def _web_personal(attrs: dict) -> dict:
    return {"type": "personal", "personal": attrs}


def _double(key: str, sde_type: str, attrs: dict) -> dict:
    return {key: {"serverTimeStamp": STAMP, key: attrs}, "sdeType": sde_type, "serverTimeStamp": STAMP}


def _hits(payload, rule: str, **options) -> list:
    return [f for f in validator.lint(payload, **options) if f.rule == rule]


def _config(tmp_path, text: str):
    path = tmp_path / ".sdelint.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- timestamp-order -------------------------------------------------------------------------

def test_timestamp_order_has_no_basis_in_customer_info():
    """customerInfo's table: originalTimeStamp and serverTimeStamp are both "Event creation time stamp."."""
    inverted = {"serverTimeStamp": "1528628536880", "originalTimeStamp": "1528636540046"}
    customer = {"customerInfo": {**inverted, "customerInfo": {}}, "sdeType": "CUSTOMER_INFO", "serverTimeStamp": "1528628536880"}
    personal = {"personalInfo": {**inverted, "personalInfo": {}}, "sdeType": "PERSONAL_INFO", "serverTimeStamp": "1528628536880"}
    assert _hits(customer, "timestamp-order") == []
    assert [f.pointer for f in _hits(personal, "timestamp-order")] == ["/personalInfo/originalTimeStamp"]


@pytest.mark.parametrize("api_version", ["v1", "v2"])
def test_a_timestamp_never_set_gets_the_same_one_warning_as_an_integer_or_as_text(api_version):
    """"long" takes -1 (the API's own sentinel: the example's endTimeL). Sent as the integer -1 it was a timestamp-range
    warning, plus a timestamp-order warning ordering 1969 against 2018; sent as "-1" (numbers printed as strings,
    field reference §1) it was a bad-value error plus the same timestamp-range warning at the same place."""
    verdicts = []
    for never in (-1, "-1", 0, "0"):
        lead = {"serverTimeStamp": never, "originalTimeStamp": "1528628536879", "lead": {"topic": "x"}}
        event = {"lead": lead, "sdeType": "LEAD", "serverTimeStamp": never}
        verdicts.append(sorted((f.rule, f.severity, f.pointer) for f in validator.lint(event, api_version=api_version)))
    assert verdicts[0] == verdicts[1] == [("timestamp-range", "warning", "/lead/serverTimeStamp"), ("timestamp-range", "warning", "/serverTimeStamp")]
    assert verdicts[2] == verdicts[3] == verdicts[0]


@pytest.mark.parametrize("api_version", ["v1", "v2"])
def test_a_signed_timestamp_text_is_one_bad_value(api_version):
    """"+12": the timestamp schema (digits, a minus at most) calls it a bad-value; timestamp-range read it as 12 ms
    and warned at the same place too: one defect, two findings."""
    lead = {"serverTimeStamp": "+12", "originalTimeStamp": "1528628536879", "lead": {"topic": "x"}}
    event = {"lead": lead, "sdeType": "LEAD", "serverTimeStamp": STAMP}
    found = [(f.rule, f.pointer) for f in validator.lint(event, api_version=api_version) if f.pointer == "/lead/serverTimeStamp"]
    assert found == [("bad-value", "/lead/serverTimeStamp")]


def test_timestamp_order_leaves_a_time_in_seconds_or_microseconds_to_timestamp_range():
    """A serverTimeStamp in seconds made the event "created 17674d after it was processed" beside timestamp-range's
    "looks like seconds": one defect, two warnings (the rules sweep). Both in milliseconds, the order is still judged."""
    for processed in ("1528628536", "1528628536879000"):
        lead = {"serverTimeStamp": processed, "originalTimeStamp": "1528636540046", "lead": {"topic": "x"}}
        found = validator.lint({"lead": lead, "sdeType": "LEAD", "serverTimeStamp": processed})
        assert sorted(f.rule for f in found) == ["timestamp-range", "timestamp-range"], processed
    lead = {"serverTimeStamp": "1528628536879", "originalTimeStamp": "1528636540046", "lead": {"topic": "x"}}
    assert [f.rule for f in validator.lint({"lead": lead, "sdeType": "LEAD", "serverTimeStamp": "1528628536879"})] == ["timestamp-order"]


# --- code-list -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "event, pointer",
    [
        (_double("marketingCampaignInfo", "MARKETING_CAMPAIGN_INFO", {"originatingChannel": 99}), "/marketingCampaignInfo/marketingCampaignInfo/originatingChannel"),
        (_double("marketingCampaignInfo", "MARKETING_CAMPAIGN_INFO", {"originatingChannel": "7"}), "/marketingCampaignInfo/marketingCampaignInfo/originatingChannel"),
        (_double("serviceActivity", "SERVICE_ACTIVITY", {"status": "42"}), "/serviceActivity/serviceActivity/status"),
        (_double("serviceActivity", "SERVICE_ACTIVITY", {"status": "Complete"}), "/serviceActivity/serviceActivity/status"),
        (_personal({"gender": "MLAE"}), "/personalInfo/personalInfo/gender"),
        (_personal({"gender": "3"}), "/personalInfo/personalInfo/gender"),
        (_personal({"language": "xx-US"}), "/personalInfo/personalInfo/language"),
        (_personal({"language": "en-XX"}), "/personalInfo/personalInfo/language"),
        (_personal({"language": "Klingonese"}), "/personalInfo/personalInfo/language"),
        (_personal({"language": "EN-us"}), "/personalInfo/personalInfo/language"),
        (_personal({"language": "zh-Hant-XX"}), "/personalInfo/personalInfo/language"),
        (_personal({"language": "en-UK"}), "/personalInfo/personalInfo/language"),
        (_personal({"language": "en-999"}), "/personalInfo/personalInfo/language"),  # no such M.49 area
        (_personal({"language": "fil-PH"}), "/personalInfo/personalInfo/language"),  # no ISO 639-1 code
        (_personal({"language": "de-DE-u"}), "/personalInfo/personalInfo/language"),  # an extension with no subtag
        (_personal({"language": "en-XX-1901"}), "/personalInfo/personalInfo/language"),
        (_personal({"contacts": [{"personalContact": {"phoneType": "CELL"}}]}), "/personalInfo/personalInfo/contacts/0/personalContact/phoneType"),
        # the web table's code list: "2 letter code in uppser case ISO3166-1 Alpha-2"
        (_web_personal({"contacts": [{"address": {"country": "Israel"}}]}), "/personal/contacts/0/address/country"),
        (_web_personal({"contacts": [{"address": {"country": "il"}}]}), "/personal/contacts/0/address/country"),
    ],
)
def test_code_list_reports_undocumented_codes(event, pointer):
    hits = _hits(event, "code-list")
    assert [(f.pointer, f.severity) for f in hits] == [(pointer, "warning")]


def test_code_list_hints():
    (lower_country,) = _hits(_web_personal({"contacts": [{"address": {"country": "il"}}]}), "code-list")
    assert "did you mean 'IL'" in lower_country.message
    (tag_case,) = _hits(_personal({"language": "EN-us"}), "code-list")
    assert "lower case" in tag_case.message


@pytest.mark.parametrize(
    "event",
    [
        _double("marketingCampaignInfo", "MARKETING_CAMPAIGN_INFO", {"originatingChannel": value}) for value in ("0", "6", 3, 3.0, "3", None)
    ] + [
        _double("serviceActivity", "SERVICE_ACTIVITY", {"status": value}) for value in ("0", "13", 13, None)
    ] + [
        _personal({"gender": value}) for value in ("MALE", "female", "Other", None)
    ] + [
        # the web Types table's codes (0-MALE, 1-FEMALE, 2-OTHER), sent on by a site that pushes them
        _personal({"gender": value}) for value in ("0", "1", "2", 2)
    ] + [
        # the spec's own example sends "Russian"; the Types table gives en-US and fr-CA; underscores are documented
        _personal({"language": value}) for value in ("Russian", "English", "english", "en", "en-US", "fr_CA", "fr-CA", "Greek", "Norwegian Bokmål", None)
    ] + [
        # well-formed tags with a script or a UN M.49 area name a language as exactly (an audit found them warned on)
        _personal({"language": value}) for value in ("es-419", "zh-Hant", "zh-Hant-TW", "sr_Latn_RS")
    ] + [
        # BCP 47's variants, extensions and private use after a documented tag, and what Java's Locale writes for
        # Hebrew, Indonesian and Yiddish until Java 17 (a review found these warned on)
        _personal({"language": value}) for value in ("de-CH-1901", "en-GB-oxendict", "pt-BR-u-ca-gregory", "en-US-x-twain", "iw_IL", "iw", "in_ID", "ji")
    ] + [
        _personal({"contacts": [{"personalContact": {"phoneType": "MOBILE", "address": {"country": "IL", "region": "Moscow"}}}]}),
        _web_personal({"contacts": [{"phoneType": "MOBILE", "address": {"country": "IL", "region": "Moscow"}}]}),
        # the API tables have no address: their one example (Engagement History) sends a country name
        _personal({"contacts": [{"personalContact": {"address": {"country": "Israel", "region": "Moscow", "zipCode": "12345"}}}]}),
    ],
)
def test_code_list_accepts_documented_codes(event):
    assert _hits(event, "code-list") == []


@pytest.mark.parametrize("gender", [0, 1, 2, "1", "FEMALE"])
def test_a_gender_code_the_web_pushes_passes_through_api_v2_without_any_finding(gender):
    """An audit: the MI v2 schema called the integer gender 1 wrong-type (alphanumeric) while code-list and the README
    accept the web Types table's codes in every profile; v1 values are text, so there it stays an error."""
    response = {"conversationHistoryRecords": [{"info": {"conversationId": "c1"}, "unAuthSdes": {"events": [
        _personal({"name": "Ann", "gender": gender}, isAuthenticated=False)]}}]}
    assert [(f.rule, f.severity) for f in validator.lint(response, api_version="v2") if f.severity != "info"] == []
    v1 = {"conversationHistoryRecords": [{"info": {"conversationId": "c1"}, "sdes": {"events": [_personal({"gender": gender})]}}]}
    expected = [] if isinstance(gender, str) else [("v1-alphanumeric", "error")]
    assert [(f.rule, f.severity) for f in validator.lint(v1, api_version="v1") if f.severity != "info"] == expected


@pytest.mark.parametrize(("container", "value", "bad"), [
    ({"cartStatus": {"serverTimeStamp": STAMP, "numItems": "2147483648"}}, "2147483648", True),
    ({"cartStatus": {"serverTimeStamp": STAMP, "numItems": "2147483647"}}, "2147483647", False),
    ({"visitorError": {"serverTimeStamp": STAMP, "visitorError": {"level": "9223372036854775808"}}}, "9223372036854775808", True),
    ({"visitorError": {"serverTimeStamp": STAMP, "visitorError": {"level": "-9223372036854775808"}}}, "-9223372036854775808", False),
])
def test_an_int_or_long_sent_as_digits_is_held_to_its_range(container, value, bad):
    """A verdict audit: 2147483648 was bad-value for an int, "2147483648" only numeric-string info; the spec's v2
    examples send almost every number as a string, so the common shape lost the range check."""
    sde_type = "CART_STATUS" if "cartStatus" in container else "VISITOR_ERROR"
    response = {"conversationHistoryRecords": [{"info": {"conversationId": "c1"}, "unAuthSdes": {"events": [
        {**container, "sdeType": sde_type, "serverTimeStamp": STAMP, "isAuthenticated": False}]}}]}
    found = [(f.rule, f.severity) for f in validator.lint(response, api_version="v2", min_severity="info") if f.value == value]
    if bad:
        assert found == [("bad-value", "error")]  # and no numeric-string beside it
        (finding,) = [f for f in validator.lint(response, api_version="v2") if f.value == value]
        assert finding.message.endswith(f'found string "{value}": out of its range') and " to " in finding.message
    else:
        assert found == [("numeric-string", "info")]


@pytest.mark.parametrize("payload", [_personal({"gender": 5}), _web_personal({"gender": 5})], ids=["api", "web"])
def test_a_gender_code_out_of_range_is_one_code_list_warning_naming_the_codes(payload):
    """The web schema's anyOf said '5 is not valid under any of the given schemas' beside code-list's warning,
    which listed MALE, FEMALE, OTHER but not the codes it accepts."""
    findings = [f for f in validator.lint(payload, api_version="v2" if "sdeType" in payload else None) if f.severity != "info"]
    assert [(f.rule, f.severity) for f in findings] == [("code-list", "warning")]
    assert findings[0].message.endswith("(MALE, FEMALE, OTHER; any case; or the web Types table's codes 0, 1, 2)")


def test_code_lists_are_parameters_a_brand_extends(tmp_path):
    config = _config(tmp_path, "rules:\n  code-list: {originating-channels: [0, 1, 2, 3, 4, 5, 6, 7], extra-languages: [Klingon], extra-countries: [XK], genders: [MALE, FEMALE, OTHER, DIVERSE]}\n")
    for event in (
        _double("marketingCampaignInfo", "MARKETING_CAMPAIGN_INFO", {"originatingChannel": "7"}),
        _personal({"language": "Klingon", "gender": "diverse", "contacts": [{"personalContact": {"address": {"country": "XK"}}}]}),
    ):
        assert _hits(event, "code-list", config=config) == []


def test_code_list_parameters_are_checked(tmp_path, cli, example_path):
    config = _config(tmp_path, "rules:\n  code-list: {genders: [true]}\n")
    result = cli("check", "--config", str(config), str(example_path))
    assert result.exit_code == 2 and "genders must be a list of strings or integers" in result.output


# --- attribution-window ----------------------------------------------------------------------

HOUR = 3_600_000
START, END = 1528628536879, 1528628536879 + 2 * HOUR


def _record(stamp, end=END, section="sdes") -> dict:
    event = {"cartStatus": {"serverTimeStamp": str(stamp)}, "sdeType": "CART_STATUS", "serverTimeStamp": str(stamp)}
    if section == "unAuthSdes":
        event["isAuthenticated"] = False
    return {"info": {"startTimeL": START, "endTimeL": end}, section: {"events": [event]}}


@pytest.mark.parametrize(
    "stamp, end, fires",
    [
        (START - 13 * HOUR, END, True),
        (START - 11 * HOUR, END, False),
        (START - 12 * HOUR, END, False),  # "12 hours before ... will be attributed"
        (END + 11 * HOUR, END, False),
        (END + 13 * HOUR, END, True),
        (END + 1000 * HOUR, -1, False),  # open: no end yet
        (START - 13 * HOUR, -1, True),
        (START + 30_000, END, False),  # a 30-second skew
    ],
)
def test_attribution_window(stamp, end, fires):
    hits = _hits(_record(stamp, end), "attribution-window")
    assert bool(hits) is fires
    if fires:
        assert hits[0].pointer == "/sdes/events/0/serverTimeStamp" and hits[0].severity == "warning"


def test_attribution_window_checks_unauthenticated_events_and_takes_hours(tmp_path):
    record = _record(START - 13 * HOUR, section="unAuthSdes")
    assert [f.pointer for f in _hits(record, "attribution-window")] == ["/unAuthSdes/events/0/serverTimeStamp"]
    config = _config(tmp_path, "rules:\n  attribution-window: {hours: 24}\n")
    assert _hits(record, "attribution-window", config=config) == []


def test_attribution_window_on_integer_timestamps_and_without_info():
    record = _record(START - 13 * HOUR)
    record["sdes"]["events"][0]["serverTimeStamp"] = START - 13 * HOUR
    assert len(_hits(record, "attribution-window")) == 1
    del record["info"]
    assert _hits(record, "attribution-window") == []


def test_attribution_window_says_how_far_past_the_window_an_event_is(cli, tmp_path):
    """A verdict sweep: an event 12 hours and 1 ms before the start read '12h before the conversation started: more
    than 12 hours before', the excess rounded away, so the message contradicted itself."""
    path = tmp_path / "edge.json"
    path.write_text(json.dumps(_record(START - 12 * HOUR - 1)), encoding="utf-8")
    result = cli("check", "--format", "json", "--select", "attribution-window", path)
    (finding,) = json.loads(result.output)["findings"]
    assert finding["message"] == ("dated 2018-06-09 23:02:16.878 UTC, 12h before the conversation started (2018-06-10 11:02:16.879 UTC),"
                                  " 1ms more than the 12 hours attributed: it is not attributed to this conversation")
    path.write_text(json.dumps(_record(END + 13 * HOUR + 2500)), encoding="utf-8")
    (finding,) = json.loads(cli("check", "--format", "json", "--select", "attribution-window", path).output)["findings"]
    assert finding["message"].endswith("13h 2s after the conversation ended (2018-06-10 13:02:16.879 UTC),"
                                       " 1h 2s more than the 12 hours attributed: it is not attributed to this conversation")


# --- age-consistency -------------------------------------------------------------------------

def _age(in_years, year="1980", month="4", day="15", stamp=STAMP) -> dict:
    age = {"customerAgeInYears": in_years, "customerYearOfBirth": year, "customerMonthOfBirth": month, "customerDateOfBirth": day}
    event = _personal({"customerAge": {k: v for k, v in age.items() if v is not None}})
    event["serverTimeStamp"] = event["personalInfo"]["serverTimeStamp"] = stamp
    return event


def test_age_consistency_reports_the_specifications_own_example(example_path):
    (hit,) = [f for f in validator.lint(example_path) if f.rule == "age-consistency"]
    assert hit.pointer.endswith("/unAuthSdes/events/3/personalInfo/personalInfo/customerAge/customerAgeInYears")
    assert hit.severity == "warning" and "38" in hit.message and "2018-06-10" in hit.message


@pytest.mark.parametrize(
    "event, fires",
    [
        (_age("34.0"), True),
        (_age("38.0"), False),
        (_age(37), False),  # tolerance 1 year
        (_age(38.9), False),
        (_age(39.5), True),
        (_age(40), True),
        (_age("37", month="12", day="31"), False),  # birthday not yet reached on 2018-06-10: 37
        (_age("36", month="12", day="31"), False),
        (_age("35", month="12", day="31"), True),
        (_age("38", month=None, day=None), False),  # the year alone: 37 or 38
        (_age("36", month=None, day=None), False),
        (_age("35", month=None, day=None), True),
        (_age("34.0", year=None), False),  # nothing to compare with
        (_age("34.0", year=str(10**30)), False),  # not a date: calendar-date's finding, no crash
        (_age("34.0", stamp="9" * 5000), False),  # no usable event time
    ],
)
def test_age_consistency(event, fires):
    assert bool(_hits(event, "age-consistency")) is fires


def test_a_birth_after_the_event_is_said_so():
    """It read "-33 or -32 years on the event's day": an age cannot be negative, the date of birth is what is wrong."""
    (hit,) = _hits(_age("34", year="2050", month=None, day=None), "age-consistency")
    assert hit.message == "customerAgeInYears 34 contradicts the date of birth 2050, which is after the event's day (2018-06-10)"
    (hit,) = _hits(_age("34", year="2018", month=None, day=None), "age-consistency")  # born this year: 0, not "-1 or 0"
    assert hit.message == "customerAgeInYears 34 contradicts the date of birth 2018: 0 years on the event's day (2018-06-10), tolerance 1"


def test_age_consistency_tolerance_and_text_ages(tmp_path):
    config = _config(tmp_path, "rules:\n  age-consistency: {tolerance-years: 5}\n")
    assert _hits(_age("34.0"), "age-consistency", config=config) == []
    assert _hits(_personal({"customerAge": "1980-04-15"}), "age-consistency") == []


# --- empty-cart ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "event, pointer",
    [
        ({"cartStatus": {"serverTimeStamp": STAMP, "numItems": 1, "products": []}, "sdeType": "CART_STATUS", "serverTimeStamp": STAMP}, "/cartStatus/numItems"),
        ({"purchase": {"serverTimeStamp": STAMP, "cart": {"numItems": "2", "products": []}}, "sdeType": "PURCHASE", "serverTimeStamp": STAMP}, "/purchase/cart/numItems"),
        ({"cartStatus": {"serverTimeStamp": STAMP, "numItems": 0, "products": []}, "sdeType": "CART_STATUS", "serverTimeStamp": STAMP}, None),
        ({"cartStatus": {"serverTimeStamp": STAMP, "numItems": 3}, "sdeType": "CART_STATUS", "serverTimeStamp": STAMP}, None),  # products not sent
        # the specification's purchase: {"total": null, "serverTimeStamp": null, "products": [], "numItems": null}
        ({"purchase": {"serverTimeStamp": STAMP, "cart": {"total": None, "serverTimeStamp": None, "products": [], "numItems": None}}, "sdeType": "PURCHASE", "serverTimeStamp": STAMP}, None),
    ],
)
def test_empty_cart(event, pointer):
    assert [f.pointer for f in _hits(event, "empty-cart")] == ([pointer] if pointer else [])


def test_an_empty_string_is_no_value_for_the_code_and_format_rules():
    """null is "not set" for code-list, contact-format and currency-code; "" (a field pushed without a value) is too."""
    empty = [
        _personal({"gender": "", "language": "", "email": "", "phone": "", "contacts": [{"personalContact": {"phoneType": "", "email": "", "phone": ""}}]}),
        _double("marketingCampaignInfo", "MARKETING_CAMPAIGN_INFO", {"originatingChannel": ""}),
        _double("serviceActivity", "SERVICE_ACTIVITY", {"status": ""}),
        {"cartStatus": {"serverTimeStamp": STAMP, "currency": ""}, "sdeType": "CART_STATUS", "serverTimeStamp": STAMP},
        {"purchase": {"serverTimeStamp": STAMP, "currency": "", "cart": {"currency": ""}}, "sdeType": "PURCHASE", "serverTimeStamp": STAMP},
        _web_personal({"contacts": [{"address": {"country": ""}}]}),
    ]
    rules = ("code-list", "contact-format", "currency-code")
    assert [(f.pointer, f.rule) for payload in empty for f in validator.lint(payload) if f.rule in rules] == []
    spaced = [(f.pointer, f.rule) for f in validator.lint(_personal({"gender": " ", "language": " "})) if f.rule in rules]
    assert spaced == [("/personalInfo/personalInfo/gender", "code-list"), ("/personalInfo/personalInfo/language", "code-list")]


# --- contact-format --------------------------------------------------------------------------

@pytest.mark.parametrize(
    "contact",
    [
        {"email": "josé@exämple.de", "phone": "+49 30 1234567"},
        {"email": "myname@example.com", "phone": "+1 212-788-8877 ext. 12"},
        {"phone": "212-788-8877 x12"},
        {"phone": "2127888877#12"},
        {"phone": "+1-212-788-8877;ext=12"},  # RFC 3966's extension, as tel: URIs write it
        {"phone": "+44 (0)20 7946 0958"},
        {"email": "用户@例子.广告"},
        # an audit found these warned on: the rationale's "brackets" around the "+", dashes and digits as documents
        # and phones write them, and a no-break space
        {"phone": "(+44) 20 7946 0958"},
        {"phone": "212–788–8877"},
        {"phone": "０３-１２３４-５６７８"},
        {"phone": "+49\u00a030\u00a01234567"},
        # typed in full-width mode (a review): full-width hyphen, plus and brackets, ideographic space; a minus sign
        {"phone": "０３－１２３４－５６７８"},
        {"phone": "＋８１ ３ １２３４ ５６７８"},
        {"phone": "（03）1234\u30005678 ext. １２"},
        {"phone": "+1\u2212212\u2212788\u22128877"},
        {"email": "", "phone": ""},  # sent without a value, as null is
        # RFC 5321's quoted local part, and RFC 3966's tel: URI (whose ";ext=" was accepted already)
        {"email": '"john doe"@example.com'},
        {"phone": "tel:+1-201-555-0123"},
        {"phone": "tel:+1-201-555-0123;ext=12"},
    ],
)
def test_contact_format_leaves_real_contact_data_alone(contact):
    assert _hits(_personal({"contacts": [{"personalContact": contact}]}), "contact-format") == []
    assert _hits(_personal(contact), "contact-format") == []


@pytest.mark.parametrize(
    "field, value",
    [("email", "myname.example.com"), ("phone", "call me"), ("phone", "212-CALL-NOW"), ("phone", "12a45678"), ("phone", "+(44"), ("phone", " "), ("email", " "),
     # a domain with an empty label is no domain
     ("email", "user@example..com"), ("email", "user@.example.com"), ("phone", "tel:call-me")],
)
def test_contact_format_warns_on_what_is_no_contact(field, value):
    nested = _hits(_personal({"contacts": [{"personalContact": {field: value}}]}), "contact-format")
    assert [(f.pointer, f.severity) for f in nested] == [(f"/personalInfo/personalInfo/contacts/0/personalContact/{field}", "warning")]
    direct = _hits(_personal({field: value}), "contact-format")
    assert [f.pointer for f in direct] == [f"/personalInfo/personalInfo/{field}"]


# --- v1-unauthenticated / auth-section ---------------------------------------------------------

UNAUTH_RECORD = {"sdes": {"events": []}, "unAuthSdes": {"events": [
    {"cartStatus": {"serverTimeStamp": STAMP}, "sdeType": "CART_STATUS", "serverTimeStamp": STAMP, "isAuthenticated": False}]}}
FLAGGED_V1_RECORD = {"sdes": {"events": [
    {"cartStatus": {"serverTimeStamp": STAMP}, "sdeType": "CART_STATUS", "serverTimeStamp": STAMP, "isAuthenticated": True},
    {"customerInfo": {"serverTimeStamp": STAMP, "isAuthenticated": True, "customerInfo": {}}, "sdeType": "CUSTOMER_INFO", "serverTimeStamp": STAMP},
    {"personalInfo": {"serverTimeStamp": STAMP, "isAuthenticated": True, "personalInfo": {}}, "sdeType": "PERSONAL_INFO", "serverTimeStamp": STAMP},
]}}


def _rules_at(payload, **options) -> set[tuple[str, str, str]]:
    return {(f.rule, f.severity, f.pointer) for f in validator.lint(payload, **options) if f.rule in ("v1-unauthenticated", "auth-section")}


def test_unauthenticated_sdes_under_an_explicit_v1_is_one_error():
    assert _rules_at(UNAUTH_RECORD, api_version="v1") == {("v1-unauthenticated", "error", "/unAuthSdes")}


def test_is_authenticated_under_an_explicit_v1_is_an_error_per_flag():
    assert _rules_at(FLAGGED_V1_RECORD, api_version="v1") == {
        ("v1-unauthenticated", "error", "/sdes/events/0/isAuthenticated"),
        ("v1-unauthenticated", "error", "/sdes/events/1/customerInfo/isAuthenticated"),
        ("v1-unauthenticated", "error", "/sdes/events/2/personalInfo/isAuthenticated"),
    }


def test_a_guessed_version_never_makes_these_errors(tmp_path):
    """auto: these members make the guess v2, where they are legal (auth-section still reads their values)."""
    assert _rules_at(UNAUTH_RECORD) == set()
    assert _rules_at(FLAGGED_V1_RECORD) == set()
    config = _config(tmp_path, "api-version: v1\n")  # named in the configuration: explicit
    assert {rule for rule, _, _ in _rules_at(UNAUTH_RECORD, config=config)} == {"v1-unauthenticated"}


def test_auth_section_still_reads_the_flags_in_v2():
    record = {"sdes": {"events": [{"cartStatus": {"serverTimeStamp": STAMP}, "sdeType": "CART_STATUS", "serverTimeStamp": STAMP, "isAuthenticated": False}]}}
    assert _rules_at(record, api_version="v2") == {("auth-section", "warning", "/sdes/events/0/isAuthenticated")}


def test_an_unauthenticated_event_without_the_flag_is_legal():
    """No field table lists isAuthenticated ("not in any table"; MI-Conv documents events, serverTimeStamp and
    sdeType only): its absence contradicts nothing. A flag that says true still does."""
    event = {"cartStatus": {"serverTimeStamp": STAMP}, "sdeType": "CART_STATUS", "serverTimeStamp": STAMP}
    assert _rules_at({"sdes": {"events": []}, "unAuthSdes": {"events": [event]}}, api_version="v2") == set()
    flagged = {"sdes": {"events": []}, "unAuthSdes": {"events": [{**event, "isAuthenticated": True}]}}
    assert _rules_at(flagged, api_version="v2") == {("auth-section", "warning", "/unAuthSdes/events/0/isAuthenticated")}
    [finding] = [f for f in validator.lint(flagged, api_version="v2") if f.rule == "auth-section"]
    assert finding.message == "event under unAuthSdes says isAuthenticated: true; expected false"  # as JSON writes it, not Python's True


@pytest.mark.parametrize(("section", "flag", "contradicts"), [
    ("unAuthSdes", "false", False), ("unAuthSdes", None, False), ("unAuthSdes", 0, False), ("unAuthSdes", "true", True),
    ("sdes", "true", False), ("sdes", None, False), ("sdes", 1, False), ("sdes", "false", True),
])
def test_auth_section_reads_what_the_flag_says_in_either_section(section, flag, contradicts):
    """A flag of the wrong type is the schema's wrong-type; auth-section reports only a flag whose value contradicts
    its section, the same way under sdes and unAuthSdes: unAuthSdes "false" says false (not a contradiction), "true"
    under unAuthSdes and "false" under sdes do contradict."""
    event = {"cartStatus": {"serverTimeStamp": STAMP}, "sdeType": "CART_STATUS", "serverTimeStamp": STAMP, "isAuthenticated": flag}
    record = {"sdes": {"events": []}, "unAuthSdes": {"events": []}}
    record[section]["events"].append(event)
    rules = {f.rule for f in validator.lint(record, api_version="v2") if f.pointer == f"/{section}/events/0/isAuthenticated"}
    assert rules == ({"auth-section", "wrong-type"} if contradicts else {"wrong-type"})


# --- issue 11.4 and 11.5: values past the int/float/date limits --------------------------------

HUGE = "9" * 5000


@pytest.mark.parametrize(
    "payload",
    [
        {"cartStatus": {"serverTimeStamp": HUGE, "originalTimeStamp": HUGE}, "sdeType": "CART_STATUS", "serverTimeStamp": HUGE},
        {"info": {"conversationId": "c", "status": "CLOSE", "startTimeL": 1472481024565, "endTimeL": 1472481024566},
         "messageRecords": [{"seq": HUGE, "time": "2016-08-29 15:14:19.564+0000", "timeL": HUGE}, {"seq": "1", "timeL": HUGE}],
         "sdes": {"events": [{"cartStatus": {"serverTimeStamp": HUGE}, "sdeType": "CART_STATUS", "serverTimeStamp": HUGE}]}},
        {"cartStatus": {"serverTimeStamp": STAMP, "total": 10**309, "numItems": 10**400, "products": [{"quantity": 10**309, "product": {"price": -(10**309)}}]}, "sdeType": "CART_STATUS", "serverTimeStamp": STAMP},
        {"purchase": {"serverTimeStamp": STAMP, "total": 10**309, "cart": {"total": 1, "products": []}}, "sdeType": "PURCHASE", "serverTimeStamp": STAMP},
        {"customerInfo": {"serverTimeStamp": STAMP, "customerInfo": {"lastPaymentDate": {"year": 10**30, "month": 1, "day": 1}}}, "sdeType": "CUSTOMER_INFO", "serverTimeStamp": STAMP},
        _personal({"customerAge": {"customerAgeInYears": 10**309, "customerYearOfBirth": 10**30, "customerMonthOfBirth": 1, "customerDateOfBirth": 1}}),
    ],
)
def test_hostile_numbers_are_reported_not_crashed_on(payload):
    findings = validator.lint(payload)
    assert all(len(f.message) < 400 for f in findings), [f.message[:100] for f in findings if len(f.message) >= 400]


def test_a_timestamp_of_five_thousand_digits_is_reported_briefly():
    event = {"cartStatus": {"serverTimeStamp": HUGE}, "sdeType": "CART_STATUS", "serverTimeStamp": HUGE}
    hits = _hits(event, "timestamp-range")
    assert {f.pointer for f in hits} == {"/serverTimeStamp", "/cartStatus/serverTimeStamp"}
    assert all("5000 characters" in f.message and len(f.message) < 200 for f in hits)


def test_a_huge_cart_amount_is_shown_by_its_first_digits():
    cart = {"serverTimeStamp": STAMP, "total": 10**300, "numItems": 1, "products": [{"quantity": 1, "product": {"price": 1}}]}
    (hit,) = _hits({"cartStatus": cart, "sdeType": "CART_STATUS", "serverTimeStamp": STAMP}, "cart-arithmetic")
    assert hit.pointer == "/cartStatus/total" and "301 characters" in hit.message


def test_a_year_past_any_calendar_is_a_calendar_date_finding():
    event = {"customerInfo": {"serverTimeStamp": STAMP, "customerInfo": {"registrationDate": {"year": 10**30, "month": 1, "day": 1}}}, "sdeType": "CUSTOMER_INFO", "serverTimeStamp": STAMP}
    (hit,) = _hits(event, "calendar-date")
    assert "not a calendar date" in hit.message


# --- issue 11.3: custom-rule patterns in linear time ---------------------------------------------

def test_a_catastrophic_pattern_finishes_at_once(tmp_path):
    config = _config(tmp_path, "custom-rules:\n  - {name: as-only, where: lead.topic, check: pattern, options: {regex: '^(a+)+$'}, message: 'not only a: {value}'}\n")
    event = {"lead": {"serverTimeStamp": STAMP, "lead": {"topic": "a" * 40 + "!"}}, "sdeType": "LEAD", "serverTimeStamp": STAMP}
    began = time.perf_counter()
    hits = _hits(event, "as-only", config=config)
    assert time.perf_counter() - began < 5  # Python's re takes minutes here
    assert [f.pointer for f in hits] == ["/lead/lead/topic"]
    event["lead"]["lead"]["topic"] = "a" * 40
    assert _hits(event, "as-only", config=config) == []


@pytest.mark.parametrize("pattern", [r"(a)\1", "(?=a)b", "(?<!a)b"])
def test_a_pattern_re2_cannot_run_is_a_configuration_error_with_its_place(tmp_path, pattern, capfd):
    config = _config(tmp_path, f"rules: {{}}\ncustom-rules:\n  - name: x\n    where: lead.topic\n    check: pattern\n    options: {{regex: '{pattern}'}}\n    message: m\n")
    with pytest.raises(CatalogueError) as caught:  # a usage error: exit code 2
        Configuration.load(config)
    assert f"{config}:6:" in str(caught.value) and "invalid regex" in str(caught.value)
    assert "re2.cc" not in capfd.readouterr().err  # RE2 does not log to stderr


# --- issue 11.20: no absolute configuration path in what a rule tells ------------------------------

def test_a_custom_rules_rationale_names_its_file_relative_to_the_configuration_root(tmp_path, cli):
    config = _config(tmp_path, "custom-rules:\n  - {name: has-topic, where: lead.topic, check: required, message: no topic}\n")
    loaded = Configuration.load(config)
    rationale = loaded.specs()["has-topic"].rationale
    assert rationale == "Custom rule from .sdelint.yaml: required on lead.topic."
    result = cli("explain", "--config", str(config), "has-topic")
    assert str(tmp_path) not in result.output and ".sdelint.yaml" in result.output


def test_sarif_does_not_carry_the_configuration_path(tmp_path, run_sdelint, example_path):
    config = _config(tmp_path, "custom-rules:\n  - {name: has-topic, where: lead.ticketId, check: required, message: no ticket}\n")  # the example's lead has none
    proc = run_sdelint("check", "--format", "sarif", "--config", str(config), str(example_path), cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    (descriptor,) = [r for r in json.loads(proc.stdout)["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "has-topic"]
    assert str(tmp_path) not in json.dumps(descriptor) and ".sdelint.yaml" in json.dumps(descriptor)


# --- issue 11.13: discovery stops at the repository root -----------------------------------------

def test_discovery_stops_at_the_repository_root(tmp_path, cli, example_path):
    (tmp_path / "pyproject.toml").write_text("[tool.sdelint\nbroken", encoding="utf-8")  # above the checkout
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    target = repo / "data" / "x.json"
    target.write_bytes(example_path.read_bytes())
    assert discover(target) is None
    result = cli("check", str(target))
    assert result.exit_code == 0, result.output
    # a configuration inside the repository is still found, at its root too
    (repo / ".sdelint.yaml").write_text("rules: {}\n", encoding="utf-8")
    assert discover(target) == (repo / ".sdelint.yaml").resolve()


def test_discovery_still_walks_up_outside_a_repository(tmp_path):
    (tmp_path / ".sdelint.yaml").write_text("rules: {}\n", encoding="utf-8")
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert discover(tmp_path / "a" / "b") == (tmp_path / ".sdelint.yaml").resolve()


@pytest.mark.parametrize(("section", "flag", "contradicts"), [
    ("unAuthSdes", "false", False), ("unAuthSdes", "true", True), ("unAuthSdes", True, True),
    ("sdes", "true", False), ("sdes", "false", True), ("sdes", False, True),
])
def test_auth_section_reads_a_containers_flag_as_it_reads_the_events(section, flag, contradicts):
    """customerInfo.isAuthenticated is read as the event's own flag is: "false" under sdes says false (it was
    passed over there while the event's "false" was reported), "true" under unAuthSdes says true."""
    container = {"serverTimeStamp": STAMP, "isAuthenticated": flag, "customerInfo": {}}
    event = {"customerInfo": container, "sdeType": "CUSTOMER_INFO", "serverTimeStamp": STAMP}
    record = {"sdes": {"events": []}, "unAuthSdes": {"events": []}}
    record[section]["events"].append(event)
    pointer = f"/{section}/events/0/customerInfo/isAuthenticated"
    found = [f for f in validator.lint(record, api_version="v2") if f.pointer == pointer and f.rule == "auth-section"]
    assert bool(found) == contradicts
    if found:
        assert found[0].message.endswith(f"says isAuthenticated: {json.dumps(flag)}")


def test_code_list_leaves_a_v2_code_that_is_no_integer_to_the_schema(cli, tmp_path):
    """A verdict sweep: in v2 originatingChannel "Search" (and a serviceActivity status " 1") were a bad-value error
    and, beside it, a code-list warning saying the same; v1, where any text is a value, keeps the warning alone."""
    events = [_double("marketingCampaignInfo", "MARKETING_CAMPAIGN_INFO", {"originatingChannel": "Search"}),
              _double("serviceActivity", "SERVICE_ACTIVITY", {"status": " 1"})]
    events[1]["serverTimeStamp"] = events[1]["serviceActivity"]["serverTimeStamp"] = "1528628536881"
    path = tmp_path / "codes.json"
    path.write_text(json.dumps({"sdes": {"events": events}}), encoding="utf-8")

    def rules(version: str) -> list[tuple[str, str]]:
        report = json.loads(cli("check", "--format", "json", "--api-version", version, path).output)
        return [(f["rule"], f["pointer"].rsplit("/", 1)[1]) for f in report["findings"]]

    assert rules("v2") == [("bad-value", "originatingChannel"), ("bad-value", "status")]
    assert rules("v1") == [("code-list", "originatingChannel"), ("code-list", "status")]


# --- conversation-end ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "status, end, fires",
    [
        ("OPEN", -1, False), ("OPEN", 1472481100000, True),
        ("CLOSE", -1, True), ("CLOSED", -1, True), ("CLOSE", 1472481100000, False), ("CLOSE", 1472481000000, True),
        # the specification lists no statuses: one it does not show is no sign of an ended conversation
        ("OVERDUE", -1, False), ("PENDING", -1, False), ("OVERDUE", 1472481000000, True),
    ],
)
def test_conversation_end_judges_an_end_only_by_the_statuses_it_knows(status, end, fires):
    record = {"info": {"conversationId": "c1", "status": status, "startTimeL": 1472481024565, "endTimeL": end}}
    assert [f.pointer for f in _hits(record, "conversation-end")] == (["/info/endTimeL"] if fires else [])


# --- one defect, one finding: negative-amount and cart-arithmetic beside the schema -----------

def _cart(attrs: dict, **outer) -> dict:
    return {"cartStatus": {"serverTimeStamp": STAMP, **attrs}, "sdeType": "CART_STATUS", "serverTimeStamp": STAMP, **outer}


def test_a_stock_count_where_no_table_has_one_is_only_unknown_field():
    """quantityInStock is viewedProduct's (its table): in a cart's products, or on the web side's prodView, it is an
    unknown-field, and negative-amount does not report the same member again."""
    cart = _cart({"products": [{"quantity": "1", "quantityInStock": "-3", "product": {"price": "7.8", "quantityInStock": -2}}]})
    web = {"type": "prodView", "products": [{"product": {"name": "boot", "quantityInStock": -4}}]}
    for payload in (cart, web):
        found = [(f.rule, f.pointer) for f in validator.lint(payload) if f.rule in ("negative-amount", "unknown-field")]
        assert found and {rule for rule, _ in found} == {"unknown-field"}
    viewed = {"viewedProduct": {"serverTimeStamp": STAMP, "products": [{"quantityInStock": "-3", "product": {"quantityInStock": -2}}]},
              "sdeType": "VIEWED_PRODUCT", "serverTimeStamp": STAMP, "isAuthenticated": False}
    assert {f.pointer for f in _hits(viewed, "negative-amount")} == {
        "/viewedProduct/products/0/quantityInStock", "/viewedProduct/products/0/product/quantityInStock"}


def test_an_int_the_v2_schema_rejects_enters_no_sum_and_no_sign_check():
    """In v2 numItems "1.5" and quantity "-1.5" are bad-value (not ints): cart-arithmetic and negative-amount leave them to it."""
    cart = _cart({"total": "7.8", "numItems": "1.5", "products": [{"quantity": "-1.5", "product": {"price": "7.8"}}]}, isAuthenticated=False)
    found = {(f.rule, f.pointer) for f in validator.lint(cart) if f.severity != "info"}
    assert found == {("bad-value", "/cartStatus/numItems"), ("bad-value", "/cartStatus/products/0/quantity")}
    # the cart is still added up where its numbers are ints: here numItems does not match
    cart = _cart({"total": "7.8", "numItems": "3", "products": [{"quantity": "1", "product": {"price": "7.8"}}, {"quantity": "2147483648"}]},
                 isAuthenticated=False)
    assert {(f.rule, f.pointer) for f in validator.lint(cart) if f.severity != "info"} == {("bad-value", "/cartStatus/products/1/quantity")}
    # in v1 every value is text: the rules are the only ones to say it
    v1 = _cart({"total": "7.8", "numItems": "1.5", "products": [{"quantity": "-1.5", "product": {"price": "7.8"}}]})
    assert {f.rule for f in validator.lint(v1, api_version="v1")} == {"cart-arithmetic", "negative-amount"}
