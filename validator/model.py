"""The vocabulary of the payloads: the ten attribute types and where events live."""

from __future__ import annotations

# sdeType -> the key of its attribute container (also the name of its schema file)
SDE_TYPES: dict[str, str] = {
    "CUSTOMER_INFO": "customerInfo",
    "PERSONAL_INFO": "personalInfo",
    "CART_STATUS": "cartStatus",
    "PURCHASE": "purchase",
    "MARKETING_CAMPAIGN_INFO": "marketingCampaignInfo",
    "SEARCH_CONTENT": "searchContent",
    "VIEWED_PRODUCT": "viewedProduct",
    "VISITOR_ERROR": "visitorError",
    "LEAD": "lead",
    "SERVICE_ACTIVITY": "serviceActivity",
}
CONTAINER_KEYS = frozenset(SDE_TYPES.values())
# Types whose attributes sit in an inner object named like the container: {"lead": {"lead": {...}}}
DOUBLE_NESTED = frozenset({"customerInfo", "personalInfo", "marketingCampaignInfo", "visitorError", "lead", "serviceActivity"})

VERSIONS = ("v1", "v2")
# Which sections of a record each API version returns
SECTIONS = {"v1": ("sdes",), "v2": ("sdes", "unAuthSdes")}

# What an input holds (see detect.py): the kinds, and those that are walked record by record
RESPONSE, RESPONSE_LIST, RECORD, RECORDS = "response", "response-list", "record", "records"
EVENTS, EVENT, EVENT_LIST = "events", "event", "event-list"
RECORD_KINDS = (RESPONSE, RESPONSE_LIST, RECORDS, RECORD)
