"""The network's own word is evidence (docs/rules.md, "The network's word is evidence"): its
cancellations cancel, its lines keep their own commission. Files written by us in each
network's published shape; every figure worked out by hand in a comment. As of 2026-11-24,
the default 15-day hold.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import exact_json
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cashback_cli.cli import app

runner = CliRunner()
AS_OF = "2026-11-24"


def invoke(*args):
    return runner.invoke(app, [str(arg) for arg in args], env={"NO_COLOR": "1", "COLUMNS": "200"})


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text.lstrip("\n"), encoding="utf-8")
    return path


def report(path: Path, *options, as_of: str = AS_OF) -> dict:
    result = invoke("status", path, "--as-of", as_of, "-f", "json", *options)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def orders_of(document: dict) -> dict[str, dict]:
    return {order["order_id"]: order for order in document["orders"]}


def figures(order: dict) -> tuple:
    keys = ("amount", "refunded", "expected_cashback", "cashback", "cancelled_cashback", "status", "reason")
    return tuple(order[key] for key in keys)


# --- 1. a network's cancellation cancels ----------------------------------------------------------


def awin_record(ref: str, status: str, sale: str, commission: str, day: str, validated, reason=None) -> dict:
    return {
        "id": int(ref.split("-")[1]),
        "advertiserId": 8811,
        "commissionStatus": status,
        "commissionAmount": {"amount": Decimal(commission), "currency": "SEK"},
        "saleAmount": {"amount": Decimal(sale), "currency": "SEK"},
        "transactionDate": f"{day}T10:00:00",
        "validationDate": None if validated is None else f"{validated}T00:00:00",
        "declineReason": reason,
        "amended": False,
        "oldSaleAmount": None,
        "oldCommissionAmount": None,
        "orderRef": ref,
    }


AWIN = [
    awin_record("AW-1", "declined", "640.00", "51.20", "2026-10-02", "2026-10-20", "Order cancelled"),
    awin_record("AW-2", "approved", "100.00", "8.00", "2026-10-05", "2026-10-25"),
]


def test_an_order_the_network_declined_is_cancelled_with_its_word_and_reason(tmp_path):
    document = report(write(tmp_path, "awin.json", exact_json(AWIN)), "--profile", "awin")
    orders = orders_of(document)
    # AW-1: declined on 10-20 (its validation date): a full refund of 640.00, so C = 0 and the
    # commission 51.20 is cancelled; the network pays nothing for it (reported 0.00).
    assert figures(orders["AW-1"]) == (
        "640.00",
        "640.00",
        "51.20",
        "0.00",
        "51.20",
        "cancelled",
        "cancelled by the network: declined (Order cancelled)",
    )
    assert orders["AW-1"]["reported_cashback"] == "0.00"
    # Confirmed is AW-2's 8.00 alone; 51.20 is cancelled, never confirmed.
    assert document["totals"]["SEK"] == {
        "orders": 2,
        "pending": "0.00",
        "confirmed": "8.00",
        "cancelled": "51.20",
    }


def test_reconcile_of_a_network_cancellation_finds_nothing_owed(tmp_path):
    path = write(tmp_path, "awin.json", exact_json(AWIN))
    result = invoke("reconcile", path, "--profile", "awin", "--as-of", AS_OF, "-f", "json")
    # Both orders agree: the rules cancel AW-1 as the network did; AW-2 is confirmed on both sides.
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["differences"] == []
    assert document["totals"]["SEK"]["at_stake"] == "0.00"


def test_dispute_explains_the_networks_cancellation(tmp_path):
    path = write(tmp_path, "awin.json", exact_json(AWIN))
    result = invoke("dispute", "AW-1", "--orders", path, "--profile", "awin", "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 0, result.output
    steps = json.loads(result.stdout)["explanation"]
    assert "Cancelled by the network on 2026-10-20: declined (Order cancelled)." in steps
    assert "Cancelled by the network: no cashback." in steps


def test_the_table_says_cancelled_by_the_network_in_russian(tmp_path):
    path = write(tmp_path, "awin.json", exact_json(AWIN))
    result = runner.invoke(
        app,
        ["status", str(path), "--profile", "awin", "--as-of", AS_OF, "--lang", "ru"],
        env={"NO_COLOR": "1", "COLUMNS": "160"},
    )
    assert result.exit_code == 0, result.output
    assert "отменён сетью: declined (Order cancelled)" in result.stdout


def test_before_the_networks_date_the_cancelled_order_is_pending_never_confirmed(tmp_path):
    # As of 11-05, past the hold (10-02 + 15 = 10-17) but before the network declined AW-1 on
    # 11-10: the cancellation is open from the order's date, so the order is pending (frozen),
    # not confirmed; from 11-10 on it is cancelled.
    record = awin_record("AW-1", "declined", "640.00", "51.20", "2026-10-02", "2026-11-10", "Order cancelled")
    path = write(tmp_path, "awin.json", exact_json([record]))
    early = orders_of(report(path, "--profile", "awin", as_of="2026-11-05"))["AW-1"]
    assert (early["status"], early["cashback"], early["reason"]) == ("pending", "51.20", "dispute open")
    late = orders_of(report(path, "--profile", "awin", as_of="2026-11-10"))["AW-1"]
    assert (late["status"], late["cashback"]) == ("cancelled", "0.00")


IMPACT_REVERSED = """
{"Actions": [
  {"Id": "1.1.1", "CampaignName": "Trailhead", "State": "REVERSED", "Payout": 10.56, "Amount": 132.00, "Currency": "USD", "EventDate": "2026-10-18T10:00:00.000Z", "LockingDate": "2026-11-17T08:00:00.000Z", "Oid": "IM-9"},
  {"Id": "1.1.2", "CampaignName": "Trailhead", "State": "REVERSED", "Payout": 0, "Amount": 0, "Currency": "USD", "EventDate": "2026-10-19T10:00:00.000Z", "LockingDate": "2026-11-17T08:00:00.000Z", "Oid": "IM-10"}
]}
"""


def test_impact_reversed_actions_are_cancelled_with_or_without_an_amount(tmp_path):
    orders = orders_of(report(write(tmp_path, "impact.json", IMPACT_REVERSED), "--profile", "impact"))
    # IM-9: 132.00 reversed on its lock date 11-17: refunded in full, 10.56 cancelled.
    assert figures(orders["IM-9"]) == (
        "132.00",
        "132.00",
        "10.56",
        "0.00",
        "10.56",
        "cancelled",
        "cancelled by the network: REVERSED",
    )
    # IM-10: Amount 0 (a lead, as impact.com writes a reversal): nothing to refund, cancelled.
    assert figures(orders["IM-10"]) == (
        None,
        "0.00",
        "0.00",
        "0.00",
        "0.00",
        "cancelled",
        "cancelled by the network: REVERSED",
    )


FLAG_PROFILE = """
description = "a feed with a cancelled flag"
records = "rows"
[fields]
order_id = "orderId"
ordered_at = "transactionDate"
amount = "orderValue"
commission = "commission"
currency = "currency"
cancelled = "cancelled"
"""


@pytest.mark.parametrize(
    ("flag", "status", "cashback", "reported"),
    [("true", "cancelled", "0.00", "cancelled"), ("false", "confirmed", "4.00", None)],
)
def test_a_cancelled_flag_that_is_true_cancels(tmp_path, flag, status, cashback, reported):
    profile = write(tmp_path, "flag.toml", FLAG_PROFILE)
    feed = (
        '{"rows": [{"orderId": "F1", "transactionDate": "2026-10-01T10:00:00", "orderValue": 80.0,'
        f' "commission": 4.0, "currency": "EUR", "cancelled": {flag}}}]}}'
    )
    order = orders_of(report(write(tmp_path, "feed.json", feed), "--profile", profile))["F1"]
    # 80.00 EUR, commission 4.00; a true flag is the network's cancellation on the order's date;
    # a false one says only that it is not cancelled: no status is reported.
    assert (order["status"], order["cashback"], order["reported_status"]) == (status, cashback, reported)


# --- 2. lines keep their own amount and commission ------------------------------------------------


def aliexpress(*sub_orders: tuple) -> str:
    """(sub-order id, status, paid cents, commission cents) of one order, 8201…01."""
    records = [
        {
            "order_id": 8201000000000001,
            "sub_order_id": sub_id,
            "order_status": status,
            "product_title": f"Item {sub_id}",
            "settled_currency": "USD",
            "paid_amount": paid,
            "estimated_paid_commission": commission,
            "created_time": "2026-10-08 21:14:09",
        }
        for sub_id, status, paid, commission in sub_orders
    ]
    body = {"resp_result": {"result": {"orders": {"order": records}}}}
    return json.dumps({"aliexpress_affiliate_order_list_response": body})


def test_an_invalid_sub_order_leaves_with_its_own_commission(tmp_path):
    text = aliexpress((11, "Buyer Confirmed Receipt", 1500, 113), (12, "Invalid", 2000, 105))
    document = report(write(tmp_path, "ae.json", text), "--profile", "aliexpress")
    order = orders_of(document)["8201000000000001"]
    # E = 1.13 + 1.05 = 2.18 on 35.00; sub-order 12 (20.00, 1.05) is the network's cancellation:
    # C = 2.18 − 1.05 = 1.13 (not 2.18 × 15 / 35 = 0.93); cancelled 1.05. 10-08 + 15 = 10-23.
    assert figures(order) == (
        "35.00",
        "20.00",
        "2.18",
        "1.13",
        "1.05",
        "confirmed",
        "confirmed on 2026-10-23",
    )
    assert order["reported_cashback"] == "1.13"  # the network pays the valid sub-order only
    result = invoke(
        "dispute",
        "8201000000000001",
        "--orders",
        write(tmp_path, "ae.json", text),
        "--profile",
        "aliexpress",
        "--as-of",
        AS_OF,
        "-f",
        "json",
    )
    steps = json.loads(result.stdout)["explanation"]
    assert any(
        step.startswith("Line 12 cancelled by the network on 2026-10-08: Invalid") for step in steps
    ), steps
    assert any("taking back its own commission of 1.05 USD" in step for step in steps), steps


def rakuten(*rows: tuple) -> str:
    """(sku, amount, commission, process date) rows of order RK-1, placed 2026-10-01."""
    return exact_json(
        [
            {
                "order_id": "RK-1",
                "sku_number": sku,
                "product_name": sku.title(),
                "sale_amount": Decimal(amount),
                **({} if commission is None else {"commissions": Decimal(commission)}),
                "transaction_date": "2026-10-01 10:00:00",
                "process_date": f"{day} 09:00:00",
                "currency": "USD",
                "advertiser_id": 1,
            }
            for sku, amount, commission, day in rows
        ]
    )


SALE = [("TV", "500.00", "5.00", "2026-10-01"), ("CABLE", "50.00", "4.00", "2026-10-01")]


@pytest.mark.parametrize(
    ("returned", "expected"),
    [
        # the cable returned with its own commission −4.00: C = 9.00 − 4.00 = 5.00, not 8.18
        (("CABLE", "-50.00", "-4.00", "2026-10-20"), ("550.00", "50.00", "9.00", "5.00", "4.00")),
        # a return row without a commission: the cable's own rate, 4.00 / 50.00 = 8 %: 4.00 back
        (("CABLE", "-50.00", None, "2026-10-20"), ("550.00", "50.00", "9.00", "5.00", "4.00")),
        # half of the TV returned at its own 1 %: 250.00 × 1 % = 2.50 back: C = 6.50
        (("TV", "-250.00", None, "2026-10-20"), ("550.00", "250.00", "9.00", "6.50", "2.50")),
    ],
    ids=["own-commission", "own-rate", "half-the-tv"],
)
def test_a_return_takes_back_its_own_lines_commission(tmp_path, returned, expected):
    path = write(tmp_path, "rk.json", rakuten(*SALE, returned))
    order = orders_of(report(path, "--profile", "rakuten"))["RK-1"]
    assert figures(order)[:5] == expected


def test_a_returned_item_that_earned_nothing_takes_nothing(tmp_path):
    # 1.53 earned by a book, nothing by a bag; the bag is returned with commission 0.00:
    # C stays 1.53 (not 1.53 × 25.50 / 35.00 = 1.11).
    rows = [("BOOK", "25.50", "1.53", "2026-10-01"), ("BAG", "9.50", "0.00", "2026-10-01")]
    path = write(tmp_path, "rk.json", rakuten(*rows, ("BAG", "-9.50", "0.00", "2026-10-20")))
    order = orders_of(report(path, "--profile", "rakuten"))["RK-1"]
    assert figures(order)[:5] == ("35.00", "9.50", "1.53", "1.53", "0.00")


def test_a_line_return_and_a_whole_order_refund_together(tmp_path):
    # The cable leaves with its 4.00: 500.00 and 5.00 remain. A dispute then refunds 100.00 of
    # the order as a whole: proportional on what remains: C = 5.00 × 400 / 500 = 4.00.
    path = write(tmp_path, "rk.json", rakuten(*SALE, ("CABLE", "-50.00", "-4.00", "2026-10-20")))
    disputes = write(
        tmp_path, "d.csv", "order_id,opened_at,resolved_at,refund_amount\nRK-1,2026-10-21,2026-10-25,100.00\n"
    )
    order = orders_of(report(path, "--profile", "rakuten", "--disputes", disputes))["RK-1"]
    assert figures(order)[:5] == ("550.00", "150.00", "9.00", "4.00", "5.00")


# --- properties -----------------------------------------------------------------------------------

FIRST = date(2026, 9, 1)


@settings(max_examples=15, deadline=None)
@given(
    cents=st.integers(1, 10_000_000),
    commission=st.integers(0, 1_000_000),
    ordered=st.integers(0, 60),
    decided=st.integers(0, 60),
    as_of=st.integers(0, 150),
    word=st.sampled_from(["declined", "deleted"]),
)
def test_a_network_cancelled_order_never_adds_to_pending_or_confirmed(
    tmp_path_factory, cents, commission, ordered, decided, as_of, word
):
    day = FIRST + timedelta(days=ordered)
    validated = day + timedelta(days=decided)
    on = day + timedelta(days=as_of)
    amount, paid = Decimal(cents).scaleb(-2), Decimal(commission).scaleb(-2)
    record = awin_record("AW-1", word, f"{amount:f}", f"{paid:f}", day.isoformat(), validated.isoformat())
    path = write(tmp_path_factory.mktemp("awin"), "awin.json", exact_json([record]))
    document = report(path, "--profile", "awin", as_of=on.isoformat())
    totals = document["totals"]["SEK"]
    assert totals["confirmed"] == "0.00"  # never confirmed, at any date
    if on >= validated:  # once the network has said so, never pending either
        assert totals["pending"] == "0.00"
        assert totals["cancelled"] == f"{paid:f}"


line = st.tuples(st.integers(1, 1_000_000), st.integers(0, 100_000))  # (cents, commission cents)


@settings(max_examples=15, deadline=None)
@given(lines=st.lists(line, min_size=2, max_size=4), pick=st.data())
def test_a_return_lowers_the_cashback_by_its_lines_commission_exactly(tmp_path_factory, lines, pick):
    index = pick.draw(st.integers(0, len(lines) - 1))
    rows = [
        (f"SKU{i}", f"{Decimal(a).scaleb(-2):f}", f"{Decimal(c).scaleb(-2):f}", "2026-10-01")
        for i, (a, c) in enumerate(lines)
    ]
    folder = tmp_path_factory.mktemp("rk")
    before = orders_of(report(write(folder, "a.json", rakuten(*rows)), "--profile", "rakuten"))["RK-1"]
    sku, amount, commission, _day = rows[index]
    back = (sku, f"-{amount}", f"-{commission}" if Decimal(commission) else "0.00", "2026-10-20")
    after = orders_of(report(write(folder, "b.json", rakuten(*rows, back)), "--profile", "rakuten"))["RK-1"]
    # whole cents and a 100 % share: nothing to round, so exactly the line's commission
    assert Decimal(before["cashback"]) - Decimal(after["cashback"]) == Decimal(commission)
    assert Decimal(after["cashback"]) >= 0
    if Decimal(commission) == 0:  # a line that earns nothing never lowers the cashback
        assert after["cashback"] == before["cashback"]


status_words = st.sampled_from(["pending", "approved", "declined"])


@settings(max_examples=12, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 1_000_000), st.integers(0, 100_000), st.integers(0, 80), status_words),
        min_size=1,
        max_size=5,
    )
)
def test_reconcile_of_a_network_file_that_agrees_with_the_rules_finds_nothing(tmp_path_factory, sales):
    # Each sale's status agrees with the rules as of 11-24: approved and declined ones validated
    # on or before it, pending ones after it.
    as_of = date(2026, 11, 24)
    records = []
    for n, (cents, commission, offset, word) in enumerate(sales):
        day = FIRST + timedelta(days=offset)
        validated = as_of + timedelta(days=5) if word == "pending" else min(day + timedelta(days=20), as_of)
        records.append(
            awin_record(
                f"AW-{n + 1}",
                word,
                f"{Decimal(cents).scaleb(-2):f}",
                f"{Decimal(commission).scaleb(-2):f}",
                day.isoformat(),
                validated.isoformat(),
            )
        )
    path = write(tmp_path_factory.mktemp("awin"), "awin.json", exact_json(records))
    result = invoke("reconcile", path, "--profile", "awin", "--as-of", as_of.isoformat(), "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["differences"] == []


# --- minor units are never guessed, but a file that looks like cents is named ----------------------

WHOLE = "order_id,ordered_at,amount,currency,cashback_rate\nW1,2026-10-01,1113,USD,10\nW2,2026-10-02,2500,USD,10\n"
HINT = "every amount in {file} is a whole number, in USD, which has cents"


def _engine_run(monkeypatch, path: Path, engine: str, *options) -> tuple[int, str, str]:
    """status --summary through one engine: the careful Python one, the lean one, or DuckDB."""
    import cashback_cli.run.lean as lean

    args = ["status", str(path), "--as-of", AS_OF, "--summary", "-f", "json", *options]
    with monkeypatch.context() as patch:
        if engine == "careful":
            for name in ("lean_summary", "lean_report", "lean_upcoming", "lean_table"):
                patch.setattr(lean, name, lambda *a, **k: None)
        if engine == "duckdb":
            args += ["--engine", "duckdb"]
        result = runner.invoke(app, args, env={"NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("engine", ["careful", "lean", "duckdb"])
def test_a_file_whose_every_amount_is_whole_is_warned_about_cents_in_every_engine(
    tmp_path, monkeypatch, engine
):
    path = write(tmp_path, "orders.csv", WHOLE)
    code, out, err = _engine_run(monkeypatch, path, engine)
    # read as written: 1113.00 and 2500.00 USD at 10 %, 111.30 + 250.00 = 361.30 confirmed
    assert code == 0
    assert json.loads(out)["totals"]["USD"]["confirmed"] == "361.30"
    assert HINT.format(file=path) in err and "--minor-units amount" in err


@pytest.mark.parametrize(
    ("text", "options"),
    [
        (WHOLE.replace("2500,", "2500.50,"), ()),  # one amount written with cents
        (WHOLE.replace("USD", "JPY"), ()),  # a currency without cents
        (WHOLE, ("--minor-units", "amount")),  # said to be cents
    ],
    ids=["one-with-cents", "yen", "minor-units-given"],
)
@pytest.mark.parametrize("engine", ["careful", "lean", "duckdb"])
def test_no_cents_warning_where_the_amounts_cannot_be_cents(tmp_path, monkeypatch, engine, text, options):
    code, _out, err = _engine_run(monkeypatch, write(tmp_path, "orders.csv", text), engine, *options)
    assert code == 0
    assert "whole number" not in err


def test_validate_names_the_whole_amounts_too(tmp_path):
    path = write(tmp_path, "orders.csv", WHOLE)
    result = invoke("validate", path)
    assert result.exit_code == 0
    assert result.stdout == "ok, 2 orders, 0 disputes\n"
    assert HINT.format(file=path) in result.stderr
