"""`cashback reconcile`: what the service reports, held against the rules, and what is owed."""

from __future__ import annotations

import typer

from ..i18n import _
from ..inputs.errors import InputError
from .common import (
    EXIT_USAGE,
    AsOfOpt,
    ConfigOpt,
    CurrencyOpt,
    DayFirstOpt,
    DisputePolicyOpt,
    DisputesOpt,
    EncodingOpt,
    Format,
    FormatOpt,
    HoldOpt,
    LangOpt,
    MapOpt,
    MinorUnitsOpt,
    OrdersArg,
    OutputOpt,
    ProfileOpt,
    RateOpt,
    RecordsOpt,
    Rounding,
    RoundingOpt,
    SheetOpt,
    as_of_date,
    check_problems,
    fail,
    future_warning,
    load_options,
    order_keys,
    policy_book,
    report_sink,
    written_currency,
)
from .report_format import report_format

EXIT_DIFFER = 4  # the service and the rules differ: a script can branch on it


def reconcile(
    orders: OrdersArg,
    disputes: DisputesOpt = None,
    as_of: AsOfOpt = None,
    hold_days: HoldOpt = None,
    rate: RateOpt = None,
    currency: CurrencyOpt = None,
    rounding: RoundingOpt = Rounding.half_up,
    dispute_policy: DisputePolicyOpt = None,
    config: ConfigOpt = None,
    format: FormatOpt = None,
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
    """What the service reports (status, cashback) against what the rules give, order by order.

    Orders that agree are counted; those that differ are listed with a verdict and what is at
    stake. Exit code 0 when all agree, 4 when any order differs.

    Example: cashback reconcile examples/cabinet.csv --disputes examples/cabinet-disputes.csv --currency RUB --as-of 2026-11-24

    Example: cashback reconcile examples/networks/admitad.json --profile admitad --as-of 2026-11-24 --format json
    """
    from ..core.reconcile import Reconciliation
    from ..run.pipeline import evaluate_files

    format, _workbook = report_format(format, output, Format)
    options = load_options(encoding, dayfirst, mapping, profile, records, minor_units, currency, sheet=sheet)
    book = policy_book(config, hold_days, rate, currency, rounding, dispute_policy)
    options, _written = written_currency(orders, options, book)
    day = as_of_date(as_of)
    check = Reconciliation()

    def collect(results, run) -> None:
        check.__init__()  # a second run (duplicates skipped) starts afresh
        check.add_all(results)

    try:
        evaluation = evaluate_files(orders, disputes or (), options, day, book.policy_for, collect)
    except InputError as error:
        raise fail(str(error), EXIT_USAGE) from None
    check_problems(evaluation, skip_invalid=False)
    from ..output import reconcile as words

    with report_sink(output, [orders, *(disputes or ()), book.path or ""]) as out:
        if format is Format.json:
            words.write_json(out, day, check, rounding.value, order_keys(orders, options))
        elif format is Format.csv:
            words.write_csv(out, check, rounding.value, order_keys(orders, options))
        else:
            from ..output.tables import make_console

            words.draw(make_console(out if output else None), day, check, rounding.value)
    future_warning(evaluation)
    if check.unknown_words:
        listed = ", ".join(f"{word!r} ({count})" for word, count in sorted(check.unknown_words.items()))
        typer.echo(
            _(
                "warning: status words not understood, their orders compared by cashback alone or not "
                "at all: {words}; known words: pending, confirmed, cancelled, ожидается, подтверждён, отклонён"
            ).format(words=listed),
            err=True,
        )
    if not any(sums.compared for sums in check.by_currency.values()):
        typer.echo(
            _("warning: no order carries a reported status or cashback; nothing was compared"), err=True
        )
    if check.differences:
        raise typer.Exit(EXIT_DIFFER)
