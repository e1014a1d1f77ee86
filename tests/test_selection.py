"""`--status`, `--store` and `--sort` over results (core/selection.py): which orders a report
shows and in what order."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cashback_cli.core.records import OrderResult, Status
from cashback_cli.core.selection import chosen, ordered

D = Decimal


def result(
    order_id: str, day: int, currency: str, amount: str | None, cashback: str, status: Status, store=None
):
    return OrderResult(
        order_id,
        date(2026, 10, day),
        currency,
        None if amount is None else D(amount),
        D(0),
        None,
        D(cashback),
        D(cashback),
        D(0),
        status,
        None,
        "",
        store,
    )


RESULTS = [
    result("A", 5, "USD", "10.00", "0.50", Status.CONFIRMED, "Ali Express"),
    result("B", 3, "EUR", "300.00", "15.00", Status.PENDING, "amazon"),
    result("C", 3, "USD", "250.00", "2.00", Status.CANCELLED),
    result("D", 1, "USD", None, "9.00", Status.PENDING, "AMAZON"),
    result("E", 9, "EUR", "5.00", "0.25", Status.CONFIRMED, "Amazon"),
    result("F", 2, "USD", "250.00", "12.50", Status.PENDING),
]


def ids(results) -> str:
    return "".join(r.order_id for r in results)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("date", "DFBCAE"),  # oldest first; B and C share a day and keep the file's order
        ("amount", "BECFAD"),  # EUR before USD, largest first; a lead (no amount) last; C, F tie
        ("cashback", "BEFDCA"),  # EUR before USD, largest first
        ("status", "BDFAEC"),  # pending, confirmed, cancelled; ties in the file's order
    ],
)
def test_each_sort_puts_the_orders_in_its_order(sort, expected):
    assert ids(ordered(RESULTS, sort)) == expected


def test_an_unknown_sort_is_refused():
    with pytest.raises(ValueError):
        ordered(RESULTS, "store")


def test_no_filter_keeps_every_order_in_the_file_s_order():
    assert ids(chosen(RESULTS)) == "ABCDEF"


def test_statuses_keep_only_those_statuses():
    assert ids(chosen(RESULTS, statuses={Status.PENDING})) == "BDF"
    assert ids(chosen(RESULTS, statuses={Status.CONFIRMED, Status.CANCELLED})) == "ACE"


def test_stores_match_whatever_the_case_and_spaces():
    assert ids(chosen(RESULTS, stores=["  Amazon "])) == "BDE"
    assert ids(chosen(RESULTS, stores=["ali   express"])) == "A"
    assert ids(chosen(RESULTS, stores=[""])) == "CF"  # an empty name: the orders of no store


def test_statuses_and_stores_together_keep_orders_of_both():
    assert ids(chosen(RESULTS, statuses={Status.PENDING}, stores=["amazon"])) == "BD"
    assert ids(chosen(RESULTS, statuses={Status.CANCELLED}, stores=["amazon"])) == ""
