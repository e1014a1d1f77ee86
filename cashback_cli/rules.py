"""The cashback rules of SPEC.md: one order and its disputes, as of a date, under a policy.

Pure functions over records: no I/O, no printing, no command-line types.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .money import EXACT, format_money, format_percent, round_money
from .records import Dispute, DisputePolicy, Order, OrderResult, Policy, Status

HUNDRED = Decimal(100)
ZERO = Decimal(0)


class RuleError(ValueError):
    """The order's data cannot be evaluated; names the field, the value and what was expected."""

    def __init__(self, field: str, value: str, expected: str) -> None:
        super().__init__(f"{field}: got {value!r}, expected {expected}")
        self.field = field
        self.value = value
        self.expected = expected


@dataclass(frozen=True, slots=True)
class _Terms:
    """The order's own fields, completed from the policy where the order is silent."""

    currency: str
    rounding: str
    hold_days: int
    cap: Decimal | None
    rate: Decimal | None
    fixed_expected: Decimal | None


def _terms(order: Order, policy: Policy) -> _Terms:
    rate = None
    if order.expected_cashback is None:
        rate = order.cashback_rate if order.cashback_rate is not None else policy.rate
        if rate is None:
            raise RuleError("cashback_rate", "", "a cashback rate or expected cashback in the row, or --rate")
    return _Terms(
        currency=order.currency or policy.currency,
        rounding=policy.rounding,
        hold_days=order.hold_days if order.hold_days is not None else policy.hold_days,
        cap=order.max_cashback if order.max_cashback is not None else policy.max_cashback,
        rate=rate,
        fixed_expected=order.expected_cashback,
    )


def _capped_rounded(raw: Decimal, terms: _Terms) -> Decimal:
    if terms.cap is not None and raw > terms.cap:
        raw = terms.cap
    return round_money(raw, terms.currency, terms.rounding)


def expected_cashback(amount: Decimal, terms: _Terms) -> Decimal:
    """Rule 3: E = amount × rate / 100 (or the fixed figure), capped, rounded."""
    if terms.fixed_expected is not None:
        raw = terms.fixed_expected
    else:
        raw = EXACT.divide(EXACT.multiply(amount, terms.rate), HUNDRED)
    return _capped_rounded(raw, terms)


def kept_cashback(amount: Decimal, refunded: Decimal, expected: Decimal, terms: _Terms) -> Decimal:
    """Rule 5: cashback on what was not refunded, capped, rounded."""
    remaining = amount - refunded
    if terms.fixed_expected is not None:
        raw = EXACT.divide(EXACT.multiply(expected, remaining), amount)
    else:
        raw = EXACT.divide(EXACT.multiply(remaining, terms.rate), HUNDRED)
    return _capped_rounded(raw, terms)


def evaluate_order(order: Order, disputes: Sequence[Dispute], as_of: date, policy: Policy) -> OrderResult:
    """Apply rules 1–6 and 9 to one order; raises RuleError on data the rules cannot use."""
    terms = _terms(order, policy)
    cur = terms.currency
    money = lambda value: f"{format_money(value, cur, terms.rounding)} {cur}"  # noqa: E731
    steps: list[str] = []

    expected = expected_cashback(order.amount, terms)
    if terms.rate is not None:
        basis = f"cashback rate {format_percent(terms.rate)}%"
    else:
        basis = "fixed expected cashback"
    cap_note = f" (capped at {money(terms.cap)})" if terms.cap is not None else ""
    steps.append(
        f"Order of {money(order.amount)} placed on {order.ordered_at.isoformat()}, "
        f"{basis}: expected cashback {money(expected)}{cap_note}."
    )

    existing = [d for d in disputes if d.opened_at <= as_of]
    still_open = [d for d in existing if d.resolved_at is None or d.resolved_at > as_of]
    counted = [d for d in existing if d.resolved_at is not None and d.resolved_at <= as_of]
    steps.extend(_dispute_steps(disputes, as_of, money))

    refunded = sum((d.refund_amount or ZERO for d in counted), ZERO)
    if refunded > order.amount:
        raise RuleError(
            "refund_amount",
            f"{refunded:f}",
            f"refunds adding up to at most the order amount {order.amount:f}",
        )

    hold_ends = order.ordered_at + timedelta(days=terms.hold_days)
    last_resolved = max((d.resolved_at for d in counted if d.resolved_at), default=None)
    confirm_on: date | None = max(hold_ends, last_resolved) if last_resolved else hold_ends
    if still_open:
        confirm_on = None

    cancel_on_dispute = policy.dispute_policy is DisputePolicy.CANCEL and bool(existing)
    if cancel_on_dispute or refunded == order.amount:
        cashback = ZERO * expected  # keeps the currency's exponent
        status = Status.CANCELLED
        if cancel_on_dispute:
            reason = "dispute opened"
            steps.append("This store cancels the whole cashback once a dispute is opened.")
        else:
            reason = "refunded in full"
            steps.append(f"Refunded in full ({money(refunded)}): no cashback.")
    else:
        cashback = kept_cashback(order.amount, refunded, expected, terms)
        if refunded:
            steps.append(
                f"Refunded {money(refunded)} of {money(order.amount)}: cashback on the remaining "
                f"{money(order.amount - refunded)} is {money(cashback)}, "
                f"{money(expected - cashback)} cancelled."
            )
        elif counted:
            steps.append(f"No refund: the cashback stays whole at {money(cashback)}.")
        if still_open:
            status, reason = Status.PENDING, "dispute open"
            steps.append("A dispute is open: the cashback is frozen until it is resolved.")
        elif confirm_on is not None and as_of < confirm_on:
            status, reason = Status.PENDING, f"on hold until {confirm_on.isoformat()}"
        else:
            status, reason = Status.CONFIRMED, f"confirmed on {confirm_on.isoformat()}"
    if confirm_on is not None and status is not Status.CANCELLED:
        steps.append(_confirmation_step(hold_ends, terms.hold_days, last_resolved, confirm_on))
    steps.append(f"As of {as_of.isoformat()}: {status.value}, cashback {money(cashback)}.")

    return OrderResult(
        order_id=order.order_id,
        ordered_at=order.ordered_at,
        currency=cur,
        amount=order.amount,
        refunded=refunded,
        rate=terms.rate,
        expected_cashback=expected,
        cashback=cashback,
        cancelled_cashback=expected - cashback,
        status=status,
        confirm_on=confirm_on,
        reason=reason,
        explanation=tuple(steps),
        store=order.store,
        title=order.title,
    )


def _dispute_steps(disputes: Iterable[Dispute], as_of: date, money) -> list[str]:
    steps = []
    for d in sorted(disputes, key=lambda d: d.opened_at):
        opened = d.opened_at.isoformat()
        if d.opened_at > as_of:
            steps.append(f"Dispute opened on {opened} is after {as_of.isoformat()}: not counted yet.")
        elif d.resolved_at is None or d.resolved_at > as_of:
            steps.append(f"Dispute opened on {opened} is open on {as_of.isoformat()}.")
        else:
            refund = d.refund_amount or ZERO
            what = f"a refund of {money(refund)}" if refund else "no refund (dispute lost)"
            steps.append(f"Dispute opened on {opened}, resolved on {d.resolved_at.isoformat()} with {what}.")
    return steps


def _confirmation_step(hold_ends: date, hold_days: int, last_resolved: date | None, confirm_on: date) -> str:
    text = f"The {hold_days}-day hold ends on {hold_ends.isoformat()}"
    if last_resolved is not None:
        text += f"; the last dispute was resolved on {last_resolved.isoformat()}"
    return f"{text}: confirmation is due on {confirm_on.isoformat()}."
