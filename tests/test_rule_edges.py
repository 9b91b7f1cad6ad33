"""Built-in rules at their edges (a rules sweep): payloads a real capture could hold, checked through the command line."""

from __future__ import annotations

import json

STAMP = "1528628536880"  # 2018-06-10 11:02:16.880 UTC


def _cart(**attrs) -> dict:
    return {"cartStatus": {"serverTimeStamp": STAMP, **attrs}, "sdeType": "CART_STATUS", "serverTimeStamp": STAMP}


def _findings(cli, tmp_path, payload, *options: str) -> list[dict]:
    path = tmp_path / "capture.json"
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    result = cli("check", "--format", "json", "--min-severity", "info", "--exit-zero", *options, path)
    return json.loads(result.output)["findings"]


def _rule(findings: list[dict], rule: str) -> list[dict]:
    return [f for f in findings if f["rule"] == rule]


# --- duplicate-event -------------------------------------------------------------------------

def test_duplicate_event_keeps_true_and_1_apart(cli, tmp_path):
    """Python's == takes true for 1: two events that differ in a boolean and a number were 'repeated exactly'."""
    record = {"sdes": {"events": [_cart(total=1), _cart(total=True)]}}
    assert _rule(_findings(cli, tmp_path, record, "--api-version", "v2"), "duplicate-event") == []
    level = {"visitorError": {"serverTimeStamp": STAMP, "visitorError": {"level": 0, "resolved": None}}, "sdeType": "VISITOR_ERROR", "serverTimeStamp": STAMP}
    flag = json.loads(json.dumps(level))
    flag["visitorError"]["visitorError"]["level"] = False
    assert _rule(_findings(cli, tmp_path, {"sdes": {"events": [level, flag]}}, "--api-version", "v2"), "duplicate-event") == []
    # the same number written 1 and 1.0 is one JSON number: still a repeat
    same = {"sdes": {"events": [_cart(total=1), _cart(total=1.0)]}}
    (hit,) = _rule(_findings(cli, tmp_path, same, "--api-version", "v2"), "duplicate-event")
    assert hit["pointer"] == "/sdes/events/1" and hit["message"] == "this event repeats sdes/events/0 exactly"


# --- age-consistency -------------------------------------------------------------------------

def _personal_age(age: dict, stamp: str = STAMP, container_stamp: str = STAMP) -> dict:
    return {"personalInfo": {"serverTimeStamp": container_stamp, "personalInfo": {"customerAge": age}}, "sdeType": "PERSONAL_INFO", "serverTimeStamp": stamp}


def test_age_consistency_does_not_date_an_event_by_a_timestamp_in_seconds(cli, tmp_path):
    """A serverTimeStamp in seconds read as milliseconds is 1970-01-18: the right age was said to contradict a date of
    birth 'after the event's day'. timestamp-range reports the timestamp; the age is not judged on a day it cannot know."""
    age = {"customerAgeInYears": "38", "customerYearOfBirth": "1980", "customerMonthOfBirth": "4", "customerDateOfBirth": "15"}
    findings = _findings(cli, tmp_path, _personal_age(age, stamp="1528628536", container_stamp="1528628536"))
    assert _rule(findings, "age-consistency") == []
    assert {f["pointer"] for f in _rule(findings, "timestamp-range")} == {"/serverTimeStamp", "/personalInfo/serverTimeStamp"}
    # the container's timestamp in milliseconds dates the event when the event's own is in seconds
    wrong = dict(age, customerAgeInYears="34")
    (hit,) = _rule(_findings(cli, tmp_path, _personal_age(wrong, stamp="1528628536")), "age-consistency")
    assert hit["message"] == "customerAgeInYears 34 contradicts the date of birth 1980-04-15: 38 years on the event's day (2018-06-10), tolerance 1"


def test_age_consistency_quotes_a_long_age_as_written(cli, tmp_path):
    age = {"customerAgeInYears": "1" + "0" * 300, "customerYearOfBirth": "1980"}
    (hit,) = _rule(_findings(cli, tmp_path, _personal_age(age)), "age-consistency")
    assert hit["message"].startswith("customerAgeInYears 10000000000000000000… (301 characters) contradicts the date of birth 1980:")
    # past a double's range it is no number a Java consumer reads (Double.parseDouble gives infinity): no age to compare
    past = {"customerAgeInYears": "1" + "0" * 400, "customerYearOfBirth": "1980"}
    assert _rule(_findings(cli, tmp_path, _personal_age(past)), "age-consistency") == []


# --- currency-code ---------------------------------------------------------------------------

def test_currency_code_leaves_a_currency_of_the_wrong_type_to_the_schema(cli, tmp_path):
    """A number, boolean or object as currency is the schema's wrong-type (v1-alphanumeric in v1); currency-code said it
    again, in Python's words ("True is not an ISO 4217 currency code", "{'code': 'USD'}")."""
    for value, schema_rule in ((840, "wrong-type"), (True, "wrong-type"), ({"code": "USD"}, "wrong-type")):
        findings = _findings(cli, tmp_path, {"sdes": {"events": [_cart(currency=value)]}}, "--api-version", "v2")
        assert [f["rule"] for f in findings if f["pointer"] == "/sdes/events/0/cartStatus/currency"] == [schema_rule], value
    findings = _findings(cli, tmp_path, {"sdes": {"events": [_cart(currency=840)]}}, "--api-version", "v1")
    assert [f["rule"] for f in findings if f["pointer"] == "/sdes/events/0/cartStatus/currency"] == ["v1-alphanumeric"]
    web = {"type": "cart", "total": 5, "numItems": 1, "currency": True, "products": [{"product": {"price": 5}, "quantity": 1}]}
    assert [f["rule"] for f in _findings(cli, tmp_path, web) if f["pointer"] == "/currency"] == ["wrong-type"]


def test_currency_code_on_a_numeric_code(cli, tmp_path):
    """840 is ISO 4217's numeric code for USD: 'not an ISO 4217 currency code' was false. Engagement History takes a
    number where its tables say text, so there the rule is the one to say it, in JSON's words."""
    (hit,) = _rule(_findings(cli, tmp_path, {"sdes": {"events": [_cart(currency="840")]}}), "currency-code")
    assert hit["message"] == "'840' is not an ISO 4217 alphabetic currency code: currency takes the three letters (USD), not ISO 4217's numeric code"
    eh = {"interactionHistoryRecords": [{"info": {"engagementId": "1"}, "sdes": {"events": [
        {"serverTimeStamp": STAMP, "lead": {"serverTimeStamp": STAMP, "lead": {"currency": 840}}},
        {"serverTimeStamp": STAMP, "lead": {"serverTimeStamp": STAMP, "lead": {"currency": 8.4}}}]}}]}
    findings = _findings(cli, tmp_path, eh)
    assert [(f["rule"], f["message"]) for f in findings if f["pointer"].endswith("/currency")] == [
        ("currency-code", "840 is not an ISO 4217 alphabetic currency code: currency takes the three letters (USD), not ISO 4217's numeric code"),
        ("currency-code", "8.4 is not an ISO 4217 currency code"),
    ]


# --- code-list -------------------------------------------------------------------------------

def test_code_list_leaves_an_int_field_the_schema_rejects_to_the_schema(cli, tmp_path):
    """API v2 and the web side type originatingChannel and status int: 99.5 (wrong-type) and 2147483648 or "99.5"
    (bad-value) were reported a second time as codes outside the list. An int outside the list still is."""
    def service(status):
        return {"serviceActivity": {"serverTimeStamp": STAMP, "serviceActivity": {"status": status}}, "sdeType": "SERVICE_ACTIVITY", "serverTimeStamp": STAMP}

    pointer = "/sdes/events/0/serviceActivity/serviceActivity/status"
    for status, schema_rule in ((99.5, "wrong-type"), ("99.5", "bad-value"), (2147483648, "bad-value"), ("2147483648", "bad-value")):
        findings = _findings(cli, tmp_path, {"sdes": {"events": [service(status)]}}, "--api-version", "v2")
        assert [f["rule"] for f in findings if f["pointer"] == pointer and f["severity"] != "info"] == [schema_rule], status
    for status in (-1, "42", 14.0):
        findings = _findings(cli, tmp_path, {"sdes": {"events": [service(status)]}}, "--api-version", "v2")
        assert [f["rule"] for f in findings if f["pointer"] == pointer and f["severity"] != "info"] == ["code-list"], status
    web = [{"type": "mrktInfo", "info": {"channel": 99.5}}, {"type": "mrktInfo", "info": {"channel": 9}}]
    assert [(f["rule"], f["pointer"]) for f in _findings(cli, tmp_path, web)] == [("wrong-type", "/0/info/channel"), ("code-list", "/1/info/channel")]
    # API v1 types them alphanumeric: any text is a value, and this rule the one to say it is no code
    (hit,) = _findings(cli, tmp_path, {"sdes": {"events": [service("99.5")]}}, "--api-version", "v1")
    assert hit["rule"] == "code-list" and hit["message"].startswith("status '99.5' is not one of the documented codes")


# --- timestamp-range -------------------------------------------------------------------------

def test_timestamp_range_names_a_unit_only_when_the_value_read_in_it_is_a_plausible_time(cli, tmp_path):
    """253402300799999 (9999-12-31 23:59:59.999, a 'no end' sentinel) and Long.MAX_VALUE were said to 'look like
    microseconds or nanoseconds'; read so, they are 1978 and 2262. The unit is named when the window agrees."""
    cases = {
        "253402300799999": "253402300799999 is 9999-12-31 23:59:59.999 UTC",
        "9223372036854775807": "9223372036854775807 is the largest long (Java's Long.MAX_VALUE): a placeholder, not a time",
        "1528628536879000": "1528628536879000 looks like microseconds, not milliseconds (2018-06-10 11:02:16.879 UTC if microseconds)",
        "1528628536879000000": "1528628536879000000 looks like nanoseconds, not milliseconds (2018-06-10 11:02:16.879 UTC if nanoseconds)",
        "1528628536": "1528628536 looks like seconds, not milliseconds (2018-06-10 11:02:16.000 UTC if seconds)",
        "12345678901234567890123": "12345678901234567890123 is past the year 9999",
    }
    for stamp, why in cases.items():
        findings = _rule(_findings(cli, tmp_path, _cart() | {"serverTimeStamp": stamp}, "--select", "timestamp-range"), "timestamp-range")
        assert [f["message"] for f in findings] == [
            f"implausible epoch-milliseconds timestamp: {why}; expected between 2000-01-01 and 2100-01-01"], stamp


# --- timestamp-order -------------------------------------------------------------------------

def test_timestamp_order_just_past_its_tolerance_says_by_how_much(cli, tmp_path):
    """60,001 ms late read '1m after it was processed', the tolerance itself: the excess is said when the span,
    rounded to the second, does not show it."""
    edge = _cart(serverTimeStamp="1528628536879", originalTimeStamp="1528628596880") | {"serverTimeStamp": "1528628536879"}
    (hit,) = _rule(_findings(cli, tmp_path, edge), "timestamp-order")
    assert hit["message"] == ("created (originalTimeStamp 2018-06-10 11:03:16.880 UTC) 1m 1ms after it was processed"
                              " (serverTimeStamp 2018-06-10 11:02:16.879 UTC), 1ms more than the tolerance of 1m")
    later = _cart(serverTimeStamp="1528628536879", originalTimeStamp="1528628598379") | {"serverTimeStamp": "1528628536879"}
    (hit,) = _rule(_findings(cli, tmp_path, later), "timestamp-order")
    assert hit["message"].endswith("1m 1s after it was processed (serverTimeStamp 2018-06-10 11:02:16.879 UTC)")


# --- message-time ----------------------------------------------------------------------------

def test_message_time_does_not_roll_an_impossible_date_over(cli, tmp_path):
    """calendar.timegm reads 2016-02-30 as March 1st (and hour 25 as the next day): the message quoted a span of
    '181d before timeL' from a date the text does not say. A leap second (:60) is UTC's and still compared."""
    def record(text, millis=1472483659564):
        message = {"messageId": "ms::conv:c1::msg:0", "seq": 0, "time": text, "timeL": millis}
        return {"info": {"conversationId": "c1"}, "messageRecords": [message]}

    (hit,) = _rule(_findings(cli, tmp_path, record("2016-02-30 15:14:19.564+0000")), "message-time")
    assert hit["message"] == "time '2016-02-30 15:14:19.564+0000' is no calendar date and time of day, so it cannot say timeL 1472483659564"
    assert len(_rule(_findings(cli, tmp_path, record("2016-08-29 25:14:19.564+0000")), "message-time")) == 1
    assert _rule(_findings(cli, tmp_path, record("2016-12-31 23:59:60.000+0000", 1483228800000)), "message-time") == []
    assert _rule(_findings(cli, tmp_path, record("2016-02-29 15:14:19.564+0000", 1456758859564)), "message-time") == []


# --- cart-arithmetic -------------------------------------------------------------------------

def test_cart_arithmetic_keeps_the_exponent_of_a_huge_sum(cli, tmp_path):
    """A sum of 2E+5000 read 'adds up to 2.000000000000000000… (1007 characters)': cut to 20 characters, the
    exponent was lost and the sum read as 2. Amounts past a double's range are no numbers to add any more
    (test_values_no_double_holds_are_one_finding_in_v2_and_none_in_v1); the largest a double holds, 309 digits, are
    written by their first digits and their length."""
    huge = "1" + "0" * 300
    cart = _cart(total=huge, numItems="1", products=[{"quantity": "1", "product": {"price": "2" + "0" * 300}}])
    (hit,) = _rule(_findings(cli, tmp_path, cart), "cart-arithmetic")
    assert hit["message"] == "total is 10000000000000000000… (301 characters) but price times quantity adds up to 20000000000000000000… (301 characters)"
    cart = _cart(total=huge, numItems="1", products=[{"quantity": "1", "product": {"price": "2" + "0" * 5000}}])
    assert _rule(_findings(cli, tmp_path, cart), "cart-arithmetic") == []


def test_values_no_double_holds_are_one_finding_in_v2_and_none_in_v1(cli, tmp_path):
    """The string "1e400" in a v2 double was accepted (a numeric-string info) where the number 1e400 is an error, and
    cart-arithmetic added it as 10**400 ("total is 1E+400"); Java's Double.parseDouble reads it as infinity. Now it is
    the schema's bad-value in v2 (by the fast and the detailed path alike), and no rule reads it as a number, in v1
    (any text, as "NaN" is) either. Python-only numbers ("1_000", Arabic-Indic digits, " 12") decide nothing."""
    def cart(total: object, price: object = "3.5", quantity: object = "2") -> dict:
        return _cart(total=total, numItems="2", products=[{"quantity": quantity, "product": {"price": price}}])

    for text in ("1e400", "-1E+400", "9" * 309, "1.7976931348623159e308"):
        for payload, at in ((cart(text), "/cartStatus/total"), (cart("7.0", price=text), "/cartStatus/products/0/product/price")):
            v2 = [f for f in _findings(cli, tmp_path, payload, "--api-version", "v2") if f["rule"] != "numeric-string" or f["pointer"] == at]
            assert [(f["rule"], f["pointer"]) for f in v2] == [("bad-value", at)], (text, v2)
            assert "out of its range, no IEEE 754 double holds it" in v2[0]["message"]
            assert _findings(cli, tmp_path, payload, "--api-version", "v1") == [], text
    # the number itself: the parse's syntax-error only (negative-amount said "total is negative (-inf)" beside it)
    path = tmp_path / "numbers.json"
    price = "9" * 400
    path.write_text(f'{{"cartStatus": {{"serverTimeStamp": "{STAMP}", "total": -1e400, "numItems": 1, "products": [{{"quantity": 1,'
                    f' "product": {{"price": {price}}}}}]}}, "sdeType": "CART_STATUS", "serverTimeStamp": "{STAMP}"}}')
    found = json.loads(cli("check", "--format", "json", "--api-version", "v2", "--exit-zero", path).output)["findings"]
    assert [(f["rule"], f["pointer"]) for f in found] == [
        ("syntax-error", "/cartStatus/total"), ("bad-value", "/cartStatus/products/0/product/price")]
    # what a double holds is still read: the largest, and a value that underflows to 0 as Java reads it
    (hit,) = _rule(_findings(cli, tmp_path, cart("1.7976931348623157e308"), "--api-version", "v2"), "cart-arithmetic")
    assert hit["pointer"] == "/cartStatus/total"
    for text in ("1_000", "\u0661\u0662", " 12", "0x1F", "NaN", "Infinity"):
        assert _findings(cli, tmp_path, cart(text), "--api-version", "v1") == [], text
        assert [f["rule"] for f in _findings(cli, tmp_path, cart(text), "--api-version", "v2") if f["pointer"].endswith("/total")] == ["bad-value"], text


def test_timestamp_order_writes_a_tolerance_past_whole_seconds_exactly(cli, tmp_path):
    """tolerance-ms 1500 and 1,501 ms late read '1s after it was processed, 1ms more than the tolerance of 1s':
    the seconds said of both spans were rounded down, and the message contradicted itself."""
    config = tmp_path / ".sdelint.yaml"
    config.write_text("rules:\n  timestamp-order: {tolerance-ms: 1500}\n", encoding="utf-8")
    edge = _cart(serverTimeStamp="1528628536879", originalTimeStamp="1528628538380") | {"serverTimeStamp": "1528628536879"}
    (hit,) = _rule(_findings(cli, tmp_path, edge, "--config", str(config)), "timestamp-order")
    assert hit["message"] == ("created (originalTimeStamp 2018-06-10 11:02:18.380 UTC) 1s 501ms after it was processed"
                              " (serverTimeStamp 2018-06-10 11:02:16.879 UTC), 1ms more than the tolerance of 1s 500ms")
