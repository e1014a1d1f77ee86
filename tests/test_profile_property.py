"""The same orders, as a canonical CSV and wrapped in each network's published shape, give the
same figures (hypothesis, through the command line).

Orders: an id, a date, an amount and a commission in cents, USD or EUR, and an optional partial
refund dated after the order. The canonical file gives the commission as the fixed
expected_cashback, and the refund as a dispute resolved on its date. Each network writes them
the way it publishes them: amounts in cents or in major units, numbers or text, nested or at the
top level, line items (AliExpress sub-orders, Rakuten SKUs), and the refund where the network can
express it: a finished amount (AliExpress), a correction row (CJ), a return row (Rakuten), an
amended sale (Awin: dated by the sale, since an amendment has no date of its own). Networks that
publish no refunds get the orders without them. No lock date is written, so rule 6 uses the hold.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from conftest import FIGURE_KEYS
from conftest import exact_json as dump
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cashback_cli.cli import app

runner = CliRunner()
AS_OF = date(2026, 11, 24)
FIRST_DAY = date(2026, 9, 1)


class Sale(NamedTuple):
    order_id: str  # 16 digits, as AliExpress numbers its orders
    ordered_at: date
    amount: int  # cents
    commission: int  # cents
    currency: str
    split: int  # cents of the first of two line items (1 … amount − 1)
    commission_split: int  # the first line's commission (0 … commission)
    refund: tuple[int, date] | None  # cents (1 … amount − 1) and the day it was made


@st.composite
def sales(draw) -> list[Sale]:
    found = []
    for index in range(draw(st.integers(1, 5))):
        amount = draw(st.integers(2, 1_000_000))
        commission = draw(st.integers(0, 100_000))
        ordered = FIRST_DAY + timedelta(days=draw(st.integers(0, (AS_OF - FIRST_DAY).days)))
        refund = None
        if draw(st.booleans()):
            refund = (draw(st.integers(1, amount - 1)), ordered + timedelta(days=draw(st.integers(1, 60))))
        found.append(
            Sale(
                order_id=str(8200000000000001 + index),
                ordered_at=ordered,
                amount=amount,
                commission=commission,
                currency=draw(st.sampled_from(["USD", "EUR"])),
                split=draw(st.integers(1, amount - 1)),
                commission_split=draw(st.integers(0, commission)),
                refund=refund,
            )
        )
    return found


def major(cents: int) -> Decimal:
    """Cents as an exact amount in major units: 1113 → 11.13."""
    return Decimal(cents).scaleb(-2)


def text(cents: int, places: int = 2) -> str:
    return f"{major(cents):.{places}f}"


def left(sale: Sale) -> int:
    return sale.amount - sale.refund[0] if sale.refund else sale.amount


# --- the canonical files --------------------------------------------------------------------------


def canonical(folder: Path, orders: list[Sale], refunds: str) -> dict[str, tuple]:
    """refunds: "dated" (on the refund's day), "same-day" (on the order's day) or "none"."""
    lines = ["order_id,ordered_at,amount,expected_cashback,currency"]
    lines += [
        f"{s.order_id},{s.ordered_at},{text(s.amount)},{text(s.commission)},{s.currency}" for s in orders
    ]
    path = folder / f"orders-{refunds}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    options: list[str] = []
    refunded = [s for s in orders if s.refund] if refunds != "none" else []
    if refunded:
        rows = ["order_id,opened_at,resolved_at,refund_amount"]
        for s in refunded:
            day = s.refund[1] if refunds == "dated" else s.ordered_at
            rows.append(f"{s.order_id},{day},{day},{text(s.refund[0])}")
        disputes = folder / f"disputes-{refunds}.csv"
        disputes.write_text("\n".join(rows) + "\n", encoding="utf-8")
        options = ["--disputes", str(disputes)]
    return run(path, *options)


def run(path: Path, *options: str) -> dict[str, tuple]:
    result = runner.invoke(
        app,
        ["status", str(path), "--as-of", AS_OF.isoformat(), "-f", "json", *options],
        env={"NO_COLOR": "1"},
    )
    assert result.exit_code == 0, f"{path.name}: {result.output}\n{path.read_text(encoding='utf-8')}"
    return {o["order_id"]: tuple(o[key] for key in FIGURE_KEYS) for o in json.loads(result.stdout)["orders"]}


# --- each network's shape ---------------------------------------------------------------------------


def admitad(orders: list[Sale]) -> str:
    results = [
        {
            "id": 100 + i,
            "order_id": s.order_id,
            "action_type": "sale",
            "status": "pending",
            "action_date": f"{s.ordered_at} 10:00:00",
            "cart": major(s.amount),
            "payment": major(s.commission),
            "currency": s.currency,
            "advcampaign_name": "Shop",
        }
        for i, s in enumerate(orders)
    ]
    return dump({"_meta": {"count": len(orders), "limit": 500, "offset": 0}, "results": results})


def aliexpress(orders: list[Sale]) -> str:
    records = []
    for s in orders:
        base = {
            "order_id": int(s.order_id),
            "order_status": "Payment Completed",
            "settled_currency": s.currency,
            "created_time": f"{s.ordered_at} 10:00:00",
        }
        if s.refund:  # one sub-order, finished below what was paid (cents, as text)
            records.append(
                {
                    **base,
                    "sub_order_id": int(s.order_id) + 10,
                    "paid_amount": s.amount,
                    "finished_amount": str(left(s)),
                    "estimated_paid_commission": s.commission,
                    "finished_time": f"{s.refund[1]} 12:00:00",
                }
            )
            continue
        for n, (paid, commission) in enumerate(
            [(s.split, s.commission_split), (s.amount - s.split, s.commission - s.commission_split)]
        ):
            records.append(
                {
                    **base,
                    "sub_order_id": int(s.order_id) + 10 + n,
                    "paid_amount": paid,
                    "finished_amount": str(paid),
                    "estimated_paid_commission": commission,
                }
            )
    orders_ = {"current_record_count": len(records), "orders": {"order": records}}
    wrapper = {
        "resp_result": {"resp_code": 200, "resp_msg": "success", "result": orders_},
        "request_id": "r1",
    }
    return dump({"aliexpress_affiliate_order_list_response": wrapper})


def awin(orders: list[Sale]) -> str:
    records = []
    for i, s in enumerate(orders):
        cur = s.currency
        record = {
            "id": 4000 + i,
            "advertiserId": 7120,
            "commissionStatus": "pending",
            "commissionAmount": {"amount": major(s.commission), "currency": cur},
            "saleAmount": {"amount": major(s.amount), "currency": cur},
            "transactionDate": f"{s.ordered_at}T10:00:00",
            "validationDate": None,
            "amended": False,
            "amendReason": None,
            "oldSaleAmount": None,
            "oldCommissionAmount": None,
            "orderRef": s.order_id,
        }
        if s.refund:  # amended down: the sale now, and the sale and commission before
            record.update(
                {
                    "saleAmount": {"amount": major(left(s)), "currency": cur},
                    "commissionAmount": {"amount": major(s.commission_split), "currency": cur},
                    "amended": True,
                    "amendReason": "Partial return",
                    "oldSaleAmount": {"amount": major(s.amount), "currency": cur},
                    "oldCommissionAmount": {"amount": major(s.commission), "currency": cur},
                }
            )
        records.append(record)
    return dump(records)


def cj(orders: list[Sale]) -> str:
    """One currency per file: CJ gives the publisher's currency, not the record's."""
    records = []
    for s in orders:
        sale = {
            "commissionId": f"{s.order_id}-0",
            "original": True,
            "correctionReason": None,
            "orderId": s.order_id,
            "actionStatus": "new",
            "advertiserName": "Harbor & Pine",
            "eventDate": f"{s.ordered_at}T10:00:00Z",
            "postingDate": f"{s.ordered_at}T11:00:00Z",
            "saleAmountPubCurrency": text(s.amount, 3),
            "pubCommissionAmountPubCurrency": text(s.commission, 3),
            "items": [],
        }
        records.append(sale)
        if s.refund:
            records.append(
                {
                    **sale,
                    "commissionId": f"{s.order_id}-1",
                    "original": False,
                    "correctionReason": "RETURNED_MERCHANDISE",
                    "postingDate": f"{s.refund[1]}T12:00:00Z",
                    "saleAmountPubCurrency": "-" + text(s.refund[0], 3),
                    "pubCommissionAmountPubCurrency": "-" + text(s.commission_split, 3),
                }
            )
    return dump(
        {
            "data": {
                "publisherCommissions": {"count": len(records), "payloadComplete": True, "records": records}
            }
        }
    )


def impact(orders: list[Sale]) -> str:
    actions = [
        {
            "Id": f"1142.4410.{i}",
            "CampaignName": "Trailhead",
            "State": "PENDING",
            "Payout": major(s.commission),
            "Amount": major(s.amount),
            "Currency": s.currency,
            "EventDate": f"{s.ordered_at}T10:00:00.000Z",
            "ClearedDate": "",
            "Oid": s.order_id,
        }
        for i, s in enumerate(orders)
    ]
    return dump({"@page": "1", "@numpages": "1", "@total": str(len(actions)), "Actions": actions})


def rakuten(orders: list[Sale]) -> str:
    rows = []
    for s in orders:
        line = {
            "advertiser_id": 44120,
            "order_id": s.order_id,
            "transaction_date": f"{s.ordered_at} 10:00:00",
            "process_date": f"{s.ordered_at} 10:05:00",
            "currency": s.currency,
            "is_event": "N",
        }
        rows.append(
            {
                **line,
                "sku_number": "A",
                "sale_amount": major(s.split),
                "commissions": major(s.commission_split),
            }
        )
        rows.append(
            {
                **line,
                "sku_number": "B",
                "sale_amount": major(s.amount - s.split),
                "commissions": major(s.commission - s.commission_split),
            }
        )
    for s in orders:  # returns come later in the feed, dated by their process_date
        if s.refund:
            rows.append(
                {
                    "advertiser_id": 44120,
                    "order_id": s.order_id,
                    "transaction_date": f"{s.ordered_at} 10:00:00",
                    "process_date": f"{s.refund[1]} 12:00:00",
                    "currency": s.currency,
                    "is_event": "N",
                    "sku_number": "A",
                    "sale_amount": -major(s.refund[0]),
                    "commissions": -major(s.commission_split),
                }
            )
    return dump(rows)


def slashed(day: date) -> str:
    return f"{day.month:02d}/{day.day:02d}/{day.year % 100:02d}"


def rakuten_report(orders: list[Sale]) -> str:
    header = "Order ID,Transaction Date,Transaction Time,Advertiser ID,Advertiser Name,SKU Number,"
    header += "Product Name,Sales,# of Items,Total Commission,Transaction ID,Currency"
    rows = [header]
    for n, s in enumerate(orders):
        day, cur = slashed(s.ordered_at), s.currency
        rows.append(
            f'{s.order_id},{day},10:00:00,44120,Juniper,A,"Tea, loose",{text(s.split)},1,'
            f"{text(s.commission_split)},{n}1,{cur}"
        )
        rows.append(
            f"{s.order_id},{day},10:00:00,44120,Juniper,B,Teapot,{text(s.amount - s.split)},1,"
            f"{text(s.commission - s.commission_split)},{n}2,{cur}"
        )
    for n, s in enumerate(orders):
        if s.refund:
            rows.append(
                f'{s.order_id},{slashed(s.refund[1])},12:00:00,44120,Juniper,A,"Tea, loose",'
                f"-{text(s.refund[0])},-1,-{text(s.commission_split)},{n}3,{s.currency}"
            )
    return "\n".join(rows) + "\n"


def tradedoubler(orders: list[Sale], currency: str) -> str:
    items = [
        {
            "programId": 271604,
            "programName": "Nordlys",
            "orderNumber": s.order_id,
            "leadNumber": None,
            "timeOfTransaction": f"{s.ordered_at}T10:00:00+01:00",
            "orderValue": major(s.amount),
            "commission": major(s.commission),
            "status": "P",
        }
        for s in orders
    ]
    return dump({"reportCurrencyCode": currency, "items": items})


def epn(orders: list[Sale]) -> str:
    data = [
        {
            "type": "transaction",
            "id": str(41000000 + i),
            "attributes": {
                "order_number": s.order_id,
                "order_status": "pending",
                "order_time": f"{s.ordered_at} 10:00:00",
                "date": f"{s.ordered_at} 10:00:00",
                "revenue": text(s.amount),
                "commission_user": text(s.commission),
                "currency": s.currency,
            },
        }
        for i, s in enumerate(orders)
    ]
    return dump({"data": data, "meta": {"totalFound": len(data)}})


# profile -> (writer, which canonical run it matches, one file per currency). "returns": the
# dated run, but a return row takes back its own commission (the network's word), not the
# order's average rate: C = commission − the returned line's commission, exactly.
SHAPES = {
    "admitad": (admitad, "none", False),
    "aliexpress": (aliexpress, "dated", False),
    "awin": (awin, "same-day", False),
    "cj": (cj, "returns", True),
    "impact": (impact, "none", False),
    "rakuten": (rakuten, "returns", False),
    "rakuten-report": (rakuten_report, "returns", False),
    "tradedoubler": (tradedoubler, "none", True),
    "epn": (epn, "none", False),
}


def own_commission_returns(orders: list[Sale], dated: dict[str, tuple]) -> dict[str, tuple]:
    """The dated figures, with each returned order's cashback worked by hand: its commission
    less the commission of the line returned (whole cents, so nothing to round)."""
    found = dict(dated)
    for s in orders:
        if s.refund and s.refund[1] <= AS_OF:  # a return after the as-of date is not counted yet
            amount, refunded, expected, _cashback, _lost, status, confirm_on = dated[s.order_id]
            kept = s.commission - s.commission_split
            found[s.order_id] = (
                amount,
                refunded,
                expected,
                text(kept),
                text(s.commission_split),
                status,
                confirm_on,
            )
    return found


@settings(max_examples=60, deadline=None)
@given(sales())
def test_every_profile_gives_the_canonical_figures(orders):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        expected = {refunds: canonical(folder, orders, refunds) for refunds in ("dated", "same-day", "none")}
        expected["returns"] = own_commission_returns(orders, expected["dated"])
        assert set(expected["dated"]) == {s.order_id for s in orders}
        for profile, (writer, refunds, per_currency) in SHAPES.items():
            found: dict[str, tuple] = {}
            if per_currency:
                for currency in sorted({s.currency for s in orders}):
                    group = [s for s in orders if s.currency == currency]
                    if refunds == "none":  # (a "returns" run keeps its refunds)
                        group = [s._replace(refund=None) for s in group]
                    path = folder / f"{profile}-{currency}.json"
                    body = writer(group, currency) if writer is tradedoubler else writer(group)
                    path.write_text(body, encoding="utf-8")
                    found.update(run(path, "--profile", profile, "--currency", currency))
            else:
                shown = orders if refunds != "none" else [s._replace(refund=None) for s in orders]
                path = folder / (f"{profile}.csv" if profile == "rakuten-report" else f"{profile}.json")
                path.write_text(writer(shown), encoding="utf-8")
                found = run(path, "--profile", profile)
            assert found == expected[refunds], profile
