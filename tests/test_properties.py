"""Invariants of the rules over random valid orders and disputes (hypothesis)."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from hypothesis import given, settings
from hypothesis import strategies as st

from cashback_cli.core.records import Dispute, DisputePolicy, Order, Policy, Status
from cashback_cli.core.rules import evaluate_order
from cashback_cli.output.render import order_object, write_json_report
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


# --- an independent reference: docs/rules.md's rules in integer minor units --------------------------------
#
# Written from the words of docs/rules.md (rules 1–7 and 9) and the README's "Decisions", without the
# rules module: money is an int count of minor units (cents, yen, fils); a rate is an int count
# of hundredths of a percent; a fixed cashback and a cap may be finer than the minor unit, so they
# are ints of tenths of it. Quotients stay as (numerator, denominator) until they are rounded.


class Case(NamedTuple):
    """One order and its disputes as plain ints and dates, and the policy it is evaluated under."""

    currency: str  # the currency that applies (the order's, else the policy's)
    order_currency: str | None
    ordered_at: date
    amount: int  # minor units
    rate: int | None  # the order's rate, hundredths of a percent
    fixed: int | None  # the order's fixed expected cashback, tenths of a minor unit
    cap: int | None  # the order's cap, tenths of a minor unit
    hold_days: int | None
    disputes: tuple[tuple[date, date | None, int | None], ...]  # (opened, resolved, refund units)
    as_of: date
    policy_rate: int | None
    policy_cap: int | None
    policy_hold_days: int
    rounding: str
    cancel_policy: bool


def round_units(numerator: int, denominator: int, rounding: str) -> int:
    """A non-negative quotient of minor units, rounded to a whole minor unit."""
    whole, rest = divmod(numerator, denominator)
    if rounding == "down":
        return whole
    if rounding == "half-up":
        return whole + (2 * rest >= denominator)
    return whole + (2 * rest > denominator or (2 * rest == denominator and whole % 2 == 1))  # half-even


def capped(numerator: int, denominator: int, cap_tenths: int | None) -> tuple[int, int]:
    """The smaller of a quotient and the cap (tenths of a minor unit), still as a quotient."""
    if cap_tenths is not None and numerator * 10 > cap_tenths * denominator:
        return cap_tenths, 10
    return numerator, denominator


def units_text(units: int, currency: str) -> str:
    """Minor units as the report writes them: exactly the currency's digits after the point."""
    digits = MINOR_DIGITS[currency]
    if not digits:
        return str(units)
    whole, part = divmod(units, 10**digits)
    return f"{whole}.{part:0{digits}d}"


def percent_text(hundredths: int) -> str:
    whole, part = divmod(hundredths, 100)
    return str(whole) if not part else f"{whole}.{part:02d}".rstrip("0")


def reference(case: Case) -> dict:
    """The order object docs/rules.md's rules give for the case, every figure as text."""
    # Terms: the order's own field wins over the policy's.
    cap = case.cap if case.cap is not None else case.policy_cap
    hold = case.hold_days if case.hold_days is not None else case.policy_hold_days
    rate = None if case.fixed is not None else (case.rate if case.rate is not None else case.policy_rate)
    # Rule 1: only disputes opened by as_of exist; open ones have no resolution by as_of.
    existing = [d for d in case.disputes if d[0] <= case.as_of]
    any_open = any(resolved is None or resolved > case.as_of for _opened, resolved, _refund in existing)
    counted = [d for d in existing if d[1] is not None and d[1] <= case.as_of]
    # Rule 2: refunded = the sum of the counted refunds (an empty refund is 0).
    refunded = sum(refund or 0 for _opened, _resolved, refund in counted)
    # Rule 3: E = amount × rate / 100 (rate in hundredths: / 10000), or the fixed figure; capped, rounded.
    if case.fixed is not None:
        expected = round_units(*capped(case.fixed, 10, cap), case.rounding)
    else:
        expected = round_units(*capped(case.amount * rate, 10_000, cap), case.rounding)
    # Rule 6: confirm_on, null while a dispute is open.
    confirm_on = None
    if not any_open:
        confirm_on = max(
            [case.ordered_at + timedelta(days=hold), *(resolved for _o, resolved, _r in counted)]
        )
    # Rules 9, 4, 5.
    if case.cancel_policy and existing:
        cashback, status, reason = 0, "cancelled", "dispute opened"
    elif refunded == case.amount:
        cashback, status, reason = 0, "cancelled", "refunded in full"
    else:
        kept = case.amount - refunded
        if case.fixed is not None:
            cashback = round_units(*capped(expected * kept, case.amount, cap), case.rounding)
        else:
            cashback = round_units(*capped(kept * rate, 10_000, cap), case.rounding)
        if any_open:
            status, reason = "pending", "dispute open"
        elif case.as_of < confirm_on:
            status, reason = "pending", f"on hold until {confirm_on.isoformat()}"
        else:
            status, reason = "confirmed", f"confirmed on {confirm_on.isoformat()}"
    return {
        "currency": case.currency,
        "amount": units_text(case.amount, case.currency),
        "refunded": units_text(refunded, case.currency),
        "rate": None if rate is None else percent_text(rate),
        "expected_cashback": units_text(expected, case.currency),
        "cashback": units_text(cashback, case.currency),
        "cancelled_cashback": units_text(expected - cashback, case.currency),
        "status": status,
        "confirm_on": None if confirm_on is None else confirm_on.isoformat(),
        "reason": reason,
    }


@st.composite
def reference_cases(draw, as_of: date | None = None) -> Case:
    currency = draw(st.sampled_from(sorted(MINOR_DIGITS)))
    scale = 10 ** MINOR_DIGITS[currency]
    amount = draw(st.integers(1, 100_000 * scale))
    kind = draw(st.sampled_from(["rate", "fixed", "rate-and-fixed", "policy-rate"]))
    rate = draw(st.integers(0, 10_000)) if kind in ("rate", "rate-and-fixed") else None
    fixed = draw(st.integers(0, 10_000 * scale * 10)) if kind in ("fixed", "rate-and-fixed") else None
    policy_rate = (
        draw(st.integers(0, 10_000)) if kind == "policy-rate" else draw(st.none() | st.integers(0, 10_000))
    )
    caps = st.none() | st.integers(0, 5_000 * scale * 10)
    ordered_at = draw(days_after(FIRST_DAY, 360))
    disputes, left = [], amount
    for _ in range(draw(st.integers(0, 3))):
        opened = draw(days_after(ordered_at, 60))
        resolved = draw(st.none() | days_after(opened, 60))
        refund = draw(st.integers(0, left))
        left -= refund
        disputes.append((opened, resolved, draw(st.sampled_from([0, None])) if refund == 0 else refund))
    return Case(
        currency=currency,
        order_currency=draw(st.sampled_from([currency, None])),
        ordered_at=ordered_at,
        amount=amount,
        rate=rate,
        fixed=fixed,
        cap=draw(caps),
        hold_days=draw(st.none() | st.integers(0, 60)),
        disputes=tuple(disputes),
        as_of=as_of or draw(days_after(ordered_at, 200)),
        policy_rate=policy_rate,
        policy_cap=draw(caps),
        policy_hold_days=draw(st.integers(0, 60)),
        rounding=draw(st.sampled_from(ROUNDINGS)),
        cancel_policy=draw(st.booleans()),
    )


def _units(count: int, currency: str) -> Decimal:
    return Decimal(count).scaleb(-MINOR_DIGITS[currency])


def _tenths(count: int | None, currency: str) -> Decimal | None:
    return None if count is None else Decimal(count).scaleb(-MINOR_DIGITS[currency] - 1)


def _percent(hundredths: int | None) -> Decimal | None:
    return None if hundredths is None else Decimal(hundredths).scaleb(-2)


def as_records(case: Case, order_id: str = "R1") -> tuple[Order, list[Dispute], Policy]:
    """The case as the records the code reads (its policy: the case's, with its currency)."""
    order = Order(
        order_id=order_id,
        ordered_at=case.ordered_at,
        amount=_units(case.amount, case.currency),
        currency=case.order_currency,
        cashback_rate=_percent(case.rate),
        expected_cashback=_tenths(case.fixed, case.currency),
        max_cashback=_tenths(case.cap, case.currency),
        hold_days=case.hold_days,
    )
    disputes = [
        Dispute(order_id, opened, resolved, None if refund is None else _units(refund, case.currency))
        for opened, resolved, refund in case.disputes
    ]
    policy = Policy(
        hold_days=case.policy_hold_days,
        rate=_percent(case.policy_rate),
        currency=case.currency,
        rounding=case.rounding,
        max_cashback=_tenths(case.policy_cap, case.currency),
        dispute_policy=DisputePolicy.CANCEL if case.cancel_policy else DisputePolicy.PROPORTIONAL,
    )
    return order, disputes, policy


def test_reference_on_hand_worked_cases():
    """The reference itself, against figures worked out by hand (so it is not wrong the same way)."""
    base = Case(
        currency="USD",
        order_currency="USD",
        ordered_at=date(2026, 10, 1),
        amount=10_000,  # 100.00
        rate=500,  # 5 %
        fixed=None,
        cap=None,
        hold_days=None,
        disputes=(),
        as_of=AS_OF,
        policy_rate=None,
        policy_cap=None,
        policy_hold_days=15,
        rounding="half-up",
        cancel_policy=False,
    )
    # 100.00 × 5% = 5.00, hold end 10-16
    assert reference(base) == {
        "currency": "USD",
        "amount": "100.00",
        "refunded": "0.00",
        "rate": "5",
        "expected_cashback": "5.00",
        "cashback": "5.00",
        "cancelled_cashback": "0.00",
        "status": "confirmed",
        "confirm_on": "2026-10-16",
        "reason": "confirmed on 2026-10-16",
    }
    refund_40 = base._replace(disputes=((date(2026, 10, 20), date(2026, 11, 2), 4_000),))
    # (100 − 40) × 5% = 3.00, 2.00 cancelled, confirmed on the resolution 11-02
    assert [reference(refund_40)[k] for k in ("cashback", "cancelled_cashback", "confirm_on")] == [
        "3.00",
        "2.00",
        "2026-11-02",
    ]
    # fixed 2.50 USD (250 cents, 2500 tenths of a cent) on 45.00, refund 15.00
    fixed = base._replace(
        amount=4_500, rate=None, fixed=2_500, disputes=((date(2026, 10, 25), date(2026, 11, 20), 1_500),)
    )
    # 2.50 × 30 / 45 = 1.666… → 1.67, 0.83 cancelled
    assert [reference(fixed)[k] for k in ("rate", "cashback", "cancelled_cashback")] == [None, "1.67", "0.83"]
    # 10.50 × 5% = 0.525: half-up 0.53, half-even 0.52, down 0.52
    tie = base._replace(amount=1_050)
    assert [reference(tie._replace(rounding=m))["expected_cashback"] for m in ROUNDINGS] == [
        "0.53",
        "0.52",
        "0.52",
    ]
    # 1000 JPY × 8%, cap 40.5 yen (405 tenths): 80 → 40.5 → 41 half-up, 40 half-even
    jpy = base._replace(currency="JPY", order_currency="JPY", amount=1_000, rate=800, cap=405)
    assert [reference(jpy._replace(rounding=m))["expected_cashback"] for m in ROUNDINGS] == ["41", "40", "40"]
    # an open dispute: pending, no confirm_on; with the cancel policy: cancelled, all of E lost
    open_one = base._replace(disputes=((date(2026, 11, 1), None, None),))
    assert (reference(open_one)["status"], reference(open_one)["confirm_on"]) == ("pending", None)
    cancelled = reference(open_one._replace(cancel_policy=True))
    assert (cancelled["status"], cancelled["cashback"], cancelled["cancelled_cashback"]) == (
        "cancelled",
        "0.00",
        "5.00",
    )


@EXAMPLES
@given(reference_cases())
def test_every_figure_equals_the_independent_reference(case):
    order, disputes, policy = as_records(case)
    result = evaluate_order(order, disputes, case.as_of, policy)
    shown = order_object(result, case.rounding)
    assert {key: shown[key] for key in reference(case)} == reference(case)


@st.composite
def reference_books(draw) -> list[Case]:
    """Several orders, as of one date, under one policy (their own fields differ)."""
    first = draw(reference_cases(as_of=AS_OF))
    cap = draw(st.none() | st.integers(0, 100))  # the policy's cap, in whole units of any currency
    shared = {
        "policy_rate": first.policy_rate if first.policy_rate is not None else 500,
        "policy_hold_days": first.policy_hold_days,
        "rounding": first.rounding,
        "cancel_policy": first.cancel_policy,
    }
    book = []
    for index in range(draw(st.integers(1, 8))):
        case = first if index == 0 else draw(reference_cases(as_of=AS_OF))
        if case.order_currency is None:  # a currency the order does not name is the policy's: the first's
            case = case._replace(currency=first.currency)
        policy_cap = None if cap is None else cap * 10 ** (MINOR_DIGITS[case.currency] + 1)
        book.append(case._replace(policy_cap=policy_cap, **shared))
    return book


def _minor_units(text: str, currency: str) -> int:
    """A rendered amount back to minor units, checking it has exactly the currency's digits."""
    assert money_pattern(currency).fullmatch(text), (currency, text)
    return int(text.replace(".", ""))


@settings(max_examples=60, deadline=None)
@given(reference_books())
def test_totals_are_the_sums_of_the_rendered_rows(book):
    policy = as_records(book[0])[2]  # one policy for the book: its currency is the first order's
    orders_list, disputes = [], []
    for index, case in enumerate(book):
        order, its_disputes, _its_policy = as_records(case, f"O{index}")
        orders_list.append(order)
        disputes.extend(its_disputes)
    evaluation = Evaluation(disputes, AS_OF, lambda _order: policy)
    out = io.StringIO()
    write_json_report(out, AS_OF, evaluation.results(orders_list), evaluation.totals, policy.rounding)
    document = json.loads(out.getvalue())
    assert evaluation.problems == []

    # rule 8: orders dated after as_of are left out
    kept = {f"O{index}": case for index, case in enumerate(book) if case.ordered_at <= AS_OF}
    assert [row["order_id"] for row in document["orders"]] == list(kept)
    assert evaluation.left_out_future == len(book) - len(kept)

    # each row is what the reference gives; the totals are the sums of these rows, made here
    sums: dict[str, dict[str, int]] = {}
    for row in document["orders"]:
        assert {key: row[key] for key in reference(kept[row["order_id"]])} == reference(kept[row["order_id"]])
        currency = row["currency"]
        line = sums.setdefault(currency, {"orders": 0, "pending": 0, "confirmed": 0, "cancelled": 0})
        line["orders"] += 1
        if row["status"] in ("pending", "confirmed"):
            line[row["status"]] += _minor_units(row["cashback"], currency)
        line["cancelled"] += _minor_units(row["cancelled_cashback"], currency)

    totals = document["totals"]
    assert sorted(totals) == sorted(sums)
    for currency, line in sums.items():
        got = totals[currency]
        assert got["orders"] == line["orders"]
        for key in ("pending", "confirmed", "cancelled"):
            assert got[key] == units_text(line[key], currency), (currency, key)
