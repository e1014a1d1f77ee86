"""The engines against each other on generated exports, as the reliability trial ran them:
plain files and files with store policies and Unicode store names, through the careful
engine, the lean engine, the DuckDB engine and the printed SQL, which must give the same JSON
report to the byte. A fixed seed and a handful of examples: the same files every run, quick.
"""

from __future__ import annotations

import csv
import json
import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cashback_cli.run.lean as lean
from cashback_cli.cli import app
from cashback_cli.run import duckdb_engine

duckdb = pytest.importorskip("duckdb")
runner = CliRunner()
AS_OF = date(2026, 11, 24)
SEED = 23
EXAMPLES = 6
STORES = [
    "",
    "AliExpress",
    "aliexpress",
    "Straße",
    "STRASSE",
    "İstanbul",
    "ﬁsh shop",
    "FISH SHOP",
    "Ozon\u00a0Market",
    "OZON Market",
    "Σίσυφος",
    "ΣΊΣΥΦΟΣ",
    "Other",
]
POLICY = """[defaults]
hold_days = 12

[stores.aliexpress]
dispute_policy = "cancel"
hold_days = 20
max_cashback = "40"

[stores."straße"]
hold_days = 30
rate = "7"

[stores."ﬁsh shop"]
dispute_policy = "cancel"

[stores."ozon market"]
hold_days = 5

[stores."σίσυφος"]
max_cashback = "1.5"
"""
DIGITS = {"USD": 2, "EUR": 2, "JPY": 0, "KWD": 3}


def _money(rng: random.Random, digits: int, low: int, high: int) -> tuple[int, str]:
    units = rng.randint(low, high)
    return units, f"{units / 10**digits:.{digits}f}" if digits else str(units)


def generate(rng: random.Random, folder: Path, policies: bool) -> tuple[Path, Path]:
    """Orders and disputes every engine accepts: rules 1-9 with each branch likely."""
    orders, disputes = folder / "orders.csv", folder / "disputes.csv"
    order_rows, dispute_rows = [], []
    for number in range(rng.randint(5, 40)):
        currency = rng.choice(list(DIGITS))
        digits = DIGITS[currency]
        units, amount = _money(rng, digits, 1, 10**6)
        ordered = AS_OF - timedelta(days=rng.randint(-5, 120))
        rate = rng.choice(["", "5", "4.5", "12.125", "3"]) if policies else rng.choice(["5", "4.5", "12.125"])
        order_rows.append([f"O{number}", ordered.isoformat(), amount, currency, rate])
        if policies:
            order_rows[-1].append(rng.choice(STORES))
        for _ in range(rng.choice([0, 0, 1, 2])):
            opened = ordered + timedelta(days=rng.randint(0, 30))
            resolved = "" if rng.random() < 0.3 else (opened + timedelta(days=rng.randint(0, 30))).isoformat()
            refund = _money(rng, digits, 0, units // 2)[1] if resolved and rng.random() < 0.7 else ""
            dispute_rows.append([f"O{number}", opened.isoformat(), resolved, refund])
    with open(orders, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            [
                "order_id",
                "ordered_at",
                "amount",
                "currency",
                "cashback_rate",
                *(["store"] if policies else []),
            ]
        )
        writer.writerows(order_rows)
    with open(disputes, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["order_id", "opened_at", "resolved_at", "refund_amount"])
        writer.writerows(dispute_rows)
    return orders, disputes


def _report(args: list[str], monkeypatch, engine: str) -> tuple[int, str]:
    """The JSON report by one engine, asserted to be the one that made it."""
    made = []
    with monkeypatch.context() as patch:
        if engine == "careful":
            patch.setattr(lean, "lean_report", lambda *a, **k: None)
        elif engine == "lean":
            original = lean.lean_report
            patch.setattr(lean, "lean_report", lambda *a, **k: made.append(original(*a, **k)) or made[-1])
        result = runner.invoke(app, [*args, "--engine", "duckdb" if engine == "duckdb" else "python"])
    if engine == "duckdb":
        assert duckdb_engine.last_choice == ("duckdb", None), duckdb_engine.last_choice
    if engine == "lean":
        assert made and made[-1] is not None, "the lean engine gave way"
    return result.exit_code, result.stdout


def _sql_report(args: list[str], orders: Path, disputes: Path, options: list[str]) -> list[dict]:
    printed = runner.invoke(app, ["sql", "--dialect", "duckdb", "--as-of", AS_OF.isoformat(), *options])
    assert printed.exit_code == 0, printed.output
    has_store = "store" in orders.read_text(encoding="utf-8").partition("\n")[0]
    order_types = "'order_id': 'VARCHAR', 'ordered_at': 'DATE', 'amount': 'DECIMAL(38, 8)', 'currency': 'VARCHAR', 'cashback_rate': 'DECIMAL(38, 8)'"
    with duckdb.connect() as con:
        for table, path, types in (
            ("orders", orders, "{" + order_types + (", 'store': 'VARCHAR'" if has_store else "") + "}"),
            (
                "disputes",
                disputes,
                "{'order_id': 'VARCHAR', 'opened_at': 'DATE', 'resolved_at': 'DATE', 'refund_amount': 'DECIMAL(38, 8)'}",
            ),
        ):
            con.execute(
                f"CREATE TABLE raw_{table} AS SELECT * FROM read_csv('{path}', header = true, columns = {types})"
            )
        store = "NULLIF(store, '')" if has_store else "NULL"
        con.execute(
            "CREATE VIEW orders AS SELECT order_id, ordered_at, amount, currency, cashback_rate, "
            "CAST(NULL AS DECIMAL(38, 8)) AS expected_cashback, CAST(NULL AS DECIMAL(38, 8)) AS max_cashback, "
            f"CAST(NULL AS INTEGER) AS hold_days, CAST({store} AS VARCHAR) AS store, CAST(NULL AS VARCHAR) AS title "
            "FROM raw_orders"
        )
        con.execute("CREATE VIEW disputes AS SELECT *, CAST(NULL AS VARCHAR) AS outcome FROM raw_disputes")
        cursor = con.execute(printed.stdout)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.mark.parametrize("example", range(EXAMPLES))
def test_the_engines_and_the_sql_agree_on_generated_exports(tmp_path, monkeypatch, example):
    rng = random.Random(SEED * 1000 + example)
    policies = example % 2 == 1  # every other file with store policies and Unicode names
    orders, disputes = generate(rng, tmp_path, policies)
    options = ["--rate", "2"]
    if policies:
        (tmp_path / "policy.toml").write_text(POLICY, encoding="utf-8")
        options += ["--config", str(tmp_path / "policy.toml")]
    args = [
        "status",
        str(orders),
        "-d",
        str(disputes),
        "--as-of",
        AS_OF.isoformat(),
        "--format",
        "json",
        *options,
    ]
    reports = {engine: _report(args, monkeypatch, engine) for engine in ("careful", "lean", "duckdb")}
    careful = reports["careful"]
    assert careful[0] == 0, careful
    assert reports["lean"] == careful and reports["duckdb"] == careful
    # the query's rows are the order objects of a file without stores: the store, which a report
    # of a file with stores adds after the reason, is the input's own column, not a figure
    expected = [
        {k: v for k, v in order.items() if k != "store"} for order in json.loads(careful[1])["orders"]
    ]
    found = {row["order_id"]: row for row in _sql_report(args, orders, disputes, options)}
    assert [found[order["order_id"]] for order in expected] == expected
