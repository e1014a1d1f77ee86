"""The `cashback` command: options in, one call to the core, rendered results out.

Problems in the input are collected by the loaders and the evaluation; this module alone
turns them into messages and exit codes.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from typing import IO, TYPE_CHECKING, Annotated

import typer

from . import __version__
from .parsing import parse_amount, parse_currency, parse_date, parse_rate
from .problems import FieldError, InputError, Problem
from .records import Dispute, Order, OrderResult, Policy

if TYPE_CHECKING:  # the heavier modules load inside the commands that use them: fast start-up
    from .evaluation import Evaluation
    from .loaders import LoadOptions

EXIT_DATA, EXIT_USAGE, EXIT_NOT_FOUND = 1, 2, 3
SHOWN_PROBLEMS = 20
FAR_FUTURE = date(2199, 12, 31)

app = typer.Typer(
    name="cashback",
    help=(
        "What happens to your cashback if you open a dispute: pending, confirmed and "
        "cancelled cashback from your orders and disputes.\n\n"
        "Example: cashback status examples/orders.csv --disputes examples/disputes.csv"
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class DisputeFormat(StrEnum):
    table = "table"
    json = "json"


class Rounding(StrEnum):
    half_up = "half-up"
    half_even = "half-even"
    down = "down"


# --- shared options ------------------------------------------------------------------------

DisputesOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--disputes",
        "-d",
        metavar="FILE",
        help="Disputes file (CSV, JSON or JSON Lines; - for stdin). May be repeated.",
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="Evaluate as of this date.", show_default="today"),
]
HoldOpt = Annotated[
    int,
    typer.Option("--hold-days", min=0, max=3650, help="Hold period in days, when an order does not set one."),
]
RateOpt = Annotated[
    str | None,
    typer.Option(
        "--rate", metavar="PCT", help="Cashback rate in percent, for orders without one (5, 5%, 4,5)."
    ),
]
CurrencyOpt = Annotated[
    str | None,
    typer.Option(
        "--currency", metavar="CODE", help="Currency of orders that do not name one.", show_default="USD"
    ),
]
RoundingOpt = Annotated[
    Rounding, typer.Option("--rounding", help="How figures are rounded to the currency's minor unit.")
]
EncodingOpt = Annotated[
    str, typer.Option("--encoding", help="Text encoding of the input files (cp1251 for Russian Excel).")
]
DayFirstOpt = Annotated[
    bool | None,
    typer.Option(
        "--dayfirst/--monthfirst",
        help="Read slashed dates as dd/mm/yyyy or as mm/dd/yyyy.",
        show_default="refuse ambiguous ones",
    ),
]
MapOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        metavar="FIELD=HEADER",
        help="Read FIELD from the column HEADER, e.g. --map amount='Total paid'.",
    ),
]
SkipOpt = Annotated[
    bool,
    typer.Option(
        "--skip-invalid",
        help="Report the valid rows and list the skipped ones on stderr, instead of stopping.",
    ),
]
OutputOpt = Annotated[
    str | None,
    typer.Option(
        "--output", "-o", metavar="FILE", help="Write the report to FILE (atomically) instead of stdout."
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cashback {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """What happens to your cashback if you open a dispute."""


# --- errors at the edge --------------------------------------------------------------------


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"cashback: {message}", err=True)
    return typer.Exit(code)


def _report_problems(problems: list[Problem], limit: int | None = SHOWN_PROBLEMS) -> None:
    problems = list(dict.fromkeys(problems))  # a JSON document read for orders and disputes alike
    shown = problems if limit is None else problems[:limit]
    for problem in shown:
        typer.echo(problem.message(), err=True)
    if len(problems) > len(shown):
        typer.echo(f"… and {len(problems) - len(shown)} more (cashback validate lists them all)", err=True)


def _stop_on_problems(problems: list[Problem]) -> None:
    if problems:
        _report_problems(problems)
        count = len(set(problems))
        raise _fail(
            f"{count} problem{'s' if count > 1 else ''} in the input; nothing reported "
            "(--skip-invalid reports the valid rows)",
            EXIT_DATA,
        )


def _option_value(parse, text: str, option: str):
    try:
        return parse(text)
    except FieldError as error:
        raise typer.BadParameter(f"got {text!r}, expected {error.expected}", param_hint=option) from None


def _as_of(text: str | None) -> date:
    return date.today() if text is None else _option_value(parse_date, text, "--as-of")


def _policy(hold_days: int, rate: str | None, currency: str | None, rounding: Rounding) -> Policy:
    return Policy(
        hold_days=hold_days,
        rate=None if rate is None else _option_value(parse_rate, rate, "--rate"),
        currency="USD" if currency is None else _option_value(parse_currency, currency, "--currency"),
        rounding=rounding.value,
    )


def _load_options(encoding: str, dayfirst: bool | None, mapping: list[str] | None) -> LoadOptions:
    from .loaders import LoadOptions

    field_map = {}
    for entry in mapping or ():
        field, sep, header = entry.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise typer.BadParameter(f"got {entry!r}, expected FIELD=HEADER", param_hint="--map")
        field_map[field.strip()] = header.strip()
    return LoadOptions(encoding=encoding, dayfirst=dayfirst, field_map=field_map)


@contextmanager
def _report_sink(output: str | None, inputs: list[str]) -> Iterator[IO[str]]:
    """Where a report is written: kept aside until complete, then moved into place at once.

    Nothing reaches stdout or the output file unless the whole report was made, so a failed
    run never leaves half a report behind.
    """
    if output is not None:
        target = os.path.abspath(output)
        for path in inputs:
            if path != "-" and os.path.exists(path) and os.path.abspath(path) == target:
                raise _fail(f"--output {output} is one of the input files; choose another name", EXIT_USAGE)
        folder = os.path.dirname(target)
        try:
            handle = tempfile.NamedTemporaryFile(
                "w",
                encoding="utf-8",
                newline="",
                dir=folder,
                prefix=".cashback-",
                suffix=".tmp",
                delete=False,
            )
        except OSError as error:
            raise _fail(f"--output {output}: cannot write there ({error.strerror})", EXIT_USAGE) from None
        try:
            with handle:
                yield handle
            os.chmod(handle.name, _new_file_mode(target))
            os.replace(handle.name, target)
        except BaseException:
            os.unlink(handle.name)
            raise
        return
    with tempfile.SpooledTemporaryFile(max_size=8 << 20, mode="w+", encoding="utf-8", newline="") as spool:
        yield spool
        spool.seek(0)
        shutil.copyfileobj(spool, sys.stdout)
        sys.stdout.flush()


def _new_file_mode(path: str) -> int:
    """The mode an ordinary new file would get (or the replaced file's), not the temp file's 0600."""
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _warn(message: str) -> None:
    typer.echo(f"warning: {message}", err=True)


def _future_warning(evaluation: Evaluation) -> None:
    count = evaluation.left_out_future
    if count:
        orders = "order" if count == 1 else "orders"
        _warn(f"{count} {orders} dated after {evaluation.as_of.isoformat()} left out of the report")


# --- status --------------------------------------------------------------------------------


@app.command()
def status(
    orders: Annotated[str, typer.Argument(help="Orders file (CSV, JSON or JSON Lines; - for stdin).")],
    disputes: DisputesOpt = None,
    as_of: AsOfOpt = None,
    hold_days: HoldOpt = 15,
    rate: RateOpt = None,
    currency: CurrencyOpt = None,
    rounding: RoundingOpt = Rounding.half_up,
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
) -> None:
    """Pending, confirmed and cancelled cashback of every order, with totals per currency.

    Example: cashback status examples/orders.csv --disputes examples/disputes.csv --as-of 2026-11-24

    Example: cashback status examples/orders.csv -d examples/disputes.csv --summary --format json
    """
    from dataclasses import replace

    from .pipeline import evaluate_files
    from .progress import reading_progress

    options = _load_options(encoding, dayfirst, mapping)
    policy = _policy(hold_days, rate, currency, rounding)
    day = _as_of(as_of)
    inputs = [orders, *(disputes or ())]
    drawn: list = []

    def evaluate(consume=None):
        with reading_progress(orders) as on_read:
            return evaluate_files(
                orders,
                disputes or (),
                replace(options, on_read=on_read),
                day,
                lambda order: policy,
                consume,
                skip_invalid,
                workers=_workers(orders, jobs),
            )

    def draw(results, run) -> None:
        drawn[:] = [_orders_table(results, policy, limit)]

    try:
        if format is Format.table:
            evaluation = evaluate(None if summary else draw)
            _check_problems(evaluation, skip_invalid)
            _print_status_tables(drawn[0] if drawn else None, evaluation, output, inputs)
        elif summary:
            evaluation = evaluate()
            _check_problems(evaluation, skip_invalid)
            with _report_sink(output, inputs) as out:
                _write_summary(out, format, evaluation)
        else:
            with _report_sink(output, inputs) as out:

                def write(results, run) -> None:
                    out.seek(0)
                    out.truncate()
                    _write_report(out, format, results, run, policy)

                evaluation = evaluate(write)
                _check_problems(evaluation, skip_invalid)
    except InputError as error:
        raise _fail(str(error), EXIT_USAGE) from None
    _future_warning(evaluation)


def _workers(orders: str, jobs: int) -> int:
    """Processes for a summary: every core for a big file, one for a small one (forks cost)."""
    if jobs:
        return jobs
    if orders == "-" or not os.path.isfile(orders) or os.path.getsize(orders) < (8 << 20):
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _check_problems(evaluation: Evaluation, skip_invalid: bool) -> None:
    if not skip_invalid:
        _stop_on_problems(evaluation.problems)
    elif evaluation.problems:
        _report_problems(evaluation.problems)
        _warn(f"{len(evaluation.problems)} problem(s) skipped: the report is partial")


def _partial(evaluation: Evaluation) -> dict[str, bool]:
    """Marks a report that skipped invalid rows, so a script cannot take it for the whole."""
    return {"partial": True} if evaluation.problems else {}


def _write_summary(out, format: Format, evaluation: Evaluation) -> None:
    from .render import write_csv_summary, write_json_summary

    if format is Format.json:
        write_json_summary(out, evaluation.as_of, evaluation.totals, _partial(evaluation))
    else:
        write_csv_summary(out, evaluation.totals)


def _write_report(out, format: Format, results, evaluation: Evaluation, policy: Policy) -> None:
    from .render import write_csv_report, write_json_report

    if format is Format.json:
        write_json_report(
            out, evaluation.as_of, results, evaluation.totals, policy.rounding, lambda: _partial(evaluation)
        )
    else:
        write_csv_report(out, results, policy.rounding)


def _orders_table(results, policy: Policy, limit: int):
    from .tables import orders_table

    return orders_table(results, policy.rounding, limit=limit)


def _print_status_tables(drawn, evaluation: Evaluation, output: str | None, inputs: list[str]) -> None:
    """The orders table (unless --summary) and the totals, once the run is known to be good."""
    from .tables import make_console, totals_table

    with _report_sink(output, inputs) as out:
        console = make_console(out if output else None)
        title = f"as of {evaluation.as_of.isoformat()}" + (" (partial)" if evaluation.problems else "")
        if drawn is not None:
            table, left_out = drawn
            table.title = f"Orders {title}"
            console.print(table)
            if left_out:
                console.print(f"… {left_out} more orders not shown (--limit, or --format json/csv for all)")
        totals = totals_table(evaluation.totals)
        totals.title = f"Totals {title}"
        console.print(totals)


# --- dispute -------------------------------------------------------------------------------


@app.command()
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
    as_of: AsOfOpt = None,
    hold_days: HoldOpt = 15,
    rate: RateOpt = None,
    currency: CurrencyOpt = None,
    rounding: RoundingOpt = Rounding.half_up,
    format: Annotated[
        DisputeFormat, typer.Option("--format", "-f", help="table for people, json for scripts.")
    ] = DisputeFormat.table,
    encoding: EncodingOpt = "utf-8",
    dayfirst: DayFirstOpt = None,
    mapping: MapOpt = None,
) -> None:
    """One order's cashback and the steps that led to it; or what a dispute would do (what-if).

    Example: cashback dispute A1004 --orders examples/orders.csv --disputes examples/disputes.csv --as-of 2026-11-24

    Example (what-if, no files): cashback dispute --amount 100 --refund 40 --rate 5
    """
    policy = _policy(hold_days, rate, currency, rounding)
    day = _as_of(as_of)
    if order_id is not None:
        if orders is None:
            raise _fail(
                "ORDER_ID needs --orders FILE (or leave it out and use --amount for a what-if)", EXIT_USAGE
            )
        if amount is not None or refund is not None:
            raise _fail("--amount and --refund are for a what-if without ORDER_ID", EXIT_USAGE)
        options = _load_options(encoding, dayfirst, mapping)
        result, steps = _explained_order(order_id, orders, disputes, options, day, policy)
        _print_dispute(result, steps, None, format, policy, f"Order {order_id}")
    elif amount is not None:
        with_refund, steps, without = _what_if(
            amount, refund or "0", ordered_at, day, policy, currency is not None
        )
        _print_dispute(with_refund, steps, without, format, policy, "What if")
    else:
        raise _fail(
            "give ORDER_ID with --orders FILE, or --amount (and --refund, --rate) for a what-if", EXIT_USAGE
        )


def _explained_order(order_id, orders, disputes, options, day, policy) -> tuple[OrderResult, list[str]]:
    """The order's result and the steps that led to it, or exit 3 when the id is not there."""
    from .explanation import explain
    from .pipeline import evaluate_files

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
        evaluation = evaluate_files(orders, disputes or (), options, day, lambda order: policy, keep, tap=tap)
    except InputError as error:
        raise _fail(str(error), EXIT_USAGE) from None
    _stop_on_problems(evaluation.problems)
    if not found:
        if wanted:
            raise _fail(
                f"order {order_id} is dated after {day.isoformat()}; try a later --as-of", EXIT_NOT_FOUND
            )
        raise _fail(f"order {order_id} not found in {orders}", EXIT_NOT_FOUND)
    result = found[0]
    return result, explain(wanted[0], evaluation.disputes_of(order_id), day, policy, result)


def _what_if(
    amount_text, refund_text, ordered_at, day, policy, currency_given: bool
) -> tuple[OrderResult, list[str], OrderResult]:
    from .explanation import explain
    from .rules import RuleError, evaluate_order

    if policy.rate is None:
        raise _fail("a what-if needs --rate PCT (the store's cashback rate)", EXIT_USAGE)
    amount, written = _option_value(parse_amount, amount_text, "--amount")
    refund, refund_currency = _option_value(parse_amount, refund_text, "--refund")
    if written and currency_given and written != policy.currency:
        raise typer.BadParameter(
            f"expected an amount in {policy.currency}, as --currency says", param_hint="--amount"
        )
    currency = written or policy.currency
    if refund_currency and refund_currency != currency:
        raise typer.BadParameter(
            f"expected a refund in {currency}, the order's currency", param_hint="--refund"
        )
    if amount == 0:
        raise typer.BadParameter("expected an amount greater than 0", param_hint="--amount")
    if refund > amount:
        raise typer.BadParameter(
            f"a refund of {refund} is more than the order amount {amount}", param_hint="--refund"
        )
    order_day = day if ordered_at is None else _option_value(parse_date, ordered_at, "--ordered-at")
    if order_day > day:
        raise typer.BadParameter("expected a date on or before the as-of date", param_hint="--ordered-at")
    order = Order(order_id=None, ordered_at=order_day, amount=amount, currency=currency)  # type: ignore[arg-type]
    claim = Dispute(order_id=None, opened_at=day, resolved_at=day, refund_amount=refund)  # type: ignore[arg-type]
    try:
        with_refund = evaluate_order(order, [claim], day, policy)
        without = evaluate_order(order, [], day, policy)
    except RuleError as error:
        raise _fail(f"{error.field}: expected {error.expected}", EXIT_USAGE) from None
    return with_refund, explain(order, [claim], day, policy, with_refund), without


def _print_dispute(
    result: OrderResult,
    steps: list[str],
    without: OrderResult | None,
    format: DisputeFormat,
    policy: Policy,
    title: str,
) -> None:
    if format is DisputeFormat.json:
        from .money import format_money
        from .render import order_object, write_json_object

        document = order_object(result, policy.rounding)
        document["explanation"] = steps
        if without is not None:
            document["without_dispute"] = format_money(without.cashback, without.currency)
        write_json_object(sys.stdout, document)
        return
    from .tables import dispute_panel, make_console, what_if_table

    console = make_console()
    if without is not None:
        console.print(what_if_table(without, result, policy.rounding))
    console.print(dispute_panel(result, steps, policy.rounding, title))


# --- validate ------------------------------------------------------------------------------


@app.command()
def validate(
    orders: Annotated[str, typer.Argument(help="Orders file (CSV, JSON or JSON Lines; - for stdin).")],
    disputes: DisputesOpt = None,
    rate: RateOpt = None,
    currency: CurrencyOpt = None,
    encoding: EncodingOpt = "utf-8",
    dayfirst: DayFirstOpt = None,
    mapping: MapOpt = None,
) -> None:
    """Check the files and list every problem: file:line, field, value and what was expected.

    Example: cashback validate examples/orders.csv --disputes examples/disputes.csv
    """
    from .pipeline import evaluate_files

    options = _load_options(encoding, dayfirst, mapping)
    policy = _policy(15, rate, currency, Rounding.half_up)
    counted: list[int] = []

    def count(results, run) -> None:
        counted[:] = [sum(1 for _ in results)]

    try:
        evaluation = evaluate_files(orders, disputes or (), options, FAR_FUTURE, lambda order: policy, count)
    except InputError as error:
        raise _fail(str(error), EXIT_USAGE) from None
    if evaluation.problems:
        _report_problems(evaluation.problems, limit=None)
        raise _fail(f"{len(set(evaluation.problems))} problem(s) found", EXIT_DATA)
    typer.echo(f"ok, {counted[0]} orders, {evaluation.dispute_count} disputes")


def main() -> None:
    """Entry point: the app, with a last guard so no user ever sees a traceback."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("cashback: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
    except Exception as error:  # pragma: no cover - the guard of last resort
        sys.stderr.write(f"cashback: internal error ({type(error).__name__}: {error}); please report it\n")
        sys.exit(70)
