"""Pending cashback by the period in which it is due to be confirmed: the shopper's timeline.

Pure: results in, periods out. Orders frozen by an open dispute have no date yet and are
counted apart, so the periods plus that line add up to the pending total of `status`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from .records import OrderResult, Status
from .totals import Totals

PERIODS = ("day", "week", "month")


class Period(NamedTuple):
    start: date
    end: date
    currency: str
    orders: int
    cashback: Decimal


class Waiting(NamedTuple):
    orders: int
    cashback: Decimal


class Timeline(NamedTuple):
    periods: list[Period]
    waiting_on_dispute: dict[str, Waiting]


def period_of(day: date, by: str) -> tuple[date, date]:
    """The day, the ISO week (Monday to Sunday) or the calendar month that holds `day`."""
    if by == "day":
        return day, day
    if by == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following - timedelta(days=1)


def timeline(results: Iterable[OrderResult], by: str) -> Timeline:
    days: dict[tuple[str, date | None], list] = {}
    for result in results:
        if result.status is Status.PENDING:
            slot = days.setdefault((result.currency, result.confirm_on), [0, Decimal(0)])
            slot[0] += 1
            slot[1] += result.cashback
    return timeline_of_days(days, by)


def timeline_of_days(days: Mapping[tuple[str, date | None], Sequence], by: str) -> Timeline:
    """The timeline of pending orders already counted per currency and confirmation day (None:
    waiting on a dispute) as (orders, cashback): how an engine that keeps no result hands them."""
    sums: dict[tuple[date, date, str], list] = {}
    waiting: dict[str, list] = {}
    for (currency, day), (count, cashback) in days.items():
        if day is None:
            slot = waiting.setdefault(currency, [0, Decimal(0)])
        else:
            slot = sums.setdefault((*period_of(day, by), currency), [0, Decimal(0)])
        slot[0] += count
        slot[1] += cashback
    periods = [
        Period(start, end, cur, count, total) for (start, end, cur), (count, total) in sorted(sums.items())
    ]
    return Timeline(periods, {cur: Waiting(*slot) for cur, slot in sorted(waiting.items())})


class Outlook:
    """What a shopper asks first, per currency: how much is pending and when it is due, what
    waits on a dispute (and which orders), what is confirmed and what refunds took."""

    def __init__(self) -> None:
        self.due: dict[str, dict[date, Decimal]] = {}
        self.waiting: dict[str, list[tuple[str | None, Decimal]]] = {}
        self.confirmed: dict[str, Decimal] = {}
        self.lost: dict[str, Decimal] = {}

    def add(self, result: OrderResult) -> None:
        cur = result.currency
        if result.status is Status.PENDING:
            if result.confirm_on is None:
                self.waiting.setdefault(cur, []).append((result.order_id, result.cashback))
            else:
                days = self.due.setdefault(cur, {})
                days[result.confirm_on] = days.get(result.confirm_on, Decimal(0)) + result.cashback
        elif result.status is Status.CONFIRMED:
            self.confirmed[cur] = self.confirmed.get(cur, Decimal(0)) + result.cashback
        if result.cancelled_cashback:
            self.lost[cur] = self.lost.get(cur, Decimal(0)) + result.cancelled_cashback

    @classmethod
    def of(
        cls,
        pending_days: Mapping[tuple[str, date | None], Sequence],
        waiting: Iterable[tuple[str, str | None, Decimal]],
        totals: Totals,
    ) -> Outlook:
        """The outlook an engine that keeps no result can hand: pending cashback per currency
        and day (None: waiting on a dispute) as (orders, cashback), the orders waiting on a
        dispute in the file's order, and the totals (confirmed and lost)."""
        outlook = cls()
        for (cur, day), (_count, cashback) in pending_days.items():
            if day is not None:
                outlook.due.setdefault(cur, {})[day] = cashback
        for cur, order_id, cashback in waiting:
            outlook.waiting.setdefault(cur, []).append((order_id, cashback))
        for cur, sums in totals.by_currency.items():
            outlook.confirmed[cur] = sums.confirmed
            if sums.cancelled:
                outlook.lost[cur] = sums.cancelled
        return outlook

    def currencies(self) -> list[str]:
        return sorted({*self.due, *self.waiting, *self.confirmed, *self.lost})
