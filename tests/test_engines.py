"""--engine python|duckdb|auto: the DuckDB engine's reports are the Python engine's to the byte
on plain CSV files, and anything not plain is read by the Python engine, problems and all."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_sql import Dataset, datasets, write_files
from typer.testing import CliRunner

from cashback_cli.cli import app
from cashback_cli.run import duckdb_engine

pytest.importorskip("duckdb")

runner = CliRunner()
AS_OF = "2026-11-24"
ORDERS = (
    "order_id,ordered_at,amount,currency,cashback_rate,expected_cashback,max_cashback,store\n"
    "A1,2026-11-20,100.00,USD,5,,,AliExpress\n"
    "A2,2026-10-01,250.00,USD,4,,,\n"
    "A3,2026-10-10,80.00,USD,5,,,amazon\n"
    "A4,2026-10-15,1000,JPY,5,,,\n"
    "A5,2026-10-18,45.00,USD,,2.50,,\n"
    "A6,2026-12-20,10.00,USD,5,,,\n"
)
DISPUTES = (
    "order_id,opened_at,resolved_at,refund_amount,outcome\n"
    "A3,2026-10-15,2026-10-25,80.00,refunded\n"
    "A5,2026-10-20,2026-11-20,15.00,partial\n"
    "A1,2026-11-21,,,\n"
)


def both(args: list[str]) -> tuple[tuple, tuple[str, str | None]]:
    """The command's exit code, stdout and stderr with each engine (asserted equal), and how
    the duckdb run went: ("duckdb", None), or ("python", why) when it was sent to Python."""
    python = runner.invoke(app, [*args, "--engine", "python"])
    duck = runner.invoke(app, [*args, "--engine", "duckdb"])
    choice = duckdb_engine.last_choice
    found = (python.exit_code, python.stdout, python.stderr)
    assert (duck.exit_code, duck.stdout, duck.stderr) == found, (args, choice)
    assert "Traceback" not in python.output + duck.output
    assert python.exception is None or isinstance(python.exception, SystemExit), repr(python.exception)
    return found, choice


def write(
    folder: Path, orders: str = ORDERS, disputes: str = DISPUTES, name: str = "o.csv"
) -> tuple[str, str]:
    (folder / name).write_bytes(orders.encode("utf-8") if isinstance(orders, str) else orders)
    (folder / "d.csv").write_bytes(disputes.encode("utf-8") if isinstance(disputes, str) else disputes)
    return str(folder / name), str(folder / "d.csv")


COMMANDS = [
    ["status", "-f", "csv"],
    ["status", "--summary", "-f", "json"],
    ["status", "--summary", "-f", "csv"],
    ["status", "--by", "store", "--sort", "cashback", "-f", "json"],
    ["upcoming", "--by", "day", "-f", "json"],
    ["upcoming", "--by", "month", "-f", "csv"],
    ["validate"],
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(max_orders=10, columns=True), st.sampled_from(COMMANDS))
def test_the_duckdb_engine_writes_the_python_engines_reports_to_the_byte(data, drawn):
    """Every order of `status -f json`, and one more report drawn: CSV, a summary, upcoming,
    validate (each run by both engines, about 0.1 s a pair)."""
    same_reports(data, drawn)


def without_fixed_figures_or_caps(data: Dataset) -> Dataset:
    """The dataset with no column of fixed figures or caps and no cap in its policy file (an
    order that had a fixed figure gets a rate): the DuckDB engine's query leaves them out."""
    gone = ("expected_cashback", "max_cashback")
    orders = [
        {**order, "cashback_rate": order["cashback_rate"] or ("5" if order["expected_cashback"] else "")}
        for order in data.orders
    ]
    columns = tuple(column for column in data.order_columns if column not in gone)
    if "expected_cashback" in data.order_columns and "cashback_rate" not in columns:
        columns += ("cashback_rate",)  # the rate that takes the fixed figure's place is written
    policy = None if data.policy is None else re.sub(r'max_cashback = "[^"]*"\n', "", data.policy)
    return data._replace(orders=orders, policy=policy, order_columns=columns)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(max_orders=10, columns=True).map(without_fixed_figures_or_caps), st.sampled_from(COMMANDS))
def test_without_fixed_figures_or_caps_the_shorter_query_gives_the_same_reports(data, drawn):
    same_reports(data, drawn)


def same_reports(data: Dataset, drawn: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        orders, disputes, options = write_files(data, Path(folder))
        for command in (["status", "-f", "json"], drawn):
            args = [command[0], str(orders), "-d", str(disputes), *command[1:]]
            if command[0] != "validate":
                args += ["--as-of", data.as_of.isoformat(), *options]
            else:  # validate takes the policy file and the rate, not the rest
                pairs = zip(options[::2], options[1::2], strict=True)
                args += [part for pair in pairs if pair[0] in ("--config", "--rate") for part in pair]
            (code, _out, err), choice = both(args)
            assert code == 0, err
            assert choice == ("duckdb", None)  # it ran, and was not sent to Python


def test_the_examples_through_every_report(tmp_path):
    orders, disputes = write(tmp_path)
    for command in (["status", "-f", "json"], ["status"], *COMMANDS):
        args = [command[0], orders, "-d", disputes, *command[1:]]
        if command[0] != "validate":
            args += ["--as-of", AS_OF]
        (code, out, err), choice = both(args)
        assert code == 0 and out and choice == ("duckdb", None)
    summary = runner.invoke(
        app, ["status", orders, "-d", disputes, "--as-of", AS_OF, "--summary", "-f", "json"]
    )
    # 100 x 5 % pending; 250 x 4 % + 2.50 x 30 / 45 confirmed; 80 x 5 % cancelled; A6 after the date
    assert json.loads(summary.stdout)["totals"]["USD"] == {
        "orders": 4,
        "pending": "5.00",
        "confirmed": "11.67",
        "cancelled": "4.83",
    }


@pytest.mark.parametrize(
    "orders,disputes",
    [
        (
            '"order_id","ordered_at","amount","currency","cashback_rate"\n"A,1","2026-10-01","10.00","USD","5"\n',
            "",
        ),
        ("order_id;ordered_at;amount;cashback_rate\r\nA1;2026-10-01;10.50;5\r\nA2;2026-11-01;3;2.5\r\n", ""),
        (
            "\ufefforder_id,ordered_at,amount,rate\nA1,2026-10-01,10.00,5\n",
            "order_id,opened_at\nA1,2026-10-02\n",
        ),
        ("order_id,ordered_at,amount,cashback_rate\n", "order_id,opened_at\n"),
        (ORDERS, "   \n"),
        ("Order ID,Date,Sum,Rate,Shop\nA1,2026-10-01,10.00,5,amazon\n", ""),
    ],
    ids=["quoted", "semicolons-crlf", "bom-and-synonyms", "header-only", "blank-disputes", "synonyms"],
)
def test_plain_files_of_every_shape_stay_on_duckdb(tmp_path, orders, disputes):
    orders_path, disputes_path = write(tmp_path, orders, disputes)
    (code, _out, _err), choice = both(
        ["status", orders_path, "-d", disputes_path, "--as-of", AS_OF, "-f", "csv"]
    )
    assert code == 0 and choice == ("duckdb", None)


def test_several_dispute_files_stay_on_duckdb(tmp_path):
    orders, disputes = write(tmp_path)
    (tmp_path / "d2.csv").write_text(
        "order_id,opened_at,resolved_at,refund_amount\nA2,2026-10-03,2026-10-09,50\n"
    )
    args = ["status", orders, "-d", disputes, "-d", str(tmp_path / "d2.csv"), "--as-of", AS_OF, "-f", "json"]
    (code, out, _err), choice = both(args)
    assert code == 0 and choice == ("duckdb", None)
    assert '"refunded": "50.00"' in out


# --- what goes to the Python engine ----------------------------------------------------------

MESSY = {
    # a value the fast path does not read as written: Python reads or names it
    "spaced-amount": (ORDERS.replace("250.00", '"1 250,00"'), DISPUTES, 0),
    "symbol": (ORDERS.replace("250.00", "$250.00"), DISPUTES, 0),
    "day-first-date": (ORDERS.replace("2026-10-01", "01.10.2026"), DISPUTES, 0),
    "rate-percent": (ORDERS.replace(",4,", ",4%,"), DISPUTES, 0),
    "id-with-spaces": (ORDERS.replace("A2,", " A2 ,"), DISPUTES, 0),
    "id-ending-in-an-ideographic-space": (ORDERS.replace("A2,", "A2\u3000,"), DISPUTES, 0),
    "dispute-id-with-spaces": (ORDERS, DISPUTES.replace("A3,2026-10-15", " A3 ,2026-10-15"), 0),
    "outcome-too-long": (ORDERS, DISPUTES.replace("partial\n", "Ж" * 501 + "\n"), 1),
    "rur": (ORDERS.replace("1000,JPY", "1000,RUR"), DISPUTES, 0),
    "quote-beside-space": (ORDERS.replace("A2,2026-10-01,250.00", 'A2,2026-10-01, "250.00"'), DISPUTES, 1),
    "short-row": (
        ORDERS.replace("A2,2026-10-01,250.00,USD,4,,,\n", "A2,2026-10-01,250.00,USD,4\n"),
        DISPUTES,
        0,
    ),
    "blank-line": (ORDERS.replace("A2,", "\n,,,,,,,\nA2,"), DISPUTES, 0),
    "disputes-after-a-page-of-blanks": (ORDERS, "\n" * 70_000 + DISPUTES, 0),
    "carriage-return-in-a-value": (ORDERS.replace("AliExpress\n", '"Ali\rExpress"\n'), DISPUTES, 0),
    # problems the Python engine names, with their lines
    "bad-amount": (ORDERS.replace("250.00", "abc"), DISPUTES, 1),
    "zero-amount": (ORDERS.replace("250.00", "0"), DISPUTES, 1),
    "rate-above-100": (ORDERS.replace(",4,", ",140,"), DISPUTES, 1),
    "bad-date": (ORDERS.replace("2026-10-01", "2026-02-30"), DISPUTES, 1),
    "year-1899": (ORDERS.replace("2026-10-01", "1899-10-01"), DISPUTES, 1),
    "duplicate-id": (ORDERS.replace("A3,", "A2,"), DISPUTES.replace("A3,", "A2,"), 1),
    "orphan-dispute": (ORDERS, DISPUTES + "Z9,2026-11-01,,,\n", 1),
    "refund-above-amount": (ORDERS, DISPUTES.replace("80.00,refunded", "90.00,refunded"), 1),
    "dispute-before-order": (ORDERS, DISPUTES.replace("A3,2026-10-15", "A3,2026-10-05"), 1),
    "resolved-before-opened": (ORDERS, DISPUTES.replace("2026-10-20,2026-11-20", "2026-10-20,2026-10-19"), 1),
    "no-rate": (ORDERS.replace("A2,2026-10-01,250.00,USD,4", "A2,2026-10-01,250.00,USD,"), DISPUTES, 1),
    "cents-in-yen": (ORDERS.replace("1000,JPY", "1000.50,JPY"), DISPUTES, 1),
    "refund-finer-than-cents": (ORDERS, DISPUTES.replace("15.00,partial", "15.005,partial"), 1),
    "sen-refunded-on-yen": (ORDERS, DISPUTES + "A4,2026-10-20,2026-10-30,10.50,partial\n", 1),
    "not-utf8": (ORDERS.encode("utf-8").replace(b"amazon", b"\xff\xfe"), DISPUTES, 1),
    "nul-byte": (ORDERS.encode("utf-8").replace(b"amazon", b"ama\x00zon"), DISPUTES, 0),
}


@pytest.mark.parametrize("name", sorted(MESSY))
def test_anything_not_plain_goes_to_python_with_the_same_output_and_problems(tmp_path, name):
    orders, disputes, code = MESSY[name]
    orders_path, disputes_path = write(tmp_path, orders, disputes)
    for command in (["status", "-f", "json"], ["status", "--summary", "-f", "csv"], ["validate"]):
        args = [command[0], orders_path, "-d", disputes_path, *command[1:]]
        if command[0] != "validate":
            args += ["--as-of", AS_OF]
        (found_code, _out, _err), choice = both(args)
        assert choice[0] == "python", (name, command)
        if command[0] != "validate":
            assert found_code == code, (name, command)


def test_the_spaces_an_id_may_not_end_in_are_what_python_strips():
    assert duckdb_engine.SPACES == "".join(char for char in map(chr, range(0x110000)) if char.isspace())


@pytest.mark.parametrize(
    "space", sorted(set(duckdb_engine.SPACES) - set("\r\n")), ids=lambda c: f"U+{ord(c):04X}"
)
def test_a_space_of_any_kind_anywhere_makes_a_file_one_whose_ids_are_checked_for_spaces(tmp_path, space):
    """Only a file with no space, quote or carriage return skips the look for them in ids."""
    path = tmp_path / "o.csv"
    path.write_text(ORDERS.replace("AliExpress", f"Ali{space}Express"), encoding="utf-8")
    assert duckdb_engine._layout(str(path), "orders").bare is False
    path.write_text(ORDERS, encoding="utf-8")
    assert duckdb_engine._layout(str(path), "orders").bare is True
    path.write_text(ORDERS.replace("AliExpress", '"AliExpress"'), encoding="utf-8")
    assert duckdb_engine._layout(str(path), "orders").bare is False
    path.write_bytes(ORDERS.replace("\n", "\r\n").encode("utf-8"))
    assert duckdb_engine._layout(str(path), "orders").bare is False


def test_an_id_ending_in_a_tab_goes_to_python(tmp_path):
    orders, disputes = write(tmp_path, ORDERS.replace("A2,", "A2\t,"))
    (code, _out, _err), choice = both(["status", orders, "-d", disputes, "--as-of", AS_OF, "-f", "json"])
    assert choice[0] == "python" and code == 0


def test_an_outcome_of_500_letters_stays_with_duckdb(tmp_path):
    orders, disputes = write(tmp_path, ORDERS, DISPUTES.replace("partial\n", "Ж" * 500 + "\n"))
    (code, _out, _err), choice = both(["status", orders, "-d", disputes, "--as-of", AS_OF, "-f", "json"])
    assert (code, choice) == (0, ("duckdb", None))


def test_cents_refunded_beside_a_yen_order_stay_with_duckdb(tmp_path):
    # a refund with cents in a run that has yen: each order's refunds are held to its own currency
    orders_path, disputes_path = write(tmp_path, ORDERS, DISPUTES.replace("15.00,partial", "15.50,partial"))
    for command in (["status", "-f", "json"], ["status", "--summary", "-f", "json"]):
        (code, out, _err), choice = both(
            [command[0], orders_path, "-d", disputes_path, *command[1:], "--as-of", AS_OF]
        )
        assert (code, choice) == (0, ("duckdb", None))
        assert '"refunded": "15.50"' in out or '"pending"' in out


def _in_a_yen_store(folder: Path, figures: str, disputes: str) -> list[str]:
    """`status` of ORDERS with A4 (amount, no currency, rate: `figures`) in a store whose
    policy says JPY, and `disputes`."""
    orders = ORDERS.replace("A4,2026-10-15,1000,JPY,5,,,\n", f"A4,2026-10-15,{figures},,,Yen Shop\n")
    orders_path, disputes_path = write(folder, orders, disputes)
    (folder / "p.toml").write_text('[stores."Yen Shop"]\ncurrency = "JPY"\n', encoding="utf-8")
    return ["status", orders_path, "-d", disputes_path, "--as-of", AS_OF, "--config", str(folder / "p.toml")]


def test_sen_refunded_on_an_order_in_a_yen_store_go_to_python(tmp_path):
    """The order names no currency and its store's policy says JPY: the refund's cents are finer
    than a yen though every currency the file names has cents."""
    args = _in_a_yen_store(tmp_path, "1000,,5", DISPUTES + "A4,2026-10-20,2026-10-30,10.50,partial\n")
    (code, _out, err), choice = both([*args, "-f", "json"])
    assert (code, choice) == (1, ("python", "a refund finer than the currency's minor unit"))
    assert "10.50" in err


def test_an_order_taking_its_stores_yen_stays_with_duckdb_in_whole_yen(tmp_path):
    """The only yen in the run comes from a store's policy: the rules still count that order in
    whole yen (the engine's currency tables hold the policies' codes too)."""
    # 10299 x 0.5% = 51.495: 51 yen; rounded to sen first (51.50), it would show as 52
    args = _in_a_yen_store(tmp_path, "10299,,0.5", DISPUTES)
    for report in (["-f", "json"], ["--summary", "-f", "json"]):
        (code, out, _err), choice = both([*args, *report])
        assert (code, choice) == (0, ("duckdb", None))
        assert '"JPY"' in out and '"51"' in out and '"52"' not in out


def test_a_future_order_is_not_held_to_the_rules_by_either_engine(tmp_path):
    """An order after the as-of date is left out unchecked: no rate needed, cents in yen pass."""
    orders = ORDERS.replace("A6,2026-12-20,10.00,USD,5", "A6,2026-12-20,10.50,JPY,")
    orders_path, disputes_path = write(tmp_path, orders)
    (code, _out, err), choice = both(
        ["status", orders_path, "-d", disputes_path, "--as-of", AS_OF, "-f", "json"]
    )
    assert code == 0 and choice == ("duckdb", None) and "1 order dated after 2026-11-24" in err


@pytest.mark.parametrize(
    "extra,why",
    [
        (["--skip-invalid"], "--skip-invalid"),
        (["--map", "amount=amount"], "--map"),
        (["--minor-units", "amount"], "--minor-units"),
        (["--encoding", "cp1251"], "encoding"),
        (["--profile", "cj"], "profile"),
    ],
)
def test_options_the_duckdb_engine_leaves_to_python(tmp_path, extra, why):
    orders, disputes = write(tmp_path)
    _found, choice = both(["status", orders, "-d", disputes, "--as-of", AS_OF, "-f", "json", *extra])
    assert choice[0] == "python" and why in (choice[1] or "")


def test_a_file_given_twice_even_through_a_link_goes_to_python(tmp_path):
    orders, disputes = write(tmp_path)
    (tmp_path / "same.csv").hardlink_to(disputes)
    (tmp_path / "link.csv").symlink_to(orders)
    for again in (disputes, str(tmp_path / "same.csv"), str(tmp_path / "link.csv")):
        _found, choice = both(["status", orders, "-d", disputes, "-d", again, "--as-of", AS_OF, "-f", "json"])
        assert choice == ("python", "standard input, a missing file or a file given twice"), again
    _found, choice = both(["status", orders, "-d", str(tmp_path / "none.csv"), "--as-of", AS_OF])
    assert choice[0] == "python"


def test_json_and_standard_input_go_to_python(tmp_path):
    root = Path(__file__).resolve().parent.parent / "examples"
    _found, choice = both(["status", str(root / "orders.json"), "--as-of", AS_OF, "-f", "json"])
    assert choice == ("python", "JSON")
    python = runner.invoke(
        app, ["status", "-", "--as-of", AS_OF, "-f", "csv", "--engine", "python"], input=ORDERS
    )
    duck = runner.invoke(
        app, ["status", "-", "--as-of", AS_OF, "-f", "csv", "--engine", "duckdb"], input=ORDERS
    )
    assert (duck.exit_code, duck.stdout) == (python.exit_code, python.stdout) == (0, python.stdout)
    assert duckdb_engine.last_choice[0] == "python"


def test_a_store_name_folds_in_duckdb_as_in_python(tmp_path):
    """Python folds "Straße" to "strasse" (casefold), and so does the SQL (lower() would give
    "straße", and the store table would apply in one engine and not in the other)."""
    orders, disputes = write(tmp_path, ORDERS.replace("amazon", "Straße"))
    (tmp_path / "p.toml").write_text("[stores.strasse]\nhold_days = 40\n", encoding="utf-8")
    args = [
        "status",
        orders,
        "-d",
        disputes,
        "--as-of",
        AS_OF,
        "-f",
        "json",
        "--config",
        str(tmp_path / "p.toml"),
    ]
    found, choice = both(args)
    assert choice == ("duckdb", None)
    # A3 at Straße, ordered 2026-10-10, held the table's 40 days: confirmed on 2026-11-19
    assert found[0] == 0 and '"confirm_on": "2026-11-19"' in found[1]


# --- choosing the engine ---------------------------------------------------------------------


def test_auto_takes_duckdb_for_a_big_file_only(tmp_path, monkeypatch):
    orders, disputes = write(tmp_path)
    args = ["status", orders, "-d", disputes, "--as-of", AS_OF, "-f", "json"]
    small = runner.invoke(app, args)
    assert small.exit_code == 0 and duckdb_engine.last_choice == ("python", "a small file")
    monkeypatch.setattr(duckdb_engine, "BIG_FILE", 10)
    big = runner.invoke(app, args)
    assert duckdb_engine.last_choice == ("duckdb", None)
    assert big.stdout == small.stdout


def test_without_duckdb_auto_is_python_and_duckdb_a_usage_error(tmp_path, monkeypatch):
    orders, disputes = write(tmp_path)
    monkeypatch.setattr(duckdb_engine, "installed", lambda: False)
    monkeypatch.setattr(duckdb_engine, "BIG_FILE", 10)
    auto = runner.invoke(app, ["status", orders, "-d", disputes, "--as-of", AS_OF, "-f", "json"])
    assert auto.exit_code == 0 and duckdb_engine.last_choice == ("python", "duckdb is not installed")
    for command in (["status", orders], ["upcoming", orders], ["validate", orders]):
        result = runner.invoke(app, [*command, "--engine", "duckdb"])
        assert result.exit_code == 2 and result.stdout == ""
        assert "pip install 'cashback-cli[duckdb]'" in result.stderr


def test_an_unknown_engine_is_a_usage_error(tmp_path):
    orders, _disputes = write(tmp_path)
    assert runner.invoke(app, ["status", orders, "--engine", "spark"]).exit_code == 2
