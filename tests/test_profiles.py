"""Profiles (issue 14): Engagement History responses and web-side payloads, through the real CLI.

Every payload here is hand-written after the field reference (§1-§3); none is copied from
LivePerson's pages. Positions are found in the text itself (``at``), so each expected line and
column is the place a reader of the file would point at.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

import validator
from conftest import EXAMPLE
from validator.config import ConfigError
from validator.load.js_literal import parse_source

EH_RESPONSE = """\
{
  "_metadata": {"count": 1},
  "interactionHistoryRecords": [
    {
      "info": {"engagementId": "3512516612", "isChatDataEnriched": true},
      "sdes": {
        "events": [
          {"serverTimeStamp": "1440412721832",
           "viewProduct": {"serverTimeStamp": "1440412721832", "currency": "EUR",
             "products": [{"product": {"name": "walking boot", "category": "boots", "sku": "wb-1", "price": "77.8"}, "quantity": null}]}},
          {"serverTimeStamp": "1440412721832",
           "formFillingError": {"serverTimeStamp": "1440412721832",
             "visitorError": {"contextId": "loan form", "message": {"string": "Zip code missing"}, "code": {"string": "zip-1"}, "level": "2", "resolved": "true"}}},
          {"serverTimeStamp": "1440412721832",
           "personalInfo": {"serverTimeStamp": "1440412721832", "name": "Ada", "surname": "Byron", "gender": "FEMALE", "language": "en-GB"}},
          {"serverTimeStamp": "1440412721832",
           "customerInfo": {"serverTimeStamp": "1440412721832",
             "customerInfo": {"customerId": "c-77", "socialId": 4444, "balance": "-12.5", "Currency": "GBP"}}},
          {"serverTimeStamp": "1440412721832",
           "cartStatus": {"serverTimeStamp": "1440412721832", "total": "15.6", "currency": "EUR", "numItems": "2",
             "products": [{"product": {"name": "sock", "price": "7.8"}, "quantity": "2"}]}}
        ]
      }
    }
  ]
}
"""

EH_DEFECTS = """\
{
  "interactionHistoryRecords": [
    {
      "sdes": {
        "events": [
          {"serverTimeStamp": "1440412721832",
           "viewProduct": {"serverTimeStamp": "1440412721832", "currency": "EURO",
             "products": [{"product": {"name": "walking boot", "price": "cheap"}}]}},
          {"serverTimeStamp": "1440412721832",
           "formFillingError": {"serverTimeStamp": "1440412721832",
             "visitorError": {"message": {"string": "Zip code missing"}, "resolved": "perhaps"}}},
          {"serverTimeStamp": "1440412721832",
           "personalInfo": {"serverTimeStamp": "1440412721832", "nmae": "Ada", "gender": "F"}},
          {"serverTimeStamp": "1440412721832",
           "cartStatus": {"serverTimeStamp": "1440412721832", "total": "20", "numItems": "2",
             "products": [{"product": {"name": "sock", "price": "7.8"}, "quantity": "2"}]}},
          {"serverTimeStamp": "1440412721832", "basket": {}}
        ]
      }
    }
  ]
}
"""

WEB_JS = """\
// checkout page: what the site pushes
window.lpTag = window.lpTag || {};
lpTag.sdes = lpTag.sdes || [];
/* lpTag.sdes.push({type: 'cart', total: 'commented out'}); */
var note = "lpTag.sdes.push({not: 'code'})";
lpTag.sdes.push({
  type: 'cart', // the basket
  total: 15.6,
  currency: 'EUR',
  numItems: 2,
  products: [{product: {name: 'sock', category: "clothes", sku: 's-1', price: 7.8}, quantity: 2,},],
});
lpTag.sdes.push([
  {type: "personal", personal: {firstname: "Ada", lastname: 'Byron', gender: 1, age: {age: 36, year: 1815, month: 12, day: 10},
    contacts: [{email: "ada@example.org", phone: "+44 20 7946 0000", phoneType: "HOME", address: {country: "GB", region: "London"}}]}},
  {type: "mrktInfo", info: {channel: "1", affiliate: "newsletter", campaignId: "winter sale"}},
]);
lpTag.sdes.send({'type': "service", "service": {topic: `order cheque book`, status: 0x1, category: 'finance', serviceId: "sv-12"}});
"""

WEB_JS_DEFECTS = """\
lpTag.sdes.push({
  type: 'cart',
  total: '15.6 EUR',
  numItems: 2,
  products: [{product: {name: 'sock', price: 7.8}, quantity: 2}],
});
lpTag.sdes.push({type: "ctmrinfo", info: {cstatus: "vip", balance: userBalance}});
lpTag.sdes.push({type: "personal", personal: {firstname: "Ada", genre: "FEMALE"}});
lpTag.sdes.push({type: "lead", lead: {topic: "loan", value: 200 currency: "EUR"}});
lpTag.sdes.push({type: "prodView", products: []});
"""

WEB_HTML = """\
<!doctype html>
<html><head><title>Don't push in prose</title><script src="lptag.js"></script></head>
<body>
<p>lpTag.sdes.push({type: "cart"}) in prose is not code.</p>
<script>
  lpTag.sdes = lpTag.sdes || [];
  lpTag.sdes.push({type: "error", error: {contextId: "card", message: "Card expired", code: "c-9", level: "high", resolved: false}});
  lpTag.sdes.push({type: "searchInfo", keywords: ["reset password"]});
</script>
</body></html>
"""

TOKEN_CLAIMS = """\
{"iss": "https://idp.example.org", "sub": "c-77",
 "lp_sdes": [
   {"type": "ctmrinfo", "info": {"cstatus": "cancelled", "ctype": "vip", "customerId": "c-77"}},
   {"type": "personal", "personal": {"firstname": "Ada", "gender": "FEMALE"}}
 ]}
"""

TOKEN_CLAIMS_DEFECTS = """\
{"iss": "https://idp.example.org", "sub": "c-77",
 "lp_sdes": [
   {"type": "ctmrinfo", "info": {"customerId": "c-77", "storeNumber": "12"}},
   {"type": "cart", "total": 1, "numItems": 1}
 ]}
"""

ENGAGEMENT_BODY = """\
{"appType": "MOBILE_APP", "engagementAttributes": [
  {"type": "purchase", "total": 7.8, "orderId": "o-1", "cart": {"products": [{"product": {"name": "sock", "price": 7.8}, "quantity": 1}], "numItems": 1}},
  {"type": "lead", "lead": {"topic": "loan", "value": 200, "currency": "EUR", "leadId": "l-1"}}
]}
"""


def at(text: str, needle: str, skip: int = 0) -> tuple[int, int]:
    """1-based (line, column) of ``needle`` (plus ``skip`` characters) in ``text``: where a finding must point."""
    offset = text.index(needle) + skip
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def check_json(cli, path: Path, *options: str) -> dict:
    result = cli("check", "--format", "json", *options, path)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def places(report: dict) -> set[tuple[int, int, str, str]]:
    return {(f["line"], f["column"], f["rule"], f["pointer"]) for f in report["findings"]}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_web_members_inside_a_response_or_record_leave_it_a_messaging_payload(cli, tmp_path, example):
    """engagementAttributes in a record's campaign or lp_sdes in a message's metadata: the response still says
    what it is by conversationHistoryRecords, and is checked as one (before, it was taken for a web body)."""
    plain = check_json(cli, write(tmp_path, "plain.json", json.dumps(example, indent=2)), "--min-severity", "info")
    assert plain["files"][0]["profile"] == "messaging" and plain["findings"]
    data = json.loads(json.dumps(example))
    record = data["conversationHistoryRecords"][0]
    record["campaign"]["engagementAttributes"] = None
    record["messageRecords"][0]["structuredMetadata"] = [{"lp_sdes": [{"type": "ctmrinfo", "info": {"ctype": "vip"}}]}]
    for name, document in (("response.json", data), ("record.json", record), ("records.json", [record])):
        report = check_json(cli, write(tmp_path, name, json.dumps(document, indent=2)), "--min-severity", "info")
        assert report["files"][0]["profile"] == "messaging", name
        rules = sorted((f["rule"], f["pointer"].removeprefix("/conversationHistoryRecords/0").removeprefix("/0")) for f in report["findings"])
        assert rules == sorted((f["rule"], f["pointer"].removeprefix("/conversationHistoryRecords/0")) for f in plain["findings"]), name
    forced = check_json(cli, write(tmp_path, "forced.json", json.dumps(data)), "--profile", "web")
    assert forced["files"][0]["profile"] == "web" and forced["files"][0]["profile_reason"] == "given"


# --- Engagement History -----------------------------------------------------------------------


def test_engagement_history_response_is_recognised_and_its_real_shapes_are_accepted(cli, tmp_path):
    report = check_json(cli, write(tmp_path, "eh.json", EH_RESPONSE))
    [file] = report["files"]
    assert (file["kind"], file["profile"], file["profile_reason"]) == ("eh-response", "engagement-history", "has interactionHistoryRecords")
    assert file["api_version"] is None and file["events"] == 5
    # only the documented misspelling Currency (the EH example's key) is worth a warning
    assert [(f["rule"], f["pointer"]) for f in report["findings"]] == [
        ("unknown-field", "/interactionHistoryRecords/0/sdes/events/3/customerInfo/customerInfo/Currency"),
    ]


def test_engagement_history_defects_are_reported_at_their_place_in_the_original(cli, tmp_path):
    path = write(tmp_path, "eh-bad.json", EH_DEFECTS)
    report = check_json(cli, path)
    events = "/interactionHistoryRecords/0/sdes/events"
    t = EH_DEFECTS
    assert places(report) == {
        (*at(t, '"EURO"'), "currency-code", f"{events}/0/viewProduct/currency"),
        (*at(t, '"perhaps"'), "bad-value", f"{events}/1/formFillingError/visitorError/resolved"),
        (*at(t, '"nmae"'), "unknown-field", f"{events}/2/personalInfo/nmae"),
        (*at(t, '"F"'), "code-list", f"{events}/2/personalInfo/gender"),
        (*at(t, '"20"'), "cart-arithmetic", f"{events}/3/cartStatus/total"),
        (*at(t, '{"serverTimeStamp": "1440412721832", "basket"'), "missing-field", f"{events}/4"),
    }
    assert cli("check", path).exit_code == 1


def test_eh_values_its_tables_call_alphanumeric_take_any_text(cli, tmp_path):
    """The EH type column says alphanumeric for total, numItems, quantity, price, companySize, originatingChannel and
    level (balance's cell is empty): as in API v1, text there is legal. A review found them errors ("expected double");
    the price "cheap" above was one. resolved keeps its documented "(false.true)"; a code list still applies."""
    event = lambda key, attrs: {"serverTimeStamp": "1440412721832", key: {"serverTimeStamp": "1440412721832", **attrs}}  # noqa: E731
    text = json.dumps({"interactionHistoryRecords": [{"sdes": {"events": [
        event("customerInfo", {"customerInfo": {"companySize": "about 50", "balance": "400.99 USD"}}),
        event("cartStatus", {"total": "n/a", "numItems": "2", "products": [{"quantity": "two", "product": {"name": "boot", "price": "cheap"}}]}),
        event("formFillingError", {"visitorError": {"level": "high", "resolved": "maybe"}}),
        event("marketingCampaignInfo", {"marketingCampaignInfo": {"originatingChannel": "Direct"}}),
    ]}}]})
    report = check_json(cli, write(tmp_path, "eh.json", text), "--min-severity", "info")
    events = "/interactionHistoryRecords/0/sdes/events"
    assert [(f["rule"], f["pointer"]) for f in report["findings"]] == [
        ("bad-value", f"{events}/2/formFillingError/visitorError/resolved"),
        ("code-list", f"{events}/3/marketingCampaignInfo/marketingCampaignInfo/originatingChannel"),
    ]


def test_an_eh_message_names_a_container_by_the_key_the_payload_uses(cli, tmp_path):
    """EH-Methods sends viewProduct and formFillingError; the checks see viewedProduct and visitorError. A message
    naming the container said "in viewedProduct" beside a pointer into viewProduct."""
    event = {"serverTimeStamp": "1440412721832", "viewProduct": {"serverTimeStamp": "1440412721832", "Currency": "USD"}}
    wrapped = {"serverTimeStamp": "1440412721832", "formFillingError": {"serverTimeStamp": "1440412721832", "error": {}}}
    path = write(tmp_path, "eh-names.json", json.dumps({"interactionHistoryRecords": [{"sdes": {"events": [event, wrapped]}}]}))
    messages = {f["pointer"].split("/events/")[1]: f["message"] for f in check_json(cli, path)["findings"]}
    assert messages == {
        "0/viewProduct/Currency": "unknown field 'Currency' in viewProduct (did you mean 'currency'?)",
        "1/formFillingError": "missing required field 'visitorError' in formFillingError",
        "1/formFillingError/error": "unknown field 'error' in formFillingError",
    }


def test_an_eh_sdes_block_is_engagement_history_by_its_events_and_messaging_only_when_asked(cli, tmp_path):
    block = {"events": [{"serverTimeStamp": "1440412721832", "lead": {"serverTimeStamp": "1440412721832", "lead": {"topic": "loan", "value": "22.5"}}}]}
    path = write(tmp_path, "sdes.json", json.dumps(block))
    report = check_json(cli, path)
    assert (report["files"][0]["profile"], report["files"][0]["kind"]) == ("engagement-history", "events")
    assert report["files"][0]["profile_reason"] == "events without sdeType (the first at /events/0)"
    assert report["findings"] == []
    messaging = check_json(cli, path, "--profile", "messaging")
    assert [(f["rule"], f["message"]) for f in messaging["findings"]] == [("missing-field", "missing required field 'sdeType'")]
    assert messaging["files"][0]["profile_reason"] == "given"
    # a named API version is a Messaging Interactions contract: a missing sdeType is then its defect
    versioned = check_json(cli, path, "--api-version", "v2")
    assert [(f["rule"], f["pointer"]) for f in versioned["findings"]] == [("missing-field", "/events/0")]
    assert versioned["files"][0]["profile"] == "messaging"


def test_record_rules_and_messaging_only_rules_do_not_run_on_engagement_history(cli, tmp_path):
    # originalTimeStamp after serverTimeStamp: timestamp-order's finding in Messaging Interactions, the EH examples' norm
    event = {"serverTimeStamp": "1440412721832", "purchase": {"serverTimeStamp": "1440412721832", "originalTimeStamp": "1440413291351", "total": "11.7"}}
    report = check_json(cli, write(tmp_path, "eh.json", json.dumps({"interactionHistoryRecords": [{"sdes": {"events": [event]}}]})), "--min-severity", "info")
    assert report["findings"] == []
    mi = {**event, "sdeType": "PURCHASE"}
    report = check_json(cli, write(tmp_path, "mi.json", json.dumps({"events": [mi]})), "--min-severity", "info")
    assert "timestamp-order" in {f["rule"] for f in report["findings"]}


def test_an_eh_event_printed_bare_borrows_its_containers_server_timestamp(cli, tmp_path):
    """Field reference §3.4: "EH-App prints purchase as a bare { "purchase": {...} } (no sdes.events)". Its
    container's serverTimeStamp stands for the event's; without either, the event still misses one."""
    bare = {"purchase": {"serverTimeStamp": "1440412721832", "total": "17.8", "currency": "USD", "orderId": "DRV1534XC",
                         "cart": {"total": "17.8", "numItems": "1", "products": [{"quantity": "1", "product": {"price": "17.8"}}]}}}
    report = check_json(cli, write(tmp_path, "bare.json", json.dumps(bare)), "--min-severity", "info")
    assert report["files"][0]["profile"] == "engagement-history"
    assert report["findings"] == []
    del bare["purchase"]["serverTimeStamp"]
    report = check_json(cli, write(tmp_path, "stampless.json", json.dumps(bare)), "--min-severity", "info")
    assert sorted((f["rule"], f["pointer"]) for f in report["findings"]) == [("missing-field", ""), ("missing-field", "/purchase")]


def test_an_eh_personal_contact_may_carry_the_address_and_phone_type_the_examples_send(cli, tmp_path):
    """Field reference §3.2: "EH-Methods latest response-1: personalContact.address{country:"Israel", region:"Moscow",
    zipCode: 12345}". The country code list is the web table's: a country name is not held to it here."""
    contact = {"email": "a@b.com", "phoneType": "MOBILE", "address": {"country": "Israel", "region": "Moscow", "zipCode": 12345}}
    event = {"serverTimeStamp": "1440412721832", "personalInfo": {"serverTimeStamp": "1440412721832", "contacts": [{"personalContact": contact}]}}
    path = write(tmp_path, "eh.json", json.dumps({"interactionHistoryRecords": [{"sdes": {"events": [event]}}]}))
    assert check_json(cli, path, "--min-severity", "info")["findings"] == []
    contact["address"]["street"], contact["phoneType"] = "Main St", "CELL"
    report = check_json(cli, write(tmp_path, "eh-bad.json", json.dumps({"interactionHistoryRecords": [{"sdes": {"events": [event]}}]})))
    pointer = "/interactionHistoryRecords/0/sdes/events/0/personalInfo/contacts/0/personalContact"
    assert sorted((f["rule"], f["pointer"]) for f in report["findings"]) == [
        ("code-list", f"{pointer}/phoneType"), ("unknown-field", f"{pointer}/address/street"),
    ]


def test_a_zip_code_is_text_in_v1_and_text_or_a_number_in_v2(cli, tmp_path):
    """And numeric-string leaves it alone: only the table's types (double, int, long, boolean, timestamp) are typed."""
    def event(zip_code):
        contact = {"personalContact": {"address": {"country": "IL", "zipCode": zip_code}}}
        return {"events": [{"sdeType": "PERSONAL_INFO", "serverTimeStamp": "1528628536879",
                            "personalInfo": {"serverTimeStamp": "1528628536879", "personalInfo": {"contacts": [contact]}}}]}

    assert check_json(cli, write(tmp_path, "v1.json", json.dumps(event("12345"))), "--api-version", "v1")["findings"] == []
    assert check_json(cli, write(tmp_path, "v2.json", json.dumps(event(12345))), "--api-version", "v2")["findings"] == []
    # text is a zip code's own type (the leading zero of "02134" is kept only as text): no numeric-string note
    text_zip = check_json(cli, write(tmp_path, "v2-text.json", json.dumps(event("02134"))), "--api-version", "v2", "--min-severity", "info")
    assert text_zip["findings"] == []
    wrong = check_json(cli, write(tmp_path, "v1-number.json", json.dumps(event(12345))), "--api-version", "v1")
    assert [f["pointer"].rsplit("/", 1)[-1] for f in wrong["findings"] if f["severity"] == "error"] == ["zipCode"]


# --- web side: JSON ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "reason"),
    [
        ('{"type": "cart", "total": 7.8, "numItems": 1}', "web-sde", "lpTag type 'cart' at /type"),
        ('[{"type": "searchInfo", "keywords": ["boots"]}, {"type": "lead", "lead": {"value": 1}}]', "web-sde-list", "lpTag type 'searchInfo' at /0/type"),
        (ENGAGEMENT_BODY, "web-body", "has engagementAttributes at /engagementAttributes"),
        (TOKEN_CLAIMS, "web-body", "has lp_sdes at /lp_sdes"),
        ('{"body": {"authenticatedData": {"lp_sdes": [{"type": "personal", "personal": {"firstname": "Ada"}}]}}}', "web-body",
         "has lp_sdes at /body/authenticatedData/lp_sdes"),
    ],
)
def test_web_json_payloads_are_recognised_and_legal_ones_pass(cli, tmp_path, text, kind, reason):
    report = check_json(cli, write(tmp_path, "web.json", text), "--min-severity", "info")
    file = report["files"][0]
    assert (file["kind"], file["profile"], file["profile_reason"]) == (kind, "web", reason)
    assert report["findings"] == []


def test_objects_from_get_user_profile_keep_the_members_the_sdk_adds(cli, tmp_path):
    """Field reference §6: getUserProfile gives claims.lp_sdes objects the token's acr and iss, authenticatedData.lp_sdes
    ones auth: {}. They are accepted on every type, typed, and anything else is still an unknown field."""
    profile = [{"type": "ctmrinfo", "info": {"cstatus": "vip"}, "acr": "loa1", "iss": "https://idp.example"},
               {"type": "personal", "personal": {"firstname": "Ada"}, "auth": {}},
               {"type": "cart", "total": 7.8, "numItems": 1, "acr": "loa1", "iss": "https://idp.example"}]
    assert check_json(cli, write(tmp_path, "profile.json", json.dumps(profile)), "--min-severity", "info")["findings"] == []
    profile[0]["acr"], profile[1]["issuer"] = 5, "x"
    report = check_json(cli, write(tmp_path, "bad.json", json.dumps(profile)))
    assert sorted((f["rule"], f["pointer"]) for f in report["findings"]) == [("unknown-field", "/1/issuer"), ("wrong-type", "/0/acr")]


def test_a_web_product_line_names_its_product(cli, tmp_path):
    """Field reference §3.3, the web Types table: "products[].product … product object (true)", mandatory in the Products
    object of a cart, a purchase's cart and a product view."""
    line = {"quantity": 1}
    sdes = [{"type": "cart", "total": 7.8, "numItems": 1, "products": [line]},
            {"type": "purchase", "total": 7.8, "cart": {"products": [line]}},
            {"type": "prodView", "products": [line]}]
    report = check_json(cli, write(tmp_path, "lines.json", json.dumps(sdes)))
    assert sorted((f["rule"], f["pointer"]) for f in report["findings"]) == [
        ("missing-field", "/0/products/0"), ("missing-field", "/1/cart/products/0"), ("missing-field", "/2/products/0"),
    ]
    line["product"] = {"name": "sock", "price": 7.8}
    assert check_json(cli, write(tmp_path, "good.json", json.dumps(sdes)), "--min-severity", "info")["findings"] == []


def test_lp_sdes_is_held_to_the_authenticated_flow(cli, tmp_path):
    report = check_json(cli, write(tmp_path, "claims.json", TOKEN_CLAIMS_DEFECTS))
    t = TOKEN_CLAIMS_DEFECTS
    assert places(report) == {
        (*at(t, '"storeNumber"'), "bad-value", "/lp_sdes/0/info/storeNumber"),
        (*at(t, '"cart"'), "bad-value", "/lp_sdes/1/type"),
    }
    # the same objects pushed on a page (not the authenticated flow) are fine
    body = t.replace("lp_sdes", "engagementAttributes")
    assert check_json(cli, write(tmp_path, "body.json", body))["findings"] == []


def test_the_readme_claims_example_prints_what_the_readme_shows(cli, tmp_path, monkeypatch):
    """The README's web-side example: its claims.json, checked, prints the block under it, line for line (the block
    cut the message short with '...' and left out the summary line)."""
    import re

    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (claims,) = re.findall(r'```json\n(\{"iss".*?)```', readme, re.S)
    (shown,) = re.findall(r"```text\n\$ sdelint check claims\.json\n(.*?)```", readme, re.S)
    write(tmp_path, "claims.json", claims)
    monkeypatch.chdir(tmp_path)
    result = cli("check", "claims.json")
    assert result.exit_code == 1
    assert result.output.splitlines() == shown.splitlines()


def test_web_side_names_and_types_follow_the_web_tables(cli, tmp_path):
    sde = {"type": "ctmrinfo", "info": {"customerStatus": "vip", "balance": "lots", "lastPaymentDate": {"day": 31, "month": 2, "year": 2020}}}
    text = json.dumps(sde)
    report = check_json(cli, write(tmp_path, "one.json", text))
    assert {(f["rule"], f["pointer"]) for f in report["findings"]} == {
        ("unknown-field", "/info/customerStatus"),  # the web side calls it cstatus
        ("bad-value", "/info/balance"),
        ("calendar-date", "/info/lastPaymentDate"),
    }


def test_web_birth_dates_are_real_calendar_dates(cli, tmp_path):
    """personal.age {year, month, day} is the web side's customerAge: calendar-date runs on it too."""
    bad = {"type": "personal", "personal": {"firstname": "Ann", "age": {"age": 30, "year": 1990, "month": 2, "day": 30}}}
    report = check_json(cli, write(tmp_path, "bad.json", json.dumps(bad)))
    assert [(f["rule"], f["pointer"], f["severity"]) for f in report["findings"]] == [("calendar-date", "/personal/age", "error")]
    bad["personal"]["age"]["day"] = 28
    assert check_json(cli, write(tmp_path, "good.json", json.dumps(bad)))["findings"] == []


def test_contact_and_entity_rules_read_the_web_sides_own_names(cli, tmp_path):
    """contact-format and customer-entity say they run on web payloads, but read the API's shapes only: the web side's
    contacts[]{email, phone} (not contacts[].personalContact) and cstatus/ctype (not customerStatus/customerType)."""
    path = write(tmp_path, "web.json", json.dumps([
        {"type": "personal", "personal": {"contacts": [{"email": "not-an-email", "phone": "call me"}, {"email": "ada@example.com", "phone": "+44 20 7946 0958"}]}},
        {"type": "ctmrinfo", "info": {"cstatus": "canceled", "ctype": "gold"}},
    ]))
    config = write(tmp_path, ".sdelint.yaml", "rules:\n  customer-entity: {severity: warning, statuses: [active, cancelled], types: [gold]}\n")
    report = check_json(cli, path, "--config", str(config))
    assert [(f["rule"], f["pointer"]) for f in report["findings"]] == [
        ("contact-format", "/0/personal/contacts/0/email"),
        ("contact-format", "/0/personal/contacts/0/phone"),
        ("customer-entity", "/1/info/cstatus"),
    ]


def test_members_that_are_not_lists_are_one_finding_each(cli, tmp_path):
    report = check_json(cli, write(tmp_path, "odd.json", '{"lp_sdes": "x", "engagementAttributes": [1, {"type": 3}]}'))
    assert sorted((f["rule"], f["pointer"]) for f in report["findings"]) == [
        ("bad-value", "/engagementAttributes/1/type"),
        ("wrong-type", "/engagementAttributes/0"),
        ("wrong-type", "/lp_sdes"),
    ]


def test_a_named_profile_refuses_other_kinds(cli, tmp_path):
    path = write(tmp_path, "web.json", '{"type": "cart", "total": 1, "numItems": 1}')
    report = check_json(cli, path, "--profile", "engagement-history")
    assert [f["rule"] for f in report["findings"]] == ["unrecognized-document"]
    eh = write(tmp_path, "eh.json", EH_RESPONSE)
    assert [f["rule"] for f in check_json(cli, eh, "--profile", "web")["findings"]] == ["unrecognized-document"]
    # a whole Messaging Interactions response is not read as Engagement History records (its unAuthSdes would be ignored)
    response = write(tmp_path, "response.json", json.dumps(json.loads(EXAMPLE.read_text(encoding="utf-8"))))
    report = check_json(cli, response, "--profile", "engagement-history")
    assert [(f["rule"], f["message"]) for f in report["findings"]] == [
        ("unrecognized-document", "not an engagement-history payload: a Messaging Interactions response (conversationHistoryRecords)")
    ]
    eh_report = check_json(cli, eh, "--profile", "messaging")
    assert [f["message"] for f in eh_report["findings"]] == ["not a messaging payload: an Engagement History response (interactionHistoryRecords)"]


# --- web side: JavaScript and HTML ------------------------------------------------------------


def test_pushes_in_a_js_file_are_parsed_as_sites_write_them(cli, tmp_path):
    path = write(tmp_path, "checkout.js", WEB_JS)
    report = check_json(cli, path, "--min-severity", "info")
    file = report["files"][0]
    assert (file["kind"], file["profile"], file["events"]) == ("web-source", "web", 4)
    assert report["findings"] == []


def test_defects_in_a_js_file_are_at_their_line_and_column(cli, tmp_path):
    path = write(tmp_path, "bad.js", WEB_JS_DEFECTS)
    report = check_json(cli, path, "--min-severity", "info")
    t = WEB_JS_DEFECTS
    assert places(report) == {
        (*at(t, "'15.6 EUR'"), "bad-value", "/0/total"),
        (*at(t, "userBalance"), "not-checkable", "/1"),
        (*at(t, "genre"), "unknown-field", "/2/personal/genre"),
        (*at(t, 'currency: "EUR"'), "syntax-error", "/3"),
    }
    severities = {f["rule"]: f["severity"] for f in report["findings"]}
    assert severities["not-checkable"] == "info" and severities["syntax-error"] == "error"
    text = cli("check", path).output
    line, column = at(t, 'currency: "EUR"')
    assert f"bad.js:{line}:{column}: error syntax-error invalid JavaScript in lpTag.sdes call: expected ',' or '}}' after a member" in text


def test_a_push_inside_an_html_page_is_linted_with_positions_in_the_page(cli, tmp_path):
    path = write(tmp_path, "page.html", WEB_HTML)
    result = cli("check", path)
    line, column = at(WEB_HTML, '"high"')
    assert result.output.splitlines()[0] == f"{path}:{line}:{column}: error bad-value expected long, found string \"high\" (/0/error/level)"
    assert "Profile web: lpTag.sdes pushes in a JavaScript or HTML source" in result.output
    report = check_json(cli, path)
    assert report["files"][0]["events"] == 2  # the prose push is not code


def test_js_and_html_are_taken_when_named_or_included_not_by_a_directory_walk(cli, tmp_path):
    write(tmp_path, "site.js", WEB_JS_DEFECTS)
    write(tmp_path, "page.htm", WEB_HTML)
    write(tmp_path, "ok.json", '{"type": "cart", "total": 1, "numItems": 1}')
    walked = check_json(cli, tmp_path)
    assert [Path(f["file"]).name for f in walked["files"]] == ["ok.json"]
    included = check_json(cli, tmp_path, "--include", "*.js", "--include", "*.htm")
    assert sorted(Path(f["file"]).name for f in included["files"]) == ["page.htm", "site.js"]


def test_a_real_subprocess_reads_a_push_from_stdin_named_as_js(run_sdelint):
    source = "lpTag.sdes.push({type: 'cart', total: 'x', numItems: 1});\n"
    done = run_sdelint("check", "--stdin-filename", "inline.js", "-", input=source.encode())
    assert done.returncode == 1, done.stderr
    line, column = at(source, "'x'")
    assert done.stdout.decode().startswith(f"inline.js:{line}:{column}: error bad-value expected double")
    assert b"Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("lpTag.sdes.push({a: 'it\\'s', \"b\": [1, 2.5, -3, 0x10, true, null,], /* c */ c: `t`})", {"a": "it's", "b": [1, 2.5, -3, 16, True, None], "c": "t"}),
        ("lpTag . sdes . send ( { 'k' : \"\\u00e9\\n\" } )", {"k": "é\n"}),
        # minified and other literal forms JavaScript reads as values (an audit found them called syntax errors,
        # and 017 read as seventeen: sloppy-mode JavaScript reads it as octal fifteen)
        ("lpTag.sdes.push({a: !0, b: !1, c: (22.22), d: 017, e: 019, f: 0o17, g: 0b101, h: 0x1_0})", {"a": True, "b": False, "c": 22.22, "d": 15, "e": 19, "f": 15, "g": 5, "h": 16}),
        ("lpTag.sdes.push({a: 1e1_0, b: 0.5_1})", {"a": 1e10, "b": 0.51}),  # separators in an exponent and a fraction
        ("lpTag.sdes.push({a: 0xE_1, b: 0xdead_beef, c: 0x1_e})", {"a": 225, "b": 3735928559, "c": 30}),  # b and e are hex digits
        # legacy octal escapes in strings (an audit: "\101" was read as the numeric string "101", not "A")
        ("lpTag.sdes.push({a: '\\101', b: \"\\0\", c: '\\012', d: '\\400', e: '\\8', f: '\\08', g: '\\477', h: `\\0`})",
         {"a": "A", "b": "\0", "c": "\n", "d": " 0", "e": "8", "f": "\x008", "g": "'7", "h": "\0"}),
    ],
)
def test_the_literal_parser_reads_javascript_literals(source, expected):
    doc = parse_source("x.js", source, html=False)
    assert doc.problems == [] and doc.data == [expected]


@pytest.mark.parametrize(
    ("source", "rule"),
    [
        ("lpTag.sdes.push({a: 'open", "syntax-error"),
        ("lpTag.sdes.push({a: 1 /* never closed", "syntax-error"),
        ("lpTag.sdes.push({a: [1,, 2]})", "syntax-error"),
        ("lpTag.sdes.push(", "syntax-error"),
        ("lpTag.sdes.push(" + "[" * 5000, "syntax-error"),
        ("lpTag.sdes.push({a: price * 2})", "not-checkable"),
        ("lpTag.sdes.push({a: 'x' + suffix})", "not-checkable"),
        ("lpTag.sdes.push({a: `${total}`})", "not-checkable"),
        ("lpTag.sdes.push({...base, a: 1})", "not-checkable"),
        ("lpTag.sdes.push({total})", "not-checkable"),
        ("lpTag.sdes.push(sde)", "not-checkable"),
        # valid JavaScript that is no literal: not-checkable, as the README promises, not a syntax error
        ("lpTag.sdes.push({balance: -userBalance})", "not-checkable"),
        ("lpTag.sdes.push({total: -(5)})", "not-checkable"),
        ("lpTag.sdes.push({resolved: !flag})", "not-checkable"),
        ("lpTag.sdes.push(...window.pendingSdes)", "not-checkable"),
        ("lpTag.sdes.push({type: 'cart', products: [...items]})", "not-checkable"),
        ("lpTag.sdes.push((function () { return {}; })())", "not-checkable"),
        ("lpTag.sdes.push({a: (1 + 2)})", "not-checkable"),
        # numbers JavaScript refuses, and legacy octal past Python's digit limit (an internal error, a review found)
        ("lpTag.sdes.push({a: 017.5})", "syntax-error"),
        ("lpTag.sdes.push({a: 0_17})", "syntax-error"),
        ("lpTag.sdes.push({a: 0x1__0})", "syntax-error"),
        ("lpTag.sdes.push({a: 0xfff_})", "syntax-error"),
        ("lpTag.sdes.push({a: 017e1})", "syntax-error"),
        ("lpTag.sdes.push({a: 07_1})", "syntax-error"),
        ("lpTag.sdes.push({a: 08_1})", "syntax-error"),
        ("lpTag.sdes.push({a: 0x_1})", "syntax-error"),
        ("lpTag.sdes.push({a: 0" + "7" * 6000 + "})", "syntax-error"),
        ("lpTag.sdes.push({a: 0" + "9" * 6000 + "})", "syntax-error"),
        ("lpTag.sdes.push({a: `\\101`})", "syntax-error"),  # no octal escape in a template, even in sloppy mode
    ],
)
def test_bad_or_unknowable_literals_become_one_finding_never_a_crash(source, rule):
    doc = parse_source("x.js", source, html=False)
    assert [p.rule for p in doc.problems] == [rule]
    assert doc.data == [None]


def test_legal_javascript_keys_and_values_are_read_or_not_checkable_never_a_syntax_error():
    """A sweep: a key with a non-ASCII letter (prénom) or a \\u escape (typ\\u0065, which is type), a BigInt (10n) and a
    method ({toJSON() {...}}, {get total() {...}}) are valid JavaScript, and each was a syntax-error."""
    read = parse_source("x.js", "lpTag.sdes.push({typ\\u0065: 'cart', \\u{74}otal: 1, prénom: 'Zoë', 名前: 2});", html=False)
    assert read.problems == [] and read.data == [{"type": "cart", "total": 1, "prénom": "Zoë", "名前": 2}]
    # four hex digits end a \u escape: x\u00651 is xe1 (the escape took every hex digit after it: x + U+0651)
    assert parse_source("x.js", "lpTag.sdes.push({type: 'cart', x\\u00651: 1});", html=False).data == [{"type": "cart", "xe1": 1}]
    for source, what in [
        ("lpTag.sdes.push({type: 'cart', total: 10n})", "a BigInt (10n)"),
        ("lpTag.sdes.push({type: 'cart', toJSON() { return {}; }})", "a method (toJSON...)"),
        ("lpTag.sdes.push({type: 'cart', get total() { return 1; }})", "a method (get...)"),
        ("lpTag.sdes.push({type: 'cart', total: prix})", "the expression 'prix'"),
        ("lpTag.sdes.push({type: 'cart', total: ñandú})", "the expression 'ñandú'"),
        ("lpTag.sdes.push({type: 'cart', prénom})", "the shorthand property 'prénom' (a variable)"),
    ]:
        doc = parse_source("x.js", source, html=False)
        assert [(p.rule, p.message) for p in doc.problems] == [
            ("not-checkable", f"lpTag.sdes argument holds {what}: only literal objects and arrays can be checked")
        ], source
    plain = parse_source("x.js", "lpTag.sdes.push({get: 1, set: 2, async: 3, n: 4n5})", html=False)
    assert [p.rule for p in plain.problems] == ["syntax-error"]  # 4n5 is no number


def test_a_key_escape_past_the_last_code_point_is_a_syntax_error_not_a_crash():
    """typ\\u{FFFFFF} matches a name's escape (1 to 6 hex digits) but names no character: chr() raised ValueError."""
    source = "lpTag.sdes.push({type: 'cart', \\u{FFFFFF}x: 1})"
    doc = parse_source("x.js", source, html=False)
    assert [(p.rule, p.message, p.offset) for p in doc.problems] == [
        ("syntax-error", "invalid JavaScript in lpTag.sdes call: invalid \\u escape", source.index("\\"))
    ]


@pytest.mark.parametrize(
    ("source", "numbers"),
    [
        # a quote or // inside a regular expression literal opened a string or comment that hid the pushes after it
        ('var r=/"/g;lpTag.sdes.push({type:"cart",total:7.8,numItems:"x"});', ["x"]),
        ("var u=/^https?:\\/\\//.test(location.href);lpTag.sdes.push({type:'cart',total:7.8,numItems:'x'});", ["x"]),
        ("function esc(s){return s.replace(/'/g,'&#39;')} lpTag.sdes.push({type:'cart',total:7.8,numItems:'x'});", ["x"]),
        ("var c=/[/'\"]/; lpTag.sdes.push({type:'cart',total:7.8,numItems:'x'});", ["x"]),  # a '/' inside a [class]
        # ... or made a push written inside a string look like code
        ('var r = /"/; var help = "call lpTag.sdes.push({type: 1}) to send";', []),
        # a division is no regular expression: the push after two of them is still found
        ("var half = total / 2, q = a / b; lpTag.sdes.push({type:'cart',total:7.8,numItems:'x'});", ["x"]),
        # a line of regular expressions that never close is read as code once, not once per '/' (quadratic)
        ("(/[" * 300_000 + "lpTag.sdes.push({type:'cart',total:7.8,numItems:'x'});", ["x"]),
        # a division after a comment, a string, a template, x++, a regex or a name ending like a keyword: a review found
        # each read as a regex running to the next '/' of the line, hiding the push between (or exposing a string's)
        *[
            (before + " lpTag.sdes.push({type:'cart',total:7.8,numItems:'x'}); var z = a / b;", ["x"])
            for before in ("a /* px */ / 2;", "'50' / 2;", "`${a}` / 2;", "i++ / 2;", "/a/g / 2;", "x00000000000000in / 2;", "a.return / 2;")
        ],
        ('var w = el.offsetWidth /* px */ / 2, u = "http://x"; var help = "call lpTag.sdes.push({type: 1}) to send";', []),
    ],
    ids=["quote", "slashes", "apostrophe", "class", "in-a-string", "divisions", "never-closed",
         "after-comment", "after-string", "after-template", "after-postfix", "after-regex", "after-long-name", "after-member", "string-after-division"],
)
def test_regular_expression_literals_are_neither_code_nor_strings(source, numbers):
    doc = parse_source("x.js", source, html=False)
    assert doc.problems == [] and [sde["numItems"] for sde in doc.data] == numbers


def test_a_push_written_with_brackets_or_optional_chaining_is_found():
    """lpTag["sdes"].push( and lpTag?.sdes?.push( are the same call: they were not found (0 events, no finding)."""
    source = (
        'lpTag["sdes"].push({type: "cart", total: 1, numItems: 1});\n'
        "lpTag?.sdes?.push({type: 'cart', total: 2, numItems: 1});\n"
        "lpTag['sdes']['send']({type: 'cart', total: 3, numItems: 1});\n"
        'var note = "lpTag[\'sdes\'].push({type: 1})";  /* lpTag["sdes"].push({type: 2}) */\n'
    )
    doc = parse_source("x.js", source, html=False)
    assert doc.problems == [] and [sde["total"] for sde in doc.data] == [1, 2, 3]


def test_optional_calls_window_brackets_and_typescript_casts_around_lptag_are_pushes_too(tmp_path):
    """A sweep: push?.(, window["lpTag"], lpTag!.sdes and (lpTag.sdes as Sde[]).push( were not found: 0 events, no
    finding, the literal never checked. $lpTag and my_lpTag are other objects."""
    source = (
        "window.lpTag?.sdes?.push?.({type: 'cart', total: 'a', numItems: 1});\n"
        "window['lpTag']?.['sdes']?.['push']?.({type: 'cart', total: 'b', numItems: 1});\n"
        "window.lpTag!.sdes!.push({type: 'cart', total: 'c', numItems: 1});\n"
        "(lpTag.sdes as Array<Sde>).push({type: 'cart', total: 'd', numItems: 1});\n"
        "(lpTag as any).sdes.send({type: 'cart', total: 'e', numItems: 1});\n"
        "$lpTag.sdes.push({type: 'cart', total: 'no', numItems: 1}); my_lpTag.sdes.push({type: 'cart', total: 'no', numItems: 1});\n"
    )
    findings = validator.lint_path(write(tmp_path, "checkout.ts", source))
    assert [(f.line, f.pointer, f.message) for f in findings] == [
        (line, f"/{line - 1}/total", f'expected double, found string "{total}"') for line, total in enumerate("abcde", 1)
    ]


def test_web_side_names_get_the_other_sides_name_as_a_hint_and_codes_their_own_forms():
    """unknown-field suggested nothing for documented name drift (MI channel, web customerStatus, name), web gender
    "1" warned while channel "1" (the Types example) did not, and a web channel code was named originatingChannel."""
    hints = {f.pointer: f.message for f in validator.lint([
        {"type": "ctmrinfo", "info": {"customerStatus": "gold"}},
        {"type": "personal", "personal": {"name": "Ada", "gender": "1"}},
        {"type": "mrktInfo", "info": {"channel": 99}},
    ])}
    assert hints["/0/info/customerStatus"].endswith("(did you mean 'cstatus'?)")
    assert hints["/1/personal/name"].endswith("(did you mean 'firstname'?)")
    assert "/1/personal/gender" not in hints
    assert hints["/2/info/channel"].startswith("channel 99 is not one of the documented codes")
    stamp = "1528628536880"
    api = validator.lint({"sdes": {"events": [{"marketingCampaignInfo": {"serverTimeStamp": stamp, "marketingCampaignInfo": {"channel": "1"}},
                                               "sdeType": "MARKETING_CAMPAIGN_INFO", "serverTimeStamp": stamp}]}})
    assert [f.message for f in api if f.rule == "unknown-field"] == ["unknown field 'channel' in marketingCampaignInfo (did you mean 'originatingChannel'?)"]
    # Engagement History's container names in a Messaging Interactions event (a verdict audit: no hint)
    drifted = validator.lint({"conversationHistoryRecords": [{"info": {"conversationId": "c1"}, "sdes": {"events": [
        {"formFillingError": {"serverTimeStamp": stamp, "formFillingError": {}}, "sdeType": "VISITOR_ERROR", "serverTimeStamp": stamp}]}}]})
    assert [f.message for f in drifted if f.rule == "unknown-field"] == ["unknown field 'formFillingError' (did you mean 'visitorError'?)"]


def test_a_flat_container_in_messaging_interactions_is_named_as_engagement_historys_shape():
    """A verdict audit: personalInfo written flat (Engagement History's shape) in an MI event was 'missing required
    field personalInfo' and an unknown-field per member, with nothing saying why; an empty container gets no hint."""
    stamp = "1528628536880"

    def response(container: dict) -> dict:
        return {"conversationHistoryRecords": [{"info": {"conversationId": "c1"}, "sdes": {"events": [
            {"personalInfo": {"serverTimeStamp": stamp, **container}, "sdeType": "PERSONAL_INFO", "serverTimeStamp": stamp}]}}]}

    (flat,) = [f for f in validator.lint(response({"name": "Ada", "gender": "FEMALE"})) if f.rule == "missing-field"]
    assert flat.message == ("missing required field 'personalInfo' in personalInfo: its fields are written flat, as Engagement History does;"
                            " Messaging Interactions nests them in personalInfo.personalInfo")
    (empty,) = [f for f in validator.lint(response({})) if f.rule == "missing-field"]
    assert empty.message == "missing required field 'personalInfo' in personalInfo"


def test_script_blocks_that_browsers_do_not_run_are_not_searched():
    """A template (<%= %>, {{ }}) in a non-JavaScript <script> was parsed as JavaScript: syntax errors about '<' and '{'."""
    page = (
        '<script type="text/x-handlebars-template">lpTag.sdes.push({type: "cart", total: {{total}}, numItems: 1});</script>\n'
        "<script type='text/template'>lpTag.sdes.push({type: 'cart', total: <%= total %>, numItems: 1});</script>\n"
        '<script type="application/ld+json">{"lpTag.sdes.push(": 1}</script>\n'
        '<script type="module">lpTag.sdes.push({type: "cart", total: 7.8, numItems: "module"});</script>\n'
        '<script type="text/javascript; charset=utf-8">lpTag.sdes.push({type: "cart", total: 7.8, numItems: "classic"});</script>\n'
        '<script data-type="text/template">lpTag.sdes.push({type: "cart", total: 7.8, numItems: "untyped"});</script>\n'
        # a review: old JavaScript types browsers still run, a spaced type, a "type=" inside another attribute's value
        '<script type="text/javascript1.2">lpTag.sdes.push({type: "cart", total: 7.8, numItems: "old"});</script>\n'
        '<script type=" text/template ">lpTag.sdes.push({type: "cart", total: <%= total %>, numItems: 1});</script>\n'
        '<script data-note="x type=text/template">lpTag.sdes.push({type: "cart", total: 7.8, numItems: "noted"});</script>\n'
    )
    doc = parse_source("page.html", page, html=True)
    assert doc.problems == [] and [sde["numItems"] for sde in doc.data] == ["module", "classic", "untyped", "old", "noted"]


def test_a_syntax_error_after_a_read_argument_adds_no_argument():
    """A review: push({...} x) counted two arguments (the object and a None for the syntax error), so every later
    push's pointer was one too far (/2/total for the second push's total)."""
    source = "lpTag.sdes.push({type: 'cart', total: 1, numItems: 1} x);\nlpTag.sdes.push({type: 'cart', total: 2, numItems: 1});\n"
    doc = parse_source("x.js", source, html=False)
    assert [(p.pointer, p.rule) for p in doc.problems] == [("/0", "syntax-error")]
    assert len(doc.data) == 2 and doc.data[1]["total"] == 2
    broken = parse_source("x.js", "lpTag.sdes.push({a: 1}, {b: );\nlpTag.sdes.push(\n", html=False)
    assert [(p.pointer, p.rule) for p in broken.problems] == [("/1", "syntax-error"), ("/2", "syntax-error")]


def test_typescript_type_assertions_around_a_pushed_literal_are_read_through():
    """A review: legal TypeScript ('cart' as const, {...} as any, satisfies, <Sde>{...}, {...}!) was a syntax-error
    in .ts files; in a .js file it still is one."""
    source = (
        "lpTag.sdes.push({type: 'cart' as const, total: 1, numItems: 1} as any);\n"
        "lpTag.sdes.push({type: 'cart', total: 2, numItems: 1} satisfies Sde, <Sde>{type: 'cart', total: 3, numItems: 1});\n"
        "lpTag.sdes.push([{type: 'cart' as 'cart' | \"x\", total: 4, numItems: 1}] as unknown as Array<Record<string, (x: number) => void>>);\n"
        "lpTag.sdes.push({type: 'cart', total: 5, numItems: 1}!, {as: 6, satisfies: 7});\n"
    )
    doc = parse_source("checkout.ts", source, html=False)
    assert doc.problems == []
    assert [sde["total"] for sde in doc.data[:3]] == [1, 2, 3] and doc.data[3][0]["total"] == 4 and doc.data[4]["total"] == 5
    assert doc.data[5] == {"as": 6, "satisfies": 7}
    assert {p.rule for p in parse_source("checkout.js", source, html=False).problems} == {"syntax-error"}


def test_typescript_is_read_by_the_files_own_extension():
    """A review: any .ts among a name's suffixes made it TypeScript (bundle.ts.js accepted 'as const')."""
    push = "lpTag.sdes.push({type: 'cart', total: 1, numItems: 1} as const);"
    assert parse_source("bundle.ts.js", push, html=False).problems[0].rule == "syntax-error"
    assert parse_source("checkout.ts.gz", push, html=False).problems == []
    assert parse_source("checkout.mts.bak.ts", push, html=False).problems == []


@pytest.mark.parametrize("suffix", [".mts", ".cts"])
def test_mts_and_cts_files_are_read_as_typescript_sources(tmp_path, suffix):
    """A review: .mts and .cts were TypeScript to the parser but not sources to the reader: `sdelint check a.mts` read the
    module as JSON (a syntax-error at 1:1) and never saw its pushes."""
    source = write(tmp_path, f"checkout{suffix}", "export const x = 1;\nlpTag.sdes.push({type: 'cart', total: 'abc', numItems: 1} as const);\n")
    findings = validator.lint_path(source)
    assert [(f.rule, f.line) for f in findings if f.severity == "error"] == [("bad-value", 2)], findings


def test_a_typescript_assertion_without_a_type_is_a_syntax_error():
    """A review: push({...} satisfies) or '{...} as)' was read as if a type followed: TypeScript wants one."""
    for bare in ("satisfies", "as /* nothing */"):
        broken = parse_source("checkout.ts", f"lpTag.sdes.push({{type: 'cart', total: 1, numItems: 1}} {bare});", html=False)
        assert [(p.rule, p.message) for p in broken.problems] == [
            ("syntax-error", f"invalid JavaScript in lpTag.sdes call: expected a type after '{bare.split()[0]}'")
        ]


def test_commented_out_and_text_only_markup_hides_no_script_and_a_quoted_gt_ends_no_tag():
    """A review: a <script> inside <!-- --> (commented out, never run) or a <textarea> was linted (false findings), and
    a '>' in a quoted attribute value (data-x="a>b") ended the tag early, so the push after it was read as a string."""
    page = (
        '<!-- <script>lpTag.sdes.push({type: "cart", total: "old", numItems: 1});</script> -->\n'
        '<textarea><script>lpTag.sdes.push({type: "cart", total: "typed", numItems: 1});</script></textarea>\n'
        '<noscript><script>lpTag.sdes.push({type: "cart", total: "never", numItems: 1});</script></noscript>\n'
        '<!---><script>lpTag.sdes.push({type: "cart", total: 7.8, numItems: "after-empty-comment"});</script>\n'
        '<script data-x="a>b">lpTag.sdes.push({type: "cart", total: 7.8, numItems: "quoted-gt"});</script>\n'
        '<script>\n<!--\nlpTag.sdes.push({type: "cart", total: 7.8, numItems: "legacy-comment"});\n//--></script>\n'
    )
    doc = parse_source("page.html", page, html=True)
    assert doc.problems == [] and [sde["numItems"] for sde in doc.data] == ["after-empty-comment", "quoted-gt", "legacy-comment"]



def test_svg_style_and_title_are_elements_not_text_and_hide_no_later_script():
    """A review: <svg><title/></svg> (SVG's <style> and <title> close themselves and hold markup) was read as an
    HTML <title> left open, so every push after it was dropped without a word; after </svg> they are text again."""
    push = '<script>lpTag.sdes.push({type: "cart", total: 1, numItems: %r});</script>'
    page = (
        '<svg viewBox="0 0 8 8"><title/><style/><path d="M0 0"/></svg>' + push % "after-svg"
        + '<svg/><math><mi>x</mi></math>' + push % "after-math"
        + "<svg><title>Cart</title><style>.a{fill:red}</style>" + push % "in-svg" + "</svg>"
        + "<textarea>" + push % "typed" + "</textarea>" + push % "last"
    )
    doc = parse_source("page.html", page, html=True)
    assert doc.problems == [] and [sde["numItems"] for sde in doc.data] == ["after-svg", "after-math", "in-svg", "last"]


def test_the_text_of_a_script_with_src_or_a_vbscript_language_is_not_linted():
    """Browsers load a <script src=...>'s file and never run the text inside it, nor a language="vbscript" one: their
    pushes were linted (false findings on code that never runs, a reviewer). A script after them is read as before."""
    push = '<script%s>lpTag.sdes.push({type: "cart", total: 1, numItems: %r});</script>'
    page = push % (' src="/lp.js"', "ignored") + push % (" type=module SRC='x.js'", "ignored-too") + push % ("", "run") + push % (' data-src="x"', "run-too")
    doc = parse_source("page.html", page, html=True)
    assert doc.problems == [] and [sde["numItems"] for sde in doc.data] == ["run", "run-too"]
    # no type but a language: "text/" + it, as the HTML standard has it (VBScript never ran in a browser that runs these)
    page = (push % (' language="VBScript"', "vbscript") + push % (' language="JavaScript1.2"', "js12") + push % (" language=''", "empty")
            + push % (' type="text/javascript" language="vbscript"', "typed"))
    doc = parse_source("page.html", page, html=True)
    assert doc.problems == [] and [sde["numItems"] for sde in doc.data] == ["js12", "empty", "typed"]


def test_markup_in_another_elements_attribute_value_hides_no_later_script():
    """A review: once comments and text-only elements were stepped over, a '<!--' or '<textarea>' inside another
    element's quoted attribute value (title='<!--') was taken for one, and every later push was dropped unseen (the
    code before read them). Every start tag's attributes are stepped over now, as browsers read them."""
    push = '<script>lpTag.sdes.push({type: "cart", total: 1, numItems: %r});</script>'
    page = (
        "<div title='<!--'></div>" + push % "after-comment-text"
        + '<p data-x="<textarea>" class=a>x</p>' + push % "after-textarea-text"
        + "<img alt='a > b <style>'>" + push % "after-style-text"
        + "<p>1 < 2</p>" + push % "after-a-less-than"
    )
    doc = parse_source("page.html", page, html=True)
    assert doc.problems == []
    assert [sde["numItems"] for sde in doc.data] == ["after-comment-text", "after-textarea-text", "after-style-text", "after-a-less-than"]


def test_event_handler_attributes_and_javascript_urls_are_searched_as_scripts(cli, tmp_path):
    """A sweep: onclick="lpTag.sdes.push(...)" and href="javascript:lpTag.sdes.push(...)" run as a <script> does, and
    were never searched: 0 events, no finding. A character reference there is decoded by HTML first: not-checkable."""
    page = (
        "<body onload=\"lpTag.sdes.push({type: 'cart', total: 'a', numItems: 1})\">\n"
        "<button class=buy onClick='lpTag.sdes.push({type: \"cart\", total: \"b\", numItems: 1}); return false;'>Buy</button>\n"
        "<a href=\" JavaScript:lpTag.sdes.send({type: 'cart', total: 'c', numItems: 1})\">x</a>\n"
        "<iframe onload=\"lpTag.sdes.push({type: 'cart', total: 'd', numItems: 1})\"></iframe>"
        "<svg onload=\"lpTag.sdes.push({type: 'cart', total: 'e', numItems: 1})\"></svg>\n"
        '<button onclick="lpTag.sdes.push({type: &quot;cart&quot;, total: 1, numItems: 1})">q</button>\n'
        "<a href=\"/help?q=lpTag.sdes.push({})\" data-onclick=\"lpTag.sdes.push({total: 'no'})\" title=\"onclick=lpTag.sdes.push(1)\">h</a>\n"
        "<p>onclick=\"lpTag.sdes.push({type: 'cart', total: 'no', numItems: 1})\"</p>\n"
    )
    report = check_json(cli, write(tmp_path, "page.html", page), "--min-severity", "info")
    assert places(report) == {
        (*at(page, "'a'"), "bad-value", "/0/total"), (*at(page, '"b"'), "bad-value", "/1/total"), (*at(page, "'c'"), "bad-value", "/2/total"),
        (*at(page, "'d'"), "bad-value", "/3/total"), (*at(page, "'e'"), "bad-value", "/4/total"), (*at(page, "&quot;"), "not-checkable", "/5"),
    }


def test_an_ampersand_that_begins_no_character_reference_leaves_a_handler_checkable(cli, tmp_path):
    """Any & after the call made the handler not-checkable: onclick="lpTag.sdes.push({...}) && go()" is written as
    browsers run it (an & before a space or another & is text to HTML), and its bad total went unreported."""
    page = "<button onclick=\"lpTag.sdes.push({type: 'cart', total: 'a & b', numItems: 1}) && go()\">x</button>\n"
    report = check_json(cli, write(tmp_path, "page.html", page), "--min-severity", "info")
    assert places(report) == {(*at(page, "'a & b'"), "bad-value", "/0/total")}


def test_a_surrogate_pair_written_as_two_escapes_is_one_character_as_in_json(cli, tmp_path):
    """A sweep: '\\uD83D\\uDE00' in a push stayed two lone surrogates (JavaScript strings are UTF-16; JSON's decoder
    joins the same escapes into U+1F600), so the finding printed escapes where the JSON file printed the character."""
    pushed = write(tmp_path, "emoji.js", "lpTag.sdes.push({type: 'cart', total: '\\uD83D\\uDE00', numItems: 1, x: '\\uD83D'});\n")
    sent = write(tmp_path, "emoji.json", '{"type": "cart", "total": "\\uD83D\\uDE00", "numItems": 1, "x": "\\uD83D"}')
    messages = [[(f["rule"], f["message"]) for f in check_json(cli, path, "--profile", "web")["findings"]] for path in (pushed, sent)]
    assert messages[0] == messages[1] and ("bad-value", 'expected double, found string "\U0001F600"') in messages[0]
    assert parse_source("x.js", "lpTag.sdes.push({a: '\\u{D83D}\\u{DE00}', b: `\\uDE00\\uD83D`})", html=False).data == [{"a": "\U0001F600", "b": "\uDE00\uD83D"}]


# --- configuration, API, schemas, imports -----------------------------------------------------


def test_profile_from_the_configuration_and_the_python_api(tmp_path):
    path = write(tmp_path, "sdes.json", json.dumps({"events": [{"serverTimeStamp": "1440412721832", "lead": {"serverTimeStamp": "1440412721832", "lead": {}}}]}))
    config = write(tmp_path, ".sdelint.yaml", "profile: messaging\n")
    assert [f.rule for f in validator.lint_path(path, config=config)] == ["missing-field"]
    assert validator.lint_path(path) == []
    assert [f.rule for f in validator.lint_text('{"type": "cart"}', profile="web")] == ["missing-field", "missing-field"]
    with pytest.raises(ConfigError):
        validator.lint_text("{}", profile="webb")
    bad = write(tmp_path, "bad.yaml", "profile: webb\n")
    with pytest.raises(ConfigError):
        validator.lint_path(path, config=bad)


def test_schema_command_prints_the_profiles_schemas(cli):
    listed = cli("schema", "--profile", "web", "--list").output.split()
    assert {"cart", "ctmrinfo", "personal", "sde", "lp-sde"} <= set(listed)
    sde = json.loads(cli("schema", "--profile", "web").output)
    assert sde["properties"]["type"]["enum"][:2] == ["ctmrinfo", "personal"]
    bundled = json.loads(cli("schema", "--profile", "web", "--bundle", "cart").output)
    assert "$ref" not in json.dumps(bundled).replace('"$ref": "#', "")
    eh = json.loads(cli("schema", "--profile", "engagement-history").output)
    assert eh["required"] == ["interactionHistoryRecords"]
    messaging = json.loads(cli("schema").output)  # messaging, as before
    assert "conversationHistoryRecords" in messaging["properties"]


def test_text_summary_counts_profiles(cli, tmp_path):
    eh = write(tmp_path, "eh.json", EH_RESPONSE.replace('"Currency"', '"currency"'))
    web = write(tmp_path, "web.js", WEB_JS)
    result = cli("check", eh, web, "-v")
    assert result.exit_code == 0, result.output
    assert f"{eh}: engagement-history eh-response (has interactionHistoryRecords), 5 events; default configuration" in result.output
    assert "Checked 2 files (1 as engagement-history, 1 as web): 0 errors, 0 warnings, 0 info." in result.output


def test_checking_json_does_not_import_the_javascript_parser_or_extras(tmp_path):
    import subprocess

    path = write(tmp_path, "sdes.json", '{"events": []}')
    code = textwrap.dedent(f"""
        import sys
        from validator.cli import main
        try:
            main(["check", {str(path)!r}])
        except SystemExit:
            pass
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("dask", "pyspark") or m == "validator.load.js_literal")
        print(heavy)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr


def test_detection_finds_the_first_web_member_as_the_full_walk_does():
    """Detection looks for engagementAttributes/lp_sdes without building pointers; it must name the member the
    ordered walk yields first (document order, not descending into a member, nothing past the depth limit)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from validator.profile_views import _MAX_BODY_DEPTH, first_web_member, web_members

    keys = st.sampled_from(["engagementAttributes", "lp_sdes", "a", "b/c", "d~e", "0"])
    leaves = st.none() | st.integers() | st.text(max_size=3)
    documents = st.recursive(leaves, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3), max_leaves=25)

    def reference(data, pointer="", depth=0):  # the walk written plainly, a pointer for every step
        if depth > _MAX_BODY_DEPTH:
            return
        if isinstance(data, dict):
            for key, value in data.items():
                here = pointer + "/" + key.replace("~", "~0").replace("/", "~1")
                if key in ("engagementAttributes", "lp_sdes"):
                    yield here, key, value
                else:
                    yield from reference(value, here, depth + 1)
        elif isinstance(data, list):
            for index, value in enumerate(data):
                yield from reference(value, f"{pointer}/{index}", depth + 1)

    @settings(max_examples=400, database=None, derandomize=True, deadline=None)
    @given(documents)
    def agrees(document):
        expected = list(reference(document))
        assert list(web_members(document)) == expected
        assert first_web_member(document) == (expected[0][:2] if expected else None)

    agrees()
    deep: object = {"lp_sdes": []}
    for _ in range(_MAX_BODY_DEPTH + 1):
        deep = {"x": deep}
    assert first_web_member(deep) is None and list(web_members(deep)) == []
    assert list(web_members({"x": [{"lp_sdes": 1}], "engagementAttributes": [], "y": {"lp_sdes": {"lp_sdes": 2}}})) == [
        ("/x/0/lp_sdes", "lp_sdes", 1), ("/engagementAttributes", "engagementAttributes", []), ("/y/lp_sdes", "lp_sdes", {"lp_sdes": 2})]
    assert first_web_member({"a": [{"b/c": {"lp_sdes": 1}}]}) == ("/a/0/b~1c/lp_sdes", "lp_sdes")


def test_detection_walks_for_web_members_only_when_the_text_may_name_one(monkeypatch):
    """A JSON text that holds neither name (even escaped) is not walked for a web member; one that spells
    lp_sdes with a \\u escape still is, and is detected as a web body. A parsed object is always walked."""
    from validator import profile_views
    from validator.linter import Linter

    walked = []
    real = profile_views.first_web_member
    monkeypatch.setattr(profile_views, "first_web_member", lambda data: walked.append(1) or real(data))
    linter = Linter()
    record = {"sdes": {"events": [{"sdeType": "LEAD", "lead": {"lead": {"topic": "x"}}}]}}
    result = linter.lint_bytes(json.dumps(record).encode(), "record.json")
    assert walked == [] and (result.profile, result.kind) == ("messaging", "record")
    accented = json.dumps({**record, "info": {"note": "café 😀"}}).encode()  # \u00e9 and a surrogate pair: they cannot spell a name
    assert b"\\u00e9" in accented
    result = linter.lint_bytes(accented, "accented.json")
    assert walked == [] and (result.profile, result.kind) == ("messaging", "record")
    escaped = b'{"page": {"lp\\u005fsdes": [{"type": "cart", "total": 5}]}}'
    assert json.loads(escaped)["page"]["lp_sdes"]
    result = linter.lint_bytes(escaped, "body.json")
    assert walked == [1] and (result.profile, result.kind) == ("web", "web-body")
    assert result.profile_reason == "has lp_sdes at /page/lp_sdes"
    result = linter.lint_object({"page": {"engagementAttributes": []}})
    assert walked == [1, 1] and result.profile == "web"


@pytest.mark.parametrize("payload", [
    {"type": "error", "message": "not found", "code": 404},  # some API's error object, not a visitorError push
    {"type": "service", "name": "db"},  # a docker-compose-like fixture
    {"type": "cart", "items": [1]},
    {"events": [{"name": "click", "ts": 1}]},  # an analytics fixture
])
def test_json_that_only_shares_a_member_name_is_not_a_payload(payload):
    """The pre-commit hook passes over what is not a payload; these were checked as web objects or an events block and
    refused commits with missing-field errors (an audit). A web type needs a member of its own, an events block an event."""
    assert [f.rule for f in validator.lint(payload)] == ["unrecognized-document"]
    web = {"type": "error", "error": {"message": "x"}}
    assert "unrecognized-document" not in [f.rule for f in validator.lint(web)]
    assert [f.rule for f in validator.lint({"events": [{"name": "click"}, {"sdeType": "LEAD"}]})].count("unrecognized-document") == 0
    # an event with a misspelt container is still an event (a review: the hook passed it)
    typo = {"events": [{"serverTimeStamp": "1528628536879", "cartstatus": {"serverTimeStamp": "1528628536879", "total": "1"}}]}
    assert "missing-field" in [f.rule for f in validator.lint(typo)]
    # at the root and in a list too (a second review); isAuthenticated alone is no evidence (auth logs hold it)
    assert "missing-field" in [f.rule for f in validator.lint(typo["events"][0])]
    assert "missing-field" in [f.rule for f in validator.lint(typo["events"])]
    assert [f.rule for f in validator.lint({"events": [{"user": "ada", "isAuthenticated": True}]})] == ["unrecognized-document"]


def test_a_record_with_unauthsdes_is_messaging_even_when_its_sdes_events_lack_sdetype(cli, tmp_path):
    """unAuthSdes is Messaging Interactions v2's block (field reference §1); Engagement History has none. A record
    holding it whose sdes events lacked sdeType was taken for Engagement History, which reads sdes only: the
    unAuthSdes events and their defects went unseen, and the missing sdeType was no defect."""
    stamp = "1528628536879"
    signed = {"serverTimeStamp": stamp, "customerInfo": {"serverTimeStamp": stamp, "customerInfo": {"customerId": "1"}}}
    unauth = {"sdeType": "CART_STATUS", "isAuthenticated": False, "serverTimeStamp": stamp,
              "cartStatus": {"serverTimeStamp": stamp, "currency": "XYZ"}}
    record = {"info": {"conversationId": "c"}, "sdes": {"events": [signed]}, "unAuthSdes": {"events": [unauth]}}
    for name, data in (("record.json", record), ("records.json", [record])):
        report = check_json(cli, write(tmp_path, name, json.dumps(data)))
        assert report["files"][0]["profile"] == "messaging"
        prefix = "/0" if isinstance(data, list) else ""
        assert {(f["rule"], f["pointer"]) for f in report["findings"]} == {
            ("missing-field", f"{prefix}/sdes/events/0"),
            ("currency-code", f"{prefix}/unAuthSdes/events/0/cartStatus/currency"),
        }


def test_an_engagement_history_record_is_known_by_the_engagement_its_info_names(cli, tmp_path):
    """An EH-Methods record (field reference §2: personalInfo flat, events with sdeType) saved on its own, without
    interactionHistoryRecords, was checked as a Messaging Interactions v1 record: a missing personalInfo.personalInfo
    error and an unknown-field warning per attribute on a payload as the API returns it. Its info names an engagement
    (engagementId); a Messaging Interactions record's names a conversation, and stays one."""
    stamp = "1440412721832"
    personal = {"serverTimeStamp": stamp, "sdeType": "PERSONAL_INFO",
                "personalInfo": {"serverTimeStamp": stamp, "name": "Ada", "surname": "L", "gender": "FEMALE"}}
    record = {"info": {"engagementId": "2", "startTime": "2016-08-29 15:14:19.564+0000"}, "sdes": {"events": [personal]}}
    for name, data in (("eh-record.json", record), ("eh-records.json", [record])):
        report = check_json(cli, write(tmp_path, name, json.dumps(data)))
        prefix = "/0" if isinstance(data, list) else ""
        assert report["files"][0]["profile"] == "engagement-history"
        assert report["files"][0]["profile_reason"] == f"an engagementId in the record's info at {prefix}/info/engagementId"
        assert report["findings"] == []
    both = {**record, "info": {"engagementId": "2", "conversationId": "c"}}
    report = check_json(cli, write(tmp_path, "mi-record.json", json.dumps(both)))
    assert report["files"][0]["profile"] == "messaging"
    assert ("missing-field", "/sdes/events/0/personalInfo") in {(f["rule"], f["pointer"]) for f in report["findings"]}


def test_sde_type_key_on_engagement_history_names_the_container_key_the_payload_uses(cli, tmp_path):
    """The check sees viewProduct as viewedProduct; its message said "the event holds 'viewedProduct'", a key the
    payload does not have (field reference §2: EH-Methods examples use viewProduct, formFillingError)."""
    stamp = "1440412721832"
    events = [
        {"sdeType": "CART_STATUS", "serverTimeStamp": stamp, "viewProduct": {"serverTimeStamp": stamp, "products": []}},
        {"sdeType": "LEAD", "serverTimeStamp": stamp, "formFillingError": {"serverTimeStamp": stamp, "visitorError": {"level": "2"}}},
    ]
    path = write(tmp_path, "eh-sdetype.json", json.dumps({"interactionHistoryRecords": [{"sdes": {"events": events}}]}))
    found = [(f["rule"], f["pointer"], f["message"]) for f in check_json(cli, path)["findings"]]
    assert found == [
        ("sde-type-key", "/interactionHistoryRecords/0/sdes/events/0/sdeType",
         "sdeType 'CART_STATUS' goes with a 'cartStatus' container, but the event holds 'viewProduct'"),
        ("sde-type-key", "/interactionHistoryRecords/0/sdes/events/1/sdeType",
         "sdeType 'LEAD' goes with a 'lead' container, but the event holds 'formFillingError'"),
    ]
    # the container an sdeType goes with, named as Engagement History writes it too (a review: "a 'viewedProduct' container")
    events = [
        {"sdeType": "VIEWED_PRODUCT", "serverTimeStamp": stamp, "cartStatus": {"serverTimeStamp": stamp, "products": []}},
        {"sdeType": "VISITOR_ERROR", "serverTimeStamp": stamp, "lead": {"serverTimeStamp": stamp, "lead": {"topic": "x"}}},
    ]
    path = write(tmp_path, "eh-sdetype-2.json", json.dumps({"interactionHistoryRecords": [{"sdes": {"events": events}}]}))
    messages = [f["message"] for f in check_json(cli, path)["findings"] if f["rule"] == "sde-type-key"]
    assert messages == [
        "sdeType 'VIEWED_PRODUCT' goes with a 'viewProduct' container, but the event holds 'cartStatus'",
        "sdeType 'VISITOR_ERROR' goes with a 'formFillingError' container, but the event holds 'lead'",
    ]


@pytest.mark.parametrize(("container", "fields"), [
    ("lead", {"topic": "test drive", "value": "22.22"}),
    ("visitorError", {"message": "Expiration date missing"}),
    ("marketingCampaignInfo", {"affiliate": "Yahoo"}),
    ("serviceActivity", {"topic": "order checkbook"}),
    ("customerInfo", {"customerId": "c-1"}),
])
def test_a_flat_container_engagement_history_nests_too_is_not_called_engagement_historys_shape(cli, tmp_path, container, fields):
    """A verdict sweep: every flat double-nested container was told 'as Engagement History does', but only personalInfo is
    printed flat there (field reference §2: lead, visitorError, ... are double-nested in MI and EH alike)."""
    sde_type = {"lead": "LEAD", "visitorError": "VISITOR_ERROR", "marketingCampaignInfo": "MARKETING_CAMPAIGN_INFO",
                "serviceActivity": "SERVICE_ACTIVITY", "customerInfo": "CUSTOMER_INFO"}[container]
    stamp = "1528628536882"
    event = {container: {"serverTimeStamp": stamp, **fields}, "sdeType": sde_type, "serverTimeStamp": stamp}
    report = check_json(cli, write(tmp_path, "flat.json", json.dumps({"sdes": {"events": [event]}})), "--api-version", "v2")
    (flat,) = [f for f in report["findings"] if f["rule"] == "missing-field"]
    assert flat["message"] == (f"missing required field {container!r} in {container}: its fields are written flat;"
                               f" Messaging Interactions nests them in {container}.{container}")


def test_a_field_written_one_level_too_high_is_told_where_it_belongs(cli, tmp_path):
    """A verdict sweep: contacts[]{email, phone} without personalContact (VisitInfo's and the web side's shape, field
    reference §7.4) and a product line with its product's fields said only "unknown field 'email' in contacts", though
    email is a field of the table, one level down."""
    stamp = "1528628536880"
    personal = {"personalInfo": {"serverTimeStamp": stamp, "personalInfo": {"contacts": [{"email": "a@example.com", "phone": "12345678"}]}},
                "sdeType": "PERSONAL_INFO", "serverTimeStamp": stamp}
    cart = {"cartStatus": {"serverTimeStamp": stamp, "products": [{"quantity": "1", "price": "7.8"}]}, "sdeType": "CART_STATUS", "serverTimeStamp": stamp}
    flat = {"lead": {"serverTimeStamp": stamp, "topic": "loan"}, "sdeType": "LEAD", "serverTimeStamp": stamp}
    path = write(tmp_path, "one-level-up.json", json.dumps({"sdes": {"events": [personal, cart, flat]}}))
    messages = {f["pointer"]: f["message"] for f in check_json(cli, path, "--api-version", "v1")["findings"] if f["rule"] == "unknown-field"}
    assert messages == {
        "/sdes/events/0/personalInfo/personalInfo/contacts/0/email": "unknown field 'email' in contacts (did you mean 'personalContact.email'?)",
        "/sdes/events/0/personalInfo/personalInfo/contacts/0/phone": "unknown field 'phone' in contacts (did you mean 'personalContact.phone'?)",
        "/sdes/events/1/cartStatus/products/0/price": "unknown field 'price' in products (did you mean 'product.price'?)",
        "/sdes/events/2/lead/topic": "unknown field 'topic' in lead (did you mean 'lead.topic'?)",
    }


def test_an_eh_resolved_that_is_neither_true_nor_false_is_told_so_not_typed_boolean(cli, tmp_path):
    """Engagement History types resolved alphanumeric ("Resolution status (false.true)."): "expected boolean" named a
    type its table does not give; the finding says what the documentation allows."""
    event = {"serverTimeStamp": "1440412721832", "formFillingError": {"serverTimeStamp": "1440412721832", "visitorError": {"resolved": "yes"}}}
    report = check_json(cli, write(tmp_path, "eh.json", json.dumps({"interactionHistoryRecords": [{"sdes": {"events": [event]}}]})))
    assert [(f["rule"], f["message"]) for f in report["findings"]] == [("bad-value", 'expected true or false, found string "yes"')]
