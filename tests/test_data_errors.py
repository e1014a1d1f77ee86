"""Data errors the README's "Decisions" name: a dispute opened before its order, dates outside
1900–2199 (on the fast path and the careful one), and `status` stopping after 100 problems
while `validate` lists them all.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from cashback_cli.cli import app
from cashback_cli.core.records import Dispute, Order, Policy, Source
from cashback_cli.run.evaluation import Evaluation

AS_OF = "2026-11-24"
runner = CliRunner()
ORDERS_HEADER = "order_id,ordered_at,amount,currency,cashback_rate\n"


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"NO_COLOR": "1", "LC_ALL": "C"})


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


# --- a dispute opened before its order ---------------------------------------------------------


def test_dispute_opened_before_its_order_is_a_problem_of_the_evaluation():
    order = Order("B1", date(2026, 10, 1), Decimal("100.00"), "USD", Decimal("5"), source=Source("o.csv", 2))
    early = Dispute("B1", date(2026, 9, 30), date(2026, 10, 5), Decimal("10.00"), source=Source("d.csv", 3))
    evaluation = Evaluation([early], date(2026, 11, 24), lambda _order: Policy())
    assert list(evaluation.results([order])) == []
    assert [(p.file, p.line, p.field, p.value) for p in evaluation.problems] == [
        ("d.csv", 3, "opened_at", "2026-09-30")
    ]


def test_dispute_opened_on_its_order_date_is_fine():
    order = Order("B2", date(2026, 10, 1), Decimal("100.00"), "USD", Decimal("5"))
    same_day = Dispute("B2", date(2026, 10, 1), date(2026, 10, 5), Decimal("40.00"))
    evaluation = Evaluation([same_day], date(2026, 11, 24), lambda _order: Policy())
    (result,) = evaluation.results([order])
    assert evaluation.problems == []
    assert result.cashback == Decimal("3.00")  # (100 − 40) × 5%


def test_cli_names_the_disputes_file_line_and_opened_at_of_a_dispute_opened_before_its_order(tmp_path):
    orders = write(
        tmp_path / "o.csv", ORDERS_HEADER + "B3,2026-10-01,100.00,USD,5\nB4,2026-10-01,50.00,USD,5\n"
    )
    disputes = write(
        tmp_path / "d.csv", "order_id,opened_at,resolved_at,refund_amount\nB4,2026-10-02,,\nB3,2026-09-30,,\n"
    )
    for command in (
        ["status", str(orders), "-d", str(disputes), "--as-of", AS_OF, "--format", "json"],
        ["validate", str(orders), "-d", str(disputes)],
    ):
        result = invoke(*command)
        assert result.exit_code == 1, command
        assert result.stdout == "", command
        assert f"{disputes}:3: opened_at: got '2026-09-30'" in result.stderr
        assert "2026-10-01" in result.stderr  # the order's date, the earliest a dispute may open


# --- years outside 1900–2199 -----------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        "1899-12-31",  # plain ISO dates: the fast path's own check
        "2200-01-01",
        "0001-01-01",
        "9999-12-31",
        "31.12.1899",  # dotted dates: the careful path
        "01.01.2200",
        "1899-12-31T12:00:00",  # a datetime: the careful path too
    ],
)
def test_order_dates_outside_1900_to_2199_are_refused(tmp_path, day):
    orders = write(tmp_path / "o.csv", ORDERS_HEADER + f"Y1,{day},100.00,USD,5\n")
    result = invoke("status", str(orders), "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{orders}:2: ordered_at: got '{day}', expected a date between 1900 and 2199" in result.stderr


@pytest.mark.parametrize("day", ["1899-12-31", "2200-01-01", "01.01.2200"])
@pytest.mark.parametrize("field", ["opened_at", "resolved_at"])
def test_dispute_dates_outside_1900_to_2199_are_refused(tmp_path, day, field):
    orders = write(tmp_path / "o.csv", ORDERS_HEADER + "Y2,2026-10-01,100.00,USD,5\n")
    dates = (
        {"opened_at": day, "resolved_at": ""}
        if field == "opened_at"
        else {"opened_at": "2026-10-05", "resolved_at": day}
    )
    disputes = write(
        tmp_path / "d.csv",
        f"order_id,opened_at,resolved_at\nY2,{dates['opened_at']},{dates['resolved_at']}\n",
    )
    result = invoke("validate", str(orders), "-d", str(disputes))
    assert result.exit_code == 1
    assert f"{disputes}:2: {field}: got '{day}', expected a date between 1900 and 2199" in result.stderr


def test_the_first_and_last_accepted_days(tmp_path):
    # 1900-01-01 and 2199-12-31 (plain and dotted) are inside the range
    orders = write(
        tmp_path / "o.csv",
        ORDERS_HEADER
        + "E1,1900-01-01,100.00,USD,5\nE2,2199-12-31,100.00,USD,5\nE3,01.01.1900,100.00,USD,5\nE4,31.12.2199,1.00,USD,5\n",
    )
    result = invoke("validate", str(orders))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "ok, 4 orders, 0 disputes"


# --- status stops after 100 problems; validate lists them all ----------------------------------------


@pytest.fixture
def bad_orders(tmp_path):
    """150 rows, each with one problem (an amount that is no number), on lines 2 to 151."""
    rows = "".join(f"Q{n},2026-10-01,abc,USD,5\n" for n in range(150))
    return write(tmp_path / "bad.csv", ORDERS_HEADER + rows)


def test_status_stops_after_100_problems_and_says_so(bad_orders):
    result = invoke("status", str(bad_orders), "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    # the first 20 problems, lines 2 to 21, then how many more of the 100 read, then the stop
    assert [line.split(": ")[0] for line in lines[:20]] == [f"{bad_orders}:{n}" for n in range(2, 22)]
    assert all(": amount: got 'abc'" in line for line in lines[:20])
    assert lines[20] == "… and 80 more (cashback validate lists them all)"
    assert lines[21] == (
        "cashback: problems in the input: 100 or more; nothing reported (cashback validate lists them all)"
    )
    assert len(lines) == 22


def test_validate_lists_all_150_problems(bad_orders):
    result = invoke("validate", str(bad_orders))
    assert result.exit_code == 1
    problem_lines = [line for line in result.stderr.splitlines() if line.startswith(f"{bad_orders}:")]
    assert [line.split(": ")[0] for line in problem_lines] == [f"{bad_orders}:{n}" for n in range(2, 152)]
    assert "more" not in result.stderr
    assert result.stderr.splitlines()[-1] == "cashback: problems found: 150"


def test_status_with_99_problems_does_not_stop_early(tmp_path):
    # under the limit every problem is counted, and the message is the ordinary one
    rows = "".join(f"Q{n},2026-10-01,abc,USD,5\n" for n in range(99))
    orders = write(tmp_path / "bad.csv", ORDERS_HEADER + rows)
    result = invoke("status", str(orders), "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[20] == "… and 79 more (cashback validate lists them all)"
    assert lines[-1] == (
        "cashback: problems in the input: 99; nothing reported (--skip-invalid reports the valid rows)"
    )
