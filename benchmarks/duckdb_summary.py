"""The per-currency cashback summary as one DuckDB SQL query: the speed baseline for the tool.

A tuned columnar engine doing the same arithmetic tells us how far the tool is from what the
hardware allows. It runs as its own process (``python duckdb_summary.py ORDERS DISPUTES AS_OF``)
so its timing includes interpreter and library start-up, like the tool's. Money stays DECIMAL
throughout: DuckDB's ``/`` on decimals returns DOUBLE, so "÷ 100" is written as "× 0.01".

Prints the same JSON as ``cashback status ... --summary --format json``.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from decimal import Decimal

HOLD_DAYS = 15

# Rules 1-8 of docs/rules.md for rate-based orders, default hold, no caps, proportional disputes.
QUERY = """
WITH orders AS (
    SELECT * FROM read_csv($orders, header = true, auto_detect = false, columns = {
        'order_id': 'VARCHAR', 'ordered_at': 'DATE', 'amount': 'DECIMAL(18,2)',
        'currency': 'VARCHAR', 'cashback_rate': 'DECIMAL(9,4)'})
    WHERE ordered_at <= $as_of                                   -- rule 8
), disputes AS (
    SELECT * FROM read_csv($disputes, header = true, auto_detect = false, columns = {
        'order_id': 'VARCHAR', 'opened_at': 'DATE', 'resolved_at': 'DATE',
        'refund_amount': 'DECIMAL(18,2)', 'outcome': 'VARCHAR'})
    WHERE opened_at <= $as_of                                    -- rule 1: exists at D
), per_dispute_order AS (
    SELECT order_id,
           bool_or(resolved_at IS NULL OR resolved_at > $as_of) AS any_open,
           sum(coalesce(refund_amount, 0)) FILTER (WHERE resolved_at <= $as_of) AS refunded,
           max(resolved_at) FILTER (WHERE resolved_at <= $as_of) AS last_resolved
    FROM disputes GROUP BY order_id
), per_order AS (
    SELECT o.currency,
           round(o.amount * o.cashback_rate * 0.01, 2) AS expected,                 -- rule 3
           coalesce(d.refunded, 0) = o.amount AS full_refund,                       -- rule 4
           round((o.amount - coalesce(d.refunded, 0)) * o.cashback_rate * 0.01, 2) AS partial,
           coalesce(d.any_open, false)
             OR $as_of < greatest(o.ordered_at + $hold, coalesce(d.last_resolved, o.ordered_at + $hold))
             AS pending                                                             -- rule 6
    FROM orders o LEFT JOIN per_dispute_order d USING (order_id)
)
SELECT currency,
       count(*) AS orders,
       coalesce(sum(partial) FILTER (WHERE NOT full_refund AND pending), 0) AS pending,
       coalesce(sum(partial) FILTER (WHERE NOT full_refund AND NOT pending), 0) AS confirmed,
       coalesce(sum(CASE WHEN full_refund THEN expected ELSE expected - partial END), 0) AS cancelled
FROM per_order GROUP BY currency ORDER BY currency
"""


def ensure_duckdb():
    """Import duckdb, installing it with pip on first use: it is a benchmark-only dependency."""
    try:
        return importlib.import_module("duckdb")
    except ImportError:
        print("duckdb not installed: python -m pip install duckdb", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "duckdb"], check=True)
        importlib.invalidate_caches()
        return importlib.import_module("duckdb")


def summarize(orders: str, disputes: str, as_of: str) -> dict:
    """Run the query and shape its result like the tool's ``--summary --format json``."""
    con = ensure_duckdb().connect()
    # Guard: the figures are only comparable if ROUND on DECIMAL is half-up for positive values.
    if con.execute("SELECT round(0.125::DECIMAL(18,3), 2)").fetchone()[0] != Decimal("0.13"):
        sys.exit("duckdb_summary: ROUND on DECIMAL is not half-up in this DuckDB; figures would differ")
    rows = con.execute(
        QUERY, {"orders": orders, "disputes": disputes, "as_of": as_of, "hold": HOLD_DAYS}
    ).fetchall()
    return {
        "as_of": as_of,
        "totals": {
            cur: {"orders": n, "pending": f"{p:.2f}", "confirmed": f"{c:.2f}", "cancelled": f"{x:.2f}"}
            for cur, n, p, c, x in rows
        },
    }


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: python duckdb_summary.py ORDERS DISPUTES AS_OF")
    print(json.dumps(summarize(*sys.argv[1:]), indent=2))
