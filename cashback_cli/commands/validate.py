"""`cashback validate`: every problem in the files, or a one-line ok."""

from __future__ import annotations

import typer

from ..i18n import _
from ..inputs.errors import InputError
from .common import (
    EXIT_DATA,
    EXIT_USAGE,
    FAR_FUTURE,
    ConfigOpt,
    CurrencyOpt,
    DayFirstOpt,
    DisputesOpt,
    EncodingOpt,
    Engine,
    EngineOpt,
    LangOpt,
    MapOpt,
    MinorUnitsOpt,
    OrdersArg,
    ProfileOpt,
    RateOpt,
    RecordsOpt,
    Rounding,
    SheetOpt,
    engine_ready,
    fail,
    load_options,
    policy_book,
    report_problems,
    whole_amounts_warning,
    workers_for,
    written_currency,
)


def validate(
    orders: OrdersArg,
    disputes: DisputesOpt = None,
    rate: RateOpt = None,
    currency: CurrencyOpt = None,
    config: ConfigOpt = None,
    encoding: EncodingOpt = "utf-8",
    dayfirst: DayFirstOpt = None,
    mapping: MapOpt = None,
    profile: ProfileOpt = None,
    records: RecordsOpt = None,
    minor_units: MinorUnitsOpt = None,
    sheet: SheetOpt = None,
    engine: EngineOpt = Engine.auto,
    lang: LangOpt = None,
) -> None:
    """Check the files and list every problem: file:line, field, value and what was expected.

    Example: cashback validate examples/orders.csv --disputes examples/disputes.csv
    """
    from ..run.duckdb_engine import evaluate_files

    engine_name = engine_ready(engine)
    options = load_options(encoding, dayfirst, mapping, profile, records, minor_units, currency, sheet=sheet)
    book = policy_book(config, None, rate, currency, Rounding.half_up, None)
    options, written = written_currency(orders, options, book)
    counted: list[int] = []

    def count(results, run) -> None:
        counted[:] = [sum(1 for _ in results)]

    try:
        # As of a far date every dispute counts, so refunds above the amount are caught too.
        if engine_name != "duckdb" and _plain(orders, disputes or (), options, book):
            return
        evaluation = evaluate_files(engine_name, orders, disputes or (), options, FAR_FUTURE, book, count)
    except InputError as error:
        raise fail(str(error), EXIT_USAGE) from None
    if evaluation.problems:
        report_problems(evaluation.problems, limit=None)
        raise fail(_("problems found: {count}").format(count=len(set(evaluation.problems))), EXIT_DATA)
    said = _("ok, {orders} orders, {disputes} disputes").format(
        orders=counted[0], disputes=evaluation.dispute_count
    )
    if written:
        said += "; " + _(
            "currency {currency}: the file has no currency column, and its amounts are written in {currency}"
        ).format(currency=written)
    typer.echo(said)
    whole_amounts_warning(evaluation, options, orders)


def _plain(orders: str, disputes, options, book) -> bool:
    """Whether the lean engine read the files through, which it does only when they have no
    problem at all: then it is said, as the careful engine would."""
    from ..run.lean import lean_summary

    workers = workers_for(orders, [orders, *disputes])
    run = lean_summary(orders, disputes, options, FAR_FUTURE, book.policy_for, workers)
    if run is None:
        return False
    count = sum(sums.orders for sums in run.totals.by_currency.values()) + run.left_out_future
    typer.echo(_("ok, {orders} orders, {disputes} disputes").format(orders=count, disputes=run.dispute_count))
    whole_amounts_warning(run, options, orders)
    return True
