"""A shopper's own cabinet copy, start to finish (issue 21): the currency its amounts are written
in, every problem named as written, one order object everywhere."""

from __future__ import annotations

import json

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
