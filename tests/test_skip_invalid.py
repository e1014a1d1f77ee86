"""--skip-invalid: one rule for every row left out, each named and counted, the report marked.

Every row with a problem is left out, and so is every order whose figures a bad or
inconsistent row would change: all rows of a repeated order id, and an order with a dispute
that cannot be read or does not fit it.
"""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from cashback_cli.cli import app

runner = CliRunner()
AS_OF = "2026-11-24"
HEADER = "order_id,ordered_at,amount,cashback_rate\n"


def _run(tmp_path, orders: str, disputes: str | None = None, *args: str):
    (tmp_path / "o.csv").write_text(HEADER + orders)
    extra = []
    if disputes is not None:
        (tmp_path / "d.csv").write_text("order_id,opened_at,resolved_at,refund_amount\n" + disputes)
        extra = ["-d", str(tmp_path / "d.csv")]
    return runner.invoke(
        app, ["status", str(tmp_path / "o.csv"), *extra, "--skip-invalid", "--as-of", AS_OF, *args]
    )


def _ids(result) -> list[str]:
    return [order["order_id"] for order in json.loads(result.stdout)["orders"]]


def test_a_repeated_order_id_leaves_out_both_rows_and_names_both(tmp_path):
    result = _run(
        tmp_path, "A1,2026-10-01,100,5\nA2,2026-10-01,100,5\nA1,2026-10-02,50,5\n", None, "-f", "json"
    )
    assert result.exit_code == 0
    assert _ids(result) == ["A2"]
    assert "o.csv:2: order_id: got 'A1', expected a unique order id (also on line 4)" in result.stderr
    assert "o.csv:4: order_id: got 'A1', expected a unique order id (also on line 2)" in result.stderr
    assert "rows left out: 2; the report is partial" in result.stderr
    assert json.loads(result.stdout)["partial"] is True


def test_an_order_with_an_unreadable_dispute_is_left_out_and_named(tmp_path):
    """It used to be kept with refunded 0.00: wrong figures presented as right."""
    result = _run(
        tmp_path, "A1,2026-10-01,100,5\nA2,2026-10-01,100,5\n", "A1,2026-10-05,2026-10-06,abc\n", "-f", "json"
    )
    assert result.exit_code == 0
    assert _ids(result) == ["A2"]
    assert "d.csv:2: refund_amount: got 'abc'" in result.stderr
    assert (
        "o.csv:2: order A1 left out: its dispute at " in result.stderr
        and "d.csv:2 has a problem" in result.stderr
    )
    assert "rows left out: 2;" in result.stderr


def test_an_order_with_an_inconsistent_dispute_is_named_as_left_out(tmp_path):
    """Opened before the order, another currency, refunds above the amount: all the same rule."""
    disputes = (
        "A1,2026-09-05,2026-10-06,10\n"  # opened before its order
        "A2,2026-10-05,2026-10-06,10 EUR\n"  # refund in another currency
        "A3,2026-10-05,2026-10-06,500\n"  # more than the order amount
    )
    orders = "A1,2026-10-01,100,5\nA2,2026-10-01,100,5\nA3,2026-10-01,100,5\nA4,2026-10-01,100,5\n"
    result = _run(tmp_path, orders, disputes, "-f", "json")
    assert result.exit_code == 0
    assert _ids(result) == ["A4"]
    for line, order_id in ((2, "A1"), (3, "A2"), (4, "A3")):
        assert f"o.csv:{line}: order {order_id} left out: its dispute at" in result.stderr
        assert f"d.csv:{line} has a problem" in result.stderr
    assert "rows left out: 6;" in result.stderr  # three orders and their three disputes


def test_a_partial_csv_report_carries_a_partial_column(tmp_path):
    result = _run(tmp_path, "A1,2026-10-01,100,5\nA2,2026-10-01,x,5\n", None, "-f", "csv")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][-1] == "partial" and rows[0][:-1][0] == "order_id"
    assert [row[0] for row in rows[1:]] == ["A1"] and all(row[-1] == "true" for row in rows[1:])


def test_a_partial_csv_summary_carries_a_partial_column(tmp_path):
    result = _run(tmp_path, "A1,2026-10-01,100,5\nA2,2026-10-01,x,5\n", None, "-f", "csv", "--summary")
    # 100 × 5 % = 5.00, confirmed on 2026-10-16
    assert result.stdout == "currency,orders,pending,confirmed,cancelled,partial\nUSD,1,0.00,5.00,0.00,true\n"


def test_a_complete_csv_report_has_no_partial_column(tmp_path):
    result = _run(tmp_path, "A1,2026-10-01,100,5\n", None, "-f", "csv")
    assert result.stdout.splitlines()[0].split(",")[-1] == "reason"
    summary = _run(tmp_path, "A1,2026-10-01,100,5\n", None, "-f", "csv", "--summary")
    assert summary.stdout == "currency,orders,pending,confirmed,cancelled\nUSD,1,0.00,5.00,0.00\n"


def test_a_partial_csv_report_written_to_a_file_is_marked_too(tmp_path):
    out = tmp_path / "report.csv"
    result = _run(tmp_path, "A1,2026-10-01,100,5\nA2,2026-10-01,x,5\n", None, "-f", "csv", "-o", str(out))
    assert result.exit_code == 0
    assert out.read_text().splitlines() == [
        "order_id,ordered_at,currency,amount,refunded,rate,expected_cashback,cashback,cancelled_cashback,"
        "status,confirm_on,reason,partial",
        "A1,2026-10-01,USD,100.00,0.00,5,5.00,5.00,0.00,confirmed,2026-10-16,confirmed on 2026-10-16,true",
    ]


def test_without_skip_invalid_an_unreadable_dispute_stops_the_report(tmp_path):
    (tmp_path / "o.csv").write_text(HEADER + "A1,2026-10-01,100,5\n")
    (tmp_path / "d.csv").write_text(
        "order_id,opened_at,resolved_at,refund_amount\nA1,2026-10-05,2026-10-06,abc\n"
    )
    result = runner.invoke(
        app, ["status", str(tmp_path / "o.csv"), "-d", str(tmp_path / "d.csv"), "--as-of", AS_OF]
    )
    assert result.exit_code == 1 and result.stdout == ""
