"""The core's exact edges: what the rule tests leave open, found by mutation testing (docs/development.md).

One test per rule or per figure, each expected value worked out by hand in a comment. Errors are
checked as the user reads them: the field, the value shown, the English words of the expectation
and the record pointed at.
"""

from __future__ import annotations

from datetime import date
from decimal import Context, Decimal, Inexact, localcontext

import pytest

from cashback_cli.core.money import format_money, format_percent, round_money
from cashback_cli.core.records import Dispute, Order, Policy, Reported, Source, Status
from cashback_cli.core.rules import RuleError, evaluate_order
from cashback_cli.core.timeline import Period, Waiting, period_of, timeline
from cashback_cli.core.totals import Totals
from cashback_cli.i18n import use_language
from cashback_cli.output.messages import expected_text

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


def dispute(opened: date, resolved: date | None = None, refund: str | None = None, line: int = 2) -> Dispute:
    return Dispute(
        order_id="O1",
        opened_at=opened,
        resolved_at=resolved,
        refund_amount=None if refund is None else D(refund),
        source=Source("disputes.csv", line),
    )


def evaluate(the_order: Order, disputes=(), as_of: date = AS_OF, policy: Policy | None = None):
    return evaluate_order(the_order, list(disputes), as_of, policy or Policy())


def money(*texts: str) -> tuple[Decimal, ...]:
    return tuple(D(text) for text in texts)


def refused(the_order: Order, disputes=(), as_of: date = AS_OF) -> tuple[str, str, str, Source | None]:
    """(field, value shown, expectation in English words, record at fault) of the RuleError raised."""
    with pytest.raises(RuleError) as caught:
        evaluate(the_order, disputes, as_of)
    error = caught.value
    use_language("en")
    return error.field, error.value, expected_text(error.expected), error.source


# --- rule 1: every dispute counts, whatever its place in the file ---------------------------------


def test_rule_1_a_dispute_not_opened_yet_does_not_hide_the_disputes_after_it():
    disputes = [
        dispute(date(2026, 11, 25), date(2026, 11, 26), "100"),  # opened after as_of: does not exist
        dispute(date(2026, 10, 5), date(2026, 10, 20), "40"),
    ]
    result = evaluate(order(), disputes)
    # the second dispute counts: C = (100 − 40) × 5% = 3.00, cancelled 5.00 − 3.00 = 2.00;
    # confirm_on = max(hold end 10-16, resolved 10-20) = 10-20
    assert (result.refunded, result.cashback, result.cancelled_cashback) == (D("40"), D("3.00"), D("2.00"))
    assert (result.status, result.confirm_on) == (Status.CONFIRMED, date(2026, 10, 20))


def test_rule_1_an_open_dispute_does_not_hide_the_resolved_disputes_after_it():
    disputes = [dispute(date(2026, 11, 1)), dispute(date(2026, 10, 5), date(2026, 10, 10), "20")]
    result = evaluate(order(), disputes)
    # the resolved refund counts already: C = (100 − 20) × 5% = 4.00; the open one freezes the order
    assert (result.refunded, result.cashback, result.cancelled_cashback) == (D("20"), D("4.00"), D("1.00"))
    assert (result.status, result.confirm_on, result.reason) == (Status.PENDING, None, "dispute open")


# --- rule 2: refunds above the amount name the refund that took the total past it ----------------


def test_rule_2_refunds_above_the_amount_point_at_the_last_resolved_dispute():
    disputes = [
        dispute(date(2026, 10, 2), date(2026, 11, 10), "60.00", line=2),  # resolved last: 41 + 60 > 100
        dispute(date(2026, 10, 5), date(2026, 10, 6), "41.00", line=3),  # opened later, resolved first
        dispute(date(2026, 11, 20), line=4),  # still open: not counted
        dispute(date(2026, 11, 20), date(2026, 11, 30), "0", line=5),  # resolved after as_of: open
    ]
    assert refused(order(), disputes) == (
        "refund_amount",
        "101.00",  # 60.00 + 41.00
        "refunds adding up to at most the order amount 100.00",
        Source("disputes.csv", 2),
    )


def test_rule_2_a_refund_resolved_on_the_as_of_date_itself_is_the_one_at_fault():
    disputes = [
        dispute(date(2026, 10, 5), date(2026, 10, 6), "41.00", line=3),
        dispute(AS_OF, AS_OF, "60.00", line=7),  # opened and resolved on as_of: counted, and last
    ]
    assert refused(order(), disputes)[::3] == ("refund_amount", Source("disputes.csv", 7))


# --- rule 3: no rate anywhere ------------------------------------------------------------------------


def test_rule_3_an_order_with_no_rate_and_no_policy_rate_names_the_missing_field():
    # nothing was given, so the value shown is empty; the order itself is at fault (no dispute)
    assert refused(order(cashback_rate=None)) == (
        "cashback_rate",
        "",
        "a cashback rate or expected cashback in the row, or --rate",
        None,
    )


# --- rule 6: the reason of a confirmed order ----------------------------------------------------------


def test_rule_6_a_confirmed_order_says_since_when():
    result = evaluate(order())  # 10-01 + 15 days = 10-16, before as_of 11-24
    assert (result.status, result.reason) == (Status.CONFIRMED, "confirmed on 2026-10-16")


def test_the_result_keeps_the_orders_date_store_and_title_for_the_report():
    result = evaluate(order(store="AliExpress", title="Phone case"))
    assert (result.order_id, result.ordered_at, result.store, result.title) == (
        "O1",
        ORDERED,
        "AliExpress",
        "Phone case",
    )


# --- rule 7: amounts and refunds in the currency's minor unit ------------------------------------------


@pytest.mark.parametrize(
    ("currency", "amount", "words"),
    [
        ("USD", "10.005", "at most 2 decimal places, as USD has"),
        ("JPY", "100.5", "at most 0 decimal places, as JPY has"),
        ("KWD", "1.0005", "at most 3 decimal places, as KWD has"),
    ],
)
def test_rule_7_an_amount_finer_than_the_minor_unit_is_refused_even_with_no_dispute(currency, amount, words):
    assert refused(order(currency=currency, amount=D(amount))) == ("amount", amount, words, None)


def test_rule_7_a_refund_finer_than_the_minor_unit_is_refused_from_the_day_its_dispute_opens():
    # opened on as_of itself, resolved later: the dispute exists (rule 1), so its refund is read
    disputes = [dispute(AS_OF, date(2026, 11, 30), "0.005", line=9)]
    assert refused(order(), disputes) == (
        "refund_amount",
        "0.005",
        "at most 2 decimal places, as USD has",
        Source("disputes.csv", 9),
    )


def test_rule_7_rounding_is_the_rules_own_whatever_the_ambient_decimal_context():
    # a caller that traps inexact arithmetic must not see the rules' deliberate rounding as an accident
    trapping = Context(traps=[Inexact])
    with localcontext(trapping):
        result = evaluate(order(amount=D("100.50")), [dispute(date(2026, 10, 5), date(2026, 10, 6), "40.00")])
        # E = 100.50 × 5% = 5.025 → 5.03 (half-up); C = 60.50 × 5% = 3.025 → 3.03; cancelled 2.00
        figures = (result.expected_cashback, result.cashback, result.cancelled_cashback)
        assert figures == money("5.03", "3.03", "2.00")
        assert round_money(D("0.125"), "USD", "half-up") == D("0.13")


def test_rule_7_a_reported_cashback_is_rounded_the_rules_own_way_whatever_the_ambient_context():
    # a cabinet's figure of 3.025 is rounded like every other figure: 3.025 → 3.03 (half-up); the
    # ambient context traps inexact arithmetic, so rounding anywhere but in the rules' own exact
    # context would raise instead
    with localcontext(Context(traps=[Inexact])):
        result = evaluate(order(reported=Reported(cashback=D("3.025"))))
    assert result.reported.cashback == D("3.03")


def test_rule_7_a_reported_commission_share_is_rounded_the_rules_own_way_whatever_the_ambient_context():
    # the network's commission 6.05 at a 50 % share: 6.05 × 50 / 100 = 3.025 → 3.03 (half-up), with
    # the ambient context trapping inexact arithmetic
    with localcontext(Context(traps=[Inexact])):
        result = evaluate(order(reported=Reported(commission=D("6.05"))), policy=Policy(share=D("50")))
    assert result.reported.cashback == D("3.03")


@pytest.mark.parametrize(
    ("value", "currency", "rounding", "text"),
    [
        ("0.125", "USD", "half-up", "0.13"),
        ("0.125", "USD", "half-even", "0.12"),  # the tie goes to the even cent
        ("0.135", "USD", "half-even", "0.14"),
        ("0.129", "USD", "down", "0.12"),
        ("120.5", "JPY", "half-up", "121"),  # no minor unit
        ("1.5", "KWD", "half-up", "1.500"),  # three digits
        ("1.0005", "KWD", "half-up", "1.001"),
        ("3", "EUR", "half-up", "3.00"),
    ],
)
def test_rule_7_money_is_shown_with_exactly_the_minor_unit_digits(value, currency, rounding, text):
    assert format_money(D(value), currency, rounding) == text


def test_rule_7_a_rate_is_shown_in_full_without_trailing_zeros_or_exponent():
    assert [format_percent(D(rate)) for rate in ("5.00", "4.50", "10", "0.25")] == ["5", "4.5", "10", "0.25"]
    with localcontext(Context(prec=2)):  # a narrow ambient precision must not cut 4.5678 to 4.6
        assert format_percent(D("4.5678")) == "4.5678"


# --- rule 7: totals of several runs (a worker per share of a big file) ------------------------------------


def _totals(results) -> Totals:
    totals = Totals()
    for result in results:
        totals.add(result)
    return totals


def _sums(totals: Totals) -> dict[str, tuple]:
    return {
        currency: (sums.orders, sums.pending, sums.confirmed, sums.cancelled)
        for currency, sums in totals.by_currency.items()
    }


def test_rule_7_totals_of_two_runs_merge_into_the_totals_of_one_run():
    refund_40 = dispute(date(2026, 10, 5), date(2026, 10, 6), "40")
    refund_all = dispute(date(2026, 10, 5), date(2026, 10, 6), "100")
    first = [
        evaluate(order(order_id="a")),  # 5.00 confirmed
        evaluate(order(order_id="b"), [refund_40]),  # 3.00 confirmed, 2.00 cancelled
        evaluate(order(order_id="f", ordered_at=date(2026, 11, 21), amount=D("60.00"))),  # 3.00 pending
    ]
    second = [
        evaluate(order(order_id="c", ordered_at=date(2026, 11, 20))),  # 5.00 pending until 12-05
        evaluate(order(order_id="d", amount=D("60.00"), cashback_rate=D("10")), [dispute(date(2026, 11, 1))]),
        # d: 60 × 10% = 6.00, pending on an open dispute
        evaluate(order(order_id="g"), [refund_all]),  # refunded in full: 5.00 cancelled
        evaluate(order(order_id="e", currency="JPY", amount=D("1010"))),  # 1010 × 5% = 50.5 → 51 confirmed
    ]
    merged = _totals(first)
    merged.merge(_totals(second))
    expected = {
        # pending 3 + 5 + 6; confirmed 5 + 3; cancelled 2 + 5
        "USD": (6, D("14.00"), D("8.00"), D("7.00")),
        "JPY": (1, D("0"), D("51"), D("0")),  # only in the second run
    }
    assert _sums(merged) == expected
    assert _sums(_totals(first + second)) == expected  # the same as one run over all seven
    into_nothing = Totals()
    into_nothing.merge(_totals(second))
    assert _sums(into_nothing) == {
        "USD": (3, D("11.00"), D("0"), D("5.00")),
        "JPY": (1, D("0"), D("51"), D("0")),
    }


# --- the timeline of pending cashback ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "by", "start", "end"),
    [
        (date(2026, 12, 31), "day", date(2026, 12, 31), date(2026, 12, 31)),
        (date(2026, 11, 30), "week", date(2026, 11, 30), date(2026, 12, 6)),  # a Monday starts its week
        (date(2026, 12, 6), "week", date(2026, 11, 30), date(2026, 12, 6)),  # a Sunday ends it
        (date(2027, 1, 1), "week", date(2026, 12, 28), date(2027, 1, 3)),  # a Friday: across the year end
        (date(2026, 1, 31), "month", date(2026, 1, 1), date(2026, 1, 31)),
        (date(2026, 4, 30), "month", date(2026, 4, 1), date(2026, 4, 30)),
        (date(2026, 12, 31), "month", date(2026, 12, 1), date(2026, 12, 31)),  # the next month is in 2027
        (date(2026, 2, 28), "month", date(2026, 2, 1), date(2026, 2, 28)),
        (date(2028, 2, 1), "month", date(2028, 2, 1), date(2028, 2, 29)),  # 2028 is a leap year
        (date(2028, 2, 29), "month", date(2028, 2, 1), date(2028, 2, 29)),
        (date(2000, 2, 10), "month", date(2000, 2, 1), date(2000, 2, 29)),  # divisible by 400: leap
        (date(2100, 2, 15), "month", date(2100, 2, 1), date(2100, 2, 28)),  # divisible by 100 only: not leap
    ],
)
def test_periods_at_month_and_year_ends(day, by, start, end):
    assert period_of(day, by) == (start, end)


def test_timeline_counts_and_sums_the_pending_cashback_of_each_period():
    results = [
        evaluate(order(order_id="a", ordered_at=date(2026, 11, 20))),  # 5.00, confirm_on 12-05 (Sat)
        evaluate(order(order_id="b", ordered_at=date(2026, 11, 21), amount=D("60.00"))),  # 3.00, 12-06 (Sun)
        evaluate(order(order_id="c", ordered_at=date(2026, 11, 22), amount=D("40.00"))),  # 2.00, 12-07 (Mon)
        evaluate(order(order_id="j", ordered_at=date(2026, 11, 20), currency="JPY", amount=D("1000"))),  # 50
        evaluate(order(order_id="done")),  # confirmed on 10-16: not pending, left out
        evaluate(order(order_id="w1"), [dispute(date(2026, 11, 1))]),  # 5.00 frozen by an open dispute
        evaluate(order(order_id="w2", amount=D("20.00")), [dispute(date(2026, 11, 2))]),  # 1.00 frozen
    ]
    by_week = timeline(results, "week")
    assert by_week.periods == [
        Period(date(2026, 11, 30), date(2026, 12, 6), "JPY", 1, D("50")),
        Period(date(2026, 11, 30), date(2026, 12, 6), "USD", 2, D("8.00")),  # 5.00 + 3.00
        Period(date(2026, 12, 7), date(2026, 12, 13), "USD", 1, D("2.00")),
    ]
    assert by_week.waiting_on_dispute == {"USD": Waiting(2, D("6.00"))}  # 5.00 + 1.00
    assert timeline(results, "month").periods == [
        Period(date(2026, 12, 1), date(2026, 12, 31), "JPY", 1, D("50")),
        Period(date(2026, 12, 1), date(2026, 12, 31), "USD", 3, D("10.00")),  # 5.00 + 3.00 + 2.00
    ]
