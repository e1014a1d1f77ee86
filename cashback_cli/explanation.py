"""The steps that led to an order's figures, in plain words, for `cashback dispute`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from .money import format_money, format_percent
from .records import Dispute, DisputePolicy, Order, OrderResult, Policy, Status
from .rules import applied_terms, hold_end


def explain(
    order: Order, disputes: Sequence[Dispute], as_of: date, policy: Policy, result: OrderResult
) -> list[str]:
    terms = applied_terms(order, policy)
    cur = result.currency

    def money(value) -> str:
        return f"{format_money(value, cur, policy.rounding)} {cur}"

    basis = (
        f"cashback rate {format_percent(terms.rate)}%"
        if terms.rate is not None
        else "fixed expected cashback"
    )
    cap = f" (capped at {money(terms.cap)})" if terms.cap is not None else ""
    steps = [
        f"Order of {money(order.amount)} placed on {order.ordered_at.isoformat()}, "
        f"{basis}: expected cashback {money(result.expected_cashback)}{cap}."
    ]
    steps.extend(_dispute_steps(disputes, as_of, money))
    if result.status is Status.CANCELLED:
        if policy.dispute_policy is DisputePolicy.CANCEL and result.reason == "dispute opened":
            steps.append(
                "This store cancels the whole cashback once a dispute is opened, whatever its outcome."
            )
        else:
            steps.append(f"Refunded in full ({money(result.refunded)}): no cashback.")
    elif result.refunded:
        steps.append(
            f"Refunded {money(result.refunded)} of {money(result.amount)}: cashback on the remaining "
            f"{money(result.amount - result.refunded)} is {money(result.cashback)}, "
            f"{money(result.cancelled_cashback)} cancelled."
        )
    elif any(d.opened_at <= as_of and d.resolved_at and d.resolved_at <= as_of for d in disputes):
        steps.append(f"No refund: the cashback stays whole at {money(result.cashback)}.")
    if result.status is Status.CANCELLED:
        pass
    elif result.confirm_on is None:
        steps.append("A dispute is open: the cashback is frozen until it is resolved.")
    else:
        steps.append(_confirmation_step(order, terms.hold_days, disputes, as_of, result.confirm_on))
    steps.append(f"As of {as_of.isoformat()}: {result.status.value}, cashback {money(result.cashback)}.")
    return steps


def _dispute_steps(disputes: Sequence[Dispute], as_of: date, money) -> list[str]:
    steps = []
    for d in sorted(disputes, key=lambda d: d.opened_at):
        opened = d.opened_at.isoformat()
        if d.opened_at > as_of:
            steps.append(f"Dispute opened on {opened} is after {as_of.isoformat()}: not counted yet.")
        elif d.resolved_at is None or d.resolved_at > as_of:
            steps.append(f"Dispute opened on {opened} is open on {as_of.isoformat()}.")
        else:
            what = f"a refund of {money(d.refund_amount)}" if d.refund_amount else "no refund (dispute lost)"
            steps.append(f"Dispute opened on {opened}, resolved on {d.resolved_at.isoformat()} with {what}.")
    return steps


def _confirmation_step(
    order: Order, hold_days: int, disputes: Sequence[Dispute], as_of: date, confirm_on: date
) -> str:
    text = f"The {hold_days}-day hold ends on {hold_end(order.ordered_at, hold_days).isoformat()}"
    resolved = [
        d.resolved_at for d in disputes if d.opened_at <= as_of and d.resolved_at and d.resolved_at <= as_of
    ]
    if resolved:
        text += f"; the last dispute was resolved on {max(resolved).isoformat()}"
    return f"{text}: confirmation is due on {confirm_on.isoformat()}."
