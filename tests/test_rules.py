"""One test per rule of docs/rules.md, with the expected figures worked out by hand from the rule."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from cashback_cli.core.problems import Problem
from cashback_cli.core.records import Dispute, DisputePolicy, Order, Policy, Source, Status
from cashback_cli.core.rules import RuleError, evaluate_order
from cashback_cli.run.evaluation import Evaluation

D = Decimal
AS_OF = date(2026, 11, 24)
ORDERED = date(2026, 10, 1)  # + 15 days = 2026-10-16, well before AS_OF


def order(**fields) -> Order:
    values = {
        "order_id": "O1",
        "ordered_at": ORDERED,
        "amount": D("100.00"),
        "currency": "USD",
        "cashback_rate": D("5"),
    }
    values.update(fields)
    return Order(**values)


def dispute(opened: date, resolved: date | None = None, refund: str | None = None, order_id="O1") -> Dispute:
    return Dispute(
        order_id=order_id,
        opened_at=opened,
        resolved_at=resolved,
        refund_amount=None if refund is None else D(refund),
    )


def evaluate(the_order: Order, disputes=(), as_of: date = AS_OF, policy: Policy | None = None):
    return evaluate_order(the_order, list(disputes), as_of, policy or Policy())


def figures(result) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(refunded, expected_cashback, cashback, cancelled_cashback), compared by value."""
    return (result.refunded, result.expected_cashback, result.cashback, result.cancelled_cashback)


def money(*texts: str) -> tuple[Decimal, ...]:
    return tuple(D(text) for text in texts)


# --- rule 6: the hold period -----------------------------------------------------------------


def test_hold_period_keeps_cashback_pending_until_confirm_on():
    result = evaluate(order(ordered_at=date(2026, 11, 20)))  # 11-20 + 15 days = 12-05
    assert result.status is Status.PENDING
    assert result.confirm_on == date(2026, 12, 5)
    assert result.reason == "on hold until 2026-12-05"
    assert result.cashback == D("5.00")  # 100 × 5%


@pytest.mark.parametrize(
    ("as_of", "status"),
    [
        (date(2026, 12, 4), Status.PENDING),  # the day before the hold ends
        (date(2026, 12, 5), Status.CONFIRMED),  # as_of == confirm_on
        (date(2026, 12, 6), Status.CONFIRMED),
    ],
)
def test_hold_period_confirms_once_as_of_reaches_confirm_on(as_of, status):
    result = evaluate(order(ordered_at=date(2026, 11, 20)), as_of=as_of)
    assert result.status is status
    assert result.confirm_on == date(2026, 12, 5)


def test_hold_period_from_the_policy():
    result = evaluate(order(ordered_at=date(2026, 11, 1)), policy=Policy(hold_days=30))
    assert result.confirm_on == date(2026, 12, 1)  # 11-01 + 30 days
    assert result.status is Status.PENDING


def test_hold_period_of_the_order_wins_over_the_policy():
    result = evaluate(order(ordered_at=date(2026, 11, 1), hold_days=5), policy=Policy(hold_days=30))
    assert result.confirm_on == date(2026, 11, 6)  # 11-01 + 5 days
    assert result.status is Status.CONFIRMED


def test_hold_period_of_zero_days_confirms_on_the_order_date():
    result = evaluate(order(ordered_at=AS_OF, hold_days=0))
    assert result.confirm_on == AS_OF
    assert result.status is Status.CONFIRMED


# --- rule 4: full refund ---------------------------------------------------------------------


def test_full_refund_cancels_the_whole_cashback():
    result = evaluate(order(), [dispute(date(2026, 10, 5), date(2026, 10, 20), "100.00")])
    assert result.status is Status.CANCELLED
    # E = 100 × 5% = 5.00; nothing kept, all of E cancelled
    assert figures(result) == money("100.00", "5.00", "0.00", "5.00")
    assert result.reason == "refunded in full"


# --- rule 5: partial refund, lost dispute -------------------------------------------------------


def test_partial_refund_keeps_cashback_on_what_was_not_refunded():
    result = evaluate(order(), [dispute(date(2026, 10, 5), date(2026, 10, 20), "40")])
    # C = (100 − 40) × 5% = 3.00; cancelled = 5.00 − 3.00 = 2.00
    assert figures(result) == money("40", "5.00", "3.00", "2.00")
    assert result.status is Status.CONFIRMED


@pytest.mark.parametrize("refund", ["0", None], ids=["refund-0", "refund-empty"])
def test_dispute_lost_by_the_shopper_keeps_the_whole_cashback(refund):
    result = evaluate(order(), [dispute(date(2026, 10, 5), date(2026, 10, 20), refund)])
    assert result.refunded == 0
    assert result.cashback == result.expected_cashback == D("5.00")
    assert result.cancelled_cashback == 0
    assert result.status is Status.CONFIRMED


# --- rules 1 and 6: disputes open, resolved, not yet opened ---------------------------------------


def test_open_dispute_freezes_the_cashback():
    result = evaluate(order(), [dispute(date(2026, 11, 10))])
    assert result.status is Status.PENDING
    assert result.reason == "dispute open"
    assert result.confirm_on is None
    assert result.cashback == D("5.00")


def test_dispute_resolved_after_as_of_is_still_open_and_its_refund_not_counted():
    disputes = [dispute(date(2026, 11, 10), date(2026, 11, 30), "40")]
    result = evaluate(order(), disputes)
    assert result.status is Status.PENDING
    assert result.reason == "dispute open"
    assert result.confirm_on is None
    assert figures(result) == money("0", "5.00", "5.00", "0.00")


def test_refund_counts_from_the_day_the_dispute_is_resolved():
    disputes = [dispute(date(2026, 11, 10), date(2026, 11, 20), "40")]
    before = evaluate(order(), disputes, as_of=date(2026, 11, 19))
    on_the_day = evaluate(order(), disputes, as_of=date(2026, 11, 20))
    assert before.refunded == 0 and before.cashback == D("5.00") and before.status is Status.PENDING
    # (100 − 40) × 5% = 3.00; resolved on as_of, later than the hold end 10-16: confirmed that day
    assert figures(on_the_day) == money("40", "5.00", "3.00", "2.00")
    assert on_the_day.confirm_on == date(2026, 11, 20)
    assert on_the_day.status is Status.CONFIRMED


def test_dispute_opened_after_as_of_does_not_exist():
    disputes = [dispute(date(2026, 11, 25), date(2026, 11, 26), "100")]
    result = evaluate(order(), disputes)
    assert figures(result) == money("0", "5.00", "5.00", "0.00")
    assert result.status is Status.CONFIRMED
    assert result.confirm_on == date(2026, 10, 16)  # the hold end alone


def test_two_disputes_on_one_order_add_up():
    disputes = [
        dispute(date(2026, 10, 25), date(2026, 11, 5), "50"),
        dispute(date(2026, 11, 6), date(2026, 11, 15), "30"),
    ]
    result = evaluate(
        order(ordered_at=date(2026, 10, 20), amount=D("300.00"), cashback_rate=D("3")), disputes
    )
    # E = 300 × 3% = 9.00; refunded 80; C = 220 × 3% = 6.60; cancelled 2.40
    assert figures(result) == money("80", "9.00", "6.60", "2.40")
    # the hold ends 11-04, the last resolution is 11-15: the later one
    assert result.confirm_on == date(2026, 11, 15)


def test_confirm_on_is_the_hold_end_when_disputes_were_resolved_before_it():
    result = evaluate(
        order(ordered_at=date(2026, 11, 10)), [dispute(date(2026, 11, 11), date(2026, 11, 12), "0")]
    )
    assert result.confirm_on == date(2026, 11, 25)  # 11-10 + 15 beats the resolution on 11-12
    assert result.status is Status.PENDING
    assert result.reason == "on hold until 2026-11-25"


def test_one_dispute_open_among_resolved_ones_freezes_the_order():
    disputes = [dispute(date(2026, 10, 5), date(2026, 10, 10), "20"), dispute(date(2026, 11, 1))]
    result = evaluate(order(), disputes)
    assert result.status is Status.PENDING
    assert result.confirm_on is None
    assert result.refunded == D("20")  # the resolved dispute's refund counts already
    assert result.cashback == D("4.00")  # 80 × 5%


# --- rule 2: refunds above the amount ------------------------------------------------------------


def test_refunds_above_the_amount_are_a_data_error():
    with pytest.raises(RuleError) as caught:
        evaluate(order(), [dispute(date(2026, 10, 5), date(2026, 10, 6), "100.01")])
    assert caught.value.field == "refund_amount"


def test_refunds_adding_up_above_the_amount_are_a_data_error():
    disputes = [
        dispute(date(2026, 10, 5), date(2026, 10, 6), "60"),
        dispute(date(2026, 10, 7), date(2026, 10, 8), "41"),
    ]
    with pytest.raises(RuleError):
        evaluate(order(), disputes)


# --- rule 3: expected cashback, cap, fixed figure, missing rate --------------------------------------


def test_cap_limits_the_expected_cashback():
    result = evaluate(order(amount=D("1000.00"), cashback_rate=D("8"), max_cashback=D("40")))
    assert result.expected_cashback == D("40.00")  # 1000 × 8% = 80, capped at 40
    assert result.cashback == D("40.00")


@pytest.mark.parametrize(
    ("refund", "cashback", "cancelled"),
    [
        ("400", "40.00", "0.00"),  # 600 × 8% = 48, still above the cap: nothing lost
        ("600", "32.00", "8.00"),  # 400 × 8% = 32, under the cap
    ],
)
def test_cap_limits_the_cashback_after_a_refund(refund, cashback, cancelled):
    the_order = order(amount=D("1000.00"), cashback_rate=D("8"), max_cashback=D("40"))
    result = evaluate(the_order, [dispute(date(2026, 10, 5), date(2026, 10, 6), refund)])
    assert (result.cashback, result.cancelled_cashback) == money(cashback, cancelled)


def test_cap_from_the_policy_and_the_order_s_own_cap_wins():
    the_order = order(amount=D("1000.00"), cashback_rate=D("8"))
    assert evaluate(the_order, policy=Policy(max_cashback=D("40"))).expected_cashback == D("40.00")
    own_cap = order(amount=D("1000.00"), cashback_rate=D("8"), max_cashback=D("60"))
    assert evaluate(own_cap, policy=Policy(max_cashback=D("40"))).expected_cashback == D("60.00")


def test_fixed_expected_cashback_is_shared_over_what_was_not_refunded():
    the_order = order(amount=D("45.00"), cashback_rate=None, expected_cashback=D("2.50"))
    result = evaluate(the_order, [dispute(date(2026, 10, 5), date(2026, 10, 6), "15.00")])
    # C = 2.50 × (45 − 15) / 45 = 1.666… → 1.67; cancelled 2.50 − 1.67 = 0.83
    assert figures(result) == money("15.00", "2.50", "1.67", "0.83")
    assert result.rate is None


def test_fixed_expected_cashback_is_capped_too():
    the_order = order(cashback_rate=None, expected_cashback=D("10"), max_cashback=D("6"))
    assert evaluate(the_order).expected_cashback == D("6.00")


def test_rate_of_the_policy_fills_an_order_without_one():
    result = evaluate(order(cashback_rate=None), policy=Policy(rate=D("4.5")))
    assert result.expected_cashback == D("4.50")  # 100 × 4.5%
    assert result.rate == D("4.5")


def test_missing_rate_with_no_policy_rate_is_a_data_error():
    with pytest.raises(RuleError) as caught:
        evaluate(order(cashback_rate=None))
    assert caught.value.field == "cashback_rate"


# --- rule 7: exact money, rounding, minor units -------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "rounding", "expected"),
    [
        # 10.50 × 5% = 0.525: a tie between 0.52 and 0.53
        ("10.50", "half-up", "0.53"),
        ("10.50", "half-even", "0.52"),
        ("10.50", "down", "0.52"),
        # 10.70 × 5% = 0.535: a tie between 0.53 and 0.54, whose even neighbour is the upper one
        ("10.70", "half-up", "0.54"),
        ("10.70", "half-even", "0.54"),
        ("10.70", "down", "0.53"),
        # 10.99 × 5% = 0.5495: not a tie
        ("10.99", "half-up", "0.55"),
        ("10.99", "half-even", "0.55"),
        ("10.99", "down", "0.54"),
    ],
)
def test_rounding_mode_rounds_to_the_currency_minor_unit(amount, rounding, expected):
    result = evaluate(order(amount=D(amount)), policy=Policy(rounding=rounding))
    assert result.expected_cashback == D(expected)
    assert result.cashback == D(expected)


def test_rounding_is_half_up_by_default():
    assert evaluate(order(amount=D("10.50"))).expected_cashback == D("0.53")


@pytest.mark.parametrize(("rounding", "expected"), [("half-up", "51"), ("half-even", "50"), ("down", "50")])
def test_jpy_has_no_minor_digits(rounding, expected):
    result = evaluate(order(amount=D("1010"), currency="JPY"), policy=Policy(rounding=rounding))
    assert result.expected_cashback == D(expected)  # 1010 × 5% = 50.5


def test_jpy_partial_refund_rounds_to_whole_yen():
    result = evaluate(
        order(amount=D("1000"), currency="JPY"), [dispute(date(2026, 10, 5), date(2026, 10, 6), "333")]
    )
    # E = 50; C = 667 × 5% = 33.35 → 33; cancelled 50 − 33 = 17
    assert figures(result) == money("333", "50", "33", "17")


@pytest.mark.parametrize(
    ("rounding", "expected"), [("half-up", "1.235"), ("half-even", "1.234"), ("down", "1.234")]
)
def test_kwd_has_three_minor_digits(rounding, expected):
    result = evaluate(
        order(amount=D("12.345"), currency="KWD", cashback_rate=D("10")), policy=Policy(rounding=rounding)
    )
    assert result.expected_cashback == D(expected)  # 12.345 × 10% = 1.2345


def test_currency_of_the_policy_fills_an_order_without_one():
    result = evaluate(order(currency=None, amount=D("1010")), policy=Policy(currency="JPY"))
    assert result.currency == "JPY"
    assert result.expected_cashback == D("51")


def test_money_is_exact_decimal():
    result = evaluate(order(), [dispute(date(2026, 10, 5), date(2026, 10, 6), "33.33")])
    for value in (
        result.amount,
        result.refunded,
        result.expected_cashback,
        result.cashback,
        result.cancelled_cashback,
    ):
        assert isinstance(value, Decimal)
    assert result.cashback == D("3.33")  # 66.67 × 5% = 3.3335 → 3.33


# --- rule 9: dispute policy "cancel" ----------------------------------------------------------------


@pytest.mark.parametrize(
    "the_dispute",
    [
        dispute(date(2026, 11, 10)),  # still open
        dispute(date(2026, 10, 5), date(2026, 10, 6), "0"),  # lost by the shopper
        dispute(date(2026, 10, 5), date(2026, 10, 6)),  # resolved, empty refund
        dispute(date(2026, 10, 5), date(2026, 10, 6), "40"),  # partial refund
        dispute(date(2026, 10, 5), date(2026, 10, 6), "100"),  # full refund
        dispute(date(2026, 11, 24), date(2026, 11, 24), "0"),  # opened on as_of itself
    ],
    ids=["open", "lost", "empty-refund", "partial", "full", "opened-on-as-of"],
)
def test_cancel_policy_cancels_on_any_dispute_opened_by_as_of(the_dispute):
    result = evaluate(order(), [the_dispute], policy=Policy(dispute_policy=DisputePolicy.CANCEL))
    assert result.status is Status.CANCELLED
    assert result.reason == "dispute opened"
    assert (result.cashback, result.cancelled_cashback, result.expected_cashback) == (0, D("5.00"), D("5.00"))


def test_cancel_policy_ignores_a_dispute_opened_after_as_of():
    result = evaluate(
        order(), [dispute(date(2026, 11, 25))], policy=Policy(dispute_policy=DisputePolicy.CANCEL)
    )
    assert result.status is Status.CONFIRMED
    assert result.cashback == D("5.00")


def test_proportional_policy_is_the_default():
    assert Policy().dispute_policy is DisputePolicy.PROPORTIONAL


# --- rule 8 and checks across records: Evaluation ---------------------------------------------------


def run(orders, disputes=(), as_of=AS_OF):
    evaluation = Evaluation(disputes, as_of, lambda _order: Policy())
    return evaluation, list(evaluation.results(orders))


def test_orders_dated_after_as_of_are_left_out_and_counted():
    orders = [
        order(order_id="past"),
        order(order_id="today", ordered_at=AS_OF),
        order(order_id="future1", ordered_at=AS_OF + timedelta(days=1)),
        order(order_id="future2", ordered_at=date(2027, 1, 1)),
    ]
    evaluation, results = run(orders)
    assert [r.order_id for r in results] == ["past", "today"]
    assert evaluation.left_out_future == 2
    assert evaluation.problems == []
    assert evaluation.totals.by_currency["USD"].orders == 2


def test_dispute_for_an_unknown_order_is_a_problem():
    orphan = Dispute("nope", date(2026, 10, 5), source=Source("disputes.csv", 4))
    evaluation, results = run([order()], [orphan])
    assert len(results) == 1
    assert [(p.file, p.line, p.field, p.value) for p in evaluation.problems] == [
        ("disputes.csv", 4, "order_id", "nope")
    ]


def test_refunds_above_the_amount_become_a_problem_not_a_crash():
    the_order = order(source=Source("orders.csv", 2))
    evaluation, results = run([the_order], [dispute(date(2026, 10, 5), date(2026, 10, 6), "150")])
    assert results == []
    assert [(p.file, p.line, p.field) for p in evaluation.problems] == [("orders.csv", 2, "refund_amount")]


def test_loader_problems_pass_through_the_evaluation():
    bad_row = Problem("orders.csv", 5, "amount", "abc", "a number")
    evaluation, results = run([order(), bad_row])
    assert len(results) == 1
    assert evaluation.problems == [bad_row]


def test_totals_are_sums_of_the_rounded_rows_per_currency_and_status():
    orders = [
        order(order_id="a", amount=D("10.50")),  # 0.525 → 0.53 confirmed
        order(order_id="b", amount=D("10.50")),  # 0.53 confirmed
        order(order_id="c", ordered_at=date(2026, 11, 20)),  # 5.00 pending
        order(order_id="d"),  # refund 40: 3.00 confirmed, 2.00 cancelled
        order(order_id="e"),  # refunded in full: 5.00 cancelled
        order(order_id="f", currency="JPY", amount=D("1010")),  # 51 JPY confirmed
    ]
    disputes = [
        dispute(date(2026, 10, 5), date(2026, 10, 6), "40", order_id="d"),
        dispute(date(2026, 10, 5), date(2026, 10, 6), "100", order_id="e"),
    ]
    evaluation, _ = run(orders, disputes)
    usd, jpy = evaluation.totals.by_currency["USD"], evaluation.totals.by_currency["JPY"]
    # the rounded rows a and b add up to 0.53 + 0.53 = 1.06, not round(21.00 × 5%) = 1.05
    assert (usd.orders, usd.pending, usd.confirmed, usd.cancelled) == (5, D("5.00"), D("4.06"), D("7.00"))
    assert (jpy.orders, jpy.pending, jpy.confirmed, jpy.cancelled) == (1, 0, D("51"), 0)
