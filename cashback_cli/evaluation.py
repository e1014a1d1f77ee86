"""Orders and disputes in, evaluated results out: the checks that span records live here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import NamedTuple

from .problems import Problem
from .records import Dispute, Order, OrderResult, Policy, Totals
from .rules import RuleError, evaluate_order


def _where(record: Order | Dispute) -> tuple[str, int | None]:
    return (record.source.file, record.source.line) if record.source else ("<input>", None)


class Evaluation:
    """One run over a stream of orders: results out, problems and totals gathered on the way.

    Disputes are indexed once; orders stream through, so a report over millions of orders
    keeps only the disputes and the order ids in memory.
    """

    def __init__(
        self,
        disputes: Iterable[Dispute],
        as_of: date,
        policy_for: Callable[[Order], Policy],
    ) -> None:
        self.as_of = as_of
        self.policy_for = policy_for
        self.problems: list[Problem] = []
        self.left_out_future = 0
        self.totals = Totals()
        self._disputes: dict[str, list[Dispute]] = defaultdict(list)
        for dispute in disputes:
            self._disputes[dispute.order_id].append(dispute)
        self._seen: dict[str, int | None] = {}

    def results(self, orders: Iterable[Order | Problem]) -> Iterator[OrderResult]:
        """Evaluate each valid order; after the last one, flag disputes for unknown orders."""
        for order in orders:
            if isinstance(order, Problem):
                self.problems.append(order)
                continue
            result = self._evaluate(order)
            if result is not None:
                self.totals.add(result)
                yield result
        self._flag_orphan_disputes()

    def _evaluate(self, order: Order) -> OrderResult | None:
        file, line = _where(order)
        if order.order_id in self._seen:
            first = self._seen[order.order_id]
            self.problems.append(
                Problem(file, line, "order_id", order.order_id, f"a unique order id (also on line {first})")
            )
            return None
        self._seen[order.order_id] = line
        disputes = self._disputes.get(order.order_id, ())
        early = [d for d in disputes if d.opened_at < order.ordered_at]
        for dispute in early:
            d_file, d_line = _where(dispute)
            self.problems.append(
                Problem(
                    d_file,
                    d_line,
                    "opened_at",
                    dispute.opened_at.isoformat(),
                    f"a date on or after the order date ({order.ordered_at.isoformat()})",
                )
            )
        if early:
            return None
        if order.ordered_at > self.as_of:
            self.left_out_future += 1
            return None
        try:
            return evaluate_order(order, disputes, self.as_of, self.policy_for(order))
        except RuleError as error:
            self.problems.append(Problem(file, line, error.field, error.value, error.expected))
            return None

    def _flag_orphan_disputes(self) -> None:
        for order_id, disputes in self._disputes.items():
            if order_id in self._seen:
                continue
            for dispute in disputes:
                file, line = _where(dispute)
                self.problems.append(
                    Problem(file, line, "order_id", order_id, "the id of an order in the orders file")
                )

    def find(self, orders: Iterable[Order | Problem], order_id: str) -> Found | None:
        """The one order with this id, evaluated; problems in the files are gathered as usual."""
        found = None
        wanted: list[Order] = []
        for result in self.results(_watch(orders, order_id, wanted)):
            if result.order_id == order_id:
                found = result
        if found is None:
            return None
        return Found(wanted[0], tuple(self._disputes.get(order_id, ())), found)


class Found(NamedTuple):
    order: Order
    disputes: tuple[Dispute, ...]
    result: OrderResult


def _watch(
    orders: Iterable[Order | Problem], order_id: str, wanted: list[Order]
) -> Iterator[Order | Problem]:
    for order in orders:
        if isinstance(order, Order) and order.order_id == order_id and not wanted:
            wanted.append(order)
        yield order
