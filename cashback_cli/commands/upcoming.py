"""`cashback upcoming`: when pending cashback is due, period by period, with a bar chart."""

from __future__ import annotations

from typing import Annotated

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
    Engine,
    EngineOpt,
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
    StoreFilterOpt,
    as_of_date,
    check_problems,
    engine_ready,
    fail,
    future_warning,
    load_options,
    policy_book,
    report_sink,
    workers_for,
    written_currency,
)
from .report_format import report_format

BAR_WIDTH = 40
# Whole titles, not "by {period}": each language words the period its own way.
PERIOD_TITLES = {
    "day": "Pending {currency} cashback by day, as of {date}",
    "week": "Pending {currency} cashback by week, as of {date}",
    "month": "Pending {currency} cashback by month, as of {date}",
}


def upcoming(
    orders: OrdersArg,
    disputes: DisputesOpt = None,
    by: Annotated[str, typer.Option("--by", help="Group by day, week (Monday to Sunday) or month.")] = "week",
    store: StoreFilterOpt = None,
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
    engine: EngineOpt = Engine.auto,
    lang: LangOpt = None,
) -> None:
    """Pending cashback grouped by when it is due to be confirmed, and what waits on a dispute.

    Example: cashback upcoming examples/orders.csv --disputes examples/disputes.csv --by week --as-of 2026-11-24
    """
    from ..core.timeline import PERIODS, timeline
    from ..run.duckdb_engine import evaluate_files

    format, _workbook = report_format(format, output, Format)
    if by not in PERIODS:
        raise typer.BadParameter(
            _("got {value}, expected one of {choices}").format(value=repr(by), choices=", ".join(PERIODS)),
            param_hint="--by",
        )
    engine_name = engine_ready(engine)
    options = load_options(encoding, dayfirst, mapping, profile, records, minor_units, currency, sheet=sheet)
    book = policy_book(config, hold_days, rate, currency, rounding, dispute_policy)
    options, _written = written_currency(orders, options, book)
    day = as_of_date(as_of)
    found = []

    def collect(results, run) -> None:
        from ..core.selection import chosen

        found[:] = [timeline(chosen(results, stores=store or ()), by)]

    try:
        evaluation = None
        if engine_name != "duckdb" and not store:
            from ..core.timeline import timeline_of_days
            from ..run.lean import lean_upcoming

            workers = workers_for(orders, [orders, *(disputes or ()), book.path or ""])
            evaluation = lean_upcoming(orders, disputes or (), options, day, book.policy_for, workers)
            if evaluation is not None:
                found[:] = [timeline_of_days(evaluation.pending_days, by)]
        if evaluation is None:
            evaluation = evaluate_files(engine_name, orders, disputes or (), options, day, book, collect)
    except InputError as error:
        raise fail(str(error), EXIT_USAGE) from None
    check_problems(evaluation, skip_invalid=False)
    with report_sink(output, [orders, *(disputes or ()), book.path or ""]) as out:
        if format is Format.json:
            import json

            out.write(json.dumps(_document(day, by, found[0]), ensure_ascii=False, indent=2) + "\n")
        elif format is Format.csv:
            _write_csv(out, found[0])
        else:
            _draw(out if output else None, day, by, found[0])
    future_warning(evaluation)


def _document(day, by, line) -> dict:
    from ..core.money import format_money

    return {
        "as_of": day.isoformat(),
        "by": by,
        "periods": [
            {
                "from": p.start.isoformat(),
                "to": p.end.isoformat(),
                "currency": p.currency,
                "orders": p.orders,
                "cashback": format_money(p.cashback, p.currency),
            }
            for p in line.periods
        ],
        "waiting_on_dispute": {
            cur: {"orders": w.orders, "cashback": format_money(w.cashback, cur)}
            for cur, w in line.waiting_on_dispute.items()
        },
    }


def _write_csv(out, line) -> None:
    import csv

    from ..core.money import format_money

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("from", "to", "currency", "orders", "cashback", "waiting_on_dispute"))
    for p in line.periods:
        writer.writerow(
            (
                p.start.isoformat(),
                p.end.isoformat(),
                p.currency,
                p.orders,
                format_money(p.cashback, p.currency),
                "false",
            )
        )
    for cur, w in line.waiting_on_dispute.items():
        writer.writerow(("", "", cur, w.orders, format_money(w.cashback, cur), "true"))


def _draw(file, day, by, line) -> None:
    """A table per currency with a horizontal bar for each period, scaled to the largest. No
    figure is ever cut: the bar takes what room the terminal leaves (up to BAR_WIDTH) and goes
    when there is little, and then a period wraps onto two lines."""
    from rich.table import Table
    from rich.text import Text

    from ..output import formats
    from ..output.tables import make_console, table_width, widest

    console = make_console(file)
    currencies = sorted({p.currency for p in line.periods} | set(line.waiting_on_dispute))
    if not currencies:
        console.print(_("No pending cashback as of {date}.").format(date=formats.day(day)))
    for cur in currencies:
        rows = []  # label, orders, cashback as printed; the cashback and the bar's style
        for p in line.periods:
            if p.currency == cur:
                start, end = formats.day(p.start), formats.day(p.end)
                label = Text(start if by == "day" else f"{start} – {end}")
                rows.append((label, str(p.orders), formats.number(p.cashback, cur), p.cashback, "green"))
        waiting = line.waiting_on_dispute.get(cur)
        if waiting:
            label = Text(_("waiting on a dispute"), style="yellow")
            figure = formats.number(waiting.cashback, cur)
            rows.append((label, str(waiting.orders), figure, waiting.cashback, "yellow"))
        largest = max(row[3] for row in rows)
        header = (_("Due"), _("Orders"), _("Cashback"))
        table = Table(
            title=_(PERIOD_TITLES[by]).format(currency=cur, date=formats.day(day)),
            title_justify="left",
            header_style="bold",
        )
        table.add_column(header[0])
        table.add_column(header[1], justify="right", no_wrap=True)
        table.add_column(header[2], justify="right", no_wrap=True)
        # what the terminal leaves once the three columns fit whole, for the bar and its column
        printed = [header, *(row[:3] for row in rows)]
        spare = console.width - table_width(max(map(widest, column)) for column in zip(*printed, strict=True))
        bar_width = min(BAR_WIDTH, spare - 3) if spare - 3 >= 4 else 0
        if bar_width:
            table.add_column("", min_width=bar_width, max_width=bar_width)
        for label, orders, figure, cashback, style in rows:
            table.add_row(
                label, orders, figure, *([_bar(cashback, largest, style, bar_width)] if bar_width else [])
            )
        console.print(table)


def _bar(value, largest, style: str, width: int = BAR_WIDTH):
    """A bar as long as `value` is against the largest one; any cashback gets at least a cell."""
    from rich.text import Text

    cells = round(width * value / largest) if largest else 0
    return Text("█" * (cells or (1 if value else 0)), style=style)
