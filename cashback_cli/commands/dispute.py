"""`cashback dispute`: one order explained, or what a dispute would do to an order (what-if)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Annotated

import typer

from ..core.records import Dispute, Order, OrderResult, Policy
from ..i18n import _
from ..inputs.errors import InputError
from ..inputs.values import parse_amount, parse_date
from ..output import formats
from .common import (
    EXIT_NOT_FOUND,
    EXIT_USAGE,
    AsOfOpt,
    ConfigOpt,
    CurrencyOpt,
    DayFirstOpt,
    DisputeFormat,
    DisputePolicyOpt,
    DisputesOpt,
    EncodingOpt,
    HoldOpt,
    LangOpt,
    MapOpt,
    MinorUnitsOpt,
    OutputOpt,
    ProfileOpt,
    RateOpt,
    RecordsOpt,
    Rounding,
    RoundingOpt,
    SheetOpt,
    as_of_date,
    fail,
    load_options,
    option_value,
    order_keys,
    policy_book,
    report_sink,
    stop_on_problems,
    written_currency,
)
from .report_format import report_format

Steps = Callable[[Callable[[str], str]], list[str]]  # the explanation, in the language it is given


def dispute(
    order_id: Annotated[str | None, typer.Argument(help="Order to explain (with --orders).")] = None,
    orders: Annotated[
        str | None, typer.Option("--orders", metavar="FILE", help="Orders file holding ORDER_ID.")
    ] = None,
    disputes: DisputesOpt = None,
    amount: Annotated[str | None, typer.Option("--amount", help="What-if: the order amount.")] = None,
    refund: Annotated[
        str | None,
        typer.Option("--refund", help="What-if: the refund the dispute ends with (0: dispute lost)."),
    ] = None,
    ordered_at: Annotated[
        str | None,
        typer.Option(
            "--ordered-at", metavar="DATE", help="What-if: order date.", show_default="the as-of date"
        ),
    ] = None,
    opened_on: Annotated[
        str | None,
        typer.Option(
            "--opened-on",
            metavar="DATE",
            help="What-if: the day the dispute is opened.",
            show_default="the as-of date",
        ),
    ] = None,
    dispute_days: Annotated[
        int | None,
        typer.Option(
            "--dispute-days",
            metavar="N",
            min=0,
            help="What-if: the dispute ends N days after it is opened (not with --resolved-on).",
        ),
    ] = None,
    resolved_on: Annotated[
        str | None,
        typer.Option(
            "--resolved-on",
            metavar="DATE",
            help="What-if: the day the dispute ends (not with --dispute-days).",
            show_default="the as-of date",
        ),
    ] = None,
    store: Annotated[
        str | None,
        typer.Option("--store", metavar="NAME", help="What-if: the store, for its policy in --config."),
    ] = None,
    as_of: AsOfOpt = None,
    hold_days: HoldOpt = None,
    rate: RateOpt = None,
    currency: CurrencyOpt = None,
    rounding: RoundingOpt = Rounding.half_up,
    dispute_policy: DisputePolicyOpt = None,
    config: ConfigOpt = None,
    format: Annotated[
        DisputeFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="table for people, json for scripts (-o NAME.json says it too).",
            show_default="table",
        ),
    ] = None,
    encoding: EncodingOpt = "utf-8",
    dayfirst: DayFirstOpt = None,
    mapping: MapOpt = None,
    profile: ProfileOpt = None,
    records: RecordsOpt = None,
    minor_units: MinorUnitsOpt = None,
    sheet: SheetOpt = None,
    output: OutputOpt = None,
    lang: LangOpt = None,
) -> None:
    """One order's cashback and the steps that led to it; or what a dispute would do (what-if).

    Example: cashback dispute A1004 --orders examples/orders.csv --disputes examples/disputes.csv --as-of 2026-11-24

    Example (what-if, no files): cashback dispute --amount 100 --refund 40 --rate 5

    Example (what-if, a dispute taking 30 days): cashback dispute --amount 100 --refund 40 --rate 5 --dispute-days 30

    Example (what-if on an order of a file): cashback dispute A1001 --orders examples/orders.csv --refund 50 --as-of 2026-11-24

    Example (what-if at a store): cashback dispute --amount 100 --refund 40 --store AliExpress --rate 5 --config examples/cashback.toml
    """
    format, _workbook = report_format(format, output, DisputeFormat)
    if dispute_days is not None and resolved_on is not None:
        raise fail(
            _("--dispute-days and --resolved-on both say when the dispute ends: give one of them"), EXIT_USAGE
        )
    book = policy_book(config, hold_days, rate, currency, rounding, dispute_policy)
    day = as_of_date(as_of)
    ending = (opened_on, dispute_days, resolved_on)
    if order_id is not None:
        if orders is None:
            raise fail(
                _("ORDER_ID needs --orders FILE (or leave it out and use --amount for a what-if)"), EXIT_USAGE
            )
        for option, given in (("--amount", amount), ("--ordered-at", ordered_at), ("--store", store)):
            if given is not None:
                raise fail(
                    _("{option} is for a what-if without ORDER_ID: the order's own is used").format(
                        option=option
                    ),
                    EXIT_USAGE,
                )
        if refund is None:
            for option, given in zip(("--opened-on", "--dispute-days", "--resolved-on"), ending, strict=True):
                if given is not None:
                    raise fail(
                        _("{option} is for a what-if: give --refund too").format(option=option), EXIT_USAGE
                    )
        options = load_options(
            encoding, dayfirst, mapping, profile, records, minor_units, currency, sheet=sheet
        )
        options, _written = written_currency(orders, options, book)
        keys = order_keys(orders, options)  # the order object's keys, as status prints them
        order, result, their_disputes, policy = _found_order(order_id, orders, disputes, options, day, book)
        inputs = [orders, *(disputes or ()), book.path or ""]
        if refund is None:
            title = _("Order {order_id}").format(order_id=order_id)
            steps = _steps(order, their_disputes, day, policy, result)
            _print(result, steps, None, False, None, format, rounding.value, title, output, inputs, keys)
            return
        what_if = _what_if_on_order(order, their_disputes, refund, ending, day, policy)
        title = _("What if: order {order_id}").format(order_id=order_id)
        _print(*what_if, format, rounding.value, title, output, inputs, keys)
    elif amount is not None:
        policy = book.for_store(store)
        if policy is None:
            listed = ", ".join(sorted(book.names.values())) or "—"
            raise fail(
                _("store {store} has no table in the policy file (stores: {listed})").format(
                    store=repr(store), listed=listed
                ),
                EXIT_USAGE,
            )
        what_if = _what_if(amount, refund or "0", ordered_at, ending, day, policy, currency is not None)
        title = _("What if, at {store}").format(store=store) if store else _("What if")
        _print(*what_if, format, rounding.value, title, output, [book.path or ""])
    else:
        raise fail(
            _("give ORDER_ID with --orders FILE, or --amount (and --refund, --rate) for a what-if"),
            EXIT_USAGE,
        )


def _found_order(order_id, orders, disputes, options, day, book):
    """The order as read, its result as of `day`, its disputes and its policy; exit 3 when the
    id is not there."""
    from ..run.pipeline import evaluate_files

    wanted: list[Order] = []
    found: list[OrderResult] = []

    def tap(stream):
        for order in stream:
            if not wanted and order.__class__ is Order and order.order_id == order_id:
                wanted.append(order)
            yield order

    def keep(results, run) -> None:
        found[:] = [result for result in results if result.order_id == order_id]

    try:
        evaluation = evaluate_files(orders, disputes or (), options, day, book.policy_for, keep, tap=tap)
    except InputError as error:
        raise fail(str(error), EXIT_USAGE) from None
    stop_on_problems(evaluation.problems)
    if not found:
        if wanted:
            raise fail(
                _("order {order_id} is dated after {date}; try a later --as-of").format(
                    order_id=order_id, date=formats.day(day)
                ),
                EXIT_NOT_FOUND,
            )
        raise fail(
            _("order {order_id} not found in {file}").format(order_id=order_id, file=orders), EXIT_NOT_FOUND
        )
    order = wanted[0]
    return order, found[0], evaluation.disputes_of(order_id), book.policy_for(order)


def _steps(
    order: Order, disputes: Sequence[Dispute], day: date, policy: Policy, result: OrderResult
) -> Steps:
    from ..output.explanation import explain

    return lambda tr: explain(order, disputes, day, policy, result, tr)


# with the dispute, its steps, without it, whether the order has disputes of its own, the day it ends
WhatIf = tuple[OrderResult, Steps, OrderResult, bool, date]


def _what_if(
    amount_text, refund_text, ordered_at, ending, day, policy: Policy, currency_given: bool
) -> WhatIf:
    """The order described by the options, with a dispute ending with that refund, and without."""
    if policy.rate is None:
        raise fail(
            _("a what-if needs --rate PCT (the store's cashback rate), or a --store whose policy sets one"),
            EXIT_USAGE,
        )
    amount, written = option_value(parse_amount, amount_text, "--amount")
    refund, refund_currency = option_value(parse_amount, refund_text, "--refund")
    if written and currency_given and written != policy.currency:
        raise typer.BadParameter(
            _("expected an amount in {currency}, as --currency says").format(currency=policy.currency),
            param_hint="--amount",
        )
    currency = written or policy.currency
    _check_refund_currency(refund_currency, currency)
    if amount == 0:
        raise typer.BadParameter(_("expected an amount greater than 0"), param_hint="--amount")
    if refund > amount:
        raise typer.BadParameter(
            _("a refund of {refund} is more than the order amount {amount}").format(
                refund=refund, amount=amount
            ),
            param_hint="--refund",
        )
    order_day = day if ordered_at is None else option_value(parse_date, ordered_at, "--ordered-at")
    if order_day > day:
        raise typer.BadParameter(_("expected a date on or before the as-of date"), param_hint="--ordered-at")
    order = Order(None, order_day, amount, currency)  # type: ignore[arg-type]
    opened, resolved, on = _dispute_dates(day, order_day, *ending)
    claim = Dispute(None, opened, resolved, refund)  # type: ignore[arg-type]
    return _evaluated(order, (), claim, on, policy)


def _what_if_on_order(
    order: Order, existing: Sequence[Dispute], refund_text: str, ending, day: date, policy: Policy
) -> WhatIf:
    """An order of a file, with its own disputes and one more ending with that refund, and without it."""
    from ..core.money import format_money

    refund, refund_currency = option_value(parse_amount, refund_text, "--refund")
    opened, resolved, on = _dispute_dates(day, order.ordered_at, *ending)
    before = _evaluate(order, existing, on, policy)  # its own disputes: what is refunded already
    _check_refund_currency(refund_currency, before.currency)
    if refund and order.amount is None:
        raise typer.BadParameter(
            _(
                "order {order_id} has no amount (a lead paid a fixed cashback): nothing can be refunded"
            ).format(order_id=order.order_id),
            param_hint="--refund",
        )
    if order.amount is not None and refund > order.amount - before.refunded:
        cur = before.currency

        def money(value) -> str:
            return f"{format_money(value, cur, policy.rounding)} {cur}"

        raise typer.BadParameter(
            _(
                "a refund of {refund} is more than the {left} left to refund on order {order_id} "
                "(amount {amount}, refunded already {refunded})"
            ).format(
                refund=money(refund),
                left=money(order.amount - before.refunded),
                order_id=order.order_id,
                amount=money(order.amount),
                refunded=money(before.refunded),
            ),
            param_hint="--refund",
        )
    claim = Dispute(order.order_id, opened, resolved, refund)
    return _evaluated(order, existing, claim, on, policy, before)


def _dispute_dates(
    day: date, ordered: date, opened_on: str | None, days: int | None, resolved_on: str | None
) -> tuple[date, date, date]:
    """The what-if dispute's opening and end, and the day to evaluate it on: the day it ends,
    or the as-of date when that is later (a dispute that ended in the past)."""
    opened = day if opened_on is None else option_value(parse_date, opened_on, "--opened-on")
    if opened < ordered:
        raise typer.BadParameter(
            _("expected a date on or after the order date ({date})").format(date=ordered.isoformat()),
            param_hint="--opened-on",
        )
    if days is not None:
        resolved = opened + timedelta(days=days)
    elif resolved_on is not None:
        resolved = option_value(parse_date, resolved_on, "--resolved-on")
        if resolved < opened:
            raise typer.BadParameter(
                _("expected a date on or after the day the dispute is opened ({date})").format(
                    date=opened.isoformat()
                ),
                param_hint="--resolved-on",
            )
    else:
        resolved = day  # as it always was: the dispute ends on the as-of date
        if opened > day:
            raise typer.BadParameter(
                _("a dispute opened after the as-of date needs --dispute-days or --resolved-on"),
                param_hint="--opened-on",
            )
    return opened, resolved, max(day, resolved)


def _check_refund_currency(written: str | None, currency: str) -> None:
    if written and written != currency:
        raise typer.BadParameter(
            _("expected a refund in {currency}, the order's currency").format(currency=currency),
            param_hint="--refund",
        )


def _evaluated(
    order: Order,
    existing: Sequence[Dispute],
    claim: Dispute,
    on: date,
    policy: Policy,
    without: OrderResult | None = None,
) -> WhatIf:
    """The order with the what-if dispute and without it, both as of `on`."""
    everything = (*existing, claim)
    with_dispute = _evaluate(order, everything, on, policy)
    if without is None:
        without = _evaluate(order, existing, on, policy)
    others = any(d.opened_at <= on for d in existing)
    ends = claim.resolved_at or on
    return with_dispute, _steps(order, everything, on, policy, with_dispute), without, others, ends


def _evaluate(order: Order, disputes: Sequence[Dispute], on: date, policy: Policy) -> OrderResult:
    from ..core.rules import RuleError, evaluate_order
    from ..output.messages import expected_text

    try:
        return evaluate_order(order, disputes, on, policy)
    except RuleError as error:
        raise fail(
            _("{field}: expected {expected}").format(
                field=error.field, expected=expected_text(error.expected)
            ),
            EXIT_USAGE,
        ) from None


def _print(
    result: OrderResult,
    steps: Steps,
    without: OrderResult | None,
    others: bool,
    ends: date | None,
    format: DisputeFormat,
    rounding: str,
    title: str,
    output: str | None,
    inputs: list[str],
    keys: tuple[str, ...] = (),
) -> None:
    with report_sink(output, inputs) as out:
        if format is DisputeFormat.json:
            from ..core.money import format_money
            from ..output.explanation import english
            from ..output.render import order_object, write_json_object

            document = order_object(result, rounding, keys)
            document["explanation"] = steps(english)  # JSON keeps English whatever the language
            if without is not None:
                document["without_dispute"] = format_money(without.cashback, without.currency)
                confirm_on = without.confirm_on
                document["without_dispute_confirm_on"] = confirm_on.isoformat() if confirm_on else None
            write_json_object(out, document)
            return
        from ..output.tables import dispute_panel, make_console, what_if_table

        console = make_console(out if output not in (None, "-") else None)
        if without is not None:
            console.print(what_if_table(without, result, rounding, others, ends))
        console.print(dispute_panel(result, steps(_), rounding, title))
