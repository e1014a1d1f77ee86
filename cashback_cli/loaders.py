"""Order and dispute files to records: CSV (comma, semicolon or tab), JSON and JSON Lines.

Loaders turn each row into a record or into Problems; they never stop at the first bad row
and never write to their input. Rows stream, so big CSV files are read in constant memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO, Any, NamedTuple

from .headers import DISPUTE_FIELDS, ORDER_FIELDS, REQUIRED, SYNONYMS, HeaderTable, lookup_table, normalize
from .i18n import _
from .parsing import (
    FIRST_YEAR,
    LAST_YEAR,
    parse_amount,
    parse_currency,
    parse_date,
    parse_rate,
    parse_text,
    parse_whole_days,
)
from .problems import FieldError, InputError, Problem
from .records import Dispute, Order, SeenId, Source

STDIN = "-"
FIELDS = {"orders": ORDER_FIELDS, "disputes": DISPUTE_FIELDS}


@dataclass(frozen=True)
class LoadOptions:
    encoding: str = "utf-8"
    dayfirst: bool | None = None
    field_map: Mapping[str, str] = field(default_factory=dict)
    shard: tuple[int, int] | None = None  # (index, count): read only this share of the order ids
    on_read: Callable[[int], None] | None = None  # told how many bytes were read, for progress


class Layout:
    """Which column holds which field, worked out once per header and shared by its rows."""

    __slots__ = ("columns", "clean", "clean_width")

    # The columns of a plain machine export: rows of these alone may take the fast path.
    CLEAN = ("order_id", "ordered_at", "amount", "currency", "cashback_rate")

    def __init__(self, columns: Mapping[str, int]) -> None:
        self.columns = dict(columns)
        fields = set(self.columns)
        self.clean = None
        self.clean_width = 0
        if {"order_id", "ordered_at", "amount"} <= fields <= set(self.CLEAN):
            self.clean = tuple(self.columns.get(f, -1) for f in self.CLEAN)
            self.clean_width = max(self.clean) + 1


class Row(NamedTuple):
    """One record's cells as text, with the line it started on."""

    line: int
    cells: Sequence[str]
    layout: Layout

    def get(self, field_name: str) -> str:
        index = self.layout.columns.get(field_name)
        return self.cells[index] if index is not None and index < len(self.cells) else ""


def display_name(path: str) -> str:
    return "<stdin>" if path == STDIN else path


# --- reading bytes and text -------------------------------------------------------------

_stdin_read: list[tuple[object, bytes]] = []


def _stdin_bytes() -> bytes:
    """Standard input, read once per stream: the orders and their disputes may share it."""
    if not _stdin_read or _stdin_read[0][0] is not sys.stdin:
        _stdin_read[:] = [(sys.stdin, sys.stdin.buffer.read())]
    return _stdin_read[0][1]


def _open_binary(path: str) -> IO[bytes]:
    if path == STDIN:
        return io.BytesIO(_stdin_bytes())
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise InputError(_("{file}: no such file").format(file=path)) from None
    except IsADirectoryError:
        raise InputError(_("{file}: is a directory, expected a file").format(file=path)) from None
    except OSError as error:
        raise InputError(
            _("{file}: cannot be read ({reason})").format(file=path, reason=error.strerror)
        ) from None


def _text_encoding(encoding: str) -> str:
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        codec = None
    if codec is None or not getattr(codec, "_is_text_encoding", True):
        raise InputError(
            _("unknown text encoding {encoding} (try utf-8 or cp1251)").format(encoding=repr(encoding))
        )
    return "utf-8-sig" if codec.name == "utf-8" else codec.name


def _bom_encoding(binary: IO[bytes]) -> str | None:
    """A byte-order mark settles the encoding: Excel's "Unicode text" is UTF-16 with one."""
    start = binary.read(3)
    binary.seek(0)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if start == codecs.BOM_UTF8:
        return "utf-8-sig"
    return None


def _encoding_problem(file: str, line: int | None, encoding: str) -> Problem:
    return Problem(
        file,
        line,
        None,
        None,
        _(
            "text in the {encoding} encoding; this file is not. If it was saved by Excel in "
            "Russian or Ukrainian, try --encoding cp1251"
        ).format(encoding=encoding),
    )


# --- format detection ----------------------------------------------------------------------


def _first_char(text_head: str) -> str:
    stripped = text_head.lstrip("\ufeff \t\r\n")
    return stripped[:1]


def read_rows(path: str, kind: str, options: LoadOptions, embedded: bool = False) -> Iterator[Row | Problem]:
    """Rows of one kind ("orders" or "disputes") from a CSV, JSON or JSON Lines file.

    `embedded` reads only the "disputes" list that a JSON orders document may carry.
    """
    file = display_name(path)
    encoding = _text_encoding(options.encoding)
    binary = _open_binary(path)
    try:
        encoding = _bom_encoding(binary) or encoding
        stream = io.TextIOWrapper(binary, encoding=encoding, newline="")
        try:
            head = stream.read(4096)
        except UnicodeError:
            if not embedded:
                yield _encoding_problem(file, None, options.encoding)
            return
        rest = _chained(head, stream)
        if options.on_read is not None:
            rest = _reporting(rest, binary, options.on_read)
        table = lookup_table(FIELDS[kind], options.field_map)
        first = _first_char(head)
        if not first:
            if kind == "orders":  # an empty disputes file just means there are no disputes
                yield Problem(file, None, None, None, _("orders: the file is empty"))
            return
        try:
            if first in "[{":
                yield from _json_rows(file, "".join(rest), kind, table, embedded)
            elif not embedded:
                yield from _csv_rows(file, rest, kind, table)
        except UnicodeError:
            if not embedded:
                yield _encoding_problem(file, None, options.encoding)
    except OSError as error:  # a read failing after the open: a broken disk, a special file
        raise InputError(
            _("{file}: cannot be read ({reason})").format(file=file, reason=error.strerror)
        ) from None
    finally:
        binary.close()


def _chained(head: str, stream: IO[str]) -> Iterator[str]:
    """The text again from its start, in lines: the head we peeked at, then the rest."""
    first_lines = io.StringIO(head + stream.readline()).readlines()
    yield from first_lines
    yield from stream


def _reporting(lines: Iterator[str], binary: IO[bytes], on_read: Callable[[int], None]) -> Iterator[str]:
    """Pass the lines through, telling `on_read` now and then how far into the file we are."""
    for count, line in enumerate(lines):
        if not count & 0x3FFF:
            on_read(binary.tell())
        yield line
    on_read(binary.tell())


def _looks_like_json_lines(head: str) -> bool:
    lines = [line for line in head.lstrip("\ufeff").splitlines() if line.strip()]
    if len(lines) < 2 or not lines[0].lstrip().startswith("{"):
        return False
    try:
        json.loads(lines[0])
    except ValueError:
        return False
    return lines[1].lstrip().startswith("{")


# --- headers -------------------------------------------------------------------------------


def resolve_columns(
    file: str, line: int, headers: Iterable[str], kind: str, table: HeaderTable
) -> tuple[dict[str, int], list[Problem]]:
    """Field -> column index; two columns for one field, or a missing required one, is a Problem."""
    headers = list(headers)
    found: dict[str, int] = {}
    problems = []
    for index, header in enumerate(headers):
        target = table.get(normalize(header))
        if target is None:
            continue
        if target in found:
            problems.append(
                Problem(
                    file,
                    line,
                    target,
                    None,
                    _("one column for {field}, found two: {first} and {second}").format(
                        field=target, first=repr(headers[found[target]]), second=repr(header)
                    ),
                )
            )
            continue
        found[target] = index
    names = ", ".join(repr(h) for h in headers) or _("none")
    for field_name, header in table.mapped.items():
        if field_name not in found:
            problems.append(
                Problem(
                    file,
                    line,
                    field_name,
                    None,
                    _(
                        "a column named {header}, as --map {field}={header} says; columns found: {names}"
                    ).format(header=repr(header), field=field_name, names=names),
                )
            )
    for required in REQUIRED[kind]:
        if required not in found and required not in table.mapped:
            accepted = ", ".join(SYNONYMS.get(required, ()))
            problems.append(
                Problem(
                    file,
                    line,
                    required,
                    None,
                    _(
                        "a column for {field} (also accepted: {accepted}; or use --map "
                        "{field}=HEADER); columns found: {names}"
                    ).format(field=required, accepted=accepted, names=names),
                )
            )
    return found, problems


# --- CSV -----------------------------------------------------------------------------------


def _delimiter(header_line: str) -> str:
    """The most frequent of comma, semicolon and tab outside quotes in the header line."""
    counts = dict.fromkeys(",;\t", 0)
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return max(counts, key=lambda c: (counts[c], c == ","))


def _csv_rows(file: str, lines: Iterator[str], kind: str, table: HeaderTable) -> Iterator[Row | Problem]:
    first_line = next(lines, "")
    # strict: a quote left open is an error at the end, not a field that swallows every row after it
    reader = csv.reader(itertools.chain((first_line,), lines), delimiter=_delimiter(first_line), strict=True)
    start = 1
    try:
        headers = next(reader, None)
        if not headers or not any(h.strip() for h in headers):
            yield Problem(file, 1, None, None, _("a header row naming the {kind} columns").format(kind=kind))
            return
        columns, problems = resolve_columns(file, reader.line_num, headers, kind, table)
        if problems:
            yield from problems
            return
        layout = Layout(columns)
        width = len(headers)
        start = reader.line_num + 1
        for cells in reader:
            if cells and (cells[0].strip() or any(cell.strip() for cell in cells)):  # skip blank lines
                if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                    yield Problem(
                        file,
                        start,
                        None,
                        None,
                        _(
                            "{width} fields, as in the header; this row has {count} (an unquoted separator "
                            "inside a value?)"
                        ).format(width=width, count=len(cells)),
                    )
                else:
                    yield Row(start, cells, layout)
            start = reader.line_num + 1
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            message = _("a closing quote for the value opened on line {line}").format(line=start)
            yield Problem(file, start, None, None, message)
        else:
            yield Problem(file, start, None, None, _("well-formed CSV ({error})").format(error=error))


# --- JSON and JSON Lines -----------------------------------------------------------------


class _Constant(str):
    """NaN and Infinity, kept as text so the field parser can refuse them by name."""


_DECODER = json.JSONDecoder(parse_float=Decimal, parse_int=Decimal, parse_constant=_Constant)
_WHITESPACE = " \t\r\n"


def _json_rows(
    file: str, text: str, kind: str, table: HeaderTable, embedded: bool = False
) -> Iterator[Row | Problem]:
    """Rows of a JSON document or JSON Lines; `embedded`: only the disputes an orders document carries."""
    text = text.lstrip("\ufeff")
    if _looks_like_json_lines(text):
        if embedded:
            yield from _nested_disputes_of_lines(file, text, table)
        else:
            yield from _json_lines_rows(file, text, kind, table)
        return
    try:
        document = _DECODER.decode(text)
    except json.JSONDecodeError as error:
        if not embedded:  # the orders read reports it
            yield Problem(
                file,
                error.lineno,
                None,
                None,
                _("valid JSON ({error}, column {column})").format(error=error.msg, column=error.colno),
            )
        return
    except RecursionError:
        if not embedded:
            yield Problem(file, None, None, None, _("JSON nested at most a few hundred levels deep"))
        return
    if embedded:
        yield from _nested_disputes(file, text, document, table)
    if isinstance(document, dict):
        keys = {normalize(k): k for k in document}
        if not keys.keys() & {"orders", "disputes"}:  # one record alone, or JSON Lines of one line
            if not embedded:
                line = 1 + text[: len(text) - len(text.lstrip())].count("\n")
                yield from _object_row(file, line, document, kind, table)
            return
        if kind not in keys:
            if kind == "orders":
                yield Problem(file, 1, None, None, _json_shape())
            return
        if not isinstance(document[keys[kind]], list):
            yield Problem(file, 1, kind, None, _("a JSON list of {kind}").format(kind=kind))
            return
        array_start = _find_array(text, keys[kind])
    elif isinstance(document, list) and not embedded:
        array_start = text.index("[")
    elif embedded:
        return
    else:
        yield Problem(file, 1, None, None, _json_shape())
        return
    for line, item in _positioned_items(text, array_start):
        yield from _object_row(file, line, item, kind, table)


def _json_shape() -> str:
    return _('a JSON list of orders, or an object with an "orders" list and a "disputes" list')


def _nested_disputes(file: str, text: str, document: Any, table: HeaderTable) -> Iterator[Row | Problem]:
    """Disputes written inside their order ({"order_id": …, "disputes": [{…}]}), each a row."""
    if isinstance(document, dict):
        keys = {normalize(k): k for k in document}
        if not isinstance(document.get(keys.get("orders", "")), list):
            return
        start = _find_array(text, keys["orders"])
    elif isinstance(document, list):
        start = text.index("[")
    else:
        return
    for line, order in _positioned_items(text, start):
        yield from _disputes_in_order(file, line, order, table)


def _nested_disputes_of_lines(file: str, text: str, table: HeaderTable) -> Iterator[Row | Problem]:
    """Disputes inside the orders of a JSON Lines file; a line that is not JSON is the orders' to report."""
    for number, line in enumerate(text.splitlines(), start=1):
        if '"' in line and "isputes" in line:  # cheap test before parsing the line again
            try:
                order = _DECODER.decode(line)
            except (ValueError, RecursionError):
                continue
            yield from _disputes_in_order(file, number, order, table)


def _disputes_in_order(file: str, line: int, order: Any, table: HeaderTable) -> Iterator[Row | Problem]:
    if not isinstance(order, dict):
        return
    keys = {normalize(k): k for k in order}
    nested = order.get(keys.get("disputes", ""))
    order_fields = lookup_table(ORDER_FIELDS)
    order_key = next((k for k in order if order_fields.get(normalize(k)) == "order_id"), None)
    if not isinstance(nested, list) or order_key is None:
        return
    for dispute in nested:
        if isinstance(dispute, dict) and not any(table.get(normalize(k)) == "order_id" for k in dispute):
            dispute = {"order_id": order[order_key], **dispute}
        yield from _object_row(file, line, dispute, "disputes", table)


def _find_array(text: str, key: str) -> int:
    """Offset of the list under `key` in a valid top-level JSON object."""
    index = text.index("{") + 1
    while True:
        index = _skip_ws(text, index)
        name, index = json.decoder.scanstring(text, index + 1)
        index = _skip_ws(text, index) + 1  # the colon
        index = _skip_ws(text, index)
        if name == key:
            return index
        _value, index = _DECODER.raw_decode(text, index)
        index = _skip_ws(text, index) + 1  # the comma


def _positioned_items(text: str, start: int) -> Iterator[tuple[int, Any]]:
    """Items of the valid JSON list at `start`, each with the line it begins on."""
    index, line, counted_to = start + 1, 1 + text.count("\n", 0, start), start
    while True:
        index = _skip_ws(text, index)
        if text[index] == "]":
            return
        line += text.count("\n", counted_to, index)
        counted_to = index
        item, index = _DECODER.raw_decode(text, index)
        yield line, item
        index = _skip_ws(text, index)
        if text[index] == ",":
            index += 1


def _skip_ws(text: str, index: int) -> int:
    while text[index] in _WHITESPACE:
        index += 1
    return index


def _json_lines_rows(file: str, text: str, kind: str, table: HeaderTable) -> Iterator[Row | Problem]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = _DECODER.decode(line)
        except json.JSONDecodeError as error:
            yield Problem(
                file,
                number,
                None,
                None,
                _("one valid JSON object per line ({error})").format(error=error.msg),
            )
            continue
        except RecursionError:
            yield Problem(file, number, None, None, _("JSON nested at most a few hundred levels deep"))
            continue
        yield from _object_row(file, number, item, kind, table)


def _object_row(file: str, line: int, item: Any, kind: str, table: HeaderTable) -> Iterator[Row | Problem]:
    if not isinstance(item, dict):
        yield Problem(
            file, line, None, None, _("a JSON object with the fields of one of the {kind}").format(kind=kind)
        )
        return
    keys = list(item)
    columns, problems = resolve_columns(file, line, keys, kind, table)
    if problems:
        yield from problems
        return
    cells = [""] * len(keys)
    for field_name, index in columns.items():
        value = item[keys[index]]
        try:
            cells[index] = _json_text(value)
        except FieldError as error:
            yield Problem(file, line, field_name, json.dumps(value, default=str)[:80], error.expected)
            return
    yield Row(line, cells, Layout(columns))


def _json_text(value: Any) -> str:
    """A JSON scalar as the text a CSV cell would hold; numbers stay exact."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise FieldError(_("a number or text, not true or false"))
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and -20 <= exponent <= 20 and len(value.as_tuple().digits) <= 40:
            return f"{value:f}"
        return str(value)  # out of any sane range: left in exponent form for the parser to refuse
    if isinstance(value, str):
        return value
    raise FieldError(_("a single value (a number or text), not a list or an object"))


# --- rows to records -----------------------------------------------------------------------


def _records_from_rows(rows: Iterable[Row | Problem], file: str, options: LoadOptions, build) -> Iterator:
    """Rows to records; with a shard, only the rows whose order id hashes to it."""
    index, count = options.shard or (0, 1)
    orders = build is build_order
    for row in rows:
        if row.__class__ is not Row:
            yield row
        elif count == 1 or hash(row.get("order_id").strip()) % count == index:
            marked = not orders
            for record in build(row, file, options):
                if not marked and record.__class__ is Problem:
                    marked = True
                    order_id = row.get("order_id").strip()
                    if order_id:  # a bad row's id is still taken: a later row with it is a duplicate
                        yield SeenId(order_id, Source(file, row.line))
                yield record


class _RowParser:
    """Parses one row's cells field by field, collecting every problem instead of stopping."""

    def __init__(self, row: Row, file: str) -> None:
        self.row, self.file = row, file
        self.problems: list[Problem] = []

    def get(self, field_name: str, parse, required: bool = False):
        text = self.row.get(field_name)
        if not text or not text.strip():
            if required:
                self.problems.append(
                    Problem(self.file, self.row.line, field_name, "", _("a value (required)"))
                )
            return None
        try:
            return parse(text)
        except FieldError as error:
            self.problems.append(Problem(self.file, self.row.line, field_name, text, error.expected))
            return None

    def problem(self, field_name: str, expected: str) -> None:
        self.problems.append(
            Problem(self.file, self.row.line, field_name, self.row.get(field_name), expected)
        )


_PLAIN_AMOUNT = re.compile(r"\d{1,15}(?:\.\d{1,8})?")
_CODE = re.compile(r"[A-Z]{3}")
_memo_rates: dict[str, Decimal] = {}
_memo_days: dict[str, date] = {}
_MEMO_LIMIT = 10_000


def _iso_day(text: str) -> date | None:
    """A plain YYYY-MM-DD date, memoised: a big export repeats a few hundred dates."""
    day = _memo_days.get(text)
    if day is None:
        if len(text) != 10 or text[4] != "-" or text[7] != "-" or len(_memo_days) > _MEMO_LIMIT:
            return None
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            return None
        _memo_days[text] = day
    return day


def _fast_order(row: Row, file: str) -> Order | None:
    """The common case, clean ISO dates and plain decimals, without the general parsers.

    Returns None for anything else, and the careful path then parses the row (or names its
    problems); both give identical records for the rows this one accepts.
    """
    line, cells, layout = row
    clean = layout.clean
    if clean is None or len(cells) < layout.clean_width:
        return None
    i_id, i_day, i_amount, i_currency, i_rate = clean
    order_id, day, amount = cells[i_id].strip(), cells[i_day], cells[i_amount]
    currency = cells[i_currency] if i_currency >= 0 else ""
    rate = cells[i_rate] if i_rate >= 0 else ""
    if not order_id or len(order_id) > 500 or not _PLAIN_AMOUNT.fullmatch(amount):
        return None
    if currency and not _CODE.fullmatch(currency):
        return None
    if rate:
        rate_value = _memo_rates.get(rate)
        if rate_value is None:
            if not _PLAIN_AMOUNT.fullmatch(rate) or Decimal(rate) > 100 or len(_memo_rates) > _MEMO_LIMIT:
                return None
            rate_value = _memo_rates[rate] = Decimal(rate)
    else:
        rate_value = None
    ordered_at = _iso_day(day)
    value = Decimal(amount)
    if ordered_at is None or not value:
        return None
    return Order(
        order_id,
        ordered_at,
        value,
        currency or None,
        rate_value,
        None,
        None,
        None,
        None,
        None,
        Source(file, line),
    )


def _fast_dispute(row: Row, file: str) -> Dispute | None:
    """Disputes' common case: ISO dates and a plain refund; None sends the row the careful way."""
    get = row.get
    order_id, opened, resolved, refund = (
        get("order_id").strip(),
        get("opened_at"),
        get("resolved_at"),
        get("refund_amount"),
    )
    opened_at = _iso_day(opened)
    resolved_at = _iso_day(resolved) if resolved else None
    if not order_id or len(order_id) > 500 or opened_at is None or (resolved and resolved_at is None):
        return None
    if resolved_at is not None and resolved_at < opened_at:
        return None
    if refund and not _PLAIN_AMOUNT.fullmatch(refund):
        return None
    outcome = get("outcome").strip()
    if len(outcome) > 500:
        return None
    return Dispute(
        order_id,
        opened_at,
        resolved_at,
        Decimal(refund) if refund else None,
        sys.intern(outcome) if outcome else None,
        Source(file, row.line),
    )


def build_order(row: Row, file: str, options: LoadOptions) -> Iterator[Order | Problem]:
    fast = _fast_order(row, file)
    if fast is not None:
        yield fast
    else:
        yield from careful_order(row, file, options)


def careful_order(row: Row, file: str, options: LoadOptions) -> Iterator[Order | Problem]:
    """Any row, through the general parsers, naming every problem it has."""
    cells = _RowParser(row, file)
    order_id = cells.get("order_id", parse_text, required=True)
    ordered_at = cells.get("ordered_at", lambda t: parse_date(t, options.dayfirst), required=True)
    amount_and_sign = cells.get("amount", parse_amount, required=True)
    currency = cells.get("currency", parse_currency)
    rate = cells.get("cashback_rate", parse_rate)
    expected = cells.get("expected_cashback", parse_amount)
    cap = cells.get("max_cashback", parse_amount)
    hold_days = cells.get("hold_days", parse_whole_days)
    store = cells.get("store", parse_text)
    title = cells.get("title", parse_text)
    amount = amount_and_sign[0] if amount_and_sign else None
    if amount == 0:
        cells.problem("amount", _("an amount greater than 0"))
    for field_name, parsed in (
        ("amount", amount_and_sign),
        ("expected_cashback", expected),
        ("max_cashback", cap),
    ):
        written = parsed[1] if parsed else None
        if written and currency and written != currency:
            cells.problem(
                field_name, _("money in {currency}, the order's currency").format(currency=currency)
            )
        currency = currency or written
    if cells.problems:
        yield from cells.problems
        return
    yield Order(
        order_id=order_id,
        ordered_at=ordered_at,
        amount=amount,
        currency=currency,
        cashback_rate=rate,
        expected_cashback=expected[0] if expected else None,
        max_cashback=cap[0] if cap else None,
        hold_days=hold_days,
        store=store,
        title=title,
        source=Source(file, row.line),
    )


def build_dispute(row: Row, file: str, options: LoadOptions) -> Iterator[Dispute | Problem]:
    fast = _fast_dispute(row, file)
    if fast is not None:
        yield fast
    else:
        yield from careful_dispute(row, file, options)


def careful_dispute(row: Row, file: str, options: LoadOptions) -> Iterator[Dispute | Problem]:
    """Any dispute row, through the general parsers, naming every problem it has."""
    cells = _RowParser(row, file)
    dates = lambda t: parse_date(t, options.dayfirst)  # noqa: E731
    order_id = cells.get("order_id", parse_text, required=True)
    opened_at = cells.get("opened_at", dates, required=True)
    resolved_at = cells.get("resolved_at", dates)
    refund = cells.get("refund_amount", parse_amount)
    outcome = cells.get("outcome", parse_text)
    if opened_at and resolved_at and resolved_at < opened_at:
        cells.problem(
            "resolved_at",
            _("a date on or after the dispute was opened ({date})").format(date=opened_at.isoformat()),
        )
    if cells.problems:
        yield from cells.problems
        return
    yield Dispute(
        order_id=order_id,
        opened_at=opened_at,
        resolved_at=resolved_at,
        refund_amount=refund[0] if refund else None,
        outcome=outcome,
        source=Source(file, row.line),
        refund_currency=refund[1] if refund else None,
    )


def read_orders(path: str, options: LoadOptions) -> Iterator[Order | Problem]:
    return _records_from_rows(read_rows(path, "orders", options), display_name(path), options, build_order)


def read_disputes(path: str, options: LoadOptions, embedded: bool = False) -> Iterator[Dispute | Problem]:
    rows = read_rows(path, "disputes", options, embedded)
    return _records_from_rows(rows, display_name(path), options, build_dispute)


def stream_disputes(
    orders: str, dispute_files: Iterable[str], options: LoadOptions, problems: list[Problem]
) -> Iterator[Dispute]:
    """Disputes from the dispute files and from an orders file that is one JSON document;
    their problems go to `problems`. A stream, so a million disputes need not be held at once."""
    sources = [(orders, True), *((path, False) for path in _distinct(dispute_files, orders))]
    for path, embedded in sources:
        for item in read_disputes(path, options, embedded):
            if item.__class__ is Problem:
                problems.append(item)
            else:
                yield item


def _distinct(paths: Iterable[str], orders: str) -> list[str]:
    """Each dispute file once, and not the orders file again (its disputes are read with it)."""

    def key(path: str) -> str:
        return path if path == STDIN else os.path.realpath(path)

    seen = {key(orders)}
    kept = []
    for path in paths:
        key_ = key(path)
        if key_ not in seen:
            seen.add(key_)
            kept.append(path)
    return kept
