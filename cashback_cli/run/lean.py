"""The lean engine: a big plain export's totals, report, check or timeline, in integer minor
units, on every core.

A machine export (order_id, ordered_at, amount, currency, cashback_rate; disputes with ISO
dates and plain refunds) needs none of the careful path's work, and neither does a shop's or a
cabinet's once its header is resolved the careful reader's way: other columns (a title) are
ignored, a store's terms come from its policy, a quoted line goes through the csv module, and a
regional number, date or rate through the careful parser itself. Disputes are folded once, on
every core, into flat arrays (folded_disputes.py); each worker reads only its own byte range
of the orders file and keeps no record or result per order: sums, and for a report its lines,
written as they are made (lean_rows.py). The arithmetic is the rules' own, on exact integers:
E = amount × rate / 100 rounded by the policy's mode, and so on.

It is optimistic: at the first thing that is not plain (a value over two lines, a value the
careful parser refuses or finds a currency sign in, an amount finer than the currency's unit,
a refund above the amount, a repeated id, a dispute of no order, a dispute before its
order...) it gives up, and the Python engine runs the file the
careful way and names every problem. So its totals are the Python engine's, or nothing.
"""

from __future__ import annotations

import csv
import gc
import multiprocessing
import os
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from ..core.money import ROUNDING_MODES, format_percent, minor_digits
from ..core.records import DisputePolicy, Order, Policy
from ..core.rules import DISPUTE_OPENED, REFUNDED_IN_FULL
from ..core.totals import CurrencyTotals, Totals
from ..inputs.csv_rows import delimiter
from ..inputs.errors import FieldError
from ..inputs.fast import ALIAS_CODES, CURRENCY_CODE
from ..inputs.files import MAX_LINE
from ..inputs.headers import DISPUTE_FIELDS, ORDER_FIELDS, lookup_table, resolve_columns
from ..inputs.options import LoadOptions
from ..inputs.readers import distinct_disputes, input_read_twice
from ..inputs.values import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_TEXT,
    PLAIN_NUMBER,
    parse_amount,
    parse_date,
    parse_rate,
)
from .folded_disputes import FoldedDisputes, pack, unpack
from .lean_rows import Rows, report_body, table_result
from .parallel import MergedRun
from .repeated_ids import SPILL_AT, any_repeated, spill

_ORDER_COLUMNS = ("order_id", "ordered_at", "amount", "currency", "cashback_rate", "store")
_TEXT_COLUMNS = ("order_id", "store", "title")  # read as text of at most MAX_TEXT characters
_DISPUTE_COLUMNS = DISPUTE_FIELDS
_FRACTION = 8  # refunds are summed in units of 10**-8, the finest a plain number may be
_MODES = ROUNDING_MODES.keys()


class _Share(NamedTuple):
    """What one worker found in its byte range."""

    sums: dict[str, list[int]]  # currency -> [orders, pending, confirmed, cancelled] in minor units
    future: int  # orders after the as-of date
    assumed: int  # orders in the policy's currency, having none
    cents: int  # orders whose amount is written with decimals
    matched: int  # orders found among the disputed ones
    hashes: array  # order ids' hashes not spilled yet
    due: dict | None  # (currency, day ordinal; 0 waiting) -> [orders, cashback units], when asked
    results: list | None  # the first orders' results, for a table
    waiting: list | None  # (currency, order id, cashback units) of orders waiting on a dispute


class GiveUp(Exception):
    """Something is not plain: the careful engine must run the file."""


class _Job(NamedTuple):
    path: str
    columns: tuple[int, ...]  # order_id, ordered_at, amount, currency, cashback_rate, store (-1: none)
    width: int
    cut: str  # the cells' separator: comma, semicolon or tab, as the careful reader finds it
    texts: tuple[int, ...]  # the columns read as text (id, store, title): none may be too long
    as_of: int  # ordinals
    hold_days: int
    rate: tuple[int, int] | None  # the policy's rate as (numerator, power of ten)
    currency: str
    cap: Decimal | None
    rounding: str
    cancel: bool
    folder: str = ""  # where the workers spill their order ids' hashes (and write their rows)
    rate_label: str = ""  # the policy's rate as the reports print it
    line: Callable[[tuple], str] | None = None  # makes a report's line of an order's values
    separator: str = ""  # between two lines of the report
    by_day: bool = False  # count pending cashback per currency and confirmation day (upcoming)
    table: int = -1  # for a table: results of its first orders kept, and the orders waiting on a dispute


_tables: tuple[FoldedDisputes, ...] = ()  # set before the fork: workers inherit them
_policy_for: Callable[[Order], Policy] | None = None  # the stores' policies, inherited likewise
_progress = None  # bytes each worker has read, shared, when a progress bar is drawn
_tell: Callable[[], None] | None = None  # draws it, when the parent reads the file itself
_PART_SHIFT = 48  # an order's part of the disputes: (hash >> 48) % parts, bits no slot index uses
_PARALLEL_FOLD = 1 << 20  # bytes of disputes worth folding on every core: enough to pay for the fork


def lean_summary(
    orders: str,
    dispute_files: Iterable[str],
    options: LoadOptions,
    as_of: date,
    policy_for: Callable[[Order], Policy],
    workers: int,
) -> MergedRun | None:
    """The totals of a plain export, or None when the careful engine must run it."""
    return _lean(orders, list(dispute_files), options, as_of, policy_for, workers)


def lean_upcoming(
    orders: str,
    dispute_files: Iterable[str],
    options: LoadOptions,
    as_of: date,
    policy_for: Callable[[Order], Policy],
    workers: int,
) -> MergedRun | None:
    """The totals of a plain export and its pending cashback per currency and confirmation day
    (`pending_days`), or None when the careful engine must run it."""
    return _lean(orders, list(dispute_files), options, as_of, policy_for, workers, by_day=True)


def lean_table(
    orders: str,
    dispute_files: Iterable[str],
    options: LoadOptions,
    as_of: date,
    policy_for: Callable[[Order], Policy],
    workers: int,
    rows: int,
) -> MergedRun | None:
    """What a table of a plain export shows: the totals, the results of its first `rows` orders
    (`first_results`), pending cashback per currency and day (`pending_days`) and the orders
    waiting on a dispute (`waiting`); None when the careful engine must run it."""
    return _lean(orders, list(dispute_files), options, as_of, policy_for, workers, by_day=True, table=rows)


Report = Callable[[MergedRun, Iterator[str]], None]


def lean_report(
    orders: str,
    dispute_files: Iterable[str],
    options: LoadOptions,
    as_of: date,
    policy_for: Callable[[Order], Policy],
    workers: int,
    line: Callable[[tuple], str],
    separator: str,
    write: Report,
    folder: str | None = None,
) -> MergedRun | None:
    """Every order of a plain export as a report line, `line` making it of the JSON order
    object's values as text; `write` gets the run and the lines (joined by `separator`, in
    pieces, in the file's order) once all are made. None, and no call, when the careful engine
    must run it. The lines wait in `folder` (the report's own, so the temporary folder need
    not hold a copy of it), else in the temporary folder."""
    report = (line, separator, write)
    return _lean(orders, list(dispute_files), options, as_of, policy_for, workers, report, workdir=folder)


def _lean(
    orders,
    dispute_files,
    options,
    as_of,
    policy_for,
    workers,
    report=None,
    by_day=False,
    table=-1,
    workdir=None,
) -> MergedRun | None:
    global _tables, _policy_for
    try:
        job = _job(orders, options, as_of, policy_for)
        if job is None:
            return None
        if input_read_twice(orders, dispute_files) is not None:
            return None  # a usage error, which the careful way says
        dispute_files = distinct_disputes(dispute_files, orders)  # each once, as the careful way reads them
        with tempfile.TemporaryDirectory(prefix=".cashback-", dir=workdir) as folder:
            _tables, dispute_count = _fold_all(dispute_files, as_of, workers, folder)
            disputed = sum(map(len, _tables))
            if disputed > MAX_DISPUTED:
                return None  # the disk-backed index keeps memory flat past this
            ranges = _byte_ranges(orders, workers)
            _policy_for = policy_for
            job = job._replace(folder=folder, by_day=by_day, table=table)
            if report is not None:
                job = job._replace(line=report[0], separator=report[1])
            shares = _read_orders(job, ranges, options.on_read)
            if any(share is None for share in shares):
                return None
            if any_repeated(folder, len(ranges), (share.hashes for share in shares)):
                return None  # a repeated order id (or two ids of one hash): the careful way names it
            merged = _merge(shares, as_of, dispute_count, disputed)
            if merged is not None and table >= 0:
                del merged.first_results[table:]  # each worker kept its first ones: the file's first
            if merged is not None and report is not None:
                report[2](merged, report_body(folder, len(ranges), report[1]))
            return merged
    except GiveUp:
        return None
    finally:
        _tables, _policy_for = (), None


def _read_orders(job: _Job, ranges: list[tuple[int, int]], on_read: Callable[[int], None] | None) -> list:
    """Each byte range's share, from a worker apiece (or from this process for a single one),
    telling `on_read` how far they have read."""
    global _progress, _tell
    context = multiprocessing.get_context("fork")
    _progress = None if on_read is None else context.Array("q", len(ranges), lock=False)
    try:
        if len(ranges) == 1:
            if _progress is not None:
                _tell = lambda: on_read(_progress[0])  # noqa: E731
            return [_work(job, 0, *ranges[0])]
        tell = None if _progress is None else (lambda: on_read(sum(_progress)))
        return _in_workers(_work, [(job, worker, *where) for worker, where in enumerate(ranges)], tell)
    finally:
        _progress = _tell = None


def _in_workers(function: Callable, calls: list[tuple], tell: Callable[[], None] | None = None) -> list:
    """function(*call) for each call, each in a forked worker, in order; `tell` now and then.
    A worker that dies (killed, out of memory) gives the run to the careful engine, never a hang."""
    gc.freeze()  # the workers' collector then leaves the parent's objects (and pages) alone
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(len(calls), mp_context=context) as pool:
            pending = [pool.submit(function, *call) for call in calls]
            while wait(pending, timeout=0.2).not_done:
                if tell is not None:
                    tell()
            return [future.result() for future in pending]
    except BrokenProcessPool:
        raise GiveUp from None
    finally:
        gc.unfreeze()


def _job(orders: str, options: LoadOptions, as_of: date, policy_for) -> _Job | None:
    """What the workers need, when the run is one the lean engine can do; else None."""
    if options.profile or options.records or options.minor_units or options.field_map or options.sheet:
        return None
    if orders == "-" or not os.path.isfile(orders) or options.encoding.lower() not in ("utf-8", "utf8"):
        return None
    header, cut = _header(orders)
    found = _columns(header, "orders", _ORDER_COLUMNS + _TEXT_COLUMNS)
    if found is None:
        return None
    policy = policy_for(Order("", date.min, None))
    if policy.rounding not in _MODES:
        return None
    return _Job(
        orders,
        tuple(found.get(field, -1) for field in _ORDER_COLUMNS),
        len(header),
        cut,
        tuple(sorted({found[field] for field in _TEXT_COLUMNS if field in found})),
        as_of.toordinal(),
        policy.hold_days,
        None if policy.rate is None else _fraction(f"{policy.rate:f}"),
        policy.currency,
        policy.max_cashback,
        policy.rounding,
        policy.dispute_policy is DisputePolicy.CANCEL,
        rate_label="" if policy.rate is None else format_percent(policy.rate),
    )


_HEADER_BYTES = 1 << 16


def _header(path: str) -> tuple[list[str], str]:
    """The header's cells and the file's separator, found as the careful reader finds it."""
    with open(path, "rb") as handle:
        line = handle.readline(_HEADER_BYTES)
    if len(line) == _HEADER_BYTES and not line.endswith(b"\n"):
        raise GiveUp  # a header this long is not a machine export's
    try:
        text = line.decode("utf-8", errors="strict").removeprefix("\ufeff").rstrip("\r\n")
    except UnicodeDecodeError:  # a workbook, UTF-16, cp1251: the careful engine reads those
        raise GiveUp from None
    if not text or "\r" in text:
        raise GiveUp  # (a lone CR is a line break to the csv module)
    cut = delimiter(text)
    return _cells(text, cut), cut


def _cells(line: str, cut: str) -> list[str]:
    """A line with a quote, as the csv module reads it (the careful reader's dialect); a quote
    left open (a value going on to the next line) or stray is not plain."""
    try:
        return next(csv.reader((line,), delimiter=cut, strict=True))
    except (csv.Error, StopIteration):
        raise GiveUp from None


def _columns(header: list[str], kind: str, wanted) -> dict[str, int] | None:
    """Each field's column as the careful reader resolves the header (other columns are
    ignored, as it ignores them); None when it finds a field the lean engine does not read, or
    a problem with the header."""
    table = lookup_table(DISPUTE_FIELDS if kind == "disputes" else ORDER_FIELDS)
    found, problems = resolve_columns("", 1, header, kind, table)
    if problems or not set(found) <= set(wanted):
        return None
    return found


def _fraction(text: str) -> tuple[int, int]:
    """A plain decimal as (integer, digits after the point): "2.5" is (25, 1)."""
    whole, _point, fraction = text.partition(".")
    return int(whole + fraction), len(fraction)


def _day(text: str, days: dict[str, int]) -> int:
    """A plain ISO date's ordinal, within the accepted years, memoised; or a dotted one
    (24.11.2026, always day first), as the careful parser reads it."""
    ordinal = days.get(text)
    if ordinal is None and len(text) == 10 and text[2] == "." and text[5] == ".":
        try:
            ordinal = days[text] = parse_date(text).toordinal()
        except FieldError:
            raise GiveUp from None
    if ordinal is None:
        if len(text) != 10 or text[4] != "-" or text[7] != "-":
            raise GiveUp
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise GiveUp from None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise GiveUp
        ordinal = days[text] = day.toordinal()
    return ordinal


def _fold_all(
    paths: list[str], as_of: date, workers: int, folder: str
) -> tuple[tuple[FoldedDisputes, ...], int]:
    """The disputes folded into one table per part of the orders' hashes, a part per worker
    when the files are big enough to be worth it; and how many disputes there are."""
    for path in paths:
        if path == "-" or not os.path.isfile(path):
            raise GiveUp
    parts = workers if workers > 1 and sum(map(os.path.getsize, paths)) >= _PARALLEL_FOLD else 1
    if parts == 1:
        folded, count = _fold_disputes(paths, as_of, 0, 1)
        return (folded,), count
    counts = _in_workers(_fold_part, [(paths, as_of, part, parts, folder) for part in range(parts)])
    if any(count is None for count in counts):
        raise GiveUp
    tables = tuple(FoldedDisputes.load(os.path.join(folder, f"disputes-{part}")) for part in range(parts))
    return tables, sum(counts)


def _fold_part(paths: list[str], as_of: date, part: int, parts: int, folder: str) -> int | None:
    """One part folded in a worker, its table left in the folder for the parent; its count."""
    try:
        folded, count = _fold_disputes(paths, as_of, part, parts)
    except GiveUp:
        return None
    folded.dump(os.path.join(folder, f"disputes-{part}"))
    return count


def _fold_disputes(paths: list[str], as_of: date, part: int, parts: int) -> tuple[FoldedDisputes, int]:
    """The disputes of one part of the orders, folded as of the date: counted refunds in
    10**-8 units, and (finest refund digits, any open, any opened, last resolution, first
    opening) — all the rules and the checks need. Every part reads every line; each checks
    and folds only its own."""
    today = as_of.toordinal()
    folded = FoldedDisputes()
    refunds, words = folded.refunds, folded.words
    days: dict[str, int] = {}
    count = 0
    for path in paths:
        header, cut = _header(path)
        found = _columns(header, "disputes", _DISPUTE_COLUMNS)
        if found is None:
            raise GiveUp
        i_id, i_opened, i_resolved, i_refund, i_outcome = (found.get(field, -1) for field in _DISPUTE_COLUMNS)
        width, blank = len(header), cut + " \t"
        for lines in _chunks(path, *_byte_ranges(path, 1)[0]):
            for line in lines:
                cells = line.split(cut) if '"' not in line else _cells(line, cut)
                if len(cells) != width or not (order_id := cells[i_id].strip()):
                    if not line.strip(blank):
                        continue  # a blank line
                    raise GiveUp
                digest = hash(order_id)
                if (digest >> _PART_SHIFT) % parts != part:
                    continue
                if len(order_id) > MAX_TEXT or (i_outcome >= 0 and len(cells[i_outcome].strip()) > MAX_TEXT):
                    raise GiveUp
                opened_text = cells[i_opened]
                opened = days.get(opened_text) or _day(opened_text, days)
                resolved_text = cells[i_resolved] if i_resolved >= 0 else ""
                resolved = (days.get(resolved_text) or _day(resolved_text, days)) if resolved_text else 0
                if resolved and resolved < opened:
                    raise GiveUp
                refund_text = cells[i_refund] if i_refund >= 0 else ""
                refund, digits = 0, 0
                if refund_text:
                    if not PLAIN_NUMBER.fullmatch(refund_text):
                        refund_text = _regional_amount(refund_text)
                    number, digits = _fraction(refund_text)
                    refund = number * 10 ** (_FRACTION - digits)
                count += 1
                entry = folded.find(order_id, digest) if folded.slots[digest & folded.mask] else -1
                if entry < 0:
                    refunded, finest, is_open, exists, last, first = 0, 0, 0, 0, 0, opened
                else:
                    refunded, (finest, is_open, exists, last, first) = refunds[entry], unpack(words[entry])
                    first = min(first, opened)
                if opened <= today:
                    exists = 1
                    finest = max(finest, digits)
                    if not resolved or resolved > today:
                        is_open = 1
                    else:
                        refunded += refund
                        last = max(last, resolved)
                word = pack(finest, is_open, exists, last, first)
                try:
                    if entry < 0:
                        if folded.add(order_id, digest, refunded, word) >= MAX_DISPUTED:
                            raise GiveUp  # see lean_summary
                    else:
                        refunds[entry], words[entry] = refunded, word
                except OverflowError:  # refunds past 92 billion on one order: not plain
                    raise GiveUp from None
    folded.settle()
    return folded, count


MAX_DISPUTED = 1_500_000  # disputed orders held by the lean engine (about 90 MiB)


def _byte_ranges(path: str, workers: int) -> list[tuple[int, int]]:
    """The file after its header, cut at line starts into about equal parts."""
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        _line_start(handle)
        start = handle.tell()
        cuts = [start]
        for part in range(1, max(1, workers)):
            handle.seek(start + (size - start) * part // workers)
            _line_start(handle)
            cuts.append(max(handle.tell(), cuts[-1]))
    cuts.append(size)
    return [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a] or [(start, start)]


def _line_start(handle) -> None:
    """On to the next line's start; a line past MAX_LINE is the careful engine's to name."""
    if len(handle.readline(MAX_LINE + 2)) > MAX_LINE + 1:
        raise GiveUp


def _round(numerator: int, denominator: int, mode: str) -> int:
    """numerator / denominator (both ≥ 0) to a whole number by the named mode."""
    quotient, remainder = divmod(numerator, denominator)
    if mode == "down" or not remainder:
        return quotient
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and (mode == "half-up" or quotient % 2)):
        return quotient + 1
    return quotient


def _work(job: _Job, worker: int, start: int, end: int):
    """One byte range's sums per currency, or None when something is not plain."""
    try:
        return _sums(job, worker, start, end)
    except GiveUp:
        return None


_CHUNK = 1 << 20  # bytes read at a time: memory stays small whatever the file


def _chunks(path: str, start: int, end: int, size: int = 0, worker: int = -1):
    """The lines between two line starts, a list per chunk (never the whole range at once);
    a worker's progress is noted as it goes."""
    size = size or _CHUNK
    progress = _progress if worker >= 0 else None
    with open(path, "rb") as handle:
        handle.seek(start)
        rest = b""
        left = end - start
        while left > 0:
            data = handle.read(min(size, left))
            if not data:
                break
            left -= len(data)
            if progress is not None:
                progress[worker] = end - start - left
                if _tell is not None:
                    _tell()
            data = rest + data
            cut = data.rfind(b"\n") + 1 if left > 0 else len(data)
            rest = data[cut:]
            if len(rest) > MAX_LINE:  # a line without end: the careful engine names it, in bounded memory
                raise GiveUp
            try:
                text = data[:cut].decode("utf-8")
            except UnicodeDecodeError:
                raise GiveUp from None
            yield _split(text)
        if rest:
            try:
                yield _split(rest.decode("utf-8"))
            except UnicodeDecodeError:
                raise GiveUp from None


def _split(text: str) -> list[str]:
    """A chunk's lines, without their CRs; a CR inside a line is not plain. (A value in quotes
    that goes on to the next line leaves its first line's quote open: not plain either.)"""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            raise GiveUp
    return text.split("\n")


def _sums(job: _Job, worker: int, start: int, end: int) -> _Share:
    """One byte range's share; for a report, its lines written to the worker's file."""
    if job.line is None:
        return _scan(job, worker, start, end, None)
    rows = Rows(job.folder, worker, job.line, job.separator, job.rate_label)
    try:
        return _scan(job, worker, start, end, rows)
    finally:
        rows.close()


def _scan(job: _Job, worker: int, start: int, end: int, rows: Rows | None) -> _Share:
    """The hot loop: a few C-level string operations per order, and dict look-ups for the
    values an export repeats (days, currencies, rates)."""
    i_id, i_day, i_amount, i_currency, i_rate, i_store = job.columns
    width, today, cut, texts = job.width, job.as_of, job.cut, job.texts
    blank = cut + " \t"
    tables, parts, shift = _tables, len(_tables), _PART_SHIFT
    slots, masks = [table.slots for table in tables], [table.mask for table in tables]
    days: dict[str, int] = {}
    currencies: dict[str, int] = {}  # a code seen and checked -> its minor digits
    rates: dict[str, tuple[int, int]] = {}  # a rate seen and checked -> (numerator, denominator)
    round_down, half_up, rounding = job.rounding == "down", job.rounding == "half-up", job.rounding
    by_store: dict[str, _Terms] = {}  # a store as written -> its policy's terms
    hold, default_rate, cap, cancel, home, policy_rate = _base_terms(job)
    sums: dict[str, list[int]] = {}  # currency -> [orders, pending, confirmed, cancelled]
    hashes = array("q")
    future = assumed = matched = cents = 0
    due: dict[tuple[str, int], list[int]] | None = {} if job.by_day else None  # (currency, day): [n, units]
    first = job.table
    results: list | None = [] if first >= 0 else None
    waiting: list | None = [] if first >= 0 else None
    wanted = rows is not None or due is not None or results is not None  # more than the totals
    # a report holds a chunk's lines, three times its bytes, until they are written: smaller chunks
    for lines in _chunks(job.path, start, end, 0 if rows is None else _CHUNK // 4, worker):
        if len(hashes) >= SPILL_AT:
            spill(hashes, job.folder, worker)
        if rows is not None:
            rows.flush()
        for line in lines:
            cells = line.split(cut) if '"' not in line else _cells(line, cut)
            if len(cells) != width or not (order_id := cells[i_id].strip()):
                if not line.strip(blank):
                    continue  # a blank line
                raise GiveUp
            if len(line) > MAX_TEXT and _too_long(cells, texts):
                raise GiveUp
            if i_store >= 0:
                store = cells[i_store]
                terms = by_store.get(store) or _store_terms(store, by_store, rounding)
                hold, default_rate, cap, cancel, home, policy_rate = terms
            day_text = cells[i_day]
            ordered = days.get(day_text) or _day(day_text, days)
            amount_text = cells[i_amount]
            whole, point, fraction = amount_text.partition(".")
            # PLAIN_NUMBER's shape without a regex, which would cost a fifth of the loop:
            # isdecimal() takes the very digits \d does
            if not (
                whole.isdecimal()
                and len(whole) <= 15
                and (not point or fraction.isdecimal() and len(fraction) <= 8)
            ):
                amount_text = _regional_amount(amount_text)  # "1 234,56": the careful parser's reading
                whole, point, fraction = amount_text.partition(".")
            if point:
                cents += 1
            currency = cells[i_currency] if i_currency >= 0 else ""
            digits = currencies.get(currency or home)
            if digits is None:
                digits = currencies[currency or home] = _digits(currency or home)
            rate_text = cells[i_rate] if i_rate >= 0 else ""
            digest = hash(order_id)
            hashes.append(digest)
            folded = None
            part = (digest >> shift) % parts
            if slots[part][digest & masks[part]]:  # most orders have no dispute: one look tells
                table = tables[part]
                entry = table.find(order_id, digest)
                if entry >= 0:
                    matched += 1
                    folded = table.refunds[entry], table.words[entry]
                    if unpack(folded[1])[4] < ordered:
                        raise GiveUp  # a dispute opened before its order
            if ordered > today:  # left out, but read like every row: a zero amount or a bad rate is refused
                if not (whole.strip("0") or fraction.strip("0")):
                    raise GiveUp
                if rate_text and rate_text not in rates:
                    _rate(rate_text, rates)
                future += 1
                continue
            if not currency:
                currency = home
                assumed += 1
            if len(fraction) > digits:
                raise GiveUp
            amount = int(whole + fraction.ljust(digits, "0"))
            if not amount:
                raise GiveUp
            if rate_text:
                rate = rates.get(rate_text) or _rate(rate_text, rates)
            elif default_rate is not None:
                rate = default_rate
            else:
                raise GiveUp
            numerator, denominator = rate
            if cap is not None:
                expected = _capped(amount * numerator, denominator, digits, cap, rounding)
            else:  # rule 7 inline: this runs for every order
                expected, rest = divmod(amount * numerator, denominator)
                if rest and not round_down:
                    rest += rest
                    if rest > denominator or (rest == denominator and (half_up or expected & 1)):
                        expected += 1
            row = sums.get(currency)
            if row is None:
                row = sums[currency] = [0, 0, 0, 0]
            row[0] += 1
            if folded is None:
                status = 1 if today < ordered + hold else 2
                row[status] += expected
                if not wanted:
                    continue  # the totals alone: the most common order needs nothing more
                refunded, cashback, confirm, reason = 0, expected, ordered + hold, None
            else:
                units, word = folded
                finest, is_open, exists, last, _first = unpack(word)
                if finest > digits:
                    raise GiveUp  # a refund finer than the currency's unit
                refunded = units // 10 ** (_FRACTION - digits)
                if refunded > amount:
                    raise GiveUp
                confirm = 0 if is_open else max(ordered + hold, last)  # 0: none while a dispute is open
                if cancel and exists or refunded == amount:
                    cashback, status = 0, 3
                    reason = DISPUTE_OPENED if cancel and exists else REFUNDED_IN_FULL
                else:
                    if refunded:
                        cashback = _capped(
                            (amount - refunded) * numerator, denominator, digits, cap, rounding
                        )
                    else:
                        cashback = expected
                    status, reason = 1 if is_open or today < confirm else 2, None
                    row[status] += cashback
                row[3] += expected - cashback
                if not wanted:
                    continue
            # what a timeline, a report or a table wants of the order
            if due is not None and status == 1:
                _count(due, currency, confirm, cashback)
                if waiting is not None and not confirm:
                    waiting.append((currency, order_id, cashback))
            figures = amount, refunded, expected, cashback
            if day_text[4] != "-":  # a dotted date: the reports write it the ISO way
                day_text = date.fromordinal(ordered).isoformat()
            if rows is not None:
                if i_store < 0:
                    rows.add(
                        order_id, day_text, currency, rate_text, digits, figures, status, confirm, reason
                    )
                else:
                    written = store.strip() or None
                    rows.add(
                        order_id,
                        day_text,
                        currency,
                        rate_text or policy_rate,  # its store's rate when it gives none
                        digits,
                        figures,
                        status,
                        confirm,
                        reason,
                        written,
                    )
            if results is not None and len(results) < first:
                rate = parse_rate(rate_text) if rate_text else policy_rate
                results.append(
                    table_result(
                        order_id,
                        ordered,
                        currency,
                        digits,
                        amount_text,
                        rate,
                        figures,
                        status,
                        confirm,
                        reason,
                    )
                )
    return _Share(sums, future, assumed, cents, matched, hashes, due, results, waiting)


def _count(due: dict[tuple[str, int], list[int]], currency: str, day: int, cashback: int) -> None:
    slot = due.get((currency, day))
    if slot is None:
        slot = due[currency, day] = [0, 0]
    slot[0] += 1
    slot[1] += cashback


def _digits(currency: str) -> int:
    """A currency code's minor digits, once it is checked to be three capital letters A to Z."""
    if not CURRENCY_CODE.fullmatch(currency) or currency in ALIAS_CODES:  # the fast path's own test
        raise GiveUp
    return minor_digits(currency)


def _rate(text: str, rates: dict[str, tuple[int, int]]) -> tuple[int, int]:
    """A rate of at most 100 % as a fraction of 100: "2.5" is (25, 1000), and so are "2,5" and
    "2.5 %", read by the careful parser (once per rate written)."""
    try:
        value = parse_rate(text)
    except FieldError:
        raise GiveUp from None
    numerator, power = _fraction(f"{value:f}")
    rate = rates[text] = numerator, 100 * 10**power
    return rate


def _regional_amount(text: str) -> str:
    """An amount written another way ("1 234,56", "1.234,56", " 12.50") as a plain decimal,
    read by the careful parser itself, so both engines read it alike; an amount with a
    currency sign, or none the careful parser reads, is not for the lean engine."""
    try:
        value, written = parse_amount(text)
    except FieldError:
        raise GiveUp from None
    if written is not None:
        raise GiveUp
    return f"{value:f}"


def _capped(numerator: int, denominator: int, digits: int, cap: tuple[int, int] | None, mode: str) -> int:
    """Rule 3 in minor units: the figure, limited by the cap (as (integer, digits after the
    point)), rounded by the policy's mode."""
    if cap is not None:
        cap_number, cap_power = cap
        scale = 10**digits
        # numerator / denominator minor units against cap × 10**digits
        if numerator * 10**cap_power > cap_number * scale * denominator:
            return _round(cap_number * scale, 10**cap_power, mode)
    return _round(numerator, denominator, mode)


class _Terms(NamedTuple):
    """What a policy gives an order that says no more: hold days, rate (numerator and
    denominator of a fraction of 1, None: none), cap (integer, digits after the point), whether
    a dispute cancels, currency, and the rate as a Decimal for a table."""

    hold: int
    rate: tuple[int, int] | None
    cap: tuple[int, int] | None
    cancel: bool
    currency: str
    rate_value: Decimal | None


def _base_terms(job: _Job) -> _Terms:
    """The terms of orders of no store, or of a store the policy file does not list."""
    rate = None if job.rate is None else (job.rate[0], 100 * 10 ** job.rate[1])
    return _Terms(
        job.hold_days,
        rate,
        None if job.cap is None else _fraction(f"{job.cap:f}"),
        job.cancel,
        job.currency,
        None if job.rate is None else Decimal(job.rate[0]).scaleb(-job.rate[1]),
    )


def _store_terms(written: str, by_store: dict[str, _Terms], rounding: str) -> _Terms:
    """A store's terms, from the policy the careful engine gives an order of that store (its
    name folded as the policy book folds it), kept by the name as written."""
    name = written.strip()
    policy = _policy_for(Order("", date.min, None, store=name or None))
    if policy.rounding != rounding:
        raise GiveUp
    rate = None if policy.rate is None else _fraction(f"{policy.rate:f}")
    terms = by_store[written] = _Terms(
        policy.hold_days,
        None if rate is None else (rate[0], 100 * 10 ** rate[1]),
        None if policy.max_cashback is None else _fraction(f"{policy.max_cashback:f}"),
        policy.dispute_policy is DisputePolicy.CANCEL,
        policy.currency,
        None if rate is None else Decimal(rate[0]).scaleb(-rate[1]),
    )
    return terms


def _too_long(cells: list[str], texts: tuple[int, ...]) -> bool:
    """Whether an id, a store or a title is longer than the careful reader takes."""
    return any(len(cells[index].strip()) > MAX_TEXT for index in texts)


def _merge(shares, as_of: date, dispute_count: int, disputed: int) -> MergedRun | None:
    merged = MergedRun(as_of)
    merged.dispute_count = dispute_count
    matched = 0
    totals: dict[str, list[int]] = {}
    due: dict[tuple[str, int], list[int]] = {}
    for sums, future, assumed, cents, found, _hashes, days, results, waiting in shares:
        merged.first_results += results or ()
        merged.waiting += ((cur, order_id, _units(units, cur)) for cur, order_id, units in waiting or ())
        for key, (count, units) in (days or {}).items():
            slot = due.setdefault(key, [0, 0])
            slot[0] += count
            slot[1] += units
        merged.left_out_future += future
        merged.assumed_currency += assumed
        merged.amounts_with_cents += cents
        matched += found
        for currency, row in sums.items():
            into = totals.setdefault(currency, [0, 0, 0, 0])
            for index in range(4):
                into[index] += row[index]
    if matched != disputed:
        return None  # a dispute of an order the file does not have: the careful way names it
    merged.totals = _totals(totals)
    merged.pending_days = {
        (currency, date.fromordinal(day) if day else None): (count, _units(units, currency))
        for (currency, day), (count, units) in due.items()
    }
    return merged


def _units(units: int, currency: str) -> Decimal:
    return Decimal(units).scaleb(-minor_digits(currency))


def _totals(found: dict[str, list[int]]) -> Totals:
    totals = Totals()
    for currency, (orders, pending, confirmed, cancelled) in found.items():
        sums = CurrencyTotals()
        digits = minor_digits(currency)
        sums.orders = orders
        sums.pending = Decimal(pending).scaleb(-digits)
        sums.confirmed = Decimal(confirmed).scaleb(-digits)
        sums.cancelled = Decimal(cancelled).scaleb(-digits)
        totals.by_currency[currency] = sums
    return totals
