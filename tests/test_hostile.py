"""Hostile inputs: nothing lost, nothing silent, nothing overwritten.

Each test names the trap it springs. Small files are written here; big ones are made at run
time in a temporary folder, bounded in size, and every run in a real process has a timeout.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DISPUTES_CSV, EXAMPLES_AS_OF, ORDERS_CSV

EXECUTABLE = shutil.which("cashback", path=os.path.dirname(sys.executable)) or shutil.which("cashback")


def run(*args: str, stdin=None, timeout: float = 20, cwd=None, env=None) -> subprocess.CompletedProcess:
    """The installed command in a real process, with `stdin` (a path or an open file) as its
    standard input; never a traceback, never exit 70."""
    handle = open(stdin, "rb") if isinstance(stdin, str | Path) else stdin
    try:
        process = subprocess.run(
            [EXECUTABLE, *args],
            stdin=handle if handle is not None else subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            cwd=cwd,
            env={**os.environ, "NO_COLOR": "1", **(env or {})},
        )
    finally:
        if isinstance(stdin, str | Path):
            handle.close()
    text = process.stderr.decode("utf-8", "replace")
    assert "Traceback" not in text and process.returncode != 70, text
    return process


def stderr(process: subprocess.CompletedProcess) -> str:
    return process.stderr.decode("utf-8", "replace")


# --- outputs never touch inputs ------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["/dev/stdin", "/proc/self/fd/0", "/dev/fd/0"])
def test_output_onto_standard_input_is_refused_and_the_file_kept(tmp_path, spelling):
    orders = tmp_path / "orders.csv"
    shutil.copy(ORDERS_CSV, orders)
    before = orders.read_bytes()
    process = run("status", "-", "--as-of", EXAMPLES_AS_OF, "--format", "json", "-o", spelling, stdin=orders)
    assert process.returncode == 2
    assert "is one of the input files" in stderr(process)
    assert orders.read_bytes() == before


def test_output_onto_a_piped_standard_input_is_refused(tmp_path):
    feed = subprocess.Popen(["cat", str(ORDERS_CSV)], stdout=subprocess.PIPE)
    try:
        process = run("status", "-", "--as-of", EXAMPLES_AS_OF, "-o", "/dev/stdin", stdin=feed.stdout)
    finally:
        feed.stdout.close()
        feed.wait()
    assert process.returncode == 2
    assert "is one of the input files" in stderr(process)


def test_output_through_a_hard_link_to_the_disputes_is_refused(tmp_path):
    disputes = tmp_path / "disputes.csv"
    shutil.copy(DISPUTES_CSV, disputes)
    os.link(disputes, tmp_path / "report.csv")
    before = disputes.read_bytes()
    process = run(
        "status", str(ORDERS_CSV), "-d", str(disputes), "--format", "csv", "-o", str(tmp_path / "report.csv")
    )
    assert process.returncode == 2
    assert disputes.read_bytes() == before


def test_output_onto_the_policy_file_through_a_symlink_is_refused(tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text("[stores.amazon]\nhold_days = 30\n")
    (tmp_path / "out.json").symlink_to(policy)
    process = run(
        "status",
        str(ORDERS_CSV),
        "--config",
        str(policy),
        "--format",
        "json",
        "-o",
        str(tmp_path / "out.json"),
    )
    assert process.returncode == 2
    assert policy.read_text() == "[stores.amazon]\nhold_days = 30\n"


@pytest.mark.parametrize("spelling", ["/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"])
def test_standard_input_named_twice_is_read_twice(spelling):
    process = run("status", "-", "-d", spelling, "--format", "json", stdin=ORDERS_CSV)
    assert process.returncode == 2
    assert "standard input (-) is read once" in stderr(process)


def test_standard_input_named_as_orders_and_dash_as_disputes_is_read_twice():
    process = run("status", "/dev/stdin", "-d", "-", "--format", "json", stdin=DISPUTES_CSV)
    assert process.returncode == 2
    assert "standard input (-) is read once" in stderr(process)


# --- exit codes: a user's mistake is never an internal error --------------------------------

DEEP_TOML = {
    "an array": "[defaults]\nrate = " + "[" * 900 + "]" * 900 + "\n",
    "inline tables": "a = " + "{b = " * 900 + "1" + "}" * 900 + "\n",
    "a dotted table header": "[stores.x." + ".".join(["a"] * 5000) + "]\n",
}


@pytest.mark.parametrize("shape", list(DEEP_TOML))
@pytest.mark.parametrize(
    "how",
    ["--config", "CASHBACK_CONFIG", "config show", "sql"],
)
def test_a_policy_file_nested_deep_is_a_data_error_naming_the_file(tmp_path, shape, how):
    policy = tmp_path / "deep.toml"
    policy.write_text(DEEP_TOML[shape])
    if how == "--config":
        process = run("status", str(ORDERS_CSV), "--config", str(policy), "--format", "json")
    elif how == "CASHBACK_CONFIG":
        process = run("status", str(ORDERS_CSV), "--format", "json", env={"CASHBACK_CONFIG": str(policy)})
    elif how == "config show":
        process = run("config", "show", "--config", str(policy))
    else:
        process = run("sql", "--dialect", "duckdb", "--config", str(policy))
    assert process.returncode == 1
    assert f"problems in the policy file {policy}" in stderr(process)


@pytest.mark.parametrize("shape", list(DEEP_TOML))
def test_a_profile_nested_deep_is_a_usage_error_naming_the_file(tmp_path, shape):
    profile = tmp_path / "deep.toml"
    profile.write_text(DEEP_TOML[shape])
    process = run("status", str(ORDERS_CSV), "--profile", str(profile), env={"COLUMNS": "1000"})
    assert process.returncode == 2
    assert "deep.toml" in stderr(process)


@pytest.mark.parametrize("value", ["5", "true", "{a = 1}", "2026-01-01"])
def test_a_profile_whose_field_is_not_text_names_the_key(tmp_path, value):
    profile = tmp_path / "mine.toml"
    profile.write_text(f'[fields]\norder_id = {value}\nordered_at = "date"\namount = "sum"\n')
    process = run("status", str(ORDERS_CSV), "--profile", str(profile), env={"COLUMNS": "1000"})
    assert process.returncode == 2
    assert "fields.order_id: expected the network's key as text" in stderr(process)


def test_two_store_tables_that_fold_alike_are_refused_naming_both(tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text(
        '[stores.Amazon]\nhold_days = 3\n[stores.amazon]\nhold_days = 4\n[stores."straße"]\nrate = 1\n[stores.STRASSE]\nrate = 2\n'
    )
    process = run("config", "show", "--config", str(policy))
    assert process.returncode == 1
    text = stderr(process)
    assert "[stores.amazon]" in text and "[stores.Amazon] names the same store" in text
    assert "[stores.STRASSE]" in text and "[stores.straße] names the same store" in text


# --- workbooks that lie about their size, and bombs ------------------------------------------

openpyxl = pytest.importorskip("openpyxl")
CONTENT_OVERRIDE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
STRINGS_RELATION = (
    b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)


def workbook(path: Path, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def rewritten(path: Path, edit, extra=None) -> Path:
    """The workbook at `path` with each part's bytes passed through `edit(name, data)`, and
    `extra(archive)` writing more parts, as another tool might have saved it."""
    import zipfile

    source = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info, edit(info.filename, old.read(info)))
        if extra is not None:
            extra(new)
    return path


def test_a_workbook_whose_dimension_understates_the_sheet_loses_no_row_and_no_column(tmp_path):
    path = workbook(
        tmp_path / "appended.xlsx",
        [
            ["order_id", "ordered_at", "amount", "cashback_rate", "currency"],
            ["W1", "2026-10-01", 100, 5, "EUR"],
            ["W2", "2026-10-02", 200, 5, "EUR"],
        ],
    )
    # as a tool that appends rows leaves it: the dimension still says one row of two columns
    rewritten(
        path, lambda name, data: data.replace(b'<dimension ref="A1:E3" />', b'<dimension ref="A1:B1" />')
    )
    assert b'ref="A1:B1"' in __import__("zipfile").ZipFile(path).read("xl/worksheets/sheet1.xml")
    process = run("status", str(path), "--as-of", EXAMPLES_AS_OF, "--format", "json")
    assert process.returncode == 0, stderr(process)
    report = json.loads(process.stdout)
    # 100 × 5 % = 5.00 EUR and 200 × 5 % = 10.00 EUR: both orders, in euros (not "USD assumed")
    assert [(o["order_id"], o["currency"], o["cashback"]) for o in report["orders"]] == [
        ("W1", "EUR", "5.00"),
        ("W2", "EUR", "10.00"),
    ]
    assert "USD" not in stderr(process)


def _with_strings(path: Path, write_strings) -> Path:
    def edit(name, data):
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", CONTENT_OVERRIDE)
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", STRINGS_RELATION)
        return data

    def extra(archive):
        with archive.open("xl/sharedStrings.xml", "w") as table:
            table.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            write_strings(table)
            table.write(b"</sst>")

    return rewritten(path, edit, extra)


def _plain_book(tmp_path: Path) -> Path:
    return workbook(tmp_path / "book.xlsx", [["order_id", "ordered_at", "amount"], ["B1", "2026-10-01", 100]])


def _timed(*args: str) -> tuple[subprocess.CompletedProcess, float]:
    start = time.monotonic()
    process = run(*args)
    return process, time.monotonic() - start


def test_one_huge_shared_string_is_refused_before_it_is_read(tmp_path):
    # 100 MiB of one string, packed into a workbook of about 100 KiB
    def one_string(table):
        table.write(b"<si><t>")
        for _ in range(100):
            table.write(b"A" * (1 << 20))
        table.write(b"</t></si>")

    path = _with_strings(_plain_book(tmp_path), one_string)
    assert path.stat().st_size < 1 << 20
    process, seconds = _timed("status", str(path), "--rate", "5", "--format", "json")
    assert process.returncode == 1
    assert "a table of shared strings of at most 64 MiB; this workbook's is 101 MiB" in stderr(process)
    assert seconds < 10


def test_too_many_shared_strings_are_refused_before_they_are_read(tmp_path):
    def many(table):
        for start in range(0, 1_100_000, 100_000):
            table.write(b"".join(b"<si><t>%x</t></si>" % i for i in range(start, start + 100_000)))

    path = _with_strings(_plain_book(tmp_path), many)
    process, seconds = _timed("status", str(path), "--rate", "5", "--format", "json")
    assert process.returncode == 1
    assert "at most 1,000,000 shared strings in a workbook" in stderr(process)
    assert seconds < 10


def test_a_sheet_that_unpacks_a_thousand_times_its_size_is_refused_as_a_bomb(tmp_path):
    def padded(name, data):
        if name == "xl/worksheets/sheet1.xml":  # 8 MiB of spaces inside the sheet's XML
            return data.replace(b"<sheetData>", b"<sheetData>" + b" " * (8 << 20))
        return data

    path = rewritten(_plain_book(tmp_path), padded)
    process, seconds = _timed("status", str(path), "--rate", "5", "--format", "json")
    assert process.returncode == 1
    assert "a ZIP bomb?" in stderr(process) and "xl/worksheets/sheet1.xml unpacks 8 MiB" in stderr(process)
    assert seconds < 10


def test_a_workbook_that_unpacks_past_the_limit_is_refused(tmp_path, monkeypatch):
    from cashback_cli.inputs import xlsx

    monkeypatch.setattr(xlsx, "MAX_UNPACKED", 1 << 20)  # the real 1 GiB, made small: same check
    path = workbook(
        tmp_path / "big.xlsx",
        [["order_id", "ordered_at", "amount"], *([f"B{i}", "2026-10-01", 100] for i in range(30_000))],
    )
    problems = list(xlsx.xlsx_rows(str(path), open(path, "rb"), "orders", None, None))
    assert len(problems) == 1
    assert "at most 1 MiB once unpacked; this workbook unpacks to" in problems[0].expected


# --- lines without end, and streams -----------------------------------------------------------

HEADER = "order_id,ordered_at,amount,cashback_rate,currency\n"


def _orders_with_long_line(path: Path, length: int, last: bool, rows: int = 10) -> Path:
    """`rows` plain orders and one whose title is `length` characters, last or in the middle."""
    plain = [f"A{i},2026-10-01,100.00,5,USD,\n" for i in range(rows)]
    long_row = "L1,2026-10-01,100.00,5,USD," + "x" * length + "\n"
    with open(path, "w") as out:
        out.write(HEADER.rstrip("\n") + ",title\n")
        out.writelines(plain[: rows // 2])
        if not last:
            out.write(long_row)
        out.writelines(plain[rows // 2 :])
        if last:
            out.write(long_row.rstrip("\n"))
    return path


duckdb_installed = pytest.mark.skipif(
    __import__("importlib").util.find_spec("duckdb") is None, reason="DuckDB engine not installed"
)


LONG_CELLS = {
    # 600 KiB in one cell: past Python's field limit of 128 KiB
    "past the field limit": (600 << 10, 10, "field larger than field limit (131072)"),
    # 33 MiB in one cell: past the line limit, read no further than it; the file is past 8 MB,
    # where `auto` takes DuckDB, whose reader skipped a line of 32 MiB or more without a word
    "past the line limit": (33 << 20, 10, "lines of at most 1,048,576 characters"),
}


@pytest.mark.parametrize("engine", ["python", pytest.param("duckdb", marks=duckdb_installed), "auto"])
@pytest.mark.parametrize("where", ["last", "middle"])
@pytest.mark.parametrize("mode", [[], ["--summary", "--format", "json"], ["--format", "csv"]])
@pytest.mark.parametrize("cell", list(LONG_CELLS))
def test_a_long_line_is_a_data_error_in_every_engine(tmp_path, engine, where, mode, cell):
    length, rows, message = LONG_CELLS[cell]
    path = _orders_with_long_line(tmp_path / "orders.csv", length, where == "last", rows)
    process = run("status", str(path), "--engine", engine, "--as-of", EXAMPLES_AS_OF, *mode)
    assert process.returncode == 1, stderr(process)
    line = rows + 2 if where == "last" else rows // 2 + 2
    assert f"orders.csv:{line}: " in stderr(process) and message in stderr(process)
    assert process.stdout == b""


@pytest.mark.parametrize("engine", ["python", pytest.param("duckdb", marks=duckdb_installed)])
def test_validate_names_a_line_past_the_field_limit(tmp_path, engine):
    path = _orders_with_long_line(tmp_path / "orders.csv", 600 << 10, True)
    process = run("validate", str(path), "--engine", engine)
    assert process.returncode == 1
    assert "orders.csv:12: " in stderr(process)


def test_a_line_without_end_stops_at_the_line_limit_in_bounded_time(tmp_path):
    path = tmp_path / "one-line.csv"
    with open(path, "wb") as out:  # 64 MiB, no line break
        chunk = b"7" * (1 << 20)
        for _ in range(64):
            out.write(chunk)
    process, seconds = _timed("status", str(path), "--format", "json")
    assert process.returncode == 1
    assert "one-line.csv:1: lines of at most 1,048,576 characters" in stderr(process)
    assert seconds < 5


@pytest.mark.parametrize("how", ["path", "stdin"])
def test_dev_zero_as_orders_stops_at_the_line_limit(how):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    if how == "path":
        process = run("status", "/dev/zero", "--format", "json", timeout=15)
    else:
        process = run("status", "-", "--format", "json", stdin="/dev/zero", timeout=15)
    assert process.returncode == 1
    assert "lines of at most 1,048,576 characters" in stderr(process)


def test_a_json_document_without_end_stops_at_the_document_limit(tmp_path):
    feed = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\nsys.stdout.write('[')\nwhile True: sys.stdout.write('{\"order_id\": 1},' * 1000)",
        ],
        stdout=subprocess.PIPE,
    )
    try:
        process, seconds = _timed_stdin(feed.stdout, "status", "-", "--format", "json")
    finally:
        feed.kill()
        feed.wait()
    assert process.returncode == 1
    assert "<stdin>: a JSON document of at most 256 MiB" in stderr(process)
    assert seconds < 15


def _timed_stdin(stdin, *args: str) -> tuple[subprocess.CompletedProcess, float]:
    start = time.monotonic()
    process = run(*args, stdin=stdin)
    return process, time.monotonic() - start


@pytest.fixture
def fifo(tmp_path):
    """A named pipe fed with a file's bytes once, by a writer that then goes away."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    writers = []

    def make(name: str, source: Path) -> str:
        path = tmp_path / name
        os.mkfifo(path)
        writers.append(subprocess.Popen(["sh", "-c", f'cat "{source}" > "{path}"']))
        return str(path)

    yield make
    for writer in writers:
        writer.kill()
        writer.wait()


@pytest.mark.parametrize(
    "mode",
    [[], ["--summary"], ["--summary", "--format", "json"], ["--format", "json"], ["--format", "csv"]],
)
def test_fifos_as_orders_and_disputes_read_once_give_the_files_report(tmp_path, fifo, mode):
    expected = run("status", str(ORDERS_CSV), "-d", str(DISPUTES_CSV), "--as-of", EXAMPLES_AS_OF, *mode)
    process = run(
        "status",
        fifo("orders", ORDERS_CSV),
        "-d",
        fifo("disputes", DISPUTES_CSV),
        "--as-of",
        EXAMPLES_AS_OF,
        *mode,
        timeout=20,
    )
    assert process.returncode == 0, stderr(process)
    assert process.stdout == expected.stdout


def test_a_workbook_through_a_fifo_is_read(fifo):
    from conftest import EXAMPLES

    expected = run("status", str(EXAMPLES / "orders.xlsx"), "--as-of", EXAMPLES_AS_OF, "--format", "json")
    process = run(
        "status", fifo("book", EXAMPLES / "orders.xlsx"), "--as-of", EXAMPLES_AS_OF, "--format", "json"
    )
    assert process.returncode == 0, stderr(process)
    assert process.stdout == expected.stdout


# --- a full disk, an interrupted run -------------------------------------------------------

needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")


@needs_dev_full
@pytest.mark.parametrize(
    "args",
    [
        ["status", str(ORDERS_CSV), "--as-of", EXAMPLES_AS_OF],
        ["status", str(ORDERS_CSV), "--as-of", EXAMPLES_AS_OF, "--summary"],
        ["status", str(ORDERS_CSV), "--as-of", EXAMPLES_AS_OF, "--format", "json"],
        ["validate", str(ORDERS_CSV)],
        ["upcoming", str(ORDERS_CSV), "--as-of", EXAMPLES_AS_OF],
        ["sql", "--dialect", "postgres"],
        ["profiles"],
    ],
    ids=lambda args: " ".join(args[:1] + args[4:]),
)
def test_a_report_written_to_dev_full_is_exit_2_naming_standard_output(args):
    with open("/dev/full", "wb") as full:
        process = subprocess.run([EXECUTABLE, *args], stdout=full, stderr=subprocess.PIPE, timeout=20)
    assert process.returncode == 2, process.stderr
    assert process.stderr.decode().endswith(
        "cashback: no space left on standard output; nothing was left half-written\n"
    )


@needs_dev_full
def test_output_to_dev_full_is_exit_2_naming_it():
    process = run("status", str(ORDERS_CSV), "--format", "json", "-o", "/dev/full")
    assert process.returncode == 2
    assert "no space left on /dev/full" in stderr(process)


def _limited_file_size(limit: int):
    """For a child: files can grow to `limit` bytes, past which a write fails as on a full disk."""
    import resource

    def limit_it() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_it


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE as a full disk: Linux")
@pytest.mark.parametrize("engine", ["python", pytest.param("duckdb", marks=duckdb_installed)])
def test_a_full_temporary_folder_is_exit_2_and_leaves_nothing_behind(tmp_path, engine):
    orders = tmp_path / "orders.csv"
    with open(orders, "w") as out:  # 60,000 orders: a JSON report of about 15 MB
        out.write(HEADER)
        out.writelines(f"F{i},2026-10-01,100.00,5,USD\n" for i in range(60_000))
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    process = subprocess.run(
        [
            EXECUTABLE,
            "status",
            str(orders),
            "--engine",
            engine,
            "--as-of",
            EXAMPLES_AS_OF,
            "--format",
            "json",
        ],
        capture_output=True,
        timeout=30,
        env={**os.environ, "TMPDIR": str(temporary)},
        preexec_fn=_limited_file_size(4 << 20),
    )
    text = process.stderr.decode()
    assert process.returncode == 2, text
    assert f"no space left on the temporary folder {temporary} (TMPDIR)" in text
    assert process.stdout == b""
    assert list(temporary.iterdir()) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@duckdb_installed
@pytest.mark.parametrize("signum, code", [(2, 130), (15, 143)], ids=["SIGINT", "SIGTERM"])
def test_the_duckdb_engine_interrupted_ends_as_the_python_engines_do(tmp_path, signum, code):
    orders = tmp_path / "orders.csv"
    with open(orders, "w") as out:  # enough orders for DuckDB to be busy for a while
        out.write(HEADER)
        for start in range(0, 1_500_000, 100_000):
            out.write("".join(f"S{i},2026-10-01,100.00,5,USD\n" for i in range(start, start + 100_000)))
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    process = subprocess.Popen(
        [EXECUTABLE, "status", str(orders), "--engine", "duckdb", "--summary", "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(temporary)},
    )
    try:
        deadline = time.monotonic() + 15
        while not any(temporary.iterdir()) and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.01)  # DuckDB's folder appears: the engine is at work
        time.sleep(0.2)
        process.send_signal(signum)
        out, err = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == code, err.decode()
    assert "internal error" not in err.decode() and out == b""
    assert list(temporary.iterdir()) == []


def test_a_parquet_file_through_a_fifo_is_refused_not_waited_for(tmp_path, fifo):
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "orders.parquet"
    duckdb.sql(
        "COPY (SELECT 'P1' AS order_id, DATE '2026-10-01' AS ordered_at, 100.00::DECIMAL(10, 2) AS amount) "
        f"TO '{path}' (FORMAT parquet)"
    )
    process = run("status", fifo("pipe", path), "--rate", "5", "--format", "json", timeout=20)
    assert process.returncode == 1
    assert "a Parquet file as a file of its own, not on standard input or through a pipe" in stderr(process)


def test_the_lean_report_to_a_file_waits_in_that_files_folder_not_in_tmpdir(tmp_path, monkeypatch):
    """A report to -o FILE needs no room in the temporary folder: the lean engine's lines wait
    in FILE's folder, beside the report being written."""
    import tempfile

    from typer.testing import CliRunner

    import cashback_cli.run.lean as lean
    from cashback_cli.cli import app

    folders = []
    real = tempfile.TemporaryDirectory

    def noted(*args, **kwargs):
        folders.append(kwargs.get("dir"))
        return real(*args, **kwargs)

    monkeypatch.setattr(lean.tempfile, "TemporaryDirectory", noted)
    orders = tmp_path / "orders.csv"
    orders.write_text(HEADER + "L1,2026-10-01,100.00,5,USD\n")  # a plain export: the lean engine's
    report = tmp_path / "out" / "report.json"
    report.parent.mkdir()
    result = CliRunner().invoke(
        app,
        [
            "status",
            str(orders),
            "--as-of",
            EXAMPLES_AS_OF,
            "--format",
            "json",
            "-o",
            str(report),
        ],
    )
    assert result.exit_code == 0, result.output
    assert folders == [str(report.parent)]
    assert sorted(path.name for path in report.parent.iterdir()) == ["report.json"]


@pytest.mark.parametrize("source", ["/dev/zero", "endless"])
def test_a_policy_file_without_end_is_refused_at_its_limit(tmp_path, fifo, source):
    if source == "/dev/zero":
        if not os.path.exists("/dev/zero"):
            pytest.skip("no /dev/zero here")
        policy = "/dev/zero"
    else:
        big = tmp_path / "big.toml"
        big.write_text("# a comment\n" * 100_000)  # 1.2 MB, through a pipe
        policy = fifo("policy", big)
    process = run("status", str(ORDERS_CSV), "--config", policy, "--format", "json", timeout=20)
    assert process.returncode == 1
    assert f"{policy}: a policy file of at most 1 MiB" in stderr(process)


def test_standard_input_closed_is_a_usage_error():
    process = subprocess.run(
        [EXECUTABLE, "status", "-", "--format", "json"],
        stdin=None,
        capture_output=True,
        timeout=20,
        preexec_fn=lambda: os.close(0),
    )
    assert process.returncode == 2, process.stderr
    assert b"standard input (-) is closed" in process.stderr


def test_a_json_file_for_both_inputs_is_fine_when_it_is_also_standard_input():
    from conftest import ORDERS_JSON

    process = run(
        "status", str(ORDERS_JSON), "-d", str(ORDERS_JSON), "--as-of", EXAMPLES_AS_OF, stdin=ORDERS_JSON
    )
    assert process.returncode == 0, stderr(process)
