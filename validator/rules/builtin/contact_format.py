"""contact-format: an email address or phone number that does not look like one.

Real contact data stays legal: extensions ("ext. 12", "x12", "#12"), "+", brackets, dashes and
spaces in phone numbers, RFC 3966 tel: URIs, internationalised addresses (josé@exämple.de) and
RFC 5321's quoted local parts ("john doe"@example.com). An empty string is no value.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ...model import PROFILES, WEB
from ..base import EventContext, Hit, Rule
from ..values import quoted, unset

# A local part as written (internationalised, any characters but "@" and spaces; dots as they come: carriers have issued
# "a..b") or quoted as RFC 5321 allows ("john doe"@example.com); a domain of two labels at least, none empty
# ("example..com", ".example.com" and "example.com." are no domain a message is delivered to)
_EMAIL = re.compile(r'(?:[^@\s"]+|"(?:[^"\\\r\n]|\\.)*")@[^@\s.]+(?:\.[^@\s.]+)+\Z')
# Phone characters, three digits at least: a "+" first or after "(" ("(+44) 20 7946 0958"); digits of any script
# (full-width, Arabic-Indic); dashes of any width ("212–788–8877"), the minus sign and no-break spaces, as copied from documents.
_PHONE = re.compile(r"(?:\(?\+)?(?=(?:\D*\d){3})[\d ().\-/\u00a0\u202f\u2010-\u2015\u2212]+\Z")
# An extension marker at the end of what precedes the extension's digits (and its spaces)
_MARKER_AT_END = re.compile(r"(?:ext(?:ension)?\.?|x|#|;ext=)\Z", re.IGNORECASE)  # ;ext= is RFC 3966's (tel: URIs)
_LONGEST_MARKER = len("extension.")


def _without_extension(text: str) -> str:
    """``text`` without a trailing extension ("ext. 12", "x12", "#12", ";ext=12") and the spaces before it.

    What ``(.*?)\\s*(?:ext(?:ension)?\\.?|x|#)\\s*[0-9]+\\Z`` matches as its group, found from
    the end with string operations: as a regular expression it took quadratic time on a long
    run of spaces (a phone of 32,000 spaces: 23 seconds).
    """
    head = text.rstrip("0123456789")
    if len(head) == len(text):
        return text  # no digits to be an extension's
    head = head.rstrip()
    tail = head[-_LONGEST_MARKER:]
    marker = _MARKER_AT_END.search(tail)
    if marker is None:
        return text
    number = head[: len(head) - len(tail) + marker.start()].rstrip()
    return text if "\n" in number else number  # the expression's "." stops at a line break: no extension then


def is_phone(text: str) -> bool:
    # NFKC first: a number typed in full-width mode (０３－１２３４, ＋８１, （03）, ideographic spaces) is ASCII to it
    text = unicodedata.normalize("NFKC", text)
    if text[:4].lower() == "tel:":  # an RFC 3966 tel: URI ("tel:+1-201-555-0123;ext=12") names a phone number too
        text = text[4:]
    return _PHONE.match(_without_extension(text)) is not None


def _check(holder: dict[str, Any], pointer: str, hits: list[Hit]) -> None:
    email, phone = holder.get("email"), holder.get("phone")
    if type(email) is str and not unset(email) and not _EMAIL.match(email):
        hits.append(Hit(f"{pointer}/email", f"{quoted(email)} does not look like an email address", email))
    if type(phone) is str and not unset(phone) and not is_phone(phone):
        hits.append(Hit(f"{pointer}/phone", f"{quoted(phone)} does not look like a phone number", phone))


def contact_format(ctx: EventContext, p: dict[str, Any]) -> list[Hit] | None:
    attrs = ctx.attrs
    if attrs is None:
        return None
    hits: list[Hit] = []
    _check(attrs, ctx.attrs_pointer, hits)  # email and phone are rows of the personalInfo table too
    contacts = attrs.get("contacts")
    if type(contacts) is list:
        web = ctx.version == WEB  # the web side writes contacts[]{email, phone}; the API nests contacts[].personalContact
        for i, item in enumerate(contacts):
            contact = (item if web else item.get("personalContact")) if type(item) is dict else None
            if type(contact) is dict:
                _check(contact, f"{ctx.attrs_pointer}/contacts/{i}" + ("" if web else "/personalContact"), hits)
    return hits


RULE = Rule("contact-format", category="event", severity="warning", sde_types=("PERSONAL_INFO",), check_event=contact_format, profiles=PROFILES)
