"""What the service reports, held against what the rules give: one verdict per order.

Pure: evaluated orders in (each with what the service or the network reported), differences
and per-currency sums out. The words that explain a verdict are made at the edge.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from .records import OrderResult, Status

ZERO = Decimal(0)


class Verdict(StrEnum):
    """In the order they are tried: money before timing."""

    CANCELLED_BUT_OWED = "cancelled_but_owed"  # the service cancelled what the rules keep
    OVER = "over"  # the service reports more than the rules give
    SHORT = "short"  # the service reports less than the rules give
    OVERDUE = "overdue"  # still pending at the service, confirmed by the rules
    EARLY = "early"  # confirmed by the service, still pending by the rules (for information)


class Difference(NamedTuple):
    result: OrderResult
    verdict: Verdict
    at_stake: Decimal  # owed to the shopper
    over: Decimal  # paid beyond what the rules give


class CurrencyCheck:
    """One currency's counts and sums; mutable, since a run adds to it order by order."""

    __slots__ = ("compared", "differ", "not_compared", "at_stake", "over")

    def __init__(self) -> None:
        self.compared = self.differ = self.not_compared = 0
        self.at_stake = self.over = ZERO


class Reconciliation:
    """The differences of a run, and per currency: orders compared, differing and not compared."""

    def __init__(self) -> None:
        self.differences: list[Difference] = []
        self.by_currency: dict[str, CurrencyCheck] = {}
        self.unknown_words: dict[str, int] = {}  # status words not understood: orders not compared

    def add(self, result: OrderResult) -> Difference | None:
        sums = self.by_currency.setdefault(result.currency, CurrencyCheck())
        reported = result.reported
        if reported is not None and reported.status is None and reported.network_status:
            self.unknown_words[reported.network_status] = (
                self.unknown_words.get(reported.network_status, 0) + 1
            )
        if reported is None or (reported.status is None and reported.cashback is None):
            sums.not_compared += 1
            return None
        sums.compared += 1
        difference = compare(result)
        if difference is not None:
            sums.differ += 1
            sums.at_stake += difference.at_stake
            sums.over += difference.over
            self.differences.append(difference)
        return difference

    def add_all(self, results: Iterable[OrderResult]) -> Reconciliation:
        for result in results:
            self.add(result)
        return self

    def by_stake(self) -> list[Difference]:
        """The differences per currency, most money first (at stake plus over), then by order id:
        sums in different currencies are never compared."""
        return sorted(
            self.differences,
            key=lambda d: (d.result.currency, -(d.at_stake + d.over), d.result.order_id or ""),
        )


def compare(result: OrderResult) -> Difference | None:
    """The first verdict that applies to an order the service reported on, or None if it agrees."""
    reported = result.reported
    if reported is None:
        return None
    said, paid = reported.status, reported.cashback
    ours, cashback = result.status, result.cashback
    if said is Status.CANCELLED:
        if ours is not Status.CANCELLED and cashback > 0:
            return Difference(result, Verdict.CANCELLED_BUT_OWED, cashback, ZERO)
        return None  # both cancelled: what a cabinet shows beside a cancellation is what was lost
    if paid is not None and paid > cashback:
        return Difference(result, Verdict.OVER, ZERO, paid - cashback)
    if paid is None and said is not None and ours is Status.CANCELLED and result.expected_cashback > 0:
        return Difference(result, Verdict.OVER, ZERO, result.expected_cashback)  # still counted on
    if paid is not None and paid < cashback:
        return Difference(result, Verdict.SHORT, cashback - paid, ZERO)
    if said is Status.PENDING and ours is Status.CONFIRMED:
        return Difference(result, Verdict.OVERDUE, cashback, ZERO)
    if said is Status.CONFIRMED and ours is Status.PENDING:
        return Difference(result, Verdict.EARLY, ZERO, ZERO)
    return None
