"""Suggestions for a file we cannot read as it is: which column looks like a field (by its name
and by its values), and the smallest profile file that would read the file as it is.

Only ever words in a message: nothing here decides how a file is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .errors import FieldError

# Words in a column's name that say which field it holds (stems, so "сумма" and "суммы" match),
# with their weight; and words that say it holds another figure (a commission is no amount).
_NAME_HINTS: dict[str, tuple[tuple[str, int], ...]] = {
    "order_id": (
        ("order", 2),
        ("id", 1),
        ("ref", 1),
        ("reference", 1),
        ("number", 1),
        ("nr", 1),
        ("no", 1),
        ("номер", 2),
        ("заказ", 1),
        ("замовлен", 1),
    ),
    "ordered_at": (
        ("date", 2),
        ("time", 1),
        ("day", 1),
        ("created", 1),
        ("when", 1),
        ("stamp", 1),
        ("дат", 2),
    ),
    "amount": (
        ("amount", 2),
        ("sum", 2),
        ("total", 2),
        ("value", 1),
        ("price", 1),
        ("paid", 1),
        ("revenue", 1),
        ("sale", 1),
        ("cart", 1),
        ("сумм", 2),
        ("сума", 2),
        ("итого", 2),
        ("стоимост", 2),
        ("вартіст", 2),
    ),
    "opened_at": (("open", 2), ("date", 1), ("start", 1), ("откры", 2), ("відкрит", 2)),
    "resolved_at": (("resolv", 2), ("close", 2), ("end", 1), ("date", 1), ("закры", 2), ("закрит", 2)),
    "refund_amount": (("refund", 2), ("amount", 1), ("возврат", 2), ("поверн", 2)),
}
_OTHER_FIGURES = {
    "amount": (
        "commission",
        "fee",
        "payout",
        "rate",
        "cashback",
        "refund",
        "кэшб",
        "кешб",
        "комисс",
        "ставк",
    ),
    "ordered_at": ("click", "modif", "update", "lock", "clos", "paid"),
    "order_id": ("click", "user", "customer", "program", "campaign", "advertiser", "publisher", "site"),
}
_DATE_FIELDS = ("ordered_at", "opened_at", "resolved_at")
_MONEY_FIELDS = ("amount", "refund_amount")


def _words(header: str) -> list[str]:
    """A header's words: camelCase, snake_case, dotted paths and spaces all split."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", header)
    return [word for word in re.split(r"[^\w]+|_", spaced.casefold()) if word]


def _name_score(field: str, header: str) -> int:
    words = _words(header)
    score = 0
    for stem, weight in _NAME_HINTS.get(field, ()):
        if any(word == stem or (len(stem) > 3 and word.startswith(stem)) for word in words):
            score += weight
    if any(word.startswith(other) for other in _OTHER_FIGURES.get(field, ()) for word in words):
        score -= 3
    return score


def _is_date(text: str) -> bool:
    from .values import parse_date

    try:
        parse_date(text, True)
    except FieldError:
        return False
    return True


def _is_amount(text: str) -> bool:
    from .values import parse_amount

    try:
        parse_amount(text)
    except (FieldError, ValueError, ArithmeticError):
        return False
    return True


def _value_score(field: str, values: Sequence[str]) -> int:
    values = [value.strip() for value in values if value and value.strip()]
    if not values:
        return 0
    if field in _DATE_FIELDS:
        return 2 if all(_is_date(value) for value in values) else -1
    if field in _MONEY_FIELDS:
        if any(_is_date(value) for value in values):
            return -2
        unsigned = [value.lstrip("-−") for value in values]
        if not all(_is_amount(value) for value in unsigned):
            return -1
        return 2 if any(re.search(r"\d[.,]\d", value) for value in unsigned) else 1  # ids have no cents
    return 0


def likely_column(field: str, headers: Sequence[str], values: dict[str, Sequence[str]]) -> str | None:
    """Of these columns, the one that looks most like the field by its name and values; None
    when none looks like it at all (the caller then names the first)."""
    best, best_score = None, 0
    for header in headers:
        score = 2 * _name_score(field, header) + _value_score(field, values.get(header, ()))
        if score > best_score:
            best, best_score = header, score
    return best


def toml_text(value: str) -> str:
    """A TOML basic string."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def profile_sketch(fields: dict[str, str], records: str | None = None, form: str = "json") -> str:
    """The smallest profile file that reads a file as it is: its format, where its records
    are, and which of its keys holds each of our fields."""
    lines = []
    if form != "json":
        lines.append(f"format = {toml_text(form)}")
    if records:
        lines.append(f"records = {toml_text(records)}")
    lines.append("[fields]")
    lines.extend(f"{field} = {toml_text(key)}" for field, key in fields.items())
    return "\n".join(lines)


def guess_fields(
    wanted: Iterable[str], keys: Sequence[str], values: dict[str, Sequence[str]], known: dict[str, str]
) -> dict[str, str] | None:
    """Our field -> the key that likely holds it: those already known, the rest guessed among
    the keys not used yet; None when a field has no likely key."""
    found = dict(known)
    for field in wanted:
        if field in found:
            continue
        free = [key for key in keys if key not in found.values()]
        key = likely_column(field, free, values)
        if key is None:
            return None
        found[field] = key
    return found
