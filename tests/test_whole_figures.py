"""Figures are never split and never hidden (issue 21): money, dates and ids stay whole on a line
at every width from 34 to 120 columns, in every language; on a phone-width terminal each order
becomes a card that keeps its cashback."""

from __future__ import annotations

import re

import pytest
from conftest import force_terminal
from typer.testing import CliRunner

from cashback_cli.cli import app

runner = CliRunner()
AS_OF = "2026-11-24"
LONG_ID = "ORD0000000000000000000000000000123456789"  # 40 characters
UUID = "123e4567-e89b-12d3-a456-426614174000"
CABINET = (
    "Номер;Дата;Магазин;Сумма заказа;Ставка;Кэшбэк;Статус\n"
    f"{LONG_ID};01.10.2026;Ozon;4 992 383,99 ₽;5;100,00;подтверждён\n"
    f"{UUID};05.11.2026;Lamoda;3 999,99 ₽;5;150,00;ожидается\n"
    "1234567890123456;06.10.2026;Ozon;123 456,78 ₽;5;50,00;отклонён\n"
    "C-4;15.10.2026;Ozon;8 953 298,99 ₽;5;;\n"
)
DISPUTES = "order_id,opened_at,resolved_at,refund_amount\n1234567890123456,2026-10-07,2026-10-10,100 000\n"
# Money (digit groups joined by no-break spaces or commas, then the decimals) and dates; an id
# longer than the terminal folds, but it is no figure
FIGURE = re.compile(r"\d{1,3}(?:[\u00a0,]\d{3})*[.,]\d{2}\b|\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4}")
MONTH = re.compile(r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cabinet")
    (folder / "cabinet.csv").write_text(CABINET, encoding="utf-8")
    (folder / "disputes.csv").write_text(DISPUTES, encoding="utf-8")
    return str(folder / "cabinet.csv"), str(folder / "disputes.csv")


def shown(monkeypatch, width: int, lang: str, *args: str) -> str:
    """What a terminal of `width` columns shows."""
    force_terminal(monkeypatch, width)
    result = runner.invoke(app, [*args, "--lang", lang], env={"NO_COLOR": "1", "COLUMNS": str(width)})
    assert result.exit_code in (0, 4), result.output
    return result.stdout


def commands(files):
    orders, disputes = files
    return {
        "status": ["status", orders, "-d", disputes, "--as-of", AS_OF],
        "reconcile": ["reconcile", orders, "-d", disputes, "--as-of", AS_OF],
        "dispute": ["dispute", "1234567890123456", "--orders", orders, "-d", disputes, "--as-of", AS_OF],
    }


@pytest.mark.parametrize("lang", ["en", "ru", "uk"])
@pytest.mark.parametrize("width", [34, 38, 40, 42, 46, 50, 52, 56, 60, 64, 70, 80, 90, 100, 110, 120])
def test_no_figure_is_ever_split(monkeypatch, files, width, lang):
    for name, args in commands(files).items():
        whole = set(FIGURE.findall(shown(monkeypatch, 250, lang, *args)))
        narrow = shown(monkeypatch, width, lang, *args)
        for line in narrow.splitlines():
            assert len(line) <= width, (name, width, lang, line)
        # every figure printed at this width is one the wide terminal printed whole: a piece of
        # "4 992 383,99" ("4", "992 383,99") is not
        pieces = set(FIGURE.findall(narrow)) - whole
        assert not pieces, (name, width, lang, pieces, narrow)
        # a written-out date ("5 Dec 2026") keeps its day, month and year together
        for found in MONTH.finditer(narrow):
            around = narrow[max(0, found.start() - 3) : found.end() + 5]
            assert re.search(r"\d\u00a0\w{3}\u00a0\d{4}", around), (name, width, lang, around)


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("width", [40, 52, 60, 80])
def test_a_long_id_or_a_big_figure_never_hides_the_cashback(monkeypatch, files, width, lang):
    narrow = shown(monkeypatch, width, lang, *commands(files)["status"])
    lines = narrow.splitlines()
    for order_id in (LONG_ID, UUID, "1234567890123456"):
        assert any(order_id in line for line in lines), (width, lang, order_id)
    # 4 992 383,99 × 5 % = 249 619,20; 3 999,99 × 5 % = 200,00; 8 953 298,99 × 5 % = 447 664,95;
    # (123 456,78 − 100 000) × 5 % = 1 172,84
    for cashback in ("249.619.20", "200.00", "447.664.95", "1.172.84"):
        en = cashback.replace(".", ",", cashback.count(".") - 1)
        ru = (
            cashback.replace(".", "\u00a0", cashback.count(".") - 1)
            .replace(".", ",")[::-1]
            .replace(",", ",", 1)[::-1]
        )
        assert (en if lang == "en" else ru) in narrow, (width, lang, cashback, narrow)


def test_cards_put_the_id_on_a_line_of_its_own(monkeypatch, files):
    narrow = shown(monkeypatch, 40, "ru", *commands(files)["status"])
    assert f"\n{LONG_ID}\n" in narrow
    assert "Кэшбэк: 249\u00a0619,20\u00a0₽" in narrow
