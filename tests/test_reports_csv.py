"""The CSV reports, text for text, on the example files as of 2026-11-24, and the reasons in
JSON and CSV; and the spreadsheet-formula guard on order ids.

Expected texts are written out from the hand-computed figures of tests/conftest.py
(EXAMPLE_FIGURES, EXAMPLE_TOTALS) and the rule 6 reasons.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from conftest import DISPUTES_CSV, EXAMPLES_AS_OF, ORDERS_CSV
from typer.testing import CliRunner

from cashback_cli.cli import app
from cashback_cli.core.records import Order, Policy
from cashback_cli.core.rules import evaluate_order
from cashback_cli.output.render import spreadsheet_safe, write_csv_report

runner = CliRunner()
FILES = [str(ORDERS_CSV), "--disputes", str(DISPUTES_CSV), "--as-of", EXAMPLES_AS_OF]


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"NO_COLOR": "1", "LC_ALL": "C"})


def stdout_of(*args: str) -> str:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


# Reasons by rule 6: pending on hold until confirm_on when as_of < confirm_on, else confirmed on it.
EXAMPLE_REASONS = {
    "A1001": "on hold until 2026-12-05",  # 11-20 + 15 days
    "A1002": "confirmed on 2026-10-16",  # 10-01 + 15
    "A1003": "refunded in full",
    "A1004": "confirmed on 2026-11-02",  # resolved 11-02, after the hold end 10-30
    "A1005": "dispute open",
    "A1006": "confirmed on 2026-10-22",  # resolved 10-22, after the hold end 10-20
    "A1007": "confirmed on 2026-11-15",  # last resolution 11-15
    "A1008": "on hold until 2026-11-25",  # 11-10 + 15, the day after as_of
    "A1009": "confirmed on 2026-10-16",  # 10-01 + 15
    "A1010": "confirmed on 2026-10-27",  # 10-12 + 15
    "A1011": "confirmed on 2026-11-20",  # resolved 11-20, after the hold end 11-02
}

# (the examples have a store column: it follows the reason)
STATUS_CSV = """\
order_id,ordered_at,currency,amount,refunded,rate,expected_cashback,cashback,cancelled_cashback,status,confirm_on,reason,store
A1001,2026-11-20,USD,100.00,0.00,5,5.00,5.00,0.00,pending,2026-12-05,on hold until 2026-12-05,AliExpress
A1002,2026-10-01,USD,250.00,0.00,4,10.00,10.00,0.00,confirmed,2026-10-16,confirmed on 2026-10-16,Amazon
A1003,2026-10-10,USD,80.00,80.00,5,4.00,0.00,4.00,cancelled,2026-10-25,refunded in full,AliExpress
A1004,2026-10-15,USD,100.00,40.00,5,5.00,3.00,2.00,confirmed,2026-11-02,confirmed on 2026-11-02,AliExpress
A1005,2026-11-01,USD,60.00,0.00,10,6.00,6.00,0.00,pending,,dispute open,AliExpress
A1006,2026-10-05,USD,120.00,0.00,5,6.00,6.00,0.00,confirmed,2026-10-22,confirmed on 2026-10-22,Ozon
A1007,2026-10-20,USD,300.00,80.00,3,9.00,6.60,2.40,confirmed,2026-11-15,confirmed on 2026-11-15,AliExpress
A1008,2026-11-10,RUB,5000.00,0.00,7,350.00,350.00,0.00,pending,2026-11-25,on hold until 2026-11-25,Wildberries
A1009,2026-10-01,JPY,12000,0,5,600,600,0,confirmed,2026-10-16,confirmed on 2026-10-16,Rakuten
A1010,2026-10-12,USD,1000.00,0.00,8,40.00,40.00,0.00,confirmed,2026-10-27,confirmed on 2026-10-27,AliExpress
A1011,2026-10-18,USD,45.00,15.00,,2.50,1.67,0.83,confirmed,2026-11-20,confirmed on 2026-11-20,eBay
"""


def test_status_json_reasons_confirmed_on_and_on_hold_until():
    document = json.loads(stdout_of("status", *FILES, "--format", "json"))
    assert {o["order_id"]: o["reason"] for o in document["orders"]} == EXAMPLE_REASONS


def test_status_csv_is_exactly_the_hand_computed_rows_with_their_reasons():
    text = stdout_of("status", *FILES, "--format", "csv")
    assert text == STATUS_CSV
    reasons = {row["order_id"]: row["reason"] for row in csv.DictReader(io.StringIO(text))}
    assert reasons == EXAMPLE_REASONS


def test_status_reason_moves_from_on_hold_to_confirmed_on_the_confirm_on_day(tmp_path):
    orders = tmp_path / "o.csv"
    orders.write_text("order_id,ordered_at,amount,currency,cashback_rate\nH1,2026-11-10,100.00,USD,5\n")
    # 11-10 + 15 days = 11-25: on hold the day before, confirmed on the day
    for as_of, reason in (
        ("2026-11-24", "on hold until 2026-11-25"),
        ("2026-11-25", "confirmed on 2026-11-25"),
    ):
        for fmt in ("json", "csv"):
            text = stdout_of("status", str(orders), "--as-of", as_of, "--format", fmt)
            row = json.loads(text)["orders"][0] if fmt == "json" else next(csv.DictReader(io.StringIO(text)))
            assert row["reason"] == reason, (as_of, fmt)


def test_status_summary_csv_is_exactly_the_hand_computed_totals():
    # EXAMPLE_TOTALS, one row per currency in alphabetical order
    assert stdout_of("status", *FILES, "--summary", "--format", "csv") == (
        "currency,orders,pending,confirmed,cancelled\n"
        "JPY,1,0,600,0\n"
        "RUB,1,350.00,0.00,0.00\n"
        "USD,9,11.00,67.27,9.23\n"
    )


# Pending as of 2026-11-24 (a Tuesday): A1008 350.00 RUB due 2026-11-25 (a Wednesday),
# A1001 5.00 USD due 2026-12-05 (a Saturday), and A1005 6.00 USD frozen by its open dispute.
UPCOMING_CSV = {
    "day": ("2026-11-25,2026-11-25,RUB,1,350.00,false\n2026-12-05,2026-12-05,USD,1,5.00,false\n"),
    # the weeks Monday 11-23 to Sunday 11-29 and Monday 11-30 to Sunday 12-06
    "week": ("2026-11-23,2026-11-29,RUB,1,350.00,false\n2026-11-30,2026-12-06,USD,1,5.00,false\n"),
    "month": ("2026-11-01,2026-11-30,RUB,1,350.00,false\n2026-12-01,2026-12-31,USD,1,5.00,false\n"),
}


@pytest.mark.parametrize("by", sorted(UPCOMING_CSV))
def test_upcoming_csv_is_exactly_the_hand_computed_periods(by):
    text = stdout_of("upcoming", *FILES, "--by", by, "--format", "csv")
    assert text == (
        "from,to,currency,orders,cashback,waiting_on_dispute\n"
        + UPCOMING_CSV[by]
        + ",,USD,1,6.00,true\n"  # A1005, waiting on its dispute
    )


def test_upcoming_csv_defaults_to_weeks():
    assert stdout_of("upcoming", *FILES, "--format", "csv") == (
        "from,to,currency,orders,cashback,waiting_on_dispute\n" + UPCOMING_CSV["week"] + ",,USD,1,6.00,true\n"
    )


# --- the spreadsheet-formula guard ------------------------------------------------------------------


def test_csv_order_ids_starting_like_a_formula_get_a_quote_mark(tmp_path):
    orders = tmp_path / "o.csv"
    orders.write_text(
        "order_id,ordered_at,amount,currency,cashback_rate\n"
        '"+1+2",2026-10-01,100.00,USD,5\n'
        '"-3+4",2026-10-01,100.00,USD,5\n'
        '"=SUM(A1:A2)",2026-10-01,100.00,USD,5\n'
        '"@cmd",2026-10-01,100.00,USD,5\n'
        '"A-1+2",2026-10-01,100.00,USD,5\n'  # a sign inside the id is harmless: left alone
    )
    text = stdout_of("status", str(orders), "--as-of", EXAMPLES_AS_OF, "--format", "csv")
    ids = [row["order_id"] for row in csv.DictReader(io.StringIO(text))]
    assert ids == ["'+1+2", "'-3+4", "'=SUM(A1:A2)", "'@cmd", "A-1+2"]
    # JSON is not for spreadsheets: the ids as written
    document = json.loads(stdout_of("status", str(orders), "--as-of", EXAMPLES_AS_OF, "--format", "json"))
    assert [o["order_id"] for o in document["orders"]] == ["+1+2", "-3+4", "=SUM(A1:A2)", "@cmd", "A-1+2"]


def test_csv_order_ids_with_a_leading_tab_or_carriage_return_in_the_input_are_read_trimmed(tmp_path):
    # the input trims the spaces around a value, a tab and CR too; what is left is guarded as usual
    orders = tmp_path / "o.csv"
    orders.write_bytes(
        b"order_id,ordered_at,amount,currency,cashback_rate\n"
        b'"\t=1+1",2026-10-01,100.00,USD,5\n'
        b'"\r+2",2026-10-01,100.00,USD,5\n'
        b'"\tT3",2026-10-01,100.00,USD,5\n'
    )
    text = stdout_of("status", str(orders), "--as-of", EXAMPLES_AS_OF, "--format", "csv")
    ids = [row["order_id"] for row in csv.DictReader(io.StringIO(text))]
    assert ids == ["'=1+1", "'+2", "T3"]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("\rX", "'\rX"),
        ("A1", "A1"),
        ("1-2", "1-2"),
        ("", ""),
        (None, ""),
    ],
)
def test_spreadsheet_safe_prefixes_every_formula_start(value, shown):
    assert spreadsheet_safe(value) == shown


@pytest.mark.parametrize("order_id", ["\tTAB", "\rCR", "+PLUS", "-MINUS"])
def test_csv_report_guards_an_order_id_from_the_core_that_starts_like_a_formula(order_id):
    # the core keeps an id as given; the CSV report prefixes it with a quote mark
    result = evaluate_order(
        Order(order_id, date(2026, 10, 1), Decimal("100.00"), "USD", Decimal("5")),
        [],
        date(2026, 11, 24),
        Policy(),
    )
    out = io.StringIO()
    write_csv_report(out, [result], "half-up")
    header, row = csv.reader(io.StringIO(out.getvalue(), newline=""))
    assert header[0] == "order_id"
    assert row[0] == "'" + order_id  # the guarded cell, whether or not the writer quoted it
    assert row[6:10] == ["5.00", "5.00", "0.00", "confirmed"]  # 100 × 5%: E = C = 5.00, confirmed on 10-16


@pytest.mark.parametrize("order_id", ["\rCR", "A\rB", "A\nB", "A\r\nB", "\tTAB"])
def test_csv_report_reads_back_as_one_row_whatever_line_breaks_an_order_id_holds(order_id):
    # a CSV reader must get back one row per order, with the (guarded) id as it was
    result = evaluate_order(
        Order(order_id, date(2026, 10, 1), Decimal("100.00"), "USD", Decimal("5")),
        [],
        date(2026, 11, 24),
        Policy(),
    )
    out = io.StringIO()
    write_csv_report(out, [result], "half-up")
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert len(rows) == 2, rows
    assert rows[1][0] == spreadsheet_safe(order_id)
    assert rows[1][7] == "5.00"


def test_status_csv_keeps_an_order_id_with_a_carriage_return_inside_in_one_row(tmp_path):
    # a quoted input cell may hold a line break; the report must quote it back, not split the row
    orders = tmp_path / "o.csv"
    orders.write_bytes(
        b"order_id,ordered_at,amount,currency,cashback_rate\n"
        b'"A\rB",2026-10-01,100.00,USD,5\n'
        b'"C\nD",2026-10-01,100.00,USD,5\n'
    )
    text = stdout_of("status", str(orders), "--as-of", EXAMPLES_AS_OF, "--format", "csv")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [row[0] for row in rows[1:]] == ["A\rB", "C\nD"]
    assert all(len(row) == 12 for row in rows)


@pytest.mark.parametrize("order_id", ['A"1', "A\\1", "A\u20281", "Ж-1", "=1"])
def test_a_report_line_made_from_text_is_json_whatever_the_id(order_id):
    from cashback_cli.core.records import ORDER_KEYS
    from cashback_cli.output.render import json_order_line

    values = (
        order_id,
        "2026-11-01",
        "USD",
        "10.00",
        "0.00",
        None,
        "0.50",
        "0.50",
        "0.00",
        "confirmed",
        "2026-11-16",
        "r",
    )
    assert json.loads(json_order_line(values)) == dict(zip(ORDER_KEYS, values, strict=True))
