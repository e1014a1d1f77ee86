"""Money at its edges: minor units, a fixed cashback under a cap with a partial refund, amounts
that are zero or negative, and commas that mean thousands in an amount but a decimal in a rate.

Every expected figure is worked out by hand from docs/rules.md's rules and the README's "Decisions".
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from cashback_cli.cli import app
from cashback_cli.core.records import Dispute, Order, Policy, Source, Status
from cashback_cli.core.rules import RuleError, evaluate_order
from cashback_cli.run.evaluation import Evaluation

D = Decimal
AS_OF = date(2026, 11, 24)
AS_OF_TEXT = "2026-11-24"
ORDERED = date(2026, 10, 1)  # + 15 days = 2026-10-16, before AS_OF
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"NO_COLOR": "1", "LC_ALL": "C"})


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def status_json(orders, *extra: str) -> dict:
    result = invoke("status", str(orders), *extra, "--as-of", AS_OF_TEXT, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def only_order(document: dict) -> dict:
    (order,) = document["orders"]
    return order


# --- amounts and refunds finer than the currency's minor unit ------------------------------------


def test_core_refuses_an_amount_finer_than_the_cent():
    the_order = Order("M1", ORDERED, D("10.004"), "USD", D("5"))
    with pytest.raises(RuleError) as caught:
        evaluate_order(the_order, [], AS_OF, Policy())
    assert caught.value.field == "amount"
    assert caught.value.value == "10.004"


def test_core_refuses_a_refund_finer_than_the_yen_and_names_the_dispute():
    the_order = Order("M2", ORDERED, D("1000"), "JPY", D("5"), source=Source("o.csv", 2))
    refund = Dispute("M2", date(2026, 10, 5), date(2026, 10, 6), D("100.5"), source=Source("d.csv", 7))
    evaluation = Evaluation([refund], AS_OF, lambda _order: Policy())
    assert list(evaluation.results([the_order])) == []
    assert [(p.file, p.line, p.field, p.value) for p in evaluation.problems] == [
        ("d.csv", 7, "refund_amount", "100.5")
    ]


def test_core_refuses_a_finer_refund_of_a_dispute_still_open():
    # open or not, 100.5 JPY cannot have been refunded
    the_order = Order("M3", ORDERED, D("1000"), "JPY", D("5"))
    with pytest.raises(RuleError) as caught:
        evaluate_order(the_order, [Dispute("M3", date(2026, 11, 1), None, D("100.5"))], AS_OF, Policy())
    assert caught.value.field == "refund_amount"


@pytest.mark.parametrize(
    ("amount", "currency", "shown", "expected"),
    [
        ("10.000", "USD", "10.00", "0.50"),  # trailing zeros: exactly 10; 10 × 5% = 0.50
        ("1000.00", "JPY", "1000", "50"),  # 1000 × 5% = 50
        ("12.3450", "KWD", "12.345", "0.617"),  # 12.345 × 5% = 0.61725 → 0.617
    ],
)
def test_trailing_zeros_past_the_minor_unit_are_fine(tmp_path, amount, currency, shown, expected):
    orders = write(
        tmp_path / "o.csv",
        f"order_id,ordered_at,amount,currency,cashback_rate\nT1,2026-10-01,{amount},{currency},5\n",
    )
    order = only_order(status_json(orders))
    assert (order["amount"], order["expected_cashback"], order["cashback"]) == (shown, expected, expected)


def test_cli_refuses_an_amount_finer_than_the_cent_naming_file_line_and_field(tmp_path):
    orders = write(
        tmp_path / "o.csv",
        "order_id,ordered_at,amount,currency,cashback_rate\nF1,2026-10-01,20.00,USD,5\nF2,2026-10-01,10.004,USD,5\n",
    )
    result = invoke("status", str(orders), "--as-of", AS_OF_TEXT, "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{orders}:3: amount: got '10.004'" in result.stderr
    assert "2 decimal places" in result.stderr


def test_cli_refuses_a_refund_finer_than_the_yen_naming_the_disputes_file_line_and_field(tmp_path):
    orders = write(
        tmp_path / "o.csv", "order_id,ordered_at,amount,currency,cashback_rate\nJ1,2026-10-01,1000,JPY,5\n"
    )
    disputes = write(
        tmp_path / "d.csv", "order_id,opened_at,resolved_at,refund_amount\nJ1,2026-10-05,2026-10-06,100.5\n"
    )
    result = invoke("status", str(orders), "-d", str(disputes), "--as-of", AS_OF_TEXT, "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{disputes}:2: refund_amount: got '100.5'" in result.stderr
    assert "0 decimal places" in result.stderr


def test_validate_refuses_finer_amounts_and_refunds_too(tmp_path):
    orders = write(
        tmp_path / "o.csv",
        "order_id,ordered_at,amount,currency,cashback_rate\nV1,2026-10-01,10.004,USD,5\nV2,2026-10-01,1000,JPY,5\n",
    )
    disputes = write(
        tmp_path / "d.csv", "order_id,opened_at,resolved_at,refund_amount\nV2,2026-10-05,2026-10-06,100.5\n"
    )
    result = invoke("validate", str(orders), "-d", str(disputes))
    assert result.exit_code == 1
    assert f"{orders}:2: amount: got '10.004'" in result.stderr
    assert f"{disputes}:2: refund_amount: got '100.5'" in result.stderr


# --- rule 5 with a fixed expected cashback, a cap and a partial refund --------------------------------


@pytest.mark.parametrize(
    ("fixed", "cap", "amount", "refund", "rounding", "expected", "cashback", "cancelled"),
    [
        # E = min(50, 40) = 40.00 (rule 3); C = E × (200 − 50) / 200 = 40 × 3/4 = 30.00; 40 − 30 = 10.00
        ("50", "40", "200.00", "50.00", "half-up", "40.00", "30.00", "10.00"),
        # E = min(10, 7) = 7.00; C = 7 × 20/30 = 4.666…: 4.67 half-up and half-even, 4.66 down
        ("10", "7", "30.00", "10.00", "half-up", "7.00", "4.67", "2.33"),
        ("10", "7", "30.00", "10.00", "half-even", "7.00", "4.67", "2.33"),
        ("10", "7", "30.00", "10.00", "down", "7.00", "4.66", "2.34"),
        # a cap finer than the cent: E = 40.005 → 40.01 half-up (rule 3 rounds it);
        # C = 40.01 × 150/200 = 30.0075 → 30.01; 40.01 − 30.01 = 10.00
        ("50", "40.005", "200.00", "50.00", "half-up", "40.01", "30.01", "10.00"),
        # the cap above the fixed figure changes nothing: E = 30.00, C = 30 × 150/200 = 22.50
        ("30", "40", "200.00", "50.00", "half-up", "30.00", "22.50", "7.50"),
    ],
)
def test_fixed_expected_cashback_with_a_cap_and_a_partial_refund(
    fixed, cap, amount, refund, rounding, expected, cashback, cancelled
):
    the_order = Order("X1", ORDERED, D(amount), "USD", None, expected_cashback=D(fixed), max_cashback=D(cap))
    dispute = Dispute("X1", date(2026, 10, 5), date(2026, 10, 6), D(refund))
    result = evaluate_order(the_order, [dispute], AS_OF, Policy(rounding=rounding))
    assert (result.expected_cashback, result.cashback, result.cancelled_cashback) == (
        D(expected),
        D(cashback),
        D(cancelled),
    )
    assert result.refunded == D(refund)
    assert result.rate is None
    assert result.status is Status.CONFIRMED


def test_fixed_expected_cashback_with_a_cap_from_the_policy_and_a_partial_refund():
    # the cap of the policy, 40, applies as the order's own would: E = 40.00, C = 30.00
    the_order = Order("X2", ORDERED, D("200.00"), "USD", None, expected_cashback=D("50"))
    dispute = Dispute("X2", date(2026, 10, 5), date(2026, 10, 6), D("50.00"))
    result = evaluate_order(the_order, [dispute], AS_OF, Policy(max_cashback=D("40")))
    assert (result.expected_cashback, result.cashback, result.cancelled_cashback) == (
        D("40.00"),
        D("30.00"),
        D("10.00"),
    )


def test_fixed_expected_cashback_with_a_cap_and_a_partial_refund_through_the_cli(tmp_path):
    orders = write(
        tmp_path / "o.csv",
        "order_id,ordered_at,amount,currency,expected_cashback,max_cashback\nX3,2026-10-01,200.00,USD,50,40\n",
    )
    disputes = write(
        tmp_path / "d.csv", "order_id,opened_at,resolved_at,refund_amount\nX3,2026-10-05,2026-11-02,50.00\n"
    )
    order = only_order(status_json(orders, "-d", str(disputes)))
    # E = min(50, 40) = 40.00; C = 40 × 150/200 = 30.00; confirmed on the resolution 11-02 (> hold end 10-16)
    assert {
        k: order[k] for k in ("refunded", "rate", "expected_cashback", "cashback", "cancelled_cashback")
    } == {
        "refunded": "50.00",
        "rate": None,
        "expected_cashback": "40.00",
        "cashback": "30.00",
        "cancelled_cashback": "10.00",
    }
    assert (order["status"], order["confirm_on"], order["reason"]) == (
        "confirmed",
        "2026-11-02",
        "confirmed on 2026-11-02",
    )


# --- amounts that are zero or negative ---------------------------------------------------------------


@pytest.mark.parametrize("amount", ["0", "0.00", "0,00", "$0"])
def test_an_amount_of_zero_is_refused(tmp_path, amount):
    orders = write(
        tmp_path / "o.csv",
        f'order_id,ordered_at,amount,currency,cashback_rate\nZ1,2026-10-01,"{amount}",USD,5\n',
    )
    result = invoke("status", str(orders), "--as-of", AS_OF_TEXT, "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{orders}:2: amount: got '{amount}', expected an amount greater than 0" in result.stderr


@pytest.mark.parametrize("amount", ["-5", "\u22125", "(5)", "$-5", "- 5,00"])
def test_negative_amounts_are_refused(tmp_path, amount):
    orders = write(
        tmp_path / "o.csv",
        f'order_id,ordered_at,amount,currency,cashback_rate\nN1,2026-10-01,"{amount}",USD,5\n',
    )
    result = invoke("status", str(orders), "--as-of", AS_OF_TEXT, "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{orders}:2: amount: got '{amount}', expected a number that is not negative" in result.stderr


@pytest.mark.parametrize("refund", ["-5", "\u22125", "(5)"])
def test_negative_refunds_are_refused(tmp_path, refund):
    orders = write(
        tmp_path / "o.csv", "order_id,ordered_at,amount,currency,cashback_rate\nN2,2026-10-01,100,USD,5\n"
    )
    disputes = write(
        tmp_path / "d.csv",
        f'order_id,opened_at,resolved_at,refund_amount\nN2,2026-10-05,2026-10-06,"{refund}"\n',
    )
    result = invoke("status", str(orders), "-d", str(disputes), "--as-of", AS_OF_TEXT, "--format", "json")
    assert result.exit_code == 1
    assert (
        f"{disputes}:2: refund_amount: got '{refund}', expected a number that is not negative"
        in result.stderr
    )


# --- a comma before three digits: thousands in an amount, a decimal comma in a rate ---------------------


def test_comma_before_three_digits_in_an_amount_separates_thousands(tmp_path):
    orders = write(
        tmp_path / "o.csv",
        'order_id,ordered_at,amount,currency,cashback_rate\nC1,2026-10-01,"123,456",USD,5\n',
    )
    order = only_order(status_json(orders))
    # 123,456 is 123456 (README: a lone comma before exactly three digits); 123456 × 5% = 6172.80
    assert (order["amount"], order["expected_cashback"], order["cashback"]) == (
        "123456.00",
        "6172.80",
        "6172.80",
    )


def test_comma_before_three_digits_in_a_rate_is_a_decimal_comma(tmp_path):
    orders = write(
        tmp_path / "o.csv",
        "order_id,ordered_at,amount,currency,cashback_rate\n"
        'C2,2026-10-01,1000,USD,"12,345"\n'  # 12.345 %: 1000 × 12.345% = 123.45
        'C3,2026-10-01,20,USD,"100,000"\n'  # 100.000 % = 100 % (as thousands it would be refused): 20.00
        'C4,2026-10-01,100,USD,"4,125"\n',  # 4.125 %: 100 × 4.125% = 4.125 → 4.13 half-up
    )
    found = {o["order_id"]: (o["rate"], o["expected_cashback"]) for o in status_json(orders)["orders"]}
    assert found == {"C2": ("12.345", "123.45"), "C3": ("100", "20.00"), "C4": ("4.125", "4.13")}


def test_a_rate_of_123_comma_456_is_read_as_123_456_percent_and_refused(tmp_path):
    orders = write(
        tmp_path / "o.csv",
        'order_id,ordered_at,amount,currency,cashback_rate\nC5,2026-10-01,100,USD,"123,456"\n',
    )
    result = invoke("status", str(orders), "--as-of", AS_OF_TEXT, "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{orders}:2: cashback_rate: got '123,456', expected a percent from 0 to 100" in result.stderr
