"""Problems in the input as values: where, which field, what was there and what was expected.

Loaders and runs collect them instead of stopping at the first; the commands decide whether
to stop, and output/messages.py words them in the user's language.
"""

from __future__ import annotations

from typing import NamedTuple


class Expected(NamedTuple):
    """What a rule needed, as data (a code and its details), so the core holds no words."""

    what: str
    details: tuple[tuple[str, str], ...] = ()


class Problem(NamedTuple):
    file: str
    line: int | None
    field: str | None
    value: str | None
    expected: str | Expected  # text from the loaders, already in the user's language; data from the rules
