"""sde-type-key: the event's sdeType and the key of its attribute container disagree."""

from __future__ import annotations

from typing import Any

from ...findings import join_pointer
from ...model import CONTAINER_KEYS
from ..base import EventContext, Hit, Rule


def sde_type_key(ctx: EventContext, p: dict[str, Any]) -> list[Hit] | None:
    if ctx.key in ctx.event:
        return None
    others = [k for k in ctx.event if k in CONTAINER_KEYS]
    if not others:
        return None  # the schema reports the missing container
    sde_type = ctx.event.get("sdeType")
    message = f"sdeType {sde_type!r} goes with a {ctx.key!r} container, but the event holds {', '.join(map(repr, others))}"
    return [Hit(join_pointer(ctx.pointer, "sdeType"), message, sde_type)]


RULE = Rule("sde-type-key", category="event", severity="error", check_event=sde_type_key)
