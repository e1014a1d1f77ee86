"""Plain orders share their terms per policy (a cache); an order with its own cap, fixed
cashback or hold days keeps its own figures, whichever of the two is evaluated first.

Each test uses a policy no other test uses, so what an earlier test left in the cache cannot
hide a mistake. The figures are worked out by hand from docs/rules.md, rules 3 and 6.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cashback_cli.core.records import Order, Policy, Status
from cashback_cli.core.rules import evaluate_order
from cashback_cli.run.evaluation import Evaluation

D = Decimal
AS_OF = date(2026, 11, 24)


def _plain(order_id: str, **fields) -> Order:
    values = {
        "ordered_at": date(2026, 10, 1),
        "amount": D("1000.00"),
        "currency": "USD",
        "cashback_rate": D("8"),
    }
    values.update(fields)
    return Order(order_id, **values)


# (own order, plain order, policy, what each must get)
CASES = {
    # own cap 40: 1000 × 8% = 80 → 40.00; plain: 80.00 (the policy has no cap)
    "own-cap": (
        _plain("own", max_cashback=D("40")),
        _plain("plain"),
        Policy(hold_days=21),
        {"own": ("40.00", "40.00", "2026-10-22"), "plain": ("80.00", "80.00", "2026-10-22")},
    ),
    # own cap 60 above the policy's 40: 60.00; plain: the policy's cap, 40.00
    "own-cap-over-policy-cap": (
        _plain("own", max_cashback=D("60")),
        _plain("plain"),
        Policy(hold_days=22, max_cashback=D("40")),
        {"own": ("60.00", "60.00", "2026-10-23"), "plain": ("40.00", "40.00", "2026-10-23")},
    ),
    # own fixed 2.50 (rate ignored); plain: 1000 × 8% = 80.00
    "own-fixed": (
        _plain("own", expected_cashback=D("2.50")),
        _plain("plain"),
        Policy(hold_days=23),
        {"own": ("2.50", "2.50", "2026-10-24"), "plain": ("80.00", "80.00", "2026-10-24")},
    ),
    # own fixed 0: E = 0.00; plain: 80.00
    "own-fixed-zero": (
        _plain("own", expected_cashback=D("0")),
        _plain("plain"),
        Policy(hold_days=24),
        {"own": ("0.00", "0.00", "2026-10-25"), "plain": ("80.00", "80.00", "2026-10-25")},
    ),
    # own hold 5: 10-01 + 5 = 10-06; plain: the policy's 60 days, 10-01 + 60 = 11-30 (after as_of)
    "own-hold": (
        _plain("own", hold_days=5),
        _plain("plain"),
        Policy(hold_days=60),
        {"own": ("80.00", "80.00", "2026-10-06"), "plain": ("80.00", "80.00", "2026-11-30")},
    ),
    # own hold 0: confirmed on the order date; plain: 10-01 + 61 = 12-01
    "own-hold-zero": (
        _plain("own", hold_days=0),
        _plain("plain"),
        Policy(hold_days=61),
        {"own": ("80.00", "80.00", "2026-10-01"), "plain": ("80.00", "80.00", "2026-12-01")},
    ),
}


def _check(result, expected: tuple[str, str, str]) -> None:
    expected_cashback, cashback, confirm_on = expected
    assert result.expected_cashback == D(expected_cashback), result.order_id
    assert result.cashback == D(cashback), result.order_id
    assert result.confirm_on == date.fromisoformat(confirm_on), result.order_id
    assert result.status is (Status.CONFIRMED if result.confirm_on <= AS_OF else Status.PENDING)


@pytest.mark.parametrize("first", ["own", "plain"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_each_order_gets_its_own_terms_through_the_core(case, first):
    own, plain, policy, expected = CASES[case]
    # a fresh but equal policy per case and order: the cache is keyed by value
    policy = policy._replace(rate=D(1 if first == "own" else 2))
    orders = [own, plain] if first == "own" else [plain, own]
    for order in orders * 2:  # and again, now that the cache holds both
        _check(evaluate_order(order, [], AS_OF, policy), expected[order.order_id])


@pytest.mark.parametrize("first", ["own", "plain"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_each_order_gets_its_own_terms_through_an_evaluation(case, first):
    own, plain, policy, expected = CASES[case]
    policy = policy._replace(rate=D(3 if first == "own" else 4))
    orders = [own, plain] if first == "own" else [plain, own]
    evaluation = Evaluation([], AS_OF, lambda _order: policy)  # one policy object for both
    results = list(evaluation.results(orders))
    assert evaluation.problems == []
    assert [r.order_id for r in results] == [o.order_id for o in orders]
    for result in results:
        _check(result, expected[result.order_id])


@pytest.mark.parametrize("first", ["JPY", "USD"])
def test_plain_orders_in_two_currencies_under_one_policy_keep_their_currency(first):
    # 1010 × 5%: 50.5 → 51 JPY (no minor digits); 50.50 USD. The second has no currency: the policy's USD.
    policy = Policy(hold_days=25, rate=D("5"))
    jpy = Order("jpy", date(2026, 10, 1), D("1010"), "JPY")
    usd = Order("usd", date(2026, 10, 1), D("1010"), None)
    orders = [jpy, usd] if first == "JPY" else [usd, jpy]
    results = {r.order_id: r for r in (evaluate_order(o, [], AS_OF, policy) for o in orders)}
    assert (results["jpy"].currency, results["jpy"].expected_cashback) == ("JPY", D("51"))
    assert (results["usd"].currency, results["usd"].expected_cashback) == ("USD", D("50.50"))


@pytest.mark.parametrize("first", ["order-rate", "policy-rate"])
def test_plain_orders_with_and_without_a_rate_under_one_policy(first):
    # own rate 8: 1000 × 8% = 80.00; no rate: the policy's 2.5 → 25.00
    policy = Policy(hold_days=26, rate=D("2.5"))
    with_rate = _plain("with")
    without = _plain("without", cashback_rate=None)
    orders = [with_rate, without] if first == "order-rate" else [without, with_rate]
    results = {r.order_id: r for r in (evaluate_order(o, [], AS_OF, policy) for o in orders)}
    assert (results["with"].rate, results["with"].expected_cashback) == (D("8"), D("80.00"))
    assert (results["without"].rate, results["without"].expected_cashback) == (D("2.5"), D("25.00"))


def test_plain_orders_under_two_policies_get_each_policy_s_terms():
    # the same plain order: hold 27 → 10-28; hold 28 → 10-29; rounding half-up 0.53 vs down 0.52 (10.50 × 5%)
    order = _plain("p", amount=D("10.50"), cashback_rate=D("5"))
    first = evaluate_order(order, [], AS_OF, Policy(hold_days=27))
    second = evaluate_order(order, [], AS_OF, Policy(hold_days=28, rounding="down"))
    assert (first.confirm_on, first.expected_cashback) == (date(2026, 10, 28), D("0.53"))
    assert (second.confirm_on, second.expected_cashback) == (date(2026, 10, 29), D("0.52"))
