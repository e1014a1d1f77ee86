"""Per-currency sums of the rounded per-order figures (docs/rules.md, rule 7 and "Totals").

Apart from the records because totals change as a run goes, and records never do.
"""

from __future__ import annotations

from decimal import Decimal

from .records import OrderResult, Status


class CurrencyTotals:
    """One currency's count and sums; mutable, since a run adds to it order by order."""

    __slots__ = ("orders", "pending", "confirmed", "cancelled")

    def __init__(self) -> None:
        self.orders = 0
        self.pending = self.confirmed = self.cancelled = Decimal(0)


class Totals:
    """Per-currency sums of the rounded per-order figures (docs/rules.md, rule 7 and "Totals");
    per store and currency too, when asked (`--by store`)."""

    __slots__ = ("by_currency", "by_store")

    def __init__(self, per_store: bool = False) -> None:
        self.by_currency: dict[str, CurrencyTotals] = {}
        self.by_store: dict[tuple[str, str], CurrencyTotals] | None = {} if per_store else None

    def add(self, result: OrderResult) -> None:
        if self.by_store is not None:
            _add(self.by_store.setdefault((result.store or "", result.currency), CurrencyTotals()), result)
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


def _add(sums: CurrencyTotals, result: OrderResult) -> None:
    sums.orders += 1
    if result.status is _PENDING:
        sums.pending += result.cashback
    elif result.status is _CONFIRMED:
        sums.confirmed += result.cashback
    sums.cancelled += result.cancelled_cashback
