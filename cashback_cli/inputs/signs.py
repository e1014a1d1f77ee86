"""The currency a file's own amounts are written in, for a file with no currency column.

A cabinet copy often signs only its first amount ("1 000,00 ₽", then "890"): the unsigned rows
are in that currency too, not in a guessed USD. When the signs name more than one currency,
an unsigned row could be in any of them, so it is refused rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import FieldError
from .options import LoadOptions
from .rows import Row
from .values import PLAIN_NUMBER, parse_amount

MONEY_FIELDS = ("amount", "expected_cashback", "max_cashback", "reported_cashback")


@dataclass(frozen=True)
class WrittenCurrencies:
    """The currencies written beside a file's amounts: the lines of each, and the rows with none."""

    lines: dict[str, list[int]]
    unsigned: int

    @property
    def one(self) -> str | None:
        """The file's one currency, when its signed rows all name it."""
        return next(iter(self.lines)) if len(self.lines) == 1 else None

    @property
    def mixed(self) -> bool:
        """Signs of several currencies and rows with none: those rows cannot be placed."""
        return len(self.lines) > 1 and self.unsigned > 0


def written_currencies(rows, fields=MONEY_FIELDS) -> WrittenCurrencies | None:
    """Scan a file's order rows for the currency signs of their money; None when the file has a
    currency column (its rows say it) or names no currency anywhere."""
    lines: dict[str, list[int]] = {}
    unsigned = 0
    for row in rows:
        if row.__class__ is not Row:
            continue
        if "currency" in row.layout.columns:
            return None
        found = _row_currency(row, fields)
        if found is None:
            unsigned += 1
        else:
            lines.setdefault(found, []).append(row.line)
    return WrittenCurrencies(lines, unsigned) if lines else None


def _row_currency(row: Row, fields) -> str | None:
    """The first currency written in the row's money cells; a cell that cannot be read is left
    to the row's own reading, which names it."""
    for field in fields:
        text = row.get(field).strip()
        if not text or PLAIN_NUMBER.fullmatch(text):
            continue
        try:
            currency = parse_amount(text)[1]
        except FieldError:
            continue
        if currency:
            return currency
    return None


def with_written_currency(options: LoadOptions, found: WrittenCurrencies | None) -> LoadOptions:
    """The load options that give unsigned rows the file's one currency, or refuse them when the
    file's signs disagree."""
    from dataclasses import replace

    if found is None:
        return options
    if found.one:
        return replace(options, written_currency=found.one)
    if found.mixed:
        return replace(
            options, mixed_currencies=tuple((cur, lines[0]) for cur, lines in sorted(found.lines.items()))
        )
    return options
