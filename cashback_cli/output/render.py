"""Results to JSON and CSV text, streamed, with every amount as an exact string.

The field names and shapes are the contract of docs/rules.md, "Output shapes": scripts depend on them.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import IO, Any

from ..core.money import EXACT, ROUNDING_MODES, format_money, format_percent, quantum
from ..core.records import ORDER_KEYS, OrderResult
from ..core.totals import Totals

# What a network or a service reports of an order: keys present only when the input carries them.
REPORTED_KEYS = ("reported_status", "network_status", "reported_cashback", "locks_on")
# The keys an order object may add after ORDER_KEYS, in this order: its store, then the above.
EXTRA_KEYS = ("store", *REPORTED_KEYS)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def order_values(result: OrderResult, rounding: str = "half-up") -> tuple:
    """The JSON order object's values, in ORDER_KEYS order; built once per row, so kept lean."""
    step, mode = quantum(result.currency), ROUNDING_MODES[rounding]
    rate = result.rate
    return (
        result.order_id,
        _iso(result.ordered_at),
        result.currency,
        None if result.amount is None else f"{result.amount.quantize(step, mode, EXACT):f}",
        f"{result.refunded.quantize(step, mode, EXACT):f}",
        None if rate is None else _percent(rate),
        f"{result.expected_cashback.quantize(step, mode, EXACT):f}",
        f"{result.cashback.quantize(step, mode, EXACT):f}",
        f"{result.cancelled_cashback.quantize(step, mode, EXACT):f}",
        result.status.value,
        None if result.confirm_on is None else _iso(result.confirm_on),
        result.reason,
    )


def order_object(
    result: OrderResult, rounding: str = "half-up", reported: Sequence[str] = ()
) -> dict[str, Any]:
    """The JSON order object, with the `reported` keys (of EXTRA_KEYS) the input carries."""
    values = order_values(result, rounding)
    if reported:
        values += reported_values(result, reported)
    return dict(zip((*ORDER_KEYS, *reported), values, strict=True))


def reported_values(result: OrderResult, keys: Sequence[str]) -> tuple:
    """The order's store and what the network or service reported of it, for the keys asked (of
    EXTRA_KEYS), in their order."""
    reported = result.reported
    if reported is None:
        return tuple(result.store if key == "store" else None for key in keys)
    values = {
        "store": result.store,
        "reported_status": None if reported.status is None else reported.status.value,
        "network_status": reported.network_status,
        "reported_cashback": None if reported.cashback is None else f"{reported.cashback:f}",
        "locks_on": None if reported.locks_on is None else _iso(reported.locks_on),
    }
    return tuple(values[key] for key in keys)


@lru_cache(maxsize=100_000)
def _iso(day: date) -> str:
    return day.isoformat()


@lru_cache(maxsize=10_000)
def _percent(rate: Decimal) -> str:
    return format_percent(rate)


def totals_object(totals: Totals) -> dict[str, dict[str, Any]]:
    return {
        cur: {
            "orders": sums.orders,
            "pending": format_money(sums.pending, cur),
            "confirmed": format_money(sums.confirmed, cur),
            "cancelled": format_money(sums.cancelled, cur),
        }
        for cur, sums in sorted(totals.by_currency.items())
    }


def store_totals_object(totals: Totals) -> dict[str, dict[str, dict[str, Any]]]:
    """Per store (its name as written; "" for orders of no store), per currency."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for (store, cur), sums in sorted((totals.by_store or {}).items()):
        found.setdefault(store, {})[cur] = {
            "orders": sums.orders,
            "pending": format_money(sums.pending, cur),
            "confirmed": format_money(sums.confirmed, cur),
            "cancelled": format_money(sums.cancelled, cur),
        }
    return found


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def write_json_report(
    out: IO[str],
    as_of: date,
    results: Iterable[OrderResult],
    totals: Totals,
    rounding: str,
    trailer: Callable[[], dict[str, Any]] | None = None,
    reported: Sequence[str] = (),
) -> None:
    """One JSON document, an order per line, so millions of orders stream in constant memory.

    `totals` and `trailer` are read after the results are consumed, since they fill as they go.
    """
    lines = (_dumps(order_object(result, rounding, reported)) for result in results)
    write_json_lines(out, as_of, lines, totals, trailer)


def write_json_lines(
    out: IO[str],
    as_of: date,
    lines: Iterable[str],
    totals: Totals,
    trailer: Callable[[], dict[str, Any]] | None = None,
) -> None:
    """The JSON report around its order lines, one JSON object each."""
    write_json_document(out, as_of, _separated(lines), totals, trailer)


def _separated(lines: Iterable[str]) -> Iterator[str]:
    separator = "\n"
    for line in lines:
        yield separator + line
        separator = ",\n"


def write_json_document(
    out: IO[str],
    as_of: date,
    body: Iterable[str],
    totals: Totals,
    trailer: Callable[[], dict[str, Any]] | None = None,
) -> None:
    """The JSON report around `body`, the text of its orders: "\\n" then the lines joined by
    ",\\n", in as many pieces as it comes in (nothing at all when there are no orders)."""
    out.write(f'{{"as_of": {_dumps(as_of.isoformat())}, "orders": [')
    for piece in body:
        out.write(piece)
    out.write(f'\n], "totals": {_dumps(totals_object(totals))}')
    for key, value in (trailer() if trailer else {}).items():
        out.write(f", {_dumps(key)}: {_dumps(value)}")
    out.write("}\n")


# The order lines of the reports, made from the JSON order object's values as text (None for
# null) without json.dumps or csv.writer, for the lean engine's millions of rows. Only the order
# id (and the store, when the file has one) is the user's text; every other value is ours
# (figures, ISO dates, status and reason words) and needs no escape. The lean engine takes no
# id or store with a line break.
_JSON_LINE = "{{" + ", ".join(f'"{key}": {{}}' for key in ORDER_KEYS) + "}}"


def json_order_line(values: tuple) -> str:
    order_id = values[0]
    if not order_id.isprintable() or "\\" in order_id or '"' in order_id:
        order_id = _dumps(order_id)[1:-1]
    return _JSON_LINE.format(f'"{order_id}"', *["null" if v is None else f'"{v}"' for v in values[1:]])


def csv_order_line(values: tuple) -> str:
    order_id = spreadsheet_safe(values[0])
    if "," in order_id or '"' in order_id:
        order_id = csv_cell(order_id)
    return order_id + "," + ",".join(["" if v is None else v for v in values[1:]]) + "\n"


def json_store_line(values: tuple) -> str:
    """json_order_line of the values but the last, which is the order's store (None: null)."""
    store = "null" if values[-1] is None else _dumps(values[-1])
    return f'{json_order_line(values[:-1])[:-1]}, "store": {store}}}'


def csv_store_line(values: tuple) -> str:
    """csv_order_line of the values but the last, which is the order's store."""
    return f"{csv_order_line(values[:-1])[:-1]},{csv_cell(spreadsheet_safe(values[-1]))}\n"


@lru_cache(maxsize=10_000)
def csv_cell(text: str) -> str:
    """A cell as the reports' csv writer writes it among others (quoted when it must be)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(("", text))
    return out.getvalue()[1:-1]


def csv_header(reported: Sequence[str] = ()) -> str:
    return ",".join((*ORDER_KEYS, *reported)) + "\n"


def write_json_summary(
    out: IO[str], as_of: date, totals: Totals, extra: dict[str, Any] | None = None
) -> None:
    document = {"as_of": as_of.isoformat(), "totals": totals_object(totals), **(extra or {})}
    out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def write_json_object(out: IO[str], document: dict[str, Any]) -> None:
    out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def spreadsheet_safe(value: Any) -> str:
    """Text a spreadsheet will not run as a formula: a leading =, +, -, @, tab or CR gets a '."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write_text_report(
    out: IO[str],
    json_document: bool,
    as_of: date,
    batches: Iterable[Sequence[tuple]],
    totals: Totals,
    trailer: Callable[[], dict[str, Any]] | None = None,
) -> None:
    """The JSON or CSV report of orders whose values are text already (the DuckDB engine's, as
    order_values gives them), a batch at a time."""
    if json_document:

        def body() -> Iterator[str]:
            before = "\n"
            for rows in batches:
                yield before + ",\n".join(map(json_order_line, rows))
                before = ",\n"

        write_json_document(out, as_of, body(), totals, trailer)
        return
    out.write(csv_header())
    write, write_quoted = csv.writer(out, lineterminator="\n").writerow, _quoting_writer(out).writerow
    for rows in batches:
        for values in rows:
            order_id = spreadsheet_safe(values[0])
            (write_quoted if "\r" in order_id else write)((order_id, *values[1:]))


def write_csv_report(
    out: IO[str], results: Iterable[OrderResult], rounding: str, reported: Sequence[str] = ()
) -> None:
    writer = csv.writer(out, lineterminator="\n")
    out.write(csv_header(reported))
    write, write_quoted = writer.writerow, _quoting_writer(out).writerow
    for result in results:
        values = order_values(result, rounding)
        if reported:  # the network's status word is its text: guarded like the order id
            values += tuple(spreadsheet_safe(v) for v in reported_values(result, reported))
        # Only the order id is the user's text; every other cell is ours, dates and figures.
        order_id = spreadsheet_safe(values[0])
        (write_quoted if "\r" in order_id else write)((order_id, *values[1:]))


def _quoting_writer(out: IO[str]):
    """For a row holding a lone carriage return: csv quotes only the characters of its own line
    end ("\n" here), and an unquoted "\r" would split the row in two for every reader."""
    return csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)


def write_csv_summary(out: IO[str], totals: Totals, partial: bool = False) -> None:
    """A row per currency; with --by store, a row per store and currency, the store first
    (empty for orders of no store)."""
    writer = csv.writer(out, lineterminator="\n")
    mark = ("partial",) if partial else ()
    by_store = totals.by_store is not None
    writer.writerow(
        (*(("store",) if by_store else ()), "currency", "orders", "pending", "confirmed", "cancelled", *mark)
    )
    mark = ("true",) if partial else ()
    rows = (
        (
            ((spreadsheet_safe(store),), cur, sums)
            for store, found in store_totals_object(totals).items()
            for cur, sums in found.items()
        )
        if by_store
        else (((), cur, sums) for cur, sums in totals_object(totals).items())
    )
    for store, cur, sums in rows:
        writer.writerow(
            (*store, cur, sums["orders"], sums["pending"], sums["confirmed"], sums["cancelled"], *mark)
        )


def mark_partial_csv(out: IO[str]) -> None:
    """Add a last column `partial`, true on every row, to the CSV report written in `out`.

    Whether rows were left out is known only once every row is written; a complete report
    keeps its shape, and a partial one cannot be taken for the whole by a script.
    """
    out.seek(0)
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as marked:
        writer, quoting = csv.writer(marked, lineterminator="\n"), _quoting_writer(marked)
        for index, row in enumerate(csv.reader(out)):
            (quoting if any("\r" in cell for cell in row) else writer).writerow(
                (*row, "true" if index else "partial")
            )
        marked.seek(0)
        out.seek(0)
        out.truncate()
        shutil.copyfileobj(marked, out)
