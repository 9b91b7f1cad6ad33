"""sde-type-key: the event's sdeType and the key of its attribute container disagree."""

from __future__ import annotations

from typing import Any

from ...findings import join_pointer
from ...model import CONTAINER_KEYS, ENGAGEMENT_HISTORY, MESSAGING, SDE_TYPES
from ..base import EventContext, Hit, Rule


def sde_type_key(ctx: EventContext, p: dict[str, Any]) -> list[Hit] | None:
    sde_type = ctx.event.get("sdeType")
    named = SDE_TYPES.get(sde_type) if type(sde_type) is str else None
    if named is None or named in ctx.event:
        return None
    others = [k for k in ctx.event if k in CONTAINER_KEYS]
    if not others:
        return None  # the schema reports the missing container
    message = f"sdeType {sde_type!r} goes with a {named!r} container, but the event holds {', '.join(map(repr, others))}"
    return [Hit(join_pointer(ctx.pointer, "sdeType"), message, sde_type)]


# Engagement History events that name their sdeType are checked as Messaging Interactions' are
RULE = Rule("sde-type-key", category="event", severity="error", check_event=sde_type_key, profiles=(MESSAGING, ENGAGEMENT_HISTORY))
