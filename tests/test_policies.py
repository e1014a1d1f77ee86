"""Store policies: precedence, rule 9 per store, config show, and a broken file named precisely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cashback_cli.cli import app

runner = CliRunner()
AS_OF = "2026-11-24"
ORDERS = (
    "order_id,ordered_at,amount,currency,cashback_rate,max_cashback,hold_days,store\n"
    "S1,2026-11-01,1000.00,USD,8,,,AliExpress\n"  # store cap 40 → E 40; hold 20 → confirm 11-21
    "S2,2026-11-01,100.00,USD,,,,amazon\n"  # store rate 4 → 4.00; hold 30 → 12-01, pending
    "S3,2026-11-01,100.00,USD,,,,Other\n"  # no table: --rate from the command line
    "S4,2026-11-01,1000.00,USD,8,100,5,aliexpress\n"  # own cap and hold win over the store's
    "S5,2026-10-01,100.00,USD,5,,,ALIEXPRESS\n"  # cancel policy: a lost dispute still cancels
)
DISPUTES = "order_id,opened_at,resolved_at,refund_amount\nS5,2026-10-05,2026-10-20,0\n"
POLICY = """
[defaults]
hold_days = 10

[stores.aliexpress]
hold_days = 20
max_cashback = 40
dispute_policy = "cancel"

[stores.amazon]
hold_days = 30
rate = 4
"""


@pytest.fixture
def files(tmp_path: Path):
    (tmp_path / "o.csv").write_text(ORDERS)
    (tmp_path / "d.csv").write_text(DISPUTES)
    (tmp_path / "policy.toml").write_text(POLICY)
    return tmp_path


def _status(files: Path, *extra: str, config: bool = True) -> dict[str, dict]:
    """Orders by id from `status --format json`, with the test's policy file unless config=False."""
    policy = ["--config", str(files / "policy.toml")] if config else []
    args = ["status", str(files / "o.csv"), "-d", str(files / "d.csv"), "--as-of", AS_OF, "-f", "json"]
    result = runner.invoke(app, [*args, *policy, "--rate", "5", *extra])
    assert result.exit_code == 0, result.output
    return {order["order_id"]: order for order in json.loads(result.stdout)["orders"]}


def test_each_store_gets_its_hold_rate_cap_and_dispute_policy(files):
    orders = _status(files)
    assert (orders["S1"]["expected_cashback"], orders["S1"]["confirm_on"]) == ("40.00", "2026-11-21")
    assert (orders["S2"]["rate"], orders["S2"]["cashback"], orders["S2"]["status"]) == (
        "4",
        "4.00",
        "pending",
    )
    assert orders["S2"]["confirm_on"] == "2026-12-01"
    # no store table: the option's rate, the file's [defaults] hold of 10 days
    assert (orders["S3"]["cashback"], orders["S3"]["confirm_on"]) == ("5.00", "2026-11-11")


def test_an_orders_own_fields_win_over_its_store(files):
    orders = _status(files)
    assert (orders["S4"]["expected_cashback"], orders["S4"]["confirm_on"]) == ("80.00", "2026-11-06")


def test_rule_9_cancel_policy_cancels_whatever_the_outcome(files):
    s5 = _status(files)["S5"]
    assert (s5["status"], s5["cashback"], s5["cancelled_cashback"], s5["reason"]) == (
        "cancelled",
        "0.00",
        "5.00",
        "dispute opened",
    )


def test_command_line_option_wins_over_defaults_but_not_over_a_store(files):
    orders = _status(files, "--hold-days", "3", "--rate", "5")
    assert orders["S3"]["confirm_on"] == "2026-11-04"  # option over [defaults]
    assert orders["S2"]["confirm_on"] == "2026-12-01"  # the store's 30 days over the option


def test_config_is_found_through_the_environment(files, monkeypatch):
    monkeypatch.setenv("CASHBACK_CONFIG", str(files / "policy.toml"))
    assert _status(files, config=False)["S2"]["rate"] == "4"


def test_config_show_says_where_each_value_came_from(files):
    result = runner.invoke(
        app, ["config", "show", "--config", str(files / "policy.toml"), "--rate", "5", "-f", "json"]
    )
    shown = json.loads(result.stdout)
    policy = str(files / "policy.toml")
    assert shown["aliexpress"]["hold_days"] == {"value": 20, "source": f"{policy} [stores.aliexpress]"}
    assert shown["aliexpress"]["rate"] == {"value": "5", "source": "--rate"}
    assert shown["(other stores)"]["hold_days"] == {"value": 10, "source": f"{policy} [defaults]"}
    assert shown["amazon"]["currency"] == {"value": "USD", "source": "built-in"}
    table = runner.invoke(app, ["config", "show", "--config", policy])
    assert "[stores.amazon]" in table.stdout


def test_what_if_at_a_store_uses_its_policy(files):
    args = [
        "dispute",
        "--amount",
        "100",
        "--refund",
        "40",
        "--rate",
        "5",
        "--as-of",
        AS_OF,
        "-f",
        "json",
        "--config",
        str(files / "policy.toml"),
    ]
    at_store = json.loads(runner.invoke(app, [*args, "--store", "AliExpress"]).stdout)
    assert (at_store["status"], at_store["cashback"], at_store["without_dispute"]) == (
        "cancelled",
        "0.00",
        "5.00",
    )
    unknown = runner.invoke(app, [*args, "--store", "nowhere"])
    assert unknown.exit_code == 2 and "aliexpress" in unknown.stderr


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[stores.aliexpress]\nhold = 20\n", "[stores.aliexpress] hold"),
        ('[stores.aliexpress]\nhold_days = "twenty"\n', "[stores.aliexpress] hold_days"),
        ("[stores.aliexpress]\nrate = 150\n", "[stores.aliexpress] rate"),
        ('[defaults]\ndispute_policy = "sometimes"\n', "[defaults] dispute_policy"),
        ("[stores.aliexpress]\nmax_cashback = -4\n", "[stores.aliexpress] max_cashback"),
        ("[stores.aliexpress\nrate = 5\n", "valid TOML"),
    ],
)
def test_a_broken_policy_file_exits_1_naming_file_table_and_key(files, text, named):
    (files / "bad.toml").write_text(text)
    result = runner.invoke(app, ["status", str(files / "o.csv"), "--config", str(files / "bad.toml")])
    assert result.exit_code == 1
    assert str(files / "bad.toml") in result.stderr and named in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_policy_file_is_a_usage_error(files):
    result = runner.invoke(app, ["status", str(files / "o.csv"), "--config", str(files / "nope.toml")])
    assert result.exit_code == 2 and "nope.toml" in result.stderr


def test_the_shipped_policy_file_is_valid():
    result = runner.invoke(app, ["config", "show", "--config", "examples/cashback.toml", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)) == {"(other stores)", "aliexpress", "amazon", "wildberries"}
