"""A shopper's own cabinet copy, start to finish (issue 21): the currency its amounts are written
in, every problem named as written, one order object everywhere."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cashback_cli.cli import app

runner = CliRunner()
AS_OF = "2026-11-24"


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"NO_COLOR": "1", "COLUMNS": "200"})


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- 1. the currency written in the amounts ---------------------------------------------------

SIGNED_FIRST = (
    "Номер заказа;Дата;Сумма заказа;Ставка\n"
    "A1;01.10.2026;1 000,00 ₽;5\n"
    "A2;02.10.2026;890;5\n"
    "A3;03.10.2026;1 500,00;5\n"
)


def test_unsigned_rows_take_the_one_currency_the_file_writes(tmp_path):
    orders = write(tmp_path, "cabinet.csv", SIGNED_FIRST)
    result = invoke("status", orders, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [o["currency"] for o in document["orders"]] == ["RUB", "RUB", "RUB"]
    # 1000 × 5 % = 50.00, 890 × 5 % = 44.50, 1500 × 5 % = 75.00: 169.50 RUB, no USD at all
    assert document["totals"] == {
        "RUB": {"orders": 3, "pending": "0.00", "confirmed": "169.50", "cancelled": "0.00"}
    }
    assert "USD" not in result.stderr


def test_validate_says_which_currency_it_took_and_why(tmp_path):
    orders = write(tmp_path, "cabinet.csv", SIGNED_FIRST)
    result = invoke("validate", orders)
    assert result.exit_code == 0
    assert "ok, 3 orders, 0 disputes" in result.stdout
    assert "currency RUB" in result.stdout and "no currency column" in result.stdout


def test_signs_of_two_currencies_with_unsigned_rows_stop_naming_the_lines(tmp_path):
    orders = write(tmp_path, "mixed.csv", SIGNED_FIRST + "A4;04.10.2026;$15;5\n")
    for command in (["validate", orders], ["status", orders, "--as-of", AS_OF]):
        result = invoke(*command)
        assert result.exit_code == 1
        # lines 3 and 4 have no sign; RUB is first written on line 2, USD on line 5
        assert f"{orders}:3: amount: got '890'" in result.stderr
        assert f"{orders}:4: amount: got '1 500,00'" in result.stderr
        assert "RUB on line 2, USD on line 5" in result.stderr
        assert not result.stdout.startswith("ok")


def test_every_row_signed_in_its_own_currency_is_read_as_written(tmp_path):
    orders = write(
        tmp_path,
        "signed.csv",
        "order_id,ordered_at,amount,cashback_rate\nA1,2026-10-01,$10,5\nA2,2026-10-01,10 €,5\n",
    )
    result = invoke("status", orders, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0
    assert [o["currency"] for o in json.loads(result.stdout)["orders"]] == ["USD", "EUR"]


def test_a_stated_currency_wins_over_the_signs(tmp_path):
    orders = write(tmp_path, "cabinet.csv", SIGNED_FIRST)
    result = invoke("status", orders, "--as-of", AS_OF, "--format", "json", "--currency", "UAH")
    assert result.exit_code == 0
    # the signed row keeps its ₽; the unsigned ones take what --currency says
    assert [o["currency"] for o in json.loads(result.stdout)["orders"]] == ["RUB", "UAH", "UAH"]


def test_a_file_without_signs_is_still_assumed_usd(tmp_path):
    orders = write(tmp_path, "plain.csv", "order_id,ordered_at,amount,cashback_rate\nA1,2026-10-01,10,5\n")
    result = invoke("validate", orders)
    assert result.stdout == "ok, 1 orders, 0 disputes\n"


# --- 4. one order object everywhere ------------------------------------------------------------

CABINET = (
    "Номер;Дата;Магазин;Сумма заказа;Ставка;Кэшбэк;Статус\n"
    "C-1;01.10.2026;Ozon;2 000,00 ₽;5;100,00;подтверждён\n"
    "C-2;05.10.2026;Ozon;1 000,00;5;50,00;отклонён\n"
    "C-3;10.10.2026;Lamoda;800,00;5;30,00;подтверждён\n"
)
CARRIED = ["store", "reported_status", "network_status", "reported_cashback"]


def test_status_dispute_reconcile_and_csv_give_an_order_the_same_keys(tmp_path):
    orders = write(tmp_path, "cabinet.csv", CABINET)
    status = json.loads(invoke("status", orders, "--as-of", AS_OF, "-f", "json").stdout)["orders"]
    keys = list(status[0])
    assert keys[-4:] == CARRIED
    dispute = json.loads(invoke("dispute", "C-2", "--orders", orders, "--as-of", AS_OF, "-f", "json").stdout)
    assert list(dispute) == [*keys, "explanation"]
    differences = json.loads(invoke("reconcile", orders, "--as-of", AS_OF, "-f", "json").stdout)[
        "differences"
    ]
    # C-2: 1000 × 5 % = 50.00 kept by the rules, cancelled by the cabinet; C-3: 40.00, shown 30.00
    assert [d["order_id"] for d in differences] == ["C-2", "C-3"]
    for found in differences:
        assert list(found) == [*keys, "verdict", "at_stake", "over", "why"]
        assert {key: found[key] for key in keys} == next(
            o for o in status if o["order_id"] == found["order_id"]
        )
    header = invoke("status", orders, "--as-of", AS_OF, "-f", "csv").stdout.splitlines()[0]
    assert header.split(",") == keys
    assert next(o for o in status if o["order_id"] == "C-2")["network_status"] == "отклонён"


def test_a_plain_file_adds_no_key(tmp_path):
    orders = write(
        tmp_path, "plain.csv", "order_id,ordered_at,amount,cashback_rate\nP1,2026-10-01,100.00,5\n"
    )
    (order,) = json.loads(invoke("status", orders, "--as-of", AS_OF, "-f", "json").stdout)["orders"]
    assert list(order)[-1] == "reason"
    dispute = json.loads(invoke("dispute", "P1", "--orders", orders, "--as-of", AS_OF, "-f", "json").stdout)
    assert list(dispute) == [*order, "explanation"]


def test_by_store_summary_in_every_format(tmp_path):
    orders = write(tmp_path, "cabinet.csv", CABINET)
    args = ("status", orders, "--as-of", AS_OF, "--by", "store", "--summary")
    # Lamoda: 800 × 5 % = 40.00; Ozon: 100.00 + 50.00 = 150.00, all confirmed
    assert invoke(*args, "-f", "csv").stdout == (
        "store,currency,orders,pending,confirmed,cancelled\nLamoda,RUB,1,0.00,40.00,0.00\nOzon,RUB,2,0.00,150.00,0.00\n"
    )
    document = json.loads(invoke(*args, "-f", "json").stdout)
    assert document["by_store"]["Ozon"]["RUB"]["confirmed"] == "150.00"
    table = invoke(*args).stdout
    assert "Lamoda" in table and "Ozon" in table and "150.00" in table


def test_every_engine_gives_a_file_with_stores_the_same_report(tmp_path):
    pytest.importorskip("duckdb")
    orders = write(
        tmp_path, "stores.csv", "order_id,ordered_at,amount,currency,store\nS1,2026-10-01,100.00,USD,Ozon\n"
    )
    reports = {
        engine: invoke(
            "status", orders, "--as-of", AS_OF, "--rate", "5", "-f", fmt, "--engine", engine
        ).stdout
        for engine in ("python", "duckdb")
        for fmt in ("json",)
    }
    assert reports["python"] == reports["duckdb"]
    assert '"store": "Ozon"' in reports["python"]


# --- 5. every problem named, as written ------------------------------------------------------


def test_validate_quotes_each_cell_as_the_file_writes_it(tmp_path):
    orders = write(
        tmp_path, "orders.csv", "Номер заказа;Дата;Сумма заказа;Ставка\nA1;01.10.2026;1 500,00 ₽;5\n"
    )
    disputes = write(
        tmp_path,
        "disputes.csv",
        "order_id;opened_at;resolved_at;refund_amount\nA1;01.09.2026;05.10.2026;100,00 ₽\nA1;02.09.2026;05.10.2026;$50\n",
    )
    result = invoke("validate", orders, "-d", disputes)
    assert result.exit_code == 1
    # both disputes of A1 are named, each with its date and refund as written (not 2026-09-01, 50 USD)
    assert f"{disputes}:2: opened_at: got '01.09.2026'" in result.stderr
    assert f"{disputes}:3: opened_at: got '02.09.2026'" in result.stderr
    assert f"{disputes}:3: refund_amount: got '$50', expected a refund in RUB" in result.stderr


def test_two_bad_refunds_of_one_order_are_both_named(tmp_path):
    orders = write(
        tmp_path,
        "orders.csv",
        'order_id,ordered_at,amount,currency,cashback_rate\nB1,2026-10-01,"1 500,00",USD,5\n',
    )
    disputes = write(
        tmp_path,
        "disputes.csv",
        "order_id,opened_at,resolved_at,refund_amount\nB1,2026-10-02,2026-10-03,10.005\nB1,2026-10-02,2026-10-03,20.005\n",
    )
    result = invoke("validate", orders, "-d", disputes)
    assert result.exit_code == 1
    assert f"{disputes}:2: refund_amount: got '10.005', expected at most 2 decimal places" in result.stderr
    assert f"{disputes}:3: refund_amount: got '20.005', expected at most 2 decimal places" in result.stderr


def test_an_order_amount_is_quoted_as_written_beside_its_disputes_problem(tmp_path):
    orders = write(
        tmp_path,
        "orders.csv",
        'order_id,ordered_at,amount,currency,cashback_rate\nB1,2026-10-01,"1 500,005",USD,5\n',
    )
    disputes = write(
        tmp_path, "disputes.csv", "order_id,opened_at,resolved_at,refund_amount\nB1,2026-09-02,2026-10-03,1\n"
    )
    result = invoke("validate", orders, "-d", disputes)
    assert result.exit_code == 1
    assert f"{orders}:2: amount: got '1 500,005', expected at most 2 decimal places" in result.stderr
    assert f"{disputes}:2: opened_at: got '2026-09-02'" in result.stderr


def test_a_bad_order_row_is_named_once_and_its_disputes_are_not_blamed(tmp_path):
    orders = write(
        tmp_path, "orders.csv", "order_id,ordered_at,amount,cashback_rate\nA2,2026-10-02,1000,abc\n"
    )
    disputes = write(
        tmp_path,
        "disputes.csv",
        "order_id,opened_at,resolved_at,refund_amount\nA2,2026-10-03,2026-10-05,100\n",
    )
    result = invoke("validate", orders, "-d", disputes)
    assert result.exit_code == 1
    assert f"{orders}:2: cashback_rate: got 'abc'" in result.stderr
    assert "the id of an order in the orders file" not in result.stderr
    assert "problems found: 1" in result.stderr


# --- 6. a cabinet copy without a rate ------------------------------------------------------------

NO_RATE = "Номер;Дата;Сумма заказа;Кэшбэк;Статус\n" + "".join(
    f"N{n};01.10.2026;1 000,00 ₽;50,00;подтверждён\n" for n in range(1, 16)
)


def test_a_cabinet_copy_without_a_rate_gets_one_message_saying_what_to_add(tmp_path):
    orders = write(tmp_path, "cabinet.csv", NO_RATE)
    for command in ("validate", "status"):
        result = invoke(command, orders)
        assert result.exit_code == 1
        named = [line for line in result.stderr.splitlines() if "cashback_rate" in line]
        assert len(named) == 1, result.stderr
        assert "15 orders (lines 2, 3, 4, 5, 6, …) have no cashback rate" in named[0]
        assert "--rate" in named[0] and "%" in named[0] and "--config" in named[0]
    # with --rate it is read, and --skip-invalid still names each row it leaves out
    assert invoke("status", orders, "--rate", "5", "--as-of", AS_OF, "-f", "json").exit_code == 0
    skipped = invoke("status", orders, "--skip-invalid", "--as-of", AS_OF)
    assert skipped.exit_code == 0
    assert skipped.stderr.count("cashback_rate") == 15


def test_a_single_order_without_a_rate_is_named_by_its_line(tmp_path):
    orders = write(
        tmp_path,
        "orders.csv",
        "order_id,ordered_at,amount,cashback_rate\nA,2026-10-01,10,5\nB,2026-10-01,10,\n",
    )
    result = invoke("validate", orders)
    assert f"{orders}:3: cashback_rate: got ''" in result.stderr


# --- 7. the output's format from its name ----------------------------------------------------------

EXAMPLES = ["examples/orders.csv", "--disputes", "examples/disputes.csv", "--as-of", AS_OF]


@pytest.fixture
def in_repo(monkeypatch):
    """Run from the repository's root, where the README's example paths are."""
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    return invoke


def test_a_json_or_csv_name_writes_that_format(tmp_path, in_repo):
    for suffix in ("json", "csv"):
        target = tmp_path / f"rep.{suffix}"
        assert in_repo("status", *EXAMPLES, "-o", str(target)).exit_code == 0
        expected = in_repo("status", *EXAMPLES, "--format", suffix).stdout
        assert target.read_text(encoding="utf-8") == expected
    target = tmp_path / "up.json"
    assert in_repo("upcoming", *EXAMPLES, "-o", str(target)).exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["by"] == "week"


def test_a_name_and_a_format_that_disagree_are_refused(tmp_path, in_repo):
    for args in (
        ["-o", str(tmp_path / "rep.json"), "--format", "csv"],
        ["-o", str(tmp_path / "rep.csv"), "-f", "table"],
    ):
        result = in_repo("status", *EXAMPLES, *args)
        assert result.exit_code == 2
        assert "--format" in result.stderr
    assert not list(tmp_path.iterdir())
    result = in_repo("dispute", "A1001", "--orders", "examples/orders.csv", "-o", str(tmp_path / "d.csv"))
    assert result.exit_code == 2
    # a name that says no format keeps the table, as before
    assert in_repo("status", *EXAMPLES, "-o", str(tmp_path / "rep.txt")).exit_code == 0
    assert "Orders as of" in (tmp_path / "rep.txt").read_text(encoding="utf-8")


def test_an_xlsx_name_writes_a_workbook_of_numbers_and_dates(tmp_path, in_repo):
    openpyxl = pytest.importorskip("openpyxl")
    from datetime import datetime

    target = tmp_path / "rep.xlsx"
    result = in_repo("status", *EXAMPLES, "-o", str(target))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["orders", "totals"]
    rows = list(book["orders"].iter_rows(values_only=True))
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[:3] == ("order_id", "ordered_at", "currency") and len(rows) == 12  # 11 orders
    # A1001: 100.00 USD at 5 %, ordered 11-20, pending until 12-05
    assert first["order_id"] == "A1001" and first["ordered_at"] == datetime(2026, 11, 20)
    assert first["amount"] == 100 and first["cashback"] == 5 and first["confirm_on"] == datetime(2026, 12, 5)
    totals = {row[0]: row for row in book["totals"].iter_rows(values_only=True) if row[0]}
    assert totals["USD"][1:] == (9, 11, 67.27, 9.23)  # the example totals, as numbers
    assert book["orders"]["D2"].number_format == "#,##0.00"


# --- 8. dates in words, help examples, what-if wording -------------------------------------------


def test_a_what_if_full_refund_says_the_day_the_refund_ends_the_dispute():
    # ordered 11-20 (hold until 12-05); the dispute opened 11-24 ends 2 days later with a full refund
    args = ["dispute", "--amount", "100", "--refund", "100", "--rate", "5", "--as-of", AS_OF]
    result = invoke(*args, "--ordered-at", "2026-11-20", "--dispute-days", "2")
    assert result.exit_code == 0, result.output
    line = next(line for line in result.stdout.splitlines() if "Confirm on" in line)
    assert "lost on 2026-11-26, the day of the refund" in line
    assert "final on 2026-12-05" not in line


def test_the_reconcile_help_example_prints_the_currency_of_its_cabinet(monkeypatch):
    import shlex
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    shown = invoke("reconcile", "--help").stdout
    (line,) = [line for line in shown.splitlines() if "Example" in line and "cabinet.csv" in line]
    args = shlex.split(line.split(":", 1)[1].strip(" │"))[1:]
    result = invoke(*args)
    assert result.exit_code == 4, result.output
    assert "RUB" in result.stdout and "USD" not in result.stdout


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("5 октября 2026", "2026-10-05"),
        ("5 октября 2026 г.", "2026-10-05"),
        ("5 окт. 2026", "2026-10-05"),
        ("1 мая 2026 года", "2026-05-01"),
        ("5 жовтня 2026", "2026-10-05"),
        ("5 жовтня 2026 р.", "2026-10-05"),
        ("17 листопада 2026", "2026-11-17"),
        ("24 Nov 2026", "2026-11-24"),
    ],
)
def test_dates_written_out_in_russian_and_ukrainian_are_read(tmp_path, written, day):
    orders = write(tmp_path, "orders.csv", f"Номер;Дата;Сумма;Ставка\nA1;{written};100,00 ₽;5\n")
    result = invoke("status", orders, "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["orders"][0]["ordered_at"] == day


def test_a_written_out_date_that_is_no_date_is_refused(tmp_path):
    orders = write(tmp_path, "orders.csv", "Номер;Дата;Сумма;Ставка\nA1;31 февраля 2026;100,00 ₽;5\n")
    result = invoke("validate", orders)
    assert result.exit_code == 1
    assert "got '31 февраля 2026', expected a real calendar date" in result.stderr


def test_a_workbook_never_turns_a_cell_into_a_formula(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    orders = write(
        tmp_path,
        "f.csv",
        'order_id,ordered_at,amount,cashback_rate,store\n=1+2,2026-10-01,100,5,"=HYPERLINK(""x"")"\n',
    )
    target = tmp_path / "f.xlsx"
    assert invoke("status", orders, "--as-of", AS_OF, "--by", "store", "-o", str(target)).exit_code == 0
    book = openpyxl.load_workbook(target)
    cells = [
        cell for sheet in book for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)
    ]
    assert {cell.value for cell in cells} >= {"=1+2", '=HYPERLINK("x")'}
    assert all(cell.data_type == "s" for cell in cells)
