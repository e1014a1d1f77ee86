"""Shared paths and the example files' figures, worked out by hand from docs/rules.md's rules."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
ORDERS_CSV = EXAMPLES / "orders.csv"
DISPUTES_CSV = EXAMPLES / "disputes.csv"
ORDERS_JSON = EXAMPLES / "orders.json"
EXAMPLES_AS_OF = "2026-11-24"

ORDER_KEYS = [
    "order_id",
    "ordered_at",
    "currency",
    "amount",
    "refunded",
    "rate",
    "expected_cashback",
    "cashback",
    "cancelled_cashback",
    "status",
    "confirm_on",
    "reason",
]
# The example orders have a store column: their order objects carry it after ORDER_KEYS
EXAMPLE_KEYS = [*ORDER_KEYS, "store"]
# The keys of an order's figures, what every input shape of one sale must agree on
FIGURE_KEYS = (
    "amount",
    "refunded",
    "expected_cashback",
    "cashback",
    "cancelled_cashback",
    "status",
    "confirm_on",
)

# Each example order as of 2026-11-24 with the default 15-day hold, half-up rounding:
# (amount, refunded, rate, expected_cashback, cashback, cancelled_cashback, status, confirm_on)
EXAMPLE_FIGURES = {
    # 100 × 5% = 5.00; 11-20 + 15 days = 12-05, after 11-24: on hold.
    "A1001": ("100.00", "0.00", "5", "5.00", "5.00", "0.00", "pending", "2026-12-05"),
    # 250 × 4% = 10.00; 10-01 + 15 = 10-16.
    "A1002": ("250.00", "0.00", "4", "10.00", "10.00", "0.00", "confirmed", "2026-10-16"),
    # 80 × 5% = 4.00, refunded in full on 10-25 (= the hold end 10-25): all 4.00 cancelled.
    "A1003": ("80.00", "80.00", "5", "4.00", "0.00", "4.00", "cancelled", "2026-10-25"),
    # 100 × 5% = 5.00; refund 40: 60 × 5% = 3.00, 2.00 cancelled; hold ends 10-30, resolved 11-02.
    "A1004": ("100.00", "40.00", "5", "5.00", "3.00", "2.00", "confirmed", "2026-11-02"),
    # 60 × 10% = 6.00; dispute opened 11-10 still open: frozen, no confirm_on.
    "A1005": ("60.00", "0.00", "10", "6.00", "6.00", "0.00", "pending", None),
    # 120 × 5% = 6.00; dispute lost (refund 0) on 10-22, after the hold end 10-20.
    "A1006": ("120.00", "0.00", "5", "6.00", "6.00", "0.00", "confirmed", "2026-10-22"),
    # 300 × 3% = 9.00; refunds 50 + 30 = 80: 220 × 3% = 6.60, 2.40 cancelled; last resolution 11-15.
    "A1007": ("300.00", "80.00", "3", "9.00", "6.60", "2.40", "confirmed", "2026-11-15"),
    # 5000 × 7% = 350.00 RUB; 11-10 + 15 = 11-25, one day after 11-24.
    "A1008": ("5000.00", "0.00", "7", "350.00", "350.00", "0.00", "pending", "2026-11-25"),
    # 12000 × 5% = 600 JPY (no minor digits); 10-01 + 15 = 10-16.
    "A1009": ("12000", "0", "5", "600", "600", "0", "confirmed", "2026-10-16"),
    # 1000 × 8% = 80, capped at 40.00; 10-12 + 15 = 10-27.
    "A1010": ("1000.00", "0.00", "8", "40.00", "40.00", "0.00", "confirmed", "2026-10-27"),
    # fixed 2.50; refund 15 of 45: 2.50 × 30 / 45 = 1.666… → 1.67, 0.83 cancelled; resolved 11-20.
    "A1011": ("45.00", "15.00", None, "2.50", "1.67", "0.83", "confirmed", "2026-11-20"),
    # A1012 is dated 2026-12-20, after 2026-11-24: left out of the report (rule 8).
}
EXAMPLE_CURRENCY = {"A1008": "RUB", "A1009": "JPY"}

# Totals: sums of the rounded rows above, per currency.
EXAMPLE_TOTALS = {
    "JPY": {"orders": 1, "pending": "0", "confirmed": "600", "cancelled": "0"},
    "RUB": {"orders": 1, "pending": "350.00", "confirmed": "0.00", "cancelled": "0.00"},
    # pending 5 + 6; confirmed 10 + 3 + 6 + 6.60 + 40 + 1.67; cancelled 4 + 2 + 2.40 + 0.83
    "USD": {"orders": 9, "pending": "11.00", "confirmed": "67.27", "cancelled": "9.23"},
}


def expected_example_object(order_id: str) -> dict:
    """The hand-computed figures of one example order, keyed like the JSON order object."""
    amount, refunded, rate, expected, cashback, cancelled, status, confirm_on = EXAMPLE_FIGURES[order_id]
    return {
        "order_id": order_id,
        "currency": EXAMPLE_CURRENCY.get(order_id, "USD"),
        "amount": amount,
        "refunded": refunded,
        "rate": rate,
        "expected_cashback": expected,
        "cashback": cashback,
        "cancelled_cashback": cancelled,
        "status": status,
        "confirm_on": confirm_on,
    }


def assert_no_float(value, path="$"):
    """Walk a parsed JSON document: money must never appear as a JSON number with a point."""
    assert not isinstance(value, float), f"float at {path}: {value!r}"
    if isinstance(value, dict):
        for key, item in value.items():
            assert_no_float(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            assert_no_float(item, f"{path}[{index}]")


def exact_json(value) -> str:
    """JSON with Decimals written as exact JSON numbers (never through a float), a list's items
    one a line, as networks' exports are written in the tests."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {exact_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[\n" + ",\n".join(exact_json(item) for item in value) + "\n]"
    return json.dumps(value)


def force_terminal(monkeypatch, width: int) -> None:
    """Rich sizes tables for a terminal only when it thinks it writes to one."""
    from cashback_cli.output import tables

    original = tables.make_console

    def console(file=None):
        made = original(file)
        made.size = (width, 200)
        return made

    monkeypatch.setattr(tables, "make_console", console)
