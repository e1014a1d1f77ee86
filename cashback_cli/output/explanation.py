"""The steps that led to an order's figures, in plain words, for `cashback dispute`.

JSON output keeps the English words whatever the language (scripts read it); a table shows
them translated, so each text goes through `tr`, the identity for JSON and gettext for people.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from ..core.money import format_money, format_percent
from ..core.records import Dispute, DisputePolicy, Order, OrderResult, Policy, Status
from ..i18n import _

Translate = Callable[[str], str]


def english(text: str) -> str:
    return text


def status_word(status: Status, tr: Translate = _) -> str:
    """The status as a cashback cabinet says it: expected (pending), confirmed, cancelled."""
    return {
        Status.PENDING: tr("pending"),
        Status.CONFIRMED: tr("confirmed"),
        Status.CANCELLED: tr("cancelled"),
    }[status]


def human_reason(result: OrderResult, tr: Translate = _) -> str:
    """The JSON reason in the user's language (the JSON itself keeps the English one)."""
    if result.status is Status.CANCELLED:
        return tr("dispute opened") if result.reason == "dispute opened" else tr("refunded in full")
    if result.confirm_on is None:
        return tr("dispute open")
    day = result.confirm_on.isoformat()
    if result.status is Status.PENDING:
        return tr("on hold until {date}").format(date=day)
    return tr("confirmed on {date}").format(date=day)


def explain(
    order: Order,
    disputes: Sequence[Dispute],
    as_of: date,
    policy: Policy,
    result: OrderResult,
    tr: Translate = english,
) -> list[str]:
    from ..core.rules import applied_terms

    terms = applied_terms(order, policy)
    cur = result.currency

    def money(value) -> str:
        return f"{format_money(value, cur, policy.rounding)} {cur}"

    if terms.rate is not None:
        basis = tr("cashback rate {rate}%").format(rate=format_percent(terms.rate))
    elif order.expected_cashback is None and order.commission is not None:
        basis = tr("{share}% of the network's commission of {commission}").format(
            share=format_percent(policy.share), commission=money(order.commission)
        )
    else:
        basis = tr("fixed expected cashback")
    cap = tr(" (capped at {cap})").format(cap=money(terms.cap)) if terms.cap is not None else ""
    if order.amount is None:
        first = tr(
            "Order without an amount (a lead) placed on {date}, {basis}: expected cashback {expected}{cap}."
        )
    else:
        first = tr("Order of {amount} placed on {date}, {basis}: expected cashback {expected}{cap}.")
    steps = [
        first.format(
            amount=money(order.amount) if order.amount is not None else "",
            date=order.ordered_at.isoformat(),
            basis=basis,
            expected=money(result.expected_cashback),
            cap=cap,
        )
    ]
    steps.extend(_dispute_steps(disputes, as_of, money, tr))
    counted = [d for d in disputes if d.opened_at <= as_of and d.resolved_at and d.resolved_at <= as_of]
    if result.status is Status.CANCELLED:
        if policy.dispute_policy is DisputePolicy.CANCEL and result.reason == "dispute opened":
            steps.append(
                tr("This store cancels the whole cashback once a dispute is opened, whatever its outcome.")
            )
        else:
            steps.append(
                tr("Refunded in full ({refund}): no cashback.").format(refund=money(result.refunded))
            )
    elif result.refunded:
        steps.append(
            tr(
                "Refunded {refund} of {amount}: cashback on the remaining {remaining} is {cashback}, {lost} cancelled."
            ).format(
                refund=money(result.refunded),
                amount=money(result.amount),
                remaining=money(result.amount - result.refunded),
                cashback=money(result.cashback),
                lost=money(result.cancelled_cashback),
            )
        )
    elif counted:
        steps.append(
            tr("No refund: the cashback stays whole at {cashback}.").format(cashback=money(result.cashback))
        )
    if result.status is not Status.CANCELLED:
        if result.confirm_on is None:
            steps.append(tr("A dispute is open: the cashback is frozen until it is resolved."))
        else:
            steps.append(_confirmation_step(order, terms.hold_days, counted, result.confirm_on, tr))
    steps.append(
        tr("As of {date}: {status}, cashback {cashback}.").format(
            date=as_of.isoformat(), status=status_word(result.status, tr), cashback=money(result.cashback)
        )
    )
    return steps


def _dispute_steps(disputes: Sequence[Dispute], as_of: date, money, tr: Translate) -> list[str]:
    steps = []
    for d in sorted(disputes, key=lambda d: d.opened_at):
        opened = d.opened_at.isoformat()
        if d.opened_at > as_of:
            steps.append(
                tr("Dispute opened on {opened} is after {date}: not counted yet.").format(
                    opened=opened, date=as_of.isoformat()
                )
            )
        elif d.resolved_at is None or d.resolved_at > as_of:
            steps.append(
                tr("Dispute opened on {opened} is open on {date}.").format(
                    opened=opened, date=as_of.isoformat()
                )
            )
        elif d.refund_amount:
            steps.append(
                tr("Dispute opened on {opened}, resolved on {resolved} with a refund of {refund}.").format(
                    opened=opened, resolved=d.resolved_at.isoformat(), refund=money(d.refund_amount)
                )
            )
        else:
            steps.append(
                tr(
                    "Dispute opened on {opened}, resolved on {resolved} with no refund (dispute lost)."
                ).format(opened=opened, resolved=d.resolved_at.isoformat())
            )
    return steps


def _confirmation_step(
    order: Order, hold_days: int, counted: Sequence[Dispute], confirm_on: date, tr: Translate
) -> str:
    from ..core.rules import hold_end

    locks_on = order.reported.locks_on if order.reported is not None else None
    if locks_on is not None:
        return tr("The network locks the order on {locks}: confirmation is due on {due}.").format(
            locks=locks_on.isoformat(), due=confirm_on.isoformat()
        )
    ends = hold_end(order.ordered_at, hold_days).isoformat()
    if counted:
        last = max(d.resolved_at for d in counted if d.resolved_at)
        return tr(
            "The {days}-day hold ends on {ends}; the last dispute was resolved on {resolved}: "
            "confirmation is due on {due}."
        ).format(days=hold_days, ends=ends, resolved=last.isoformat(), due=confirm_on.isoformat())
    return tr("The {days}-day hold ends on {ends}: confirmation is due on {due}.").format(
        days=hold_days, ends=ends, due=confirm_on.isoformat()
    )
