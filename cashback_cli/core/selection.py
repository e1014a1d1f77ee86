"""Which orders a report shows, and in what order: `--status` and `--sort`, over results."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from decimal import Decimal

from .records import OrderResult, Status

_STATUS_ORDER = {Status.PENDING: 0, Status.CONFIRMED: 1, Status.CANCELLED: 2}
_ZERO = Decimal(0)


def chosen(
    results: Iterable[OrderResult], statuses: Collection[Status] = (), stores: Collection[str] = ()
) -> Iterator[OrderResult]:
    """The results of one of `statuses` and of one of `stores` (store names folded: case and
    spaces do not matter); an empty collection keeps them all."""
    if not statuses and not stores:
        yield from results
        return
    folded = {fold(store) for store in stores}
    for result in results:
        if statuses and result.status not in statuses:
            continue
        if folded and fold(result.store or "") not in folded:
            continue
        yield result


def fold(name: str) -> str:
    return " ".join(name.casefold().split())


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
