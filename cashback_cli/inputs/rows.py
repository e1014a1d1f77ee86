"""A row of cells as text, and the column layout it shares with the rest of its file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from .headers import REQUIRED
from .options import LoadOptions  # noqa: F401  the options' old home, still named by tests and benchmarks


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
        if fields.issuperset(REQUIRED["orders"]) and fields <= set(self.CLEAN):
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
