"""What every command shares: its options, their conversion, and the edge where problems
become messages and exit codes. Nothing here imports the heavy modules at start-up.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from typing import IO, TYPE_CHECKING, Annotated

import typer

from ..core.money import ROUNDING_MODES
from ..core.problems import Problem
from ..core.records import DisputePolicy
from ..i18n import _, ngettext
from ..inputs.errors import FieldError, InputError
from ..inputs.identity import output_reads_input
from ..inputs.profiles import MONEY as MONEY_FIELDS
from ..inputs.values import parse_currency, parse_date, parse_rate
from ..output import formats
from ..output.messages import problem_message
from .no_space import full_place, is_no_space, no_space_message

if TYPE_CHECKING:
    from ..inputs.options import LoadOptions
    from ..inputs.policy_file import PolicyBook
    from ..run.evaluation import Evaluation

EXIT_DATA, EXIT_USAGE, EXIT_NOT_FOUND = 1, 2, 3
EXIT_CLOSED_PIPE = 128 + 13  # SIGPIPE: the reader went away, as `| head` does
SHOWN_PROBLEMS = 20
STOP_AFTER = 100  # problems after which status and dispute stop reading (validate reads on)
FAR_FUTURE = date(2199, 12, 31)
APP_NAME = "cashback"


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class DisputeFormat(StrEnum):
    table = "table"
    json = "json"


class Engine(StrEnum):
    python = "python"
    duckdb = "duckdb"
    auto = "auto"


# The choices of --rounding are the core's modes (Rounding.half_up is "half-up").
Rounding = StrEnum("Rounding", [(mode.replace("-", "_"), mode) for mode in ROUNDING_MODES], module=__name__)


# --- options, declared once ----------------------------------------------------------------

OrdersArg = Annotated[
    str, typer.Argument(help="Orders file (CSV, JSON, JSON Lines, .xlsx or Parquet; - for stdin).")
]
FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help="table for people, json or csv for scripts (-o NAME.json or NAME.csv says it too).",
        show_default="table",
    ),
]
DisputesOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--disputes",
        "-d",
        metavar="FILE",
        help="Disputes file (CSV, JSON, JSON Lines, .xlsx or Parquet; - for stdin). May be repeated.",
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="Evaluate as of this date.", show_default="today"),
]
HoldOpt = Annotated[
    int | None,
    typer.Option(
        "--hold-days",
        min=0,
        max=3650,
        help="Hold period in days, for orders and stores that set none.",
        show_default="15",
    ),
]
RateOpt = Annotated[
    str | None,
    typer.Option(
        "--rate", metavar="PCT", help="Cashback rate in percent, for orders without one (5, 5%, 4,5)."
    ),
]
CurrencyOpt = Annotated[
    str | None,
    typer.Option("--currency", metavar="CODE", help="Currency of orders that name none.", show_default="USD"),
]
RoundingOpt = Annotated[
    Rounding, typer.Option("--rounding", help="How figures are rounded to the currency's minor unit.")
]
DisputePolicyOpt = Annotated[
    DisputePolicy | None,
    typer.Option(
        "--dispute-policy",
        help="What a dispute does: proportional keeps cashback on what was not refunded; cancel loses it all.",
        show_default="proportional",
    ),
]
ConfigOpt = Annotated[
    str | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="Store policy file (TOML).",
        show_default="$CASHBACK_CONFIG, else config.toml in the user's config folder",
    ),
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
ProfileOpt = Annotated[
    str | None,
    typer.Option(
        "--profile",
        metavar="NAME|FILE.toml",
        help="Read a network's export as it is published (cashback profiles lists them), or use your own profile file.",
    ),
]
RecordsOpt = Annotated[
    str | None,
    typer.Option(
        "--records",
        metavar="PATH",
        help="Where the orders sit in a JSON document, as a dotted path (results).",
    ),
]
MinorUnitsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--minor-units",
        metavar="FIELD",
        help="FIELD is written in minor units (cents: 1113 is 11.13). May be repeated.",
    ),
]
SheetOpt = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        metavar="NAME",
        help="The sheet to read in an .xlsx workbook (needs the xlsx extra: pip install 'cashback-cli\\[xlsx]').",
        show_default="the first sheet",
    ),
]
StoreFilterOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--store", metavar="NAME", help="Only orders of this store (may be repeated); totals follow."
    ),
]
SkipOpt = Annotated[
    bool,
    typer.Option(
        "--skip-invalid",
        help="Report the valid rows and list the skipped ones on stderr, instead of stopping.",
    ),
]
EngineOpt = Annotated[
    Engine,
    typer.Option(
        "--engine",
        help=(
            "python; duckdb for big plain CSV files (needs pip install 'cashback-cli\\[duckdb]'; "
            "anything else is read by python); auto: duckdb for a plain CSV of 8 MB or more when "
            "installed. The output is the same."
        ),
    ),
]
OutputOpt = Annotated[
    str | None,
    typer.Option(
        "--output", "-o", metavar="FILE", help="Write the report to FILE (atomically) instead of stdout."
    ),
]


class Language(StrEnum):
    en = "en"
    ru = "ru"
    uk = "uk"


def _set_language(value: Language | None) -> Language | None:
    from ..i18n import use_language

    use_language(value.value if value else None)
    return value


LangOpt = Annotated[
    Language | None,
    typer.Option(
        "--lang",
        help="Language of tables and messages (JSON and CSV never change).",
        show_default="from LC_ALL, LC_MESSAGES or LANG; else en",
        callback=_set_language,
        is_eager=True,
    ),
]


# --- options to values ---------------------------------------------------------------------


def option_value(parse, text: str, option: str):
    try:
        return parse(text)
    except FieldError as error:
        raise typer.BadParameter(
            _("got {value}, expected {expected}").format(value=repr(text), expected=error.expected),
            param_hint=option,
        ) from None


def workers_for(orders: str, inputs: list[str], jobs: int = 0) -> int:
    """Processes for a big file: `jobs` when given, every core for a big file, one for a small
    one or for standard input."""
    if "-" in inputs:
        return 1  # workers cannot read the parent's standard input
    if jobs:
        return jobs
    from ..run.parallel import BIG_FILE

    if not os.path.isfile(orders) or os.path.getsize(orders) < BIG_FILE:
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def engine_ready(engine: Engine) -> str:
    """The engine's name, once it can run: --engine duckdb without DuckDB is a usage error."""
    if engine is Engine.duckdb:
        from ..inputs.parquet import INSTALL
        from ..run.duckdb_engine import installed

        if not installed():
            raise fail(
                _("--engine duckdb needs DuckDB, which is not installed: {command}").format(command=INSTALL),
                EXIT_USAGE,
            )
    return engine.value


def as_of_date(text: str | None) -> date:
    return date.today() if text is None else option_value(parse_date, text, "--as-of")


def policy_book(
    config: str | None,
    hold_days: int | None,
    rate: str | None,
    currency: str | None,
    rounding: Rounding,
    dispute_policy: DisputePolicy | None,
) -> PolicyBook:
    """The policy of each store: the file, then these options, then the built-in defaults."""
    from ..inputs.policy_file import build_book, find_config

    given = {
        "hold_days": hold_days,
        "rate": None if rate is None else option_value(parse_rate, rate, "--rate"),
        "currency": None if currency is None else option_value(parse_currency, currency, "--currency"),
        "dispute_policy": dispute_policy,
    }
    path = find_config(config, typer.get_app_dir(APP_NAME))
    try:
        book, problems = build_book(path, given, rounding.value)
    except InputError as error:  # a missing or unreadable policy file
        raise fail(str(error), EXIT_USAGE) from None
    if problems:
        report_problems(problems, limit=None)
        raise fail(
            _("problems in the policy file {path}: {count}").format(path=path, count=len(problems)), EXIT_DATA
        )
    return book


def load_options(
    encoding: str,
    dayfirst: bool | None,
    mapping: list[str] | None,
    profile: str | None = None,
    records: str | None = None,
    minor_units: list[str] | None = None,
    currency: str | None = None,
    sheet: str | None = None,
) -> LoadOptions:
    from ..inputs.headers import DISPUTE_FIELDS, ORDER_FIELDS
    from ..inputs.options import LoadOptions

    network = None
    if profile is not None:
        from ..inputs.profiles import FIELDS, load_profile

        try:
            network = load_profile(profile)
        except InputError as error:
            raise typer.BadParameter(str(error), param_hint="--profile") from None
    known = FIELDS if network is not None else (*ORDER_FIELDS, *DISPUTE_FIELDS)
    field_map = {}
    for entry in mapping or ():
        field, sep, header = entry.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise typer.BadParameter(
                _("got {value}, expected FIELD=HEADER").format(value=repr(entry)), param_hint="--map"
            )
        if field.strip() not in known:
            raise typer.BadParameter(
                _("got {value}, expected one of the fields {fields}").format(
                    value=repr(field.strip()), fields=", ".join(dict.fromkeys(known))
                ),
                param_hint="--map",
            )
        field_map[field.strip()] = header.strip()
    if network is not None and field_map:  # --map names the network's key for one of our fields
        network = network.with_fields(field_map)
        field_map = {}
    money = ("amount", "expected_cashback", "max_cashback") if network is None else MONEY_FIELDS
    for field in minor_units or ():
        if field not in money:
            raise typer.BadParameter(
                _("got {value}, expected one of the fields {fields}").format(
                    value=repr(field), fields=", ".join(money)
                ),
                param_hint="--minor-units",
            )
    default_currency = "USD" if currency is None else option_value(parse_currency, currency, "--currency")
    return LoadOptions(
        encoding=encoding,
        dayfirst=dayfirst,
        field_map=field_map,
        records=records,
        minor_units=frozenset(minor_units or ()),
        currency=default_currency,
        currency_given=currency is not None,
        profile=network,
        sheet=sheet,
    )


def written_currency(orders: str, options: LoadOptions, book: PolicyBook) -> tuple[LoadOptions, str | None]:
    """Options for a file whose amounts carry the currency ("1 000,00 ₽", then "890"), with the
    currency they name when they agree. Only when nothing else says it (no --currency, no
    policy currency): a shopper's own signs beat a guessed USD, never a stated currency."""
    if options.profile is not None or book.base["currency"].source != "built-in":
        return options, None
    from ..inputs.readers import scan_written_currencies
    from ..inputs.signs import with_written_currency

    try:
        found = scan_written_currencies(orders, options)
    except InputError:  # a missing or unreadable file: the run itself names it
        return options, None
    return with_written_currency(options, found), found.one if found is not None else None


def order_keys(orders: str, options: LoadOptions) -> tuple[str, ...]:
    """The keys an order object adds for this input, the same in `status`, `dispute`,
    `reconcile`, JSON and CSV: `store` when it has stores, and what the service or network
    reports when it carries a status or a cashback of its own. A plain file adds none, so its
    reports never change."""
    if options.profile is not None:
        store = ("store",) if "store" in options.profile.fields else ()
        return (*store, *options.profile.reported_keys)
    from ..inputs.readers import order_columns

    try:
        columns = order_columns(orders, options)
    except InputError:  # a missing or unreadable file: the run itself names it
        return ()
    keys = ["store"] if "store" in columns else []
    if {"reported_status", "reported_cashback"} & columns:
        keys += ["reported_status", "network_status", "reported_cashback"]
    return tuple(keys)


# --- problems to messages and exit codes ----------------------------------------------------


def quiet_on_closed_pipe(command: Callable[..., None]) -> Callable[..., None]:
    """The command, ending quietly with 141 when its reader goes away (`cashback … | head -1`).

    Unix tools die of SIGPIPE there; we stop the same way, but only after the normal cleanup
    (temporary files, workers), never with exit code 1 (bad data) or a traceback.
    """

    @functools.wraps(command)
    def run(*args, **kwargs) -> None:
        try:
            command(*args, **kwargs)
        except BrokenPipeError:
            # What is still buffered for stdout goes nowhere, so the final flush cannot fail again.
            with contextlib.suppress(OSError, ValueError):  # ValueError: a stdout without a descriptor
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
                os.close(devnull)
            raise typer.Exit(EXIT_CLOSED_PIPE) from None

    return run


def fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"cashback: {message}", err=True)
    return typer.Exit(code)


def warn(message: str) -> None:
    typer.echo(_("warning: {message}").format(message=message), err=True)


def report_problems(problems: list[Problem], limit: int | None = SHOWN_PROBLEMS) -> None:
    problems = list(dict.fromkeys(problems))  # a JSON document read for orders and disputes alike
    problems.sort(key=lambda problem: (problem.file, problem.line or 0))
    shown = problems if limit is None else problems[:limit]
    for problem in shown:
        typer.echo(problem_message(problem), err=True)
    if len(problems) > len(shown):
        typer.echo(
            _("… and {count} more (cashback validate lists them all)").format(
                count=len(problems) - len(shown)
            ),
            err=True,
        )


def stop_on_problems(problems: list[Problem], stopped_early: bool = False) -> None:
    if problems:
        report_problems(problems)
        count = len(set(problems))
        text = (
            _("problems in the input: {count} or more; nothing reported (cashback validate lists them all)")
            if stopped_early
            else _("problems in the input: {count}; nothing reported (--skip-invalid reports the valid rows)")
        )
        raise fail(text.format(count=count), EXIT_DATA)


def check_problems(evaluation: Evaluation, skip_invalid: bool) -> None:
    """Stop on problems, or with --skip-invalid list them and go on with a partial report."""
    if not skip_invalid:
        stop_on_problems(evaluation.problems, getattr(evaluation, "stopped_early", False))
    elif evaluation.problems or evaluation.left_out:
        # Every row left out is named: its own problem, or the order's line saying which dispute.
        named = [*evaluation.problems, *evaluation.left_out]
        report_problems(named, limit=None)
        rows = len({(problem.file, problem.line) for problem in named})
        warn(_("rows left out: {count}; the report is partial").format(count=rows))


def future_warning(evaluation: Evaluation) -> None:
    if evaluation.left_out_future:
        count = evaluation.left_out_future
        text = ngettext(
            "{count} order dated after {date} left out of the report",
            "{count} orders dated after {date} left out of the report",
            count,
        )
        warn(text.format(count=count, date=formats.day(evaluation.as_of)))


def whole_amounts_warning(evaluation: Evaluation, options: LoadOptions, file: str) -> None:
    """Every amount written whole in a currency that has cents may be cents read as units (an
    API response read without its profile): say so, never guess (a shop may sell whole units)."""
    if options.profile is not None or "amount" in options.minor_units or evaluation.amounts_with_cents:
        return
    from ..core.money import minor_digits

    codes = sorted(
        code for code, sums in evaluation.totals.by_currency.items() if sums.orders and minor_digits(code)
    )
    if codes:
        warn(
            _(
                "every amount in {file} is a whole number, in {currencies}, which has cents: if the "
                "amounts are in cents, add --minor-units amount"
            ).format(file=file, currencies=", ".join(codes))
        )


# --- where reports go ------------------------------------------------------------------------


@contextmanager
def report_sink(output: str | None, inputs: list[str]) -> Iterator[IO[str]]:
    """Where a report is written: kept aside until complete, then moved into place at once.

    Nothing reaches stdout or the output file unless the whole report was made, so a failed
    run never leaves half a report behind. A symlink keeps pointing at the report; a target
    that is not a regular file (a pipe, a device) is written to in place, at the end.
    """
    if output is None or output == "-":
        with _spool() as spool:
            yield spool
            _copy_out(spool, None)
        return
    target = os.path.realpath(output)
    if not output.strip() or os.path.isdir(target):
        raise _cannot_write(output, _("a directory, not a file"))
    if output_reads_input(output, inputs):
        raise fail(
            _("--output {path} is one of the input files; choose another name").format(path=output),
            EXIT_USAGE,
        )
    if os.path.exists(target) and not os.path.isfile(target):
        with _spool() as spool:
            yield spool
            _copy_out(spool, target)
        return
    try:
        handle = tempfile.NamedTemporaryFile(
            "w+",
            encoding="utf-8",
            newline="",
            dir=os.path.dirname(target),
            prefix=".cashback-",
            suffix=".tmp",
            delete=False,
        )
    except OSError as error:
        raise _cannot_write(output, error.strerror) from None
    try:
        with handle:
            yield handle
        os.chmod(handle.name, _new_file_mode(target))
        os.replace(handle.name, target)
    except OSError as error:
        os.unlink(handle.name)
        if is_no_space(error):  # the output's folder, or the temporary one the run wrote to
            raise fail(no_space_message(full_place((os.path.dirname(target),))), EXIT_USAGE) from None
        raise _cannot_write(output, error.strerror) from None
    except BaseException:
        os.unlink(handle.name)
        raise


def _spool():
    return tempfile.SpooledTemporaryFile(max_size=8 << 20, mode="w+", encoding="utf-8", newline="")


def _copy_out(spool: IO[str], target: str | None) -> None:
    """The finished report, as UTF-8 bytes whatever the terminal's encoding, to stdout or `target`."""
    spool.seek(0)
    try:
        if target is None:
            destination = getattr(sys.stdout, "buffer", None)
            if destination is None:  # a text-only stdout (tests): hand it the text
                shutil.copyfileobj(spool, sys.stdout)
                sys.stdout.flush()
                return
            sys.stdout.flush()
            for chunk in iter(lambda: spool.read(1 << 16), ""):
                destination.write(chunk.encode("utf-8"))
            destination.flush()
        else:
            with open(target, "w", encoding="utf-8", newline="") as out:
                shutil.copyfileobj(spool, out)
    except OSError as error:
        if isinstance(error, BrokenPipeError):
            raise
        if is_no_space(error):
            raise fail(no_space_message(target or full_place()), EXIT_USAGE) from None
        raise _cannot_write(target or "-", error.strerror) from None


def _cannot_write(output: str, reason: str | None) -> typer.Exit:
    return fail(
        _("--output {path}: cannot write there ({reason})").format(path=output, reason=reason), EXIT_USAGE
    )


def _new_file_mode(path: str) -> int:
    """The mode an ordinary new file would get (or the replaced file's), not the temp file's 0600."""
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
