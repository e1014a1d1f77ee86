"""`cashback dispute`: one order explained, or what a dispute would do to an order (what-if)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from ..core.records import Dispute, Order, OrderResult, Policy
from ..i18n import _
from ..inputs.errors import InputError
from ..inputs.values import parse_amount, parse_date
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
    as_of_date,
    fail,
    load_options,
    option_value,
    policy_book,
    report_sink,
    stop_on_problems,
)

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
        DisputeFormat, typer.Option("--format", "-f", help="table for people, json for scripts.")
    ] = DisputeFormat.table,
    encoding: EncodingOpt = "utf-8",
    dayfirst: DayFirstOpt = None,
    mapping: MapOpt = None,
    profile: ProfileOpt = None,
    records: RecordsOpt = None,
    minor_units: MinorUnitsOpt = None,
    output: OutputOpt = None,
    lang: LangOpt = None,
) -> None:
    """One order's cashback and the steps that led to it; or what a dispute would do (what-if).

    Example: cashback dispute A1004 --orders examples/orders.csv --disputes examples/disputes.csv --as-of 2026-11-24

    Example (what-if, no files): cashback dispute --amount 100 --refund 40 --rate 5

    Example (what-if at a store): cashback dispute --amount 100 --refund 40 --store AliExpress --rate 5 --config examples/cashback.toml
    """
    book = policy_book(config, hold_days, rate, currency, rounding, dispute_policy)
    day = as_of_date(as_of)
    if order_id is not None:
        if orders is None:
            raise fail(
                _("ORDER_ID needs --orders FILE (or leave it out and use --amount for a what-if)"), EXIT_USAGE
            )
        if amount is not None or refund is not None:
            raise fail(_("--amount and --refund are for a what-if without ORDER_ID"), EXIT_USAGE)
        options = load_options(encoding, dayfirst, mapping, profile, records, minor_units, currency)
        result, steps = _explained_order(order_id, orders, disputes, options, day, book)
        inputs = [orders, *(disputes or ()), book.path or ""]
        title = _("Order {order_id}").format(order_id=order_id)
        _print(result, steps, None, format, rounding.value, title, output, inputs)
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
        with_refund, steps, without = _what_if(
            amount, refund or "0", ordered_at, day, policy, currency is not None
        )
        title = _("What if, at {store}").format(store=store) if store else _("What if")
        _print(with_refund, steps, without, format, rounding.value, title, output, [book.path or ""])
    else:
        raise fail(
            _("give ORDER_ID with --orders FILE, or --amount (and --refund, --rate) for a what-if"),
            EXIT_USAGE,
        )


def _explained_order(order_id, orders, disputes, options, day, book) -> tuple[OrderResult, Steps]:
    """The order's result and the steps that led to it, or exit 3 when the id is not there."""
    from ..output.explanation import explain
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
                    order_id=order_id, date=day.isoformat()
                ),
                EXIT_NOT_FOUND,
            )
        raise fail(
            _("order {order_id} not found in {file}").format(order_id=order_id, file=orders), EXIT_NOT_FOUND
        )
    order = wanted[0]
    policy, result, their_disputes = book.policy_for(order), found[0], evaluation.disputes_of(order_id)
    return result, lambda tr: explain(order, their_disputes, day, policy, result, tr)


def _what_if(amount_text, refund_text, ordered_at, day, policy: Policy, currency_given: bool):
    """The order described by the options, with a dispute resolved today with that refund, and without."""
    from ..core.rules import RuleError, evaluate_order
    from ..output.explanation import explain
    from ..output.messages import expected_text

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
    if refund_currency and refund_currency != currency:
        raise typer.BadParameter(
            _("expected a refund in {currency}, the order's currency").format(currency=currency),
            param_hint="--refund",
        )
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
    claim = Dispute(None, day, day, refund)  # type: ignore[arg-type]
    try:
        with_refund = evaluate_order(order, [claim], day, policy)
        without = evaluate_order(order, [], day, policy)
    except RuleError as error:
        raise fail(
            _("{field}: expected {expected}").format(
                field=error.field, expected=expected_text(error.expected)
            ),
            EXIT_USAGE,
        ) from None
    return with_refund, lambda tr: explain(order, [claim], day, policy, with_refund, tr), without


def _print(
    result: OrderResult,
    steps: Steps,
    without: OrderResult | None,
    format: DisputeFormat,
    rounding: str,
    title: str,
    output: str | None,
    inputs: list[str],
) -> None:
    with report_sink(output, inputs) as out:
        if format is DisputeFormat.json:
            from ..core.money import format_money
            from ..output.explanation import english
            from ..output.render import REPORTED_KEYS, order_object, write_json_object

            document = order_object(result, rounding, REPORTED_KEYS if result.reported is not None else ())
            document["explanation"] = steps(english)  # JSON keeps English whatever the language
            if without is not None:
                document["without_dispute"] = format_money(without.cashback, without.currency)
            write_json_object(out, document)
            return
        from ..output.tables import dispute_panel, make_console, what_if_table

        console = make_console(out if output not in (None, "-") else None)
        if without is not None:
            console.print(what_if_table(without, result, rounding))
        console.print(dispute_panel(result, steps(_), rounding, title))
