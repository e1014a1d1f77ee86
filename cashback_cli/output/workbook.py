"""The report as an Excel workbook (.xlsx): an orders sheet of real numbers and dates, and a
totals sheet, so a shopper opens it in Excel with no import step. Needs openpyxl (the xlsx extra)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import IO

from ..core.money import minor_digits
from ..core.records import ORDER_KEYS, OrderResult
from ..core.totals import Totals
from .render import order_values, reported_values

INSTALL = "pip install 'cashback-cli[xlsx]'"
_MONEY = {"amount", "refunded", "expected_cashback", "cashback", "cancelled_cashback", "reported_cashback"}
_DATES = {"ordered_at", "confirm_on", "locks_on"}


def write_workbook(
    binary: IO[bytes],
    as_of: date,
    results: Iterable[OrderResult] | None,
    totals: Totals,
    rounding: str,
    keys: Sequence[str] = (),
    partial: bool = False,
) -> None:
    """An orders sheet (unless `results` is None, for --summary) and a totals sheet."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    if results is not None:
        sheet = book.create_sheet("orders")
        names = (*ORDER_KEYS, *keys)
        sheet.append(names)
        for result in results:
            values = order_values(result, rounding) + reported_values(result, keys)
            digits = minor_digits(result.currency)
            sheet.append(
                [_cell(sheet, name, value, digits) for name, value in zip(names, values, strict=True)]
            )
    sheet = book.create_sheet("totals")
    by_store = totals.by_store is not None
    sheet.append(
        [*(("store",) if by_store else ()), "currency", "orders", "pending", "confirmed", "cancelled"]
    )
    rows = (
        sorted(totals.by_store.items())
        if totals.by_store is not None
        else sorted((("", cur), sums) for cur, sums in totals.by_currency.items())
    )
    for (store, cur), sums in rows:
        digits = minor_digits(cur)
        figures = [_money(sheet, value, digits) for value in (sums.pending, sums.confirmed, sums.cancelled)]
        sheet.append([*((_text(sheet, store),) if by_store else ()), cur, sums.orders, *figures])
    sheet.append([])
    sheet.append(["as_of", _day(sheet, as_of)])
    if partial:
        sheet.append(["partial", True])
    book.save(binary)


def _cell(sheet, name: str, value, digits: int):
    """A number for money and rates, a date for dates; text as written otherwise."""
    if value is None:
        return None
    if name in _MONEY:
        return _money(sheet, Decimal(value), digits)
    if name == "rate":
        return Decimal(value)
    if name in _DATES:
        return _day(sheet, date.fromisoformat(value))
    return _text(sheet, value)


def _text(sheet, value: str):
    """Text stays text: an order id or a store written "=…" never becomes a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _money(sheet, value: Decimal, digits: int):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "#,##0" + ("." + "0" * digits if digits else "")
    return cell


def _day(sheet, value: date):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "yyyy-mm-dd"
    return cell
