"""Leads: orders a network pays a fixed commission on, with no order amount (docs/rules.md,
"Network exports"). Every field of the result is worked out by hand from the rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cashback_cli.core.records import Dispute, DisputePolicy, Order, OrderResult, Policy, Reported, Status
from cashback_cli.core.rules import RuleError, evaluate_order

D = Decimal
AS_OF = date(2026, 11, 24)
ORDERED = date(2026, 10, 1)  # the 15-day hold ends on 2026-10-16
HOLD_END = date(2026, 10, 16)


def lead(**fields) -> Order:
    values = {"order_id": "L1", "ordered_at": ORDERED, "amount": None, "expected_cashback": D("7.505")}
    values.update(fields)
    return Order(**values)


def result(**fields) -> OrderResult:
    values = {
        "order_id": "L1",
        "ordered_at": ORDERED,
        "currency": "USD",
        "amount": None,
        "refunded": D("0"),
        "rate": None,
        "expected_cashback": D("7.51"),
        "cashback": D("7.51"),
        "cancelled_cashback": D("0.00"),
        "status": Status.CONFIRMED,
        "confirm_on": HOLD_END,
        "reason": "confirmed on 2026-10-16",
    }
    values.update(fields)
    return OrderResult(**values)


def test_a_lead_past_its_hold_is_confirmed_with_its_fixed_figure_rounded():
    found = evaluate_order(lead(store="Shop", title="Sign-up"), (), AS_OF, Policy())
    assert found == result(store="Shop", title="Sign-up")


def test_a_lead_within_its_hold_is_pending():
    found = evaluate_order(lead(), (), date(2026, 10, 15), Policy())
    assert found == result(status=Status.PENDING, reason="on hold until 2026-10-16")


def test_a_lead_on_its_last_day_of_hold_is_confirmed():
    assert evaluate_order(lead(), (), HOLD_END, Policy()).status is Status.CONFIRMED


def test_an_open_dispute_freezes_a_lead_with_its_cashback_whole():
    disputes = (Dispute("L1", date(2026, 10, 5)),)
    found = evaluate_order(lead(), disputes, AS_OF, Policy())
    assert found == result(status=Status.PENDING, confirm_on=None, reason="dispute open")


def test_a_dispute_resolved_after_the_hold_moves_a_lead_s_confirmation():
    disputes = (
        Dispute("L1", date(2026, 10, 5), date(2026, 11, 1)),
        Dispute("L1", date(2026, 10, 6), date(2026, 10, 20)),
    )
    found = evaluate_order(lead(), disputes, AS_OF, Policy())
    assert found == result(confirm_on=date(2026, 11, 1), reason="confirmed on 2026-11-01")


def test_a_dispute_opened_after_the_as_of_date_does_not_touch_a_lead():
    disputes = (Dispute("L1", date(2026, 11, 30)),)
    assert evaluate_order(lead(), disputes, AS_OF, Policy(dispute_policy=DisputePolicy.CANCEL)) == result()


def test_the_cancel_policy_cancels_a_disputed_lead():
    disputes = (Dispute("L1", date(2026, 10, 5), date(2026, 10, 9)),)
    found = evaluate_order(lead(), disputes, AS_OF, Policy(dispute_policy=DisputePolicy.CANCEL))
    expected = result(cashback=D("0.00"), cancelled_cashback=D("7.51"), status=Status.CANCELLED)
    assert found == expected._replace(confirm_on=HOLD_END, reason="dispute opened")


def test_a_lead_s_figure_is_capped_and_rounded_in_its_currency():
    capped = evaluate_order(lead(max_cashback=D("3")), (), AS_OF, Policy())
    assert (capped.expected_cashback, capped.cashback) == (D("3.00"), D("3.00"))
    yen = evaluate_order(lead(currency="JPY", expected_cashback=D("7.5")), (), AS_OF, Policy())
    assert (yen.currency, yen.expected_cashback, yen.cashback, yen.cancelled_cashback) == ("JPY", 8, 8, 0)
    down = evaluate_order(lead(), (), AS_OF, Policy(rounding="down"))
    assert down.cashback == D("7.50")


def test_a_lead_paid_as_a_commission_gets_the_policy_s_share_of_it():
    found = evaluate_order(
        lead(expected_cashback=None, commission=D("10.01")), (), AS_OF, Policy(share=D("50"))
    )
    assert (found.expected_cashback, found.cashback) == (D("5.01"), D("5.01"))  # 5.005 half-up


def test_a_lead_s_reported_figure_is_rounded_like_the_rest():
    reported = Reported(status=Status.PENDING, network_status="pending", cashback=D("7.004"))
    found = evaluate_order(lead(reported=reported), (), AS_OF, Policy())
    assert found.reported == reported._replace(cashback=D("7.00"))
    assert found._replace(reported=None) == result()


def test_a_lead_with_no_figure_is_refused():
    with pytest.raises(RuleError) as caught:
        evaluate_order(lead(expected_cashback=None), (), AS_OF, Policy(rate=D("5")))
    assert (caught.value.field, caught.value.value) == ("amount", "")  # no amount was written
    assert caught.value.expected.what == "amount_or_fixed"


def test_a_refund_on_a_lead_is_refused():
    disputes = (Dispute("L1", date(2026, 10, 5), date(2026, 10, 9), D("1.00")),)
    with pytest.raises(RuleError) as caught:
        evaluate_order(lead(), disputes, AS_OF, Policy())
    assert (caught.value.field, caught.value.value) == ("refund_amount", "1.00")
    assert caught.value.expected.what == "no_refund_without_amount"
