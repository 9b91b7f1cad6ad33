"""auth-section: isAuthenticated against the section an event is in (v2); v1-unauthenticated: what v1 cannot return.

API v1 "will allow to retrieve authenticated engagement attributes only": under a named v1 a
record's unAuthSdes and any isAuthenticated flag (a v2 member) are errors, reported once by
v1-unauthenticated; auth-section, which reads the flag's value, is a v2 rule so the two never
report the same member.
"""

from __future__ import annotations

from typing import Any

from ...findings import join_pointer
from ..base import EventContext, Hit, RecordContext, Rule
from ..values import show_json

V1_FLAGGED_CONTAINERS = ("customerInfo", "personalInfo")  # the containers the published example gives an isAuthenticated


def _says(flag: Any, truth: bool) -> bool:
    """Whether a flag says ``truth``: the boolean, or its text ("false"; the schema reports that one's type)."""
    return flag is truth or flag == ("true" if truth else "false")


def flags_against_section(ctx: EventContext, p: dict[str, Any]) -> list[Hit] | None:
    flag = ctx.event.get("isAuthenticated")
    inner = ctx.container.get("isAuthenticated") if ctx.container is not None else None
    # the flags a capture sends agree with their section (false under unAuthSdes, none or true under sdes): no call to _says
    if ctx.section == "unAuthSdes" and (flag is False or flag is None) and (inner is False or inner is None):
        return None
    if ctx.section == "sdes" and (flag is True or flag is None) and (inner is True or inner is None):
        return None
    hits = []
    if ctx.section == "sdes":
        if _says(flag, False):
            message = f"event under sdes (authenticated) says isAuthenticated: {show_json(flag)}"
            hits.append(Hit(join_pointer(ctx.pointer, "isAuthenticated"), message, flag))
        if _says(inner, False):  # the container's flag read as the event's: "false" says false in both
            message = f"{ctx.key} under sdes (authenticated) says isAuthenticated: {show_json(inner)}"
            hits.append(Hit(join_pointer(ctx.container_pointer, "isAuthenticated"), message, inner))
    elif ctx.section == "unAuthSdes":
        # no field table lists isAuthenticated (field reference: "not in any table"): a missing flag contradicts nothing;
        # nor does one that says false in the wrong type ("false", null): the schema's wrong-type, as under sdes
        if _says(flag, True):
            message = f"event under unAuthSdes says isAuthenticated: {show_json(flag)}; expected false"
            hits.append(Hit(join_pointer(ctx.pointer, "isAuthenticated"), message, flag))
        if _says(inner, True):
            message = f"{ctx.key} under unAuthSdes says isAuthenticated: {show_json(inner)}"
            hits.append(Hit(join_pointer(ctx.container_pointer, "isAuthenticated"), message, inner))
    return hits


_V1_FLAG = "API v1 returns authenticated engagement attributes only: isAuthenticated is a v2 member"


def v1_flags(ctx: EventContext, p: dict[str, Any]) -> list[Hit] | None:
    hits = []
    if "isAuthenticated" in ctx.event:
        hits.append(Hit(join_pointer(ctx.pointer, "isAuthenticated"), _V1_FLAG, "isAuthenticated", at_key=True))
    if ctx.key in V1_FLAGGED_CONTAINERS and ctx.container is not None and "isAuthenticated" in ctx.container:
        hits.append(Hit(join_pointer(ctx.container_pointer, "isAuthenticated"), f"{_V1_FLAG} (in {ctx.key})", "isAuthenticated", at_key=True))
    return hits


def v1_unauthenticated_section(ctx: RecordContext, p: dict[str, Any]) -> list[Hit] | None:
    if "unAuthSdes" in ctx.record:
        message = ("API v1 returns authenticated engagement attributes only, but this record has unAuthSdes; its events were not"
                   " checked (v1 has none to check them against): check the file as API v2 to check them")
        return [Hit(join_pointer(ctx.pointer, "unAuthSdes"), message, "unAuthSdes", at_key=True)]
    return None


RULES = [
    Rule("auth-section", category="event", severity="warning", api_versions=("v2",), check_event=flags_against_section),
    Rule(
        "v1-unauthenticated", category="event", severity="error", api_versions=("v1",), explicit_version_only=True,
        check_event=v1_flags, check_record=v1_unauthenticated_section,
    ),
]
