"""The figures of an order do not depend on the order in which its disputes are listed.

Each case lists its disputes in every order: through the core, through an Evaluation, and
through a disputes CSV on the command line. The figures are worked out by hand from docs/rules.md.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from itertools import permutations

import pytest
from typer.testing import CliRunner

from cashback_cli.cli import app
from cashback_cli.core.records import Dispute, DisputePolicy, Order, Policy
from cashback_cli.core.rules import evaluate_order
from cashback_cli.run.evaluation import Evaluation

D = Decimal
AS_OF = date(2026, 11, 24)
runner = CliRunner()

# Every case: one order of 100.00 USD at 5 % ordered 2026-10-01 (hold end 10-16), E = 5.00.
# disputes: (opened_at, resolved_at or "", refund or "")
# expected: (refunded, cashback, cancelled_cashback, status, confirm_on, reason)
CASES = {
    "open-and-resolved": (
        [("2026-11-01", "", ""), ("2026-10-05", "2026-10-10", "20.00")],
        # the resolved refund of 20 counts: C = 80 × 5% = 4.00, 1.00 cancelled; the open one freezes it
        ("20.00", "4.00", "1.00", "pending", None, "dispute open"),
    ),
    "opened-after-as-of-and-resolved": (
        [("2026-11-25", "2026-11-26", "100.00"), ("2026-10-20", "2026-11-02", "40.00")],
        # the one opened 11-25 does not exist yet: refund 40, C = 60 × 5% = 3.00; confirmed on 11-02
        ("40.00", "3.00", "2.00", "confirmed", "2026-11-02", "confirmed on 2026-11-02"),
    ),
    "resolved-after-as-of-and-resolved": (
        [("2026-11-10", "2026-11-30", "60.00"), ("2026-10-20", "2026-11-02", "40.00")],
        # resolved 11-30, after 11-24: still open, its refund not counted; refund 40: C = 3.00, frozen
        ("40.00", "3.00", "2.00", "pending", None, "dispute open"),
    ),
    "full-refund-and-open": (
        [("2026-11-20", "", ""), ("2026-10-05", "2026-10-10", "100.00")],
        # a full refund cancels even with another dispute open; confirm_on null while one is open
        ("100.00", "0.00", "5.00", "cancelled", None, "refunded in full"),
    ),
    "three-resolved": (
        [
            ("2026-10-06", "2026-11-15", "10.00"),
            ("2026-10-05", "2026-10-20", "10.00"),
            ("2026-11-25", "", ""),
        ],
        # refunds 10 + 10 = 20: C = 80 × 5% = 4.00; confirm_on = the last resolution, 11-15
        ("20.00", "4.00", "1.00", "confirmed", "2026-11-15", "confirmed on 2026-11-15"),
    ),
    "lost-and-open-after-as-of": (
        [("2026-11-30", "", ""), ("2026-10-05", "2026-10-25", "0")],
        # lost dispute (refund 0): C = E = 5.00; the one opened 11-30 does not exist; hold end 10-16 < 10-25
        ("0.00", "5.00", "0.00", "confirmed", "2026-10-25", "confirmed on 2026-10-25"),
    ),
}


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _disputes(rows, order_id: str = "P1") -> list[Dispute]:
    return [Dispute(order_id, _day(o), _day(r), D(refund) if refund else None) for o, r, refund in rows]


def _order(order_id: str = "P1") -> Order:
    return Order(order_id, date(2026, 10, 1), D("100.00"), "USD", D("5"))


def _figures(result) -> tuple:
    confirm_on = result.confirm_on.isoformat() if result.confirm_on else None
    return (
        f"{result.refunded:.2f}",
        f"{result.cashback:f}",
        f"{result.cancelled_cashback:f}",
        result.status.value,
        confirm_on,
        result.reason,
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_core_figures_do_not_depend_on_the_order_of_the_disputes(case):
    rows, expected = CASES[case]
    for ordering in permutations(rows):
        result = evaluate_order(_order(), _disputes(ordering), AS_OF, Policy())
        assert _figures(result) == expected, ordering
        assert result.expected_cashback == D("5.00")


@pytest.mark.parametrize("case", sorted(CASES))
def test_evaluation_figures_do_not_depend_on_the_order_of_the_disputes(case):
    rows, expected = CASES[case]
    for ordering in permutations(rows):
        evaluation = Evaluation(_disputes(ordering), AS_OF, lambda _order: Policy())
        (result,) = evaluation.results([_order()])
        assert evaluation.problems == []
        assert _figures(result) == expected, ordering


@pytest.mark.parametrize(
    ("rows", "status"),
    [
        # a dispute opened after as_of listed first, then one opened before: cancelled by the second
        ([("2026-11-25", "", ""), ("2026-10-05", "2026-10-06", "0")], "cancelled"),
        # only disputes opened after as_of, in either order: no dispute exists, hold end 10-16 passed
        ([("2026-11-25", "", ""), ("2026-11-30", "2026-12-01", "40.00")], "confirmed"),
    ],
)
def test_cancel_policy_does_not_depend_on_the_order_of_the_disputes(rows, status):
    policy = Policy(dispute_policy=DisputePolicy.CANCEL)
    for ordering in permutations(rows):
        result = evaluate_order(_order(), _disputes(ordering), AS_OF, policy)
        assert result.status.value == status, ordering
        # cancelled: cashback 0, all of E = 5.00 lost; confirmed: all of E kept
        expected = (D("0.00"), D("5.00")) if status == "cancelled" else (D("5.00"), D("0.00"))
        assert (result.cashback, result.cancelled_cashback) == expected


def _status_object(tmp_path, rows) -> dict:
    orders = tmp_path / "o.csv"
    orders.write_text("order_id,ordered_at,amount,currency,cashback_rate\nP1,2026-10-01,100.00,USD,5\n")
    disputes = tmp_path / "d.csv"
    body = "".join(f"P1,{o},{r},{refund}\n" for o, r, refund in rows)
    disputes.write_text("order_id,opened_at,resolved_at,refund_amount\n" + body)
    result = runner.invoke(
        app,
        ["status", str(orders), "-d", str(disputes), "--as-of", "2026-11-24", "--format", "json"],
        env={"NO_COLOR": "1", "LC_ALL": "C"},
    )
    assert result.exit_code == 0, result.output
    (order,) = json.loads(result.stdout)["orders"]
    return order


@pytest.mark.parametrize("case", sorted(CASES))
def test_cli_figures_do_not_depend_on_the_order_of_the_disputes_in_the_csv(tmp_path, case):
    rows, (refunded, cashback, cancelled, status, confirm_on, reason) = CASES[case]
    for ordering in (rows, rows[::-1]):
        order = _status_object(tmp_path, ordering)
        assert order["expected_cashback"] == "5.00"
        assert (
            order["refunded"],
            order["cashback"],
            order["cancelled_cashback"],
            order["status"],
            order["confirm_on"],
            order["reason"],
        ) == (refunded, cashback, cancelled, status, confirm_on, reason), ordering
