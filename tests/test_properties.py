"""Invariants of the rules over random valid orders and disputes (hypothesis)."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cashback_cli.core.records import Dispute, DisputePolicy, Order, Policy, Status
from cashback_cli.core.rules import evaluate_order
from cashback_cli.output.render import order_object, totals_object
from cashback_cli.run.evaluation import Evaluation

MINOR_DIGITS = {"USD": 2, "JPY": 0, "KWD": 3}
ROUNDINGS = ["half-up", "half-even", "down"]
AS_OF = date(2026, 11, 24)
FIRST_DAY = date(2026, 1, 1)
EXAMPLES = settings(max_examples=200, deadline=None)


def unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-MINOR_DIGITS[currency])


def days_after(start: date, most: int):
    return st.integers(0, most).map(lambda n: start + timedelta(days=n))


@st.composite
def orders(draw, order_id: str = "O1") -> Order:
    """A valid order: amount 0.01–100000 in its currency's minor units, rate 0–100 (2 decimals)."""
    currency = draw(st.sampled_from(sorted(MINOR_DIGITS)))
    step = unit(currency)
    amount = draw(st.integers(1, 100_000 * 10 ** MINOR_DIGITS[currency])) * step
    rate = fixed = None
    if draw(st.booleans()):
        rate = Decimal(draw(st.integers(0, 10_000))) / 100
    else:
        fixed = draw(st.integers(0, 10_000 * 10 ** MINOR_DIGITS[currency])) * step
    cap = draw(st.none() | st.integers(0, 5_000 * 10 ** MINOR_DIGITS[currency]).map(lambda n: n * step))
    return Order(
        order_id=order_id,
        ordered_at=draw(days_after(FIRST_DAY, 360)),
        amount=amount,
        currency=currency,
        cashback_rate=rate,
        expected_cashback=fixed,
        max_cashback=cap,
        hold_days=draw(st.none() | st.integers(0, 60)),
    )


@st.composite
def disputes_for(draw, order: Order) -> list[Dispute]:
    """Up to three disputes opened after the order, whose refunds add up to at most its amount."""
    step = unit(order.currency)
    left = int(order.amount / step)
    found = []
    for _ in range(draw(st.integers(0, 3))):
        opened = draw(days_after(order.ordered_at, 60))
        resolved = draw(st.none() | days_after(opened, 60))
        refund_units = draw(st.integers(0, left))
        left -= refund_units
        refund = (
            draw(st.sampled_from([refund_units * step, None])) if refund_units == 0 else refund_units * step
        )
        found.append(Dispute(order.order_id, opened, resolved, refund))
    return found


@st.composite
def cases(draw):
    order = draw(orders())
    policy = Policy(
        rounding=draw(st.sampled_from(ROUNDINGS)),
        dispute_policy=draw(st.sampled_from(list(DisputePolicy))),
    )
    as_of = draw(days_after(order.ordered_at, 200))
    return order, draw(disputes_for(order)), as_of, policy


def resolved_refund(order: Order, refund: Decimal) -> list[Dispute]:
    """One dispute resolved the day after the order, with this refund."""
    day = order.ordered_at + timedelta(days=1)
    return [Dispute(order.order_id, day, day, refund)]


@EXAMPLES
@given(cases())
def test_cashback_is_between_zero_and_the_expected_cashback(case):
    result = evaluate_order(*case)
    assert 0 <= result.cashback <= result.expected_cashback


@EXAMPLES
@given(cases())
def test_cashback_and_cancelled_cashback_add_up_to_the_expected_cashback(case):
    result = evaluate_order(*case)
    assert result.cancelled_cashback >= 0
    assert result.cashback + result.cancelled_cashback == result.expected_cashback


@EXAMPLES
@given(orders(), st.sampled_from(ROUNDINGS))
def test_full_refund_leaves_no_cashback(order, rounding):
    as_of = order.ordered_at + timedelta(days=2)
    result = evaluate_order(order, resolved_refund(order, order.amount), as_of, Policy(rounding=rounding))
    assert result.status is Status.CANCELLED
    assert result.cashback == 0
    assert result.cancelled_cashback == result.expected_cashback


@EXAMPLES
@given(orders(), st.sampled_from(ROUNDINGS), st.data())
def test_more_refund_never_gives_more_cashback(order, rounding, data):
    units = int(order.amount / unit(order.currency))
    smaller = data.draw(st.integers(0, units))
    larger = data.draw(st.integers(smaller, units))
    as_of, policy = order.ordered_at + timedelta(days=2), Policy(rounding=rounding)
    less = evaluate_order(order, resolved_refund(order, smaller * unit(order.currency)), as_of, policy)
    more = evaluate_order(order, resolved_refund(order, larger * unit(order.currency)), as_of, policy)
    assert more.cashback <= less.cashback
    assert more.cancelled_cashback >= less.cancelled_cashback


def money_pattern(currency: str) -> re.Pattern:
    digits = MINOR_DIGITS[currency]
    return re.compile(r"\d+" + (rf"\.\d{{{digits}}}" if digits else ""))


@EXAMPLES
@given(cases())
def test_every_amount_has_the_currency_minor_unit_digits(case):
    order, disputes, as_of, policy = case
    result = evaluate_order(order, disputes, as_of, policy)
    shown = order_object(result, policy.rounding)
    pattern = money_pattern(order.currency)
    for key in ("amount", "refunded", "expected_cashback", "cashback", "cancelled_cashback"):
        assert isinstance(shown[key], str)
        assert pattern.fullmatch(shown[key]), (key, shown[key])
    # the amount and refund are shown exactly as given, since they are in minor units already
    assert Decimal(shown["amount"]) == order.amount


@st.composite
def order_books(draw):
    """Several orders with distinct ids, and disputes for them."""
    count = draw(st.integers(1, 8))
    book, all_disputes = [], []
    for index in range(count):
        order = draw(orders(order_id=f"O{index}"))
        book.append(order)
        all_disputes.extend(draw(disputes_for(order)))
    return book, all_disputes, draw(st.sampled_from(ROUNDINGS))


@settings(max_examples=60, deadline=None)
@given(order_books())
def test_totals_are_the_sums_of_the_rows_per_currency_and_status(book):
    orders_list, disputes, rounding = book
    evaluation = Evaluation(disputes, AS_OF, lambda _order: Policy(rounding=rounding))
    results = list(evaluation.results(orders_list))
    assert evaluation.problems == []
    assert len(results) + evaluation.left_out_future == len(orders_list)

    sums: dict[str, dict[str, Decimal | int]] = defaultdict(
        lambda: {"orders": 0, "pending": Decimal(0), "confirmed": Decimal(0), "cancelled": Decimal(0)}
    )
    for result in results:
        row = sums[result.currency]
        row["orders"] += 1
        if result.status is not Status.CANCELLED:
            row[result.status.value] += result.cashback
        row["cancelled"] += result.cancelled_cashback

    totals = evaluation.totals.by_currency
    assert sorted(totals) == sorted(sums)
    for currency, row in sums.items():
        got = totals[currency]
        assert (got.orders, got.pending, got.confirmed, got.cancelled) == tuple(row.values())

    shown = totals_object(evaluation.totals)
    for currency, row in sums.items():
        pattern = money_pattern(currency)
        assert shown[currency]["orders"] == row["orders"]
        for key in ("pending", "confirmed", "cancelled"):
            assert pattern.fullmatch(shown[currency][key])
            assert Decimal(shown[currency][key]) == row[key]
