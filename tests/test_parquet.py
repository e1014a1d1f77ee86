"""Parquet input: read by the DuckDB engine when plain, by the Python engine through DuckDB
otherwise, with the same reports as the same table saved as CSV."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from test_engines import both
from test_sql import TYPES, datasets, write_files
from typer.testing import CliRunner

from cashback_cli.cli import app
from cashback_cli.run import duckdb_engine

duckdb = pytest.importorskip("duckdb")

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
ORDERS_CSV, DISPUTES_CSV = ROOT / "examples" / "orders.csv", ROOT / "examples" / "disputes.csv"
AS_OF = "2026-11-24"
REPORTS = [
    ["status", "-f", "json", "--as-of", AS_OF],
    ["status", "-f", "csv", "--as-of", AS_OF],
    ["status", "--summary", "-f", "json", "--as-of", AS_OF],
    ["upcoming", "-f", "json", "--as-of", AS_OF],
    ["validate"],
]


def to_parquet(csv_path: Path, parquet_path: Path, types: dict[str, str] | None = None) -> Path:
    """The CSV as Parquet: every column text, or typed as `types` says (others text)."""
    with duckdb.connect() as con:
        names = [
            row[0]
            for row in con.execute(
                "DESCRIBE SELECT * FROM read_csv(?, all_varchar = true)", [str(csv_path)]
            ).fetchall()
        ]
        columns = ", ".join(
            f"CAST(NULLIF({name}, '') AS {types[name]}) AS {name}" if types and name in types else name
            for name in names
        )
        con.execute(
            f"COPY (SELECT {columns} FROM read_csv('{csv_path}', all_varchar = true)) "
            f"TO '{parquet_path}' (FORMAT parquet)"
        )
    return parquet_path


def run(args: list[str]):
    return runner.invoke(app, args)


@pytest.mark.parametrize("typed", [False, True], ids=["text-columns", "typed-columns"])
@pytest.mark.parametrize("report", REPORTS, ids=lambda args: " ".join(args[:3]))
def test_the_examples_as_parquet_give_the_csv_reports(tmp_path, typed, report):
    types = {
        "ordered_at": "DATE",
        "amount": "DOUBLE",
        "cashback_rate": "DOUBLE",
        "expected_cashback": "DOUBLE",
    }
    orders = to_parquet(ORDERS_CSV, tmp_path / "orders.parquet", types if typed else None)
    disputes = to_parquet(
        DISPUTES_CSV, tmp_path / "disputes.parquet", {"opened_at": "DATE"} if typed else None
    )
    from_csv = run([report[0], str(ORDERS_CSV), "-d", str(DISPUTES_CSV), *report[1:]])
    (code, out, _err), choice = both([report[0], str(orders), "-d", str(disputes), *report[1:]])
    assert (code, out) == (from_csv.exit_code, from_csv.stdout)
    assert choice == ("duckdb", None)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(max_orders=8, columns=True))
def test_random_datasets_as_parquet_give_the_csv_reports(data):
    with tempfile.TemporaryDirectory() as folder:
        orders, disputes, options = write_files(data, Path(folder))
        typed = {name: kind for name, kind in TYPES.items() if name in data.order_columns}
        orders_parquet = to_parquet(orders, Path(folder) / "orders.parquet", typed)
        disputes_parquet = to_parquet(disputes, Path(folder) / "disputes.parquet")
        args = ["-f", "json", "--as-of", data.as_of.isoformat(), *options]
        from_csv = run(["status", str(orders), "-d", str(disputes), *args, "--engine", "python"])
        (code, out, _err), choice = both(["status", str(orders_parquet), "-d", str(disputes_parquet), *args])
        assert (code, out) == (from_csv.exit_code, from_csv.stdout) and code == 0
        assert choice == ("duckdb", None)


def test_what_is_not_plain_is_named_record_by_record(tmp_path):
    # a timestamp for a date (the careful path takes its day), and a sum with the noise of
    # binary floating point (record 1, so line 2 as in the same table saved as CSV)
    orders = tmp_path / "orders.parquet"
    with duckdb.connect() as con:
        con.execute(
            "COPY (SELECT 'A1' AS order_id, TIMESTAMP '2026-11-01 10:30:00' AS ordered_at, 0.1::DOUBLE + 0.2::DOUBLE AS amount, "
            "'USD' AS currency, 5 AS cashback_rate UNION ALL SELECT 'A2', TIMESTAMP '2026-11-02 00:00:00', 10.0, 'USD', 5) "
            f"TO '{orders}' (FORMAT parquet)"
        )
    (code, _out, err), choice = both(["status", str(orders), "--as-of", AS_OF, "-f", "json"])
    assert choice[0] == "python" and code == 1
    assert "orders.parquet:2: amount: got '0.30000000000000004'" in err


def test_a_parquet_file_duckdb_cannot_read_is_a_problem_not_a_traceback(tmp_path):
    broken = tmp_path / "orders.parquet"
    broken.write_bytes(b"PAR1" + b"\x00" * 64)
    (code, _out, err), choice = both(["status", str(broken), "--as-of", AS_OF])
    assert code == 1 and choice[0] == "python"
    assert "a Parquet file DuckDB can read" in err


def test_parquet_on_standard_input_is_refused_with_a_reason(tmp_path):
    orders = to_parquet(ORDERS_CSV, tmp_path / "orders.parquet")
    result = runner.invoke(app, ["status", "-", "--as-of", AS_OF], input=orders.read_bytes())
    assert result.exit_code == 1
    assert "Parquet file given by its name, not on standard input" in result.stderr


def test_without_duckdb_a_parquet_file_says_how_to_read_it(tmp_path, monkeypatch):
    orders = to_parquet(ORDERS_CSV, tmp_path / "orders.parquet")
    monkeypatch.setitem(sys.modules, "duckdb", None)  # `import duckdb` fails as if not installed
    result = run(["status", str(orders), "--as-of", AS_OF, "--engine", "python"])
    assert result.exit_code == 1
    assert "pip install 'cashback-cli[duckdb]'" in result.stderr


def test_auto_takes_duckdb_for_a_small_parquet_file(tmp_path):
    orders = to_parquet(ORDERS_CSV, tmp_path / "orders.parquet")
    result = run(["status", str(orders), "--as-of", AS_OF, "-f", "json"])
    assert result.exit_code == 0 and duckdb_engine.last_choice == ("duckdb", None)
