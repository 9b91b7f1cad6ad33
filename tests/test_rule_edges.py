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
