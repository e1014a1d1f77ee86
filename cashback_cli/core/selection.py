"""Which orders a report shows, and in what order: `--status` and `--sort`, over results."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from decimal import Decimal

from .records import OrderResult, Status

SORTS = ("date", "amount", "cashback", "status")
_STATUS_ORDER = {Status.PENDING: 0, Status.CONFIRMED: 1, Status.CANCELLED: 2}
_ZERO = Decimal(0)


def chosen(results: Iterable[OrderResult], statuses: Collection[Status]) -> Iterator[OrderResult]:
    """The results whose status is one of `statuses` (all of them when none is given)."""
    if not statuses:
        yield from results
        return
    for result in results:
        if result.status in statuses:
            yield result


def ordered(results: Iterable[OrderResult], sort: str) -> list[OrderResult]:
    """By date (oldest first), amount or cashback (largest first, within a currency), or status
    (pending, confirmed, cancelled); ties keep the order of the file."""
    if sort == "date":
        return sorted(results, key=lambda r: r.ordered_at)
    if sort == "amount":
        return sorted(results, key=lambda r: (r.currency, -(r.amount or _ZERO)))
    if sort == "cashback":
        return sorted(results, key=lambda r: (r.currency, -r.cashback))
    if sort == "status":
        return sorted(results, key=lambda r: _STATUS_ORDER[r.status])
    raise ValueError(sort)
