"""The fast paths for big files give exactly what the general ones give."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cashback_cli.cli import app
from cashback_cli.inputs.careful import careful_dispute, careful_order
from cashback_cli.inputs.fast import fast_order
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

# What the fast path must hand over (or read exactly as the careful path does):
# spaces around a value, texts past 500 characters, zero amounts, years outside 1900–2199.
spaces = st.sampled_from([" ", "  ", "\t", "\u00a0", " \t "])


def padded(values):
    """The same values with spaces before, after or around them."""
    return (
        st.tuples(spaces | st.just(""), values, spaces | st.just(""))
        .filter(lambda t: t[0] or t[2])
        .map("".join)
    )


long_texts = st.tuples(st.sampled_from(["", " ", "A", "x-"]), st.integers(495, 510)).map(
    lambda t: t[0] + "L" * t[1]
)
zero_amounts = st.sampled_from(["0", "0.0", "0.00", "00", "000.000", "0.00000000"])
out_of_range_days = (
    st.dates(min_value=date(1, 1, 1), max_value=date(1899, 12, 31))
    | st.dates(min_value=date(2200, 1, 1), max_value=date(9999, 12, 31))
).map(date.isoformat)
edge_days = st.sampled_from(["1899-12-31", "1900-01-01", "2199-12-31", "2200-01-01"])
order_ids = texts | long_texts | padded(texts | long_texts)
days = iso_days | edge_days | out_of_range_days | padded(iso_days) | texts
amounts = plain_amounts | zero_amounts | padded(plain_amounts | zero_amounts) | texts
outcomes = texts | long_texts | padded(texts | long_texts)


def _row(fields, values: dict) -> Row:
    layout = Layout({name: index for index, name in enumerate(fields)})
    return Row(2, [values.get(name, "") for name in fields], layout)


def _same(fast_or_careful: list, careful: list) -> None:
    """Equal records, down to how each Decimal is written (10.0 is not 10 in a report)."""
    assert fast_or_careful == careful
    assert [repr(record) for record in fast_or_careful] == [repr(record) for record in careful]


ORDER_FIELDS = ("order_id", "ordered_at", "amount", "currency", "cashback_rate")


@settings(max_examples=200, deadline=None)
@given(
    order_id=order_ids,
    ordered_at=days,
    amount=amounts,
    currency=st.sampled_from(
        ["", "USD", "RUB", "JPY", "usd", "$", "XX", " USD", "USD ", "\tJPY", "RUR", "rur"]
    ),
    rate=st.sampled_from(["", "5", "2.5", "100", "101", "4,5", "x", " 5", "5 ", "0", "100.00000001"]),
)
@example(order_id=" A1 ", ordered_at="2026-11-01", amount="100", currency="USD", rate="5")
@example(
    order_id="A1", ordered_at="2026-11-01", amount="100", currency="RUR", rate="5"
)  # RUB, written as a code
@example(order_id="A1", ordered_at=" 2026-11-01", amount=" 100 ", currency=" USD", rate=" 5 ")
@example(order_id="L" * 501, ordered_at="2026-11-01", amount="100", currency="USD", rate="5")
@example(order_id=" " + "L" * 500 + " ", ordered_at="2026-11-01", amount="100", currency="USD", rate="5")
@example(order_id="A1", ordered_at="2026-11-01", amount="0.00", currency="USD", rate="5")
@example(order_id="A1", ordered_at="1899-12-31", amount="100", currency="USD", rate="5")
@example(order_id="A1", ordered_at="2200-01-01", amount="100", currency="USD", rate="5")
def test_property_fast_order_path_equals_the_careful_one(order_id, ordered_at, amount, currency, rate):
    row = _row(
        ORDER_FIELDS, dict(zip(ORDER_FIELDS, (order_id, ordered_at, amount, currency, rate), strict=True))
    )
    _same(list(build_order(row, "o.csv", OPTIONS)), list(careful_order(row, "o.csv", OPTIONS)))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("order_id", "L" * 501),
        ("order_id", " " + "L" * 501),
        ("ordered_at", "1899-12-31"),
        ("ordered_at", "2200-01-01"),
        ("amount", "0"),
        ("amount", "0.00"),
        ("cashback_rate", "101"),
    ],
)
def test_fast_order_path_hands_rows_with_a_problem_to_the_careful_one(field, value):
    # each of these is a problem the careful path names; the fast path must not read the row
    values = {
        "order_id": "A1",
        "ordered_at": "2026-11-01",
        "amount": "100",
        "currency": "USD",
        "cashback_rate": "5",
    }
    assert fast_order(_row(ORDER_FIELDS, values), "o.csv") is not None  # the clean row is its own
    values[field] = value
    assert fast_order(_row(ORDER_FIELDS, values), "o.csv") is None


@settings(max_examples=200, deadline=None)
@given(
    order_id=order_ids,
    opened_at=iso_days | edge_days | out_of_range_days | padded(iso_days),
    resolved_at=st.sampled_from(["", " "]) | days,
    refund=st.sampled_from(["", " "]) | amounts,
    outcome=outcomes,
)
@example(order_id="A1", opened_at="2026-11-01", resolved_at=" 2026-11-02", refund=" 5", outcome=" won ")
@example(order_id="A1", opened_at="2026-11-01", resolved_at="2026-11-02", refund="5", outcome="W" * 501)
@example(order_id="A1", opened_at="1899-12-31", resolved_at="", refund="", outcome="")
@example(order_id="A1", opened_at="2026-11-01", resolved_at="2200-01-01", refund="0", outcome="")
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
    _same(list(build_dispute(row, "d.csv", OPTIONS)), list(careful_dispute(row, "d.csv", OPTIONS)))


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
    # Both rows of O7 and of O9 (its bad row still takes the id), O9's bad amount, NOPE.
    assert len(problems) == 6
