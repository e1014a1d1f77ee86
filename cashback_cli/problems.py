"""Problems in input are values: where, which field, what was there and what was expected."""

from __future__ import annotations

from typing import NamedTuple

from .i18n import _

_SHOWN_VALUE = 60


class Problem(NamedTuple):
    file: str
    line: int | None
    field: str | None
    value: str | None
    expected: str

    def message(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.field:
            parts.append(self.field)
        text = self.expected
        if self.value is not None:
            text = _("got {value}, expected {expected}").format(
                value=repr(_shorten(self.value)), expected=self.expected
            )
        parts.append(text)
        return ": ".join(parts)


class FieldError(ValueError):
    """Raised by a field parser; the loader adds file, line and field to make a Problem."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


class InputError(Exception):
    """Input that cannot be read at all (usage level): a missing file, an unreadable path."""


def _shorten(value: str) -> str:
    return value if len(value) <= _SHOWN_VALUE else value[: _SHOWN_VALUE - 1] + "…"
