"""Order and dispute files to records: CSV (comma, semicolon or tab), JSON and JSON Lines.

Each row becomes a record or Problems; reading never stops at the first bad row and never
writes to its input. Rows stream, so big CSV files are read in constant memory.
"""

from __future__ import annotations

import io
import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import IO

from ..core.problems import Problem
from ..core.records import Dispute, Order, SeenId, Source
from ..i18n import _
from .careful import careful_dispute, careful_order
from .csv_rows import csv_rows
from .errors import InputError
from .fast import fast_dispute, fast_order
from .files import (
    MAX_DOCUMENT,
    MAX_LINE,
    STDIN,
    TooLong,
    bom_encoding,
    display_name,
    encoding_problem,
    holds_json,
    open_binary,
    text_encoding,
)
from .headers import DISPUTE_FIELDS, ORDER_FIELDS, lookup_table
from .identity import names_stdin
from .json_rows import json_rows
from .options import LoadOptions
from .parquet import is_parquet, parquet_rows
from .rows import Row
from .xlsx import is_old_excel, is_workbook_container, old_excel_problem, xlsx_rows

FIELDS = {"orders": ORDER_FIELDS, "disputes": DISPUTE_FIELDS}


def _first_char(text_head: str) -> str:
    stripped = text_head.lstrip("\ufeff \t\r\n")
    return stripped[:1]


def read_rows(path: str, kind: str, options: LoadOptions, embedded: bool = False) -> Iterator[Row | Problem]:
    """Rows of one kind ("orders" or "disputes") from a CSV, JSON or JSON Lines file, or from
    a sheet of an .xlsx workbook.

    `embedded` reads only the "disputes" list that a JSON orders document may carry.
    """
    file = display_name(path)
    encoding = text_encoding(options.encoding)
    binary = open_binary(path)
    try:
        magic = binary.read(8)
        binary.seek(0)
        if is_parquet(binary):
            if not embedded:
                yield from _parquet(file, path, kind, options)
            return
        if is_workbook_container(magic) or is_old_excel(magic):  # by its bytes, before any decoding
            if embedded:
                return
            if is_old_excel(magic):
                yield old_excel_problem(file)
                return
            table = lookup_table(FIELDS[kind], options.field_map)
            yield from xlsx_rows(file, binary, kind, table, options.sheet, options.on_read)
            return
        encoding = bom_encoding(binary) or encoding
        stream = io.TextIOWrapper(binary, encoding=encoding, newline="")
        try:
            head = stream.read(4096)
        except UnicodeError:
            if not embedded:
                yield encoding_problem(file, None, options.encoding)
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
        if first == "<":  # told by content, whatever the file is called
            if not embedded:
                yield _xml_without_profile(file, head)
            return
        try:
            if first in "[{":
                text = _document(head, stream, binary, options.on_read)
                yield from json_rows(file, text, kind, table, embedded, options.records)
            elif not embedded:
                yield from csv_rows(file, rest, kind, table)
        except UnicodeError:
            if not embedded:
                yield encoding_problem(file, None, options.encoding)
        except TooLong as error:
            if not embedded:
                yield error.problem(file)
    except OSError as error:  # a read failing after the open: a broken disk, a special file
        raise InputError(
            _("{file}: cannot be read ({reason})").format(file=file, reason=error.strerror)
        ) from None
    finally:
        binary.close()


def _xml_without_profile(file: str, head: str) -> Problem:
    """An XML document is read through a profile only: name the profiles that read XML, and
    the one whose records begin at this document's root element, if any."""
    import re

    from .profiles import profile_for_xml_root, xml_profiles

    body = re.sub(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", "", head, flags=re.S)
    root = re.search(r"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)", body)
    known = profile_for_xml_root(root.group(2)) if root else None
    if known is not None:
        text = _(
            "orders in CSV or JSON; this is an XML document that looks like {what}: add --profile {name} "
            "(the profiles that read XML: {names})"
        )
        names = ", ".join(xml_profiles())
        return Problem(
            file, None, None, None, text.format(what=known.description, name=known.name, names=names)
        )
    text = _(
        "orders in CSV or JSON; this is an XML document, which is read with --profile: one of the "
        'profiles that read XML ({names}), or a profile file of your own with format = "xml"'
    )
    return Problem(file, None, None, None, text.format(names=", ".join(xml_profiles())))


def _parquet(file: str, path: str, kind: str, options: LoadOptions) -> Iterator[Row | Problem]:
    if path == STDIN or not os.path.isfile(path):  # DuckDB reads it from its end, by its name
        yield Problem(
            file,
            None,
            None,
            None,
            _("a Parquet file as a file of its own, not on standard input or through a pipe"),
        )
        return
    yield from parquet_rows(file, path, kind, lookup_table(FIELDS[kind], options.field_map))


def _chained(head: str, stream: IO[str]) -> Iterator[str]:
    """The text again from its start, in lines: the head we peeked at, then the rest. A line
    is never held past MAX_LINE characters: TooLong names it instead."""
    first_lines = io.StringIO(head + stream.readline(MAX_LINE + 1)).readlines()
    rest = iter(lambda: stream.readline(MAX_LINE + 1), "")
    for number, line in enumerate(itertools.chain(first_lines, rest), 1):
        if len(line) > MAX_LINE and len(line.rstrip("\r\n")) > MAX_LINE:
            raise TooLong(number)
        yield line


def _document(head: str, stream: IO[str], binary: IO[bytes], on_read: Callable[[int], None] | None) -> str:
    """A JSON document (or JSON Lines) whole, as its parser needs it, up to MAX_DOCUMENT."""
    pieces, size = [head], len(head)
    while piece := stream.read(1 << 20):
        size += len(piece)
        if size > MAX_DOCUMENT:
            raise TooLong(None)
        pieces.append(piece)
        if on_read is not None:
            on_read(binary.tell())
    return "".join(pieces)


def _reporting(lines: Iterator[str], binary: IO[bytes], on_read: Callable[[int], None]) -> Iterator[str]:
    """Pass the lines through, telling `on_read` now and then how far into the file we are."""
    for count, line in enumerate(lines):
        if not count & 0x3FFF:
            on_read(binary.tell())
        yield line
    on_read(binary.tell())


def _records_from_rows(rows: Iterable[Row | Problem], file: str, options: LoadOptions, build) -> Iterator:
    """Rows to records; with a shard, only the rows whose order id hashes to it."""
    index, count = options.shard or (0, 1)
    for row in rows:
        if row.__class__ is not Row:
            yield row
        elif count == 1 or hash(row.get("order_id").strip()) % count == index:
            marked = False
            for record in build(row, file, options):
                if not marked and record.__class__ is Problem:
                    marked = True
                    order_id = row.get("order_id").strip()
                    if order_id:  # a bad row still names its order: see SeenId
                        yield SeenId(order_id, Source(file, row.line))
                yield record


def build_order(row: Row, file: str, options: LoadOptions) -> Iterator[Order | Problem]:
    fast = None if options.minor_units else fast_order(row, file)
    if fast is not None and fast.currency is None and (options.written_currency or options.mixed_currencies):
        fast = None  # an unsigned row of a signed file: the careful way gives it the file's currency
    if fast is not None:
        yield fast
    else:
        yield from careful_order(row, file, options)


def build_dispute(row: Row, file: str, options: LoadOptions) -> Iterator[Dispute | Problem]:
    fast = fast_dispute(row, file)
    if fast is not None:
        yield fast
    else:
        yield from careful_dispute(row, file, options)


def read_orders(path: str, options: LoadOptions) -> Iterator[Order | Problem | SeenId]:
    if options.profile is not None:
        return _network_orders(path, options)
    return _records_from_rows(read_rows(path, "orders", options), display_name(path), options, build_order)


def scan_written_currencies(path: str, options: LoadOptions):
    """The currencies written beside the amounts of an orders file with no currency column."""
    from .signs import written_currencies

    if options.profile is not None:
        return None
    return written_currencies(read_rows(path, "orders", replace(options, on_read=None)))


# Fields whose value a later check quotes from the parsed record (a date as ISO, an amount
# as a plain decimal): such a problem is given the cell as the file writes it.
_RESTATED = {"orders": ("amount",), "disputes": ("opened_at", "resolved_at", "refund_amount")}


def as_written(
    problems: list[Problem], orders: str, dispute_files: Iterable[str], options: LoadOptions
) -> list[Problem]:
    """The problems, each quoting its cell as it stands in the file ("01.10.2026", "1 500,00 ₽"),
    not as it was read ("2026-10-01", "1500.00"). Only files with such a problem are read again."""
    wanted: dict[tuple[str, str], set[int]] = {}
    for problem in problems:
        for kind, fields in _RESTATED.items():
            if problem.field in fields and problem.line is not None and problem.value and not _a_sum(problem):
                wanted.setdefault((problem.file, kind), set()).add(problem.line)
    if not wanted:
        return problems
    paths = {display_name(path): path for path in (orders, *dispute_files)}
    cells: dict[tuple[str, int, str], str] = {}
    for (file, kind), lines in wanted.items():
        path = paths.get(file)
        if path is None:
            continue
        embedded = kind == "disputes" and path == orders  # disputes inside a JSON orders document
        for row in read_rows(path, kind, replace(options, on_read=None, shard=None), embedded):
            if row.__class__ is Row and row.line in lines:
                for field in _RESTATED[kind]:
                    cells[(file, row.line, field)] = row.get(field)
    return [
        problem._replace(value=cells[key])
        if (key := (problem.file, problem.line or 0, problem.field or "")) in cells and cells[key].strip()
        else problem
        for problem in problems
    ]


def _a_sum(problem: Problem) -> bool:
    """A problem whose value is worked out from several cells (refunds adding up past the
    amount): it has no one cell to quote."""
    return getattr(problem.expected, "what", None) == "refunds_within_amount"


def order_columns(path: str, options: LoadOptions) -> frozenset[str]:
    """The fields an orders file has columns for: its header's, or every key of a JSON one."""
    found: set[str] = set()
    rows = read_rows(path, "orders", replace(options, on_read=None))
    every = holds_json(path)  # JSON records may each have keys of their own
    for row in rows:
        if row.__class__ is Row:
            found.update(row.layout.columns)
            if not every:
                break
    return frozenset(found)


def _network_orders(path: str, options: LoadOptions) -> Iterator[Order | Problem | SeenId]:
    from .network import read_network

    assert options.profile is not None
    refused = _binary_for_profile(path)
    if refused is not None:
        yield refused
        return
    index, count = options.shard or (0, 1)
    for item in read_network(path, options.profile, options).orders:
        if count == 1 or item.__class__ is Problem or hash(item.order_id) % count == index:
            yield item


def _binary_for_profile(path: str) -> Problem | None:
    """A network's export is read as text: a spreadsheet or a Parquet file given with --profile is
    told so, never that its encoding is wrong."""
    if path != STDIN and not os.path.isfile(path):
        return None  # a missing file, or a pipe whose bytes must not be read twice
    with open_binary(path) as binary:
        magic = binary.read(8)
        parquet = is_parquet(binary)
    if parquet:
        return Problem(
            display_name(path),
            None,
            None,
            None,
            _(
                "a network's export as it is published (CSV, JSON or XML); this is a Parquet file, which "
                "--profile does not read: save it as CSV, or leave out --profile"
            ),
        )
    if not (is_workbook_container(magic) or is_old_excel(magic)):
        return None
    return Problem(
        display_name(path),
        None,
        None,
        None,
        _(
            "a network's export as it is published (CSV, JSON or XML); this is a spreadsheet, which "
            "--profile does not read: save the sheet as CSV, or leave out --profile"
        ),
    )


def read_disputes(path: str, options: LoadOptions, embedded: bool = False) -> Iterator[Dispute | Problem]:
    rows = read_rows(path, "disputes", options, embedded)
    return _records_from_rows(rows, display_name(path), options, build_dispute)


def stream_disputes(
    orders: str,
    dispute_files: Iterable[str],
    options: LoadOptions,
    problems: list[Problem],
    unreadable: dict[str, Source] | None = None,
) -> Iterator[Dispute]:
    """Disputes from the dispute files and from an orders file that is one JSON document.

    Their problems go to `problems`, and the order id of each dispute row that could not be
    read to `unreadable` (with the row's place), so its order is not evaluated without it.
    A stream, so a million disputes need not be held at once.
    """
    if options.profile is not None:  # the network's corrections, as disputes of their orders
        from .network import read_network

        index, count = options.shard or (0, 1)
        if _binary_for_profile(orders) is None:  # a binary file's Problem comes with its orders
            for dispute in read_network(orders, options.profile, options).disputes:
                if count == 1 or hash(dispute.order_id) % count == index:
                    yield dispute
        sources = [(path, False) for path in distinct_disputes(dispute_files, orders)]
    else:
        sources = [(orders, True), *((path, False) for path in distinct_disputes(dispute_files, orders))]
    for path, embedded in sources:
        for item in read_disputes(path, options, embedded):
            if item.__class__ is Problem:
                problems.append(item)
            elif item.__class__ is SeenId:
                if unreadable is not None:
                    unreadable.setdefault(item.order_id, item.source)
            else:
                yield item


def input_read_twice(orders: str, dispute_files: Iterable[str]) -> str | None:
    """Why the inputs cannot be read as given, or None: standard input is read once, so it can
    feed one input only; and an orders file given as disputes too adds nothing unless it is
    JSON, whose disputes (in a "disputes" list or inside their orders) are read with it."""
    dispute_files = list(dispute_files)
    paths = [orders, *dispute_files]
    stdin_uses = paths.count(STDIN)
    if stdin_uses:  # and what `-` reads, named otherwise: /dev/stdin, /dev/fd/0, the file it is
        stdin_uses += sum(1 for path in paths if path != STDIN and names_stdin(path))
    one_json = orders == STDIN and stdin_uses == 2 and dispute_files.count(STDIN) == 1
    if stdin_uses > 1 and not (one_json and holds_json(STDIN)):
        return _(
            "standard input (-) is read once: give it for the orders or for the disputes, not both "
            "(unless it is one JSON document holding both)"
        )
    if orders != STDIN and os.path.isfile(orders):
        for path in dispute_files:
            if path != STDIN and os.path.isfile(path) and os.path.samefile(path, orders):
                if not holds_json(orders):
                    return _(
                        "{file} is given for both the orders and the disputes; only a JSON document "
                        "can hold both"
                    ).format(file=orders)
    return None


def distinct_disputes(paths: Iterable[str], orders: str) -> list[str]:
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
