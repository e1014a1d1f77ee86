"""The steps that led to an order's figures, in plain words, for `cashback dispute`.

JSON output keeps the English words whatever the language (scripts read it); a table shows
them translated, so each text goes through `tr`, the identity for JSON and gettext for people.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal

from ..core.money import format_money, format_percent
from ..core.records import Dispute, DisputePolicy, Order, OrderResult, Policy, Status
from ..core.rules import CANCELLED_BY_NETWORK
from ..i18n import _
from . import formats

Translate = Callable[[str], str]


def explained_day(value: date, tr: Translate) -> str:
    """A date as JSON writes it (ISO) in English explanations, as the reader writes it in a table."""
    return value.isoformat() if tr is english else formats.day(value)


def _percent(rate, tr: Translate) -> str:
    return format_percent(rate) if tr is english else formats.percent(rate).removesuffix("%")


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
        if result.reason.startswith(CANCELLED_BY_NETWORK + ": "):  # the network's own word, as it wrote it
            word = result.reason.removeprefix(CANCELLED_BY_NETWORK + ": ")
            return tr("cancelled by the network: {word}").format(word=word)
        return tr("dispute opened") if result.reason == "dispute opened" else tr("refunded in full")
    if result.confirm_on is None:
        return tr("dispute open")
    day = explained_day(result.confirm_on, tr)
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
    from ..core.rules import applied_terms, expected_cashback, kept_by_lines, kept_cashback, network_word

    terms = applied_terms(order, policy)
    cur = result.currency
    uncapped = terms._replace(cap=None)

    def money(value) -> str:
        if tr is english:  # JSON: the figures as scripts read them
            return f"{format_money(value, cur, policy.rounding)} {cur}"
        return formats.money(value, cur)

    def capped(figure, before) -> str:
        """The figure, and what it was before the cap when the cap made it smaller."""
        if terms.cap is None or before <= figure:
            return money(figure)
        return tr("{before} capped at {cap}").format(before=money(before), cap=money(terms.cap))

    if terms.rate is not None:
        basis = tr("cashback rate {rate}%").format(rate=_percent(terms.rate, tr))
    elif order.expected_cashback is None and order.commission is not None:
        basis = tr("{share}% of the network's commission of {commission}").format(
            share=_percent(policy.share, tr), commission=money(order.commission)
        )
    else:
        basis = tr("fixed expected cashback")
    # "capped" only when the cap made the figure smaller, with the figure it was before.
    expected = capped(result.expected_cashback, expected_cashback(order.amount or Decimal(0), uncapped))
    if order.amount is None:
        first = tr(
            "Order without an amount (a lead) placed on {date}, {basis}: expected cashback {expected}."
        )
    else:
        first = tr("Order of {amount} placed on {date}, {basis}: expected cashback {expected}.")
    steps = [
        first.format(
            amount=money(order.amount) if order.amount is not None else "",
            date=explained_day(order.ordered_at, tr),
            basis=basis,
            expected=expected,
        )
    ]
    steps.extend(_dispute_steps(disputes, as_of, money, tr))
    counted = [d for d in disputes if d.opened_at <= as_of and d.resolved_at and d.resolved_at <= as_of]
    if result.status is Status.CANCELLED:
        if policy.dispute_policy is DisputePolicy.CANCEL and result.reason == "dispute opened":
            steps.append(
                tr("This store cancels the whole cashback once a dispute is opened, whatever its outcome.")
            )
        elif result.reason.startswith(CANCELLED_BY_NETWORK):
            steps.append(tr("Cancelled by the network: no cashback."))
        else:
            steps.append(
                tr("Refunded in full ({refund}): no cashback.").format(refund=money(result.refunded))
            )
    elif result.refunded and (network := network_word(disputes, as_of)) is not None and network.lines:
        kept = kept_by_lines(result.amount, result.refunded, network, uncapped, policy)
        steps.append(
            tr(
                "Refunded {refund} of {amount}, lines taking back their own commission of {taken}: "
                "cashback is {cashback}, {lost} cancelled."
            ).format(
                refund=money(result.refunded),
                amount=money(result.amount),
                taken=money(network.taken),
                cashback=capped(result.cashback, kept),
                lost=money(result.cancelled_cashback),
            )
        )
    elif result.refunded:
        kept = kept_cashback(result.amount, result.refunded, result.expected_cashback, uncapped)
        steps.append(
            tr(
                "Refunded {refund} of {amount}: cashback on the remaining {remaining} is {cashback}, {lost} cancelled."
            ).format(
                refund=money(result.refunded),
                amount=money(result.amount),
                remaining=money(result.amount - result.refunded),
                cashback=capped(result.cashback, kept),
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
            date=explained_day(as_of, tr),
            status=status_word(result.status, tr),
            cashback=money(result.cashback),
        )
    )
    return steps


def _dispute_steps(disputes: Sequence[Dispute], as_of: date, money, tr: Translate) -> list[str]:
    steps = []
    for d in sorted(disputes, key=lambda d: d.opened_at):
        opened = explained_day(d.opened_at, tr)
        if d.opened_at > as_of:
            steps.append(
                tr("Dispute opened on {opened} is after {date}: not counted yet.").format(
                    opened=opened, date=explained_day(as_of, tr)
                )
            )
        elif d.resolved_at is None or d.resolved_at > as_of:
            steps.append(
                tr("Dispute opened on {opened} is still open on {date}.").format(
                    opened=opened, date=explained_day(as_of, tr)
                )
            )
        elif d.network_word or d.commission is not None:
            steps.append(_network_step(d, money, tr))
        elif d.refund_amount:
            steps.append(
                tr("Dispute opened on {opened}, resolved on {resolved} with a refund of {refund}.").format(
                    opened=opened, resolved=explained_day(d.resolved_at, tr), refund=money(d.refund_amount)
                )
            )
        else:
            steps.append(
                tr(
                    "Dispute opened on {opened}, resolved on {resolved} with no refund (dispute lost)."
                ).format(opened=opened, resolved=explained_day(d.resolved_at, tr))
            )
    return steps


def _network_step(d: Dispute, money, tr: Translate) -> str:
    """A network's own correction: its cancellation of the order or of a line, or a line's return."""
    day = explained_day(d.resolved_at, tr)
    if d.outcome is None:  # the whole order
        return tr("Cancelled by the network on {date}: {word}.").format(date=day, word=d.network_word)
    refund = money(d.refund_amount or Decimal(0))
    if d.network_word:
        step = tr("Line {line} cancelled by the network on {date}: {word}; it leaves with its {refund}")
        step = step.format(line=d.outcome, date=day, word=d.network_word, refund=refund)
    else:
        step = tr("Line {line} refunded on {date}: {refund}").format(line=d.outcome, date=day, refund=refund)
    if d.commission is None:
        return step + "."
    return step + tr(", taking back its own commission of {commission}.").format(
        commission=money(d.commission)
    )


def _confirmation_step(
    order: Order, hold_days: int, counted: Sequence[Dispute], confirm_on: date, tr: Translate
) -> str:
    from ..core.rules import hold_end

    locks_on = order.reported.locks_on if order.reported is not None else None
    if locks_on is not None:
        return tr("The network locks the order on {locks}: confirmation is due on {due}.").format(
            locks=explained_day(locks_on, tr), due=explained_day(confirm_on, tr)
        )
    ends = explained_day(hold_end(order.ordered_at, hold_days), tr)
    if counted:
        last = max(d.resolved_at for d in counted if d.resolved_at)
        return tr(
            "The {days}-day hold ends on {ends}; the last dispute was resolved on {resolved}: "
            "confirmation is due on {due}."
        ).format(
            days=hold_days, ends=ends, resolved=explained_day(last, tr), due=explained_day(confirm_on, tr)
        )
    return tr("The {days}-day hold ends on {ends}: confirmation is due on {due}.").format(
        days=hold_days, ends=ends, due=explained_day(confirm_on, tr)
    )
