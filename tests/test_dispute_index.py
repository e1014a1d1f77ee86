"""Past a size the disputes move to disk; every figure and every problem stays the same."""

from __future__ import annotations

import json

import pytest
from test_fast_paths import _big_dataset
from typer.testing import CliRunner

import cashback_cli.run.dispute_index as dispute_index
from cashback_cli.cli import app

runner = CliRunner()


def _run(*args: str):
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, sorted(result.stderr.splitlines())


@pytest.mark.parametrize("extra", [[], ["--skip-invalid"]])
def test_disputes_on_disk_give_the_same_report_and_problems(tmp_path, monkeypatch, extra):
    orders, disputes = _big_dataset(tmp_path, orders=600)
    with orders.open("a") as out:
        out.write("O7,2026-09-01,10.00,USD,5\nO11,2026-09-01,oops,USD,5\n")  # a repeat and a bad row
    with disputes.open("a") as out:
        out.write("NOPE,2026-09-01,,\n")  # a dispute for no order
    args = ["status", str(orders), "-d", str(disputes), "--as-of", "2026-11-24", "-f", "json", *extra]
    in_memory = _run(*args)
    monkeypatch.setattr(dispute_index, "IN_MEMORY", 5)
    on_disk = _run(*args)
    assert on_disk == in_memory
    if extra:
        assert len(json.loads(on_disk[1])["orders"]) > 500


def test_dispute_command_and_examples_read_the_same_from_disk(monkeypatch):
    args = [
        "dispute",
        "A1007",
        "--orders",
        "examples/orders.csv",
        "-d",
        "examples/disputes.csv",
        "--as-of",
        "2026-11-24",
        "-f",
        "json",
    ]
    in_memory = _run(*args)
    monkeypatch.setattr(dispute_index, "IN_MEMORY", 2)
    assert _run(*args) == in_memory
    assert json.loads(in_memory[1])["refunded"] == "80.00"


def test_the_temporary_file_is_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(dispute_index.tempfile, "tempdir", str(tmp_path))
    disputes = [dispute_index.Dispute(f"O{n}", dispute_index.date(2026, 1, 1)) for n in range(10)]
    index = dispute_index.DisputeIndex(disputes, in_memory=3)
    assert [p.name for p in tmp_path.iterdir()][0].startswith("cashback-disputes-")
    assert len(index.peek("O4")) == 1 and index.count == 10
    index.close()
    assert list(tmp_path.iterdir()) == []
