"""The what-if of `cashback dispute`: a dispute that takes time (--dispute-days, --resolved-on,
--opened-on), a what-if on an order of a file, the side with no dispute and its own date, and
the wording of the explanation and the panel (capped, final, still open).

Every expected figure is worked out by hand in a comment: the default 15-day hold, half-up
rounding, and rule 6's confirmation date, the later of the hold's end and the last resolution.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import DISPUTES_CSV, EXAMPLES_AS_OF, ORDER_KEYS, ORDERS_CSV, assert_no_float
from typer.testing import CliRunner

from cashback_cli.cli import app

runner = CliRunner()
WHAT_IF_KEYS = [*ORDER_KEYS, "explanation", "without_dispute", "without_dispute_confirm_on"]
# An order of 100 USD at 5 %, placed on 2026-11-01, asked about on 2026-11-24.
ORDER = ["--amount", "100", "--rate", "5", "--ordered-at", "2026-11-01", "--as-of", EXAMPLES_AS_OF]


def invoke(*args: str):
    return runner.invoke(app, ["dispute", *args], env={"NO_COLOR": "1", "COLUMNS": "200"})


def ok_json(*args: str) -> dict:
    result = invoke(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert_no_float(document)
    return document


def ok_table(*args: str) -> str:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def usage_error(*args: str) -> str:
    """Exit code 2, nothing on stdout, no traceback; the message on one line."""
    result = invoke(*args, "--format", "json")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.output
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.stderr).split())


def row(table: str, label: str) -> list[str]:
    """The cells of the what-if table's row with that label (the panel's rows have no │ inside)."""
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip("│ ").split("│")]
        if len(cells) == 3 and cells[0] == label:
            return cells[1:]
    raise AssertionError(f"no row {label!r} in:\n{table}")


def in_file(order_id: str, *args: str) -> list[str]:
    return [order_id, "--orders", str(ORDERS_CSV), "--as-of", EXAMPLES_AS_OF, *args]


def figures(document: dict, *keys: str) -> tuple:
    return tuple(document[key] for key in keys)


MONEY = ("refunded", "cashback", "cancelled_cashback", "status", "confirm_on")
WITHOUT = ("without_dispute", "without_dispute_confirm_on")


# --- a dispute that takes time ---------------------------------------------------------------------


def test_a_dispute_of_30_days_is_answered_on_the_day_it_ends():
    document = ok_json(*ORDER, "--refund", "40", "--dispute-days", "30")
    # Opened on the as-of date 11-24, ends 30 days later: 11-24 + 30 = 12-24 (7 days to the
    # end of November, 24 into December). E = 100 × 5 % = 5.00; C = 60 × 5 % = 3.00, 2.00 lost.
    # Hold ends 11-01 + 15 = 11-16; confirm_on = later of 11-16 and 12-24 = 12-24. Evaluated on
    # 12-24, the day the dispute ends: confirmed that day.
    assert figures(document, *MONEY) == ("40.00", "3.00", "2.00", "confirmed", "2026-12-24")
    assert document["reason"] == "confirmed on 2026-12-24"
    # With no dispute: 5.00, confirmed when the hold ends, 11-16.
    assert figures(document, *WITHOUT) == ("5.00", "2026-11-16")
    assert list(document) == WHAT_IF_KEYS
    assert document["order_id"] is None and document["ordered_at"] == "2026-11-01"
    assert (
        "Dispute opened on 2026-11-24, resolved on 2026-12-24 with a refund of 40.00 USD."
        in (document["explanation"])
    )
    assert document["explanation"][-1] == "As of 2026-12-24: confirmed, cashback 3.00 USD."


def test_resolved_on_a_date_is_the_same_as_the_number_of_days():
    by_days = ok_json(*ORDER, "--refund", "40", "--dispute-days", "30")
    by_date = ok_json(*ORDER, "--refund", "40", "--resolved-on", "2026-12-24")
    assert by_days == by_date  # 11-24 + 30 days is 12-24


def test_opened_on_moves_the_start_of_the_dispute():
    document = ok_json(*ORDER, "--refund", "40", "--opened-on", "2026-12-01", "--dispute-days", "10")
    # Opened 12-01, ends 12-01 + 10 = 12-11; the hold ended 11-16: confirmed on 12-11.
    assert figures(document, *MONEY) == ("40.00", "3.00", "2.00", "confirmed", "2026-12-11")
    assert document["explanation"][1] == (
        "Dispute opened on 2026-12-01, resolved on 2026-12-11 with a refund of 40.00 USD."
    )


def test_a_dispute_that_ended_before_the_as_of_date_is_evaluated_on_the_as_of_date():
    document = ok_json(*ORDER, "--refund", "40", "--opened-on", "2026-11-10", "--resolved-on", "2026-11-12")
    # Resolved 11-12, before the hold ends (11-16): confirm_on 11-16, and on the as-of date
    # 11-24 (later than 11-12) the order is confirmed.
    assert figures(document, *MONEY) == ("40.00", "3.00", "2.00", "confirmed", "2026-11-16")
    assert document["explanation"][-1] == "As of 2026-11-24: confirmed, cashback 3.00 USD."
    assert figures(document, *WITHOUT) == ("5.00", "2026-11-16")


def test_a_dispute_shorter_than_the_hold_leaves_the_order_on_hold():
    document = ok_json(
        "--amount", "100", "--rate", "5", "--as-of", EXAMPLES_AS_OF, "--refund", "40", "--dispute-days", "5"
    )
    # Ordered and opened on 11-24; ends 11-29. Hold ends 11-24 + 15 = 12-09, after 11-29:
    # on 11-29 the 3.00 is pending, on hold until 12-09; with no dispute, 5.00 on 12-09 too.
    assert figures(document, *MONEY) == ("40.00", "3.00", "2.00", "pending", "2026-12-09")
    assert document["reason"] == "on hold until 2026-12-09"
    assert document["explanation"][-1] == "As of 2026-11-29: pending, cashback 3.00 USD."
    assert figures(document, *WITHOUT) == ("5.00", "2026-12-09")


def test_a_full_refund_after_30_days_is_cancelled_and_final_on_the_day_it_ends():
    document = ok_json(*ORDER, "--refund", "100", "--dispute-days", "30")
    # 100 of 100 refunded: cancelled, 0.00 kept, all 5.00 lost; final on 12-24 (rule 6).
    assert figures(document, *MONEY) == ("100.00", "0.00", "5.00", "cancelled", "2026-12-24")
    assert figures(document, *WITHOUT) == ("5.00", "2026-11-16")


def test_without_the_new_options_the_dispute_still_ends_on_the_as_of_date():
    document = ok_json(*ORDER, "--refund", "40")
    # Opened and resolved on 11-24; hold ends 11-16: confirm_on 11-24, confirmed that day.
    assert figures(document, *MONEY) == ("40.00", "3.00", "2.00", "confirmed", "2026-11-24")
    assert figures(document, *WITHOUT) == ("5.00", "2026-11-16")


def test_the_table_shows_both_sides_with_their_dates():
    out = ok_table(*ORDER, "--refund", "40", "--dispute-days", "30")
    assert row(out, "Confirm on") == ["2026-11-16", "2026-12-24"]  # no dispute, then the dispute
    assert row(out, "Cashback kept") == ["5.00\u00a0USD", "3.00\u00a0USD"]  # number and code kept together
    assert "No dispute" in out and "Dispute with this refund" in out


def test_the_table_says_a_cancelled_side_is_final_on_its_date():
    out = ok_table(*ORDER, "--refund", "100", "--dispute-days", "30")
    # No dispute: confirmed on 11-16; with the full refund: cancelled on 12-24, the refund's day.
    assert row(out, "Confirm on") == ["2026-11-16", "lost on 2026-12-24, the day of the refund"]
    assert re.search(r"Final on\s+2026-12-24", out)  # the panel's label for the cancelled order


# --- usage errors --------------------------------------------------------------------------------


def test_dispute_days_and_resolved_on_together_are_a_usage_error():
    message = usage_error(*ORDER, "--refund", "40", "--dispute-days", "30", "--resolved-on", "2026-12-24")
    assert "--dispute-days" in message and "--resolved-on" in message


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--resolved-on", "2026-11-20"], "--resolved-on"),  # before it is opened (11-24)
        (["--opened-on", "2026-10-30", "--dispute-days", "3"], "--opened-on"),  # before the order
        (["--opened-on", "2026-12-01"], "--opened-on"),  # after the as-of date, with no end
        (["--dispute-days", "-1"], "--dispute-days"),
        (["--resolved-on", "someday"], "--resolved-on"),
    ],
    ids=["ends-before-it-opens", "opened-before-the-order", "opened-later-no-end", "negative", "bad-date"],
)
def test_impossible_dispute_dates_are_usage_errors(args, named):
    assert named in usage_error(*ORDER, "--refund", "40", *args)


@pytest.mark.parametrize(
    "option", [["--dispute-days", "30"], ["--resolved-on", "2026-12-24"], ["--opened-on", "2026-11-24"]]
)
def test_the_dispute_options_on_an_order_of_a_file_need_a_refund(option):
    message = usage_error(*in_file("A1001", *option))
    assert option[0] in message and "--refund" in message


@pytest.mark.parametrize(
    "option", [["--amount", "100"], ["--ordered-at", "2026-11-01"], ["--store", "Amazon"]]
)
def test_an_order_of_a_file_keeps_its_own_amount_date_and_store(option):
    assert option[0] in usage_error(*in_file("A1001", "--refund", "10", *option))


# --- a what-if on an order of a file -----------------------------------------------------------------


def test_a_what_if_on_an_order_of_the_examples():
    document = ok_json(*in_file("A1001", "--refund", "50"))
    # A1001: 100.00 USD at 5 %, ordered 11-20. A dispute opened and resolved on 11-24 with 50
    # refunded: C = 50 × 5 % = 2.50, 2.50 lost. Hold ends 11-20 + 15 = 12-05, after 11-24:
    # pending until 12-05. With no dispute: 5.00, also confirmed on 12-05.
    assert figures(document, "order_id", "ordered_at", "amount", "rate", "expected_cashback") == (
        "A1001",
        "2026-11-20",
        "100.00",
        "5",
        "5.00",
    )
    assert figures(document, *MONEY) == ("50.00", "2.50", "2.50", "pending", "2026-12-05")
    assert figures(document, *WITHOUT) == ("5.00", "2026-12-05")
    # an order of the examples, which have a store column: the keys `status` gives it, then the what-if's
    assert list(document) == [*ORDER_KEYS, "store", *WHAT_IF_KEYS[len(ORDER_KEYS) :]]


def test_the_orders_own_disputes_still_count():
    args = in_file("A1004", "--disputes", str(DISPUTES_CSV), "--refund", "10", "--resolved-on", "2026-12-10")
    document = ok_json(*args)
    # A1004: 100.00 at 5 %, ordered 10-15, 40.00 refunded already (resolved 11-02). Ten more,
    # resolved 12-10: 50 refunded, C = 50 × 5 % = 2.50, 2.50 lost; confirm_on = the later of
    # the hold's end 10-30, 11-02 and 12-10 = 12-10, confirmed that day.
    assert figures(document, *MONEY) == ("50.00", "2.50", "2.50", "confirmed", "2026-12-10")
    # With no new dispute, the order as it is: 60 × 5 % = 3.00, confirmed on 11-02.
    assert figures(document, *WITHOUT) == ("3.00", "2026-11-02")
    assert len([step for step in document["explanation"] if step.startswith("Dispute opened")]) == 2
    table = ok_table(*args)
    assert row(table, "Confirm on") == ["2026-11-02", "2026-12-10"]
    assert "No new dispute" in table and "New dispute with this refund" in table
    assert "What if: order A1004" in table


def test_a_refund_of_everything_left_cancels_the_order():
    document = ok_json(*in_file("A1004", "--disputes", str(DISPUTES_CSV), "--refund", "60"))
    # 40 + 60 = 100 = the amount: cancelled, 0.00 kept, all 5.00 lost.
    assert figures(document, "refunded", "cashback", "cancelled_cashback", "status") == (
        "100.00",
        "0.00",
        "5.00",
        "cancelled",
    )


def test_a_refund_above_what_is_left_to_refund_is_a_usage_error_naming_the_figures():
    message = usage_error(*in_file("A1004", "--disputes", str(DISPUTES_CSV), "--refund", "70"))
    # 100.00 less the 40.00 refunded already leaves 60.00: 70.00 is more than that.
    assert "--refund" in message
    for figure in ("70.00 USD", "60.00 USD", "100.00 USD", "40.00 USD", "A1004"):
        assert figure in message, figure


def test_a_refund_in_another_currency_than_the_orders_is_a_usage_error():
    assert "--refund" in usage_error(*in_file("A1008", "--refund", "50 $"))  # A1008 is in RUB


def test_an_open_dispute_of_the_order_keeps_both_sides_without_a_date():
    document = ok_json(
        *in_file("A1005", "--disputes", str(DISPUTES_CSV), "--refund", "10", "--dispute-days", "30")
    )
    # A1005: 60.00 at 10 % = 6.00, a dispute open since 11-10 with no end. The new one ends
    # 12-24 with 10 refunded: C = 50 × 10 % = 5.00, but the old one is still open on 12-24, so
    # both sides are pending with no confirmation date; with no new dispute, 6.00.
    assert figures(document, *MONEY) == ("10.00", "5.00", "1.00", "pending", None)
    assert figures(document, *WITHOUT) == ("6.00", None)
    assert "Dispute opened on 2026-11-10 is still open on 2026-12-24." in document["explanation"]


def test_an_order_not_in_the_file_still_exits_3():
    result = invoke(*in_file("NOPE", "--refund", "10"))
    assert result.exit_code == 3 and result.stdout == ""


# --- wording ---------------------------------------------------------------------------------------


def test_capped_is_said_only_when_the_cap_applies(tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "order_id,ordered_at,amount,cashback_rate,max_cashback\n"
        "SMALL,2026-11-01,100.00,5,40\n"  # 100 × 5 % = 5.00, under the cap of 40
        "BIG,2026-11-01,1000.00,8,40\n",  # 1000 × 8 % = 80.00, capped to 40.00
        "utf-8",
    )
    small = ok_json("SMALL", "--orders", str(orders), "--as-of", EXAMPLES_AS_OF)
    assert small["explanation"][0] == (
        "Order of 100.00 USD placed on 2026-11-01, cashback rate 5%: expected cashback 5.00 USD."
    )
    assert not any("capped" in step for step in small["explanation"])
    big = ok_json("BIG", "--orders", str(orders), "--as-of", EXAMPLES_AS_OF)
    assert big["explanation"][0] == (
        "Order of 1000.00 USD placed on 2026-11-01, cashback rate 8%: "
        "expected cashback 80.00 USD capped at 40.00 USD."
    )


def test_a_stores_cap_that_does_not_apply_is_not_mentioned():
    # examples/cashback.toml caps AliExpress orders at 40 USD; A1001 (AliExpress) earns
    # 100 × 5 % = 5.00, far under it: the "capped at 40.00 USD" must not appear.
    config = str(ORDERS_CSV.parent / "cashback.toml")
    document = ok_json(*in_file("A1001", "--config", config))
    assert document["expected_cashback"] == "5.00"
    assert not any("capped" in step for step in document["explanation"])


def test_capped_after_a_refund_only_when_what_is_kept_is_still_over_the_cap():
    # A1010: 1000.00 at 8 % with a cap of 40. 400 refunded: 600 × 8 % = 48.00, capped to 40.00,
    # nothing lost. 600 refunded: 400 × 8 % = 32.00, under the cap: 8.00 lost.
    over = ok_json(*in_file("A1010", "--refund", "400"))
    assert (over["cashback"], over["cancelled_cashback"]) == ("40.00", "0.00")
    assert (
        "Refunded 400.00 USD of 1000.00 USD: cashback on the remaining 600.00 USD is "
        "48.00 USD capped at 40.00 USD, 0.00 USD cancelled."
    ) in over["explanation"]
    under = ok_json(*in_file("A1010", "--refund", "600"))
    assert (under["cashback"], under["cancelled_cashback"]) == ("32.00", "8.00")
    assert (
        "Refunded 600.00 USD of 1000.00 USD: cashback on the remaining 400.00 USD is 32.00 USD, "
        "8.00 USD cancelled."
    ) in under["explanation"]


def test_a_cancelled_order_shows_the_day_it_became_final():
    args = ["A1003", "--orders", str(ORDERS_CSV), "--disputes", str(DISPUTES_CSV), "--as-of", EXAMPLES_AS_OF]
    out = ok_table(*args)
    # A1003: refunded in full on 10-25, the day its hold ends too: final on 10-25.
    assert re.search(r"Final on\s+2026-10-25", out)
    assert "Confirm on" not in out
    pending = ok_table("A1001", "--orders", str(ORDERS_CSV), "--as-of", EXAMPLES_AS_OF)
    assert re.search(r"Confirm on\s+2026-12-05", pending) and "Final on" not in pending


def test_both_sides_cancelled_are_labelled_final():
    args = in_file("A1003", "--disputes", str(DISPUTES_CSV), "--refund", "0")
    out = ok_table(*args)
    # A1003 is refunded in full already (final on 10-25); a lost dispute on 11-24 changes
    # nothing but its date: final on 11-24, the later of 10-25 and 11-24.
    assert row(out, "Final on") == ["2026-10-25", "2026-11-24"]
    assert "final on" not in out and "Confirm on" not in out


def test_an_open_dispute_is_still_open_on_the_as_of_date():
    args = ["A1005", "--orders", str(ORDERS_CSV), "--disputes", str(DISPUTES_CSV), "--as-of", EXAMPLES_AS_OF]
    document = ok_json(*args)
    assert document["explanation"][1] == "Dispute opened on 2026-11-10 is still open on 2026-11-24."
    assert list(document) == [*ORDER_KEYS, "store", "explanation"]  # no what-if keys without --refund
