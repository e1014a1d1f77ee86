"""The installed command in a real process: stdout holds data only, exit codes for scripts."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import (
    DISPUTES_CSV,
    EXAMPLE_FIGURES,
    EXAMPLE_TOTALS,
    EXAMPLES_AS_OF,
    ORDERS_CSV,
    ORDERS_JSON,
    ROOT,
)

# the command installed beside the interpreter running the tests, else the one on PATH
EXECUTABLE = shutil.which("cashback", path=os.path.dirname(sys.executable)) or shutil.which("cashback")
COMMANDS = {
    "cashback": [EXECUTABLE],
    "python -m cashback_cli": [sys.executable, "-m", "cashback_cli"],
}


BOTH_WAYS = pytest.mark.parametrize("how", list(COMMANDS))


def cashback(*args: str, how: str = "cashback") -> subprocess.CompletedProcess:
    """Runs the installed command (or `python -m cashback_cli`) and returns the finished process."""
    assert EXECUTABLE, "the cashback command is not on PATH"
    return subprocess.run(
        [*COMMANDS[how], *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
    )


def assert_no_traceback(process: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in process.stderr
    assert "Traceback" not in process.stdout


@BOTH_WAYS
def test_success_prints_only_the_json_document_and_warns_on_stderr(how):
    process = cashback(
        "status",
        str(ORDERS_CSV),
        "--disputes",
        str(DISPUTES_CSV),
        "--as-of",
        EXAMPLES_AS_OF,
        "--format",
        "json",
        how=how,
    )
    assert process.returncode == 0, process.stderr
    document = json.loads(process.stdout)
    assert [order["order_id"] for order in document["orders"]] == list(EXAMPLE_FIGURES)
    assert document["totals"] == EXAMPLE_TOTALS
    assert "warning" in process.stderr and "after 2026-11-24" in process.stderr


@BOTH_WAYS
def test_bad_amount_is_a_data_error_naming_file_line_and_field(how, tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "order_id,ordered_at,amount,cashback_rate\nB1,2026-10-01,100.00,5\nB2,2026-10-02,twelve,5\n",
        encoding="utf-8",
    )
    process = cashback("status", str(orders), "--as-of", EXAMPLES_AS_OF, "--format", "json", how=how)
    assert process.returncode == 1
    assert process.stdout == ""
    assert f"{orders}:3" in process.stderr
    assert "amount" in process.stderr and "twelve" in process.stderr
    assert_no_traceback(process)


def test_missing_file_is_a_usage_error(tmp_path):
    missing = tmp_path / "no-such-orders.csv"
    process = cashback("status", str(missing), "--format", "json")
    assert process.returncode == 2
    assert process.stdout == ""
    assert "no-such-orders.csv" in process.stderr
    assert_no_traceback(process)


def test_unknown_order_id_exits_3():
    process = cashback(
        "dispute",
        "A9999",
        "--orders",
        str(ORDERS_CSV),
        "--disputes",
        str(DISPUTES_CSV),
        "--as-of",
        EXAMPLES_AS_OF,
    )
    assert process.returncode == 3
    assert process.stdout == ""
    assert "A9999" in process.stderr
    assert_no_traceback(process)


def test_bad_option_is_a_usage_error():
    process = cashback("status", str(ORDERS_CSV), "--format", "xml")
    assert process.returncode == 2
    assert process.stdout == ""
    assert "xml" in process.stderr
    assert_no_traceback(process)


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_input_files_are_left_byte_for_byte_unchanged(tmp_path):
    inputs = {}
    for source in (ORDERS_CSV, DISPUTES_CSV, ORDERS_JSON):
        copy = tmp_path / source.name
        copy.write_bytes(source.read_bytes())
        inputs[copy] = digest(copy)
    orders, disputes, orders_json = (str(path) for path in inputs)
    for args in (
        ["status", orders, "--disputes", disputes, "--as-of", EXAMPLES_AS_OF, "--format", "json"],
        ["status", orders_json, "--as-of", EXAMPLES_AS_OF, "--format", "json"],
        ["dispute", "A1004", "--orders", orders, "--disputes", disputes, "--as-of", EXAMPLES_AS_OF],
        ["validate", orders, "--disputes", disputes],
    ):
        process = cashback(*args)
        assert process.returncode == 0, (args, process.stderr)
    assert {path: digest(path) for path in inputs} == inputs
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in inputs)


@pytest.mark.parametrize("shape", [["--format", "csv"], ["--format", "json"], ["--limit", "5000"]])
def test_a_closed_pipe_ends_quietly_with_141_not_1(tmp_path, shape):
    """`cashback status big.csv --format csv | head -1`: Unix tools end with 128 + SIGPIPE and say
    nothing; exit 1 would tell a script the data was bad."""
    rows = "".join(f"P{n},2026-10-01,{n % 900 + 1}.00,5\n" for n in range(5000))
    orders = tmp_path / "big.csv"
    orders.write_text("order_id,ordered_at,amount,cashback_rate\n" + rows)
    process = subprocess.Popen(
        [EXECUTABLE, "status", str(orders), "--as-of", EXAMPLES_AS_OF, *shape],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert process.stdout.readline()  # the reader takes one line and goes away, as head -1 does
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141
    assert stderr == ""


def test_kill_ends_a_run_with_143_and_removes_its_temporary_files(tmp_path):
    """`kill` (SIGTERM) ends a run as Ctrl-C does: no traceback, 128 + 15, and nothing left in
    the temporary folder (it used to end at once, leaving a lean run's folder behind)."""
    import signal
    import time

    rows = "".join(f"K{n},2026-10-01,{n % 900 + 1}.00,USD,5\n" for n in range(20_000))
    orders = tmp_path / "orders.csv"
    orders.write_text("order_id,ordered_at,amount,currency,cashback_rate\n" + rows)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    # stdin holds the disputes and stays open: the run waits for it with its orders read in
    process = subprocess.Popen(
        [EXECUTABLE, "status", str(orders), "-d", "-", "--as-of", EXAMPLES_AS_OF, "-f", "csv"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1", "TMPDIR": str(scratch)},
    )
    process.stdin.write(b"order_id,opened_at,resolved_at,refund_amount,outcome\n")
    process.stdin.flush()
    time.sleep(1.5)
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 143
    assert b"Traceback" not in err
    assert list(scratch.iterdir()) == []
