"""The options every reader takes: encoding, dates, --map, --records, --profile, minor units,
the currency, the sheet, and what the first pass over a file found out about its currency."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

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
