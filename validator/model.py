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
# The one of them Engagement History prints flat, its fields next to serverTimeStamp (field reference §2: EH-Methods);
# it nests the other five as Messaging Interactions does
EH_FLAT_CONTAINER = "personalInfo"
# Epoch-milliseconds timestamps: "long" in every field table, with no v1/v2 split (digits or integers in both)
TIMESTAMP_KEYS = ("serverTimeStamp", "originalTimeStamp")
# customerInfo's dates: "3 integer fields: Year, month, and day", JSON { "year": 2011, "month": 3, "day": 21},
# with no v1/v2 split either (integers or, as every v1 value, text)
DATE_KEYS = ("lastPaymentDate", "registrationDate")

VERSIONS = ("v1", "v2")
# Which sections of a record each API version returns
SECTIONS = {"v1": ("sdes",), "v2": ("sdes", "unAuthSdes")}

# What an input holds (see detect.py): the kinds, and those that are walked record by record
RESPONSE, RESPONSE_LIST, RECORD, RECORDS = "response", "response-list", "record", "records"
EVENTS, EVENT, EVENT_LIST = "events", "event", "event-list"
# Engagement History: a search response holds its records under interactionHistoryRecords.
EH_RESPONSE = "eh-response"
RECORD_KINDS = (RESPONSE, RESPONSE_LIST, RECORDS, RECORD, EH_RESPONSE)

# Profiles: which surface of LivePerson a payload was captured from (see detect.profile_evidence).
MESSAGING, ENGAGEMENT_HISTORY, WEB = "messaging", "engagement-history", "web"
PROFILES = (MESSAGING, ENGAGEMENT_HISTORY, WEB)
# What --api-version and --profile take: a version or profile, or auto (detect it per input)
API_VERSION_CHOICES = ("auto", *VERSIONS)
PROFILE_CHOICES = ("auto", *PROFILES)
# The schema stores besides the API versions: each profile but messaging has one, named like it.
PROFILE_STORES = (ENGAGEMENT_HISTORY, WEB)

# The web side's names for API fields that it names otherwise (field reference §2: "Web-side field names vs API field names")
WEB_NAMES = {"customerStatus": "cstatus", "customerType": "ctype", "name": "firstname", "surname": "lastname", "customerAge": "age",
             "originatingChannel": "channel"}

# Container keys Engagement History uses for two of the types (field reference §2).
EH_CONTAINER_KEYS = {"viewProduct": "viewedProduct", "formFillingError": "visitorError"}

# Web side: one object as pushed with lpTag.sdes, a list of them, a request body or token claims
# holding them (engagementAttributes, lp_sdes), or a JavaScript/HTML source with pushes.
WEB_SDE, WEB_SDE_LIST, WEB_BODY, WEB_SOURCE = "web-sde", "web-sde-list", "web-body", "web-source"
WEB_KINDS = (WEB_SDE, WEB_SDE_LIST, WEB_BODY, WEB_SOURCE)
# lpTag type -> (API container key, the member holding its fields, or None when flat)
WEB_TYPES: dict[str, tuple[str, str | None]] = {
    "ctmrinfo": ("customerInfo", "info"),
    "personal": ("personalInfo", "personal"),
    "cart": ("cartStatus", None),
    "purchase": ("purchase", None),
    "mrktInfo": ("marketingCampaignInfo", "info"),
    "searchInfo": ("searchContent", None),
    "prodView": ("viewedProduct", None),
    "error": ("visitorError", "error"),
    "lead": ("lead", "lead"),
    "service": ("serviceActivity", "service"),
}
# Members of request bodies and token claims that hold web-side objects; lp_sdes is the authenticated flow.
WEB_MEMBERS = ("engagementAttributes", "lp_sdes")
