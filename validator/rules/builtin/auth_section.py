"""auth-section: isAuthenticated against the section an event is in, and unAuthSdes in a v1 record."""

from __future__ import annotations

from typing import Any

from ...findings import join_pointer
from ..base import EventContext, Hit, RecordContext, Rule


def flags_against_section(ctx: EventContext, p: dict[str, Any]) -> list[Hit]:
    flag = ctx.event.get("isAuthenticated")
    inner = ctx.container.get("isAuthenticated") if ctx.container is not None else None
    hits = []
    if ctx.section == "sdes":
        if flag is False:
            hits.append(Hit(join_pointer(ctx.pointer, "isAuthenticated"), "event under sdes (authenticated) says isAuthenticated: false", flag))
        if inner is False:
            hits.append(Hit(join_pointer(ctx.container_pointer, "isAuthenticated"), f"{ctx.key} under sdes (authenticated) says isAuthenticated: false", inner))
    elif ctx.section == "unAuthSdes":
        if flag is not False:
            what = "has no isAuthenticated flag" if flag is None else f"says isAuthenticated: {flag!r}"
            hits.append(Hit(ctx.pointer if flag is None else join_pointer(ctx.pointer, "isAuthenticated"), f"event under unAuthSdes {what}; expected isAuthenticated: false", flag))
        if inner is True:
            hits.append(Hit(join_pointer(ctx.container_pointer, "isAuthenticated"), f"{ctx.key} under unAuthSdes says isAuthenticated: true", inner))
    return hits


def v1_unauthenticated(ctx: RecordContext, p: dict[str, Any]) -> list[Hit] | None:
    if ctx.version == "v1" and "unAuthSdes" in ctx.record:
        return [Hit(join_pointer(ctx.pointer, "unAuthSdes"), "API v1 returns authenticated engagement attributes only, but this record has unAuthSdes (its events were not checked as v1)", at_key=True)]
    return None


RULE = Rule("auth-section", category="event", severity="warning", check_event=flags_against_section, check_record=v1_unauthenticated)
