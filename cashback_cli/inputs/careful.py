"""The careful path: any row through the general value parsers, naming every problem it has."""

from __future__ import annotations

from collections.abc import Iterator

from ..core.money import minor_digits
from ..core.problems import Problem
from ..core.records import Dispute, Order, Reported, Source, Status
from ..i18n import _
from .errors import FieldError
from .options import LoadOptions
from .rows import Row
from .values import (
    parse_amount,
    parse_currency,
    parse_date,
    parse_rate,
    parse_reported_status,
    parse_text,
    parse_whole_days,
)


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
    said = cells.get("reported_status", parse_reported_status)
    paid = cells.get("reported_cashback", parse_amount)
    amount = amount_and_sign[0] if amount_and_sign else None
    if amount == 0:
        cells.problem("amount", _("an amount greater than 0"))
    for field_name, parsed in (
        ("amount", amount_and_sign),
        ("expected_cashback", expected),
        ("max_cashback", cap),
        ("reported_cashback", paid),
    ):
        written = parsed[1] if parsed else None
        if written and currency and written != currency:
            cells.problem(
                field_name, _("money in {currency}, the order's currency").format(currency=currency)
            )
        currency = currency or written
    if currency is None:
        currency = _file_currency(cells, options)
    if options.minor_units:
        amount_and_sign, expected, cap = (
            _from_minor_units(cells, name, parsed, currency or options.currency, options)
            for name, parsed in (
                ("amount", amount_and_sign),
                ("expected_cashback", expected),
                ("max_cashback", cap),
            )
        )
        amount = amount_and_sign[0] if amount_and_sign else None
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
        reported=None if said is None and paid is None else _reported(said, paid),
    )


def _file_currency(cells: _RowParser, options: LoadOptions) -> str | None:
    """An unsigned row of a file with no currency column takes the currency its other amounts are
    written in; with signs of several currencies it could be any of them, so it is named."""
    if options.written_currency:
        return options.written_currency
    if options.mixed_currencies:
        seen = ", ".join(
            _("{currency} on line {line}").format(currency=cur, line=line)
            for cur, line in options.mixed_currencies
        )
        cells.problem(
            "amount",
            _(
                "an amount with its currency sign, since this file's amounts are written in several "
                "currencies ({seen}); or a currency column, or --currency"
            ).format(seen=seen),
        )
    return None


def _reported(said: tuple[Status | None, str] | None, paid) -> Reported:
    """What the service reports of the order: its status word and the cashback it shows."""
    return Reported(
        status=said[0] if said else None,
        network_status=said[1] if said else None,
        cashback=paid[0] if paid else None,
    )


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


def _from_minor_units(cells: _RowParser, field: str, parsed, currency: str, options: LoadOptions):
    """A money cell that --minor-units says is in minor units (1113 cents is 11.13): a whole
    number, converted exactly with the currency's digits. A decimal figure is refused, never
    taken for either unit."""
    if parsed is None or field not in options.minor_units:
        return parsed
    value, written = parsed
    if value.as_tuple().exponent < 0:
        cells.problem(
            field,
            _("a whole number of minor units (cents), as --minor-units {field} says").format(field=field),
        )
        return None
    return value.scaleb(-minor_digits(currency)), written
