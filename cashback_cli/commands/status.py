"""`cashback status`: every order's cashback and the totals per currency."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

from ..i18n import _
from ..inputs.errors import InputError
from .common import (
    EXIT_USAGE,
    STOP_AFTER,
    AsOfOpt,
    ConfigOpt,
    CurrencyOpt,
    DayFirstOpt,
    DisputePolicyOpt,
    DisputesOpt,
    EncodingOpt,
    Format,
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
    SkipOpt,
    as_of_date,
    check_problems,
    fail,
    future_warning,
    load_options,
    policy_book,
    report_sink,
)

if TYPE_CHECKING:
    from ..run.evaluation import Evaluation

BIG_SUMMARY = 8 << 20  # bytes: below this, forking workers costs more than it saves


def status(
    orders: OrdersArg,
    disputes: DisputesOpt = None,
    as_of: AsOfOpt = None,
    hold_days: HoldOpt = None,
    rate: RateOpt = None,
    currency: CurrencyOpt = None,
    rounding: RoundingOpt = Rounding.half_up,
    dispute_policy: DisputePolicyOpt = None,
    config: ConfigOpt = None,
    format: Annotated[
        Format, typer.Option("--format", "-f", help="table for people, json or csv for scripts.")
    ] = Format.table,
    summary: Annotated[bool, typer.Option("--summary", help="Print the totals per currency alone.")] = False,
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="Order rows shown in a table (json and csv show all).")
    ] = 50,
    encoding: EncodingOpt = "utf-8",
    dayfirst: DayFirstOpt = None,
    mapping: MapOpt = None,
    profile: ProfileOpt = None,
    records: RecordsOpt = None,
    minor_units: MinorUnitsOpt = None,
    skip_invalid: SkipOpt = False,
    output: OutputOpt = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            help="Processes for --summary of a big file (0: every core).",
            show_default="0",
        ),
    ] = 0,
    lang: LangOpt = None,
) -> None:
    """Pending, confirmed and cancelled cashback of every order, with totals per currency.

    Example: cashback status examples/orders.csv --disputes examples/disputes.csv --as-of 2026-11-24

    Example: cashback status examples/orders.csv -d examples/disputes.csv --summary --format json
    """
    from dataclasses import replace

    from ..output.progress import reading_progress
    from ..run.pipeline import evaluate_files

    options = load_options(encoding, dayfirst, mapping, profile, records, minor_units, currency)
    reported = options.profile.reported_keys if options.profile else ()
    book = policy_book(config, hold_days, rate, currency, rounding, dispute_policy)
    day = as_of_date(as_of)
    inputs = [orders, *(disputes or ()), book.path or ""]
    drawn: list = []

    def evaluate(consume=None):
        with reading_progress(orders) as on_read:
            return evaluate_files(
                orders,
                disputes or (),
                replace(options, on_read=on_read),
                day,
                book.policy_for,
                consume,
                skip_invalid,
                workers=_workers(orders, inputs, jobs),
                stop_after=None if skip_invalid else STOP_AFTER,
            )

    def draw(results, run) -> None:
        from ..output.tables import orders_table

        drawn[:] = [orders_table(results, rounding.value, limit=limit)]

    try:
        if format is Format.table:
            evaluation = evaluate(None if summary else draw)
            check_problems(evaluation, skip_invalid)
            _print_tables(drawn[0] if drawn else None, evaluation, output, inputs)
        elif summary:
            evaluation = evaluate()
            check_problems(evaluation, skip_invalid)
            with report_sink(output, inputs) as out:
                _write_summary(out, format, evaluation)
        else:
            with report_sink(output, inputs) as out:

                def write(results, run) -> None:
                    out.seek(0)  # a second run (duplicates skipped) starts the report afresh
                    out.truncate()
                    _write_report(out, format, results, run, rounding.value, reported)

                evaluation = evaluate(write)
                check_problems(evaluation, skip_invalid)
                if format is Format.csv and partial(evaluation):
                    from ..output.render import mark_partial_csv

                    mark_partial_csv(out)
    except InputError as error:
        raise fail(str(error), EXIT_USAGE) from None
    future_warning(evaluation)


def _workers(orders: str, inputs: list[str], jobs: int) -> int:
    """Processes for a summary: every core for a big file, one for a small one or for stdin."""
    if "-" in inputs:
        return 1  # workers cannot read the parent's standard input
    if jobs:
        return jobs
    if not os.path.isfile(orders) or os.path.getsize(orders) < BIG_SUMMARY:
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def partial(evaluation: Evaluation) -> dict[str, bool]:
    """Marks a report that skipped invalid rows, so a script cannot take it for the whole."""
    return {"partial": True} if evaluation.problems or evaluation.left_out else {}


def _write_summary(out, format: Format, evaluation: Evaluation) -> None:
    from ..output.render import write_csv_summary, write_json_summary

    if format is Format.json:
        write_json_summary(out, evaluation.as_of, evaluation.totals, partial(evaluation))
    else:
        write_csv_summary(out, evaluation.totals, bool(partial(evaluation)))


def _write_report(
    out, format: Format, results, evaluation: Evaluation, rounding: str, reported: tuple[str, ...]
) -> None:
    from ..output.render import write_csv_report, write_json_report

    if format is Format.json:
        write_json_report(
            out, evaluation.as_of, results, evaluation.totals, rounding, lambda: partial(evaluation), reported
        )
    else:
        write_csv_report(out, results, rounding, reported)


def _print_tables(drawn, evaluation: Evaluation, output: str | None, inputs: list[str]) -> None:
    """The orders table (unless --summary) and the totals, once the run is known to be good."""
    from ..output.tables import make_console, totals_table

    with report_sink(output, inputs) as out:
        console = make_console(out if output else None)
        day = evaluation.as_of.isoformat()
        partial_mark = _(" (partial)") if evaluation.problems else ""
        if drawn is not None:
            table, left_out = drawn
            table.title = _("Orders as of {date}").format(date=day) + partial_mark
            console.print(table)
            if left_out:
                console.print(
                    _("… {count} more orders not shown (--limit, or --format json/csv for all)").format(
                        count=left_out
                    )
                )
        totals = totals_table(evaluation.totals)
        totals.title = _("Totals as of {date}").format(date=day) + partial_mark
        console.print(totals)
