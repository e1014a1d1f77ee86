"""Orders and disputes in, evaluated results out: the checks that span records live here."""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from datetime import date

from ..core.problems import Problem
from ..core.records import Dispute, Order, OrderResult, Policy, SeenId, Source
from ..core.rules import RuleError, evaluate_order
from ..core.totals import Totals
from ..i18n import _
from .dispute_index import DisputeIndex

_HASH_BITS = (1 << 64) - 1


def _where(record: Order | Dispute) -> tuple[str, int | None]:
    return (record.source.file, record.source.line) if record.source else ("<input>", None)


class IdRegistry:
    """Order ids seen so far, as 8-byte hashes: a million ids take 8 MB, not a hundred.

    Duplicates are found at the end of the run (equal hashes); the rare run that has some
    reads the ids once more to name them exactly, with their lines.
    """

    def __init__(self) -> None:
        self.buckets = [array("Q") for _bucket in range(256)]

    def add(self, order_id: str) -> None:
        digest = id_hash(order_id)
        self.buckets[digest >> 56].append(digest)

    def repeated(self) -> set[int]:
        found: set[int] = set()
        for bucket in self.buckets:
            if len(set(bucket)) != len(bucket):
                found.update(h for h, count in Counter(bucket).items() if count > 1)
        return found


def id_hash(order_id: str) -> int:
    return hash(order_id) & _HASH_BITS


class Evaluation:
    """One run over a stream of orders: results out, problems and totals gathered on the way.

    Disputes are indexed once; orders stream through, so a report over millions of orders
    keeps only the disputes and 8 bytes per order id in memory.
    """

    def __init__(
        self,
        disputes: Iterable[Dispute] | DisputeIndex,
        as_of: date,
        policy_for: Callable[[Order], Policy],
        skip_ids: Collection[str] = (),
        stop_after: int | None = None,
        unreadable_disputes: Mapping[str, Source] | None = None,
    ) -> None:
        self.as_of = as_of
        self.stop_after = stop_after  # problems after which reading stops: the report is off anyway
        self.stopped_early = False
        self.policy_for = policy_for
        self.skip_ids = skip_ids
        self.problems: list[Problem] = []
        # Orders left out because of a dispute's problem (named there): said with --skip-invalid.
        self.left_out: list[Problem] = []
        self.unreadable_disputes = unreadable_disputes or {}
        self.left_out_future = 0
        self.assumed_currency = 0  # orders that named no currency: the policy's was taken
        self.amounts_with_cents = 0  # orders whose amount is written with decimals (10.00, not 10)
        self.totals = Totals()
        self.repeated_ids: set[int] = set()
        self._index = disputes if isinstance(disputes, DisputeIndex) else DisputeIndex(disputes)
        self._index.forget_matches()  # an index is shared by reruns of the same files
        self.dispute_count = self._index.count
        self._ids = IdRegistry()
        self._id_buckets = self._ids.buckets

    def results(self, orders: Iterable[Order | Problem]) -> Iterator[OrderResult]:
        """Evaluate each valid order; after the last one, check ids and disputes across the files."""
        evaluate = self._evaluate
        add = self.totals.add
        for order in orders:
            if order.__class__ is not Order:
                if order.__class__ is SeenId:
                    self._ids.add(order.order_id)
                    # the row's own problem names it: its disputes are not orphans
                    self._index.get(order.order_id)
                else:
                    self.problems.append(order)
                    if self.stop_after and len(self.problems) >= self.stop_after:
                        self.stopped_early = True
                        return
                continue
            result = evaluate(order)
            if result is not None:
                add(result)
                yield result
        self.repeated_ids = self._ids.repeated()
        self._flag_orphan_disputes()

    def _evaluate(self, order: Order) -> OrderResult | None:
        order_id = order.order_id
        if self.skip_ids and order_id in self.skip_ids:
            return None
        digest = hash(order_id) & _HASH_BITS
        self._id_buckets[digest >> 56].append(digest)  # IdRegistry.add, inlined: once per order
        if self.unreadable_disputes and order_id in self.unreadable_disputes:
            self._leave_out(order, self.unreadable_disputes[order_id])
            self._index.get(order_id)  # its readable disputes are matched, not orphans
            return None
        disputes = self._index.get(order_id)
        policy = self.policy_for(order)
        if disputes:
            at_fault = self._inconsistent_disputes(order, disputes, order.currency or policy.currency)
            if at_fault is not None:
                self._leave_out(order, at_fault)
                self._rule_problems(order, (), policy)  # the order's own problems are named too
                return None
        if order.amount is not None and order.amount.as_tuple().exponent < 0:
            self.amounts_with_cents += 1
        if order.ordered_at > self.as_of:
            self.left_out_future += 1
            return None
        if order.currency is None:
            self.assumed_currency += 1
        return self._rule_problems(order, disputes, policy)

    def _rule_problems(
        self, order: Order, disputes: tuple[Dispute, ...], policy: Policy
    ) -> OrderResult | None:
        """The order's result, or every problem the rules find in it: after a dispute's problem
        the order is tried again without that dispute (without any, after refunds that add up
        past the amount), so a second bad dispute and the order's own problems are named too."""
        found = False
        while True:
            try:
                result = evaluate_order(order, disputes, self.as_of, policy)
                return None if found else result
            except RuleError as error:
                file, line = (error.source.file, error.source.line) if error.source else _where(order)
                self.problems.append(Problem(file, line, error.field, error.value, error.expected))
                if error.source is None:
                    return None
                if not found:
                    self._leave_out(order, error.source)
                found = True
                if error.expected.what == "refunds_within_amount":
                    disputes = ()  # a sum of refunds: no one dispute to drop
                else:
                    disputes = tuple(dispute for dispute in disputes if dispute.source != error.source)

    def _leave_out(self, order: Order, dispute_at: Source | None) -> None:
        """Say why a readable order is left out: a problem with one of its disputes."""
        file, line = _where(order)
        where = f"{dispute_at.file}:{dispute_at.line}" if dispute_at else "?"
        self.left_out.append(
            Problem(
                file,
                line,
                None,
                None,
                _("order {order_id} left out: its dispute at {where} has a problem").format(
                    order_id=order.order_id, where=where
                ),
            )
        )

    def _inconsistent_disputes(
        self, order: Order, disputes: tuple[Dispute, ...], currency: str
    ) -> Source | None:
        """A dispute opened before its order, or refunding another currency, is a data error;
        returns where the first one is, or None when all are consistent."""
        found: Source | None = None
        for dispute in disputes:
            file, line = _where(dispute)
            problems = len(self.problems)
            if dispute.opened_at < order.ordered_at:
                self.problems.append(
                    Problem(
                        file,
                        line,
                        "opened_at",
                        dispute.opened_at.isoformat(),
                        _("a date on or after the order date ({date})").format(
                            date=order.ordered_at.isoformat()
                        ),
                    )
                )
            if dispute.refund_currency and dispute.refund_currency != currency:
                self.problems.append(
                    Problem(
                        file,
                        line,
                        "refund_amount",
                        f"{dispute.refund_amount} {dispute.refund_currency}",
                        _("a refund in {currency}, the order's currency").format(currency=currency),
                    )
                )
            if found is None and len(self.problems) > problems:
                found = dispute.source or Source(file, line or 0)
        return found

    def _flag_orphan_disputes(self) -> None:
        for dispute in self._index.unmatched(self.skip_ids):
            file, line = _where(dispute)
            self.problems.append(
                Problem(file, line, "order_id", dispute.order_id, _("the id of an order in the orders file"))
            )

    def disputes_of(self, order_id: str) -> tuple[Dispute, ...]:
        return self._index.peek(order_id)


def duplicate_problems(
    orders: Iterable[Order | Problem], repeated: set[int]
) -> tuple[list[Problem], set[str]]:
    """Name every row of each repeated order id, the first one too, with the other rows' lines:
    the second look a run with duplicates takes. All of them are left out with --skip-invalid."""
    places: dict[str, list[tuple[str, int | None]]] = {}
    for order in orders:
        if order.__class__ in (Order, SeenId) and id_hash(order.order_id) in repeated:
            places.setdefault(order.order_id, []).append(_where(order))
    problems: list[Problem] = []
    duplicated = {order_id for order_id, found in places.items() if len(found) > 1}
    for order_id in duplicated:
        found = places[order_id]
        for file, line in found:
            others = ", ".join(str(other) for _file, other in found if (_file, other) != (file, line))
            expected = _("a unique order id (also on line {line})").format(line=others)
            problems.append(Problem(file, line, "order_id", order_id, expected))
    return problems, duplicated
