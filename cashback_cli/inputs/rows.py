"""A row of cells as text, the column layout it shares with the rest of its file, and the
options every reader takes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from .profiles import Profile


@dataclass(frozen=True)
class LoadOptions:
    encoding: str = "utf-8"
    dayfirst: bool | None = None
    field_map: Mapping[str, str] = field(default_factory=dict)
    shard: tuple[int, int] | None = None  # (index, count): read only this share of the order ids
    on_read: Callable[[int], None] | None = None  # told how many bytes were read, for progress
    records: str | None = None  # the dotted path of the records in a JSON document (--records)
    minor_units: frozenset[str] = frozenset()  # fields given in the currency's minor units
    currency: str = "USD"  # for minor units in a row that names no currency (--currency)
    currency_given: bool = False  # whether --currency was given (an export may need it said)
    profile: Profile | None = None  # a network's export, read as it is published (--profile)
    sheet: str | None = None  # the sheet of an .xlsx workbook to read (--sheet); None: the first
    # A file with no currency column whose signed amounts all name one currency: its unsigned
    # rows are in it too. With signs of several, (currency, first line) of each, and an unsigned
    # row is refused.
    written_currency: str | None = None
    mixed_currencies: tuple[tuple[str, int], ...] = ()


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
