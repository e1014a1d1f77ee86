"""Pure-Python reference of the per-currency summary (docs/rules.md, rules 1-8), for checking
the DuckDB query.

It is written as a direct, row-by-row reading of the rules with ``decimal.Decimal``, so that it
can be read against docs/rules.md line by line; it is slow and holds everything in memory, so use it on
small N only. It covers exactly what the benchmark data contains: default hold of 15 days,
rate-based expected cashback, no caps, proportional dispute policy, half-up rounding to cents.

Usage: python benchmarks/reference.py ORDERS DISPUTES AS_OF   (prints the summary JSON)
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

HOLD_DAYS = 15
CENT = Decimal("0.01")


def _round(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def summarize(orders_path, disputes_path, as_of: dt.date) -> dict:
    """Return {"as_of": ..., "totals": {currency: {orders, pending, confirmed, cancelled}}}."""
    disputes = defaultdict(list)
    with open(disputes_path, newline="") as f:
        for row in csv.DictReader(f):
            opened = dt.date.fromisoformat(row["opened_at"])
            if opened > as_of:  # rule 1: a dispute opened after D does not exist yet
                continue
            resolved = dt.date.fromisoformat(row["resolved_at"]) if row["resolved_at"] else None
            refund = Decimal(row["refund_amount"]) if row["refund_amount"] else Decimal(0)
            disputes[row["order_id"]].append((resolved, refund))

    totals: dict[str, dict] = {}
    with open(orders_path, newline="") as f:
        for row in csv.DictReader(f):
            ordered = dt.date.fromisoformat(row["ordered_at"])
            if ordered > as_of:  # rule 8
                continue
            amount, rate = Decimal(row["amount"]), Decimal(row["cashback_rate"])
            ds = disputes.get(row["order_id"], [])
            is_open = any(r is None or r > as_of for r, _ in ds)
            counted = [(r, refund) for r, refund in ds if r is not None and r <= as_of]
            refunded = sum((refund for _, refund in counted), Decimal(0))  # rule 2
            expected = _round(amount * rate / 100)  # rule 3
            if refunded == amount:  # rule 4
                cashback, cancelled, status = Decimal(0), expected, "cancelled"
            else:  # rule 5
                cashback = _round((amount - refunded) * rate / 100)
                cancelled = expected - cashback
                confirm_on = max([ordered + dt.timedelta(days=HOLD_DAYS)] + [r for r, _ in counted])
                status = "pending" if is_open or as_of < confirm_on else "confirmed"  # rule 6
            t = totals.setdefault(
                row["currency"],
                {"orders": 0, "pending": Decimal(0), "confirmed": Decimal(0), "cancelled": Decimal(0)},
            )
            t["orders"] += 1
            if status != "cancelled":
                t[status] += cashback
            t["cancelled"] += cancelled
    return {
        "as_of": as_of.isoformat(),
        "totals": {
            cur: {"orders": t["orders"], **{k: f"{t[k]:.2f}" for k in ("pending", "confirmed", "cancelled")}}
            for cur, t in sorted(totals.items())
        },
    }


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[-1])
    print(json.dumps(summarize(sys.argv[1], sys.argv[2], dt.date.fromisoformat(sys.argv[3])), indent=2))
