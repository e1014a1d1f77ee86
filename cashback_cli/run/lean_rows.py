"""The lean engine's reports: each worker's order lines, made of integers and the file's own
text by the writers' line makers (output/render.py), then the workers' files in their order."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal

from ..core.money import format_percent
from ..core.records import OrderResult, Status
from ..core.rules import CONFIRMED_ON, DISPUTE_OPEN, ON_HOLD_UNTIL
from ..inputs.values import parse_rate

_CHUNK = 1 << 20  # characters copied at a time into the report

_STATUS_WORDS = ("", Status.PENDING.value, Status.CONFIRMED.value, Status.CANCELLED.value)
_TENS = (1, 10, 100, 1000)


class Rows:
    """One worker's report lines, made of integers and the file's own text, written a chunk at
    a time to its file in the run's folder."""

    def __init__(
        self, folder: str, worker: int, line: Callable[[tuple], str], separator: str, rate: str
    ) -> None:
        self.line, self.separator = line, separator
        self.handle = open(os.path.join(folder, f"rows-{worker}"), "w", encoding="utf-8", newline="")  # noqa: SIM115
        self.waiting: list[str] = []
        self.started = False
        self.labels = {"": rate}  # a rate as written -> as printed (the policy's when none is)
        self.days: dict[int, str] = {}  # an ordinal -> its ISO date

    def add(
        self, order_id, day_text, currency, rate_text, digits, figures, status, confirm, reason=None, store=()
    ):
        """An order's line: figures are (amount, refunded, expected, cashback) in minor units;
        confirm is an ordinal, 0 for none; `rate_text` is the rate as written, or the Decimal rate
        of the order's store; `store` is given (None: none) when the file has a
        store column, and the line then ends with it."""
        day = None
        if confirm:
            day = self.days.get(confirm)
            if day is None:
                day = self.days[confirm] = date.fromordinal(confirm).isoformat()
        if reason is None:
            reason = (
                DISPUTE_OPEN if day is None else f"{ON_HOLD_UNTIL if status == 1 else CONFIRMED_ON} {day}"
            )
        label = self.labels.get(rate_text)
        if label is None:
            rate = parse_rate(rate_text) if isinstance(rate_text, str) else rate_text  # a store's own
            label = self.labels[rate_text] = format_percent(rate)
        amount, refunded, expected, cashback = figures
        values = (
            order_id,
            day_text,
            currency,
            money(amount, digits),
            money(refunded, digits),
            label,
            money(expected, digits),
            money(cashback, digits),
            money(expected - cashback, digits),
            _STATUS_WORDS[status],
            day,
            reason,
        )
        if store != ():
            values += (store,)
        self.waiting.append(self.line(values))

    def flush(self) -> None:
        if self.waiting:
            if self.started:
                self.handle.write(self.separator)
            self.handle.write(self.separator.join(self.waiting))
            self.started = True
            self.waiting.clear()

    def close(self) -> None:
        self.flush()
        self.handle.close()


def reason_of(status: int, day: str | None) -> str:
    """The reason of a pending (1) or confirmed (2) order: its date, or an open dispute."""
    return DISPUTE_OPEN if day is None else f"{ON_HOLD_UNTIL if status == 1 else CONFIRMED_ON} {day}"


_STATUSES = (None, Status.PENDING, Status.CONFIRMED, Status.CANCELLED)


def table_result(
    order_id, ordered, currency, digits, amount_text, rate, figures, status, confirm, reason=None
):
    """An order's result as the careful engine gives it, for the first rows of a table."""
    amount, refunded, expected, cashback = figures
    day = date.fromordinal(confirm) if confirm else None
    return OrderResult(
        order_id,
        date.fromordinal(ordered),
        currency,
        Decimal(amount_text),
        Decimal(refunded).scaleb(-digits),
        rate,
        Decimal(expected).scaleb(-digits),
        Decimal(cashback).scaleb(-digits),
        Decimal(expected - cashback).scaleb(-digits),
        _STATUSES[status],
        day,
        reason or reason_of(status, None if day is None else day.isoformat()),
    )


def money(units: int, digits: int) -> str:
    """Minor units as the reports print them: 1234 cents is "12.34"."""
    if not digits:
        return str(units)
    whole, part = divmod(units, _TENS[digits])
    return f"{whole}.{part:0{digits}d}"


def report_body(folder: str, workers: int, separator: str) -> Iterator[str]:
    """The workers' lines in the file's order: "\\n" first, the separator between workers."""
    before = "\n" if separator else ""
    for worker in range(workers):
        path = os.path.join(folder, f"rows-{worker}")
        if not os.path.getsize(path):
            continue
        yield before
        before = separator
        with open(path, encoding="utf-8", newline="") as handle:
            while piece := handle.read(_CHUNK):
                yield piece
