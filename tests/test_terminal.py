"""What a shopper reads at a terminal: tables that fit the width without cutting an order id or a
figure, numbers and dates as a reader of the language writes them, filters, per-store totals,
the headline, and the messages about missing columns and an assumed currency."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from conftest import force_terminal
from typer.testing import CliRunner

from cashback_cli.cli import app

runner = CliRunner()
EXAMPLES = ["status", "examples/orders.csv", "--disputes", "examples/disputes.csv", "--as-of", "2026-11-24"]
NBSP = "\u00a0"


def table(*args: str, width: int = 120, lang: str = "en") -> str:
    """What a terminal of `width` columns shows (Rich reads COLUMNS; no colour codes)."""
    result = runner.invoke(
        app, [*args, "--lang", lang], env={"COLUMNS": str(width), "NO_COLOR": "1", "TERM": "xterm"}
    )
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("width", [60, 80, 120])
def test_order_ids_and_money_are_never_cut(monkeypatch, width):
    force_terminal(monkeypatch, width)
    shown = table(*EXAMPLES, width=width)
    assert "…" not in shown
    assert max(len(line) for line in shown.splitlines()) <= width
    for order_id in ("A1001", "A1005", "A1011"):
        assert order_id in shown
    for figure in ("5,000.00", "12,000", "350.00", "67.27", "1.67"):  # amounts of A1008, A1009, totals
        assert figure in shown, (width, figure)


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("width", [40, 50])
def test_on_a_narrow_terminal_the_totals_keep_every_currency_and_figure(monkeypatch, width, lang):
    """Below the width of its five columns the totals table stacks each currency's figures."""
    force_terminal(monkeypatch, width)
    shown = table(*EXAMPLES, "--summary", width=width, lang=lang)
    assert "…" not in shown and max(len(line) for line in shown.splitlines()) <= width
    totals = shown.split("2026")[-1] if lang == "en" else shown.split("Итоги")[1]
    for code, figures in {"JPY": ["600"], "RUB": ["350"], "USD": ["11", "67", "9"]}.items():
        assert code in totals, (width, lang, code)
        for figure in figures:
            assert re.search(rf"\b{figure}[.,]?\d*\b", totals), (width, lang, figure)
    words = (
        ("Pending", "Confirmed", "Cancelled") if lang == "en" else ("Ожидается", "Подтверждено", "Отменено")
    )
    assert all(word in totals for word in words)


def test_store_totals_show_each_store_whole_or_stack(monkeypatch):
    stores = ("AliExpress", "Amazon", "Ozon", "Rakuten", "Wildberries", "eBay")
    for width in (60, 120):
        force_terminal(monkeypatch, width)
        shown = table(
            *EXAMPLES, "--summary", "--by", "store", "--config", "examples/cashback.toml", width=width
        )
        assert "…" not in shown and max(len(line) for line in shown.splitlines()) <= width
        assert all(store in shown for store in stores), width
        header = [line for line in shown.splitlines() if "Currency" in line]
        assert bool(header) == (width == 120), width  # one row each when it fits, else stacked


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("width", [34, 44, 60, 120])
def test_the_upcoming_chart_never_cuts_a_figure_and_its_bar_gives_way(monkeypatch, width, lang):
    force_terminal(monkeypatch, width)
    shown = table("upcoming", *EXAMPLES[1:], width=width, lang=lang)
    assert "…" not in shown and max(len(line) for line in shown.splitlines()) <= width
    figures = ("350.00", "5.00", "6.00") if lang == "en" else ("350,00", "5,00", "6,00")
    assert all(figure in shown for figure in figures), (width, lang)
    assert ("█" in shown) == (width >= 60), (width, lang)  # the bar only where there is room


@pytest.mark.parametrize("width", [36, 60, 120])
def test_the_reconcile_totals_never_cut_a_heading_or_figure(monkeypatch, width):
    force_terminal(monkeypatch, width)
    args = ["reconcile", "examples/cabinet.csv", "--disputes", "examples/cabinet-disputes.csv"]
    args += ["--currency", "RUB", "--as-of", "2026-11-24", "--lang", "ru"]
    result = runner.invoke(app, args, env={"COLUMNS": str(width), "NO_COLOR": "1", "TERM": "xterm"})
    assert result.exit_code == 4, result.output  # differences found
    shown = result.stdout
    totals = shown.split("Итоги сверки")[1]
    assert "…" not in totals and max(len(line) for line in shown.splitlines()) <= width
    for word in ("Сравнено", "Расходятся", "Вам должны", "Переплачено", "Не сравнено", "55,00", "40,00"):
        assert word in totals, (width, word)


def test_a_long_network_order_id_is_shown_whole_at_80_columns(monkeypatch):
    force_terminal(monkeypatch, 80)
    shown = table(
        "status",
        "examples/networks/aliexpress.json",
        "--profile",
        "aliexpress",
        "--as-of",
        "2026-11-24",
        width=80,
    )
    for order_id in ("8201934455102871", "8202177301928844", "8202390018476612", "8202655507731490"):
        assert order_id in shown


def test_below_90_columns_an_order_takes_two_lines(monkeypatch):
    force_terminal(monkeypatch, 80)
    shown = table(*EXAMPLES, width=80)
    lines = shown.splitlines()
    at = next(i for i, line in enumerate(lines) if "A1004" in line)
    assert "2026-10-15" in lines[at + 1]  # the date under the id
    assert "confirmed" in lines[at + 1]  # the status under the cashback


def test_at_120_columns_every_figure_has_its_column(monkeypatch):
    force_terminal(monkeypatch, 120)
    header = next(line for line in table(*EXAMPLES).splitlines() if "Order" in line and "Amount" in line)
    for column in ("Date", "Refunded", "Rate", "Expected", "Cashback", "Cancelled", "Status", "Reason"):
        assert column in header


def test_russian_tables_write_numbers_and_dates_as_russian_readers_do():
    shown = table(*EXAMPLES, lang="ru")
    # 5000 RUB grouped with a no-break space, decimal comma, the rouble sign after the number
    assert f"5{NBSP}000,00{NBSP}₽" in shown
    assert f"12{NBSP}000{NBSP}¥" in shown  # JPY: no minor digits
    assert "20.11.2026" in shown and "2026-11-20" not in shown.split("предупреждение")[0]
    assert "67,27" in shown and "67.27" not in shown


def test_english_tables_group_thousands():
    shown = table(*EXAMPLES)
    assert f"5,000.00{NBSP}RUB" in shown and "1,000.00" in shown


def test_json_and_csv_do_not_change_with_the_language():
    for fmt in ("json", "csv"):
        english = runner.invoke(app, [*EXAMPLES, "-f", fmt, "--lang", "en"]).stdout
        russian = runner.invoke(app, [*EXAMPLES, "-f", fmt, "--lang", "ru"]).stdout
        assert english == russian


def test_the_headline_says_how_much_is_pending_and_when():
    shown = table(*EXAMPLES)
    # USD pending: A1001 5.00 due 2026-12-05 (11-20 + 15 days), A1005 6.00 frozen by its dispute
    assert (
        "Pending 11.00 USD: 5.00 on 5 Dec 2026, 6.00 when the dispute on A1005 closes. "
        "Confirmed 67.27 USD. Lost to refunds 9.23 USD." in " ".join(shown.split()).replace(NBSP, " ")
    )
    assert "Pending 350.00 RUB: 350.00 on 25 Nov 2026." in shown.replace(NBSP, " ")


def test_status_filter_and_sort_in_csv():
    result = runner.invoke(app, [*EXAMPLES, "--status", "pending", "--sort", "cashback", "-f", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    # pending: A1008 350.00 RUB; USD A1005 6.00 before A1001 5.00 (largest first within a currency)
    assert [row["order_id"] for row in rows] == ["A1008", "A1005", "A1001"]
    assert {row["status"] for row in rows} == {"pending"}


def test_totals_follow_the_status_filter_in_json():
    result = runner.invoke(app, [*EXAMPLES, "--status", "cancelled", "--status", "pending", "-f", "json"])
    document = json.loads(result.stdout)
    # cancelled A1003 (4.00 lost) and pending A1001 5.00 + A1005 6.00 in USD; A1008 350.00 RUB
    assert document["totals"]["USD"] == {
        "orders": 3,
        "pending": "11.00",
        "confirmed": "0.00",
        "cancelled": "4.00",
    }
    assert document["totals"]["RUB"]["orders"] == 1 and "JPY" not in document["totals"]


def test_sort_by_date_puts_the_oldest_first():
    result = runner.invoke(app, [*EXAMPLES, "--sort", "date", "-f", "csv"])
    dates = [row["ordered_at"] for row in csv.DictReader(io.StringIO(result.stdout))]
    assert dates == sorted(dates) and dates[0] == "2026-10-01"


def test_totals_by_store_in_json_and_csv_summary():
    document = json.loads(runner.invoke(app, [*EXAMPLES, "--by", "store", "--summary", "-f", "json"]).stdout)
    stores = document["by_store"]
    # examples: Amazon has A1002 alone (250 × 4 % = 10.00, confirmed); Ozon A1006 (6.00, dispute lost)
    assert stores["Amazon"]["USD"] == {
        "orders": 1,
        "pending": "0.00",
        "confirmed": "10.00",
        "cancelled": "0.00",
    }
    assert stores["Ozon"]["USD"] == {"orders": 1, "pending": "0.00", "confirmed": "6.00", "cancelled": "0.00"}
    assert document["totals"]["USD"]["orders"] == 9  # the per-currency totals stay


def test_totals_by_store_in_a_table():
    shown = table(*EXAMPLES, "--by", "store")
    totals = shown.split("Totals as of")[1]
    assert "Store" in totals and "Amazon" in totals and "AliExpress" in totals


def test_a_missing_column_names_the_unused_ones_and_the_map_to_try(tmp_path):
    path = tmp_path / "o.csv"
    path.write_text("Номер;Дата;Итого;Ставка\nA1;01.10.2026;100;5\n", encoding="utf-8")
    result = runner.invoke(app, ["status", str(path), "--as-of", "2026-11-24"])
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert "columns not used: 'Итого'" in message and "--map amount=Итого" in message


def test_a_russian_cabinet_header_set_is_read(tmp_path):
    path = tmp_path / "o.csv"
    path.write_text("Номер;Дата;Сумма;Кэшбэк %\nA1;01.10.2026;1 000,00;4,5\n", encoding="utf-8")
    result = runner.invoke(app, ["status", str(path), "--as-of", "2026-11-24", "-f", "json"])
    order = json.loads(result.stdout)["orders"][0]
    assert (order["order_id"], order["rate"], order["expected_cashback"]) == (
        "A1",
        "4.5",
        "45.00",
    )  # 1000 × 4.5 %


def test_an_assumed_currency_is_said_once_and_shown_in_the_title(tmp_path):
    path = tmp_path / "o.csv"
    path.write_text("order_id,ordered_at,amount,cashback_rate\nA1,2026-10-01,100,5\nA2,2026-10-02,50,5\n")
    result = runner.invoke(app, ["status", str(path), "--as-of", "2026-11-24"], env={"COLUMNS": "120"})
    assert result.stderr.count("taken as USD") == 1 and "2 orders" in result.stderr
    assert "(USD assumed)" in result.stdout
    given = runner.invoke(app, ["status", str(path), "--as-of", "2026-11-24", "--currency", "RUB"])
    assert "taken as" not in given.stderr and "assumed" not in given.stdout


def test_no_line_of_a_russian_table_is_wider_than_the_terminal(monkeypatch):
    force_terminal(monkeypatch, 80)
    shown = table(*EXAMPLES, width=80, lang="ru")
    assert max(len(line) for line in shown.splitlines()) <= 80
    assert re.search(r"5\s000,00\s₽", shown)


def test_store_filter_keeps_that_store_s_orders_and_totals():
    result = runner.invoke(app, [*EXAMPLES, "--store", "ozon", "--store", "AMAZON", "-f", "json"])
    document = json.loads(result.stdout)
    # store names match whatever their case: Amazon A1002 (10.00) and Ozon A1006 (6.00), both confirmed
    assert [order["order_id"] for order in document["orders"]] == ["A1002", "A1006"]
    assert document["totals"] == {
        "USD": {"orders": 2, "pending": "0.00", "confirmed": "16.00", "cancelled": "0.00"}
    }


def test_upcoming_takes_the_store_filter_too():
    result = runner.invoke(
        app,
        [
            "upcoming",
            "examples/orders.csv",
            "--disputes",
            "examples/disputes.csv",
            "--as-of",
            "2026-11-24",
            "--store",
            "aliexpress",
            "-f",
            "json",
        ],
    )
    document = json.loads(result.stdout)
    # AliExpress pending: A1001 5.00 due 2026-12-05 (week of 11-30), A1005 6.00 frozen by its dispute;
    # the RUB order A1008 is a Wildberries one, so it is not there
    assert document["periods"] == [
        {"from": "2026-11-30", "to": "2026-12-06", "currency": "USD", "orders": 1, "cashback": "5.00"}
    ]
    assert document["waiting_on_dispute"] == {"USD": {"orders": 1, "cashback": "6.00"}}
