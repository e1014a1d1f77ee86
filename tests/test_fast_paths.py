"""The fast paths for big files give exactly what the general ones give."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cashback_cli.cli import app
from cashback_cli.inputs.careful import careful_dispute, careful_order
from cashback_cli.inputs.headers import DISPUTE_FIELDS
from cashback_cli.inputs.readers import build_dispute, build_order
from cashback_cli.inputs.rows import Layout, LoadOptions, Row

runner = CliRunner()
OPTIONS = LoadOptions()
plain_amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999.99"), places=2).map(
    lambda d: f"{d:f}"
)
iso_days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)).map(date.isoformat)
texts = st.text(alphabet="AZaz09-_ .", min_size=0, max_size=12)


def _row(fields, values: dict) -> Row:
    layout = Layout({name: index for index, name in enumerate(fields)})
    return Row(2, [values.get(name, "") for name in fields], layout)


@settings(max_examples=300, deadline=None)
@given(
    order_id=texts,
    ordered_at=iso_days | texts,
    amount=plain_amounts | texts,
    currency=st.sampled_from(["", "USD", "RUB", "usd", "$", "XX"]),
    rate=st.sampled_from(["", "5", "2.5", "100", "101", "4,5", "x"]),
)
def test_property_fast_order_path_equals_the_careful_one(order_id, ordered_at, amount, currency, rate):
    fields = ("order_id", "ordered_at", "amount", "currency", "cashback_rate")
    row = _row(fields, dict(zip(fields, (order_id, ordered_at, amount, currency, rate), strict=True)))
    assert list(build_order(row, "o.csv", OPTIONS)) == list(careful_order(row, "o.csv", OPTIONS))


@settings(max_examples=300, deadline=None)
@given(
    order_id=texts,
    opened_at=iso_days,
    resolved_at=st.just("") | iso_days | texts,
    refund=st.just("") | plain_amounts | texts,
    outcome=texts,
)
def test_property_fast_dispute_path_equals_the_careful_one(order_id, opened_at, resolved_at, refund, outcome):
    row = _row(
        DISPUTE_FIELDS,
        {
            "order_id": order_id,
            "opened_at": opened_at,
            "resolved_at": resolved_at,
            "refund_amount": refund,
            "outcome": outcome,
        },
    )
    assert list(build_dispute(row, "d.csv", OPTIONS)) == list(careful_dispute(row, "d.csv", OPTIONS))


def _big_dataset(tmp_path, orders=3000):
    start = date(2026, 7, 1)
    order_lines = ["order_id,ordered_at,amount,currency,cashback_rate"]
    dispute_lines = ["order_id,opened_at,resolved_at,refund_amount"]
    for n in range(orders):
        day = start + timedelta(days=n % 120)
        currency = ["USD", "RUB", "JPY"][n % 3]
        step = Decimal(1) if currency == "JPY" else Decimal("0.01")
        amount = (Decimal(1000 + n * 37 % 200000) / 100).quantize(step)
        order_lines.append(f"O{n},{day},{amount},{currency},{[1, 2.5, 5, 7][n % 4]}")
        if n % 5 == 0:
            opened = day + timedelta(days=3)
            resolved = "" if n % 4 == 0 else str(opened + timedelta(days=n % 30))
            refund = "" if not resolved else str([Decimal(0), amount, amount / 4][n % 3].quantize(step))
            dispute_lines.append(f"O{n},{opened},{resolved},{refund}")
    orders_file, disputes_file = tmp_path / "o.csv", tmp_path / "d.csv"
    orders_file.write_text("\n".join(order_lines) + "\n")
    disputes_file.write_text("\n".join(dispute_lines) + "\n")
    return orders_file, disputes_file


def test_summary_on_two_workers_equals_one(tmp_path):
    orders, disputes = _big_dataset(tmp_path)
    args = ["status", str(orders), "-d", str(disputes), "--as-of", "2026-11-24", "--summary", "-f", "json"]
    one = runner.invoke(app, [*args, "--jobs", "1"])
    two = runner.invoke(app, [*args, "--jobs", "2"])
    assert one.exit_code == two.exit_code == 0, (one.output, two.output)
    assert json.loads(one.stdout) == json.loads(two.stdout)
    assert sum(t["orders"] for t in json.loads(two.stdout)["totals"].values()) == 3000


def test_problems_are_the_same_on_two_workers(tmp_path):
    orders, disputes = _big_dataset(tmp_path, orders=200)
    with orders.open("a") as out:
        out.write("O7,2026-09-01,10.00,USD,5\nO9,2026-09-01,oops,USD,5\n")
    with disputes.open("a") as out:
        out.write("NOPE,2026-09-01,,\n")
    args = ["status", str(orders), "-d", str(disputes), "--as-of", "2026-11-24", "--summary", "-f", "json"]
    one = runner.invoke(app, [*args, "--jobs", "1"])
    two = runner.invoke(app, [*args, "--jobs", "2"])
    assert one.exit_code == two.exit_code == 1
    problems = sorted(line for line in one.stderr.splitlines() if line.startswith(str(tmp_path)))
    assert problems == sorted(line for line in two.stderr.splitlines() if line.startswith(str(tmp_path)))
    assert (
        len(problems) == 4
    )  # O7 repeated, O9 repeated (its bad row still takes the id), its bad amount, NOPE
