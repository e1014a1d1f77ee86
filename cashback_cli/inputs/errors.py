"""The two ways reading can fail: a field that does not parse, or a file that cannot be read."""

from __future__ import annotations


class FieldError(ValueError):
    """Raised by a field parser; the loader adds file, line and field to make a Problem."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


class InputError(Exception):
    """Input that cannot be read at all (usage level): a missing file, an unreadable path."""
