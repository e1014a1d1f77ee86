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
    broken.write_bytes(b"PAR1" + b"\x00" * 64 + b"PAR1")
    (code, _out, err), choice = both(["status", str(broken), "--as-of", AS_OF])
    assert code == 1 and choice[0] == "python"
    assert "a Parquet file DuckDB can read" in err


def test_parquet_on_standard_input_is_refused_with_a_reason(tmp_path):
    orders = to_parquet(ORDERS_CSV, tmp_path / "orders.parquet")
    result = runner.invoke(app, ["status", "-", "--as-of", AS_OF], input=orders.read_bytes())
    assert result.exit_code == 1
    assert "a Parquet file as a file of its own, not on standard input or through a pipe" in result.stderr


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


def write_parquet(path: Path, select: str) -> Path:
    with duckdb.connect() as con:
        con.execute(f"COPY ({select}) TO '{path}' (FORMAT parquet)")
    return path


ONE_ORDER = "SELECT 'A1' AS order_id, DATE '2026-11-01' AS ordered_at, 100.5 AS amount, 'USD' AS currency, 5 AS cashback_rate"


def test_a_parquet_file_of_no_records_is_a_header_alone(tmp_path):
    orders = write_parquet(tmp_path / "orders.parquet", ONE_ORDER + " WHERE false")
    header_only = tmp_path / "orders.csv"
    header_only.write_text("order_id,ordered_at,amount,currency,cashback_rate\n", encoding="utf-8")
    for report in REPORTS:
        from_csv = run([report[0], str(header_only), *report[1:]])
        (code, out, _err), _choice = both([report[0], str(orders), *report[1:]])
        assert (code, out) == (from_csv.exit_code, from_csv.stdout), report


def test_a_name_duckdb_would_read_as_a_pattern_is_read_as_a_name(tmp_path):
    own = write_parquet(tmp_path / "orders[1].parquet", ONE_ORDER)
    write_parquet(tmp_path / "orders1.parquet", ONE_ORDER.replace("'A1'", "'B1'"))
    (code, out, _err), choice = both(["status", str(own), "--as-of", AS_OF, "-f", "csv"])
    assert code == 0 and choice == ("duckdb", None)
    assert "A1" in out and "B1" not in out
    (tmp_path / "c[1].csv").write_text(
        "order_id,ordered_at,amount,currency,cashback_rate\nA1,2026-11-01,100.50,USD,5\n"
    )
    (tmp_path / "c1.csv").write_text(
        "order_id,ordered_at,amount,currency,cashback_rate\nB1,2026-11-01,100.50,USD,5\n"
    )
    (code, out, _err), choice = both(["status", str(tmp_path / "c[1].csv"), "--as-of", AS_OF, "-f", "csv"])
    assert code == 0 and choice == ("duckdb", None)
    assert "A1" in out and "B1" not in out


def test_a_folder_named_like_a_partition_adds_no_column(tmp_path):
    (tmp_path / "currency=JPY").mkdir()
    order = ONE_ORDER.replace(", 'USD' AS currency", "")
    inside = write_parquet(tmp_path / "currency=JPY" / "orders.parquet", order)
    outside = write_parquet(tmp_path / "orders.parquet", order)
    (code, out, err), choice = both(["status", str(inside), "--as-of", AS_OF, "-f", "json"])
    assert code == 0 and choice == ("duckdb", None)
    assert out == run(["status", str(outside), "--as-of", AS_OF, "-f", "json"]).stdout
    assert '"USD"' in out and "no currency given" in err
    (tmp_path / "c0=ZZ").mkdir()
    (tmp_path / "c0=ZZ" / "o.csv").write_text(
        "order_id,ordered_at,amount,cashback_rate\nA1,2026-11-01,100.50,5\n"
    )
    (code, out, _err), choice = both(
        ["status", str(tmp_path / "c0=ZZ" / "o.csv"), "--as-of", AS_OF, "-f", "csv"]
    )
    assert code == 0 and choice[0] == "duckdb" and "A1" in out and "ZZ" not in out


def test_a_decimal_of_18_places_reads_as_its_value(tmp_path):
    orders = write_parquet(
        tmp_path / "orders.parquet",
        "SELECT 'A1' AS order_id, DATE '2026-11-01' AS ordered_at, 100.5::DECIMAL(38, 18) AS amount, "
        "'USD' AS currency, 5::DECIMAL(20, 10) AS cashback_rate",
    )
    (code, out, err), choice = both(["status", str(orders), "--as-of", AS_OF, "-f", "json"])
    assert (code, choice) == (0, ("duckdb", None)), err
    assert '"amount": "100.50"' in out and '"rate": "5"' in out


def test_text_stored_as_bytes_reads_as_text(tmp_path):
    orders = write_parquet(tmp_path / "orders.parquet", ONE_ORDER + ", encode('Озон') AS store")
    (tmp_path / "p.toml").write_text('[stores."Озон"]\nrate = "7"\n', encoding="utf-8")
    args = ["status", str(orders), "--as-of", AS_OF, "-f", "json", "--config", str(tmp_path / "p.toml")]
    (code, out, _err), choice = both(args)
    assert (code, choice) == (0, ("duckdb", None))
    assert '"rate": "5"' in out  # the order's own rate, in a store the policy file knows
    by_store = run(["status", str(orders), "--as-of", AS_OF, "--by", "store", "-f", "json"])
    assert "Озон" in by_store.stdout


def test_two_columns_alike_but_for_case_are_found_as_in_a_csv(tmp_path):
    # DuckDB renames such a column as it writes it; other writers keep both names: the file's
    # bytes get the second name in capitals (the same length, so the file stays whole)
    orders = write_parquet(tmp_path / "orders.parquet", ONE_ORDER + ", 7 AS XASHBACK_RATE")
    orders.write_bytes(orders.read_bytes().replace(b"XASHBACK_RATE", b"CASHBACK_RATE"))
    (code, _out, err), choice = both(["status", str(orders), "--as-of", AS_OF])
    assert code == 1 and choice[0] == "python"
    assert "cashback_rate" in err.lower()


def test_text_that_starts_like_parquet_is_read_as_text(tmp_path):
    text = tmp_path / "orders.csv"
    text.write_text("PAR1,ordered_at,amount\nA1,2026-11-01,100.50\n", encoding="utf-8")
    (code, _out, err), _choice = both(["status", str(text), "--as-of", AS_OF])
    assert code == 1 and "Parquet" not in err


def test_a_file_that_says_it_is_empty_goes_to_python(tmp_path):
    (code, _out, _err), choice = both(["status", "/proc/self/status", "--as-of", AS_OF])
    assert code == 1 and choice[0] == "python"


def test_a_network_profile_does_not_read_parquet_and_says_so(tmp_path):
    orders = to_parquet(ORDERS_CSV, tmp_path / "orders.parquet")
    result = run(["status", str(orders), "--profile", "admitad", "--as-of", AS_OF])
    assert result.exit_code == 1 and "this is a Parquet file, which --profile does not read" in result.stderr
