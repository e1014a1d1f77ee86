"""Network exports read as published (--profile), through the command line.

Each file below is written by us in the shape its network publishes (key names, nesting, value
types, date formats: /work/shared/FORMATS.md, examples/networks/SHAPES.md), with invented
orders. Every expected figure is worked out by hand in a comment from docs/rules.md's rules, with the
profile rules: E = the network's commission × the store policy's share / 100 (100 unless a
policy says), rounded (rule 3); with a refund C = E × (amount − refunded) / amount (rule 5);
an order with no amount (a lead, or amount 0) has C = E; a lock date replaces
ordered_at + hold_days in rule 6. All as of 2026-11-24 with the default 15-day hold.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import FIGURE_KEYS, ORDER_KEYS
from typer.testing import CliRunner

from cashback_cli.cli import app

runner = CliRunner()
AS_OF = "2026-11-24"
NETWORKS = Path(__file__).resolve().parent.parent / "examples" / "networks"
REPORTED_KEYS = ("reported_status", "network_status", "reported_cashback", "locks_on")


def invoke(*args):
    return runner.invoke(app, [str(arg) for arg in args], env={"NO_COLOR": "1", "COLUMNS": "200"})


def plain(text: str) -> str:
    """Error text without Rich's box drawing and line wrapping."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text.lstrip("\n"), encoding="utf-8")
    return path


def status(path: Path, *options) -> dict[str, dict]:
    """`status … --as-of 2026-11-24 -f json`: the order objects by order id."""
    result = invoke("status", path, "--as-of", AS_OF, "-f", "json", *options)
    assert result.exit_code == 0, result.output
    orders = json.loads(result.stdout)["orders"]
    assert len({order["order_id"] for order in orders}) == len(orders)
    return {order["order_id"]: order for order in orders}


def seen(order: dict) -> tuple:
    """(the figures of FIGURE_KEYS, {the reported keys present: their values}), ordered as keyed."""
    assert list(order)[: len(ORDER_KEYS)] == ORDER_KEYS
    extra = list(order)[len(ORDER_KEYS) :]
    # the store (where the network names one), then REPORTED_KEYS, in that order
    assert extra == [key for key in ("store", *REPORTED_KEYS) if key in extra]
    return tuple(order[key] for key in FIGURE_KEYS), {key: order[key] for key in extra if key != "store"}


def reported(status_: str | None, word: str | None, cashback: str | None, locks_on=None, *, lock=True):
    found = {"reported_status": status_, "network_status": word, "reported_cashback": cashback}
    if lock:
        found["locks_on"] = locks_on
    return found


def assert_orders(found: dict[str, dict], expected: dict[str, tuple]) -> None:
    assert {order_id: seen(order) for order_id, order in found.items()} == expected


# --- 1. each network, a small file in its published shape ----------------------------------------

ADMITAD = """
{
  "_meta": {"count": 5, "limit": 20, "offset": 0},
  "results": [
    {"id": 101, "action_id": 101, "order_id": "AD-1001", "action_type": "sale", "status": "approved", "action_date": "2026-10-03 10:48:02", "click_date": "2026-10-03 10:30:11", "closing_date": "2026-11-02", "status_updated": "2026-11-02 06:10:44", "cart": 4890.00, "payment": 244.50, "currency": "RUB", "advcampaign_id": 22714, "advcampaign_name": "Lumio Home", "subid": null, "positions": [{"id": 1, "amount": "4890.00", "payment": "244.50", "rate": "5.00", "percentage": true}]},
    {"id": 102, "action_id": 102, "order_id": "AD-1002", "action_type": "sale", "status": "pending", "action_date": "2026-11-12 09:00:00", "click_date": "2026-11-12 08:41:00", "closing_date": "2026-12-27", "status_updated": "2026-11-12 09:05:00", "cart": 1299.00, "payment": 64.95, "currency": "RUB", "advcampaign_id": 22714, "advcampaign_name": "Lumio Home", "subid": null, "positions": [{"id": 2, "amount": "1299.00", "payment": "64.95", "rate": "5.00", "percentage": true}]},
    {"id": 103, "action_id": 103, "order_id": "AD-1003", "action_type": "sale", "status": "declined", "action_date": "2026-10-20 17:30:00", "click_date": "2026-10-20 17:00:00", "closing_date": "2026-11-19", "status_updated": "2026-11-19 02:00:00", "cart": 3150.00, "payment": 157.50, "currency": "RUB", "advcampaign_id": 30110, "advcampaign_name": "Nord Bike", "subid": null, "positions": []},
    {"id": 104, "action_id": 104, "order_id": "AD-1004", "action_type": "sale", "status": "approved_but_stalled", "action_date": "2026-10-27 12:00:00", "click_date": "2026-10-27 11:00:00", "closing_date": "2026-11-26", "status_updated": "2026-11-20 02:00:00", "cart": 2200.00, "payment": 110.00, "currency": "RUB", "advcampaign_id": 30110, "advcampaign_name": "Nord Bike", "subid": null, "positions": []},
    {"id": 105, "action_id": 105, "order_id": "AD-L-1005", "action_type": "lead", "status": "pending", "action_date": "2026-11-05 12:00:00", "click_date": "2026-11-05 11:58:00", "closing_date": "2026-12-05", "status_updated": "2026-11-05 12:00:00", "cart": null, "payment": 1500.00, "currency": "RUB", "advcampaign_id": 41001, "advcampaign_name": "Zvezda Bank", "subid": null, "positions": [{"id": 5, "amount": "0.00", "payment": "1500.00", "rate": "1500.00", "percentage": false}]}
  ]
}
"""


def test_admitad_actions_response(tmp_path):
    orders = status(write(tmp_path, "admitad.json", ADMITAD), "--profile", "admitad")
    assert {order["currency"] for order in orders.values()} == {"RUB"}
    assert {order["rate"] for order in orders.values()} == {None}  # E is the commission, not a rate
    assert_orders(
        orders,
        {
            # E = payment 244.50; no refund: C = E. closing_date 11-02 replaces 10-03 + 15 = 10-18:
            # 11-24 >= 11-02, confirmed.
            "AD-1001": (
                ("4890.00", "0.00", "244.50", "244.50", "0.00", "confirmed", "2026-11-02"),
                reported("confirmed", "approved", "244.50", "2026-11-02"),
            ),
            # E = 64.95; closes 12-27, after 11-24: pending.
            "AD-1002": (
                ("1299.00", "0.00", "64.95", "64.95", "0.00", "pending", "2026-12-27"),
                reported("pending", "pending", "64.95", "2026-12-27"),
            ),
            # declined: the network's own cancellation is a full refund of 3150.00, resolved when
            # it was declined (status_updated 11-19): C = 0, cancelled 157.50; confirm_on the later
            # of the lock date 11-19 and 11-19. The network pays nothing for it: reported 0.00.
            "AD-1003": (
                ("3150.00", "3150.00", "157.50", "0.00", "157.50", "cancelled", "2026-11-19"),
                reported("cancelled", "declined", "0.00", "2026-11-19"),
            ),
            # approved_but_stalled maps to confirmed; locks 11-26, after 11-24: the rules hold it.
            "AD-1004": (
                ("2200.00", "0.00", "110.00", "110.00", "0.00", "pending", "2026-11-26"),
                reported("confirmed", "approved_but_stalled", "110.00", "2026-11-26"),
            ),
            # a lead: cart null, so no amount; cashback = the fixed payment 1500.00; closes 12-05.
            "AD-L-1005": (
                (None, "0.00", "1500.00", "1500.00", "0.00", "pending", "2026-12-05"),
                reported("pending", "pending", "1500.00", "2026-12-05"),
            ),
        },
    )


ALIEXPRESS_LIST = """
{"aliexpress_affiliate_order_list_response": {"resp_result": {"resp_code": 200, "resp_msg": "success", "result": {"current_page_no": 1, "current_record_count": 5, "total_page_no": 1, "total_record_count": 5, "orders": {"order": [
  {"order_id": 8201934455100001, "sub_order_id": 8201934455110001, "order_status": "Buyer Confirmed Receipt", "product_title": "Desk lamp", "product_count": 1, "settled_currency": "USD", "paid_amount": 1113, "finished_amount": "1113", "commission_rate": "7.00%", "estimated_paid_commission": 78, "estimated_finished_commission": 78, "created_time": "2026-10-08 21:14:09", "paid_time": "2026-10-08 21:16:40", "finished_time": "2026-10-24 10:02:11"},
  {"order_id": 8201934455100001, "sub_order_id": 8201934455120001, "order_status": "Buyer Confirmed Receipt", "product_title": "Lamp shade", "product_count": 2, "settled_currency": "USD", "paid_amount": 887, "finished_amount": "887", "commission_rate": "7.00%", "estimated_paid_commission": 62, "estimated_finished_commission": 62, "created_time": "2026-10-08 21:14:09", "paid_time": "2026-10-08 21:16:40", "finished_time": "2026-10-24 10:02:11"},
  {"order_id": 8202177301920002, "sub_order_id": 8202177301930002, "order_status": "Completed Settlement", "product_title": "Storage boxes", "product_count": 6, "settled_currency": "USD", "paid_amount": 5000, "finished_amount": "3500", "commission_rate": "8.00%", "estimated_paid_commission": 400, "estimated_finished_commission": 280, "created_time": "2026-10-12 07:55:30", "paid_time": "2026-10-12 07:57:02", "finished_time": "2026-10-30 16:40:19", "completed_settlement_time": "2026-11-18 03:00:00"},
  {"order_id": 8202390018470003, "sub_order_id": 8202390018480003, "order_status": "Invalid", "product_title": "Earbuds", "product_count": 1, "settled_currency": "USD", "paid_amount": 1900, "finished_amount": "0", "commission_rate": "6.00%", "estimated_paid_commission": 114, "estimated_finished_commission": 0, "effect_detail_status": "FullRefund", "created_time": "2026-11-03 08:41:55", "paid_time": "2026-11-03 08:43:10", "finished_time": "2026-11-15 12:20:37"},
  {"order_id": 8202655507730004, "sub_order_id": 8202655507740004, "order_status": "Payment Completed", "product_title": "Tripod", "product_count": 1, "settled_currency": "USD", "paid_amount": 1113, "commission_rate": "7.00%", "estimated_paid_commission": 78, "created_time": "2026-11-16 12:03:27", "paid_time": "2026-11-16 12:05:48"}
]}}}, "request_id": "2101d5e817630001"}}
"""

NO_LOCK = {"lock": False}  # AliExpress, Tradedoubler and ePN publish no lock date: no locks_on key


def test_aliexpress_order_list_in_cents_with_sub_orders_and_refunds(tmp_path):
    orders = status(write(tmp_path, "aliexpress.json", ALIEXPRESS_LIST), "--profile", "aliexpress")
    assert {order["currency"] for order in orders.values()} == {"USD"}  # settled_currency
    assert_orders(
        orders,
        {
            # two sub-orders of one order: 1113 + 887 cents = 11.13 + 8.87 = 20.00; commission
            # 78 + 62 cents = 0.78 + 0.62 = 1.40 = E. 10-08 + 15 = 10-23: confirmed.
            "8201934455100001": (
                ("20.00", "0.00", "1.40", "1.40", "0.00", "confirmed", "2026-10-23"),
                reported("pending", "Buyer Confirmed Receipt", "1.40", **NO_LOCK),
            ),
            # paid 5000 = 50.00, finished "3500" = 35.00: 15.00 refunded on finished_time 10-30.
            # E = estimated_paid_commission 400 cents = 4.00; C = 4.00 × 35.00 / 50.00 = 2.80;
            # cancelled 1.20. confirm_on = later of 10-12 + 15 = 10-27 and 10-30.
            # Reported: estimated_finished_commission 280 cents = 2.80 (net of the refund).
            "8202177301920002": (
                ("50.00", "15.00", "4.00", "2.80", "1.20", "confirmed", "2026-10-30"),
                reported("confirmed", "Completed Settlement", "2.80", **NO_LOCK),
            ),
            # FullRefund: all 19.00 refunded (on 11-15): cancelled, E = 1.14 all lost;
            # confirm_on = later of 11-03 + 15 = 11-18 and 11-15. Reported: finished commission 0.
            "8202390018470003": (
                ("19.00", "19.00", "1.14", "0.00", "1.14", "cancelled", "2026-11-18"),
                reported("cancelled", "Invalid", "0.00", **NO_LOCK),
            ),
            # 1113 cents is 11.13 USD, never 1113.00; E = 78 cents = 0.78; 11-16 + 15 = 12-01.
            "8202655507730004": (
                ("11.13", "0.00", "0.78", "0.78", "0.00", "pending", "2026-12-01"),
                reported("pending", "Payment Completed", "0.78", **NO_LOCK),
            ),
        },
    )
    assert orders["8202655507730004"]["ordered_at"] == "2026-11-16"


def test_aliexpress_invalid_order_finished_at_zero_is_a_full_refund(tmp_path):
    # SHAPES.md: effect_detail_status is discarded in the SDK ("use order_status"), so a full refund
    # may only show as order_status Invalid with finished_amount 0. 0 is below paid_amount: the
    # whole 19.00 was refunded, on finished_time 10-20.
    text = (
        '{"aliexpress_affiliate_order_list_response": {"resp_result": {"result": {"orders": {"order": [\n'
        '  {"order_id": 8201000000000001, "sub_order_id": 8201000000000011, "order_status": "Invalid",'
        ' "settled_currency": "USD", "paid_amount": 1900, "finished_amount": "0", "estimated_paid_commission": 114,'
        ' "estimated_finished_commission": 0, "created_time": "2026-10-08 21:14:09",'
        ' "finished_time": "2026-10-20 10:00:00"}\n'
        "]}}}}}\n"
    )
    orders = status(write(tmp_path, "aliexpress.json", text), "--profile", "aliexpress")
    assert_orders(
        orders,
        {
            # refunded in full: cancelled, E = 114 cents = 1.14 all lost; confirm_on = later of
            # 10-08 + 15 = 10-23 and 10-20.
            "8201000000000001": (
                ("19.00", "19.00", "1.14", "0.00", "1.14", "cancelled", "2026-10-23"),
                reported("cancelled", "Invalid", "0.00", **NO_LOCK),
            ),
        },
    )


ALIEXPRESS_GET = """
{"aliexpress_affiliate_order_get_response": {"resp_result": {"resp_code": 200, "resp_msg": "success", "result": {"current_record_count": 2, "orders": {"order": [
  {"order_id": 8202611894520039, "sub_order_id": 8202611894530039, "order_status": "Buyer Confirmed Receipt", "settled_currency": "USD", "paid_amount": 2599, "finished_amount": 1999, "commission_rate": "7.00%", "estimated_paid_commission": 182, "created_time": "2026-10-21 09:00:00", "finished_time": "2026-11-01 10:00:00"},
  {"order_id": 8202611894520039, "sub_order_id": 8202611894540039, "order_status": "Buyer Confirmed Receipt", "settled_currency": "USD", "paid_amount": 1401, "finished_amount": 1401, "commission_rate": "7.00%", "estimated_paid_commission": 98, "created_time": "2026-10-21 09:00:00", "finished_time": "2026-11-01 10:00:00"}
]}}}, "request_id": "2101d5e817630002"}}
"""


def test_aliexpress_order_get_wrapper_with_a_partly_refunded_sub_order(tmp_path):
    orders = status(write(tmp_path, "aliexpress-get.json", ALIEXPRESS_GET), "--profile", "aliexpress")
    assert_orders(
        orders,
        {
            # 2599 + 1401 cents = 25.99 + 14.01 = 40.00; the first sub-order finished at 1999
            # (a number here): 25.99 − 19.99 = 6.00 refunded on 11-01. E = 1.82 + 0.98 = 2.80;
            # C = 2.80 × 34.00 / 40.00 = 2.38; cancelled 0.42. Later of 10-21 + 15 = 11-05, 11-01.
            "8202611894520039": (
                ("40.00", "6.00", "2.80", "2.38", "0.42", "confirmed", "2026-11-05"),
                reported("pending", "Buyer Confirmed Receipt", "2.80", **NO_LOCK),
            ),
        },
    )


AWIN = """
[
  {"id": 40011, "url": "https://shop.example", "advertiserId": 7120, "publisherId": 55, "siteName": "cashback-site", "commissionStatus": "approved", "commissionAmount": {"amount": 6.80, "currency": "GBP"}, "saleAmount": {"amount": 85.00, "currency": "GBP"}, "clickRefs": {"clickRef": "u-1"}, "clickDate": "2026-10-02T13:58:00", "transactionDate": "2026-10-02T14:20:00", "validationDate": "2026-11-06T09:00:00", "type": "Commission group transaction", "declineReason": null, "voucherCodeUsed": false, "amended": false, "amendReason": null, "oldSaleAmount": null, "oldCommissionAmount": null, "orderRef": "AW-1001", "customParameters": null, "transactionParts": [{"commissionGroupId": 1, "amount": 85.00, "commissionAmount": 6.80}], "paidToPublisher": false},
  {"id": 40012, "url": "https://shop.example", "advertiserId": 7120, "publisherId": 55, "siteName": "cashback-site", "commissionStatus": "pending", "commissionAmount": {"amount": 3.36, "currency": "GBP"}, "saleAmount": {"amount": 42.00, "currency": "GBP"}, "clickRefs": {"clickRef": "u-2"}, "clickDate": "2026-11-10T18:00:00", "transactionDate": "2026-11-10T18:05:00", "validationDate": null, "type": "Commission group transaction", "declineReason": null, "voucherCodeUsed": false, "amended": false, "amendReason": null, "oldSaleAmount": null, "oldCommissionAmount": null, "orderRef": "AW-1002", "customParameters": null, "transactionParts": [], "paidToPublisher": false},
  {"id": 40013, "url": "https://shop.example", "advertiserId": 8811, "publisherId": 55, "siteName": "cashback-site", "commissionStatus": "declined", "commissionAmount": {"amount": 9.60, "currency": "GBP"}, "saleAmount": {"amount": 120.00, "currency": "GBP"}, "clickRefs": {"clickRef": "u-3"}, "clickDate": "2026-10-15T08:00:00", "transactionDate": "2026-10-15T08:30:00", "validationDate": "2026-11-12T10:00:00", "type": "Commission group transaction", "declineReason": "Order returned", "voucherCodeUsed": false, "amended": false, "amendReason": null, "oldSaleAmount": null, "oldCommissionAmount": null, "orderRef": "AW-1003", "customParameters": null, "transactionParts": [], "paidToPublisher": false},
  {"id": 40014, "url": "https://shop.example", "advertiserId": 8811, "publisherId": 55, "siteName": "cashback-site", "commissionStatus": "pending", "commissionAmount": {"amount": 7.00, "currency": "GBP"}, "saleAmount": {"amount": 90.00, "currency": "GBP"}, "clickRefs": {"clickRef": "u-4"}, "clickDate": "2026-10-22T10:40:00", "transactionDate": "2026-10-22T11:00:00", "validationDate": null, "type": "Commission group transaction", "declineReason": null, "voucherCodeUsed": false, "amended": true, "amendReason": "Partial return", "oldSaleAmount": {"amount": 150.00, "currency": "GBP"}, "oldCommissionAmount": {"amount": 12.00, "currency": "GBP"}, "orderRef": "AW-1004", "customParameters": null, "transactionParts": [], "paidToPublisher": false},
  {"id": 40015, "url": "https://shop.example", "advertiserId": 8811, "publisherId": 55, "siteName": "cashback-site", "commissionStatus": "deleted", "commissionAmount": {"amount": 2.40, "currency": "GBP"}, "saleAmount": {"amount": 30.00, "currency": "GBP"}, "clickRefs": {"clickRef": "u-5"}, "clickDate": "2026-11-01T09:00:00", "transactionDate": "2026-11-01T09:10:00", "validationDate": "2026-11-20T00:00:00", "type": "Commission group transaction", "declineReason": null, "voucherCodeUsed": false, "amended": false, "amendReason": null, "oldSaleAmount": null, "oldCommissionAmount": null, "orderRef": "AW-1005", "customParameters": null, "transactionParts": [], "paidToPublisher": false}
]
"""


def test_awin_transactions_with_an_amended_sale(tmp_path):
    orders = status(write(tmp_path, "awin.json", AWIN), "--profile", "awin")
    assert {order["currency"] for order in orders.values()} == {"GBP"}  # saleAmount.currency
    assert_orders(
        orders,
        {
            # E = 6.80; validated 11-06 (replaces 10-02 + 15 = 10-17): confirmed.
            "AW-1001": (
                ("85.00", "0.00", "6.80", "6.80", "0.00", "confirmed", "2026-11-06"),
                reported("confirmed", "approved", "6.80", "2026-11-06"),
            ),
            # validationDate null: the hold, 11-10 + 15 = 11-25, after 11-24: pending.
            "AW-1002": (
                ("42.00", "0.00", "3.36", "3.36", "0.00", "pending", "2026-11-25"),
                reported("pending", "pending", "3.36", None),
            ),
            # declined by the network: a full refund of 120.00 on its validation date 11-12:
            # C = 0, cancelled 9.60; the network pays nothing for it.
            "AW-1003": (
                ("120.00", "120.00", "9.60", "0.00", "9.60", "cancelled", "2026-11-12"),
                reported("cancelled", "declined", "0.00", "2026-11-12"),
            ),
            # amended from 150.00 to 90.00: the amount is the old 150.00, 60.00 refunded (dated
            # by the sale, 10-22: an amendment has no date). E from oldCommissionAmount = 12.00;
            # C = 12.00 × 90.00 / 150.00 = 7.20; cancelled 4.80. Later of 10-22 + 15 = 11-06
            # and 10-22. The network now reports commissionAmount 7.00.
            "AW-1004": (
                ("150.00", "60.00", "12.00", "7.20", "4.80", "confirmed", "2026-11-06"),
                reported("pending", "pending", "7.00", None),
            ),
            # deleted: cancelled by the network on 11-20, so C = 0 and 2.40 cancelled.
            "AW-1005": (
                ("30.00", "30.00", "2.40", "0.00", "2.40", "cancelled", "2026-11-20"),
                reported("cancelled", "deleted", "0.00", "2026-11-20"),
            ),
        },
    )


def cj_document(*records: str) -> str:
    """A publisherCommissions response with one record a line (the first on line 2)."""
    head = f'{{"data": {{"publisherCommissions": {{"count": {len(records)}, "limit": 10000, "payloadComplete": true,'
    return head + ' "records": [\n' + ",\n".join(records) + "\n]}}}\n"


def cj_record(order_id, status_, event, posting, sale, commission, original="true", lock=None, extra=""):
    locking = "" if lock is None else f' "lockingDate": "{lock}", "lockingMethod": "FIXED_DATE",'
    return (
        f'  {{"commissionId": "{order_id}/{posting[:10]}", "original": {original},{extra}'
        f' "orderId": "{order_id}", "actionStatus": "{status_}", "actionType": "item_sale",'
        f' "advertiserId": "5521870", "advertiserName": "Harbor & Pine", "eventDate": "{event}",'
        f' "postingDate": "{posting}",{locking} "saleAmountPubCurrency": "{sale}",'
        f' "pubCommissionAmountPubCurrency": "{commission}", "items": []}}'
    )


def cj_with_a_correction() -> str:
    return cj_document(
        cj_record(
            "HP-1",
            "locked",
            "2026-10-04T16:22:31Z",
            "2026-10-04T18:03:12Z",
            "129.990",
            "10.399",
            lock="2026-11-11T10:00:00Z",
        ),
        cj_record(
            "HP-1",
            "locked",
            "2026-10-04T16:22:31Z",
            "2026-11-19T21:40:05Z",
            "-40.000",
            "-3.200",
            original="false",
            lock="2026-11-11T10:00:00Z",
            extra=' "correctionReason": "RETURNED_MERCHANDISE",',
        ),
        cj_record(
            "QF-2",
            "extended",
            "2026-10-27T13:45:00Z",
            "2026-10-27T15:10:44Z",
            "210.450",
            "12.627",
            lock="2027-01-11T10:00:00Z",
        ),
        cj_record("HP-3", "new", "2026-11-14T02:15:48Z", "2026-11-14T04:00:10Z", "64.000", "5.120"),
    )


def test_cj_commissions_with_a_correction_row_and_lock_dates(tmp_path):
    text = cj_with_a_correction()
    orders = status(write(tmp_path, "cj.json", text), "--profile", "cj")
    assert {order["currency"] for order in orders.values()} == {"USD"}  # not in the record: --currency
    assert_orders(
        orders,
        {
            # 129.990 = 129.99; the correction (original false, −40.000) is a refund of 40.00
            # dated by its postingDate 11-19. E = 10.399 → 10.40 (rule 3, half-up);
            # C = 10.40 × 89.99 / 129.99 = 935.896 / 129.99 = 7.1997… → 7.20; cancelled 3.20.
            # confirm_on = later of the lock date 11-11 and the correction 11-19.
            # Reported: 10.399 − 3.200 = 7.199 → 7.20.
            "HP-1": (
                ("129.99", "40.00", "10.40", "7.20", "3.20", "confirmed", "2026-11-19"),
                reported("confirmed", "locked", "7.20", "2026-11-11"),
            ),
            # E = 12.627 → 12.63; locks 2027-01-11: pending.
            "QF-2": (
                ("210.45", "0.00", "12.63", "12.63", "0.00", "pending", "2027-01-11"),
                reported("pending", "extended", "12.63", "2027-01-11"),
            ),
            # no lockingDate selected: the hold, 11-14 + 15 = 11-29.
            "HP-3": (
                ("64.00", "0.00", "5.12", "5.12", "0.00", "pending", "2026-11-29"),
                reported("pending", "new", "5.12", None),
            ),
        },
    )


def test_dispute_reads_a_network_export_with_its_corrections(tmp_path):
    path = write(tmp_path, "cj.json", cj_with_a_correction())
    result = invoke("dispute", "HP-1", "--orders", path, "--profile", "cj", "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    # the same figures as `status` (see above): the correction is the dispute, resolved 11-19
    assert seen({key: document[key] for key in (*ORDER_KEYS, *REPORTED_KEYS)}) == (
        ("129.99", "40.00", "10.40", "7.20", "3.20", "confirmed", "2026-11-19"),
        reported("confirmed", "locked", "7.20", "2026-11-11"),
    )
    assert document["explanation"]


def test_upcoming_groups_a_network_export_by_lock_date_or_hold(tmp_path):
    path = write(tmp_path, "cj.json", cj_with_a_correction())
    result = invoke("upcoming", path, "--profile", "cj", "--by", "week", "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 0, result.output
    periods = json.loads(result.stdout)["periods"]
    # pending: HP-3 on hold until 11-29 (a Sunday: the week of Monday 11-23), 5.12; QF-2 locks
    # 2027-01-11 (a Monday), 12.63. HP-1 is confirmed, so not upcoming.
    assert [(p["from"], p["to"], p["currency"], p["orders"], p["cashback"]) for p in periods] == [
        ("2026-11-23", "2026-11-29", "USD", 1, "5.12"),
        ("2027-01-11", "2027-01-17", "USD", 1, "12.63"),
    ]


def test_cj_three_decimal_amounts_are_rounded_half_up(tmp_path):
    text = cj_document(
        cj_record(
            "QF-1",
            "closed",
            "2026-10-01T09:12:40Z",
            "2026-10-01T11:30:02Z",
            "75.474",
            "3.525",
            lock="2026-11-11T10:00:00Z",
        ),
        cj_record(
            "QF-4",
            "closed",
            "2026-10-02T09:00:00Z",
            "2026-10-02T11:00:00Z",
            "58.755",
            "4.700",
            lock="2026-11-11T10:00:00Z",
        ),
    )
    orders = status(write(tmp_path, "cj.json", text), "--profile", "cj")
    assert_orders(
        orders,
        {
            # "75.474" → 75.47 (half-up at the third decimal, 4: down); commission "3.525" → E 3.53
            # by rule 3 (half-up, not 3.52). Lock date 11-11: confirmed.
            "QF-1": (
                ("75.47", "0.00", "3.53", "3.53", "0.00", "confirmed", "2026-11-11"),
                reported("confirmed", "closed", "3.53", "2026-11-11"),
            ),
            # "58.755" → 58.76 (half-up: 5 rounds up); E = 4.70.
            "QF-4": (
                ("58.76", "0.00", "4.70", "4.70", "0.00", "confirmed", "2026-11-11"),
                reported("confirmed", "closed", "4.70", "2026-11-11"),
            ),
        },
    )


@pytest.mark.parametrize("original", ["false", '"false"', "0"], ids=["false", "text-false", "zero"])
def test_cj_correction_flag_in_each_written_form(tmp_path, original):
    # SHAPES.md: `original` is typed Boolean but described as '1'/'0', and a client compares it
    # with the text 'true': false, "false" and 0 all mark a correction.
    text = cj_document(
        cj_record(
            "X1",
            "new",
            "2026-10-01T10:00:00Z",
            "2026-10-01T11:00:00Z",
            "75.470",
            "3.520",
            original="1" if original == "0" else "true",
        ),
        cj_record(
            "X1", "new", "2026-10-01T10:00:00Z", "2026-10-21T11:00:00Z", "-5.470", "-0.520", original=original
        ),
    )
    orders = status(write(tmp_path, "cj.json", text), "--profile", "cj")
    # 5.47 refunded on 10-21 by a correction that takes back its own commission 0.520: E = 3.52;
    # C = 3.52 − 0.52 = 3.00 (not 3.52 × 70.00 / 75.47 = 3.26); cancelled 0.52. Later of
    # 10-01 + 15 = 10-16 and 10-21. Reported 3.520 − 0.520 = 3.00: the rules agree.
    assert_orders(
        orders,
        {
            "X1": (
                ("75.47", "5.47", "3.52", "3.00", "0.52", "confirmed", "2026-10-21"),
                reported("pending", "new", "3.00", None),
            )
        },
    )


IMPACT = """
{"@page": "1", "@numpages": "1", "@pagesize": "100", "@total": "4", "@start": "0", "@end": "3", "@uri": "/Mediapartners/IRsid/Actions", "@firstpageuri": "/Mediapartners/IRsid/Actions?Page=1", "@previouspageuri": "", "@nextpageuri": "", "@lastpageuri": "/Mediapartners/IRsid/Actions?Page=1",
 "Actions": [
  {"Id": "11427.4410.903312", "CampaignId": 11427, "CampaignName": "Trailhead Outfitters", "State": "APPROVED", "Payout": 15.1200, "DeltaPayout": 15.1200, "IntendedPayout": 15.1200, "Amount": 189.00, "DeltaAmount": 189.00, "IntendedAmount": 189.00, "Currency": "USD", "EventDate": "2026-10-06T22:40:12.000Z", "CreationDate": "2026-10-06T22:41:30.000Z", "LockingDate": "2026-11-15T08:00:00.000Z", "ClearedDate": "2026-11-20T08:00:00.000Z", "Oid": "IM-1001"},
  {"Id": "11427.4410.903390", "CampaignId": 11427, "CampaignName": "Trailhead Outfitters", "State": "REVERSED", "Payout": 0, "DeltaPayout": -10.56, "IntendedPayout": 10.56, "Amount": 0, "DeltaAmount": -132.00, "IntendedAmount": 132.00, "Currency": "USD", "EventDate": "2026-10-18T10:00:00.000Z", "CreationDate": "2026-10-18T10:01:00.000Z", "LockingDate": "2026-11-17T08:00:00.000Z", "ClearedDate": "", "Oid": "IM-1002"},
  {"Id": "11427.4410.904001", "CampaignId": "11427", "CampaignName": "Trailhead Outfitters", "State": "PENDING", "Payout": "5.96", "DeltaPayout": "5.96", "IntendedPayout": "5.96", "Amount": "74.50", "DeltaAmount": "74.50", "IntendedAmount": "74.50", "Currency": "USD", "EventDate": "2026-11-09T15:30:00+08:00", "CreationDate": "2026-11-09T15:31:00+08:00", "LockingDate": "2026-12-15T08:00:00.000Z", "ClearedDate": "", "Oid": "IM-1003"},
  {"Id": "20871.4410.120044", "CampaignId": 20871, "CampaignName": "Kiel Books", "State": "APPROVED", "Payout": 2.9592, "DeltaPayout": 2.9592, "IntendedPayout": 2.9592, "Amount": 36.99, "DeltaAmount": 36.99, "IntendedAmount": 36.99, "Currency": "EUR", "EventDate": "2026-10-23T07:00:00.000Z", "CreationDate": "2026-10-23T07:01:00.000Z", "LockingDate": "2026-11-22T08:00:00.000Z", "ClearedDate": "", "Oid": "KB-1004"}
 ]}
"""


def test_impact_actions_with_a_reversal_of_amount_zero(tmp_path):
    orders = status(write(tmp_path, "impact.json", IMPACT), "--profile", "impact")
    assert {oid: order["currency"] for oid, order in orders.items()} == {
        "IM-1001": "USD",
        "IM-1002": "USD",
        "IM-1003": "USD",
        "KB-1004": "EUR",
    }
    assert_orders(
        orders,
        {
            # Payout 15.1200 → E 15.12; LockingDate 11-15 replaces 10-06 + 15 = 10-21.
            "IM-1001": (
                ("189.00", "0.00", "15.12", "15.12", "0.00", "confirmed", "2026-11-15"),
                reported("confirmed", "APPROVED", "15.12", "2026-11-15"),
            ),
            # REVERSED with Amount 0 and Payout 0 is read, not refused: an order with no amount
            # and E = 0.00, cancelled by the network on its lock date 11-17.
            "IM-1002": (
                (None, "0.00", "0.00", "0.00", "0.00", "cancelled", "2026-11-17"),
                reported("cancelled", "REVERSED", "0.00", "2026-11-17"),
            ),
            # Amount and Payout as decimal strings (v15), EventDate with an offset: E = 5.96;
            # locks 12-15: pending.
            "IM-1003": (
                ("74.50", "0.00", "5.96", "5.96", "0.00", "pending", "2026-12-15"),
                reported("pending", "PENDING", "5.96", "2026-12-15"),
            ),
            # Payout 2.9592 → 2.96 (half-up); locks 11-22.
            "KB-1004": (
                ("36.99", "0.00", "2.96", "2.96", "0.00", "confirmed", "2026-11-22"),
                reported("confirmed", "APPROVED", "2.96", "2026-11-22"),
            ),
        },
    )
    assert orders["IM-1003"]["ordered_at"] == "2026-11-09"


RAKUTEN = """
[
  {"etransaction_id": "e-001", "advertiser_id": 44120, "sid": 3390211, "order_id": "RK-5512093", "offer_id": "662190", "sku_number": "SKU-LAMP", "sale_amount": 24.00, "quantity": 1, "commissions": 1.44, "process_date": "2026-10-11 18:31:40", "transaction_date": "2026-10-11 18:22:05", "transaction_type": "realtime", "product_name": "Lamp", "u1": "u-1", "currency": "USD", "is_event": "N"},
  {"etransaction_id": "e-002", "advertiser_id": 44120, "sid": 3390211, "order_id": "RK-5512093", "offer_id": "662190", "sku_number": "SKU-MUG", "sale_amount": 16.50, "quantity": 1, "commissions": 0.99, "process_date": "2026-10-11 18:31:40", "transaction_date": "2026-10-11 18:22:05", "transaction_type": "realtime", "product_name": "Mug", "u1": "u-1", "currency": "USD", "is_event": "N"},
  {"etransaction_id": "e-003", "advertiser_id": 44120, "sid": 3390211, "order_id": "RK-5530871", "offer_id": "662190", "sku_number": "SKU-TENT", "sale_amount": 59.00, "quantity": 1, "commissions": 3.54, "process_date": "2026-11-15 09:10:00", "transaction_date": "2026-11-15 09:00:00", "transaction_type": "realtime", "product_name": "Tent", "u1": "u-2", "currency": "USD", "is_event": "N"},
  {"etransaction_id": "e-004", "advertiser_id": 44120, "sid": 3390211, "order_id": "RK-5512093", "offer_id": "662190", "sku_number": "SKU-MUG", "sale_amount": -16.50, "quantity": -1, "commissions": -0.99, "process_date": "2026-10-29 08:00:00", "transaction_date": "2026-10-11 18:22:05", "transaction_type": "realtime", "product_name": "Mug", "u1": "u-1", "currency": "USD", "is_event": "N"}
]
"""

CASHBACK_ONLY = {"reported_cashback"}  # Rakuten publishes no status and no lock date


def test_rakuten_events_with_line_items_and_a_return_row(tmp_path):
    orders = status(write(tmp_path, "rakuten.json", RAKUTEN), "--profile", "rakuten")
    assert all(set(order) - {*ORDER_KEYS, "store"} == CASHBACK_ONLY for order in orders.values())
    assert_orders(
        orders,
        {
            # two SKUs: 24.00 + 16.50 = 40.50, commission 1.44 + 0.99 = 2.43 = E; the return
            # row (−16.50) is a refund dated by its process_date 10-29.
            # C = 2.43 × 24.00 / 40.50 = 58.32 / 40.50 = 1.44; cancelled 0.99.
            # Later of 10-11 + 15 = 10-26 and 10-29. Reported 2.43 − 0.99 = 1.44.
            "RK-5512093": (
                ("40.50", "16.50", "2.43", "1.44", "0.99", "confirmed", "2026-10-29"),
                {"reported_cashback": "1.44"},
            ),
            # 11-15 + 15 = 11-30: pending.
            "RK-5530871": (
                ("59.00", "0.00", "3.54", "3.54", "0.00", "pending", "2026-11-30"),
                {"reported_cashback": "3.54"},
            ),
        },
    )


RAKUTEN_REPORT = """
Order ID,Transaction Date,Transaction Time,Advertiser ID,Advertiser Name,SKU Number,Product Name,Sales,# of Items,Total Commission,Transaction ID,Currency
RR-7703311,10/05/26,14:08:22,44120,Juniper Tea Co.,SKU-POT,Glass Teapot,45.00,1,2.70,88412001,USD
RR-7703311,10/05/26,14:08:22,44120,Juniper Tea Co.,SKU-SET,"Tea set, 4 cups",32.00,1,1.92,88412002,USD
RR-7719054,11/08/26,20:41:09,51877,Oakline Outdoor,SKU-KETTLE,Cast iron kettle,189.99,1,11.40,88530117,USD
RR-7703311,10/27/26,09:15:44,44120,Juniper Tea Co.,SKU-POT,Glass Teapot,-45.00,-1,-2.70,88612540,USD
"""


def test_rakuten_report_csv_with_month_first_dates_and_a_return(tmp_path):
    orders = status(write(tmp_path, "report.csv", RAKUTEN_REPORT), "--profile", "rakuten-report")
    assert all(set(order) - {*ORDER_KEYS, "store"} == CASHBACK_ONLY for order in orders.values())
    # m/d/yy: 11/08/26 is 8 November 2026 (read day first it would be 11 August)
    assert {oid: order["ordered_at"] for oid, order in orders.items()} == {
        "RR-7703311": "2026-10-05",
        "RR-7719054": "2026-11-08",
    }
    assert_orders(
        orders,
        {
            # 45.00 + 32.00 = 77.00, commission 2.70 + 1.92 = 4.62 = E; the return row of
            # 10/27/26 (−45.00) is a refund dated by its own date. C = 4.62 × 32.00 / 77.00
            # = 1.92; cancelled 2.70. Later of 10-05 + 15 = 10-20 and 10-27. Reported 4.62 − 2.70.
            "RR-7703311": (
                ("77.00", "45.00", "4.62", "1.92", "2.70", "confirmed", "2026-10-27"),
                {"reported_cashback": "1.92"},
            ),
            # 11-08 + 15 = 11-23 <= 11-24: confirmed.
            "RR-7719054": (
                ("189.99", "0.00", "11.40", "11.40", "0.00", "confirmed", "2026-11-23"),
                {"reported_cashback": "11.40"},
            ),
        },
    )


TRADEDOUBLER = """
{"reportCurrencyCode": "EUR", "items": [
  {"programId": 271604, "programName": "Nordlys Optics", "orderNumber": "NO-23018", "leadNumber": null, "timeOfTransaction": "2026-10-07T11:32:09+02:00", "timeOfLastClick": "2026-10-07T11:05:44+02:00", "timeOfLastModified": "2026-11-05T09:00:12+01:00", "orderValue": 240.00, "commission": 14.40, "status": "A", "epi": "u-1"},
  {"programId": 271604, "programName": "Nordlys Optics", "orderNumber": "NO-23544", "leadNumber": null, "timeOfTransaction": "2026-10-19T16:00:00+02:00", "timeOfLastClick": "2026-10-19T15:40:00+02:00", "timeOfLastModified": "2026-11-02T10:00:00+01:00", "orderValue": 180.00, "commission": 10.80, "status": "D", "epi": "u-2"},
  {"programId": 300917, "programName": "Vinpuls", "orderNumber": "VP-88102", "leadNumber": null, "timeOfTransaction": "2026-11-13T20:10:00+01:00", "timeOfLastClick": "2026-11-13T19:55:00+01:00", "timeOfLastModified": "2026-11-13T20:10:00+01:00", "orderValue": 65.90, "commission": 3.95, "status": "P", "epi": "u-3"},
  {"programId": 300918, "programName": "Cardvault", "leadNumber": "CV-L-40917", "timeOfTransaction": "2026-11-02T10:00:00+01:00", "timeOfLastClick": "2026-11-02T09:50:00+01:00", "timeOfLastModified": "2026-11-02T10:00:00+01:00", "orderValue": 0, "commission": 12.00, "status": "P", "epi": "u-4"}
], "reportTotal": 4}
"""


def test_tradedoubler_report_currency_and_a_lead(tmp_path):
    orders = status(write(tmp_path, "tradedoubler.json", TRADEDOUBLER), "--profile", "tradedoubler")
    assert {order["currency"] for order in orders.values()} == {"EUR"}  # reportCurrencyCode
    assert_orders(
        orders,
        {
            # E = 14.40; no lock date: 10-07 + 15 = 10-22.
            "NO-23018": (
                ("240.00", "0.00", "14.40", "14.40", "0.00", "confirmed", "2026-10-22"),
                reported("confirmed", "A", "14.40", **NO_LOCK),
            ),
            # D: cancelled by the network; no date of its own, so on the order's date 10-19: a
            # full refund, C = 0, 10.80 cancelled (confirm_on the hold's end, 10-19 + 15 = 11-03).
            "NO-23544": (
                ("180.00", "180.00", "10.80", "0.00", "10.80", "cancelled", "2026-11-03"),
                reported("cancelled", "D", "0.00", **NO_LOCK),
            ),
            # 11-13 + 15 = 11-28: pending.
            "VP-88102": (
                ("65.90", "0.00", "3.95", "3.95", "0.00", "pending", "2026-11-28"),
                reported("pending", "P", "3.95", **NO_LOCK),
            ),
            # a lead, by its leadNumber: orderValue 0, so no amount; C = E = 12.00; 11-02 + 15 = 11-17.
            "CV-L-40917": (
                (None, "0.00", "12.00", "12.00", "0.00", "confirmed", "2026-11-17"),
                reported("pending", "P", "12.00", **NO_LOCK),
            ),
        },
    )


EPN = """
{"data": [
  {"type": "transaction", "id": "41877231", "attributes": {"order_number": "8203001122334455", "order_status": "approved", "order_time": "2026-10-04 10:21:33", "date": "2026-10-04 10:21:33", "revenue": "54.20", "commission_user": "2.71", "currency": "USD", "offer_name": "AliExpress WW"}},
  {"type": "transaction", "id": "41901876", "attributes": {"order_number": "8203004410928876", "order_status": "rejected", "order_time": "2026-10-12 16:30:10", "date": "2026-10-12 16:30:10", "revenue": "37.60", "commission_user": "1.88", "currency": "USD", "offer_name": "AliExpress WW"}},
  {"type": "transaction", "id": "41955002", "attributes": {"order_number": "8203011876550213", "order_status": "hold", "order_time": "2026-10-29 08:00:00", "date": "2026-10-29 08:00:00", "revenue": "110.00", "commission_user": "5.50", "currency": "USD", "offer_name": "AliExpress WW"}},
  {"type": "transaction", "id": "41960113", "attributes": {"order_number": "JM-2026-558120", "order_status": "canceled", "date": "2026-11-03 12:00:00", "revenue": "15.40", "commission_user": "0.77", "currency": "USD", "offer_name": "Joom"}},
  {"type": "transaction", "id": "41990457", "attributes": {"order_number": "8203019902174460", "order_status": "pending", "order_time": "2026-11-15 19:45:00", "date": "2026-11-15 19:45:00", "revenue": "23.80", "commission_user": "1.19", "currency": "USD", "offer_name": "AliExpress WW"}}
], "meta": {"totalFound": 5}}
"""


def test_epn_json_api_attributes(tmp_path):
    orders = status(write(tmp_path, "epn.json", EPN), "--profile", "epn")
    assert {order["currency"] for order in orders.values()} == {"USD"}
    # the canceled one carries only `date` (no order_time): the profile falls back to it
    assert orders["JM-2026-558120"]["ordered_at"] == "2026-11-03"
    assert_orders(
        orders,
        {
            # E = commission_user 2.71; 10-04 + 15 = 10-19.
            "8203001122334455": (
                ("54.20", "0.00", "2.71", "2.71", "0.00", "confirmed", "2026-10-19"),
                reported("confirmed", "approved", "2.71", **NO_LOCK),
            ),
            # rejected: cancelled by the network, 1.88 cancelled (10-12 + 15 = 10-27).
            "8203004410928876": (
                ("37.60", "37.60", "1.88", "0.00", "1.88", "cancelled", "2026-10-27"),
                reported("cancelled", "rejected", "0.00", **NO_LOCK),
            ),
            # hold maps to pending; the rules: 10-29 + 15 = 11-13, confirmed.
            "8203011876550213": (
                ("110.00", "0.00", "5.50", "5.50", "0.00", "confirmed", "2026-11-13"),
                reported("pending", "hold", "5.50", **NO_LOCK),
            ),
            # canceled: cancelled by the network, 0.77 cancelled (11-03 + 15 = 11-18).
            "JM-2026-558120": (
                ("15.40", "15.40", "0.77", "0.00", "0.77", "cancelled", "2026-11-18"),
                reported("cancelled", "canceled", "0.00", **NO_LOCK),
            ),
            # 11-15 + 15 = 11-30: pending.
            "8203019902174460": (
                ("23.80", "0.00", "1.19", "1.19", "0.00", "pending", "2026-11-30"),
                reported("pending", "pending", "1.19", **NO_LOCK),
            ),
        },
    )


def test_csv_report_with_a_profile_carries_the_reported_columns(tmp_path):
    path = write(tmp_path, "admitad.json", ADMITAD)
    result = invoke("status", path, "--profile", "admitad", "--as-of", AS_OF, "-f", "csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split(",") == [*ORDER_KEYS, "store", *REPORTED_KEYS]
    # AD-1003: declined by the network, so cancelled with its word (see the JSON test above)
    row = next(line for line in lines if line.startswith("AD-1003,"))
    assert row.endswith(
        ",cancelled,2026-11-19,cancelled by the network: declined,Nord Bike,cancelled,declined,0.00,2026-11-19"
    )


def test_plain_file_output_has_no_reported_keys(tmp_path):
    path = write(tmp_path, "orders.csv", "order_id,ordered_at,amount,cashback_rate\nP1,2026-10-01,100.00,5\n")
    result = invoke("status", path, "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 0, result.output
    assert list(json.loads(result.stdout)["orders"][0]) == ORDER_KEYS
    result = invoke("status", path, "--as-of", AS_OF, "-f", "csv")
    assert result.stdout.splitlines()[0].split(",") == ORDER_KEYS


# --- 2. every built-in profile reads its sample file ---------------------------------------------


def built_in_names() -> list[str]:
    result = invoke("profiles", "-f", "json")
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout))


BUILT_IN = built_in_names()


def samples_of(name: str) -> list[Path]:
    """examples/networks/NAME.json|csv|xml, and NAME-*.json|csv|xml for another shape of the same
    profile."""
    found = []
    for path in sorted(NETWORKS.iterdir()):
        if path.suffix not in SAMPLE_SUFFIXES:
            continue
        stem = path.stem
        owner = stem if stem in BUILT_IN else stem.rsplit("-", 1)[0]
        if owner == name:
            found.append(path)
    return found


SAMPLE_SUFFIXES = (".json", ".csv", ".xml")
# Exports that name no currency and need --currency said (the request chose it)
SAMPLE_CURRENCY = {"tradedoubler-report.xml": "SEK", "daisycon.json": "EUR"}


def test_every_sample_file_belongs_to_a_built_in_profile():
    files = [path for path in NETWORKS.iterdir() if path.suffix in SAMPLE_SUFFIXES]
    assert sorted(files) == sorted(path for name in BUILT_IN for path in samples_of(name))


@pytest.mark.parametrize("name", BUILT_IN)
def test_built_in_profile_reads_its_sample_through_the_cli(name):
    samples = samples_of(name)
    assert samples, f"no sample file for {name} in {NETWORKS}"
    for sample in samples:
        currency = ("--currency", SAMPLE_CURRENCY[sample.name]) if sample.name in SAMPLE_CURRENCY else ()
        result = invoke("status", sample, "--profile", name, "--as-of", AS_OF, "-f", "json", *currency)
        assert result.exit_code == 0, f"{sample}: {result.output}"
        assert json.loads(result.stdout)["orders"], sample
        result = invoke("validate", sample, "--profile", name, *currency)
        assert result.exit_code == 0, f"{sample}: {result.output}"


def test_profiles_lists_every_built_in_profile():
    assert set(BUILT_IN) >= {
        "admitad",
        "aliexpress",
        "awin",
        "cj",
        "impact",
        "rakuten",
        "rakuten-report",
        "tradedoubler",
        "epn",
    }
    result = invoke("profiles")
    assert result.exit_code == 0, result.output
    names = re.findall(r"^│ (\S+)", result.stdout, re.MULTILINE)  # the first column of each row
    assert sorted(set(names) - {""}) == sorted(BUILT_IN)
    document = json.loads(invoke("profiles", "-f", "json").stdout)
    # the status words of docs/rules.md, as each profile maps them (folded)
    assert document["admitad"]["status"]["confirmed"] == ["approved", "approved_but_stalled"]
    assert {"amount", "commission", "finished_amount"} <= set(document["aliexpress"]["minor_units"])
    assert document["tradedoubler"]["status"]["cancelled"] == ["d"]


# --- 3. no minor-unit amount passes as major units ------------------------------------------------


def aliexpress_one(paid: str, currency_key: str = "settled_currency") -> str:
    return (
        '{"aliexpress_affiliate_order_list_response": {"resp_result": {"result": {"orders": {"order": [\n'
        f'  {{"order_id": 8201000000000001, "sub_order_id": 8201000000000011, "order_status": "Payment Completed",'
        f' "{currency_key}": "USD", "paid_amount": {paid}, "estimated_paid_commission": 100,'
        ' "created_time": "2026-10-08 21:14:09"}\n'
        "]}}}}}\n"
    )


@pytest.mark.parametrize("paid", ['"199.90"', "199.90"], ids=["decimal-text", "decimal-number"])
def test_aliexpress_refuses_amounts_not_in_cents(tmp_path, paid):
    # 199.90, as text or as a number, is not a whole number of cents: read as cents it would be
    # 100 times off, so it is refused with the reason, never guessed.
    path = write(tmp_path, "ae.json", aliexpress_one(paid))
    result = invoke("status", path, "--profile", "aliexpress", "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert (
        f"{path}:2: paid_amount: got '199.90', expected a whole number of minor units (cents)"
        in result.stderr
    )
    assert "leaves amount out of minor_units" in result.stderr


@pytest.mark.parametrize("paid", ['"3792"', "3792"], ids=["text", "number"])
def test_aliexpress_cents_as_a_string_of_digits_or_a_number(tmp_path, paid):
    # a real order-list response gives "paid_amount": "3792": 3792 cents, 37.92 USD, as the
    # number 3792 is; the commission 100 cents = 1.00 USD.
    orders = status(write(tmp_path, "ae.json", aliexpress_one(paid)), "--profile", "aliexpress")
    order = orders["8201000000000001"]
    assert (order["amount"], order["expected_cashback"], order["currency"]) == ("37.92", "1.00", "USD")


def test_aliexpress_without_settled_currency_is_refused(tmp_path):
    path = write(tmp_path, "ae.json", aliexpress_one("1113", currency_key="order_currency"))
    result = invoke("status", path, "--profile", "aliexpress", "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{path}:2:" in result.stderr and "currency" in result.stderr


MINOR_CSV = "order_id,ordered_at,amount,currency,cashback_rate\nM1,2026-10-01,1113,USD,10\nM2,2026-10-01,1113,JPY,10\n"


def test_minor_units_option_reads_cents_by_the_currency(tmp_path):
    orders = status(write(tmp_path, "orders.csv", MINOR_CSV), "--minor-units", "amount")
    # 1113 USD cents = 11.13; 11.13 × 10% = 1.113 → 1.11. JPY has no minor unit: 1113; 111.3 → 111.
    assert {oid: (o["amount"], o["expected_cashback"]) for oid, o in orders.items()} == {
        "M1": ("11.13", "1.11"),
        "M2": ("1113", "111"),
    }


def test_minor_units_option_refuses_a_decimal_figure(tmp_path):
    path = write(
        tmp_path,
        "orders.csv",
        "order_id,ordered_at,amount,currency,cashback_rate\nM1,2026-10-01,11.13,USD,10\n",
    )
    result = invoke("status", path, "--minor-units", "amount", "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 1
    assert f"{path}:2: amount" in result.stderr


def test_without_minor_units_a_whole_figure_is_major_units(tmp_path):
    orders = status(write(tmp_path, "orders.csv", MINOR_CSV))
    # never guessed: 1113 is 1113.00 USD; 10% = 111.30
    assert (orders["M1"]["amount"], orders["M1"]["expected_cashback"]) == ("1113.00", "111.30")


# --- 4. generic reading: --records, JSON:API, dotted --map -------------------------------------------


def test_records_option_reads_a_wrapped_list(tmp_path):
    path = write(
        tmp_path,
        "wrapped.json",
        '{"_meta": {"count": 2}, "results": [\n'
        ' {"order_id": "G1", "ordered_at": "2026-10-01", "amount": "100.00", "cashback_rate": "5"},\n'
        ' {"order_id": "G2", "ordered_at": "2026-11-20", "amount": "40.00", "cashback_rate": "10"}\n]}\n',
    )
    orders = status(path, "--records", "results")
    assert {oid: (o["expected_cashback"], o["status"], o["confirm_on"]) for oid, o in orders.items()} == {
        "G1": ("5.00", "confirmed", "2026-10-16"),  # 100 × 5%; 10-01 + 15
        "G2": ("4.00", "pending", "2026-12-05"),  # 40 × 10%; 11-20 + 15
    }
    assert list(orders["G1"]) == ORDER_KEYS


def test_records_option_at_a_path_that_is_not_a_list_names_the_lists_found(tmp_path):
    path = write(tmp_path, "wrapped.json", '{"_meta": {"count": 1}, "results": [{"order_id": "G1"}]}\n')
    result = invoke("status", path, "--records", "items", "--rate", "5", "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 1
    message = plain(result.stderr)
    assert "items" in message and "results (1)" in message


def test_records_option_reads_json_api_attributes_and_id(tmp_path):
    path = write(
        tmp_path,
        "api.json",
        '{"data": [\n'
        ' {"type": "order", "id": "J1", "attributes": {"ordered_at": "2026-10-01", "amount": "80.00", "cashback_rate": "5"}},\n'
        ' {"type": "order", "id": "J2", "attributes": {"ordered_at": "2026-10-02", "amount": "30.00", "cashback_rate": "10"}}\n'
        '], "meta": {}}\n',
    )
    orders = status(path, "--records", "data", "--map", "order_id=id")
    # 80 × 5% = 4.00; 30 × 10% = 3.00
    assert {oid: (o["amount"], o["expected_cashback"]) for oid, o in orders.items()} == {
        "J1": ("80.00", "4.00"),
        "J2": ("30.00", "3.00"),
    }


def test_map_accepts_a_dotted_path_into_a_nested_object(tmp_path):
    path = write(
        tmp_path,
        "nested.json",
        '[{"order_id": "N1", "ordered_at": "2026-10-01", "cashback_rate": "5",'
        ' "saleAmount": {"amount": 85.00, "currency": "GBP"}}]\n',
    )
    orders = status(path, "--map", "amount=saleAmount.amount", "--map", "currency=saleAmount.currency")
    # 85.00 GBP × 5% = 4.25
    assert (orders["N1"]["amount"], orders["N1"]["currency"], orders["N1"]["expected_cashback"]) == (
        "85.00",
        "GBP",
        "4.25",
    )


def test_wrapped_json_without_records_names_the_lists_found(tmp_path):
    path = write(
        tmp_path,
        "wrapped.json",
        '{"page": {"n": 1}, "results": [{"id": 1, "sum": 10}, {"id": 2, "sum": 20}],'
        ' "extra": {"errors": [{"code": 5}]}}\n',
    )
    result = invoke("status", path, "--rate", "5", "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    message = plain(result.stderr)
    assert str(path) in message
    assert "results (2)" in message and "extra.errors (1)" in message


def test_admitad_shaped_json_without_a_profile_says_which_to_add(tmp_path):
    path = write(tmp_path, "admitad.json", ADMITAD)
    result = invoke("status", path, "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 1
    assert "add --profile admitad" in plain(result.stderr)


# --- 5. a user's own profile file -----------------------------------------------------------------

MY_PROFILE = """
description = "our partner's payout feed"
records = "payload.rows"

[fields]
order_id = "ref"
ordered_at = "when"
amount = "total.value"
commission = "fee"
currency = "total.currency"
network_status = "state"

[status]
confirmed = ["ok"]
cancelled = ["void"]
"""

MY_EXPORT = """
{"payload": {"rows": [
  {"ref": "U1", "when": "2026-10-01 10:00:00", "total": {"value": "100.00", "currency": "EUR"}, "fee": "4.00", "state": "ok"},
  {"ref": "U2", "when": "2026-10-05 10:00:00", "total": {"value": "60.00", "currency": "EUR"}, "fee": "2.50", "state": "void"},
  {"ref": "U3", "when": "2026-11-20 10:00:00", "total": {"value": "20.00", "currency": "EUR"}, "fee": "1.00", "state": "waiting"}
]}}
"""


def test_a_users_own_profile_file(tmp_path):
    profile = write(tmp_path, "my.toml", MY_PROFILE)
    orders = status(write(tmp_path, "feed.json", MY_EXPORT), "--profile", profile)
    assert {order["currency"] for order in orders.values()} == {"EUR"}
    assert_orders(
        orders,
        {
            # E = fee 4.00; 10-01 + 15 = 10-16 (no lock date mapped, so no locks_on key)
            "U1": (
                ("100.00", "0.00", "4.00", "4.00", "0.00", "confirmed", "2026-10-16"),
                reported("confirmed", "ok", "4.00", lock=False),
            ),
            # void maps to cancelled: the network's own cancellation, a full refund on the
            # order's date (no date of its own): C = 0, 2.50 cancelled; 10-05 + 15 = 10-20
            "U2": (
                ("60.00", "60.00", "2.50", "0.00", "2.50", "cancelled", "2026-10-20"),
                reported("cancelled", "void", "0.00", lock=False),
            ),
            # a word the profile does not list is pending; 11-20 + 15 = 12-05
            "U3": (
                ("20.00", "0.00", "1.00", "1.00", "0.00", "pending", "2026-12-05"),
                reported("pending", "waiting", "1.00", lock=False),
            ),
        },
    )


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (("", 'colour = "blue"\n'), "colour"),
        (('network_status = "state"\n', 'network_status = "state"\nflavour = "x"\n'), "fields.flavour"),
        (('confirmed = ["ok"]\n', 'confirmed = "ok"\n'), "status.confirmed"),
        (('order_id = "ref"\n', ""), "fields.order_id"),
    ],
    ids=["unknown-key", "unknown-field", "status-not-a-list", "no-order-id"],
)
def test_a_bad_profile_file_is_a_usage_error_naming_the_key(tmp_path, change, key):
    old, new = change
    text = (new + MY_PROFILE) if old == "" else MY_PROFILE.replace(old, new)
    assert text != MY_PROFILE
    profile = write(tmp_path, "bad.toml", text)
    result = invoke("status", write(tmp_path, "feed.json", MY_EXPORT), "--profile", profile, "--as-of", AS_OF)
    assert result.exit_code == 2
    assert result.stdout == ""
    message = plain(result.stderr)
    assert f"{profile}: {key}:" in message or f"{profile}: {key} " in message, message


def test_an_unknown_profile_name_lists_the_built_in_ones(tmp_path):
    result = invoke(
        "status", write(tmp_path, "feed.json", MY_EXPORT), "--profile", "nosuch", "--as-of", AS_OF
    )
    assert result.exit_code == 2
    message = plain(result.stderr)
    assert "nosuch" in message
    assert all(name in message for name in BUILT_IN), message


# --- 6. the store policy's share of a network's commission ------------------------------------------

SHARED = """
{"_meta": {"count": 2}, "results": [
  {"id": 201, "order_id": "SA-1", "action_type": "sale", "status": "approved", "action_date": "2026-10-01 10:00:00", "closing_date": "2026-10-31", "cart": 200.00, "payment": 10.00, "currency": "USD", "advcampaign_id": 1, "advcampaign_name": "Shop A"},
  {"id": 202, "order_id": "SB-1", "action_type": "sale", "status": "approved", "action_date": "2026-10-01 10:00:00", "closing_date": "2026-10-31", "cart": 200.00, "payment": 10.00, "currency": "USD", "advcampaign_id": 2, "advcampaign_name": "Shop B"}
]}
"""


def shares(tmp_path, policy: str) -> dict[str, tuple]:
    config = write(tmp_path, "policy.toml", policy)
    orders = status(write(tmp_path, "admitad.json", SHARED), "--profile", "admitad", "--config", config)
    return {oid: (o["expected_cashback"], o["cashback"], o["reported_cashback"]) for oid, o in orders.items()}


def test_share_in_defaults_scales_the_commission(tmp_path):
    # 10.00 × 60 / 100 = 6.00, for E and for the reported cashback of both stores
    assert shares(tmp_path, "[defaults]\nshare = 60\n") == {
        "SA-1": ("6.00", "6.00", "6.00"),
        "SB-1": ("6.00", "6.00", "6.00"),
    }


def test_share_of_a_store_named_by_the_profiles_store_field(tmp_path):
    # advcampaign_name "Shop A" has share 60: 6.00; Shop B keeps the default 100: 10.00
    assert shares(tmp_path, '[stores."Shop A"]\nshare = 60\n') == {
        "SA-1": ("6.00", "6.00", "6.00"),
        "SB-1": ("10.00", "10.00", "10.00"),
    }


def test_share_applies_before_a_partial_refund(tmp_path):
    config = write(tmp_path, "policy.toml", "[defaults]\nshare = 60\n")
    orders = status(
        write(tmp_path, "aliexpress.json", ALIEXPRESS_LIST), "--profile", "aliexpress", "--config", config
    )
    order = orders["8202177301920002"]
    # E = 4.00 × 60% = 2.40; 15.00 of 50.00 refunded: C = 2.40 × 35.00 / 50.00 = 1.68; 0.72 lost.
    # The network's finished commission 2.80 reported at the shopper's share: 2.80 × 60% = 1.68.
    assert (order["expected_cashback"], order["cashback"], order["cancelled_cashback"]) == (
        "2.40",
        "1.68",
        "0.72",
    )
    assert order["reported_cashback"] == "1.68"


def test_config_show_lists_share(tmp_path):
    config = write(tmp_path, "policy.toml", '[defaults]\nshare = 60\n[stores."Shop A"]\nshare = 50\n')
    result = invoke("config", "show", "--config", config, "-f", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["(other stores)"]["share"]["value"] == "60"
    assert "[defaults]" in document["(other stores)"]["share"]["source"]
    assert document["Shop A"]["share"]["value"] == "50"
    table = invoke("config", "show", "--config", config)
    assert table.exit_code == 0, table.output
    assert re.search(r"share\s*│\s*60\b", table.stdout) and re.search(r"share\s*│\s*50\b", table.stdout)


def test_config_show_lists_the_built_in_share_of_100(tmp_path):
    config = write(tmp_path, "policy.toml", "[defaults]\nhold_days = 20\n")
    result = invoke("config", "show", "--config", config, "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["(other stores)"]["share"] == {"value": "100", "source": "built-in"}


# --- 7. data errors that stay errors ----------------------------------------------------------------


def test_a_repeated_order_id_without_line_items_is_a_data_error(tmp_path):
    text = IMPACT.replace('"Oid": "IM-1003"', '"Oid": "IM-1001"')
    path = write(tmp_path, "impact.json", text)
    result = invoke("status", path, "--profile", "impact", "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    # the records of IM-1001 begin on lines 3 and 5
    assert f"{path}:3:" in result.stderr and f"{path}:5:" in result.stderr and "IM-1001" in result.stderr


def test_a_cj_correction_of_a_sale_not_in_the_file_is_a_data_error(tmp_path):
    text = cj_document(
        cj_record("HP-1", "new", "2026-10-01T10:00:00Z", "2026-10-01T11:00:00Z", "50.000", "4.000"),
        cj_record(
            "ZZ-9",
            "new",
            "2026-10-01T10:00:00Z",
            "2026-10-20T11:00:00Z",
            "-5.000",
            "-0.400",
            original="false",
        ),
    )
    path = write(tmp_path, "cj.json", text)
    result = invoke("status", path, "--profile", "cj", "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{path}:3: orderId" in result.stderr and "ZZ-9" in result.stderr


def test_a_rakuten_return_of_a_sale_not_in_the_file_is_a_data_error(tmp_path):
    text = RAKUTEN_REPORT.replace("RR-7703311,10/27/26", "RR-0000001,10/27/26")
    path = write(tmp_path, "report.csv", text)
    result = invoke("status", path, "--profile", "rakuten-report", "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 1
    assert f"{path}:5: Order ID" in result.stderr and "RR-0000001" in result.stderr


def test_a_profile_with_a_fixed_currency_reads_every_record_in_it(tmp_path):
    """`fixed_currency` for an export that names its currency nowhere (docs/rules.md, "Network
    exports": "or a code")."""
    profile = write(
        tmp_path,
        "fixed.toml",
        'records = "rows"\nfixed_currency = "JPY"\n[fields]\norder_id = "id"\nordered_at = "day"\n'
        'amount = "total"\ncommission = "fee"\n',
    )
    export = write(
        tmp_path, "rows.json", '{"rows": [{"id": "J1", "day": "2026-10-01", "total": 12000, "fee": 600}]}'
    )
    found = status(export, "--profile", str(profile))
    # JPY has no minor digits: 12000 JPY, E = the fee 600, held 15 days from 10-01 to 10-16
    assert (found["J1"]["currency"], found["J1"]["amount"], found["J1"]["cashback"]) == (
        "JPY",
        "12000",
        "600",
    )
    assert found["J1"]["confirm_on"] == "2026-10-16"


def test_a_fixed_currency_that_is_not_a_code_is_named(tmp_path):
    profile = write(
        tmp_path,
        "bad.toml",
        'fixed_currency = "dollars"\n[fields]\norder_id = "id"\nordered_at = "d"\namount = "a"\n',
    )
    export = write(tmp_path, "rows.json", "[]")
    result = invoke("status", str(export), "--profile", str(profile))
    assert result.exit_code == 2 and "fixed_currency" in plain(result.output)
