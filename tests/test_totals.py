"""The sums the core keeps as a run goes: totals per currency and store, the shopper's outlook,
and a reconciliation's counts. Every figure is added up by hand in a comment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cashback_cli.core.reconcile import Reconciliation, Verdict, compare
from cashback_cli.core.records import OrderResult, Reported, Status
from cashback_cli.core.timeline import Outlook, period_of
from cashback_cli.core.totals import Totals

D = Decimal
DUE = date(2026, 12, 1)


def result(order_id, currency, status, cashback, cancelled="0", store=None, confirm_on=DUE, reported=None):
    return OrderResult(
        order_id,
        date(2026, 11, 1),
        currency,
        D("100"),
        D(0),
        D(5),
        D(cashback) + D(cancelled),
        D(cashback),
        D(cancelled),
        status,
        confirm_on,
        "",
        store,
        None,
        reported,
    )


RESULTS = [
    result("A", "USD", Status.PENDING, "1.50", store="Shop"),
    result("B", "USD", Status.PENDING, "2.25", "0.75", store="Shop"),
    result("C", "USD", Status.CONFIRMED, "4.00"),
    result("D", "USD", Status.CANCELLED, "0.00", "3.00", store="Shop"),
    result("E", "EUR", Status.CONFIRMED, "0.10", store="Shop"),
    result("F", "USD", Status.PENDING, "5.00", confirm_on=None),
    result("G", "USD", Status.CONFIRMED, "0.50"),
]


def figures(sums) -> tuple:
    return sums.orders, sums.pending, sums.confirmed, sums.cancelled


def test_totals_add_up_each_currency_s_orders_by_status():
    totals = Totals()
    for one in RESULTS:
        totals.add(one)
    assert totals.by_store is None
    # USD: pending 1.50 + 2.25 + 5.00, confirmed 4.00 + 0.50, cancelled 0.75 + 3.00
    assert figures(totals.by_currency["USD"]) == (6, D("8.75"), D("4.50"), D("3.75"))
    assert figures(totals.by_currency["EUR"]) == (1, 0, D("0.10"), 0)


def test_totals_per_store_split_each_currency_by_store_name():
    totals = Totals(per_store=True)
    for one in RESULTS:
        totals.add(one)
    assert set(totals.by_store) == {("Shop", "USD"), ("", "USD"), ("Shop", "EUR")}
    assert figures(totals.by_store[("Shop", "USD")]) == (3, D("3.75"), 0, D("3.75"))
    assert figures(totals.by_store[("", "USD")]) == (3, D("5.00"), D("4.50"), 0)  # C, F and G: no store
    assert figures(totals.by_store[("Shop", "EUR")]) == (1, 0, D("0.10"), 0)


def test_merged_totals_are_the_totals_of_both_runs():
    first, second = Totals(), Totals()
    for one in RESULTS[:3]:
        first.add(one)
    for one in RESULTS[3:]:
        second.add(one)
    first.merge(second)
    assert figures(first.by_currency["USD"]) == (6, D("8.75"), D("4.50"), D("3.75"))
    assert figures(first.by_currency["EUR"]) == (1, 0, D("0.10"), 0)


def test_the_outlook_sums_what_falls_due_each_day_and_what_waits_on_a_dispute():
    outlook = Outlook()
    for one in RESULTS:
        outlook.add(one)
    assert outlook.due == {"USD": {DUE: D("3.75")}}  # A and B, both due on the same day
    assert outlook.waiting == {"USD": [("F", D("5.00"))]}
    assert outlook.confirmed == {"USD": D("4.50"), "EUR": D("0.10")}
    assert outlook.lost == {"USD": D("3.75")}
    assert outlook.currencies() == ["EUR", "USD"]


def test_a_month_runs_from_its_first_to_its_last_day():
    assert period_of(date(2028, 2, 10), "month") == (date(2028, 2, 1), date(2028, 2, 29))
    assert period_of(date(2026, 12, 31), "month") == (date(2026, 12, 1), date(2026, 12, 31))
    assert period_of(date(2026, 11, 26), "week") == (date(2026, 11, 23), date(2026, 11, 29))
    assert period_of(date(2026, 11, 26), "day") == (date(2026, 11, 26), date(2026, 11, 26))


def test_a_reconciliation_counts_orders_compared_and_not():
    said = Reported(status=Status.PENDING, cashback=D("1.00"))
    check = Reconciliation().add_all(
        [
            result("A", "USD", Status.PENDING, "1.50", reported=said),  # short by 0.50
            result("B", "USD", Status.PENDING, "1.00", reported=said),  # agrees
            result("C", "USD", Status.PENDING, "1.00"),  # nothing reported
            result("D", "USD", Status.PENDING, "1.00", reported=Reported(network_status="weird")),
        ]
    )
    sums = check.by_currency["USD"]
    assert (sums.compared, sums.differ, sums.not_compared, sums.at_stake, sums.over) == (
        2,
        1,
        2,
        D("0.50"),
        0,
    )
    assert check.unknown_words == {"weird": 1}


def test_differences_of_equal_stakes_follow_their_order_ids():
    said = Reported(status=Status.PENDING, cashback=D("1.00"))
    check = Reconciliation().add_all(
        [result(order_id, "USD", Status.PENDING, "2.00", reported=said) for order_id in ("Z9", "A1", "M5")]
        + [result("B2", "USD", Status.PENDING, "3.00", reported=said)]
    )
    assert [d.result.order_id for d in check.by_stake()] == ["B2", "A1", "M5", "Z9"]


def test_a_cancelled_order_worth_nothing_is_not_over_when_still_counted_on():
    # the rules cancel an order whose cashback rounds to 0.00; the service still lists it pending
    worthless = result("A", "USD", Status.CANCELLED, "0.00")._replace(
        expected_cashback=D("0.00"), reported=Reported(status=Status.PENDING)
    )
    assert compare(worthless) is None
    counted_on = worthless._replace(expected_cashback=D("0.01"))
    assert compare(counted_on)[1:] == (Verdict.OVER, 0, D("0.01"))


def test_a_cancellation_of_any_cashback_the_rules_keep_is_owed():
    kept = result("A", "USD", Status.CONFIRMED, "0.50", reported=Reported(status=Status.CANCELLED))
    assert compare(kept)[1:] == (Verdict.CANCELLED_BUT_OWED, D("0.50"), 0)
    assert compare(kept._replace(cashback=D("0.00"))) is None  # nothing kept, nothing owed


def test_an_outlook_of_sums_is_the_outlook_of_the_orders():
    # what the lean engine hands (pending per currency and day, the waiting orders, the totals)
    # gives the headline the same figures as adding the orders one by one
    one_by_one = Outlook()
    totals = Totals()
    days: dict = {}
    waiting = []
    for each in RESULTS:
        one_by_one.add(each)
        totals.add(each)
        if each.status is Status.PENDING:
            slot = days.setdefault((each.currency, each.confirm_on), [0, D(0)])
            slot[0] += 1
            slot[1] += each.cashback
            if each.confirm_on is None:
                waiting.append((each.currency, each.order_id, each.cashback))
    of_sums = Outlook.of(days, waiting, totals)
    assert (of_sums.due, of_sums.waiting, of_sums.lost) == (
        one_by_one.due,
        one_by_one.waiting,
        one_by_one.lost,
    )
    # confirmed: every currency of the totals, the same sums where there is any
    assert of_sums.confirmed == {"USD": D("4.50"), "EUR": D("0.10")} == one_by_one.confirmed
