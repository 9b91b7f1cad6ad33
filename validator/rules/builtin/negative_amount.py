"""negative-amount: a quantity, price, total or stock count below zero."""

from __future__ import annotations

from typing import Any

from ...model import PROFILES, WEB
from ..base import EventContext, Hit, Rule
from ..values import TYPED_VERSIONS, as_number, is_typed_int


def _is_negative(value: Any) -> bool:
    kind = type(value)
    if kind is str:
        return value[:1] == "-" and (as_number(value) or 0) < 0
    # -1e400 (minus infinity) and an integer of 309 digits: no double holds them, and the parse or the schema says so
    return (kind is int or kind is float) and value < 0 and as_number(value) is not None


# the tables' int fields among the amounts: where they are typed (v2, web), one that is no int is the schema's bad-value
_INTS = frozenset(("quantity", "numItems", "quantityInStock"))


def _negatives(obj: Any, pointer: str, keys: tuple[str, ...], hits: list[Hit], typed: bool = False) -> None:
    if type(obj) is dict:
        for key in keys:
            value = obj.get(key)
            if value is not None and _is_negative(value) and not (typed and key in _INTS and not is_typed_int(value)):
                hits.append(Hit(f"{pointer}/{key}", f"{key} is negative ({value})", value))


def _negative_products(products: Any, pointer: str, hits: list[Hit], in_stock: bool, typed: bool) -> None:
    """``in_stock``: the products are an API viewed product's, the only ones with a quantityInStock (elsewhere it is an
    unknown-field, that rule's finding alone)."""
    if type(products) is not list:
        return
    stock = ("quantityInStock",) if in_stock else ()
    for i, item in enumerate(products):
        if type(item) is dict:
            found: list[Hit] = []  # pointers relative to the item, completed only on a hit
            _negatives(item, "", ("quantity", *stock), found, typed)
            _negatives(item.get("product"), "/product", ("price", *stock), found, typed)
            for hit in found:
                hit.pointer = f"{pointer}/{i}{hit.pointer}"
            hits.extend(found)


def negative_amount(ctx: EventContext, p: dict[str, Any]) -> list[Hit] | None:
    attrs, pointer = ctx.attrs, ctx.attrs_pointer
    hits: list[Hit] = []
    if attrs is None:
        return None
    if ctx.key == "lead":
        _negatives(attrs, pointer, ("value",), hits)
        return hits
    carts: list[tuple[Any, str]] = [(attrs, pointer)]
    if ctx.key == "purchase":
        _negatives(attrs, pointer, ("total",), hits)
        carts = [(attrs.get("cart"), f"{pointer}/cart")]
    typed = ctx.version in TYPED_VERSIONS
    for cart, cart_pointer in carts:
        if type(cart) is dict:
            if ctx.key != "viewedProduct":
                _negatives(cart, cart_pointer, ("total", "numItems"), hits, typed)
            # the web side's prodView has no stock fields (its Types table lists none): there they are unknown-field
            in_stock = ctx.key == "viewedProduct" and ctx.version != WEB
            _negative_products(cart.get("products"), f"{cart_pointer}/products", hits, in_stock, typed)
    return hits


RULE = Rule(
    "negative-amount", category="event", severity="warning",
    containers=("cartStatus", "viewedProduct", "purchase", "lead"), check_event=negative_amount,
    profiles=PROFILES,
)
