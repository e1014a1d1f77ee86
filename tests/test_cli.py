"""The command line through Typer's CliRunner: output shapes of docs/rules.md, figures, exit codes."""

from __future__ import annotations

import csv
import io
import json
import re
from importlib.metadata import version

import pytest
from conftest import (
    DISPUTES_CSV,
    EXAMPLE_FIGURES,
    EXAMPLE_KEYS,
    EXAMPLE_TOTALS,
    EXAMPLES_AS_OF,
    ORDER_KEYS,
    ORDERS_CSV,
    ORDERS_JSON,
    assert_no_float,
    expected_example_object,
)
from typer.testing import CliRunner

from cashback_cli import __version__
from cashback_cli.cli import app

runner = CliRunner()
STATUS = ["status", str(ORDERS_CSV), "--disputes", str(DISPUTES_CSV), "--as-of", EXAMPLES_AS_OF]
WHAT_IF = ["dispute", "--as-of", EXAMPLES_AS_OF, "--format", "json"]


def dispute_args(order_id: str) -> list[str]:
    return [
        "dispute",
        order_id,
        "--orders",
        str(ORDERS_CSV),
        "--disputes",
        str(DISPUTES_CSV),
        "--as-of",
        EXAMPLES_AS_OF,
    ]


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"NO_COLOR": "1", "COLUMNS": "200"})


def ok_json(*args: str):
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def plain(text: str) -> str:
    """Help and error text without Rich's box drawing and line wrapping."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def figures_of(order_object: dict) -> dict:
    return {key: order_object[key] for key in expected_example_object("A1001")}


# --- status --format json ---------------------------------------------------------------------------


def test_status_json_has_the_spec_keys_in_the_spec_order():
    document = ok_json(*STATUS, "--format", "json")
    assert list(document) == ["as_of", "orders", "totals"]
    assert document["as_of"] == EXAMPLES_AS_OF
    for order in document["orders"]:
        assert list(order) == EXAMPLE_KEYS
    for sums in document["totals"].values():
        assert list(sums) == ["orders", "pending", "confirmed", "cancelled"]


def test_status_json_has_no_float_and_every_amount_is_a_string():
    document = ok_json(*STATUS, "--format", "json")
    assert_no_float(document)
    for order in document["orders"]:
        for key in ("amount", "refunded", "expected_cashback", "cashback", "cancelled_cashback"):
            assert isinstance(order[key], str)
    for sums in document["totals"].values():
        assert isinstance(sums["orders"], int)
        assert all(isinstance(sums[key], str) for key in ("pending", "confirmed", "cancelled"))


def test_status_json_figures_match_the_hand_computed_ones():
    document = ok_json(*STATUS, "--format", "json")
    got = {order["order_id"]: figures_of(order) for order in document["orders"]}
    assert got == {order_id: expected_example_object(order_id) for order_id in EXAMPLE_FIGURES}
    assert document["totals"] == EXAMPLE_TOTALS


def test_status_json_reasons_say_why_in_plain_words():
    reasons = {o["order_id"]: o["reason"] for o in ok_json(*STATUS, "--format", "json")["orders"]}
    assert reasons["A1001"] == "on hold until 2026-12-05"
    assert reasons["A1003"] == "refunded in full"
    assert reasons["A1005"] == "dispute open"


def test_status_warns_on_stderr_about_orders_after_as_of():
    result = invoke(*STATUS, "--format", "json")
    assert "A1012" not in result.stdout
    assert "1 order dated after 2026-11-24" in result.stderr


def test_status_rounding_option_reaches_the_rules(tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text("order_id,ordered_at,amount,cashback_rate\nR1,2026-10-01,10.50,5\n", encoding="utf-8")
    rows = {
        mode: ok_json(
            "status", str(orders), "--as-of", EXAMPLES_AS_OF, "--format", "json", "--rounding", mode
        )
        for mode in ("half-up", "half-even", "down")
    }
    # 10.50 × 5% = 0.525
    assert {mode: doc["orders"][0]["cashback"] for mode, doc in rows.items()} == {
        "half-up": "0.53",
        "half-even": "0.52",
        "down": "0.52",
    }


def test_status_table_without_a_terminal_has_no_colour_codes():
    result = runner.invoke(app, STATUS)  # CliRunner is not a terminal
    assert result.exit_code == 0, result.output
    assert "\x1b[" not in result.stdout
    assert "A1001" in result.stdout and "A1012" not in result.stdout


# --- status --format csv, --summary, orders.json --------------------------------------------------------


def test_status_csv_header_is_the_json_keys_and_rows_match_the_json():
    result = invoke(*STATUS, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == EXAMPLE_KEYS
    document = ok_json(*STATUS, "--format", "json")
    as_text = [
        ["" if value is None else str(value) for value in order.values()] for order in document["orders"]
    ]
    assert rows[1:] == as_text


def test_summary_json_is_as_of_and_totals_only():
    document = ok_json(*STATUS, "--summary", "--format", "json")
    assert list(document) == ["as_of", "totals"]
    assert document == {"as_of": EXAMPLES_AS_OF, "totals": EXAMPLE_TOTALS}


def test_orders_json_gives_the_same_figures_as_the_csv_pair():
    from_json = ok_json("status", str(ORDERS_JSON), "--as-of", EXAMPLES_AS_OF, "--format", "json")
    from_csv = ok_json(*STATUS, "--format", "json")
    assert from_json == from_csv
    assert {o["order_id"]: figures_of(o) for o in from_json["orders"]} == {
        order_id: expected_example_object(order_id) for order_id in EXAMPLE_FIGURES
    }


def test_duplicate_order_id_is_a_data_error_naming_both_lines(tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "order_id,ordered_at,amount,cashback_rate\nD1,2026-10-01,100,5\nD2,2026-10-01,50,5\nD1,2026-10-02,70,5\n",
        encoding="utf-8",
    )
    result = invoke("status", str(orders), "--as-of", EXAMPLES_AS_OF, "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{orders}:4: order_id" in result.stderr
    assert "line 2" in result.stderr


def test_dispute_for_an_order_not_in_the_orders_file_is_a_data_error(tmp_path):
    disputes = tmp_path / "disputes.csv"
    disputes.write_text("order_id,opened_at\nA1001,2026-11-21\nZ999,2026-11-01\n", encoding="utf-8")
    result = invoke(
        "status", str(ORDERS_CSV), "-d", str(disputes), "--as-of", EXAMPLES_AS_OF, "--format", "json"
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{disputes}:3: order_id" in result.stderr and "Z999" in result.stderr


def test_orders_json_also_given_as_disputes_file_counts_its_disputes_once():
    alone = ok_json("status", str(ORDERS_JSON), "--as-of", EXAMPLES_AS_OF, "--format", "json")
    twice = ok_json(
        "status",
        str(ORDERS_JSON),
        "--disputes",
        str(ORDERS_JSON),
        "--as-of",
        EXAMPLES_AS_OF,
        "--format",
        "json",
    )
    assert twice == alone


# --- dispute ORDER_ID ------------------------------------------------------------------------------------


@pytest.mark.parametrize("order_id", ["A1004", "A1005", "A1007", "A1011"])
def test_dispute_gives_the_status_figures_plus_an_explanation(order_id):
    document = ok_json(*dispute_args(order_id), "--format", "json")
    status_row = next(o for o in ok_json(*STATUS, "--format", "json")["orders"] if o["order_id"] == order_id)
    assert list(document) == [*EXAMPLE_KEYS, "explanation"]
    assert {key: document[key] for key in EXAMPLE_KEYS} == status_row
    assert figures_of(document) == expected_example_object(order_id)
    explanation = document["explanation"]
    assert isinstance(explanation, list) and explanation
    assert all(isinstance(step, str) and step.strip() for step in explanation)


def test_dispute_for_an_unknown_order_id_exits_3():
    result = invoke(*dispute_args("NOPE"), "--format", "json")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert "NOPE" in result.stderr


# --- dispute what-if --------------------------------------------------------------------------------------


def test_what_if_partial_refund():
    document = ok_json(*WHAT_IF, "--amount", "100", "--refund", "40", "--rate", "5")
    assert document["order_id"] is None
    assert document["amount"] == "100.00"
    assert document["refunded"] == "40.00"
    assert document["expected_cashback"] == "5.00"  # 100 × 5%
    assert document["cashback"] == "3.00"  # 60 × 5%
    assert document["cancelled_cashback"] == "2.00"
    assert document["without_dispute"] == "5.00"
    assert document["explanation"]
    assert list(document) == [*ORDER_KEYS, "explanation", "without_dispute", "without_dispute_confirm_on"]
    assert document["without_dispute_confirm_on"] == "2026-12-09"  # ordered 11-24 + 15 days
    assert_no_float(document)


def test_what_if_full_refund_is_cancelled():
    document = ok_json(*WHAT_IF, "--amount", "100", "--refund", "100", "--rate", "5")
    assert document["status"] == "cancelled"
    assert document["cashback"] == "0.00"
    assert document["cancelled_cashback"] == "5.00"
    assert document["without_dispute"] == "5.00"


def test_what_if_no_refund_keeps_the_whole_cashback():
    document = ok_json(*WHAT_IF, "--amount", "100", "--refund", "0", "--rate", "5")
    assert (document["cashback"], document["cancelled_cashback"]) == ("5.00", "0.00")


def test_what_if_in_jpy_has_no_decimals():
    document = ok_json(*WHAT_IF, "--currency", "JPY", "--amount", "1000", "--refund", "333", "--rate", "5")
    # E = 1000 × 5% = 50; C = 667 × 5% = 33.35 → 33; cancelled 17
    assert document["currency"] == "JPY"
    money_keys = (
        "amount",
        "refunded",
        "expected_cashback",
        "cashback",
        "cancelled_cashback",
        "without_dispute",
    )
    figures = {key: document[key] for key in money_keys}
    assert figures == {
        "amount": "1000",
        "refunded": "333",
        "expected_cashback": "50",
        "cashback": "33",
        "cancelled_cashback": "17",
        "without_dispute": "50",
    }


def test_what_if_order_date_sets_the_hold():
    document = ok_json(
        *WHAT_IF, "--amount", "100", "--refund", "40", "--rate", "5", "--ordered-at", "2026-11-01"
    )
    # hold ends 11-16; the dispute is resolved on the as-of date 11-24, the later of the two
    assert document["confirm_on"] == "2026-11-24"
    assert document["status"] == "confirmed"


def test_what_if_refund_above_the_amount_is_a_usage_error():
    result = invoke(*WHAT_IF, "--amount", "100", "--refund", "150", "--rate", "5")
    assert result.exit_code == 2
    assert result.stdout == ""
    message = plain(result.stderr)
    assert "--refund" in message and "more than the order amount" in message
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# --- help and version --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [[], ["status"], ["dispute"], ["validate"]], ids=lambda c: " ".join(c) or "app"
)
def test_help_shows_an_example(command):
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout


def test_help_names_the_extras_to_install():
    # Rich reads "[duckdb]" as markup and drops it unless it is escaped
    text = plain(invoke("status", "--help").stdout)
    assert "pip install 'cashback-cli[duckdb]'" in text
    assert "pip install 'cashback-cli[xlsx]'" in text


def test_version_prints_the_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"cashback {__version__}"
    assert __version__ == version("cashback-cli")


# --- money in another currency than the order's is refused ---------------------------------------------


def test_refund_in_another_currency_than_the_order_is_a_data_error(tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text("order_id,ordered_at,amount,currency,cashback_rate\nX1,2026-10-01,100,USD,5\n", "utf-8")
    disputes = tmp_path / "disputes.csv"
    disputes.write_text(
        "order_id,opened_at,resolved_at,refund_amount\nX1,2026-10-05,2026-10-06,40 €\n", "utf-8"
    )
    result = invoke("status", str(orders), "-d", str(disputes), "--as-of", EXAMPLES_AS_OF, "--format", "json")
    assert result.exit_code == 1
    assert f"{disputes}:2" in result.stderr and "refund_amount" in result.stderr


def test_what_if_refund_in_another_currency_than_the_amount_is_a_usage_error():
    result = invoke(*WHAT_IF, "--amount", "100 €", "--refund", "40 $", "--rate", "5")
    assert result.exit_code == 2
    assert result.stdout == ""


COMMAND_NAMES = ["status", "dispute", "reconcile", "validate", "upcoming", "profiles", "sql", "config"]


@pytest.mark.parametrize("name", COMMAND_NAMES)
def test_the_app_of_one_command_helps_and_fails_as_the_whole_app_does(name):
    from cashback_cli.cli import app_for

    lean = app_for([name])
    assert lean is not app and [name] == [
        *(info.name or info.callback.__name__ for info in lean.registered_commands),
        *(info.name for info in lean.registered_groups),
    ]
    for args in ([name, "--help"], [name, "--no-such-option"], [name, "-h"]):
        whole, alone = runner.invoke(app, args), runner.invoke(lean, args)
        assert (alone.exit_code, alone.stdout, alone.stderr) == (whole.exit_code, whole.stdout, whole.stderr)


def test_anything_but_a_command_name_gets_the_whole_app():
    from cashback_cli.cli import app_for

    for args in ([], ["--version"], ["--help"], ["statu"], ["examples/orders.csv"]):
        assert app_for(args) is app
