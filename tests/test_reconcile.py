"""`cashback reconcile` (docs/rules.md, "Reconcile"): what the service reports, held against the rules.

Every figure below is worked out by hand from the rules in a comment, never recomputed with the
code. Unless a test says otherwise: as of 2026-11-24, a 15-day hold, half-up rounding.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from conftest import ORDER_KEYS, ROOT, assert_no_float
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cashback_cli.cli import app

runner = CliRunner()
AS_OF = "2026-11-24"
DIFFERENCE_KEYS = [
    *ORDER_KEYS,
    "reported_status",
    "reported_cashback",
    "verdict",
    "at_stake",
    "over",
    "why",
]
# What the order object adds when its input carries it (as `status` prints it), in this order
CARRIED_KEYS = ["store", "reported_status", "network_status", "reported_cashback", "locks_on"]
TOTAL_KEYS = ["compared", "differ", "at_stake", "over", "not_compared"]
ENV = {"NO_COLOR": "1", "COLUMNS": "250", "LC_ALL": "", "LC_MESSAGES": "", "LANG": ""}


def invoke(*args):
    return runner.invoke(app, [str(arg) for arg in args], env=ENV)


def plain(text: str) -> str:
    """Table text without Rich's box drawing and line wrapping."""
    return " ".join(re.sub(r"[│╭╮╰╯─┃┏┓┗┛━┳┻╋┡┩╇└┘┴┬├┤┼]", " ", text).split())


def write(path: Path, text: str) -> Path:
    path.write_text(text.lstrip("\n"), encoding="utf-8")
    return path


def reconcile(orders: Path, *options):
    return invoke("reconcile", orders, "--as-of", AS_OF, *options)


def reconcile_json(orders: Path, *options, code: int = 4) -> dict:
    result = reconcile(orders, *options, "-f", "json")
    assert result.exit_code == code, result.output
    document = json.loads(result.stdout)
    assert_no_float(document)
    assert list(document) == ["as_of", "differences", "totals"]
    assert document["as_of"] == AS_OF
    for difference in document["differences"]:
        keys = list(difference)  # the order object's keys (with what its input carries), the verdict's
        carried = keys[len(ORDER_KEYS) : -4]
        assert keys[: len(ORDER_KEYS)] == ORDER_KEYS and keys[-4:] == DIFFERENCE_KEYS[-4:]
        assert carried == [key for key in CARRIED_KEYS if key in carried]
        assert {"reported_status", "reported_cashback"} <= set(carried)
    for totals in document["totals"].values():
        assert list(totals) == TOTAL_KEYS
    # the figures worked by hand below are keyed by DIFFERENCE_KEYS
    document["differences"] = [
        {key: found[key] for key in DIFFERENCE_KEYS} for found in document["differences"]
    ]
    return document


def by_id(document: dict) -> dict[str, dict]:
    return {difference["order_id"]: difference for difference in document["differences"]}


def pick(document: dict, *keys: str) -> dict[str, tuple]:
    """Order id -> these keys' values, for each difference listed."""
    return {order_id: tuple(found[key] for key in keys) for order_id, found in by_id(document).items()}


def difference(*values) -> dict:
    """A difference object keyed in the JSON's order (DIFFERENCE_KEYS), from figures by hand."""
    return dict(zip(DIFFERENCE_KEYS, values, strict=True))


def totals(compared: int, differ: int, at_stake: str, over: str, not_compared: int) -> dict:
    return {
        "compared": compared,
        "differ": differ,
        "at_stake": at_stake,
        "over": over,
        "not_compared": not_compared,
    }


# --- 1. every verdict, through the command line -----------------------------------------------

ORDERS = """
order_id,ordered_at,amount,currency,cashback_rate,reported_status,reported_cashback
U-PART,2026-10-01,1000.00,USD,5,cancelled,0.00
U-LOST,2026-10-01,200.00,USD,5,cancelled,
U-NODISPUTE,2026-10-01,300.00,USD,4,cancelled,12.00
U-OVER,2026-10-01,100.00,USD,5,confirmed,5.00
U-OVER-NOFIG,2026-10-01,60.00,USD,5,pending,
U-SHORT,2026-10-12,600.00,USD,5,confirmed,20.00
U-OVERDUE,2026-10-15,300.00,USD,5,pending,15.00
U-EARLY,2026-11-20,400.00,USD,5,confirmed,20.00
U-AGREE,2026-10-01,2000.00,USD,5,confirmed,100.00
U-BOTH,2026-10-01,80.00,USD,5,cancelled,4.00
U-NONE,2026-10-01,50.00,USD,5,,
R-OWED,2026-10-01,1000.00,RUB,5,cancelled,50.00
R-OVER,2026-10-10,800.00,RUB,5,confirmed,40.00
"""
DISPUTES = """
order_id,opened_at,resolved_at,refund_amount
U-PART,2026-10-05,2026-10-20,400.00
U-LOST,2026-10-03,2026-10-10,0
U-OVER,2026-10-02,2026-10-20,100.00
U-OVER-NOFIG,2026-10-02,2026-10-05,60.00
U-BOTH,2026-10-02,2026-10-10,80.00
R-OVER,2026-10-12,2026-10-25,800.00
"""

# fmt: off
EXPECTED = {
    # 1000 × 5 % = E 50.00; 400 refunded: C = 600 × 5 % = 30.00, 20.00 cancelled; confirm_on =
    # later of 10-01 + 15 = 10-16 and the resolution 10-20. The service cancelled it: 30.00 owed.
    "U-PART": difference(
        "U-PART", "2026-10-01", "USD", "1000.00", "400.00", "5", "50.00", "30.00", "20.00",
        "confirmed", "2026-10-20", "confirmed on 2026-10-20", "cancelled", "0.00",
        "cancelled_but_owed", "30.00", "0.00",
        "the service cancelled it, but only 400.00 USD of 1000.00 USD was refunded: "
        "30.00 USD cashback is still due",
    ),
    # 200 × 5 % = 10.00; dispute lost (refund 0) on 10-10: C = E = 10.00, confirmed on 10-16.
    "U-LOST": difference(
        "U-LOST", "2026-10-01", "USD", "200.00", "0.00", "5", "10.00", "10.00", "0.00",
        "confirmed", "2026-10-16", "confirmed on 2026-10-16", "cancelled", None,
        "cancelled_but_owed", "10.00", "0.00",
        "the service cancelled it, but nothing was refunded: 10.00 USD cashback is still due",
    ),
    # 300 × 4 % = 12.00, no dispute at all: the service's cancellation owes all 12.00.
    "U-NODISPUTE": difference(
        "U-NODISPUTE", "2026-10-01", "USD", "300.00", "0.00", "4", "12.00", "12.00", "0.00",
        "confirmed", "2026-10-16", "confirmed on 2026-10-16", "cancelled", "12.00",
        "cancelled_but_owed", "12.00", "0.00",
        "the service cancelled it, but nothing was refunded: 12.00 USD cashback is still due",
    ),
    # 100 × 5 % = E 5.00, refunded in full on 10-20: C 0.00; the service still pays 5.00: 5.00 over.
    "U-OVER": difference(
        "U-OVER", "2026-10-01", "USD", "100.00", "100.00", "5", "5.00", "0.00", "5.00",
        "cancelled", "2026-10-20", "refunded in full", "confirmed", "5.00",
        "over", "0.00", "5.00",
        "the service reports 5.00 USD, but the rules give 0.00 USD (refunded in full): 5.00 USD over",
    ),
    # 60 × 5 % = E 3.00, refunded in full on 10-05 (confirm_on the hold end 10-16); shown pending
    # with no figure: still counted on, over = E = 3.00.
    "U-OVER-NOFIG": difference(
        "U-OVER-NOFIG", "2026-10-01", "USD", "60.00", "60.00", "5", "3.00", "0.00", "3.00",
        "cancelled", "2026-10-16", "refunded in full", "pending", None,
        "over", "0.00", "3.00",
        "the service reports pending, but the rules give 0.00 USD (refunded in full): 3.00 USD over",
    ),
    # 600 × 5 % = 30.00, confirmed on 10-12 + 15 = 10-27; shown 20.00: 10.00 short.
    "U-SHORT": difference(
        "U-SHORT", "2026-10-12", "USD", "600.00", "0.00", "5", "30.00", "30.00", "0.00",
        "confirmed", "2026-10-27", "confirmed on 2026-10-27", "confirmed", "20.00",
        "short", "10.00", "0.00",
        "the service reports 20.00 USD, but the rules give 30.00 USD: 10.00 USD is still due",
    ),
    # 300 × 5 % = 15.00, confirmed on 10-15 + 15 = 10-30; still pending at the service: C due.
    "U-OVERDUE": difference(
        "U-OVERDUE", "2026-10-15", "USD", "300.00", "0.00", "5", "15.00", "15.00", "0.00",
        "confirmed", "2026-10-30", "confirmed on 2026-10-30", "pending", "15.00",
        "overdue", "15.00", "0.00",
        "the service still shows it pending, but the rules confirm it on 2026-10-30: 15.00 USD is due",
    ),
    # 400 × 5 % = 20.00, on hold until 11-20 + 15 = 12-05; confirmed by the service: nothing at stake.
    "U-EARLY": difference(
        "U-EARLY", "2026-11-20", "USD", "400.00", "0.00", "5", "20.00", "20.00", "0.00",
        "pending", "2026-12-05", "on hold until 2026-12-05", "confirmed", "20.00",
        "early", "0.00", "0.00",
        "the service confirmed it, but by the rules it is still pending (on hold until 2026-12-05)",
    ),
    # 1000 × 5 % = 50.00 RUB, no dispute, confirmed 10-16; cancelled by the service: 50.00 owed.
    "R-OWED": difference(
        "R-OWED", "2026-10-01", "RUB", "1000.00", "0.00", "5", "50.00", "50.00", "0.00",
        "confirmed", "2026-10-16", "confirmed on 2026-10-16", "cancelled", "50.00",
        "cancelled_but_owed", "50.00", "0.00",
        "the service cancelled it, but nothing was refunded: 50.00 RUB cashback is still due",
    ),
    # 800 × 5 % = E 40.00 RUB, refunded in full on 10-25 (hold end 10-25 too); shown 40.00: over.
    "R-OVER": difference(
        "R-OVER", "2026-10-10", "RUB", "800.00", "800.00", "5", "40.00", "0.00", "40.00",
        "cancelled", "2026-10-25", "refunded in full", "confirmed", "40.00",
        "over", "0.00", "40.00",
        "the service reports 40.00 RUB, but the rules give 0.00 RUB (refunded in full): 40.00 RUB over",
    ),
}
# fmt: on
EXPECTED_TOTALS = {
    # RUB: R-OWED and R-OVER compared and differ; 50.00 at stake, 40.00 over.
    "RUB": totals(2, 2, "50.00", "40.00", 0),
    # USD: 10 with a reported value (U-NONE has none); U-AGREE and U-BOTH agree: 8 differ.
    # at stake 30 (U-PART) + 10 (U-LOST) + 12 (U-NODISPUTE) + 10 (U-SHORT) + 15 (U-OVERDUE) = 77.00;
    # over 5 (U-OVER) + 3 (U-OVER-NOFIG) = 8.00.
    "USD": totals(10, 8, "77.00", "8.00", 1),
}


@pytest.fixture
def cabinet(tmp_path) -> tuple[Path, Path]:
    return write(tmp_path / "orders.csv", ORDERS), write(tmp_path / "disputes.csv", DISPUTES)


def test_every_verdict_with_its_figures_and_why(cabinet):
    orders, disputes = cabinet
    found = by_id(reconcile_json(orders, "--disputes", disputes))
    assert set(found) == set(EXPECTED)  # U-AGREE, U-BOTH (both cancelled) and U-NONE not listed
    for order_id, expected in EXPECTED.items():
        assert list(found[order_id].items()) == list(expected.items()), order_id


def test_totals_per_currency(cabinet):
    orders, disputes = cabinet
    document = reconcile_json(orders, "--disputes", disputes)
    assert list(document["totals"].items()) == list(EXPECTED_TOTALS.items())


def test_most_money_first_then_by_order_id(cabinet):
    orders, disputes = cabinet
    listed = [d["order_id"] for d in reconcile_json(orders, "--disputes", disputes)["differences"]]
    # at stake + over: U-PART 30, U-OVERDUE 15, U-NODISPUTE 12, U-LOST 10 = U-SHORT 10 (by id),
    # U-OVER 5, U-OVER-NOFIG 3, U-EARLY 0; RUB: R-OWED 50, R-OVER 40.
    assert [i for i in listed if i.startswith("U-")] == [
        "U-PART",
        "U-OVERDUE",
        "U-NODISPUTE",
        "U-LOST",
        "U-SHORT",
        "U-OVER",
        "U-OVER-NOFIG",
        "U-EARLY",
    ]
    assert [i for i in listed if i.startswith("R-")] == ["R-OWED", "R-OVER"]


def test_csv_has_the_json_keys_as_header_and_one_row_per_difference(cabinet):
    orders, disputes = cabinet
    result = reconcile(orders, "--disputes", disputes, "-f", "csv")
    assert result.exit_code == 4, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    reconcile_json(orders, "--disputes", disputes)  # the keys' order checked there
    document = json.loads(reconcile(orders, "--disputes", disputes, "-f", "json").stdout)
    assert rows[0] == list(document["differences"][0])
    expected_rows = [
        ["" if value is None else value for value in difference.values()]
        for difference in document["differences"]
    ]
    assert rows[1:] == expected_rows
    # one row written out in full: the partial refund the service cancelled
    assert (
        "U-PART,2026-10-01,USD,1000.00,400.00,5,50.00,30.00,20.00,confirmed,2026-10-20,"
        "confirmed on 2026-10-20,cancelled,cancelled,0.00,cancelled_but_owed,30.00,0.00,"
        '"the service cancelled it, but only 400.00 USD of 1000.00 USD was refunded: '
        '30.00 USD cashback is still due"'
    ) in result.stdout.splitlines()


def test_table_headline_and_rows(cabinet):
    orders, disputes = cabinet
    result = reconcile(orders, "--disputes", disputes)
    assert result.exit_code == 4, result.output
    text = plain(result.stdout)
    # 8 + 2 differ of 10 + 2 compared; owed 50.00 RUB, 77.00 USD; over 40.00 RUB, 8.00 USD
    assert text.startswith(
        "10 of 12 orders differ: 50.00 RUB, 77.00 USD owed to you; 40.00 RUB, 8.00 USD paid over."
    )
    for header in ("Order", "Verdict", "At stake", "Service says", "Rules say", "Why"):
        assert header in text
    assert "U-PART cancelled, but owed 30.00 USD cancelled 0.00 confirmed 30.00" in text
    assert "U-EARLY confirmed early — confirmed 20.00 pending 20.00" in text
    assert "U-AGREE" not in text and "U-NONE" not in text
    assert "USD 10 8 77.00 8.00 1" in text  # the totals table


def test_all_agree_exits_0_and_counts_what_was_not_compared(tmp_path):
    orders = write(
        tmp_path / "orders.csv",
        """
order_id,ordered_at,amount,cashback_rate,reported_status,reported_cashback
A,2026-10-01,2000.00,5,confirmed,100.00
B,2026-11-20,400.00,5,pending,
C,2026-10-01,50.00,5,,
""",
    )
    # A: 2000 × 5 % = 100.00 confirmed (10-16), shown the same. B: on hold until 12-05, shown
    # pending (no figure). C: nothing reported.
    document = reconcile_json(orders, code=0)
    assert document["differences"] == []
    assert document["totals"] == {"USD": totals(2, 0, "0.00", "0.00", 1)}
    result = reconcile(orders)
    assert result.exit_code == 0, result.output
    assert "All 2 orders compared agree with the rules." in result.stdout
    result = reconcile(orders, "-f", "csv")
    assert result.exit_code == 0
    # the order object of `status` for this file, with what the service reports, then the verdict's
    header = [*ORDER_KEYS, "reported_status", "network_status", "reported_cashback", *DIFFERENCE_KEYS[-4:]]
    assert result.stdout.splitlines() == [",".join(header)]


def test_a_file_with_nothing_reported_compares_nothing_and_says_so(tmp_path):
    orders = write(
        tmp_path / "orders.csv", "order_id,ordered_at,amount,cashback_rate\nA,2026-10-01,100.00,5\n"
    )
    result = reconcile(orders, "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["totals"] == {"USD": totals(0, 0, "0.00", "0.00", 1)}
    assert "nothing was compared" in result.stderr


@pytest.mark.parametrize(
    ("ordered_at", "said", "paid", "verdict", "at_stake", "over"),
    [
        # 300 × 5 % = 15.00 confirmed on 10-30 (from 10-15), or 20.00 pending until 12-05 (400 from 11-20)
        ("2026-10-15", "pending", "20.00", "over", "0.00", "5.00"),  # over before overdue: 20 − 15
        ("2026-10-15", "pending", "10.00", "short", "5.00", "0.00"),  # short before overdue: 15 − 10
        ("2026-10-15", "pending", "", "overdue", "15.00", "0.00"),  # status alone: C is due
        ("2026-10-15", "cancelled", "99.00", "cancelled_but_owed", "15.00", "0.00"),  # not over
        ("2026-10-15", "", "12.00", "short", "3.00", "0.00"),  # cashback alone: 15 − 12
        ("2026-11-20", "confirmed", "25.00", "over", "0.00", "5.00"),  # over before early: 25 − 20
        ("2026-11-20", "confirmed", "15.00", "short", "5.00", "0.00"),  # short before early: 20 − 15
        ("2026-11-20", "confirmed", "", "early", "0.00", "0.00"),
        ("2026-11-20", "cancelled", "", "cancelled_but_owed", "20.00", "0.00"),  # pending C kept
    ],
)
def test_the_first_verdict_that_applies_money_before_timing(
    tmp_path, ordered_at, said, paid, verdict, at_stake, over
):
    amount = "300.00" if ordered_at == "2026-10-15" else "400.00"
    orders = write(
        tmp_path / "orders.csv",
        f"order_id,ordered_at,amount,cashback_rate,reported_status,reported_cashback\n"
        f"X,{ordered_at},{amount},5,{said},{paid}\n",
    )
    (found,) = reconcile_json(orders)["differences"]
    assert (found["verdict"], found["at_stake"], found["over"]) == (verdict, at_stake, over)


@pytest.mark.parametrize(
    ("said", "paid"),
    [("confirmed", "15.00"), ("confirmed", ""), ("", "15.00"), ("cancelled", "0.00")],
    ids=["same", "status-only", "cashback-only", "zero-cashback-cancelled"],
)
def test_orders_that_agree_are_counted_not_listed(tmp_path, said, paid):
    # 300 × 5 % = 15.00, confirmed on 10-30; last case: rate 0 → C = 0.00, nothing owed on cancel
    rate = "0" if said == "cancelled" else "5"
    orders = write(
        tmp_path / "orders.csv",
        f"order_id,ordered_at,amount,cashback_rate,reported_status,reported_cashback\n"
        f"X,2026-10-15,300.00,{rate},{said},{paid}\n",
    )
    document = reconcile_json(orders, code=0)
    assert document["differences"] == []
    assert document["totals"] == {"USD": totals(1, 0, "0.00", "0.00", 0)}


def test_a_refund_above_the_amount_is_bad_data_exit_1(tmp_path):
    orders = write(
        tmp_path / "orders.csv",
        "order_id,ordered_at,amount,cashback_rate,reported_status,reported_cashback\n"
        "A,2026-10-01,100.00,5,confirmed,5.00\n",
    )
    disputes = write(
        tmp_path / "disputes.csv",
        "order_id,opened_at,resolved_at,refund_amount\nA,2026-10-02,2026-10-03,150.00\n",
    )
    result = reconcile(orders, "--disputes", disputes, "-f", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{disputes}:2: refund_amount" in result.stderr
    assert "Traceback" not in result.output


def test_a_missing_file_is_a_usage_error_exit_2(tmp_path):
    result = reconcile(tmp_path / "nope.csv", "-f", "json")
    assert result.exit_code == 2
    assert "nope.csv" in result.stderr
    assert "Traceback" not in result.output


def test_the_table_in_russian():
    catalogue = polib.pofile(str(ROOT / "cashback_cli/locale/ru/LC_MESSAGES/cashback.po"))
    entry = catalogue.find("Verdict")
    if entry is None or not entry.translated():
        pytest.skip("'Verdict' is not translated into Russian yet")
    result = invoke(
        "reconcile",
        ROOT / "examples/cabinet.csv",
        "--disputes",
        ROOT / "examples/cabinet-disputes.csv",
        "--currency",
        "RUB",
        "--as-of",
        AS_OF,
        "--lang",
        "ru",
    )
    assert result.exit_code == 4, result.output
    assert entry.msgstr in result.stdout
    assert "Verdict" not in result.stdout


# --- 2. cashback cabinets: Russian, Ukrainian and English words ------------------------------------

RUSSIAN_CABINET = """
Номер;Дата;Магазин;Сумма заказа;Кэшбэк;Статус
R1;01.10.2026;Ozon;2 000,00;100,00;подтверждён
R2;05.10.2026;Ozon;1 000,00;50,00;подтвержден
R3;10.10.2026;Ozon;800,00;;отклонён
R4;15.10.2026;Ozon;300,00;15,00;ожидается
R5;20.10.2026;Ozon;200,00;10,00;отменён
R6;20.11.2026;Ozon;400,00;25,00;Подтверждён
"""


def test_russian_cabinet_with_a_rate_from_the_command_line(tmp_path):
    orders = write(tmp_path / "cabinet.csv", RUSSIAN_CABINET)
    document = reconcile_json(orders, "--rate", "5", "--currency", "RUB")
    found = pick(document, "reported_status", "reported_cashback", "verdict", "at_stake", "over")
    assert found == {
        # R1: 2000 × 5 % = 100.00, confirmed 10-16, shown подтверждён 100,00: agrees.
        # R2: 1000 × 5 % = 50.00, confirmed 10-20, "подтвержден" (е for ё) 50,00: agrees.
        # R3: 800 × 5 % = 40.00 confirmed 10-25, nothing refunded; отклонён: 40.00 owed.
        "R3": ("cancelled", None, "cancelled_but_owed", "40.00", "0.00"),
        # R4: 300 × 5 % = 15.00 confirmed 10-30; still ожидается: 15.00 due now.
        "R4": ("pending", "15.00", "overdue", "15.00", "0.00"),
        # R5: 200 × 5 % = 10.00 confirmed 11-04; отменён with nothing refunded: 10.00 owed.
        "R5": ("cancelled", "10.00", "cancelled_but_owed", "10.00", "0.00"),
        # R6: 400 × 5 % = 20.00 on hold until 12-05; shown Подтверждён 25,00: 5.00 over.
        "R6": ("confirmed", "25.00", "over", "0.00", "5.00"),
    }
    # 6 compared, 4 differ; at stake 40 + 15 + 10 = 65.00; over 5.00
    assert document["totals"] == {"RUB": totals(6, 4, "65.00", "5.00", 0)}


def test_ukrainian_cabinet(tmp_path):
    orders = write(
        tmp_path / "cabinet.csv",
        """
Номер замовлення;Дата замовлення;Магазин;Сума замовлення;Кешбек;Статус
U1;20.11.2026;Rozetka;400,00;20,00;очікується
U2;01.10.2026;Rozetka;1 000,00;50,00;підтверджено
U3;01.10.2026;Rozetka;600,00;;відхилено
U4;02.10.2026;Rozetka;100,00;5,00;скасовано
U5;01.10.2026;Rozetka;200,00;10,00;очікується
""",
    )
    document = reconcile_json(orders, "--rate", "5", "--currency", "UAH")
    found = pick(document, "reported_status", "reported_cashback", "verdict", "at_stake")
    assert found == {
        # U1: 400 × 5 % = 20.00 on hold until 12-05, очікується: agrees.
        # U2: 1000 × 5 % = 50.00 confirmed 10-16, підтверджено: agrees.
        # U3: 600 × 5 % = 30.00 confirmed 10-16, відхилено: 30.00 owed.
        "U3": ("cancelled", None, "cancelled_but_owed", "30.00"),
        # U4: 100 × 5 % = 5.00 confirmed 10-17, скасовано: 5.00 owed.
        "U4": ("cancelled", "5.00", "cancelled_but_owed", "5.00"),
        # U5: 200 × 5 % = 10.00 confirmed 10-16, still очікується: 10.00 due.
        "U5": ("pending", "10.00", "overdue", "10.00"),
    }
    # at stake 30 + 5 + 10 = 45.00
    assert document["totals"] == {"UAH": totals(5, 3, "45.00", "0.00", 0)}


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("подтверждён", "confirmed"),
        ("подтвержден", "confirmed"),
        ("ПОДТВЕРЖДЁН", "confirmed"),
        ("ожидается", "pending"),
        ("отклонён", "cancelled"),
        ("отклонен", "cancelled"),
        ("отменён", "cancelled"),
        ("очікується", "pending"),
        ("підтверджено", "confirmed"),
        ("відхилено", "cancelled"),
        ("скасовано", "cancelled"),
        ("pending", "pending"),
        ("Confirmed", "confirmed"),
        ("approved", "confirmed"),
        ("declined", "cancelled"),
        ("CANCELED", "cancelled"),
        ("cancelled", "cancelled"),
    ],
)
def test_status_words_of_cabinets_and_networks(tmp_path, word, status):
    orders = write(
        tmp_path / "orders.csv",
        f"order_id,ordered_at,amount,cashback_rate,status\nW1,2026-10-01,100.00,5,{word}\n",
    )
    result = invoke("dispute", "W1", "--orders", orders, "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert (found["reported_status"], found["network_status"]) == (status, word)
    # 100 × 5 % = 5.00 confirmed on 10-16: a cancellation owes 5.00, a pending word is overdue
    verdict = {"confirmed": None, "pending": "overdue", "cancelled": "cancelled_but_owed"}[status]
    document = reconcile_json(orders, code=4 if verdict else 0)
    assert [d["verdict"] for d in document["differences"]] == ([verdict] if verdict else [])


def test_an_unknown_status_word_is_named_and_its_order_compared_by_cashback_alone(tmp_path):
    orders = write(
        tmp_path / "orders.csv",
        """
order_id,ordered_at,amount,cashback_rate,status,reported_cashback
S1,2026-10-01,100.00,5,shipped,
S2,2026-10-01,100.00,5,shipped,3.00
S3,2026-10-01,100.00,5,shipped,5.00
""",
    )
    result = reconcile(orders, "-f", "json")
    assert result.exit_code == 4, result.output
    document = json.loads(result.stdout)
    # 100 × 5 % = 5.00 each. S1: no known status, no cashback: not compared. S2: 3.00 shown,
    # 2.00 short. S3: 5.00 shown: agrees.
    (found,) = document["differences"]
    assert (found["order_id"], found["reported_status"], found["reported_cashback"], found["verdict"]) == (
        "S2",
        None,
        "3.00",
        "short",
    )
    assert found["at_stake"] == "2.00"
    assert document["totals"] == {"USD": totals(2, 1, "2.00", "0.00", 1)}
    assert "status words not understood" in result.stderr
    assert "'shipped' (3)" in result.stderr


def test_an_unknown_status_word_alone_is_not_compared(tmp_path):
    orders = write(
        tmp_path / "orders.csv",
        "order_id,ordered_at,amount,cashback_rate,status\nS1,2026-10-01,100.00,5,shipped\n",
    )
    result = reconcile(orders, "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "as_of": AS_OF,
        "differences": [],
        "totals": {"USD": totals(0, 0, "0.00", "0.00", 1)},
    }
    assert "'shipped' (1)" in result.stderr


def test_a_cashback_column_beside_a_status_column_is_the_reported_cashback(tmp_path):
    with_status = write(
        tmp_path / "with-status.csv",
        "order_id,ordered_at,amount,cashback,status\nK1,2026-10-01,100.00,7.00,confirmed\n",
    )
    without_status = write(
        tmp_path / "without-status.csv", "order_id,ordered_at,amount,cashback\nK1,2026-10-01,100.00,7.00\n"
    )
    bare = write(tmp_path / "bare.csv", "order_id,ordered_at,amount\nK1,2026-10-01,100.00\n")
    # With a status column, 7.00 is what the service reports; the rules give 100 × 5 % = 5.00.
    (found,) = reconcile_json(with_status, "--rate", "5")["differences"]
    assert (found["expected_cashback"], found["reported_cashback"], found["verdict"], found["over"]) == (
        "5.00",
        "7.00",
        "over",
        "2.00",
    )
    # `status` of that file has the figures of the file without both columns, and (as reconcile
    # and dispute do) what the service reports
    plain_result = invoke("status", bare, "--rate", "5", "--as-of", AS_OF, "-f", "json")
    result = invoke("status", with_status, "--rate", "5", "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == plain_result.exit_code == 0, result.output
    (order,) = json.loads(result.stdout)["orders"]
    reported = ["reported_status", "network_status", "reported_cashback"]
    assert list(order) == [*ORDER_KEYS, *reported]
    assert {key: order[key] for key in ORDER_KEYS} == json.loads(plain_result.stdout)["orders"][0]
    assert [order[key] for key in reported] == ["confirmed", "confirmed", "7.00"]
    assert order["expected_cashback"] == order["cashback"] == "5.00"
    result = invoke("status", with_status, "--rate", "5", "--as-of", AS_OF, "-f", "csv")
    assert result.stdout.splitlines()[0] == ",".join([*ORDER_KEYS, *reported])
    # Without a status column the same "cashback" is the fixed expected cashback: 7.00, rate null.
    result = invoke("status", without_status, "--rate", "5", "--as-of", AS_OF, "-f", "json")
    (order,) = json.loads(result.stdout)["orders"]
    assert (order["rate"], order["expected_cashback"]) == (None, "7.00")


@pytest.mark.parametrize("rate_header", ["Кэшбэк %", "Ставка, %", "% кэшбэка", "Процент кэшбэка, %"])
def test_a_cabinet_with_a_percent_rate_column_beside_cashback_and_status(tmp_path, rate_header):
    # README.md, "Input": a header with a percent sign is a rate.
    orders = write(
        tmp_path / "cabinet.csv",
        f"Номер;Дата;Сумма заказа;{rate_header};Кэшбэк;Статус\nP1;01.10.2026;1 000,00;5;40,00;подтверждён\n",
    )
    # 1000 × 5 % = 50.00 confirmed on 10-16; the cabinet shows 40,00: 10.00 short
    (found,) = reconcile_json(orders, "--currency", "RUB")["differences"]
    assert (
        found["rate"],
        found["cashback"],
        found["reported_cashback"],
        found["verdict"],
        found["at_stake"],
    ) == (
        "5",
        "50.00",
        "40.00",
        "short",
        "10.00",
    )


def test_a_cashback_column_beside_a_status_column_with_an_expected_cashback_column_too(tmp_path):
    # README.md: "a plain `cashback` / `Кэшбэк` column next to a status column is the cashback
    # the service reports", so the file names each figure once: expected_cashback is E, cashback
    # is the service's figure.
    orders = write(
        tmp_path / "orders.csv",
        "order_id,ordered_at,amount,expected_cashback,cashback,status\nK1,2026-10-01,100.00,5.00,4.00,confirmed\n",
    )
    # fixed E 5.00, nothing refunded: C = 5.00, confirmed 10-16; the service shows 4.00: 1.00 short
    (found,) = reconcile_json(orders)["differences"]
    assert (found["expected_cashback"], found["reported_cashback"], found["verdict"], found["at_stake"]) == (
        "5.00",
        "4.00",
        "short",
        "1.00",
    )


# --- 3. a network export: Admitad ----------------------------------------------------------------

ADMITAD = """
{"_meta": {"count": 3}, "results": [
 {"order_id": "AD-1", "action_type": "sale", "status": "declined", "action_date": "2026-10-01 10:00:00",
  "closing_date": "2026-10-31", "cart": 1000.00, "payment": 50.00, "currency": "RUB",
  "advcampaign_name": "Shop"},
 {"order_id": "AD-2", "action_type": "sale", "status": "approved", "action_date": "2026-10-05 10:00:00",
  "closing_date": "2026-11-04", "cart": 600.00, "payment": 30.00, "currency": "RUB",
  "advcampaign_name": "Shop"},
 {"order_id": "AD-3", "action_type": "sale", "status": "pending", "action_date": "2026-10-02 10:00:00",
  "closing_date": "2026-11-01", "cart": 400.00, "payment": 20.00, "currency": "RUB",
  "advcampaign_name": "Shop"}
]}
"""


@pytest.mark.parametrize(
    ("share", "overdue"),
    [
        (None, "20.00"),  # AD-3: 20.00 locked 11-01
        ("50", "10.00"),  # share 50: AD-3 20.00 × 50 % = 10.00
    ],
)
def test_on_a_network_file_its_cancellation_is_input_not_a_difference(tmp_path, share, overdue):
    path = write(tmp_path / "admitad.json", ADMITAD)
    options = ["--profile", "admitad"]
    if share is not None:
        options += ["--config", write(tmp_path / "policy.toml", f"[defaults]\nshare = {share}\n")]
    document = reconcile_json(path, *options)
    keys = ("reported_status", "reported_cashback", "cashback", "confirm_on", "verdict", "at_stake")
    found = pick(document, *keys)
    assert found == {
        # AD-1: declined by the network, so the rules cancel it too (a full refund on its date):
        # both say cancelled and 0.00, nothing is owed. Only the timing of AD-3 differs:
        # still pending at the network, locked on 11-01 < 11-24: confirmed by the rules, due now.
        "AD-3": ("pending", overdue, overdue, "2026-11-01", "overdue", overdue),
        # AD-2: approved, locked 11-04, the same share of 30.00 on both sides: agrees
    }
    assert document["totals"] == {"RUB": totals(3, 1, overdue, "0.00", 0)}


# --- 4. `cashback dispute` shows what the service reports ------------------------------------------


def test_dispute_shows_the_reported_status_and_cashback(tmp_path):
    orders = write(
        tmp_path / "cabinet.csv",
        """
Номер;Дата;Магазин;Сумма заказа;Ставка;Кэшбэк;Статус
C-102;05.10.2026;Ozon;1 000,00;5;50,00;отклонён
""",
    )
    disputes = write(
        tmp_path / "disputes.csv",
        "order_id,opened_at,resolved_at,refund_amount\nC-102,2026-10-08,2026-10-20,400.00\n",
    )
    args = [
        "dispute",
        "C-102",
        "--orders",
        orders,
        "--disputes",
        disputes,
        "--currency",
        "RUB",
        "--as-of",
        AS_OF,
    ]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    text = plain(result.stdout)
    # 1000 × 5 % = 50.00; 400 refunded: 600 × 5 % = 30.00 confirmed on 10-20; the service: отклонён 50,00
    assert "Cashback 30.00 RUB" in text
    assert "Status confirmed" in text
    assert "Reported status cancelled (отклонён)" in text
    assert "Reported cashback 50.00 RUB" in text
    result = invoke(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    # the keys `status` gives this file's orders: its store, what the cabinet reports (no lock date)
    reported_keys = ["store", "reported_status", "network_status", "reported_cashback"]
    assert list(found) == [*ORDER_KEYS, *reported_keys, "explanation"]
    assert (found["cashback"], found["status"]) == ("30.00", "confirmed")
    assert (
        found["store"],
        found["reported_status"],
        found["network_status"],
        found["reported_cashback"],
    ) == (
        "Ozon",
        "cancelled",
        "отклонён",
        "50.00",
    )
    status_json = invoke(
        "status", orders, "-d", disputes, "--currency", "RUB", "--as-of", AS_OF, "-f", "json"
    )
    (order,) = json.loads(status_json.stdout)["orders"]
    assert order == {key: value for key, value in found.items() if key != "explanation"}


# --- 5. property: copying the rules' own figures agrees; moving one value differs once ----------------

MINOR = {"USD": 2, "RUB": 2, "JPY": 0, "KWD": 3}
FIRST_DAY = date(2026, 1, 1)


def unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-MINOR[currency])


def money_text(units: int, currency: str) -> str:
    return f"{units * unit(currency):f}"


@st.composite
def cases(draw):
    """Orders with distinct ids (rate or fixed cashback, maybe a cap and a hold) and their disputes,
    whose refunds add up to at most the amount; the as-of date is on or after every order."""
    orders, disputes = [], []
    for number in range(draw(st.integers(1, 5))):
        currency = draw(st.sampled_from(sorted(MINOR)))
        amount = draw(st.integers(1, 200_000 * 10 ** MINOR[currency] // 100))
        ordered = FIRST_DAY + timedelta(days=draw(st.integers(0, 300)))
        rate = fixed = ""
        if draw(st.booleans()):
            rate = f"{Decimal(draw(st.integers(0, 3000))) / 100:f}"
        else:
            fixed = money_text(draw(st.integers(0, 500 * 10 ** MINOR[currency])), currency)
        cap = draw(st.none() | st.integers(0, 300 * 10 ** MINOR[currency]))
        hold = draw(st.none() | st.integers(0, 60))
        order_id = f"P{number}"
        orders.append(
            {
                "order_id": order_id,
                "ordered_at": ordered.isoformat(),
                "amount": money_text(amount, currency),
                "currency": currency,
                "cashback_rate": rate,
                "expected_cashback": fixed,
                "max_cashback": "" if cap is None else money_text(cap, currency),
                "hold_days": "" if hold is None else str(hold),
            }
        )
        left = amount
        for _ in range(draw(st.integers(0, 2))):
            opened = ordered + timedelta(days=draw(st.integers(0, 60)))
            resolved = draw(st.none() | st.integers(0, 60).map(lambda n, o=opened: o + timedelta(days=n)))
            refund = draw(st.integers(0, left))
            left -= refund
            disputes.append(
                {
                    "order_id": order_id,
                    "opened_at": opened.isoformat(),
                    "resolved_at": "" if resolved is None else resolved.isoformat(),
                    "refund_amount": money_text(refund, currency),
                }
            )
    last = max(date.fromisoformat(order["ordered_at"]) for order in orders)
    as_of = last + timedelta(days=draw(st.integers(0, 120)))
    options = [
        "--as-of",
        as_of.isoformat(),
        "--rounding",
        draw(st.sampled_from(["half-up", "half-even", "down"])),
        "--dispute-policy",
        draw(st.sampled_from(["proportional", "cancel"])),
    ]
    return orders, disputes, options, draw(st.randoms(use_true_random=False))


def write_rows(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def mutations(evaluated: dict) -> list[tuple[str, str, str, str]]:
    """(order id, new status, new cashback, expected verdict) for each one-value change that the
    rules call a difference. Not listed, as the rules intend: on an order the rules cancel (C = 0),
    the service's cancellation agrees whatever figure it shows, and a pending or confirmed 0.00 is
    not more than the rules give; on an order whose C is 0, a cancellation owes nothing."""
    found = []
    for order_id, order in evaluated.items():
        status, cashback, currency = order["status"], Decimal(order["cashback"]), order["currency"]
        if status == "cancelled":
            continue
        step = unit(currency)
        for units in (1, 7, 10 ** MINOR[currency]):
            found.append((order_id, status, f"{cashback + units * step:f}", "over"))
            if cashback - units * step >= 0:
                found.append((order_id, status, f"{cashback - units * step:f}", "short"))
        other = {"pending": "confirmed", "confirmed": "pending"}[status]
        found.append(
            (order_id, other, order["cashback"], {"pending": "early", "confirmed": "overdue"}[status])
        )
        if cashback > 0:
            found.append((order_id, "cancelled", order["cashback"], "cancelled_but_owed"))
    return found


@settings(max_examples=60, deadline=None)
@given(cases())
def test_the_rules_own_figures_agree_and_one_moved_value_differs_once(case):
    orders, disputes, options, random = case
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        files = [write_rows(folder / "orders.csv", orders)]
        dispute_options = ["--disputes", write_rows(folder / "disputes.csv", disputes)] if disputes else []
        result = invoke("status", files[0], *dispute_options, *options, "-f", "json")
        assert result.exit_code == 0, result.output
        evaluated = {order["order_id"]: order for order in json.loads(result.stdout)["orders"]}
        assert set(evaluated) == {order["order_id"] for order in orders}

        def with_reported(changed=None) -> Path:
            rows = []
            for order in orders:
                said = evaluated[order["order_id"]]
                status, cashback = said["status"], said["cashback"]
                if changed is not None and changed[0] == order["order_id"]:
                    status, cashback = changed[1], changed[2]
                rows.append({**order, "reported_status": status, "reported_cashback": cashback})
            return write_rows(folder / "reported.csv", rows)

        result = invoke("reconcile", with_reported(), *dispute_options, *options, "-f", "json")
        assert result.exit_code == 0, result.output
        document = json.loads(result.stdout)
        assert document["differences"] == []
        assert all(sums["differ"] == 0 for sums in document["totals"].values())
        assert sum(sums["compared"] for sums in document["totals"].values()) == len(orders)

        candidates = mutations(evaluated)
        if not candidates:
            return  # every order cancelled by the rules: no single value the rules call a difference
        changed = random.choice(candidates)
        result = invoke("reconcile", with_reported(changed), *dispute_options, *options, "-f", "json")
        assert result.exit_code == 4, (changed, result.output)
        document = json.loads(result.stdout)
        assert [(d["order_id"], d["verdict"]) for d in document["differences"]] == [(changed[0], changed[3])]
        assert sum(sums["differ"] for sums in document["totals"].values()) == 1
