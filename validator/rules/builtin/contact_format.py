"""contact-format: an email address or phone number that does not look like one."""

from __future__ import annotations

import re
from typing import Any

from ..base import EventContext, Hit, Rule

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+\Z")
_PHONE = re.compile(r"\+?(?=(?:[^0-9]*[0-9]){3})[0-9 ().\-/]+\Z")  # phone characters, three digits at least


def contact_format(ctx: EventContext, p: dict[str, Any]) -> list[Hit] | None:
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
            hits.append(Hit(f"{ctx.attrs_pointer}/contacts/{i}/personalContact/email", f"{email!r} does not look like an email address", email))
        if type(phone) is str and not _PHONE.match(phone):
            hits.append(Hit(f"{ctx.attrs_pointer}/contacts/{i}/personalContact/phone", f"{phone!r} does not look like a phone number", phone))
    return hits


RULE = Rule("contact-format", category="event", severity="info", sde_types=("PERSONAL_INFO",), check_event=contact_format)
