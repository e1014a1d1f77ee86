"""`cashback sql`: the rules as one SQL query. The duckdb dialect, run in DuckDB over random
datasets, gives the Python engine's JSON orders field by field; the other dialects carry their
own pieces and parse (sqlglot, when installed).

The datasets here are shared with tests/test_engines.py: plain CSV files that both engines read.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cashback_cli.cli import app
from cashback_cli.inputs.policy_file import build_book
from cashback_cli.output.render import ORDER_KEYS
from cashback_cli.run.sql import COLUMNS, DIALECTS, rules_query

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
DIGITS = {"USD": 2, "JPY": 0, "KWD": 3}
FIRST_DAY = date(2026, 1, 1)
ORDER_COLUMNS = (
    "order_id",
    "ordered_at",
    "amount",
    "currency",
    "cashback_rate",
    "expected_cashback",
    "max_cashback",
    "hold_days",
    "store",
    "title",
)
DISPUTE_COLUMNS = ("order_id", "opened_at", "resolved_at", "refund_amount", "outcome")
STORES = (None, "AliExpress", "ALIEXPRESS", "amazon", "Amazon", "Other")
# Store policies: AliExpress cancels on any dispute (or not), with a cap finer than a cent, and
# Amazon has a rate and a currency of its own, so orders naming neither take them.
POLICY = """[defaults]
hold_days = {hold}

[stores.aliexpress]
dispute_policy = "{policy}"
max_cashback = "{cap}"
hold_days = 20

[stores.amazon]
rate = "4.5"
currency = "{currency}"
"""


class Dataset(NamedTuple):
    orders: list[dict[str, str]]
    disputes: list[dict[str, str]]
    as_of: date
    options: list[str]  # command-line options, --config excepted
    policy: str | None  # the policy file's text, if any
    order_columns: tuple[str, ...]


def _decimals(units: int, digits: int, draw) -> str:
    """A whole number of 10^-digits written as people do: 12.50, 12.5 or 12 when they can."""
    value = Decimal(units).scaleb(-digits)
    shortest = -value.normalize().as_tuple().exponent if value else 0
    places = draw(st.integers(max(0, shortest), max(digits, shortest)))
    return f"{value.quantize(Decimal(1).scaleb(-places)):f}"


def _plain(units: int, digits: int) -> str:
    return f"{Decimal(units).scaleb(-digits):f}"


@st.composite
def datasets(draw, max_orders: int = 8, columns: bool = False) -> Dataset:
    """Valid orders and disputes as CSV cells, a policy and options: what both engines accept.

    Every rounding mode, JPY, KWD and USD, rates with up to 8 decimals, fixed cashback, caps
    finer than the minor unit, hold days, both dispute policies, store policies matched by folded
    name, disputes open, resolved, lost, refunded in full or in part, and some opened or orders
    placed after the as-of date.
    """
    policy = None
    options = ["--rounding", draw(st.sampled_from(["half-up", "half-even", "down"]))]
    if draw(st.booleans()):
        options += ["--dispute-policy", draw(st.sampled_from(["proportional", "cancel"]))]
    option_rate = draw(st.none() | st.sampled_from(["3", "2.75"]))
    if option_rate:
        options += ["--rate", option_rate]
    if draw(st.booleans()):
        options += ["--hold-days", str(draw(st.integers(0, 40)))]
    store_currency = "USD"
    if draw(st.booleans()):
        store_currency = draw(st.sampled_from(sorted(DIGITS)))
        policy = POLICY.format(
            hold=draw(st.integers(0, 30)),
            policy=draw(st.sampled_from(["cancel", "proportional"])),
            cap=draw(st.sampled_from(["0.005", "40", "1.23456789"])),
            currency=store_currency,
        )
    as_of = FIRST_DAY + timedelta(days=draw(st.integers(0, 400)))
    ids = draw(
        st.lists(
            st.text(alphabet="AZaz09-,=ЖÖ", min_size=1, max_size=5),
            min_size=1,
            max_size=max_orders,
            unique=True,
        )
    )
    orders, disputes = [], []
    for order_id in ids:
        store = draw(st.sampled_from(STORES))
        currency = draw(st.sampled_from(["USD", "JPY", "KWD", ""]))
        amazon = policy is not None and store is not None and store.lower() == "amazon"
        effective = currency or (store_currency if amazon else "USD")
        digits = DIGITS[effective]
        # amounts that give ties (12.50 x 5 % = 0.625) as well as any amount, up to 10^15
        nice = st.sampled_from([1250, 1270, 3333, 999, 10005, 4500, 100000])
        units = draw(nice | st.integers(1, 10**7) | st.integers(1, 10 ** (15 + digits) - 1))
        ordered_at = FIRST_DAY + timedelta(days=draw(st.integers(0, 300)))
        kind = draw(st.sampled_from(["rate", "rate", "fixed", "none"]))
        if kind == "none" and not (option_rate or amazon):
            kind = "rate"
        rate = fixed = ""
        if kind == "rate":
            rate = draw(
                st.sampled_from(["5", "2.5", "10", "7", "4.5", "0.5", "100", "0"])
                | st.integers(0, 100 * 10**8).map(lambda n: f"{Decimal(n).scaleb(-8).normalize():f}")
            )
        elif kind == "fixed":
            fixed = draw(
                st.sampled_from(["2.5", "0.125", "1.005", "10", "0"])
                | (st.integers(0, 10**12) | st.integers(0, 10**23 - 1)).map(lambda n: _plain(n, 8))
            )
            rate = draw(st.sampled_from(["", "5"]))  # a fixed figure wins over a rate
        cap = draw(st.none() | st.sampled_from([0, 40 * 10**8, 5 * 10**5]) | st.integers(0, 10**23 - 1))
        orders.append(
            {
                "order_id": order_id,
                "ordered_at": ordered_at.isoformat(),
                "amount": _decimals(units, digits, draw),
                "currency": currency,
                "cashback_rate": rate,
                "expected_cashback": fixed,
                "max_cashback": "" if cap is None else _plain(cap, 8),
                "hold_days": draw(st.sampled_from(["", "", "0", "7", "45"])),
                "store": store or "",
                "title": draw(st.sampled_from(["", "a lamp", "Лампа"])),
            }
        )
        left = units
        for _ in range(draw(st.integers(0, 3))):
            opened = ordered_at + timedelta(days=draw(st.integers(0, 60)))
            resolved = draw(st.none() | st.integers(0, 60).map(lambda n, o=opened: o + timedelta(days=n)))
            refund = draw(st.sampled_from([0, left, None]) | st.integers(0, left))
            left -= refund or 0
            disputes.append(
                {
                    "order_id": order_id,
                    "opened_at": opened.isoformat(),
                    "resolved_at": "" if resolved is None else resolved.isoformat(),
                    "refund_amount": "" if refund is None else _decimals(refund, digits, draw),
                    "outcome": draw(st.sampled_from(["", "lost", "refunded"])),
                }
            )
    order_columns = ORDER_COLUMNS
    if columns:  # leave out the optional columns nobody filled, some of the time
        used = {key for order in orders for key, value in order.items() if value}
        order_columns = tuple(
            c
            for c in ORDER_COLUMNS
            if c in used or c in ("order_id", "ordered_at", "amount") or draw(st.booleans())
        )
    disputes = draw(st.permutations(disputes))
    return Dataset(orders, list(disputes), as_of, options, policy, order_columns)


def write_files(data: Dataset, folder: Path) -> tuple[Path, Path, list[str]]:
    """The dataset as orders.csv, disputes.csv and a policy file; the options with --config."""
    orders, disputes = folder / "orders.csv", folder / "disputes.csv"
    for path, rows, columns in (
        (orders, data.orders, data.order_columns),
        (disputes, data.disputes, DISPUTE_COLUMNS),
    ):
        with open(path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows([row[c] for c in columns] for row in rows)
    options = list(data.options)
    if data.policy is not None:
        (folder / "policy.toml").write_text(data.policy, encoding="utf-8")
        options += ["--config", str(folder / "policy.toml")]
    return orders, disputes, options


TYPES = {
    "order_id": "VARCHAR",
    "ordered_at": "DATE",
    "amount": "DECIMAL(23, 8)",
    "currency": "VARCHAR",
    "cashback_rate": "DECIMAL(11, 8)",
    "expected_cashback": "DECIMAL(23, 8)",
    "max_cashback": "DECIMAL(23, 8)",
    "hold_days": "INTEGER",
    "store": "VARCHAR",
    "title": "VARCHAR",
}
DISPUTE_TYPES = {
    "order_id": "VARCHAR",
    "opened_at": "DATE",
    "resolved_at": "DATE",
    "refund_amount": "DECIMAL(23, 8)",
    "outcome": "VARCHAR",
}


def load_tables(con, orders: Path, disputes: Path) -> None:
    """The CSV files as the typed tables `cashback sql` reads: every canonical column, NULL
    where a file has none or a cell is empty."""
    for table, path, types in (("orders", orders, TYPES), ("disputes", disputes, DISPUTE_TYPES)):
        with open(path, encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        spec = ", ".join(f"'{name}': 'VARCHAR'" for name in header)
        columns = ", ".join(
            f"CAST(NULLIF({name}, '') AS {kind}) AS {name}"
            if name in header
            else f"CAST(NULL AS {kind}) AS {name}"
            for name, kind in types.items()
        )
        con.execute(
            f"CREATE TABLE {table} AS SELECT {columns} FROM read_csv('{path}', header = true, "
            f"auto_detect = false, quote = '\"', escape = '\"', columns = {{{spec}}})"
        )


def _python_orders(orders: Path, disputes: Path, as_of: date, options: list[str]) -> list[dict]:
    args = ["status", str(orders), "-d", str(disputes), "--as-of", as_of.isoformat(), "-f", "json"]
    result = runner.invoke(app, [*args, *options, "--engine", "python"])
    assert result.exit_code == 0, result.output
    # the query gives the order's figures; its store is the orders table's own column
    return [{k: v for k, v in order.items() if k != "store"} for order in json.loads(result.stdout)["orders"]]


def _sql_orders(query: str, orders: Path, disputes: Path) -> list[dict]:
    import duckdb

    con = duckdb.connect()
    try:
        load_tables(con, orders, disputes)
        cursor = con.execute(query)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets())
def test_the_duckdb_dialect_gives_the_python_engines_orders_field_by_field(data):
    pytest.importorskip("duckdb")
    with tempfile.TemporaryDirectory() as folder:
        orders, disputes, options = write_files(data, Path(folder))
        expected = _python_orders(orders, disputes, data.as_of, options)
        printed = runner.invoke(
            app, ["sql", "--dialect", "duckdb", "--as-of", data.as_of.isoformat(), *options]
        )
        assert printed.exit_code == 0, printed.output
        found = {row["order_id"]: row for row in _sql_orders(printed.stdout, orders, disputes)}
    assert sorted(found) == sorted(order["order_id"] for order in expected)  # rule 8 alike
    for order in expected:
        row = found[order["order_id"]]
        assert list(row) == list(order)  # the JSON order fields, in their order
        differing = {key: (value, row[key]) for key, value in order.items() if row[key] != value}
        assert not differing, (order["order_id"], differing)


def test_the_sql_of_the_examples_gives_status_json_to_the_byte(tmp_path):
    """The hand-worked example files, through the printed query, as `status --format json`."""
    pytest.importorskip("duckdb")
    examples = ROOT / "examples"
    for options in ([], ["--config", str(examples / "cashback.toml")], ["--rounding", "down"]):
        expected = _python_orders(
            examples / "orders.csv", examples / "disputes.csv", date(2026, 11, 24), options
        )
        printed = runner.invoke(app, ["sql", "--dialect", "duckdb", "--as-of", "2026-11-24", *options])
        found = _sql_orders(printed.stdout, examples / "orders.csv", examples / "disputes.csv")
        by_id = {row["order_id"]: row for row in found}
        assert [json.dumps(by_id[o["order_id"]]) for o in expected] == [json.dumps(o) for o in expected]


def test_the_command_prints_the_query_of_its_options():
    book, _problems = build_book(str(ROOT / "examples" / "cashback.toml"), {"hold_days": 10}, "half-even")
    result = runner.invoke(
        app,
        ["sql", "--dialect", "trino", "--as-of", "2026-11-24", "--hold-days", "10", "--rounding", "half-even"]
        + ["--config", str(ROOT / "examples" / "cashback.toml")],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == rules_query(book, date(2026, 11, 24), "trino") + ";\n"
    # the store tables are a CASE on the folded store name, the options the default
    assert "WHEN 'aliexpress' THEN 20" in result.stdout and "ELSE 10 END" in result.stdout


def test_a_query_told_what_no_order_has_leaves_its_branches_out():
    """(The DuckDB engine's reports hold the shorter query to the Python engine's.)"""
    full = rules_query(EXAMPLES_BOOK, date(2026, 11, 24))
    assert "t.x8 IS NOT NULL" in full and "t.k8 IS NOT NULL" in full
    short = rules_query(EXAMPLES_BOOK, date(2026, 11, 24), absent={"fixed", "caps"})
    assert "t.x8 IS NOT NULL" not in short and "t.k8 IS NOT NULL" not in short
    with pytest.raises(ValueError, match="unknown facts"):
        rules_query(EXAMPLES_BOOK, date(2026, 11, 24), absent={"stores"})


def test_a_dialect_is_required_and_must_be_known():
    assert runner.invoke(app, ["sql"]).exit_code == 2
    assert runner.invoke(app, ["sql", "--dialect", "oracle"]).exit_code == 2


# the installed command beside the interpreter running the tests, else `python -m cashback_cli`
CASHBACK = [shutil.which("cashback", path=os.path.dirname(sys.executable)) or sys.executable]
if CASHBACK[0] == sys.executable:
    CASHBACK += ["-m", "cashback_cli"]


def test_the_help_shows_an_example_that_runs():
    result = runner.invoke(app, ["sql", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    (line,) = [line for line in result.stdout.splitlines() if "Example" in line and "cashback " in line]
    args = shlex.split(line.split("Example", 1)[1].split(":", 1)[1].strip(" │"))
    ran = subprocess.run([*CASHBACK, *args[1:]], cwd=ROOT, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("-- cashback: rules 1-9") and ran.stdout.rstrip().endswith(";")


# --- the other dialects ----------------------------------------------------------------------

EXAMPLES_BOOK = build_book(str(ROOT / "examples" / "cashback.toml"), {}, "half-even")[0]
PIECES = {
    # its own integer type, integer division, date arithmetic, date text and regex escapes
    "duckdb": [
        "HUGEINT",
        " // ",
        "(p.ordered_at + p.hold_days)",
        "CAST(t.confirm_on AS VARCHAR)",
        "\\x{a0}\\x{1680}",  # Python's whitespace, each by its code
        "]+', ' ', 'g')",
    ],
    "postgres": [
        "NUMERIC(38, 0)",
        "div(",
        "(p.ordered_at + p.hold_days)",
        "to_char(t.confirm_on, 'YYYY-MM-DD')",
        "MATERIALIZED",
    ],
    "trino": [
        "DECIMAL(38, 0)",
        "mod(",
        "date_add('day', p.hold_days, p.ordered_at)",
        "CAST(t.confirm_on AS VARCHAR)",
    ],
    "spark": ["DECIMAL(38, 0)", "AS STRING)", "date_add(p.ordered_at, p.hold_days)", "'[\\\\x{9}\\\\x{a}"],
}


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_each_dialect_has_its_own_pieces_and_nothing_inexact(dialect):
    query = rules_query(EXAMPLES_BOOK, date(2026, 11, 24), dialect)
    for piece in PIECES[dialect]:
        assert piece in query, piece
    lowered = query.lower()
    # no floating point, no ROUND with the engine's own mode, no decimal division
    assert not re.search(r"\b(double|float|real|round)\b", lowered)
    assert "CASE WHEN t.digits = 0" in query  # money written by hand with the currency's digits
    assert query.count("WITH ") == 1 and not query.rstrip().endswith(";")


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_each_dialect_parses(dialect):
    """sqlglot reads each dialect as that dialect (and as a tree, not a guess)."""
    sqlglot = pytest.importorskip("sqlglot")
    query = rules_query(EXAMPLES_BOOK, date(2026, 11, 24), dialect)
    tree = sqlglot.parse_one(query, read=dialect)
    names = [select.alias_or_name for select in tree.expressions]
    assert tuple(names) == COLUMNS == ORDER_KEYS
    assert {cte.alias for cte in tree.find_all(sqlglot.exp.CTE)} >= {"policy_orders", "figures"}


def test_the_spark_dialect_doubles_its_backslashes_and_the_others_do_not():
    spark = rules_query(EXAMPLES_BOOK, date(2026, 11, 24), "spark")
    trino = rules_query(EXAMPLES_BOOK, date(2026, 11, 24), "trino")
    assert "regexp_replace(o.store, '[\\\\x{9}\\\\x{a}" in spark
    assert "regexp_replace(o.store, '[\\x{9}\\x{a}" in trino


def test_a_store_name_with_a_quote_is_one_literal(tmp_path):
    (tmp_path / "p.toml").write_text('[stores."o\'neil"]\nhold_days = 3\n', encoding="utf-8")
    book, problems = build_book(str(tmp_path / "p.toml"), {}, "half-up")
    assert not problems
    for dialect in DIALECTS:
        assert "WHEN 'o''neil' THEN 3" in rules_query(book, date(2026, 11, 24), dialect)


UNICODE_POLICY = """[stores."Straße"]
hold_days = 40

[stores."İstanbul"]
hold_days = 41

[stores."ﬁsh shop"]
hold_days = 42

[stores."Ozon Market"]
hold_days = 43

[stores."ΣΊΣΥΦΟΣ"]
hold_days = 44
"""
# Each spelling folds (casefold, Python's whitespace) to one of the tables above, or to none
UNICODE_STORES = {
    "STRASSE": 40,
    "strasse": 40,
    "ſtraſſe": 40,  # long s folds to s
    "STRAẞE": 40,  # capital sharp s
    "İSTANBUL": 41,
    "i\u0307stanbul": 41,  # i and a combining dot: what İ folds to
    "ISTANBUL": None,  # casefold gives "istanbul", without the dot: another store
    "FISH  SHOP": 42,
    "ﬁsh\u00a0shop": 42,  # a ligature and a no-break space
    "Ozon\u00a0Market": 43,
    "OZON\u2003\u2003market": 43,  # two em spaces
    "ozonmarket": None,
    "σίσυφος": 44,  # final sigma folds to σ
    "ΣΊΣΥΦΟΣ": 44,
}


def test_store_names_fold_alike_in_python_and_in_the_sql(tmp_path):
    """One folding of store names: the tool's, the DuckDB engine's and the printed query's."""
    pytest.importorskip("duckdb")
    policy = tmp_path / "policy.toml"
    policy.write_text(UNICODE_POLICY, encoding="utf-8")
    orders, disputes = tmp_path / "orders.csv", tmp_path / "disputes.csv"
    with open(orders, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["order_id", "ordered_at", "amount", "currency", "cashback_rate", "store"])
        for number, store in enumerate(UNICODE_STORES):
            writer.writerow([f"U{number}", "2026-10-01", "100.00", "USD", "5", store])
    disputes.write_text("order_id,opened_at,resolved_at,refund_amount\n", encoding="utf-8")
    options = ["--config", str(policy)]
    expected = _python_orders(orders, disputes, date(2026, 11, 24), options)
    # 2026-10-01 plus the store's hold, or the built-in 15 days for a store with no table
    assert [o["confirm_on"] for o in expected] == [
        (date(2026, 10, 1) + timedelta(days=hold or 15)).isoformat() for hold in UNICODE_STORES.values()
    ]
    printed = runner.invoke(app, ["sql", "--dialect", "duckdb", "--as-of", "2026-11-24", *options])
    assert printed.exit_code == 0, printed.output
    assert "lower(" not in printed.stdout
    found = _sql_orders(printed.stdout, orders, disputes)
    assert [json.dumps(row) for row in found] == [json.dumps(o) for o in expected]
    duck = runner.invoke(
        app,
        [
            "status",
            str(orders),
            "-d",
            str(disputes),
            "--as-of",
            "2026-11-24",
            "--format",
            "json",
            "--engine",
            "duckdb",
            *options,
        ],
    )
    from cashback_cli.run import duckdb_engine

    assert duckdb_engine.last_choice == ("duckdb", None)
    assert [row["confirm_on"] for row in json.loads(duck.stdout)["orders"]] == [
        o["confirm_on"] for o in expected
    ]


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_a_query_folding_unicode_store_names_parses_in_each_dialect(tmp_path, dialect):
    sqlglot = pytest.importorskip("sqlglot")
    (tmp_path / "p.toml").write_text(UNICODE_POLICY, encoding="utf-8")
    book, problems = build_book(str(tmp_path / "p.toml"), {}, "half-up")
    assert not problems
    query = rules_query(book, date(2026, 11, 24), dialect)
    assert "translate(" in query and "replace(" in query and "lower(" not in query
    sqlglot.parse_one(query, read=dialect)
