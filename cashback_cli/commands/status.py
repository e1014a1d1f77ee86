"""`cashback status`: every order's cashback and the totals per currency."""

from __future__ import annotations

import os
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, NamedTuple

import typer

from ..core.records import Status
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
    Engine,
    EngineOpt,
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
    SheetOpt,
    SkipOpt,
    StoreFilterOpt,
    as_of_date,
    check_problems,
    engine_ready,
    fail,
    future_warning,
    load_options,
    order_keys,
    policy_book,
    report_sink,
    warn,
    whole_amounts_warning,
    workers_for,
    written_currency,
)
from .report_format import report_format

if TYPE_CHECKING:
    from ..run.evaluation import Evaluation


class Sort(StrEnum):
    date = "date"
    amount = "amount"
    cashback = "cashback"
    status = "status"


class By(StrEnum):
    currency = "currency"
    store = "store"


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
        Format | None,
        typer.Option(
            "--format",
            "-f",
            help="table for people, json or csv for scripts (-o NAME.json, .csv or .xlsx says it too).",
            show_default="table",
        ),
    ] = None,
    summary: Annotated[bool, typer.Option("--summary", help="Print the totals per currency alone.")] = False,
    status_filter: Annotated[
        list[Status] | None,
        typer.Option("--status", help="Only orders of this status (may be repeated); totals follow."),
    ] = None,
    sort: Annotated[
        Sort | None,
        typer.Option("--sort", help="date (oldest first), amount or cashback (largest first), or status."),
    ] = None,
    by: Annotated[
        By, typer.Option("--by", help="Totals per currency, or per store and currency.")
    ] = By.currency,
    store: StoreFilterOpt = None,
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="Order rows shown in a table (json and csv show all).")
    ] = 50,
    encoding: EncodingOpt = "utf-8",
    dayfirst: DayFirstOpt = None,
    mapping: MapOpt = None,
    profile: ProfileOpt = None,
    records: RecordsOpt = None,
    minor_units: MinorUnitsOpt = None,
    sheet: SheetOpt = None,
    skip_invalid: SkipOpt = False,
    output: OutputOpt = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            help="Processes for a big plain file's totals or JSON/CSV report (0: every core).",
            show_default="0",
        ),
    ] = 0,
    engine: EngineOpt = Engine.auto,
    lang: LangOpt = None,
) -> None:
    """Pending, confirmed and cancelled cashback of every order, with totals per currency.

    Example: cashback status examples/orders.csv --disputes examples/disputes.csv --as-of 2026-11-24

    Example: cashback status examples/orders.csv -d examples/disputes.csv --summary --format json
    """
    from dataclasses import replace

    from ..output.progress import reading_progress
    from ..run.duckdb_engine import evaluate_files

    format, workbook = report_format(format, output, Format, workbook=True)
    if workbook:
        _workbook_ready(output)
    engine_name = engine_ready(engine)
    options = load_options(encoding, dayfirst, mapping, profile, records, minor_units, currency, sheet=sheet)
    book = policy_book(config, hold_days, rate, currency, rounding, dispute_policy)
    options, _written = written_currency(orders, options, book)
    reported = order_keys(orders, options)  # store, and what the service reports: when carried
    day = as_of_date(as_of)
    inputs = [orders, *(disputes or ()), book.path or ""]
    view = View(
        frozenset(status_filter or ()), sort.value if sort else None, by is By.store, frozenset(store or ())
    )

    def evaluate(consume=None):
        with reading_progress(orders) as on_read:
            return evaluate_files(
                engine_name,
                orders,
                disputes or (),
                replace(options, on_read=on_read),
                day,
                book,
                consume,
                skip_invalid,
                workers=workers_for(orders, inputs, jobs),
                stop_after=None if skip_invalid else STOP_AFTER,
            )

    try:
        if workbook:
            seen = Seen(view, limit=0)
            kept: list = []

            def collect(results, run) -> None:
                seen.reset()  # a second run (duplicates skipped) starts afresh
                kept[:] = seen.shaped(results)

            evaluation = evaluate(collect)
            check_problems(evaluation, skip_invalid)
            with report_sink(output, inputs) as out:
                _write_workbook(
                    out, output, evaluation, None if summary else kept, seen.totals, rounding.value, reported
                )
        elif format is Format.table:
            seen = Seen(view, limit=0 if summary else limit)
            evaluation = None
            if engine_name != "duckdb" and not view.narrows and set(reported) <= {"store"}:
                evaluation = _lean_table(
                    seen, orders, disputes or (), options, day, book, workers_for(orders, inputs, jobs)
                )
            if evaluation is None:
                evaluation = evaluate(seen.consume)
            check_problems(evaluation, skip_invalid)
            _print_tables(seen, evaluation, output, inputs, summary, _assumed(evaluation, book))
        elif summary:
            seen = Seen(view, limit=0)
            evaluation = evaluate(seen.consume if view.narrows else None)
            check_problems(evaluation, skip_invalid)
            totals = seen.totals if view.narrows else evaluation.totals
            with report_sink(output, inputs) as out:
                _write_summary(out, format, evaluation, totals)
        else:
            with report_sink(output, inputs) as out:
                lean = None
                if engine_name != "duckdb" and not view.narrows and set(reported) <= {"store"}:
                    lean = _lean_report(
                        out,
                        format,
                        reported,
                        orders,
                        disputes or (),
                        options,
                        day,
                        book,
                        workers_for(orders, inputs, jobs),
                    )
                if lean is not None:
                    evaluation = lean
                else:
                    seen = Seen(view, limit=0)

                    def write(results, run) -> None:
                        out.seek(0)  # a second run (duplicates skipped) starts the report afresh
                        out.truncate()
                        seen.reset()
                        if view.narrows:
                            results, totals = seen.shaped(results), seen.totals
                        else:  # every order as it streams, with the run's own totals
                            totals = run.totals
                        _write_report(out, format, results, run, totals, rounding.value, reported, view)

                    evaluation = evaluate(write)
                    check_problems(evaluation, skip_invalid)
                    if format is Format.csv and partial(evaluation):
                        from ..output.render import mark_partial_csv

                        mark_partial_csv(out)
    except InputError as error:
        raise fail(str(error), EXIT_USAGE) from None
    _warn_after(evaluation, book, orders, options)


def _warn_after(evaluation, book, orders: str, options) -> None:
    """What the report leaves to stderr: orders after the date, a currency taken for granted,
    amounts that may be cents."""
    future_warning(evaluation)
    whole_amounts_warning(evaluation, options, orders)
    assumed = _assumed(evaluation, book)
    if assumed:
        warn(
            _(
                "no currency given for {count} orders in {file}: taken as {currency} (--currency to change)"
            ).format(count=evaluation.assumed_currency, file=orders, currency=assumed)
        )


def _workbook_ready(output: str) -> None:
    """Writing .xlsx needs openpyxl: say how to get it before any work is done."""
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        from ..output.workbook import INSTALL

        raise fail(
            _("--output {path}: writing an Excel workbook needs the xlsx extra: {command}").format(
                path=output, command=INSTALL
            ),
            EXIT_USAGE,
        ) from None


def _write_workbook(out, output: str, evaluation, results, totals, rounding: str, keys) -> None:
    """The report as an Excel workbook, into the file the sink will move into place."""
    from ..output.workbook import write_workbook

    binary = getattr(out, "buffer", None)
    if binary is None:  # a pipe or a device: a workbook is a file
        raise fail(
            _("--output {path}: an Excel workbook is written to a file").format(path=output), EXIT_USAGE
        )
    out.flush()
    write_workbook(binary, evaluation.as_of, results, totals, rounding, keys, bool(partial(evaluation)))
    binary.flush()


def _lean_table(seen: Seen, orders: str, disputes, options, day, book, workers: int):
    """What a table shows, read by the lean engine into `seen`; or None (then `seen` is untouched)."""
    from dataclasses import replace

    from ..core.timeline import Outlook
    from ..output.progress import reading_progress
    from ..run.lean import lean_table

    with reading_progress(orders) as on_read:
        options = replace(options, on_read=on_read)
        run = lean_table(orders, disputes, options, day, book.policy_for, workers, seen.limit)
    if run is not None:
        seen.totals, seen.rows = run.totals, run.first_results
        seen.outlook = Outlook.of(run.pending_days, run.waiting, run.totals)
        shown = sum(sums.orders for sums in run.totals.by_currency.values())
        seen.left_out = max(0, shown - seen.limit) if seen.limit else 0
    return run


def _lean_report(out, format: Format, reported, orders: str, disputes, options, day, book, workers: int):
    """Every order of a plain export written by the lean engine, or None (nothing written);
    the order objects end with the store when the file has a store column (`reported`)."""
    from dataclasses import replace

    from ..output import render
    from ..output.progress import reading_progress
    from ..run.lean import lean_report

    def write(run, body) -> None:
        if format is Format.json:
            render.write_json_document(out, run.as_of, body, run.totals)
        else:
            out.write(render.csv_header(reported))
            for piece in body:
                out.write(piece)

    if format is Format.json:
        line, separator = render.json_store_line if reported else render.json_order_line, ",\n"
    else:
        line, separator = render.csv_store_line if reported else render.csv_order_line, ""
    with reading_progress(orders) as on_read:
        options = replace(options, on_read=on_read)
        folder = os.path.dirname(out.name) if isinstance(getattr(out, "name", None), str) else None
        return lean_report(
            orders, disputes, options, day, book.policy_for, workers, line, separator, write, folder
        )


class View(NamedTuple):
    """Which orders a report shows and how: --status, --sort, --by store."""

    statuses: frozenset[Status]
    sort: str | None
    by_store: bool
    stores: frozenset[str] = frozenset()

    @property
    def narrows(self) -> bool:
        """Whether the report differs from every order in file order with totals per currency."""
        return bool(self.statuses) or self.sort is not None or self.by_store or bool(self.stores)


class Seen:
    """The orders a report shows, gathered as they stream by: totals of those, the outlook for
    the headline, and the first `limit` rows for a table."""

    def __init__(self, view: View, limit: int) -> None:
        self.view, self.limit = view, limit
        self.reset()

    def reset(self) -> None:
        from ..core.timeline import Outlook
        from ..core.totals import Totals

        self.totals = Totals(per_store=self.view.by_store)
        self.outlook = Outlook()
        self.rows: list = []
        self.left_out = 0

    def shaped(self, results):
        """The results the view keeps, in its order, each added to the totals on the way."""
        from ..core.selection import chosen, ordered

        picked = chosen(results, self.view.statuses, self.view.stores)
        if self.view.sort:
            picked = ordered(picked, self.view.sort)
        add = self.totals.add
        for result in picked:
            add(result)
            yield result

    def consume(self, results, run) -> None:
        self.reset()
        for result in self.shaped(results):
            self.outlook.add(result)
            if len(self.rows) < self.limit:
                self.rows.append(result)
            elif self.limit:
                self.left_out += 1


def _assumed(evaluation, book) -> str | None:
    """The currency orders without one were taken in, when no option or policy file said it."""
    if not getattr(evaluation, "assumed_currency", 0):
        return None
    setting = book.base["currency"]
    return setting.value if setting.source == "built-in" else None


def partial(evaluation: Evaluation) -> dict[str, bool]:
    """Marks a report that skipped invalid rows, so a script cannot take it for the whole."""
    return {"partial": True} if evaluation.problems or evaluation.left_out else {}


def _write_summary(out, format: Format, evaluation: Evaluation, totals) -> None:
    from ..output.render import write_csv_summary, write_json_summary

    if format is Format.json:
        extra = {**_by_store(totals), **partial(evaluation)}
        write_json_summary(out, evaluation.as_of, totals, extra)
    else:
        write_csv_summary(out, totals, bool(partial(evaluation)))


def _by_store(totals) -> dict:
    from ..output.render import store_totals_object

    return {"by_store": store_totals_object(totals)} if totals.by_store is not None else {}


def _write_report(
    out, format: Format, results, evaluation: Evaluation, totals, rounding: str, reported, view: View
) -> None:
    from ..output.render import write_csv_report, write_json_report, write_text_report

    def trailer() -> dict:
        return {**_by_store(totals), **partial(evaluation)}

    rows = getattr(evaluation, "order_rows", None)  # the DuckDB engine's orders, as text already
    if rows is not None and not reported and not view.narrows:
        write_text_report(out, format is Format.json, evaluation.as_of, rows(), totals, trailer)
    elif format is Format.json:
        write_json_report(out, evaluation.as_of, results, totals, rounding, trailer, reported)
    else:
        write_csv_report(out, results, rounding, reported)


def _print_tables(seen: Seen, evaluation: Evaluation, output, inputs, summary: bool, assumed) -> None:
    """The headline, the orders table (unless --summary) and the totals, once the run is good."""
    from rich.text import Text

    from ..output import formats
    from ..output.headline import headline
    from ..output.tables import make_console, orders_table, totals_table

    with report_sink(output, inputs) as out:
        console = make_console(out if output else None)
        day = formats.day(evaluation.as_of)
        mark = _(" (partial)") if evaluation.problems or evaluation.left_out else ""
        if assumed:
            mark += " " + _("({currency} assumed)").format(currency=assumed)
        for line in headline(seen.outlook):
            console.print(Text(line, style="bold"))
        if not summary:
            table = orders_table(seen.rows, console)
            table.title = _("Orders as of {date}").format(date=day) + mark
            console.print(table)
            if seen.left_out:
                console.print(
                    _("… {count} more orders not shown (--limit, or --format json/csv for all)").format(
                        count=seen.left_out
                    )
                )
        totals = totals_table(seen.totals, console, _("Totals as of {date}").format(date=day) + mark)
        console.print(totals)
