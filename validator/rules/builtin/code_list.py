"""code-list: a value outside the code list the documentation gives for its field.

The lists are parameters (a brand may use codes of its own); countries and languages come from the
ISO lists shipped in rules/data, and a brand may add to them.
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import Any

from ..base import EventContext, Hit, Rule
from ..datafiles import data_lines
from ..params import CodeList, StringList
from ..values import as_number, shorten

# field reference §5, quoting LivePerson's documentation
ORIGINATING_CHANNELS = list(range(7))  # "0-Direct, 1-Search, 2-Social, 3-Email, 4-Referral, 5-Paid Search, 6-Display"
SERVICE_STATUSES = list(range(14))  # "0-Complete, 1-In Progress, ... 12-Pending, 13-Resolved"
GENDERS = ["MALE", "FEMALE", "OTHER"]
PHONE_TYPES = ["HOME", "MOBILE", "WORK", "FAX", "MAIN", "HOME_FAX", "WORK_FAX", "PAGER", "OTHER"]

_LANGUAGE_TAG = re.compile(r"([a-z]{2})(?:[-_]([A-Z]{2}))?\Z")


def _code(value: Any) -> str:
    """A value as a code: numbers and numeric strings ("3", 3, 3.0) by their integer, text as it is."""
    number = as_number(value)
    if number is not None and math.isfinite(number) and number.is_integer():
        return str(int(number))
    return value if isinstance(value, str) else str(value)


@cache
def _codes(configured: tuple[Any, ...], fold: bool) -> frozenset[str]:
    return frozenset(_code(c).casefold() if fold else _code(c) for c in configured)


def _listed(value: Any, configured: list[Any], fold: bool = False) -> bool:
    code = _code(value)
    return (code.casefold() if fold else code) in _codes(tuple(configured), fold)


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


def language_problem(value: str, extra: list[str]) -> str | None:
    """Why ``value`` is not a documented language, or None: an ISO 639-1 tag with an optional region, or an English name."""
    codes, names = languages()
    if value in extra:
        return None
    tag = _LANGUAGE_TAG.match(value)
    if tag:
        language, region = tag.groups()
        if language not in codes:
            return f"has {language!r}, which is not an ISO 639-1 language code"
        if region is not None and region not in countries():
            return f"has region {region!r}, which is not an ISO 3166-1 alpha-2 country code"
        return None
    if value.casefold() in names:
        return None
    hint = ""
    language, _, region = value.replace("_", "-").partition("-")
    if _LANGUAGE_TAG.match(f"{language.lower()}-{region.upper()}" if region else language.lower()):
        hint = " (the language is lower case, the region upper case)"
    return (
        "is neither a language tag (an ISO 639-1 code, optionally a dash or underscore and an ISO 3166-1 alpha-2 region: en-US, fr_CA)"
        f" nor an English language name{hint}"
    )


def _listed_hit(pointer: str, field: str, value: Any, configured: list[Any], fold: bool = False) -> Hit | None:
    if value is None or isinstance(value, (bool, dict, list)) or _listed(value, configured, fold):
        return None  # null is "not set"; other types are the schema's to report
    shown = ", ".join(map(str, configured))
    return Hit(pointer, f"{field} {shorten(repr(value))} is not one of the documented codes ({shown}{'; any case' if fold else ''})", value)


def _country_hit(pointer: str, value: Any, extra: list[str]) -> Hit | None:
    if not isinstance(value, str) or value in countries() or value in extra:
        return None
    hint = f" (did you mean {value.upper()!r}?)" if value.upper() in countries() else ""
    return Hit(pointer, f"country {shorten(repr(value))} is not an ISO 3166-1 alpha-2 code{hint}", value)


def _contact_hits(contacts: Any, pointer: str, p: dict[str, Any], hits: list[Hit]) -> None:
    if type(contacts) is not list:
        return
    for i, item in enumerate(contacts):
        contact = item.get("personalContact") if type(item) is dict else None
        if type(contact) is not dict:
            continue
        here = f"{pointer}/{i}/personalContact"
        hit = _listed_hit(f"{here}/phoneType", "phoneType", contact.get("phoneType"), p["phone-types"])
        if hit:
            hits.append(hit)
        address = contact.get("address")
        if type(address) is dict:
            hit = _country_hit(f"{here}/address/country", address.get("country"), p["extra-countries"])
            if hit:
                hits.append(hit)


def code_list(ctx: EventContext, p: dict[str, Any]) -> list[Hit] | None:
    attrs, pointer = ctx.attrs, ctx.attrs_pointer
    if attrs is None:
        return None
    hits: list[Hit] = []
    if ctx.key == "marketingCampaignInfo":
        hit = _listed_hit(f"{pointer}/originatingChannel", "originatingChannel", attrs.get("originatingChannel"), p["originating-channels"])
    elif ctx.key == "serviceActivity":
        hit = _listed_hit(f"{pointer}/status", "status", attrs.get("status"), p["service-statuses"])
    else:
        hit = _listed_hit(f"{pointer}/gender", "gender", attrs.get("gender"), p["genders"], fold=True)
        language = attrs.get("language")
        why = language_problem(language, p["extra-languages"]) if isinstance(language, str) else None
        if why:
            hits.append(Hit(f"{pointer}/language", f"language {shorten(repr(language))} {why}", language))
        _contact_hits(attrs.get("contacts"), f"{pointer}/contacts", p, hits)
    if hit:
        hits.insert(0, hit)
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
    check_event=code_list,
)
