"""Real-world inputs: every dialect of the same data gives the same figures; bad input never crashes."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from dialects import CSV_DIALECTS, DISPUTE_COLUMNS, ORDER_COLUMNS, json_document, json_lines
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cashback_cli.cli import app

AS_OF = "2026-11-24"
runner = CliRunner()

ORDERS = [
    {
        "order_id": "R1",
        "ordered_at": date(2026, 11, 20),
        "amount": Decimal("1234.56"),
        "currency": "RUB",
        "cashback_rate": Decimal("4.5"),
    },
    {
        "order_id": "R2",
        "ordered_at": date(2026, 10, 1),
        "amount": Decimal("250.00"),
        "currency": "USD",
        "cashback_rate": Decimal("4"),
    },
    {
        "order_id": "R3",
        "ordered_at": date(2026, 10, 10),
        "amount": Decimal("80.00"),
        "currency": "USD",
        "cashback_rate": Decimal("5"),
    },
    {
        "order_id": "R4",
        "ordered_at": date(2026, 10, 15),
        "amount": Decimal("12345.67"),
        "currency": "UAH",
        "cashback_rate": Decimal("7.25"),
    },
    {
        "order_id": "R5",
        "ordered_at": date(2026, 11, 1),
        "amount": Decimal("60.00"),
        "currency": "EUR",
        "cashback_rate": Decimal("10"),
    },
    {
        "order_id": "R6",
        "ordered_at": date(2026, 10, 5),
        "amount": Decimal("1200000"),
        "currency": "RUB",
        "cashback_rate": Decimal("1.5"),
    },
]
DISPUTES = [
    {
        "order_id": "R3",
        "opened_at": date(2026, 10, 15),
        "resolved_at": date(2026, 10, 25),
        "refund_amount": Decimal("80.00"),
    },
    {
        "order_id": "R4",
        "opened_at": date(2026, 10, 20),
        "resolved_at": date(2026, 11, 2),
        "refund_amount": Decimal("1000.10"),
    },
    {"order_id": "R5", "opened_at": date(2026, 11, 10), "resolved_at": None, "refund_amount": None},
    {
        "order_id": "R6",
        "opened_at": date(2026, 10, 10),
        "resolved_at": date(2026, 10, 22),
        "refund_amount": Decimal("0"),
    },
]


def _status_json(orders: Path, *args: str, stdin: bytes | None = None) -> dict:
    result = runner.invoke(
        app, ["status", str(orders), "--as-of", AS_OF, "--format", "json", *args], input=stdin
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _clean_report(tmp_path: Path, orders=ORDERS, disputes=DISPUTES) -> dict:
    clean = CSV_DIALECTS[0]
    o = _write(tmp_path / "clean-orders.csv", clean.write(orders, ORDER_COLUMNS))
    d = _write(tmp_path / "clean-disputes.csv", clean.write(disputes, DISPUTE_COLUMNS))
    return _status_json(o, "--disputes", str(d))


def _dialect_reports(tmp_path: Path, orders=ORDERS, disputes=DISPUTES):
    """(name, report) for the same data in every supported dialect."""
    for dialect in CSV_DIALECTS:
        o = _write(tmp_path / f"{dialect.name}-orders.csv", dialect.write(orders, ORDER_COLUMNS))
        d = _write(tmp_path / f"{dialect.name}-disputes.csv", dialect.write(disputes, DISPUTE_COLUMNS))
        yield dialect.name, _status_json(o, "--disputes", str(d), "--encoding", dialect.encoding)
    document = _write(tmp_path / "export.json", json_document(orders, disputes))
    yield "json", _status_json(document)
    lines = _write(tmp_path / "orders.jsonl", json_lines(orders))
    dispute_lines = _write(tmp_path / "disputes.jsonl", json_lines(disputes))
    yield "json-lines", _status_json(lines, "--disputes", str(dispute_lines))
    excel = CSV_DIALECTS[1]
    d = _write(tmp_path / "stdin-disputes.csv", excel.write(disputes, DISPUTE_COLUMNS))
    stdin_report = _status_json(Path("-"), "--disputes", str(d), stdin=excel.write(orders, ORDER_COLUMNS))
    yield "stdin", stdin_report
    yield "stdin-json", _status_json(Path("-"), stdin=json_document(orders, disputes))


def test_every_dialect_gives_the_figures_of_clean_csv(tmp_path):
    expected = _clean_report(tmp_path)
    assert len(expected["orders"]) == len(ORDERS)
    for name, report in _dialect_reports(tmp_path):
        assert report == expected, name


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), places=2)
rates = st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=2)
days = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 11, 24))


@st.composite
def order_sets(draw):
    count = draw(st.integers(min_value=1, max_value=5))
    orders, disputes = [], []
    for n in range(count):
        amount = draw(amounts)
        ordered_at = draw(days)
        orders.append(
            {
                "order_id": f"O{n}",
                "ordered_at": ordered_at,
                "amount": amount,
                "currency": draw(st.sampled_from(["USD", "RUB", "UAH", "EUR"])),
                "cashback_rate": draw(rates),
            }
        )
        if draw(st.booleans()):
            opened = ordered_at + timedelta(days=draw(st.integers(0, 30)))
            resolved = draw(st.none() | st.just(opened + timedelta(days=draw(st.integers(0, 30)))))
            refund = draw(st.none() | st.decimals(min_value=0, max_value=amount, places=2))
            disputes.append(
                {"order_id": f"O{n}", "opened_at": opened, "resolved_at": resolved, "refund_amount": refund}
            )
    return orders, disputes


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order_sets())
def test_property_any_orders_read_the_same_in_every_dialect(tmp_path, data):
    orders, disputes = data
    expected = _clean_report(tmp_path, orders, disputes)
    for name, report in _dialect_reports(tmp_path, orders, disputes):
        assert report == expected, name


# --- broken inputs ---------------------------------------------------------------------------

GOOD_ORDERS = "order_id,ordered_at,amount,cashback_rate\nA1,2026-11-01,100.00,5\n"
BROKEN = {
    "not-a-number.csv": ("order_id,ordered_at,amount\nA1,2026-11-01,lots\n", "not-a-number.csv:2", "amount"),
    "negative.csv": ("order_id,ordered_at,amount\nA1,2026-11-01,-5\n", "negative.csv:2", "amount"),
    "nan.csv": ("order_id,ordered_at,amount\nA1,2026-11-01,NaN\n", "nan.csv:2", "amount"),
    "infinity.csv": ("order_id,ordered_at,amount\nA1,2026-11-01,Infinity\n", "infinity.csv:2", "amount"),
    "exponent.csv": ("order_id,ordered_at,amount\nA1,2026-11-01,1e999999999\n", "exponent.csv:2", "amount"),
    "digits.csv": (
        "order_id,ordered_at,amount\nA1,2026-11-01," + "9" * 5000 + "\n",
        "digits.csv:2",
        "amount",
    ),
    "impossible-date.csv": (
        "order_id,ordered_at,amount\nA1,31.02.2026,5\n",
        "impossible-date.csv:2",
        "ordered_at",
    ),
    "rate.csv": (
        "order_id,ordered_at,amount,cashback_rate\nA1,2026-11-01,5,101\n",
        "rate.csv:2",
        "cashback_rate",
    ),
    "duplicate.csv": (GOOD_ORDERS + "A1,2026-11-02,7,5\n", "duplicate.csv:3", "order_id"),
    "missing-column.csv": ("order_id,when,amount\nA1,2026-11-01,5\n", "missing-column.csv:1", "'when'"),
    "empty.csv": ("", "empty.csv", "empty"),
    "truncated.json": (
        '[{"order_id": "A1", "ordered_at": "2026-11-01", "amount": 1',
        "truncated.json:1",
        "JSON",
    ),
    "shape.json": ('{"orders": {"A1": 5}}', "shape.json:1", "orders"),
    "nested.json": ("[" * 50000 + "]" * 50000, "nested.json", "nested"),
    "huge-field.csv": (
        'order_id,ordered_at,amount\nA1,2026-11-01,"' + "1" * 200000 + '"\n',
        "huge-field.csv:2",
        "CSV",
    ),
    "not-object.jsonl": (
        '{"order_id": "A1", "ordered_at": "2026-11-01", "amount": 5}\n[1, 2]\n',
        "not-object.jsonl:2",
        "object",
    ),
    "two-columns.csv": ("order_id,sum,amount\nA1,1,2\n", "two-columns.csv:1", "amount"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_input_exits_1_naming_file_line_and_field_and_is_left_unchanged(tmp_path, name):
    text, where, what = BROKEN[name]
    path = _write(tmp_path / name, text.encode())
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = runner.invoke(app, ["status", str(path), "--rate", "5", "--format", "json"])
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert where in result.stderr and what in result.stderr
    assert "Traceback" not in result.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_refund_above_the_amount_and_orphan_dispute_are_data_errors(tmp_path):
    orders = _write(tmp_path / "o.csv", GOOD_ORDERS.encode())
    disputes = _write(
        tmp_path / "d.csv",
        b"order_id,opened_at,resolved_at,refund_amount\nA1,2026-11-02,2026-11-03,150\nZZ,2026-11-02,,\n",
    )
    result = runner.invoke(app, ["status", str(orders), "-d", str(disputes), "--as-of", AS_OF])
    assert result.exit_code == 1
    assert "d.csv:2: refund_amount" in result.stderr  # the refund's own line, not the order's
    assert "d.csv:3: order_id: got 'ZZ'" in result.stderr


def test_windows_1251_file_is_refused_with_the_option_to_use_then_read_with_it(tmp_path):
    path = _write(
        tmp_path / "ru.csv", "Номер заказа;Дата заказа;Сумма\nA1;01.11.2026;1 000,50\n".encode("cp1251")
    )
    refused = runner.invoke(app, ["status", str(path), "--rate", "5"])
    assert refused.exit_code == 1 and "--encoding cp1251" in refused.stderr
    read = runner.invoke(
        app, ["status", str(path), "--rate", "5", "--encoding", "cp1251", "-f", "json", "--as-of", AS_OF]
    )
    assert json.loads(read.stdout)["orders"][0]["amount"] == "1000.50"


def test_missing_file_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["status", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2 and "nope.csv" in result.stderr


def test_map_reads_a_field_from_any_header(tmp_path):
    path = _write(tmp_path / "o.csv", b"id,when,Total paid,pct\nA1,2026-11-01,100,5\n")
    result = runner.invoke(
        app,
        [
            "status",
            str(path),
            "--as-of",
            AS_OF,
            "-f",
            "json",
            "--map",
            "order_id=id",
            "--map",
            "ordered_at=when",
            "--map",
            "amount=Total paid",
            "--map",
            "cashback_rate=PCT",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["orders"][0]["cashback"] == "5.00"


def test_headers_are_matched_whole_never_as_substrings(tmp_path):
    path = _write(tmp_path / "o.csv", "номер заказа,дата заказа,сумма кэшбэка\nA1,01.11.2026,5\n".encode())
    result = runner.invoke(app, ["status", str(path), "--rate", "5"])
    assert result.exit_code == 1 and "amount" in result.stderr


def test_slashed_dates_need_dayfirst_or_monthfirst_when_ambiguous(tmp_path):
    path = _write(tmp_path / "o.csv", b"order_id,ordered_at,amount,cashback_rate\nA1,05/11/2026,100,5\n")
    assert runner.invoke(app, ["status", str(path)]).exit_code == 1
    day = runner.invoke(app, ["status", str(path), "--dayfirst", "-f", "json", "--as-of", AS_OF])
    month = runner.invoke(app, ["status", str(path), "--monthfirst", "-f", "json", "--as-of", AS_OF])
    assert json.loads(day.stdout)["orders"][0]["ordered_at"] == "2026-11-05"
    assert json.loads(month.stdout)["orders"][0]["ordered_at"] == "2026-05-11"


# --- validate, skip-invalid, output ------------------------------------------------------------


def test_validate_says_ok_on_the_examples():
    result = runner.invoke(app, ["validate", "examples/orders.csv", "--disputes", "examples/disputes.csv"])
    assert result.exit_code == 0
    assert result.stdout.strip() == "ok, 12 orders, 7 disputes"


def test_validate_lists_every_problem_not_just_the_first(tmp_path):
    path = _write(
        tmp_path / "o.csv",
        b"order_id,ordered_at,amount,cashback_rate\nA1,2026-11-01,x,5\nA2,nope,5,5\nA3,2026-11-01,5,500\n",
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    for expected in ("o.csv:2: amount", "o.csv:3: ordered_at", "o.csv:4: cashback_rate"):
        assert expected in result.stderr


def test_skip_invalid_reports_valid_rows_and_marks_the_report_partial(tmp_path):
    path = _write(
        tmp_path / "o.csv",
        b"order_id,ordered_at,amount,cashback_rate\nA1,2026-11-01,100,5\nA2,2026-11-01,x,5\n",
    )
    result = runner.invoke(app, ["status", str(path), "--skip-invalid", "-f", "json", "--as-of", AS_OF])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert [o["order_id"] for o in report["orders"]] == ["A1"] and report["partial"] is True
    assert "o.csv:3: amount" in result.stderr


def test_csv_output_neutralises_formulas(tmp_path):
    path = _write(
        tmp_path / "o.csv",
        b'order_id,ordered_at,amount,cashback_rate\n"=HYPERLINK(""x"")",2026-11-01,100,5\n@A2,2026-11-01,100,5\n',
    )
    result = runner.invoke(app, ["status", str(path), "-f", "csv", "--as-of", AS_OF])
    rows = result.stdout.splitlines()[1:]
    assert rows[0].startswith("\"'=HYPERLINK") and rows[1].startswith("'@A2")


def test_output_is_written_whole_and_never_over_an_input(tmp_path):
    orders = _write(tmp_path / "o.csv", GOOD_ORDERS.encode())
    target = tmp_path / "report.json"
    ok = runner.invoke(app, ["status", str(orders), "-f", "json", "-o", str(target), "--as-of", AS_OF])
    assert ok.exit_code == 0 and json.loads(target.read_text())["orders"][0]["order_id"] == "A1"
    before = target.read_bytes()
    broken = _write(tmp_path / "bad.csv", b"order_id,ordered_at,amount\nA1,2026-11-01,x\n")
    failed = runner.invoke(app, ["status", str(broken), "-f", "json", "-o", str(target)])
    assert failed.exit_code == 1 and target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".cashback-")] == []
    refused = runner.invoke(app, ["status", str(orders), "-o", str(orders)])
    assert refused.exit_code == 2 and orders.read_text() == GOOD_ORDERS


# --- fuzz ---------------------------------------------------------------------------------------


def _no_crash(result) -> None:
    assert result.exit_code in (0, 1), (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000))
def test_fuzz_random_bytes_exit_0_or_1_without_traceback(tmp_path, data):
    path = _write(tmp_path / "fuzz.dat", data)
    _no_crash(runner.invoke(app, ["status", str(path), "--rate", "5", "-f", "json"]))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_fuzz_mutated_exports_exit_0_or_1_without_traceback(tmp_path, data):
    source = data.draw(
        st.sampled_from(
            [
                Path("examples/orders.csv").read_bytes(),
                Path("examples/orders.json").read_bytes(),
                CSV_DIALECTS[2].write(ORDERS, ORDER_COLUMNS),
            ]
        )
    )
    mutated = bytearray(source)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(mutated) - 1))
        action = data.draw(st.sampled_from(["flip", "delete", "insert"]))
        if action == "flip":
            mutated[position] = data.draw(st.integers(0, 255))
        elif action == "delete":
            del mutated[position]
        else:
            mutated.insert(position, data.draw(st.sampled_from(b'",;\n{}[]-.0e\xff')))
    path = _write(tmp_path / "mutated.dat", bytes(mutated))
    _no_crash(runner.invoke(app, ["status", str(path), "--rate", "5", "-f", "json", "--as-of", AS_OF]))


def test_disputes_written_inside_their_order_in_json_are_read(tmp_path):
    document = _write(
        tmp_path / "nested.json",
        b"""[
 {"order_id": "N1", "ordered_at": "2026-10-01", "amount": 100, "cashback_rate": 5,
  "disputes": [{"opened_at": "2026-10-05", "resolved_at": "2026-10-10", "refund_amount": 40}]}
]""",
    )
    report = _status_json(document)
    assert report["orders"][0]["refunded"] == "40.00" and report["orders"][0]["cashback"] == "3.00"


def test_utf16_unicode_text_from_excel_is_read_by_its_byte_order_mark(tmp_path):
    text = "Номер заказа\tДата заказа\tСумма\tСтавка\r\nU1\t01.10.2026\t1 000,50\t5\r\n"
    path = _write(tmp_path / "unicode.txt", text.encode("utf-16"))
    assert _status_json(path)["orders"][0]["amount"] == "1000.50"


def test_disputes_on_stdin_are_read_whatever_the_number_of_workers(tmp_path):
    orders = _write(tmp_path / "o.csv", GOOD_ORDERS.encode())
    disputes = b"order_id,opened_at,resolved_at,refund_amount\nA1,2026-11-02,2026-11-03,100\n"
    args = ["status", str(orders), "-d", "-", "--as-of", AS_OF, "--summary", "-f", "json"]
    for jobs in ("1", "2"):
        totals = json.loads(runner.invoke(app, [*args, "--jobs", jobs], input=disputes).stdout)["totals"]
        assert totals["USD"]["cancelled"] == "5.00", jobs


def test_a_json_document_on_stdin_with_disputes_dash_counts_each_dispute_once(tmp_path):
    document = json_document(ORDERS, DISPUTES)
    once = _status_json(Path("-"), stdin=document)
    assert _status_json(Path("-"), "--disputes", "-", stdin=document) == once


def test_output_never_replaces_an_input_through_a_link_or_the_policy_file(tmp_path):
    orders = _write(tmp_path / "o.csv", GOOD_ORDERS.encode())
    (tmp_path / "link.csv").symlink_to(orders)
    refused = runner.invoke(app, ["status", str(tmp_path / "link.csv"), "-o", str(orders)])
    assert refused.exit_code == 2 and orders.read_text() == GOOD_ORDERS
    policy = _write(tmp_path / "policy.toml", b"[defaults]\nhold_days = 10\n")
    refused = runner.invoke(app, ["status", str(orders), "--config", str(policy), "-o", str(policy)])
    assert refused.exit_code == 2 and policy.read_text() == "[defaults]\nhold_days = 10\n"


def test_output_to_a_directory_or_an_unknown_encoding_is_a_usage_error(tmp_path):
    orders = _write(tmp_path / "o.csv", GOOD_ORDERS.encode())
    for args in (["-o", str(tmp_path)], ["--encoding", "rot13"], ["--encoding", "no-such-codec"]):
        result = runner.invoke(app, ["status", str(orders), "--as-of", AS_OF, *args])
        assert result.exit_code == 2, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit)


# --- each input read once -----------------------------------------------------------------------


def test_stdin_for_both_orders_and_disputes_is_a_usage_error_for_csv(tmp_path):
    """Standard input is read once: `status - -d -` used to find no disputes and exit 0."""
    orders = b"order_id,ordered_at,amount,cashback_rate\nA1,2026-10-01,100,5\n"
    result = runner.invoke(app, ["status", "-", "-d", "-", "--as-of", AS_OF], input=orders)
    assert result.exit_code == 2 and result.stdout == ""
    assert "standard input (-) is read once" in result.stderr


@pytest.mark.parametrize("command", [["status"], ["upcoming"], ["validate"]])
def test_stdin_given_twice_for_disputes_is_a_usage_error(tmp_path, command):
    orders = _write(tmp_path / "o.csv", GOOD_ORDERS.encode())
    disputes = b"order_id,opened_at,resolved_at,refund_amount\nA1,2026-11-02,2026-11-03,100\n"
    result = runner.invoke(app, [*command, str(orders), "-d", "-", "-d", "-"], input=disputes)
    assert result.exit_code == 2, result.output


def test_stdin_holding_one_json_document_serves_orders_and_disputes(tmp_path):
    """The one exception: a JSON document with both lists, read once (A1 refunded in full)."""
    document = json.dumps(
        {
            "orders": [{"order_id": "A1", "ordered_at": "2026-10-01", "amount": "100", "cashback_rate": "5"}],
            "disputes": [
                {
                    "order_id": "A1",
                    "opened_at": "2026-10-05",
                    "resolved_at": "2026-10-06",
                    "refund_amount": "100",
                }
            ],
        }
    ).encode()
    report = _status_json(Path("-"), "--disputes", "-", stdin=document)
    assert report["totals"]["USD"] == {
        "orders": 1,
        "pending": "0.00",
        "confirmed": "0.00",
        "cancelled": "5.00",
    }


def test_one_csv_file_given_for_orders_and_disputes_is_a_usage_error(tmp_path):
    """It used to be skipped as a disputes file without a word: no disputes, exit 0."""
    orders = _write(tmp_path / "o.csv", GOOD_ORDERS.encode())
    result = runner.invoke(app, ["status", str(orders), "-d", str(orders), "--as-of", AS_OF])
    assert result.exit_code == 2 and "given for both the orders and the disputes" in result.stderr


# --- two-digit years ----------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["05/11/26", "05-11-2026", "05-11-26", "5/11/26 10:00"])
def test_two_digit_years_and_dashed_dates_follow_the_ambiguity_rule(tmp_path, written):
    """`05/11/26` was read as 2026-05-11 without a word, while `05/11/2026` was refused."""
    path = _write(
        tmp_path / "o.csv", f"order_id,ordered_at,amount,cashback_rate\nA1,{written},100,5\n".encode()
    )
    refused = runner.invoke(app, ["status", str(path), "--as-of", AS_OF])
    assert refused.exit_code == 1 and "--dayfirst" in refused.stderr
    assert _status_json(path, "--dayfirst")["orders"][0]["ordered_at"] == "2026-11-05"
    assert _status_json(path, "--monthfirst")["orders"][0]["ordered_at"] == "2026-05-11"


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("24/11/26", "2026-11-24"),  # 24 cannot be a month: day first, year 20YY
        ("11/24/26", "2026-11-24"),
        ("24.11.26", "2026-11-24"),  # dotted dates are day first, always
        ("01.02.26", "2026-02-01"),
        ("24-11-2026", "2026-11-24"),
        ("20261124", "2026-11-24"),
        ("2026-5-1", "2026-05-01"),
    ],
)
def test_dates_read_without_a_guess(tmp_path, written, day):
    path = _write(
        tmp_path / "o.csv", f"order_id,ordered_at,amount,cashback_rate\nA1,{written},100,5\n".encode()
    )
    assert _status_json(path)["orders"][0]["ordered_at"] == day


@pytest.mark.parametrize("written", ["1/2/3", "5 11", "2026 11"])
def test_numbers_in_no_known_date_order_are_refused_not_guessed(tmp_path, written):
    path = _write(
        tmp_path / "o.csv", f"order_id,ordered_at,amount,cashback_rate\nA1,{written},100,5\n".encode()
    )
    result = runner.invoke(app, ["status", str(path), "--as-of", AS_OF])
    assert result.exit_code == 1 and "o.csv:2: ordered_at" in result.stderr
