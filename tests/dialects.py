"""The same orders and disputes written as real exports write them, for round-trip tests.

Each dialect turns clean records (plain dicts of Decimal, date and text) into file bytes, the
way a spreadsheet, an affiliate network or a cashback cabinet would save them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

NBSP = "\u00a0"


def plain(value: Decimal, currency: str | None = None) -> str:
    return f"{value:f}"


def ru_number(value: Decimal, currency: str | None = None) -> str:
    """1 234,56 with a no-break space between thousands, as Russian Excel writes it."""
    text = f"{value:,f}"
    return text.replace(",", NBSP).replace(".", ",")


def coded_money(value: Decimal, currency: str | None = None) -> str:
    """1,234.56 with the currency's sign or code around it: "$1,234.56", "1,234.56 RUB"."""
    if currency is None:
        return f"{value:,f}"
    return f"${value:,f}" if currency == "USD" else f"{value:,f} {currency}"


def dotted(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def iso(day: date) -> str:
    return day.isoformat()


def zoned(day: date) -> str:
    return f"{day.isoformat()}T23:15:00+03:00"


ORDER_COLUMNS = ("order_id", "ordered_at", "amount", "currency", "cashback_rate")
DISPUTE_COLUMNS = ("order_id", "opened_at", "resolved_at", "refund_amount")
RU_HEADERS = {
    "order_id": "Номер заказа",
    "ordered_at": "Дата заказа",
    "amount": "Сумма заказа",
    "currency": "Валюта",
    "cashback_rate": "Процент кэшбэка",
    "opened_at": "Дата открытия спора",
    "resolved_at": "Дата закрытия спора",
    "refund_amount": "Сумма возврата",
}
UK_HEADERS = {
    "order_id": "Номер замовлення",
    "ordered_at": "Дата замовлення",
    "amount": "Сума замовлення",
    "currency": "Валюта",
    "cashback_rate": "Відсоток кешбеку",
    "opened_at": "Дата відкриття спору",
    "resolved_at": "Дата закриття спору",
    "refund_amount": "Сума повернення",
}


@dataclass(frozen=True)
class CsvDialect:
    name: str
    delimiter: str = ","
    newline: str = "\n"
    bom: bool = False
    headers: dict[str, str] | None = None
    number: Callable[[Decimal, str | None], str] = plain
    rate: Callable[[Decimal], str] = plain
    day: Callable[[date], str] = iso
    encoding: str = "utf-8"

    def cell(self, field: str, record: dict) -> str:
        value = record.get(field)
        if value is None:
            return ""
        if isinstance(value, date):
            return self.day(value)
        if isinstance(value, Decimal):
            return (
                self.rate(value) if field == "cashback_rate" else self.number(value, record.get("currency"))
            )
        return str(value)

    def write(self, records: list[dict], columns: tuple[str, ...]) -> bytes:
        def quoted(text: str) -> str:
            needs = any(c in text for c in (self.delimiter, '"', "\n", "\r"))
            return '"' + text.replace('"', '""') + '"' if needs else text

        header = [quoted((self.headers or {}).get(c, c)) for c in columns]
        lines = [self.delimiter.join(header)]
        for record in records:
            lines.append(self.delimiter.join(quoted(self.cell(c, record)) for c in columns))
        text = self.newline.join(lines) + self.newline
        return (("\ufeff" if self.bom else "") + text).encode(self.encoding)


EXCEL_RU = dict(
    delimiter=";", newline="\r\n", bom=True, number=ru_number, rate=lambda r: ru_number(r) + "%", day=dotted
)

CSV_DIALECTS = [
    CsvDialect("clean"),
    CsvDialect("excel-ru", **EXCEL_RU),
    CsvDialect("excel-ru-headers", headers=RU_HEADERS, **EXCEL_RU),
    CsvDialect("excel-uk-headers", headers=UK_HEADERS, **EXCEL_RU),
    CsvDialect("tab-coded-money", delimiter="\t", number=coded_money),
    CsvDialect("cp1251", encoding="cp1251", headers=RU_HEADERS, **EXCEL_RU | {"bom": False}),
]


def _json_value(value):
    if isinstance(value, date):
        return zoned(value)
    return value


def json_document(orders: list[dict], disputes: list[dict]) -> bytes:
    """One JSON document with numeric amounts (written exactly, never through float)."""

    def obj(record: dict) -> dict:
        return {k: _json_value(v) for k, v in record.items() if v is not None}

    text = json.dumps(
        {"orders": [obj(o) for o in orders], "disputes": [obj(d) for d in disputes]},
        default=_decimal_text,
        indent=1,
    )
    return _unquote_decimals(text).encode()


def json_lines(records: list[dict]) -> bytes:
    lines = [
        _unquote_decimals(
            json.dumps({k: _json_value(v) for k, v in r.items() if v is not None}, default=_decimal_text)
        )
        for r in records
    ]
    return ("\n".join(lines) + "\n").encode()


def _decimal_text(value):
    if isinstance(value, Decimal):
        return f"@@{value:f}@@"
    raise TypeError(value)


def _unquote_decimals(text: str) -> str:
    """Turn the decimal placeholders into bare JSON numbers with all their digits."""
    return text.replace('"@@', "").replace('@@"', "")
