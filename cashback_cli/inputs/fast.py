"""The fast path for the common row: clean ISO dates, plain decimals, a currency code.

It returns None for anything else, and the careful path (careful.py) then parses the row or
names its problems; both give identical records for the rows this one accepts.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from decimal import Decimal
from functools import lru_cache

from ..core.records import Dispute, Order, Source
from .rows import Row
from .values import CURRENCY_ALIASES, FIRST_YEAR, LAST_YEAR, MAX_TEXT, PLAIN_NUMBER

CURRENCY_CODE = re.compile(r"[A-Z]{3}")
# Aliases written like codes (RUR for RUB), which the fast path must not keep as written
ALIAS_CODES = frozenset(alias.upper() for alias in CURRENCY_ALIASES if CURRENCY_CODE.fullmatch(alias.upper()))
_MEMO_SIZE = 10_000  # a big export repeats a few hundred dates and a handful of rates


@lru_cache(maxsize=_MEMO_SIZE)
def _iso_day(text: str) -> date | None:
    """A plain YYYY-MM-DD date within the accepted years, or None for the careful path."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


@lru_cache(maxsize=_MEMO_SIZE)
def _plain_rate(text: str) -> Decimal | None:
    """A plain percent up to 100, or None for the careful path."""
    if not PLAIN_NUMBER.fullmatch(text):
        return None
    rate = Decimal(text)
    return rate if rate <= 100 else None


def fast_order(row: Row, file: str) -> Order | None:
    """The common case, clean ISO dates and plain decimals, without the general parsers.

    Returns None for anything else, and the careful path then parses the row (or names its
    problems); both give identical records for the rows this one accepts.
    """
    line, cells, layout = row
    clean = layout.clean
    if clean is None or len(cells) < layout.clean_width:
        return None
    i_id, i_day, i_amount, i_currency, i_rate = clean
    order_id, day, amount = cells[i_id].strip(), cells[i_day], cells[i_amount]
    currency = cells[i_currency] if i_currency >= 0 else ""
    rate = cells[i_rate] if i_rate >= 0 else ""
    if not order_id or len(order_id) > MAX_TEXT or not PLAIN_NUMBER.fullmatch(amount):
        return None
    if currency and (not CURRENCY_CODE.fullmatch(currency) or currency in ALIAS_CODES):
        return None  # (RUR looks like a code but means RUB: the careful way maps it)
    if rate:
        rate_value = _plain_rate(rate)
        if rate_value is None:
            return None
    else:
        rate_value = None
    ordered_at = _iso_day(day)
    value = Decimal(amount)
    if ordered_at is None or not value:
        return None
    return Order(
        order_id,
        ordered_at,
        value,
        currency or None,
        rate_value,
        None,
        None,
        None,
        None,
        None,
        Source(file, line),
    )


def fast_dispute(row: Row, file: str) -> Dispute | None:
    """Disputes' common case: ISO dates and a plain refund; None sends the row the careful way."""
    get = row.get
    order_id, opened, resolved, refund = (
        get("order_id").strip(),
        get("opened_at"),
        get("resolved_at"),
        get("refund_amount"),
    )
    opened_at = _iso_day(opened)
    resolved_at = _iso_day(resolved) if resolved else None
    if not order_id or len(order_id) > MAX_TEXT or opened_at is None or (resolved and resolved_at is None):
        return None
    if resolved_at is not None and resolved_at < opened_at:
        return None
    if refund and not PLAIN_NUMBER.fullmatch(refund):
        return None
    outcome = get("outcome").strip()
    if len(outcome) > MAX_TEXT:
        return None
    return Dispute(
        order_id,
        opened_at,
        resolved_at,
        Decimal(refund) if refund else None,
        sys.intern(outcome) if outcome else None,
        Source(file, row.line),
    )
