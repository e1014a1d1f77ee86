""".xlsx workbooks read directly, the progress bar after a second of reading, and Typer's and
Click's own words (usage, errors, --help) in Russian and Ukrainian."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import polib
import pytest
from conftest import DISPUTES_CSV, EXAMPLES, EXAMPLES_AS_OF, ORDERS_CSV, ROOT
from typer.testing import CliRunner

from cashback_cli.cli import app, early_language
from cashback_cli.inputs.csv_rows import delimiter
from cashback_cli.inputs.readers import read_rows
from cashback_cli.inputs.rows import LoadOptions, Row
from cashback_cli.inputs.xlsx import cell_text, number_text
from cashback_cli.output import progress

runner = CliRunner()
HEADER = ["order_id", "ordered_at", "amount", "currency", "cashback_rate"]


def workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def typed(text: str):
    """A CSV cell as Excel would hold it: numbers as numbers, ISO dates as dates."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def as_workbook(source: Path, target: Path) -> Path:
    text = source.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text.partition("\n")[0])))
    return workbook(target, {"Sheet1": [rows[0], *([typed(cell) for cell in row] for row in rows[1:])]})


def status_json(*args: str) -> dict:
    result = runner.invoke(app, ["status", *args, "--as-of", EXAMPLES_AS_OF, "-f", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- .xlsx ----------------------------------------------------------------------------------


@pytest.fixture
def orders_book(tmp_path):
    return workbook(
        tmp_path / "orders.xlsx",
        {
            "Orders": [
                [],  # a blank row above the header: the header is the first row that is not empty
                HEADER,
                ["A1", date(2026, 10, 1), 100, "USD", 5],
                # =0.1+0.2 is stored as 0.30000000000000004 and shown by Excel as 0.3
                ["A2", datetime(2026, 10, 2, 14, 30), 0.1 + 0.2, "USD", 10],
                ["A3", date(2026, 11, 20), 19.99, "USD", 4.5],
                [],
                [None, None, None, None, None],
            ],
            "Later": [HEADER, ["B1", date(2026, 10, 5), 50, "EUR", 2]],
        },
    )


def test_an_xlsx_gives_the_orders_of_its_first_sheet(orders_book):
    report = status_json(str(orders_book))
    orders = {order["order_id"]: order for order in report["orders"]}
    assert list(orders) == ["A1", "A2", "A3"]
    # 100 × 5 % = 5.00, from 2026-10-01 + 15 days = 2026-10-16: confirmed.
    assert orders["A1"]["ordered_at"] == "2026-10-01" and orders["A1"]["cashback"] == "5.00"
    assert orders["A1"]["status"] == "confirmed"
    # 0.1+0.2 read as 0.3, not 0.30000000000000004 (which no amount parser takes): 0.30 × 10 % = 0.03;
    # the datetime 2026-10-02 14:30 is the day 2026-10-02.
    assert orders["A2"]["amount"] == "0.30" and orders["A2"]["cashback"] == "0.03"
    assert orders["A2"]["ordered_at"] == "2026-10-02"
    # 19.99 × 4.5 % = 0.89955, half-up to 0.90; 11-20 + 15 = 12-05, after the 11-24: pending.
    assert orders["A3"]["rate"] == "4.5" and orders["A3"]["cashback"] == "0.90"
    assert orders["A3"]["status"] == "pending"


def test_sheet_picks_another_sheet_by_its_name(orders_book):
    report = status_json(str(orders_book), "--sheet", "Later")
    assert [order["order_id"] for order in report["orders"]] == ["B1"]
    # 50 × 2 % = 1.00 EUR.
    assert report["totals"]["EUR"]["confirmed"] == "1.00"
    assert status_json(str(orders_book), "--sheet", "later") == report  # case does not matter


def test_a_sheet_that_does_not_exist_is_a_usage_error_naming_the_sheets(orders_book):
    result = runner.invoke(app, ["status", str(orders_book), "--sheet", "Disputes"])
    assert result.exit_code == 2
    assert "'Disputes'" in result.stderr and "'Orders', 'Later'" in result.stderr


@pytest.mark.parametrize("command", ["status", "dispute", "validate", "upcoming", "reconcile"])
def test_every_command_that_reads_orders_takes_sheet(command):
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert "--sheet" in result.stdout


def test_the_examples_as_workbooks_give_the_same_reports_as_their_csv(tmp_path):
    orders = as_workbook(ORDERS_CSV, tmp_path / "orders.xlsx")
    disputes = as_workbook(DISPUTES_CSV, tmp_path / "disputes.xlsx")
    from_csv = ["examples/orders.csv", "--disputes", "examples/disputes.csv", "--as-of", EXAMPLES_AS_OF]
    from_xlsx = [str(orders), "--disputes", str(disputes), "--as-of", EXAMPLES_AS_OF]
    for command in (["status", "-f", "json"], ["upcoming", "-f", "json"], ["dispute", "A1004", "-f", "json"]):
        if command[0] == "dispute":
            csv_args, xlsx_args = ["--orders", *from_csv], ["--orders", *from_xlsx]
        else:
            csv_args, xlsx_args = from_csv, from_xlsx
        want = runner.invoke(app, [*command, *csv_args])
        got = runner.invoke(app, [*command, *xlsx_args])
        assert want.exit_code == got.exit_code == 0, got.output
        assert got.stdout == want.stdout
    result = runner.invoke(app, ["validate", str(orders), "--disputes", str(disputes)])
    assert result.exit_code == 0, result.output


def test_reconcile_reads_a_cabinet_workbook(tmp_path):
    cabinet = as_workbook(EXAMPLES / "cabinet.csv", tmp_path / "cabinet.xlsx")
    cabinet_disputes = as_workbook(EXAMPLES / "cabinet-disputes.csv", tmp_path / "cabinet-disputes.xlsx")
    common = ["--rate", "5", "--as-of", EXAMPLES_AS_OF, "-f", "json"]
    want = runner.invoke(
        app, ["reconcile", "examples/cabinet.csv", "-d", "examples/cabinet-disputes.csv", *common]
    )
    got = runner.invoke(
        app, ["reconcile", str(cabinet), "-d", str(cabinet_disputes), "--sheet", "Sheet1", *common]
    )
    assert got.exit_code == want.exit_code and got.stdout == want.stdout


def test_a_workbook_is_told_by_its_bytes_not_its_name(tmp_path, orders_book):
    renamed = tmp_path / "orders.csv"
    renamed.write_bytes(orders_book.read_bytes())
    assert [order["order_id"] for order in status_json(str(renamed))["orders"]] == ["A1", "A2", "A3"]
    csv_named_xlsx = tmp_path / "really-a.xlsx"
    csv_named_xlsx.write_text("order_id,ordered_at,amount,currency,cashback_rate\nC1,2026-10-01,10,USD,5\n")
    assert [order["order_id"] for order in status_json(str(csv_named_xlsx))["orders"]] == ["C1"]


def test_a_workbook_on_standard_input(orders_book):
    result = runner.invoke(
        app,
        ["status", "-", "--as-of", EXAMPLES_AS_OF, "-f", "json", "--sheet", "Later"],
        input=orders_book.read_bytes(),
    )
    assert result.exit_code == 0, result.output
    assert [order["order_id"] for order in json.loads(result.stdout)["orders"]] == ["B1"]


def test_problems_in_a_workbook_name_the_spreadsheet_row(tmp_path):
    book = workbook(
        tmp_path / "bad.xlsx",
        {"S": [["Exported 2026-11-24"], [], HEADER, ["A1", date(2026, 10, 1), "lots", "USD", 5]]},
    )
    # The first non-empty row is the header: here a title, so the columns are not found there.
    result = runner.invoke(app, ["validate", str(book)])
    assert result.exit_code == 1 and f"{book}:1" in result.stderr
    book = workbook(tmp_path / "bad2.xlsx", {"S": [[], HEADER, ["A1", date(2026, 10, 1), "lots", "USD", 5]]})
    result = runner.invoke(app, ["validate", str(book)])
    assert result.exit_code == 1 and f"{book}:3: amount: got 'lots'" in result.stderr


def _no_openpyxl(monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # `import openpyxl` now raises ImportError


@pytest.mark.parametrize("encoding", [[], ["--encoding", "cp1251"]])
def test_without_the_extra_the_message_says_how_to_get_it_never_the_encoding(
    monkeypatch, orders_book, encoding
):
    _no_openpyxl(monkeypatch)
    result = runner.invoke(app, ["status", str(orders_book), *encoding])
    assert result.exit_code == 1
    assert "pip install 'cashback-cli[xlsx]'" in result.stderr and "CSV" in result.stderr
    assert "--encoding" not in result.stderr and "encoding" not in result.stderr


@pytest.mark.parametrize("with_openpyxl", [True, False])
def test_a_zip_that_is_not_a_workbook_gets_no_encoding_advice(monkeypatch, tmp_path, with_openpyxl):
    if not with_openpyxl:
        _no_openpyxl(monkeypatch)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("orders.csv", "order_id,ordered_at,amount\nA1,2026-10-01,10\n")
    for encoding in ([], ["--encoding", "cp1251"]):
        result = runner.invoke(app, ["status", str(archive), "--rate", "5", *encoding])
        assert result.exit_code == 1
        assert "ZIP archive" in result.stderr and "encoding" not in result.stderr


def test_an_old_xls_or_a_workbook_with_profile_gets_no_encoding_advice(tmp_path, orders_book):
    old = tmp_path / "orders.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    result = runner.invoke(app, ["status", str(old), "--encoding", "cp1251"])
    assert result.exit_code == 1 and ".xls" in result.stderr and "encoding" not in result.stderr
    result = runner.invoke(app, ["status", str(orders_book), "--profile", "admitad"])
    assert result.exit_code == 1 and "--profile" in result.stderr and "encoding" not in result.stderr


def test_a_damaged_workbook_is_a_problem_not_a_crash(tmp_path):
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as zipped:
        zipped.writestr("[Content_Types].xml", "<Types>spreadsheetml</Types>")
    result = runner.invoke(app, ["status", str(broken)])
    assert result.exit_code == 1 and "damaged" in result.stderr


def test_an_empty_sheet_of_orders_says_so_and_of_disputes_means_none(tmp_path):
    empty = workbook(tmp_path / "empty.xlsx", {"S": []})
    assert "empty" in runner.invoke(app, ["validate", str(empty)]).stderr
    assert status_json(str(ORDERS_CSV), "--disputes", str(empty)) == status_json(str(ORDERS_CSV))


def test_cells_become_the_text_a_person_reads_in_them():
    assert number_text(0.1 + 0.2) == "0.3"
    assert number_text(100.0) == "100" and number_text(1e-7) == "0.0000001"
    assert number_text(19.99) == "19.99" and number_text(-0.0) == "0" and number_text(1e20) == "1" + "0" * 20
    assert number_text(1234.5600000000001) == "1234.56"
    assert cell_text(82013456123456789) == "82013456123456789"  # integers stay exact, however long
    assert cell_text(None) == "" and cell_text(" A1 ") == " A1 " and cell_text(True) == "TRUE"
    assert cell_text(date(2026, 10, 1)) == "2026-10-01"
    assert cell_text(datetime(2026, 10, 1, 23, 59)) == "2026-10-01"


def test_reader_rows_carry_the_spreadsheet_row_numbers(orders_book):
    rows = list(read_rows(str(orders_book), "orders", LoadOptions()))
    assert all(isinstance(row, Row) for row in rows)
    assert [(row.line, row.get("order_id"), row.get("amount")) for row in rows] == [
        (3, "A1", "100"),
        (4, "A2", "0.3"),
        (5, "A3", "19.99"),
    ]
    assert list(read_rows(str(orders_book), "orders", LoadOptions(), embedded=True)) == []


# --- progress after a second ----------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self, step: float) -> None:
        self.now = 1000.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_no_bar_in_a_pipe(monkeypatch, tmp_path):
    small = tmp_path / "orders.csv"
    small.write_text("order_id\n")
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    monkeypatch.setattr(progress, "monotonic", Clock(step=5.0))
    with progress.reading_progress(str(small)) as on_read:
        assert on_read is None


def test_no_bar_while_reading_is_quicker_than_a_second(monkeypatch, tmp_path):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(progress, "monotonic", Clock(step=0.1))
    with progress.reading_progress(str(ORDERS_CSV)) as on_read:
        for position in range(5):  # 0.5 s in all
            on_read(position)
        assert on_read.__self__.progress is None
    assert terminal.getvalue() == ""


def test_a_bar_starts_once_reading_passes_a_second_whatever_the_size(monkeypatch, tmp_path):
    """A slow reader of a small file (each report 0.4 s after the last): the bar starts with the
    report that comes after more than a second, and is gone once the reading ends."""
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "order_id,ordered_at,amount,currency,cashback_rate\n"
        + "".join(f"A{n},2026-10-01,10,USD,5\n" for n in range(40_000))
    )
    assert orders.stat().st_size < 16 << 20  # the bar used to need a file this big
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(progress, "monotonic", Clock(step=0.4))
    seen = []
    with progress.reading_progress(str(orders)) as on_read:
        assert on_read is not None

        def watching(position: int) -> None:
            on_read(position)
            seen.append(on_read.__self__.progress is not None)

        rows = list(read_rows(str(orders), "orders", LoadOptions(on_read=watching)))
    assert len(rows) == 40_000
    # Reading starts at 1000.4; the reader reports at lines 0, 16384 and 32768 and at the end:
    # at 1000.8 and 1001.2 (0.4 and 0.8 s: no bar), then 1001.6 (1.2 s: the bar) and 1002.0.
    assert seen == [False, False, True, True]
    assert "reading orders.csv" in terminal.getvalue()
    assert on_read.__self__.progress is None  # stopped, and transient: cleared from the terminal


def test_the_bar_works_for_a_workbook_too(monkeypatch, orders_book):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(progress, "monotonic", Clock(step=2.0))
    with progress.reading_progress(str(orders_book)) as on_read:
        rows = list(read_rows(str(orders_book), "orders", LoadOptions(on_read=on_read)))
    assert len(rows) == 3 and "reading orders.xlsx" in terminal.getvalue()


# --- Typer's and Click's words in ru and uk -------------------------------------------------

# Our catalogue is translated by the lead at the end; until then these tests bring their own.
WORDS = {
    "ru": {
        "Usage:": "Использование:",
        "Error": "Ошибка",
        "Options": "Параметры",
        "Arguments": "Аргументы",
        "Commands": "Команды",
        "[required]": "[обязательно]",
        "Try [blue]'{command_path} {help_option}'[/] for help.": "Справка: [blue]'{command_path} {help_option}'[/]",
        "Show this message and exit.": "Показать эту справку и выйти.",
        "Invalid value for {hint}: {message}": "Недопустимое значение {hint}: {message}",
        "Missing argument {name}.": "Не указан аргумент {name}.",
        "No such option: {name}": "Нет такого параметра: {name}",
        "No such command {name!r}.": "Нет команды {name!r}.",
        "Did you mean {names}?": "Может быть, {names}?",
        "Got unexpected extra argument(s) ({arguments})": "Лишние аргументы: {arguments}",
    },
    "uk": {
        "Usage:": "Використання:",
        "Error": "Помилка",
        "Options": "Параметри",
        "Arguments": "Аргументи",
        "Commands": "Команди",
        "[required]": "[обов'язково]",
        "Try [blue]'{command_path} {help_option}'[/] for help.": "Довідка: [blue]'{command_path} {help_option}'[/]",
        "Show this message and exit.": "Показати цю довідку й вийти.",
        "Invalid value for {hint}: {message}": "Неприпустиме значення {hint}: {message}",
        "Missing argument {name}.": "Не вказано аргумент {name}.",
        "No such option: {name}": "Немає такого параметра: {name}",
        "No such command {name!r}.": "Немає команди {name!r}.",
        "Did you mean {names}?": "Можливо, {names}?",
        "Got unexpected extra argument(s) ({arguments})": "Зайві аргументи: {arguments}",
    },
}


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("locale")
    for language, words in WORDS.items():
        po = polib.POFile()
        po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": language}
        for msgid, msgstr in words.items():
            po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
        folder = root / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        po.save_as_mofile(str(folder / "cashback.mo"))
    return root


def cashback_with(
    catalogue: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """The real entry point, main(), in a process of its own, reading `catalogue`."""
    script = (
        "import sys, pathlib, cashback_cli.i18n as i18n; "
        f"i18n.LOCALE_DIR = pathlib.Path({str(catalogue)!r}); "
        "from cashback_cli.cli import main; sys.argv[0] = 'cashback'; main()"
    )
    environment = {
        k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")
    }
    environment.update({"COLUMNS": "100", "TERM": "dumb", **(env or {})})
    return subprocess.run(
        [sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True, text=True, env=environment
    )


@pytest.mark.parametrize("language", ["ru", "uk"])
def test_usage_errors_in_the_language_of_lang(catalogue, language):
    words = WORDS[language]
    missing = cashback_with(catalogue, "status", "--lang", language)
    assert missing.returncode == 2
    assert words["Usage:"] in missing.stderr and "Usage:" not in missing.stderr
    assert words["Error"] in missing.stderr
    assert words["Missing argument {name}."].format(name="'orders'") in missing.stderr
    assert "'cashback status -h'" in missing.stderr and "for help" not in missing.stderr
    bad = cashback_with(catalogue, "status", "examples/orders.csv", f"--lang={language}", "--rounding", "up")
    assert bad.returncode == 2
    assert words["Invalid value for {hint}: {message}"].split(" {hint}")[0] + " '--rounding'" in bad.stderr
    assert "Invalid value" not in bad.stderr
    # An unknown option is refused by the parser before --lang is read: main() looked for it first.
    unknown = cashback_with(catalogue, "status", "--nope", "--lang", language)
    assert words["No such option: {name}"].format(name="--nope") in unknown.stderr
    extra = cashback_with(catalogue, "status", "examples/orders.csv", "more", "--lang", language)
    assert words["Got unexpected extra argument(s) ({arguments})"].format(arguments="more") in extra.stderr
    # Typer's own "No such command" comes through gettext's domain, its "Did you mean" through ours.
    typo = cashback_with(catalogue, "statu", "--lang", language)
    wanted = words["No such command {name!r}."].format(name="statu").rstrip(".")
    assert f"{wanted}. " + words["Did you mean {names}?"].format(names="'status'") in typo.stderr


@pytest.mark.parametrize("language", ["ru", "uk"])
def test_help_in_the_language_of_the_environment(catalogue, language):
    words = WORDS[language]
    result = cashback_with(catalogue, "status", "--help", env={"LANG": f"{language}_UA.UTF-8"})
    assert result.returncode == 0
    for msgid in ("Usage:", "Options", "Arguments", "[required]", "Show this message and exit."):
        assert words[msgid] in result.stdout, msgid
    top = cashback_with(catalogue, "--help", env={"LC_ALL": f"{language}_RU.UTF-8", "LANG": "en_US.UTF-8"})
    assert words["Commands"] in top.stdout and words["Show this message and exit."] in top.stdout
    nested = cashback_with(catalogue, "config", "show", "--help", env={"LANG": f"{language}_UA.UTF-8"})
    assert f"{words['Usage:']} cashback config show" in nested.stdout


def test_english_stays_as_typer_and_click_write_it(catalogue):
    result = cashback_with(catalogue, "status", env={"LANG": "en_US.UTF-8", "LANGUAGE": "ru"})
    assert "Usage: cashback status" in result.stderr and "Missing argument 'orders'." in result.stderr
    assert "Try 'cashback status -h' for help." in result.stderr
    plain = runner.invoke(app, ["status", "examples/orders.csv", "--rounding", "up"])
    assert "Invalid value for '--rounding'" in plain.stderr
    extra = runner.invoke(app, ["status", "examples/orders.csv", "more"])
    assert "Got unexpected extra argument(s) (more)" in extra.stderr
    typo = runner.invoke(app, ["statu"])
    assert "No such command 'statu'. Did you mean 'status'?" in typo.stderr
    assert "Show this message and exit." in runner.invoke(app, ["--help"]).stdout


def test_the_language_is_found_before_typer_parses():
    env = {"LANG": "uk_UA.UTF-8"}
    assert early_language(["status", "f.csv", "--lang", "ru"], env) == "ru"
    assert early_language(["status", "--lang=ru", "--lang", "en"], env) == "en"  # the last one counts
    assert early_language(["status", "--lang", "de"], env) == "uk"  # refused later, worded in uk
    assert early_language(["status", "--", "--lang", "ru"], env) == "uk"
    assert early_language(["status", "--lang"], {}) == "en"


def test_typer_looks_up_the_words_we_list_for_the_catalogue():
    # in a fresh English process: Typer fixes these words when it is first imported, in the
    # language of that moment, and another test may have switched this one to Russian
    names = (
        "ARGUMENTS_PANEL_TITLE",
        "OPTIONS_PANEL_TITLE",
        "COMMANDS_PANEL_TITLE",
        "ERRORS_PANEL_TITLE",
        "RICH_HELP",
        "DEFAULT_STRING",
        "REQUIRED_LONG_STRING",
        "ABORTED_TEXT",
    )
    code = (
        "import json, sys\nfrom typer import rich_utils\nfrom cashback_cli.cli import typer_messages\n"
        f"print(json.dumps([typer_messages(), [getattr(rich_utils, name) for name in {names!r}]]))"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LANG", "LC_"))}
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    listed, looked_up = json.loads(found.stdout)
    for name, word in zip(names, looked_up, strict=True):
        assert word in listed, name
    assert "Arguments" in looked_up
