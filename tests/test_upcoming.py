"""The upcoming-confirmations timeline adds up to the pending total of `status`."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cashback_cli.cli import app
from cashback_cli.core.timeline import period_of

runner = CliRunner()
EXAMPLES = ["examples/orders.csv", "--disputes", "examples/disputes.csv", "--as-of", "2026-11-24"]


def test_periods_are_the_day_the_iso_week_and_the_month():
    day = date(2026, 12, 31)  # a Thursday
    assert period_of(day, "day") == (day, day)
    assert period_of(day, "week") == (date(2026, 12, 28), date(2027, 1, 3))
    assert period_of(day, "month") == (date(2026, 12, 1), date(2026, 12, 31))
    assert period_of(date(2028, 2, 10), "month") == (date(2028, 2, 1), date(2028, 2, 29))


def test_upcoming_on_the_examples_by_week():
    result = runner.invoke(app, ["upcoming", *EXAMPLES, "--by", "week", "-f", "json"])
    document = json.loads(result.stdout)
    assert document["by"] == "week"
    assert {
        "from": "2026-11-30",
        "to": "2026-12-06",
        "currency": "USD",
        "orders": 1,
        "cashback": "5.00",
    } in document["periods"]
    assert document["waiting_on_dispute"] == {"USD": {"orders": 1, "cashback": "6.00"}}
    chart = runner.invoke(app, ["upcoming", *EXAMPLES, "--by", "week"])
    assert "waiting on a dispute" in chart.stdout and "█" in chart.stdout


def _pending_by_timeline(document) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for period in document["periods"]:
        sums[period["currency"]] = sums.get(period["currency"], Decimal(0)) + Decimal(period["cashback"])
    for cur, waiting in document["waiting_on_dispute"].items():
        sums[cur] = sums.get(cur, Decimal(0)) + Decimal(waiting["cashback"])
    return sums


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.integers(0, 90),
            st.integers(1, 500_00),
            st.sampled_from(["USD", "JPY"]),
            st.sampled_from(["none", "open", "partial"]),
        ),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from(["day", "week", "month"]),
)
def test_property_timeline_plus_waiting_equals_pending_of_status(tmp_path, rows, by):
    start = date(2026, 9, 1)
    orders = ["order_id,ordered_at,amount,currency,cashback_rate"]
    disputes = ["order_id,opened_at,resolved_at,refund_amount"]
    for n, (offset, cents, cur, kind) in enumerate(rows):
        day = start + timedelta(days=offset)
        amount = f"{cents / 100:.2f}" if cur == "USD" else str(cents)  # JPY has no minor unit
        orders.append(f"U{n},{day},{amount},{cur},5")
        if kind == "open":
            disputes.append(f"U{n},{day},,")
        elif kind == "partial":
            refund = f"{cents / 400:.2f}" if cur == "USD" else str(cents // 4)
            disputes.append(f"U{n},{day},{day + timedelta(days=20)},{refund}")
    (tmp_path / "o.csv").write_text("\n".join(orders) + "\n")
    (tmp_path / "d.csv").write_text("\n".join(disputes) + "\n")
    args = [str(tmp_path / "o.csv"), "-d", str(tmp_path / "d.csv"), "--as-of", "2026-11-24", "-f", "json"]
    line = json.loads(runner.invoke(app, ["upcoming", *args, "--by", by]).stdout)
    totals = json.loads(runner.invoke(app, ["status", *args, "--summary"]).stdout)["totals"]
    pending = {cur: Decimal(t["pending"]) for cur, t in totals.items() if Decimal(t["pending"])}
    assert {cur: total for cur, total in _pending_by_timeline(line).items() if total} == pending
