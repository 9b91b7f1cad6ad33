"""customer-entity: customerStatus or customerType that matches none of the brand's entity names."""

from __future__ import annotations

from typing import Any

from ...findings import join_pointer
from ...model import PROFILES, WEB, WEB_NAMES
from ..base import EventContext, Hit, Rule
from ..params import StringList


def customer_entity(ctx: EventContext, p: dict[str, Any]) -> list[Hit] | None:
    attrs = ctx.attrs
    if attrs is None:
        return None
    hits = []
    for api_name, names, what in (("customerStatus", p["statuses"], "status"), ("customerType", p["types"], "type")):
        field_name = WEB_NAMES[api_name] if ctx.version == WEB else api_name
        value = attrs.get(field_name)
        if names and isinstance(value, str) and value.casefold() not in {str(n).casefold() for n in names}:
            message = f"{value!r} matches no customer {what} entity ({', '.join(map(str, names))}); matching is case-insensitive"
            hits.append(Hit(join_pointer(ctx.attrs_pointer, field_name), message, value))
    return hits


RULE = Rule(
    "customer-entity", category="event", severity="off", sde_types=("CUSTOMER_INFO",),
    params={"statuses": StringList([]), "types": StringList([])}, check_event=customer_entity,
    profiles=PROFILES,
)
