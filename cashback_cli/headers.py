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


def lookup_table(fields: Iterable[str], overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Normalized header name -> field, for one kind of record; --map entries win."""
    table: dict[str, str] = {}
    for field in fields:
        table[normalize(field)] = field
        for synonym in SYNONYMS.get(field, ()):
            table[normalize(synonym)] = field
    for field, header in (overrides or {}).items():
        if field in fields:
            table[normalize(header)] = field
    return table
