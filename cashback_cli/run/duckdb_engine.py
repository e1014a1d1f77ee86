"""The DuckDB engine: big plain CSV files, and Parquet files, through the rules' SQL
(run/sql.py), with the Python engine's output to the byte, and the Python engine for anything else.

DuckDB reads every column as text (a Parquet value as DuckDB writes it as text). Each cell
is then checked with the patterns of the Python fast path (inputs/values.py, inputs/fast.py),
never a copy of them, since DuckDB reading
DECIMAL would silently round `100.004`; the checks that span records follow (repeated ids,
disputes of no order or opened before their order, refunds above the amount, figures finer
than the currency's minor unit, a missing rate). The engine runs only when the files pass
every one of them: anything else (a messy value, a profile, JSON, a workbook, standard input,
--map, --skip-invalid...) sends the whole run to the Python engine, which names every problem
as it always has. When it runs, it hands the commands the same results and totals.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import importlib.util
import mmap
import os
import re
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from ..core.money import minor_digits
from ..core.records import ORDER_KEYS, OrderResult, Policy, Status
from ..core.selection import fold
from ..core.totals import CurrencyTotals, Totals
from ..inputs.csv_rows import delimiter
from ..inputs.errors import InputError
from ..inputs.fast import ALIAS_CODES, CURRENCY_CODE
from ..inputs.files import STDIN, text_encoding
from ..inputs.headers import DISPUTE_FIELDS, ORDER_FIELDS, lookup_table, resolve_columns
from ..inputs.options import LoadOptions
from ..inputs.parquet import (
    as_pattern_free,
    is_parquet,
    literal,
    parquet_columns,
    reader,
)
from ..inputs.values import FIRST_YEAR, ISO_DATE, LAST_YEAR, MAX_TEXT, PLAIN_NUMBER
from ..inputs.xlsx import is_old_excel, is_workbook_container
from .parallel import BIG_FILE  # bytes of orders from which `auto` takes DuckDB
from .sql import DIALECTS, INTERNAL, SCALE, SPACES, fold_expression, rules_query

if TYPE_CHECKING:
    from ..inputs.policy_file import PolicyBook
    from .evaluation import Evaluation
    from .parallel import MergedRun

# The columns the engine reads; what a service reports (its status, its cashback) is the
# Python engine's.
ORDER_COLUMNS = tuple(field for field in ORDER_FIELDS if not field.startswith("reported_"))
DISPUTE_COLUMNS = DISPUTE_FIELDS
_MAX_FIELD = 131_072  # Python's csv field size limit: a longer line goes the Python way
_CHUNK = 1 << 22  # bytes read for the header line
_GLANCE = 1 << 16  # bytes looked at for what the file holds (JSON, nothing)
# A quote next to a space or tab: DuckDB trims the spaces around a quoted value, Python's csv
# refuses `"2" ,` and keeps ` "2"` whole. Such a file goes the Python way.
_QUOTE_BY_SPACE = re.compile(rb'[ \t]"|"[ \t]')
_LONE_CR = re.compile(rb"\r(?!\n)(?=.)", re.S)  # a CR with something after it but no LF
# Currency codes the careful path reads as another (RUR is RUB), which the fast path keeps.
_ALIAS_CODES = sorted(ALIAS_CODES) or [""]
_HOLD_DAYS = "[0-9]{1,5}"  # parse_whole_days: digits, at most 5 of them, then at most 3650
_MAX_HOLD = 3650
_ROWS = 10_000
MEASURED = ("outcome",)  # read for its length only: a dispute's outcome is not in the rules
# DuckDB's buffers, at most; past that it works on disk. Measured: 5M orders take 4.1 s with
# 128 MB, 3.5 s with 160 MB (260 MiB in all), 3.3 s with 192 MB (330 MiB); 1M, 0.7 s with any.
MEMORY = "160MB"


class NotPlain(Exception):
    """What sends a run to the Python engine."""


class DuckRun:
    """What the DuckDB engine found; read like an Evaluation by the commands."""

    stopped_early = False

    def __init__(self, as_of: date) -> None:
        self.as_of = as_of
        self.totals = Totals()
        self.problems: list = []
        self.left_out: list = []
        self.left_out_future = 0
        self.assumed_currency = 0
        self.amounts_with_cents = 0  # 0 or 1 here: whether any amount is written with decimals
        self.repeated_ids: set[int] = set()
        self.dispute_count = 0
        # Batches of each order's JSON fields as text (None for null), in the file's order: what
        # a report writes, without making an OrderResult of each (see commands/status.py).
        self.order_rows: Callable[[], Iterator[list[tuple]]] | None = None


# How the last run went, for tests and curious callers: ("duckdb", None) or ("python", why).
last_choice: tuple[str, str | None] = ("python", None)


def installed() -> bool:
    return importlib.util.find_spec("duckdb") is not None


def evaluate_files(
    engine: str,
    orders: str,
    dispute_files: Iterable[str],
    options: LoadOptions,
    as_of: date,
    book: PolicyBook,
    consume: Callable[[Iterator[OrderResult], object], None] | None = None,
    skip_invalid: bool = False,
    workers: int = 1,
    stop_after: int | None = None,
) -> Evaluation | MergedRun | DuckRun:
    """pipeline.evaluate_files through the engine asked for: `python`, `duckdb` (when the files
    are plain, else Python) or `auto` (DuckDB for a big plain file when it is installed)."""
    global last_choice
    dispute_files = tuple(dispute_files)

    def python(reason: str | None) -> Evaluation | MergedRun:
        global last_choice
        from . import pipeline  # here: the DuckDB way needs none of its imports

        last_choice = ("python", reason)
        return pipeline.evaluate_files(
            orders,
            dispute_files,
            options,
            as_of,
            book.policy_for,
            consume,
            skip_invalid,
            workers=workers,
            stop_after=stop_after,
        )

    if engine == "python":
        return python(None)
    if not installed():
        return python("duckdb is not installed")
    if engine == "auto" and not _big(orders):
        return python("a small file")
    with _signals_kept():
        try:
            found = _prepare(orders, dispute_files, options, as_of, book, skip_invalid)
        except NotPlain as reason:
            return python(str(reason))
        last_choice = ("duckdb", None)
        with found:
            return found.run(consume)


@contextlib.contextmanager
def _signals_kept() -> Iterator[None]:
    """A run interrupted inside DuckDB ends as one interrupted in Python: DuckDB turns Ctrl-C
    and `kill` alike into RuntimeError("Query interrupted"), which would read as a bug (exit
    70). The signal is noted on its way to the handler in place, and raised again as itself."""
    caught: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    kept = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}

    def note(signum: int, frame) -> None:
        caught.append(signum)
        handler = kept[signum]
        if callable(handler):
            handler(signum, frame)
        elif handler == signal.SIG_DFL:
            raise KeyboardInterrupt if signum == signal.SIGINT else SystemExit(128 + signum)

    for signum, handler in kept.items():
        if handler != signal.SIG_IGN:  # a job in the background ignores Ctrl-C: so do we
            signal.signal(signum, note)
    try:
        yield
    except Exception:
        if not caught:
            raise
        if caught[-1] == signal.SIGINT:
            raise KeyboardInterrupt from None
        raise SystemExit(128 + caught[-1]) from None
    finally:
        for signum, handler in kept.items():
            if handler != signal.SIG_IGN:
                signal.signal(signum, handler)


def _distinct_files(paths: list[str]) -> bool:
    """Whether each path is there and names a file of its own (a link to another counts as it)."""
    try:
        files = {(found.st_dev, found.st_ino) for found in map(os.stat, paths)}
    except OSError:
        return False
    return len(files) == len(paths)


def _big(orders: str) -> bool:
    """Whether `auto` takes DuckDB: for a big file, and for a Parquet file of any size (Python
    would read it through DuckDB anyway, a record at a time)."""
    if orders == STDIN or not os.path.isfile(orders):  # a FIFO is read once, by the Python engine
        return False
    try:
        if os.path.getsize(orders) >= BIG_FILE:
            return True
        with open(orders, "rb") as binary:
            return is_parquet(binary)
    except OSError:
        return False


# --- the files ------------------------------------------------------------------------------


class _Layout:
    """A file as DuckDB will read it, and which of its columns is which field."""

    def __init__(self, path: str, columns: dict[str, int]) -> None:
        self.path, self.columns = path, columns
        self.readable = path  # the name DuckDB is given: see as_pattern_free
        self.bare = False  # no cell can have a space at an end, a quote or a line break (_scan)

    def source(self, fields: Iterable[str]) -> str:
        """SELECT of the fields as text ('' when absent or empty), in the file's order; of
        those in MEASURED, only the length (no rule reads them, and text is dear to store)."""
        cells = ", ".join(_cell(f, self.text(self.columns[f]) if f in self.columns else None) for f in fields)
        return f"SELECT {cells} FROM {self.reader()}"

    def text(self, column: int) -> str:
        raise NotImplementedError

    def reader(self) -> str:
        raise NotImplementedError


class _CsvLayout(_Layout):
    """A CSV file: its separator and width too. Every column is read as text."""

    def __init__(self, path: str, separator: str, width: int, columns: dict[str, int], bare: bool) -> None:
        super().__init__(path, columns)
        self.separator, self.width, self.bare = separator, width, bare

    def text(self, column: int) -> str:
        return f"c{column}"

    def reader(self) -> str:
        names = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(self.width))
        return (
            f"read_csv({literal(self.readable)}, header = true, auto_detect = false, "
            f"delim = {literal(self.separator)}, quote = '\"', escape = '\"', columns = {{{names}}}, "
            f"max_line_size = {_MAX_FIELD}, hive_partitioning = false)"
        )


class _ParquetLayout(_Layout):
    """A Parquet file: each value as DuckDB writes it as text, which is what the checks read
    and what the Python engine reads too (inputs/parquet.py). Its columns are known once
    DuckDB has looked at the file (`resolve`)."""

    def __init__(self, path: str, kind: str) -> None:
        super().__init__(path, {})
        self.kind, self.texts = kind, []

    def resolve(self, con) -> None:
        found = parquet_columns(con, self.readable)
        self.texts = [text for _stored, text in found]
        self.columns = _columns(self.path, self.kind, [stored for stored, _text in found])

    def text(self, column: int) -> str:
        return self.texts[column]

    def reader(self) -> str:
        return reader(self.readable)


def _cell(field: str, column: str | None) -> str:
    text = "''" if column is None else f"COALESCE({column}, '')"
    return f"length({text}) AS {field}" if field in MEASURED else f"{text} AS {field}"


def _plain_options(options: LoadOptions, skip_invalid: bool) -> None:
    if skip_invalid:
        raise NotPlain("--skip-invalid")
    if options.profile is not None:
        raise NotPlain("a network profile")
    if options.field_map:
        raise NotPlain("--map")
    if options.minor_units:
        raise NotPlain("--minor-units")
    if options.records or options.sheet or options.shard:
        raise NotPlain("JSON records, a sheet or a shard")
    try:
        if text_encoding(options.encoding) != "utf-8-sig":
            raise NotPlain("an encoding other than UTF-8")
    except InputError:
        raise NotPlain("an unknown encoding") from None


def _layout(path: str, kind: str) -> _Layout | None:
    """The file's layout, or None for a disputes file with nothing in it; NotPlain when it is
    anything but a plain UTF-8 CSV whose header names the fields once each."""
    if path == STDIN or not os.path.isfile(path):
        raise NotPlain("standard input, or not a file")
    with open(path, "rb") as binary:
        head = binary.read(_CHUNK)
        if is_parquet(binary):
            return _ParquetLayout(path, kind)
        if is_workbook_container(head) or is_old_excel(head):
            raise NotPlain("a workbook")
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise NotPlain("UTF-16")
        stripped = head[:_GLANCE].decode("utf-8-sig", errors="replace").lstrip("\ufeff \t\r\n")
        if not stripped:
            if kind == "orders" or len(head) > _GLANCE:  # (more than a glance of blanks: Python looks on)
                raise NotPlain("an empty orders file, or one that starts blank")
            return None
        if stripped[0] in "[{":
            raise NotPlain("JSON")
        bare = _scan(binary, kind == "orders")
    end = head.find(b"\n")
    first_line = (head if end < 0 else head[:end]) + b"\n"
    try:
        text = first_line.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotPlain("not UTF-8") from None
    if text.count('"') % 2:
        raise NotPlain("a header spanning lines")
    separator = delimiter(text)
    try:
        headers = next(csv.reader([text.rstrip("\r\n")], delimiter=separator, strict=True), [])
    except csv.Error:
        raise NotPlain("a header that is not plain CSV") from None
    if not any(header.strip() for header in headers):
        raise NotPlain("no header")
    return _CsvLayout(path, separator, len(headers), _columns(path, kind, headers), bare)


def _columns(path: str, kind: str, headers: list[str]) -> dict[str, int]:
    """Which column is which field, when the header names each once and only fields we read."""
    fields = ORDER_FIELDS if kind == "orders" else DISPUTE_FIELDS
    columns, problems = resolve_columns(path, 1, headers, kind, lookup_table(fields))
    if problems:
        raise NotPlain("a header problem")
    if set(columns) - set(ORDER_COLUMNS if kind == "orders" else DISPUTE_COLUMNS):
        raise NotPlain("columns of what a service reports")
    return columns


def _scan(binary, spaces: bool) -> bool:
    """Bytes on which DuckDB's CSV reader and Python's could disagree: a NUL, a quote beside a
    space, a carriage return that does not end a line (DuckDB versions read it differently).
    A file without any of them (the usual machine export) needs no more than a glance: the
    file is mapped, not read, and searched for each byte at memory speed.

    With `spaces`, returns whether the file is bare: no quote, no carriage return, no byte
    that begins a space. No cell of such a file can hold a line break or a quote, or start or
    end with a space, so the cell checks need not look for them (a regex per id, 4 % of a run).
    (A CR is left to the regex rather than to each DuckDB version's reading of line ends; the
    ones we tried all read CR LF as Python does, or refuse a file that mixes it with LF.)"""
    try:
        view = mmap.mmap(binary.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # a file that says it is empty (/proc), or one that cannot be mapped
        raise NotPlain("a file that cannot be mapped") from None
    with view:
        if view.find(b"\x00") >= 0:
            raise NotPlain("a NUL byte")
        quoted = view.find(b'"') >= 0
        if quoted and _QUOTE_BY_SPACE.search(view):
            raise NotPlain("a quote beside a space")
        returns = view.find(b"\r") >= 0
        if returns and _LONE_CR.search(view):
            raise NotPlain("a carriage return inside a line")
        if _longest_line_over(view, _MAX_FIELD):
            raise NotPlain("a line longer than the field limit")  # DuckDB skips it without a word
        return spaces and not quoted and not returns and all(view.find(byte) < 0 for byte in _SPACE_BYTES)


def _longest_line_over(view, limit: int) -> bool:
    """Whether a line of the mapped file is longer than `limit` bytes. From each line start,
    the last line break within `limit` bytes is the next start, so a file of short lines is
    crossed in steps of about `limit` bytes: a few thousand searches for a gigabyte."""
    start, size = 0, len(view)
    while size - start > limit:
        found = view.rfind(b"\n", start, start + limit + 1)
        if found < 0:
            return True
        start = found + 1
    return False


# --- the run ----------------------------------------------------------------------------------


class _Prepared:
    """The files in DuckDB, checked and evaluated, ready to hand over."""

    def __init__(self, con, workdir, as_of: date, book: PolicyBook) -> None:
        self.con, self.workdir, self.as_of, self.book = con, workdir, as_of, book
        self.totals = Totals()
        self.assumed = 0
        self.cents = 0
        self.query = ""
        self.order_count = 0
        self.finest_refund = 0  # the most decimals (not counting trailing zeros) of any refund
        self.currencies: list[str] = []  # the currency codes the orders name

    def __enter__(self) -> _Prepared:
        return self

    def __exit__(self, *exc) -> None:
        self.con.close()
        self.workdir.cleanup()

    def scalar(self, query: str):
        return self.con.execute(query).fetchone()[0]

    def run(self, consume) -> DuckRun:
        found = DuckRun(self.as_of)
        found.dispute_count = self.scalar("SELECT count(*) FROM raw_disputes")
        # the rules' results hold every order dated on or before the as-of date
        found.left_out_future = self.order_count - sum(
            sums.orders for sums in self.totals.by_currency.values()
        )
        found.assumed_currency = self.assumed
        found.amounts_with_cents = self.cents
        found.totals = self.totals  # the rules' query summed them, as Totals.add would
        if consume is not None:
            found.order_rows = self._order_rows
            consume(self._results(), found)
        return found

    def _order_rows(self) -> Iterator[list[tuple]]:
        cursor = self.con.execute(f"SELECT {', '.join(ORDER_KEYS)} FROM ({self.query}) ORDER BY _pos")
        while rows := cursor.fetchmany(_ROWS):
            yield rows

    def _results(self) -> Iterator[OrderResult]:
        cursor = self.con.execute(
            "SELECT order_id, ordered_at, currency, amount, refunded, rate, expected_cashback, cashback, "
            f"cancelled_cashback, status, confirm_on, reason, store, title FROM ({self.query}) ORDER BY _pos"
        )
        day, number, status = _iso_day, Decimal, Status
        while rows := cursor.fetchmany(_ROWS):
            for row in rows:
                yield OrderResult(
                    row[0],
                    day(row[1]),
                    row[2],
                    number(row[3]),
                    number(row[4]),
                    None if row[5] is None else number(row[5]),
                    number(row[6]),
                    number(row[7]),
                    number(row[8]),
                    status(row[9]),
                    None if row[10] is None else day(row[10]),
                    row[11],
                    row[12],
                    row[13],
                )


def _iso_day(text: str, _cache: dict[str, date] = {}) -> date:  # noqa: B006 - a memo on purpose
    day = _cache.get(text)
    if day is None:
        day = _cache[text] = date.fromisoformat(text)
    return day


def _prepare(
    orders: str,
    dispute_files: tuple[str, ...],
    options: LoadOptions,
    as_of: date,
    book: PolicyBook,
    skip_invalid: bool,
) -> _Prepared:
    """Read, check and evaluate the files in DuckDB; NotPlain at the first thing that is not."""
    _plain_options(options, skip_invalid)
    paths = [orders, *dispute_files]
    if STDIN in paths or not _distinct_files(paths):
        raise NotPlain("standard input, a missing file or a file given twice")
    order_layout = _layout(orders, "orders")
    assert order_layout is not None
    dispute_layouts = [layout for path in dispute_files if (layout := _layout(path, "disputes"))]

    import duckdb

    workdir = tempfile.TemporaryDirectory(prefix="cashback-duckdb-")
    # Past MEMORY, DuckDB works on disk: the temporary files go to a folder removed at the end
    con = duckdb.connect(config={"temp_directory": workdir.name, "memory_limit": MEMORY})
    prepared = _Prepared(con, workdir, as_of, book)
    try:
        _attach(con, workdir.name, [order_layout, *dispute_layouts])
        order_fields, dispute_fields = _load(con, order_layout, dispute_layouts)
        _check_cells(prepared, order_fields, dispute_fields, order_layout.bare)
        _check_records(prepared, dispute_fields)
        _check_stores(prepared, book)
        codes = _currencies(prepared, book)
        prepared.query = rules_query(
            book,
            as_of,
            "duckdb",
            carry=("_pos", "store", "title"),
            extra=INTERNAL,
            currencies=codes,
            absent=_absent(order_fields, book),
        )
        _check_and_sum(
            prepared, f"({prepared.query})", prepared.finest_refund > min(map(minor_digits, codes))
        )
    except BaseException as error:
        prepared.__exit__(None, None, None)
        if isinstance(error, duckdb.Error):  # a row DuckDB's reader refuses, and Python's may name
            raise NotPlain(f"DuckDB: {str(error).splitlines()[0]}") from None
        raise
    return prepared


def _attach(con, folder: str, layouts: list[_Layout]) -> None:
    """Each file under a name DuckDB reads as a name (see as_pattern_free); a Parquet file's
    columns, which DuckDB tells."""
    for layout in layouts:
        readable = as_pattern_free(layout.path, folder)
        if readable is None:
            raise NotPlain("a name DuckDB reads as a pattern")
        layout.readable = readable
        if isinstance(layout, _ParquetLayout):
            layout.resolve(con)


_DECIMAL = f"DECIMAL(38, {SCALE})"
_ORDER_TYPES = {
    "order_id": None,
    "ordered_at": "DATE",
    "amount": _DECIMAL,
    "currency": None,
    "cashback_rate": _DECIMAL,
    "expected_cashback": _DECIMAL,
    "max_cashback": _DECIMAL,
    "hold_days": "INTEGER",
    "store": None,
    "title": None,
}
_DISPUTE_TYPES = {
    "order_id": None,
    "opened_at": "DATE",
    "resolved_at": "DATE",
    "refund_amount": _DECIMAL,
    "outcome": None,
}


def _load(con, order_layout: _Layout, dispute_layouts: list[_Layout]) -> tuple[list[str], list[str]]:
    """The files as tables of text, of the columns they have; returns those columns."""
    order_fields = [field for field in ORDER_COLUMNS if field in order_layout.columns]
    dispute_fields = [
        field for field in DISPUTE_COLUMNS if any(field in layout.columns for layout in dispute_layouts)
    ]
    con.execute(f"CREATE TEMP TABLE raw_orders AS {order_layout.source(order_fields)}")
    if dispute_layouts:
        union = " UNION ALL ".join(layout.source(dispute_fields) for layout in dispute_layouts)
    else:
        dispute_fields = ["order_id", "opened_at"]
        union = "SELECT '' AS order_id, '' AS opened_at WHERE false"
    con.execute(f"CREATE TEMP TABLE raw_disputes AS {union}")
    return order_fields, dispute_fields


def _views(con, order_fields: list[str], dispute_fields: list[str], wide: set[str]) -> None:
    """The typed views the rules' SQL reads, NULL throughout for a column a file does not have.
    A checked number is exact as DECIMAL(18, 8) while it has at most 10 digits before the
    point; only a column with a longer one (in `wide`) is read as DECIMAL(38, 8), which
    DuckDB before 1.3 reads from text 150 times slower."""
    for view, table, types, present, first in (
        ("orders", "raw_orders", _ORDER_TYPES, order_fields, "rowid AS _pos, "),
        ("disputes", "raw_disputes", _DISPUTE_TYPES, dispute_fields, ""),
    ):
        columns = ", ".join(
            _typed(field, kind, field in present and field not in MEASURED, field in wide)
            for field, kind in types.items()
        )
        con.execute(f"CREATE TEMP VIEW {view} AS SELECT {first}{columns} FROM {table}")


def _typed(field: str, kind: str | None, present: bool, wide: bool) -> str:
    if not present:
        return f"CAST(NULL AS {kind or 'VARCHAR'}) AS {field}"
    if field in ("order_id", "ordered_at", "opened_at"):  # required: never empty once checked
        return f"CAST({field} AS {kind}) AS {field}" if kind else field
    if kind == _DECIMAL and not wide:
        kind = f"DECIMAL(18, {SCALE})"
    value = f"NULLIF({field}, '')"
    return f"CAST({value} AS {kind}) AS {field}" if kind else f"{value} AS {field}"


def _day(day: date) -> str:
    return f"DATE '{day.isoformat()}'"


_PLAIN, _ISO, _CURRENCY = (
    literal(PLAIN_NUMBER.pattern),
    literal(ISO_DATE.pattern),
    literal(CURRENCY_CODE.pattern),
)


# The first byte of each space's UTF-8 (line ends aside): a file with none of them has no space
_SPACE_BYTES = sorted({space.encode()[:1] for space in SPACES} - {b"\n", b"\r"}, key=lambda b: b != b" ")


def _edge_space() -> str:
    """A cell that str.strip() would change: a space of any kind at either end."""
    spaces = "".join(f"\\x{{{ord(space):x}}}" for space in SPACES)
    return f"^[{spaces}]|[{spaces}]$"


def _not_id(cell: str, bare: bool) -> str:
    """An id the fast path would not read as written: empty, long, spaces around it, or a
    quote or line break (on which CSV readers may differ; none in a bare file)."""
    odd = literal(_edge_space() + '|["\\r\\n]')
    empty_or_long = f"{cell} = '' OR (strlen({cell}) > {MAX_TEXT} AND length({cell}) > {MAX_TEXT})"
    return f"({empty_or_long})" if bare else f"({empty_or_long} OR regexp_matches({cell}, {odd}))"


def _not_text(cell: str, bare: bool) -> str:
    return f"({cell} <> '' AND {_not_id(cell, bare)})"


def _not_day(cell: str) -> str:
    parsed = f"TRY_CAST({cell} AS DATE)"
    return (
        f"(NOT regexp_full_match({cell}, {_ISO}) OR {parsed} IS NULL "
        f"OR year({parsed}) NOT BETWEEN {FIRST_YEAR} AND {LAST_YEAR})"
    )


def _not_number(cell: str) -> str:
    return f"(NOT regexp_full_match({cell}, {_PLAIN}))"


def _optional(cell: str, check: str) -> str:
    return f"({cell} <> '' AND {check})"


def _check_cells(run: _Prepared, order_fields: list[str], dispute_fields: list[str], bare: bool) -> None:
    """Each cell as the fast path reads it (its patterns, its year bounds, its limits); the
    values of a column are checked once each, and an export repeats most of them. (`bare`:
    the orders file has no quote, no carriage return and no space, see _scan.)"""
    aliases = ", ".join(map(literal, _ALIAS_CODES))
    order_checks = {
        "order_id": _not_id("order_id", bare),
        "ordered_at": _not_day("ordered_at"),
        # not a plain number, or one with no digit but zeros (0, 0.00): an amount is above 0
        "amount": f"({_not_number('amount')} OR NOT regexp_matches(amount, '[1-9]'))",
        "currency": _optional(
            "currency", f"(NOT regexp_full_match(currency, {_CURRENCY}) OR currency IN ({aliases}))"
        ),
        "cashback_rate": _optional(
            "cashback_rate",
            f"({_not_number('cashback_rate')} OR TRY_CAST(cashback_rate AS DECIMAL(38, {SCALE})) > 100)",
        ),
        "expected_cashback": _optional("expected_cashback", _not_number("expected_cashback")),
        "max_cashback": _optional("max_cashback", _not_number("max_cashback")),
        "hold_days": _optional(
            "hold_days",
            f"(NOT regexp_full_match(hold_days, '{_HOLD_DAYS}') OR TRY_CAST(hold_days AS INTEGER) > {_MAX_HOLD})",
        ),
        "store": _not_text("store", bare),
        "title": _not_text("title", bare),
    }
    # (a dispute's order id needs no check of its own: it must be one of the orders' ids)
    dispute_checks = {
        "opened_at": _not_day("opened_at"),
        "resolved_at": _optional("resolved_at", _not_day("resolved_at")),
        "refund_amount": _optional("refund_amount", _not_number("refund_amount")),
        "outcome": f"(outcome > {MAX_TEXT})",
    }
    # Beside the count of values that fail, what the later checks need: how many ids there are
    # (fewer than orders: one repeats), the codes named, the most decimals of a refund; and for
    # a column of numbers, the most digits before the point.
    facts = {
        ("orders", "order_id"): "count(*)",
        ("orders", "currency"): "list(currency) FILTER (WHERE currency <> '')",
        ("disputes", "refund_amount"): "max(length(rtrim(split_part(refund_amount, '.', 2), '0')))",
    }
    found, wide = {}, set()
    for kind, table, checks, present, types in (
        ("orders", "raw_orders", order_checks, order_fields, _ORDER_TYPES),
        ("disputes", "raw_disputes", dispute_checks, dispute_fields, _DISPUTE_TYPES),
    ):
        for field in (field for field in present if field in checks):
            whole = f"max(strpos({field} || '.', '.')) - 1" if types[field] == _DECIMAL else "0"
            bad, found[kind, field], digits = run.con.execute(
                f"SELECT count(*) FILTER (WHERE {checks[field]}), {facts.get((kind, field), 'NULL')}, {whole} "
                f"FROM (SELECT DISTINCT {field} FROM {table})"
            ).fetchone()
            if bad:
                raise NotPlain(f"{kind}: {bad} {field} values not plain")
            if (digits or 0) > 10:
                wide.add(field)
    run.order_count = run.scalar("SELECT count(*) FROM raw_orders")
    # whether any amount is written with decimals: the first such row ends the look
    run.cents = run.scalar(
        "SELECT count(*) FROM (SELECT 1 FROM raw_orders WHERE contains(amount, '.') LIMIT 1)"
    )
    if found["orders", "order_id"] != run.order_count:
        raise NotPlain("repeated order ids")
    run.currencies = found.get(("orders", "currency")) or []
    run.finest_refund = found.get(("disputes", "refund_amount")) or 0
    _views(run.con, order_fields, dispute_fields, wide)


def _check_records(run: _Prepared, fields: list[str]) -> None:
    """The checks across records, which the Python engine would name. (Dates are compared as
    their text: plain ISO dates sort as the days do.)"""
    resolved = "NULLIF(d.resolved_at, '')" if "resolved_at" in fields else "NULL"
    orphans, early, backwards = run.con.execute(
        "SELECT count(*) FILTER (WHERE o.order_id IS NULL), count(*) FILTER (WHERE d.opened_at < o.ordered_at), "
        f"count(*) FILTER (WHERE {resolved} < d.opened_at) "
        "FROM raw_disputes d LEFT JOIN raw_orders o ON o.order_id = d.order_id"
    ).fetchone()
    if orphans:
        raise NotPlain("disputes of no order")
    if early:
        raise NotPlain("disputes opened before their order")
    if backwards:
        raise NotPlain("disputes resolved before they were opened")


def _currencies(run: _Prepared, book: PolicyBook) -> set[str]:
    """Every code an order can end up with: its own, or its store's or the default policy's.
    The rules' currency tables need no other; and only when a refund has more decimals than
    one of these must each refund meet its order (a join that costs a tenth of the run)."""
    return {*run.currencies, *(policy.currency for policy in _policies(book))}


def _policies(book: PolicyBook) -> list[Policy]:
    """The default policy and each store's."""
    found = [book.for_store(None), *(book.for_store(key) for key in book.stores)]
    return [policy for policy in found if policy is not None]


def _absent(order_fields: list[str], book: PolicyBook) -> set[str]:
    """What no order of the run can have, whose branches the rules' query can leave out: a
    fixed expected cashback (no such column), a cap (no such column and no policy's)."""
    absent = set()
    if "expected_cashback" not in order_fields:
        absent.add("fixed")
    if "max_cashback" not in order_fields and all(policy.max_cashback is None for policy in _policies(book)):
        absent.add("caps")
    return absent


def _check_stores(run: _Prepared, book: PolicyBook) -> None:
    """For the names in the file, each must find the same store policy in the SQL as in
    Python: they fold alike by construction (sql.fold_expression); this holds it on the data."""
    if not book.stores:
        return
    folded = fold_expression("store", DIALECTS["duckdb"], book.stores)
    for name, sql_key in run.con.execute(
        f"SELECT DISTINCT store, {folded} FROM orders WHERE store IS NOT NULL"
    ).fetchall():
        python_key = fold(name)
        if (python_key if python_key in book.stores else None) != (
            sql_key if sql_key in book.stores else None
        ):
            raise NotPlain("a store name SQL folds otherwise")


def _check_and_sum(run: _Prepared, results: str, refunds: bool) -> None:
    """What the rules refuse (rules 2, 3 and 7) on the orders the report evaluates, and the
    totals per currency, in one pass over the rules' results."""
    unit = (
        f"CASE q.digits WHEN 0 THEN {10**SCALE} WHEN 3 THEN {10 ** (SCALE - 3)} ELSE {10 ** (SCALE - 2)} END"
    )
    # the decimals of each order's refunds that are not zeros, against the order's currency
    decimals = "length(rtrim(split_part(refund_amount, '.', 2), '0'))"
    finer = (
        f"(SELECT order_id, max({decimals}) AS decimals FROM raw_disputes "
        f"WHERE refund_amount <> '' AND opened_at <= '{run.as_of.isoformat()}' GROUP BY order_id)"
        if refunds
        else "(SELECT '' AS order_id, 0 AS decimals WHERE false)"
    )
    rows = run.con.execute(
        "SELECT q.currency, any_value(q.digits), count(*), "
        "sum(CASE WHEN q.status = 'pending' THEN q.c ELSE 0 END), "
        "sum(CASE WHEN q.status = 'confirmed' THEN q.c ELSE 0 END), sum(q.e - q.c), sum(q.no_currency), "
        "count(*) FILTER (WHERE q.e IS NULL), count(*) FILTER (WHERE q.fm > q.am), "
        f"count(*) FILTER (WHERE q.a8 <> q.am * {unit}), count(*) FILTER (WHERE f.decimals > q.digits) "
        f"FROM {results} q LEFT JOIN {finer} f ON f.order_id = q.order_id GROUP BY q.currency"
    ).fetchall()
    if any(row[7] for row in rows):
        raise NotPlain("an order with neither a rate nor a fixed cashback")
    if any(row[8] for row in rows):
        raise NotPlain("refunds above the amount")
    if any(row[9] for row in rows):
        raise NotPlain("an amount finer than the currency's minor unit")
    if any(row[10] for row in rows):
        raise NotPlain("a refund finer than the currency's minor unit")
    for currency, digits, count, pending, confirmed, cancelled, assumed, *_checks in rows:
        sums = run.totals.by_currency[currency] = CurrencyTotals()
        sums.orders = count
        sums.pending, sums.confirmed, sums.cancelled = (
            Decimal(int(value)).scaleb(-digits) for value in (pending, confirmed, cancelled)
        )
        run.assumed += int(assumed)
