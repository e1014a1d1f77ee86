"""Column names as real exports spell them, matched to our field names (SPEC.md, "Input")."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

ORDER_FIELDS = (
    "order_id",
    "ordered_at",
    "amount",
    "currency",
    "cashback_rate",
    "expected_cashback",
    "max_cashback",
    "hold_days",
    "store",
    "title",
)
DISPUTE_FIELDS = ("order_id", "opened_at", "resolved_at", "refund_amount", "outcome")
REQUIRED = {
    "orders": ("order_id", "ordered_at", "amount"),
    "disputes": ("order_id", "opened_at"),
}

SYNONYMS: dict[str, tuple[str, ...]] = {
    "order_id": ("order id", "order number", "order no", "номер заказа", "номер замовлення"),
    "ordered_at": (
        "order date",
        "date",
        "created_time",
        "дата заказа",
        "дата оформления",
        "дата замовлення",
    ),
    "amount": (
        "order sum",
        "sum",
        "cart",
        "sale_amount",
        "paid_amount",
        "сумма",
        "сумма заказа",
        "стоимость заказа",
        "сума",
        "сума замовлення",
    ),
    "currency": ("валюта",),
    "cashback_rate": (
        "rate",
        "cashback rate",
        "commission_rate",
        "процент кэшбэка",
        "ставка",
        "відсоток кешбеку",
    ),
    "expected_cashback": (
        "cashback",
        "expected cashback",
        "сумма кэшбэка",
        "ожидаемый кэшбэк",
        "сума кешбеку",
        "очікуваний кешбек",
    ),
    "max_cashback": ("cap", "max cashback", "максимальный кэшбэк", "максимальний кешбек"),
    "hold_days": ("hold", "hold period"),
    "store": ("shop", "merchant", "advertiser", "магазин"),
    "title": ("product", "товар", "название", "назва"),
    "opened_at": ("dispute opened", "дата открытия спора", "дата відкриття спору"),
    "resolved_at": ("dispute closed", "closed_at", "дата закрытия спора", "дата закриття спору"),
    "refund_amount": ("refund", "refunded", "сумма возврата", "сума повернення"),
    "outcome": ("result", "итог", "результат"),
}


def normalize(name: str) -> str:
    """Case, surrounding spaces, and the difference between space, _ and - do not matter."""
    name = name.replace("\ufeff", "").strip().casefold().replace("ё", "е")
    return re.sub(r"[\s_\-]+", " ", name)


class HeaderTable(dict):
    """Normalized header name -> field, remembering which fields --map set explicitly."""

    def __init__(self, names: Mapping[str, str], mapped: Mapping[str, str]) -> None:
        super().__init__(names)
        self.mapped = dict(mapped)


def lookup_table(fields: Iterable[str], overrides: Mapping[str, str] | None = None) -> HeaderTable:
    """Normalized header name -> field, for one kind of record.

    A field given with --map is read from that header alone: its usual names no longer
    match, so a file with both "amount" and "total" can be read with --map amount=total.
    """
    fields = tuple(fields)
    mapped = {field: header for field, header in (overrides or {}).items() if field in fields}
    table: dict[str, str] = {}
    for field in fields:
        if field in mapped:
            continue
        table[normalize(field)] = field
        for synonym in SYNONYMS.get(field, ()):
            table[normalize(synonym)] = field
    for field, header in mapped.items():
        table[normalize(header)] = field
    return HeaderTable(table, mapped)
