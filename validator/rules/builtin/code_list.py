"""code-list: a value outside the code list the documentation gives for its field.

The lists are parameters (a brand may use codes of its own); countries and languages come from the
ISO lists shipped in rules/data, and a brand may add to them.
"""

from __future__ import annotations

import math
import re
from functools import cache, lru_cache
from typing import Any

from ...model import ENGAGEMENT_HISTORY, PROFILES, WEB, WEB_NAMES
from ..base import EventContext, Hit, Rule
from ..datafiles import data_lines
from ..params import CodeList, StringList
from ..values import TYPED_VERSIONS, as_number, is_typed_int, quoted, show_json, unset

# field reference §5, quoting LivePerson's documentation
ORIGINATING_CHANNELS = list(range(7))  # "0-Direct, 1-Search, 2-Social, 3-Email, 4-Referral, 5-Paid Search, 6-Display"
SERVICE_STATUSES = list(range(14))  # "0-Complete, 1-In Progress, ... 12-Pending, 13-Resolved"
GENDERS = ["MALE", "FEMALE", "OTHER"]
PHONE_TYPES = ["HOME", "MOBILE", "WORK", "FAX", "MAIN", "HOME_FAX", "WORK_FAX", "PAGER", "OTHER"]

# ISO 639-1, optionally a script (zh-Hant) and a region: ISO 3166-1 alpha-2 as documented, or a UN M.49 area (es-419);
# then what BCP 47 (RFC 5646) adds to such a tag without changing its language: variants (de-CH-1901), extensions
# (pt-BR-u-ca-gregory) and a private-use part (en-US-x-twain)
_LANGUAGE_TAG = re.compile(
    r"([a-z]{2})(?:[-_][A-Z][a-z]{3})?(?:[-_]([A-Z]{2}|[0-9]{3}))?"
    r"(?:[-_](?:[0-9A-Za-z]{5,8}|[0-9][0-9A-Za-z]{3}))*"
    r"(?:[-_][0-9A-WYZa-wyz](?:[-_][0-9A-Za-z]{2,8})+)*"
    r"(?:[-_][xX](?:[-_][0-9A-Za-z]{1,8})+)?\Z"
)
# The codes ISO 639 withdrew for Hebrew, Indonesian and Yiddish, which Java's Locale wrote until Java 17 (and Android's
# still does): a Locale.toString() of Hebrew in Israel is "iw_IL"
_JAVA_LANGUAGES = frozenset(("iw", "in", "ji"))


# The numeric regions of the IANA language subtag registry (UN M.49 areas: 001 World, 150 Europe, 419 Latin America...)
UN_M49_AREAS = frozenset({
    "001", "002", "003", "005", "009", "011", "013", "014", "015", "017", "018", "019", "021", "029", "030", "034",
    "035", "039", "053", "054", "057", "061", "142", "143", "145", "150", "151", "154", "155", "202", "419",
})


def _code(value: Any) -> str:
    """A value as a code: numbers and numeric strings ("3", 3, 3.0) by their integer, text as it is."""
    number = as_number(value)
    if number is not None and math.isfinite(number) and number.is_integer():
        return str(int(number))
    return value if isinstance(value, str) else str(value)


# parameter -> (the field it lists, compared in any case)
_LISTS = {
    "originating-channels": ("originatingChannel", False),
    "service-statuses": ("status", False),
    "genders": ("gender", True),
    "phone-types": ("phoneType", False),
}


def prepared(params: dict[str, Any]) -> dict[str, Any]:
    """The lists as sets of codes (casefolded where case does not count), built once per run rather than per event."""
    ready = dict(params)
    for key, (_field, fold) in _LISTS.items():
        codes: set[Any] = {_code(c).casefold() if fold else _code(c) for c in params[key]}
        codes.update(c for c in params[key] if type(c) is int)  # a JSON integer is then found as it is
        ready[f"_{key}"] = frozenset(codes)
    ready["_extra-languages"], ready["_extra-countries"] = frozenset(params["extra-languages"]), frozenset(params["extra-countries"])
    return ready


@cache
def countries() -> frozenset[str]:
    return frozenset(data_lines("iso3166-alpha2.txt"))


@cache
def languages() -> tuple[frozenset[str], frozenset[str]]:
    """(ISO 639-1 codes, their English names casefolded)."""
    codes: set[str] = set()
    names: set[str] = set()
    for line in data_lines("iso639-1.txt"):
        code, _, named = line.partition("\t")
        codes.add(code)
        names.update(name.strip().casefold() for name in named.split(";"))
    return frozenset(codes), frozenset(names)


@lru_cache(maxsize=4096)  # a payload uses few distinct languages
def language_problem(value: str, extra: frozenset[str]) -> str | None:
    """Why ``value`` is not a documented language, or None: an ISO 639-1 tag with an optional script and region, or an English name."""
    codes, names = languages()
    if value in extra:
        return None
    tag = _LANGUAGE_TAG.match(value)
    if tag:
        language, region = tag.groups()
        if language not in codes and language not in _JAVA_LANGUAGES:
            return f"has {language!r}, which is not an ISO 639-1 language code"
        if region is not None and region.isdigit():
            if region not in UN_M49_AREAS:
                return f"has area {region!r}, which is not a UN M.49 area that language tags use (such as 419, Latin America)"
        elif region is not None and region not in countries():
            return f"has region {region!r}, which is not an ISO 3166-1 alpha-2 country code"
        return None
    if value.casefold() in names:
        return None
    hint = ""
    language, _, region = value.replace("_", "-").partition("-")
    if _LANGUAGE_TAG.match(f"{language.lower()}-{region.upper()}" if region else language.lower()):
        hint = " (the language is lower case, the region upper case)"
    return (
        "is neither a language tag (an ISO 639-1 code, optionally a dash or underscore and an ISO 3166-1 alpha-2 region: en-US, fr_CA;"
        " a script or a UN M.49 area may be added or take the region's place: zh-Hant-TW, es-419; BCP 47 variants and extensions may follow)"
        f" nor an English language name{hint}"
    )


def _unlisted(value: Any, p: dict[str, Any], key: str, field: str | None = None) -> str | None:
    """Why ``value`` is not in the list ``key``, or None (pointers are built only for a finding).

    ``field``: the name the payload gives the field (the web side's ``channel``), when not the API's.
    """
    if unset(value) or type(value) in (bool, dict, list):
        return None  # null and "" are "not set"; other types are the schema's to report
    if type(value) is float and not math.isfinite(value):
        return None  # 1e400 (read as infinity), NaN: the parse's syntax-error; "status inf" would repeat it, as nobody wrote it
    codes, (api_field, fold) = p[f"_{key}"], _LISTS[key]
    field = field or api_field
    if value in codes:
        return None  # the common case: "1", "MALE"
    code = _code(value)
    if (code.casefold() if fold else code) in codes:
        return None
    shown = ", ".join(map(str, p[key])) + ("; any case" if fold else "")
    if key == "genders":
        shown += "; or the web Types table's codes 0, 1, 2"  # accepted too (see code_list)
    return f"{field} {quoted(value) if isinstance(value, str) else show_json(value)} is not one of the documented codes ({shown})"


def _unknown_country(value: Any, extra: frozenset[str]) -> str | None:
    if not isinstance(value, str) or unset(value) or value in countries() or value in extra:
        return None
    hint = f" (did you mean {value.upper()!r}?)" if value.upper() in countries() else ""
    return f"country {quoted(value)} is not an ISO 3166-1 alpha-2 code{hint}"


def _text_judged(value: Any, numbers: bool) -> bool:
    """Whether a text field's code list judges ``value``: text, and a finite number where the schema takes one for text
    (Engagement History: socialId 4444), as currency-code does; elsewhere a number is the schema's wrong-type (v1-alphanumeric
    in API v1), and "phoneType 34 is not one of the documented codes" beside it would say the same defect again."""
    kind = type(value)
    return kind is str or (numbers and (kind is int or (kind is float and math.isfinite(value))))


def _contact_hits(contacts: list[Any], pointer: str, p: dict[str, Any], hits: list[Hit], nested: bool = True, numbers: bool = False) -> None:
    """Contacts as the API nests them (contacts[].personalContact), or as the web side writes them (contacts[])."""
    for i, item in enumerate(contacts):
        contact = (item.get("personalContact") if nested else item) if type(item) is dict else None
        if type(contact) is not dict:
            continue
        at = f"{pointer}/{i}/personalContact" if nested else f"{pointer}/{i}"
        phone_type = contact.get("phoneType")
        judged = type(phone_type) is str or phone_type is not None and _text_judged(phone_type, numbers)  # text: no call, most contacts
        why = _unlisted(phone_type, p, "phone-types") if judged else None
        if why:
            hits.append(Hit(f"{at}/phoneType", why, phone_type))
        # the country code list is the web table's; the API tables have no address, and its one example sends a name ("Israel")
        address = contact.get("address") if not nested else None
        country = address.get("country") if type(address) is dict else None
        why = _unknown_country(country, p["_extra-countries"]) if country is not None else None
        if why:
            hits.append(Hit(f"{at}/address/country", why, country))


# container -> (its field with a code list, the parameter listing the codes)
_SINGLE = {
    "marketingCampaignInfo": ("originatingChannel", "originating-channels"),
    "serviceActivity": ("status", "service-statuses"),
    "personalInfo": ("gender", "genders"),
}


# the web side's gender codes (its Types table: 0-MALE, 1-FEMALE, 2-OTHER): a site that pushes them sends
# them on through the API, whose tables say only "alphanumeric"
_WEB_GENDER_CODES = ("0", "1", "2")


_INTEGER_LISTS = frozenset(("originating-channels", "service-statuses"))


def code_list(ctx: EventContext, p: dict[str, Any]) -> list[Hit] | None:
    attrs = ctx.attrs
    if attrs is None:
        return None
    hits: list[Hit] = []
    web = ctx.version == WEB
    field, key = _SINGLE[ctx.key]
    field = WEB_NAMES.get(field, field) if web else field
    value = attrs.get(field)
    if field == "gender" and type(value) is not bool and _code(value) in _WEB_GENDER_CODES:
        value = None  # the Types table's integer codes (0-MALE, 1-FEMALE, 2-OTHER), as numbers or text as channel's
    elif ctx.version in TYPED_VERSIONS and key in _INTEGER_LISTS and value is not None and not is_typed_int(value):
        value = None  # v2 and the web side type channel and status int: anything else ("Search", 99.5, 2**31) is the schema's
    why = _unlisted(value, p, key, field) if value is not None else None
    if why:
        hits.append(Hit(f"{ctx.attrs_pointer}/{field}", why, value))
    if ctx.key == "personalInfo":
        language = attrs.get("language")
        numbers = ctx.version == ENGAGEMENT_HISTORY
        judged = type(language) is str or language is not None and _text_judged(language, numbers)
        checked = judged and not unset(language)  # a tag as written; a number (Engagement History's text takes one) by its digits
        why = language_problem(language if type(language) is str else _code(language), p["_extra-languages"]) if checked else None
        if why:
            shown = quoted(language) if type(language) is str else show_json(language)
            hits.append(Hit(f"{ctx.attrs_pointer}/language", f"language {shown} {why}", language))
        contacts = attrs.get("contacts")
        if type(contacts) is list:
            _contact_hits(contacts, f"{ctx.attrs_pointer}/contacts", p, hits, nested=not web, numbers=numbers)
    return hits


RULE = Rule(
    "code-list", category="event", severity="warning", sde_types=("PERSONAL_INFO", "MARKETING_CAMPAIGN_INFO", "SERVICE_ACTIVITY"),
    params={
        "originating-channels": CodeList(ORIGINATING_CHANNELS),
        "service-statuses": CodeList(SERVICE_STATUSES),
        "genders": CodeList(GENDERS),
        "phone-types": CodeList(PHONE_TYPES),
        "extra-languages": StringList([]),
        "extra-countries": StringList([]),
    },
    check_event=code_list, prepare=prepared,
    profiles=PROFILES,
)
