"""The cashback rules of SPEC.md: one order and its disputes, as of a date, under a policy.

Pure functions over records: no I/O, no printing, no command-line types.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .money import EXACT, round_money
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
    amount = order.amount
    expected = expected_cashback(amount, terms)
    refunded, any_open, any_existing, last_resolved = _dispute_state(disputes, as_of)
    if refunded > amount:
        raise RuleError(
            "refund_amount", f"{refunded:f}", f"refunds adding up to at most the order amount {amount:f}"
        )

    confirm_on: date | None = None
    if not any_open:
        confirm_on = order.ordered_at + timedelta(days=terms.hold_days)
        if last_resolved is not None and last_resolved > confirm_on:
            confirm_on = last_resolved

    nothing = round_money(ZERO, terms.currency, terms.rounding)  # zero with the minor-unit digits
    if policy.dispute_policy is DisputePolicy.CANCEL and any_existing:
        cashback, status, reason = nothing, Status.CANCELLED, "dispute opened"
    elif refunded == amount:
        cashback, status, reason = nothing, Status.CANCELLED, "refunded in full"
    else:
        cashback = kept_cashback(amount, refunded, expected, terms) if refunded else expected
        if confirm_on is None:
            status, reason = Status.PENDING, "dispute open"
        elif as_of < confirm_on:
            status, reason = Status.PENDING, f"on hold until {confirm_on.isoformat()}"
        else:
            status, reason = Status.CONFIRMED, f"confirmed on {confirm_on.isoformat()}"

    return OrderResult(
        order_id=order.order_id,
        ordered_at=order.ordered_at,
        currency=terms.currency,
        amount=amount,
        refunded=refunded,
        rate=terms.rate,
        expected_cashback=expected,
        cashback=cashback,
        cancelled_cashback=expected - cashback,
        status=status,
        confirm_on=confirm_on,
        reason=reason,
        store=order.store,
        title=order.title,
    )


def _dispute_state(disputes: Sequence[Dispute], as_of: date) -> tuple[Decimal, bool, bool, date | None]:
    """Rule 1 and 2: counted refunds, whether one is open, whether any exists, last resolution."""
    refunded = ZERO
    any_open = any_existing = False
    last_resolved = None
    for dispute in disputes:
        if dispute.opened_at > as_of:
            continue  # not opened yet on the as-of date: it does not exist
        any_existing = True
        resolved = dispute.resolved_at
        if resolved is None or resolved > as_of:
            any_open = True
            continue
        if dispute.refund_amount:
            refunded += dispute.refund_amount
        if last_resolved is None or resolved > last_resolved:
            last_resolved = resolved
    return refunded, any_open, any_existing, last_resolved


def applied_terms(order: Order, policy: Policy) -> _Terms:
    """The rate, cap, hold and currency that applied to an order, for explaining its figures."""
    return _terms(order, policy)
