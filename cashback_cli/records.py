"""The records the rules read and write: small, immutable, with exact Decimal money.

Records are NamedTuples: as immutable as frozen dataclasses, several times cheaper to make,
which matters at millions of rows, and quicker to import, which matters at every start.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple


class Source(NamedTuple):
    """Where a record came from, so a problem with it can be pointed at."""

    file: str
    line: int


class Order(NamedTuple):
    order_id: str
    ordered_at: date
    amount: Decimal
    currency: str | None = None
    cashback_rate: Decimal | None = None
    expected_cashback: Decimal | None = None
    max_cashback: Decimal | None = None
    hold_days: int | None = None
    store: str | None = None
    title: str | None = None
    source: Source | None = None


class Dispute(NamedTuple):
    order_id: str
    opened_at: date
    resolved_at: date | None = None
    refund_amount: Decimal | None = None
    outcome: str | None = None
    source: Source | None = None
    refund_currency: str | None = None  # when the refund was written with a sign or code


class SeenId(NamedTuple):
    """The id of an order row that could not be read: still counted when looking for duplicates."""

    order_id: str
    source: Source


class Status(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class DisputePolicy(StrEnum):
    PROPORTIONAL = "proportional"
    CANCEL = "cancel"


class Policy(NamedTuple):
    """What the cashback service applies when an order does not say (SPEC.md, rules 3, 6, 7, 9)."""

    hold_days: int = 15
    rate: Decimal | None = None
    currency: str = "USD"
    rounding: str = "half-up"
    max_cashback: Decimal | None = None
    dispute_policy: DisputePolicy = DisputePolicy.PROPORTIONAL


class OrderResult(NamedTuple):
    """One order evaluated as of a date; the JSON order object is made from it."""

    order_id: str | None
    ordered_at: date
    currency: str
    amount: Decimal
    refunded: Decimal
    rate: Decimal | None
    expected_cashback: Decimal
    cashback: Decimal
    cancelled_cashback: Decimal
    status: Status
    confirm_on: date | None
    reason: str
    store: str | None = None
    title: str | None = None


class CurrencyTotals:
    """One currency's count and sums; mutable, since a run adds to it order by order."""

    __slots__ = ("orders", "pending", "confirmed", "cancelled")

    def __init__(self) -> None:
        self.orders = 0
        self.pending = self.confirmed = self.cancelled = Decimal(0)


class Totals:
    """Per-currency sums of the rounded per-order figures (SPEC.md, rule 7)."""

    __slots__ = ("by_currency",)

    def __init__(self) -> None:
        self.by_currency: dict[str, CurrencyTotals] = {}

    def add(self, result: OrderResult) -> None:
        sums = self.by_currency.get(result.currency)
        if sums is None:
            sums = self.by_currency[result.currency] = CurrencyTotals()
        sums.orders += 1
        status = result.status
        if status is _PENDING:
            sums.pending += result.cashback
        elif status is _CONFIRMED:
            sums.confirmed += result.cashback
        if result.cancelled_cashback:
            sums.cancelled += result.cancelled_cashback

    def merge(self, other: Totals) -> None:
        """Add another run's sums (a worker's share of a big file) to these."""
        for currency, theirs in other.by_currency.items():
            sums = self.by_currency.setdefault(currency, CurrencyTotals())
            sums.orders += theirs.orders
            sums.pending += theirs.pending
            sums.confirmed += theirs.confirmed
            sums.cancelled += theirs.cancelled


_PENDING, _CONFIRMED = Status.PENDING, Status.CONFIRMED
