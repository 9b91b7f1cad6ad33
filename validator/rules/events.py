"""Built-in semantic rules on single events."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from functools import lru_cache
from typing import Any

from ..findings import join_pointer
from ..model import CONTAINER_KEYS
from ..resources import _PACKAGE_DIR
from .base import EventContext, event_rule
from .typed_fields import string_finder
from .values import as_int, as_number, format_duration, format_ms, iter_strings

TIMESTAMP_KEYS = ("serverTimeStamp", "originalTimeStamp")


# --- value-length -------------------------------------------------------------

def _measure(text: str, unit: str) -> int:
    if unit == "utf8":
        return len(text.encode("utf-8", "surrogatepass"))
    if unit == "utf16":
        return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
    return len(text)


def _has_string_longer_than(value: Any, size: int) -> bool:
    for item in value.values() if type(value) is dict else value:
        kind = type(item)
        if kind is str:
            if len(item) > size:
                return True
        elif (kind is dict or kind is list) and _has_string_longer_than(item, size):
            return True
    return False


# No string shorter than this share of the limit can exceed it in the unit: a UTF-8 character takes
# at most 4 bytes, and one character at most 2 UTF-16 code units.
_SHARE = {"characters": 1, "utf16": 2, "utf8": 4}


@event_rule("value-length")
def value_length(ctx: EventContext, p: dict):
    limit, unit = p["max"], p["unit"]
    threshold = limit // _SHARE.get(unit, 4)
    if ctx.container is None or (ctx.longest_string is not None and ctx.longest_string <= threshold):
        return None  # no string in the text it came from is that long
    if not _has_string_longer_than(ctx.container, threshold):
        return None
    hits = []
    for pointer, text in iter_strings(ctx.container, ctx.container_pointer):
        if len(text) > threshold:
            size = _measure(text, unit)
            if size > limit:
                hits.append((pointer, f"value is {size} {unit.replace('utf8', 'UTF-8 bytes').replace('utf16', 'UTF-16 code units')} long; the limit is {limit}", None))
    return hits


# --- timestamps ---------------------------------------------------------------

@event_rule("timestamp-order")
def timestamp_order(ctx: EventContext, p: dict):
    c = ctx.container
    if c is None:
        return None
    raw_created, raw_processed = c.get("originalTimeStamp"), c.get("serverTimeStamp")
    if type(raw_created) is str and type(raw_processed) is str and len(raw_created) == len(raw_processed) and raw_created <= raw_processed:
        return None  # equal-length digit strings order like their numbers: created no later than processed
    created, processed = as_int(raw_created), as_int(raw_processed)
    if created is None or processed is None or created - processed <= p["tolerance-ms"]:
        return None
    return [(
        ctx.container_pointer + "/originalTimeStamp",
        f"created (originalTimeStamp {format_ms(created)}) {format_duration(created - processed)} after it was processed (serverTimeStamp {format_ms(processed)})",
        created,
    )]


@lru_cache(maxsize=None)
def _window(earliest: str, latest: str) -> tuple[int, int]:
    def ms(day: str) -> int:
        return int(datetime.fromisoformat(day).replace(tzinfo=timezone.utc).timestamp() * 1000)

    return ms(earliest), ms(latest)


def _range_hit(pointer: str, value: Any, low: int, high: int):
    ms = as_int(value)
    if ms is None or low <= ms <= high:
        return None
    if ms == 0:
        why = "0: the time was never set"
    elif 10**9 <= abs(ms) < 10**11:
        why = f"{ms} looks like seconds, not milliseconds ({format_ms(ms * 1000)} if seconds)"
    elif abs(ms) >= 10**14:
        why = f"{ms} looks like microseconds or nanoseconds, not milliseconds"
    else:
        why = f"{ms} is {format_ms(ms)}"
    return (pointer, f"implausible epoch-milliseconds timestamp: {why}; expected between {format_ms(low)[:10]} and {format_ms(high)[:10]}", value)


def _range_hits(obj: dict, pointer: str, keys: tuple[str, ...], low: int, high: int, hits: list) -> None:
    for key in keys:
        value = obj.get(key)
        if value is None:
            continue
        kind = type(value)
        if kind is int:
            if low <= value <= high:
                continue
        elif kind is str and len(value) == 13 and value.isdigit() and value.isascii() and low <= int(value) <= high:
            continue  # the common cases, decided without building a pointer or the general parse
        hit = _range_hit(f"{pointer}/{key}", value, low, high)
        if hit:
            hits.append(hit)


@event_rule("timestamp-range")
def timestamp_range(ctx: EventContext, p: dict):
    low, high = _window(str(p["earliest"]), str(p["latest"]))
    hits: list = []
    _range_hits(ctx.event, ctx.pointer, ("serverTimeStamp",), low, high, hits)
    container = ctx.container
    if container is not None:
        _range_hits(container, ctx.container_pointer, TIMESTAMP_KEYS, low, high, hits)
        if ctx.key == "purchase" and type(container.get("cart")) is dict:
            _range_hits(container["cart"], f"{ctx.container_pointer}/cart", TIMESTAMP_KEYS, low, high, hits)
    return hits


@event_rule("timestamp-mismatch")
def timestamp_mismatch(ctx: EventContext, p: dict):
    if ctx.container is None:
        return None
    raw_outer, raw_inner = ctx.event.get("serverTimeStamp"), ctx.container.get("serverTimeStamp")
    if raw_outer == raw_inner:
        return None
    outer, inner = as_int(raw_outer), as_int(raw_inner)
    if outer is None or inner is None or outer == inner:
        return None
    return [(join_pointer(ctx.pointer, "serverTimeStamp"), f"event serverTimeStamp {outer} differs from its {ctx.key}.serverTimeStamp {inner} by {format_duration(outer - inner)}", outer)]


# --- structure and typing -------------------------------------------------------

@event_rule("sde-type-key")
def sde_type_key(ctx: EventContext, p: dict):
    if ctx.key in ctx.event:
        return None
    others = [k for k in ctx.event if k in CONTAINER_KEYS]
    if not others:
        return None  # the schema reports the missing container
    return [(join_pointer(ctx.pointer, "sdeType"), f"sdeType {ctx.event.get('sdeType')!r} goes with a {ctx.key!r} container, but the event holds {', '.join(map(repr, others))}", ctx.event.get("sdeType"))]


@event_rule("auth-section")
def auth_section(ctx: EventContext, p: dict):
    flag = ctx.event.get("isAuthenticated")
    inner = ctx.container.get("isAuthenticated") if ctx.container is not None else None
    hits = []
    if ctx.section == "sdes":
        if flag is False:
            hits.append((join_pointer(ctx.pointer, "isAuthenticated"), "event under sdes (authenticated) says isAuthenticated: false", flag))
        if inner is False:
            hits.append((join_pointer(ctx.container_pointer, "isAuthenticated"), f"{ctx.key} under sdes (authenticated) says isAuthenticated: false", inner))
    elif ctx.section == "unAuthSdes":
        if flag is not False:
            what = "has no isAuthenticated flag" if flag is None else f"says isAuthenticated: {flag!r}"
            hits.append((ctx.pointer if flag is None else join_pointer(ctx.pointer, "isAuthenticated"), f"event under unAuthSdes {what}; expected isAuthenticated: false", flag))
        if inner is True:
            hits.append((join_pointer(ctx.container_pointer, "isAuthenticated"), f"{ctx.key} under unAuthSdes says isAuthenticated: true", inner))
    return hits


@event_rule("numeric-string")
def numeric_string(ctx: EventContext, p: dict):
    hits: list = []
    string_finder(ctx.version, ctx.key, p["include-timestamps"])(ctx.event, ctx.pointer, hits, _typed_string_hit)
    return hits


def _typed_string_hit(pointer: str, expected: str, text: str) -> tuple | None:
    """The hit for a typed field sent as a string the schema accepts (anything else is the schema's bad-value)."""
    if not (text in ("true", "false") if expected == "boolean" else as_number(text) is not None):
        return None
    kind = "boolean" if expected == "boolean" else "number"
    return (pointer, f"{expected} value sent as the string {text!r}; API v2 types it as a JSON {kind}", text)


# --- dates, currencies, amounts ---------------------------------------------------

def _date_hit(base: str, field_name: str, value: Any, parts: tuple[str, str, str]):
    if not isinstance(value, dict):
        return None
    numbers = [as_int(value.get(k)) for k in parts]
    if any(n is None for n in numbers):
        return None
    year, month, day = numbers
    try:
        date(year, month, day)
    except ValueError as exc:
        return (join_pointer(base, field_name), f"{year:04d}-{month:02d}-{day:02d} is not a calendar date ({exc})", value)
    return None


@event_rule("calendar-date", types=("customerInfo", "personalInfo"))
def calendar_date(ctx: EventContext, p: dict):
    attrs = ctx.attrs
    if attrs is None:
        return None
    if ctx.key == "customerInfo":
        checks = [(k, ("year", "month", "day")) for k in ("lastPaymentDate", "registrationDate")]
    else:
        checks = [("customerAge", ("customerYearOfBirth", "customerMonthOfBirth", "customerDateOfBirth"))]
    hits = []
    for field_name, parts in checks:
        if field_name in attrs:
            hit = _date_hit(ctx.attrs_pointer, field_name, attrs[field_name], parts)
            if hit:
                hits.append(hit)
    return hits


@lru_cache(maxsize=1)
def currency_codes() -> frozenset[str]:
    text = (_PACKAGE_DIR / "rules" / "data" / "iso4217.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _currency_hit(pointer: str, value: Any):
    hint = f" (did you mean {value.strip().upper()!r}?)" if isinstance(value, str) and value.strip().upper() in currency_codes() else ""
    return (f"{pointer}/currency", f"{value!r} is not an ISO 4217 currency code{hint}", value)


@event_rule("currency-code", types=("customerInfo", "cartStatus", "purchase", "viewedProduct", "lead"))
def currency_code(ctx: EventContext, p: dict):
    attrs = ctx.attrs
    if attrs is None:
        return None
    codes = currency_codes()
    hits = []
    value = attrs.get("currency")
    if value is not None and not (type(value) is str and value in codes):
        hits.append(_currency_hit(ctx.attrs_pointer, value))
    cart = attrs.get("cart") if ctx.key == "purchase" else None
    if type(cart) is dict:
        value = cart.get("currency")
        if value is not None and not (type(value) is str and value in codes):
            hits.append(_currency_hit(f"{ctx.attrs_pointer}/cart", value))
    return hits


def _cart_hits(cart: dict, pointer: str, tolerance: float) -> list:
    products = cart.get("products")
    if not isinstance(products, list) or not products:
        return []
    quantities, amounts = [], []
    for item in products:
        if not isinstance(item, dict):
            return []
        product = item.get("product")
        quantity = as_number(item.get("quantity"))
        price = as_number(product.get("price")) if isinstance(product, dict) else None
        quantities.append(quantity)
        amounts.append(None if quantity is None or price is None else quantity * price)
    hits = []
    num_items = as_number(cart.get("numItems"))
    if num_items is not None and None not in quantities and num_items != sum(quantities):
        hits.append((f"{pointer}/numItems", f"numItems is {num_items:g} but the products' quantities add up to {sum(quantities):g}", cart.get("numItems")))
    total = as_number(cart.get("total"))
    if total is not None and None not in amounts and abs(total - sum(amounts)) > tolerance:
        hits.append((f"{pointer}/total", f"total is {total:g} but price times quantity adds up to {round(sum(amounts), 2):g}", cart.get("total")))
    return hits


@event_rule("cart-arithmetic", types=("cartStatus", "purchase"))
def cart_arithmetic(ctx: EventContext, p: dict):
    attrs = ctx.attrs
    if attrs is None:
        return None
    tolerance = float(p["tolerance"])
    if ctx.key == "cartStatus":
        return _cart_hits(attrs, ctx.attrs_pointer, tolerance)
    cart = attrs.get("cart")
    if not isinstance(cart, dict):
        return None
    hits = _cart_hits(cart, f"{ctx.attrs_pointer}/cart", tolerance)
    total, cart_total = as_number(attrs.get("total")), as_number(cart.get("total"))
    if total is not None and cart_total is not None and abs(total - cart_total) > tolerance:
        hits.append((f"{ctx.attrs_pointer}/total", f"purchase total {total:g} differs from its cart's total {cart_total:g}", attrs.get("total")))
    return hits


def _is_negative(value: Any) -> bool:
    kind = type(value)
    if kind is str:
        return value[:1] == "-" and (as_number(value) or 0) < 0
    return (kind is int or kind is float) and value < 0


def _negatives(obj: Any, pointer: str, keys: tuple[str, ...], hits: list) -> None:
    if type(obj) is dict:
        for key in keys:
            value = obj.get(key)
            if value is not None and _is_negative(value):
                hits.append((f"{pointer}/{key}", f"{key} is negative ({value})", value))


def _negative_products(products: Any, pointer: str, hits: list) -> None:
    if type(products) is not list:
        return
    for i, item in enumerate(products):
        if type(item) is dict:
            found: list = []  # pointers relative to the item, completed only on a hit
            _negatives(item, "", ("quantity",), found)
            _negatives(item.get("product"), "/product", ("price", "quantityInStock"), found)
            hits.extend((f"{pointer}/{i}{hit[0]}", *hit[1:]) for hit in found)


@event_rule("negative-amount", types=("cartStatus", "viewedProduct", "purchase", "lead"))
def negative_amount(ctx: EventContext, p: dict):
    attrs, pointer, hits = ctx.attrs, ctx.attrs_pointer, []
    if attrs is None:
        return None
    if ctx.key == "lead":
        _negatives(attrs, pointer, ("value",), hits)
        return hits
    carts = [(attrs, pointer)]
    if ctx.key == "purchase":
        _negatives(attrs, pointer, ("total",), hits)
        carts = [(attrs.get("cart"), f"{pointer}/cart")]
    for cart, cart_pointer in carts:
        if type(cart) is dict:
            if ctx.key != "viewedProduct":
                _negatives(cart, cart_pointer, ("total", "numItems"), hits)
            _negative_products(cart.get("products"), f"{cart_pointer}/products", hits)
    return hits


# --- brand entities and contacts ---------------------------------------------------

@event_rule("customer-entity", types=("customerInfo",))
def customer_entity(ctx: EventContext, p: dict):
    attrs = ctx.attrs
    if attrs is None:
        return None
    hits = []
    for field_name, names, what in (("customerStatus", p["statuses"], "status"), ("customerType", p["types"], "type")):
        value = attrs.get(field_name)
        if names and isinstance(value, str) and value.casefold() not in {str(n).casefold() for n in names}:
            hits.append((join_pointer(ctx.attrs_pointer, field_name), f"{value!r} matches no customer {what} entity ({', '.join(map(str, names))}); matching is case-insensitive", value))
    return hits


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+\Z")
_PHONE = re.compile(r"\+?(?=(?:[^0-9]*[0-9]){3})[0-9 ().\-/]+\Z")  # phone characters, three digits at least


@event_rule("contact-format", types=("personalInfo",))
def contact_format(ctx: EventContext, p: dict):
    contacts = ctx.attrs.get("contacts") if ctx.attrs is not None else None
    if type(contacts) is not list:
        return None
    hits = []
    for i, item in enumerate(contacts):
        contact = item.get("personalContact") if type(item) is dict else None
        if type(contact) is not dict:
            continue
        email, phone = contact.get("email"), contact.get("phone")
        if type(email) is str and not _EMAIL.match(email):
            hits.append((f"{ctx.attrs_pointer}/contacts/{i}/personalContact/email", f"{email!r} does not look like an email address", email))
        if type(phone) is str and not _PHONE.match(phone):
            hits.append((f"{ctx.attrs_pointer}/contacts/{i}/personalContact/phone", f"{phone!r} does not look like a phone number", phone))
    return hits
