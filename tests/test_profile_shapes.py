"""One profile name per network, each of its published shapes told apart by content; XML read
safely; the networks added with them (issue 18, the reading half).

Each sample in examples/networks/ is written by us in the shape its network publishes (sources
in examples/networks/SHAPES.md). Figures are worked out by hand from docs/rules.md's rules, as of
2026-11-24 with the default 15-day hold: E = the network's commission (rule 3); no refund, so
C = E; a lock date replaces ordered_at + hold_days (rule 6). Orders the network cancels, and
orders with a rejected line, are asserted only for what is read (amounts, currency, the
network's word): what the network's cancellation does to them is the rules' half.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIGURE_KEYS
from typer.testing import CliRunner

from cashback_cli.cli import app

runner = CliRunner()
AS_OF = "2026-11-24"
NETWORKS = Path(__file__).resolve().parent.parent / "examples" / "networks"


def invoke(*args):
    return runner.invoke(app, [str(arg) for arg in args], env={"NO_COLOR": "1", "COLUMNS": "200"})


def plain(text: str) -> str:
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def status(path: Path, *options) -> dict[str, dict]:
    result = invoke("status", path, "--as-of", AS_OF, "-f", "json", *options)
    assert result.exit_code == 0, result.output
    return {order["order_id"]: order for order in json.loads(result.stdout)["orders"]}


def figures(order: dict) -> tuple:
    return tuple(order[key] for key in FIGURE_KEYS)


def reported(order: dict) -> dict:
    keys = ("reported_status", "network_status", "reported_cashback", "locks_on")
    return {key: order[key] for key in keys if key in order}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- XML: CJ REST v3 and the Tradedoubler report ---------------------------------------------------


def test_cj_reads_its_rest_v3_xml_by_the_same_profile_name():
    orders = status(NETWORKS / "cj-rest.xml", "--profile", "cj")
    assert {order["currency"] for order in orders.values()} == {"USD"}  # not in the record
    # closed 120.00 / 9.60; locking-date 11-10 replaces 10-05 + 15: confirmed on 11-10
    assert figures(orders["KM-30117"]) == (
        "120.00",
        "0.00",
        "9.60",
        "9.60",
        "0.00",
        "confirmed",
        "2026-11-10",
    )
    assert reported(orders["KM-30117"]) == {
        "reported_status": "confirmed",
        "network_status": "closed",
        "reported_cashback": "9.60",
        "locks_on": "2026-11-10",
    }
    # new 80.00 / 6.40, an empty locking-date: the hold, 11-18 + 15 = 12-03
    assert figures(orders["KM-30118"]) == ("80.00", "0.00", "6.40", "6.40", "0.00", "pending", "2026-12-03")
    assert orders["KM-30118"]["locks_on"] is None
    # a correction element (original false, -50.00 / -4.00, posted 11-02) refunds 50.00 of 200.00
    order = orders["KM-30240"]
    assert (order["amount"], order["refunded"], order["reported_cashback"]) == ("200.00", "50.00", "12.00")
    assert order["ordered_at"] == "2026-10-12"  # the date as written, its -0700 offset not applied


def test_cj_xml_and_json_of_one_sale_give_the_same_figures(tmp_path):
    xml = write(
        tmp_path,
        "cj.xml",
        '<?xml version="1.0"?>\n<cj-api><commissions total-matched="1">\n<commission>'
        "<action-status>locked</action-status><event-date>2026-10-01T09:00:00-0700</event-date>"
        "<locking-date>2026-11-01</locking-date><order-id>Q-1</order-id><original>true</original>"
        "<posting-date>2026-10-01T10:00:00-0700</posting-date><advertiser-name>Shop</advertiser-name>"
        "<commission-amount>7.548</commission-amount><sale-amount>75.474</sale-amount></commission>\n"
        "</commissions></cj-api>\n",
    )
    document = {
        "data": {
            "publisherCommissions": {
                "records": [
                    {
                        "orderId": "Q-1",
                        "actionStatus": "locked",
                        "eventDate": "2026-10-01T09:00:00-07:00",
                        "lockingDate": "2026-11-01T00:00:00Z",
                        "original": True,
                        "postingDate": "2026-10-01T10:00:00-07:00",
                        "advertiserName": "Shop",
                        "saleAmountPubCurrency": "75.474",
                        "pubCommissionAmountPubCurrency": "7.548",
                    }
                ]
            }
        }
    }
    json_path = write(tmp_path, "cj.json", json.dumps(document))
    from_xml, from_json = status(xml, "--profile", "cj")["Q-1"], status(json_path, "--profile", "cj")["Q-1"]
    # 75.474 → 75.47 (the profile rounds network amounts half-up); E = 7.548 → 7.55
    assert (
        figures(from_xml)
        == figures(from_json)
        == (
            "75.47",
            "0.00",
            "7.55",
            "7.55",
            "0.00",
            "confirmed",
            "2026-11-01",
        )
    )
    assert reported(from_xml) == reported(from_json)


def test_tradedoubler_xml_report_needs_the_currency_of_its_request():
    path = NETWORKS / "tradedoubler-report.xml"
    result = invoke("status", path, "--profile", "tradedoubler", "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    message = plain(result.stderr)
    assert f"{path}: currency:" in message and "--currency" in message and "Traceback" not in message


def test_tradedoubler_xml_report_with_currency():
    orders = status(NETWORKS / "tradedoubler-report.xml", "--profile", "tradedoubler", "--currency", "SEK")
    assert {order["currency"] for order in orders.values()} == {"SEK"}
    # A: 1249.00 / 62.45, "2026-10-02 19:40:11 CEST" is 10-02; + 15 = 10-17, confirmed
    assert figures(orders["TD-5101"]) == (
        "1249.00",
        "0.00",
        "62.45",
        "62.45",
        "0.00",
        "confirmed",
        "2026-10-17",
    )
    assert reported(orders["TD-5101"]) == {
        "reported_status": "confirmed",
        "network_status": "A",
        "reported_cashback": "62.45",
    }
    # P: 499.5 is 499.50, E = 24.98; 11-15 + 15 = 11-30, pending
    assert figures(orders["TD-5188"]) == ("499.50", "0.00", "24.98", "24.98", "0.00", "pending", "2026-11-30")
    # D: declined by the network; what is read
    assert (orders["TD-5203"]["amount"], orders["TD-5203"]["network_status"]) == ("799.00", "D")
    assert orders["TD-5203"]["reported_status"] == "cancelled"
    # a lead: no order number, its lead number; orderValue 0 is no amount, E = the fixed 25.00;
    # 11-01 + 15 = 11-16, confirmed by the rules (the network still says P)
    assert figures(orders["L-77012"]) == (None, "0.00", "25.00", "25.00", "0.00", "confirmed", "2026-11-16")


# --- XML read safely -----------------------------------------------------------------------------

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">\n' for n in range(1, 10)
    )
    + "]>\n<cj-api><commissions><commission><order-id>&lol9;</order-id></commission></commissions></cj-api>\n"
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?>\n<!DOCTYPE cj-api [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>\n'
    "<cj-api><commissions><commission><order-id>&secret;</order-id></commission></commissions></cj-api>\n"
)
EXTERNAL_DTD = (
    '<?xml version="1.0"?>\n<!DOCTYPE cj-api SYSTEM "http://127.0.0.1:9/cj.dtd">\n'
    "<cj-api><commissions/></cj-api>\n"
)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (BILLION_LAUGHS, 3, "entity declarations"),
        (EXTERNAL_ENTITY, 2, "entity declarations"),
        (EXTERNAL_DTD, 2, "external DTD"),
    ],
    ids=["billion-laughs", "external-entity", "external-dtd"],
)
def test_xml_entities_and_external_dtds_are_refused_before_anything_is_expanded(tmp_path, text, line, words):
    path = write(tmp_path, "evil.xml", text)
    # a real process with a time limit: a hang or a memory blow-up would fail here
    ran = subprocess.run(
        [
            str(Path(sys.executable).parent / "cashback"),
            "status",
            str(path),
            "--profile",
            "cj",
            "--as-of",
            AS_OF,
        ],
        capture_output=True,
        text=True,
        timeout=20,
        env={"NO_COLOR": "1", "COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )
    assert ran.returncode == 1
    assert ran.stdout == ""
    message = plain(ran.stderr)
    assert f"{path}:{line}:" in message and words in message
    assert "Traceback" not in ran.stderr and "root:" not in message


def test_malformed_xml_names_the_line_and_column(tmp_path):
    path = write(
        tmp_path, "bad.xml", '<?xml version="1.0"?>\n<cj-api><commissions>\n<commission></commissions>\n'
    )
    result = invoke("status", path, "--profile", "cj", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert f"{path}:3:" in plain(result.stderr) and "well-formed XML" in plain(result.stderr)


def test_a_bad_value_in_xml_names_the_elements_line_and_field(tmp_path):
    text = (
        (NETWORKS / "cj-rest.xml")
        .read_text(encoding="utf-8")
        .replace("<sale-amount>80.00<", "<sale-amount>80,00.1<")
    )
    path = write(tmp_path, "cj.xml", text)
    result = invoke("status", path, "--profile", "cj", "--as-of", AS_OF)
    assert result.exit_code == 1
    # the second <commission> element begins on line 23
    assert f"{path}:23: sale-amount" in plain(result.stderr)


def test_an_xml_path_that_is_not_there_names_the_elements_found(tmp_path):
    profile = write(
        tmp_path,
        "mine.toml",
        'format = "xml"\nrecords = "report/rows/line"\n[fields]\norder_id = "id"\nordered_at = "d"\namount = "a"\n',
    )
    path = write(tmp_path, "r.xml", "<report><rows><row><id>1</id><d>2026-10-01</d></row></rows></report>")
    result = invoke("status", path, "--profile", profile, "--as-of", AS_OF, "--rate", "5")
    assert result.exit_code == 1
    assert "report/rows/row (1)" in plain(result.stderr)


def test_a_users_xml_profile_reads_attributes_and_child_elements(tmp_path):
    profile = write(
        tmp_path,
        "mine.toml",
        'format = "xml"\nrecords = "feed/sales/sale"\n[fields]\norder_id = "ref"\nordered_at = "when"\n'
        'amount = "total"\ncommission = "fee"\ncurrency = "total.currency"\n',
    )
    path = write(
        tmp_path,
        "feed.xml",
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<feed xmlns:x="urn:x"><sales>\n'
        '<x:sale ref="X-1"><when>2026-10-01</when><total currency="EUR">100.00</total><fee>4.00</fee></x:sale>\n'
        "</sales></feed>\n",
    )
    order = status(path, "--profile", profile)["X-1"]
    # 100.00 EUR, E = 4.00; 10-01 + 15 = 10-16
    assert order["currency"] == "EUR"
    assert figures(order) == ("100.00", "0.00", "4.00", "4.00", "0.00", "confirmed", "2026-10-16")


def test_xml_without_a_profile_is_refused_naming_the_profiles_that_read_xml(tmp_path):
    path = write(tmp_path, "report.xml", "<?xml version='1.0'?>\n<feed><sale/></feed>\n")
    result = invoke("status", path, "--as-of", AS_OF, "--rate", "5")
    assert result.exit_code == 1
    message = plain(result.stderr)
    assert "an XML document" in message and "cj" in message and "tradedoubler" in message
    assert "--map" not in message and "valid JSON" not in message


def test_xml_of_a_known_network_without_a_profile_names_it():
    result = invoke("status", NETWORKS / "cj-rest.xml", "--as-of", AS_OF)
    assert result.exit_code == 1
    message = plain(result.stderr)
    assert "add --profile cj" in message and "tradedoubler" in message


def test_an_xml_file_given_to_a_json_only_profile_says_so(tmp_path):
    path = write(tmp_path, "report.xml", "<feed><sale/></feed>")
    result = invoke("status", path, "--profile", "admitad", "--as-of", AS_OF)
    assert result.exit_code == 1
    message = plain(result.stderr)
    assert "an XML document" in message and "admitad" in message and "cj" in message


# --- impact.com Actions and ActionUpdates; Partnerize's three shapes -----------------------------


def test_impact_action_updates_add_up_per_order():
    orders = status(NETWORKS / "impact-updates.json", "--profile", "impact")
    # IM-2001: +150.00 / +12.00, then -30.00 / -2.40 updated 10-20: a correction of 30.00
    order = orders["IM-2001"]
    assert (order["amount"], order["refunded"], order["reported_cashback"], order["locks_on"]) == (
        "150.00",
        "30.00",
        "9.60",
        "2026-11-10",
    )
    # IM-2002: 60.00 / 4.80, PENDING, locks 12-20
    assert figures(orders["IM-2002"]) == ("60.00", "0.00", "4.80", "4.80", "0.00", "pending", "2026-12-20")


def test_impact_actions_still_read_by_the_same_name():
    assert status(NETWORKS / "impact.json", "--profile", "impact")


def test_partnerize_conversions_json_items_are_lines():
    orders = status(NETWORKS / "partnerize.json", "--profile", "partnerize")
    assert {order["currency"] for order in orders.values()} == {"GBP"}
    # two approved items 60 / 6 and 40 / 4: 100.00, E = 10.00; 10-06 + 15 = 10-21
    assert figures(orders["PZ-9001"]) == (
        "100.00",
        "0.00",
        "10.00",
        "10.00",
        "0.00",
        "confirmed",
        "2026-10-21",
    )
    assert reported(orders["PZ-9001"]) == {
        "reported_status": "confirmed",
        "network_status": "approved",
        "reported_cashback": "10.00",
    }
    # one item approved, one rejected: each item's own word is read
    assert orders["PZ-9002"]["network_status"] == "approved, rejected"
    # no items: the conversion's own value and status, 45.5 / 4.55; 11-20 + 15 = 12-05
    assert figures(orders["PZ-9003"]) == ("45.50", "0.00", "4.55", "4.55", "0.00", "pending", "2026-12-05")


@pytest.mark.parametrize("name", ["partnerize-items.csv", "partnerize-conversions.csv"])
def test_partnerize_exports_by_their_columns(name):
    orders = status(NETWORKS / name, "--profile", "partnerize")
    # items: 50.00 + 40.00 = 90.00, commission 4.0000 + 3.2000 = 7.20; the basket: 90.00 / 7.2000.
    # 10-09 + 15 = 10-24. The second: 35.50 / 2.8400, 11-16 + 15 = 12-01
    assert {oid: figures(order) for oid, order in orders.items()} == {
        "PZ-9101": ("90.00", "0.00", "7.20", "7.20", "0.00", "confirmed", "2026-10-24"),
        "PZ-9150": ("35.50", "0.00", "2.84", "2.84", "0.00", "pending", "2026-12-01"),
    }
    assert orders["PZ-9150"]["network_status"] == "pending"


def test_a_csv_in_none_of_a_profiles_shapes_names_them(tmp_path):
    path = write(tmp_path, "other.csv", "id,when,total\n1,2026-10-01,5\n")
    result = invoke("status", path, "--profile", "partnerize", "--as-of", AS_OF)
    assert result.exit_code == 1
    message = plain(result.stderr)
    assert "partnerize" in message and "conversion items export" in message


# --- networks added --------------------------------------------------------------------------------


def test_adtraction_transactions():
    orders = status(NETWORKS / "adtraction.json", "--profile", "adtraction")
    assert {order["currency"] for order in orders.values()} == {"SEK"}
    # 1500.0 / 75.0 on 10-04: + 15 = 10-19; a false flag reports no status, only the cashback
    assert figures(orders["AT-1001"]) == (
        "1500.00",
        "0.00",
        "75.00",
        "75.00",
        "0.00",
        "confirmed",
        "2026-10-19",
    )
    assert reported(orders["AT-1001"]) == {
        "reported_status": None,
        "network_status": None,
        "reported_cashback": "75.00",
    }
    # 640.0 / 32.0 on 11-15: + 15 = 11-30
    assert figures(orders["AT-1002"]) == ("640.00", "0.00", "32.00", "32.00", "0.00", "pending", "2026-11-30")
    # cancelled: true, the network's own cancellation, on the order's date 10-10 (no date of its
    # own): refunded 900.00 in full, C = 0, 45.00 cancelled (10-10 + 15 = 10-25); the network
    # pays nothing for it.
    assert figures(orders["AT-1003"]) == (
        "900.00",
        "900.00",
        "45.00",
        "0.00",
        "45.00",
        "cancelled",
        "2026-10-25",
    )
    assert orders["AT-1003"]["reason"] == "cancelled by the network: cancelled"
    assert reported(orders["AT-1003"]) == {
        "reported_status": "cancelled",
        "network_status": "cancelled",
        "reported_cashback": "0.00",
    }
    # changed from 500.0 / 25.0 to 300.0 / 15.0: 200.00 refunded, dated by the sale (10-12);
    # E = 25.00, C = 25.00 × 300 / 500 = 15.00, 10.00 lost; later of 10-12 + 15 = 10-27 and 10-12
    assert figures(orders["AT-1004"]) == (
        "500.00",
        "200.00",
        "25.00",
        "15.00",
        "10.00",
        "confirmed",
        "2026-10-27",
    )


def test_adtraction_cancelled_flag_is_read_as_a_field():
    from cashback_cli.inputs.profiles import built_in

    assert built_in("adtraction").fields["cancelled"] == ("cancelled",)


def test_adrecord_reads_ore_as_sek():
    orders = status(NETWORKS / "adrecord.json", "--profile", "adrecord")
    # 19870 öre = 198.70 SEK, commission 1987 = 19.87; click 10-07 + 15 = 10-22
    assert orders["AR-100201"]["currency"] == "SEK"
    assert figures(orders["AR-100201"]) == (
        "198.70",
        "0.00",
        "19.87",
        "19.87",
        "0.00",
        "confirmed",
        "2026-10-22",
    )
    # 4500 = 45.00, 450 = 4.50; 11-19 + 15 = 12-04. The numeric status code is not published: pending
    assert figures(orders["AR-100377"]) == ("45.00", "0.00", "4.50", "4.50", "0.00", "pending", "2026-12-04")
    assert (orders["AR-100377"]["network_status"], orders["AR-100377"]["reported_status"]) == ("1", "pending")


def test_adrecord_ore_never_pass_as_kronor_nor_as_another_currency(tmp_path):
    # --currency does not make öre into euro cents: the record's currency is SEK
    orders = status(NETWORKS / "adrecord.json", "--profile", "adrecord", "--currency", "JPY")
    assert (orders["AR-100201"]["currency"], orders["AR-100201"]["amount"]) == ("SEK", "198.70")
    # a figure in kronor (a decimal) where öre are read is refused, never read 100 times too large
    text = (
        (NETWORKS / "adrecord.json")
        .read_text(encoding="utf-8")
        .replace('"orderValue": 19870', '"orderValue": 198.70')
    )
    path = write(tmp_path, "adrecord.json", text)
    result = invoke("status", path, "--profile", "adrecord", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert f"{path}:4: orderValue" in plain(result.stderr)  # the record begins on line 4


def test_adservice_lead_has_a_fixed_commission_and_no_amount():
    orders = status(NETWORKS / "adservice.json", "--profile", "adservice")
    assert {order["currency"] for order in orders.values()} == {"DKK"}
    # a lead: order_id "" so the row's record_id; amount "0": no amount; E = totalPay 75;
    # 10-08 + 15 = 10-23
    assert figures(orders["5550101"]) == (None, "0.00", "75.00", "75.00", "0.00", "confirmed", "2026-10-23")
    assert orders["5550101"]["rate"] is None
    # a sale: 1200.00, E = 96; 11-12 + 15 = 11-27; "approve" is the network's confirmed
    assert figures(orders["AS-88120"]) == (
        "1200.00",
        "0.00",
        "96.00",
        "96.00",
        "0.00",
        "pending",
        "2026-11-27",
    )
    assert orders["AS-88120"]["reported_status"] == "confirmed"


def test_daisycon_parts_are_lines_and_the_currency_is_asked_for():
    result = invoke("status", NETWORKS / "daisycon.json", "--profile", "daisycon", "--as-of", AS_OF)
    assert result.exit_code == 1 and "--currency" in plain(result.stderr)
    orders = status(NETWORKS / "daisycon.json", "--profile", "daisycon", "--currency", "EUR")
    # parts 89.95 / 7.20 and 35.00 / 2.80: 124.95, E = 10.00; 10-09 + 15 = 10-24
    assert figures(orders["DC-4410021"]) == (
        "124.95",
        "0.00",
        "10.00",
        "10.00",
        "0.00",
        "confirmed",
        "2026-10-24",
    )
    # open is pending: 250.00 / 20.00, 11-14 + 15 = 11-29
    assert figures(orders["DC-4410388"]) == (
        "250.00",
        "0.00",
        "20.00",
        "20.00",
        "0.00",
        "pending",
        "2026-11-29",
    )
    assert orders["DC-4410388"]["reported_status"] == "pending"


def test_pepperjam_transaction_details():
    orders = status(NETWORKS / "pepperjam.json", "--profile", "pepperjam")
    assert {order["currency"] for order in orders.values()} == {"USD"}  # --currency's default
    # locked: 90.00 / 6.30, 10-11 + 15 = 10-26
    assert figures(orders["PJ-77120"]) == ("90.00", "0.00", "6.30", "6.30", "0.00", "confirmed", "2026-10-26")
    assert orders["PJ-77120"]["reported_status"] == "confirmed"
    # pending: 45.00 / 3.15, 11-17 + 15 = 12-02
    assert figures(orders["PJ-77305"]) == ("45.00", "0.00", "3.15", "3.15", "0.00", "pending", "2026-12-02")
    # unconfirmed is the network's cancellation: what is read
    assert (orders["PJ-77410"]["network_status"], orders["PJ-77410"]["reported_status"]) == (
        "unconfirmed",
        "cancelled",
    )


def test_webgains_soap_envelope_read_through_its_namespaces():
    orders = status(NETWORKS / "webgains.xml", "--profile", "webgains")
    assert {order["currency"] for order in orders.values()} == {"GBP"}
    # cleared: 60 / 4.8 → 60.00 / 4.80; 10-06 + 15 = 10-21
    assert figures(orders["71124508"]) == ("60.00", "0.00", "4.80", "4.80", "0.00", "confirmed", "2026-10-21")
    assert reported(orders["71124508"]) == {
        "reported_status": "confirmed",
        "network_status": "cleared",
        "reported_cashback": "4.80",
    }
    # notcleared: 30 / 2.25; 11-18 + 15 = 12-03
    assert figures(orders["71130077"]) == ("30.00", "0.00", "2.25", "2.25", "0.00", "pending", "2026-12-03")
    # cancelled by the network: what is read
    assert (orders["71126913"]["amount"], orders["71126913"]["reported_status"]) == ("120.00", "cancelled")


# --- the profile language: shapes ------------------------------------------------------------------


def test_a_users_profile_with_two_shapes_tells_them_apart_by_content(tmp_path):
    profile = write(
        tmp_path,
        "two.toml",
        'description = "our feed"\nrecords = "rows"\n[fields]\norder_id = "id"\nordered_at = "day"\n'
        'amount = "total"\ncommission = "fee"\ncurrency = "cur"\n'
        '[status]\nconfirmed = ["ok"]\n'
        '[[shape]]\ndescription = "our feed as CSV"\nformat = "csv"\n'
        '[shape.fields]\norder_id = "Ref"\nordered_at = "Day"\namount = "Total"\ncommission = "Fee"\ncurrency = "Cur"\n',
    )
    json_file = write(
        tmp_path,
        "feed.json",
        '{"rows": [{"id": "A", "day": "2026-10-01", "total": 100, "fee": 5, "cur": "EUR", "state": "ok"}]}',
    )
    csv_file = write(tmp_path, "feed.csv", "Ref,Day,Total,Fee,Cur\nA,2026-10-01,100,5,EUR\n")
    from_json, from_csv = (
        status(json_file, "--profile", profile)["A"],
        status(csv_file, "--profile", profile)["A"],
    )
    # 100 EUR, E = 5.00; 10-01 + 15 = 10-16
    assert (
        figures(from_json)
        == figures(from_csv)
        == ("100.00", "0.00", "5.00", "5.00", "0.00", "confirmed", "2026-10-16")
    )


def test_map_applies_to_every_shape(tmp_path):
    text = (
        (NETWORKS / "partnerize-conversions.csv")
        .read_text(encoding="utf-8")
        .replace("campaign_title", "brand")
    )
    path = write(tmp_path, "p.csv", text)
    orders = status(path, "--profile", "partnerize", "--map", "store=brand")
    assert orders["PZ-9101"]["amount"] == "90.00"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (
            '[fields]\norder_id = "a"\nordered_at = "b"\namount = "c"\n[[shape]]\nformat = "yaml"\n',
            "shape[1].format",
        ),
        (
            '[fields]\norder_id = "a"\nordered_at = "b"\namount = "c"\n[[shape]]\n[shape.fields]\nordered_at = "b"\n',
            "shape[1].fields.order_id",
        ),
        ('format = "xml"\n[fields]\norder_id = "a"\nordered_at = "b"\namount = "c"\n', "records"),
        ('shape = 3\n[fields]\norder_id = "a"\nordered_at = "b"\namount = "c"\n', "shape"),
    ],
    ids=["bad-format", "shape-without-id", "xml-without-records", "shape-not-tables"],
)
def test_a_bad_shape_is_a_usage_error_naming_it(tmp_path, text, key):
    profile = write(tmp_path, "bad.toml", text)
    result = invoke("status", write(tmp_path, "x.json", "[]"), "--profile", profile, "--as-of", AS_OF)
    assert result.exit_code == 2
    assert f"{key}:" in plain(result.stderr)


# --- profiles --show -------------------------------------------------------------------------------

SAMPLES = {
    "cj": ["cj.json", "cj-rest.xml"],
    "impact": ["impact.json", "impact-updates.json"],
    "partnerize": ["partnerize.json", "partnerize-items.csv", "partnerize-conversions.csv"],
    "adrecord": ["adrecord.json"],
    "tradedoubler": ["tradedoubler.json", "tradedoubler-report.xml"],
    "admitad": ["admitad.json"],
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_profiles_show_prints_a_toml_that_reads_the_samples_identically(tmp_path, name):
    shown = invoke("profiles", "--show", name)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith("#") and "[fields]" in shown.stdout
    own = write(tmp_path, f"my-{name}.toml", shown.stdout)
    for sample in SAMPLES[name]:
        args = ("status", NETWORKS / sample, "--as-of", AS_OF, "-f", "json", "--currency", "SEK")
        built_in, copied = invoke(*args, "--profile", name), invoke(*args, "--profile", own)
        assert built_in.exit_code == 0, built_in.output
        assert copied.stdout == built_in.stdout, sample


def test_profiles_show_an_unknown_name_lists_the_built_in_ones():
    result = invoke("profiles", "--show", "nosuch")
    assert result.exit_code == 2
    message = plain(result.stderr)
    assert "nosuch" in message and "partnerize" in message and "admitad" in message


def test_profiles_json_lists_the_shapes_of_a_network_with_several():
    document = json.loads(invoke("profiles", "-f", "json").stdout)
    assert [shape["format"] for shape in document["partnerize"]["shapes"]] == ["json", "csv", "csv"]
    assert document["cj"]["shapes"][1]["records"] == ["cj-api/commissions/commission"]
    assert "shapes" not in document["admitad"]  # one shape: listed as before


# --- messages: the column that looks like the field, and the smallest profile --------------------


def test_map_suggestion_names_the_column_that_looks_like_the_field(tmp_path):
    # the first unused column is not the one: by name (When, Total) and by values (Dt: dates;
    # Sum2: money with cents, where Client holds names and Commission is another figure)
    path = write(tmp_path, "o.csv", "Ref,Client,Dt,Commission,Sum2\nA1,Bob,2026-10-01,5.00,100.00\n")
    message = plain(invoke("status", path, "--as-of", AS_OF, "--rate", "5").stderr)
    assert "--map order_id=Ref" in message
    assert "--map ordered_at=Dt" in message
    assert "--map amount=Sum2" in message


def test_map_suggestion_prefers_an_amount_with_cents_to_an_id(tmp_path):
    path = write(tmp_path, "o.csv", "Order ID,Advertiser ID,When,Sales\nA1,5520,10/01/26,-45.00\n")
    message = plain(invoke("status", path, "--as-of", AS_OF, "--rate", "5").stderr)
    assert "--map amount=Sales" in message and "--map ordered_at=When" in message


def test_csv_with_unknown_headers_shows_the_profile_file_that_reads_it(tmp_path):
    path = write(tmp_path, "o.csv", "Ref,Client,When,Commission,Total\nA1,Bob,2026-10-01,5.00,100.00\n")
    result = invoke("status", path, "--as-of", AS_OF, "--rate", "5")
    assert result.exit_code == 1
    sketch = result.stderr.split("--profile mine.toml:\n", 1)[1].split("\ncashback:", 1)[0]
    assert sketch.splitlines() == [
        '    format = "csv"',
        "    [fields]",
        '    order_id = "Ref"',
        '    ordered_at = "When"',
        '    amount = "Total"',
    ]
    # the sketch, saved, reads the file: 100.00 at --rate 5 = 5.00; 10-01 + 15 = 10-16
    profile = write(tmp_path, "mine.toml", "\n".join(line.strip() for line in sketch.splitlines()) + "\n")
    order = status(path, "--profile", profile, "--rate", "5")["A1"]
    assert figures(order) == ("100.00", "0.00", "5.00", "5.00", "0.00", "confirmed", "2026-10-16")


def test_wrapped_json_shows_the_profile_file_that_reads_it(tmp_path):
    path = write(
        tmp_path,
        "w.json",
        '{"page": {"n": 1}, "results": [{"ref": "A1", "created": "2026-10-01", "fee": 5, "total": "100.00"},'
        ' {"ref": "A2", "created": "2026-10-02", "fee": 2, "total": "40.00"}]}',
    )
    result = invoke("status", path, "--as-of", AS_OF, "--rate", "5")
    assert result.exit_code == 1
    message = result.stderr
    assert "results (2)" in message and "--records PATH" in message  # as before
    sketch = message.split("--profile mine.toml:\n", 1)[1].split("\ncashback:", 1)[0]
    lines = [line.strip() for line in sketch.splitlines()]
    assert lines == [
        'records = "results"',
        "[fields]",
        'order_id = "ref"',
        'ordered_at = "created"',
        'amount = "total"',
    ]
    profile = write(tmp_path, "mine.toml", "\n".join(lines) + "\n")
    orders = status(path, "--profile", profile, "--rate", "5")
    assert (orders["A1"]["expected_cashback"], orders["A2"]["expected_cashback"]) == ("5.00", "2.00")


def test_a_known_networks_csv_without_a_profile_names_it():
    message = plain(invoke("status", NETWORKS / "partnerize-items.csv", "--as-of", AS_OF).stderr)
    assert "add --profile partnerize" in message


# --- the same sales in every new shape give the same figures (bounded property) -------------------

from datetime import date, timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@st.composite
def _sales(draw):
    """(order id, day, [(line amount in cents, line commission in cents)]) — one to three lines."""
    found = []
    for index in range(draw(st.integers(1, 4))):
        day = date(2026, 9, 1) + timedelta(days=draw(st.integers(0, 84)))
        lines = draw(
            st.lists(st.tuples(st.integers(1, 500_000), st.integers(0, 50_000)), min_size=1, max_size=3)
        )
        found.append((f"S-{index + 1}", day, lines))
    return found


def _money(cents: int) -> str:
    return f"{Decimal(cents).scaleb(-2):.2f}"


def _canonical(tmp: Path, sales) -> dict:
    rows = ["order_id,ordered_at,amount,expected_cashback,currency"]
    for order_id, day, lines in sales:
        rows.append(
            f"{order_id},{day},{_money(sum(a for a, _ in lines))},{_money(sum(c for _, c in lines))},EUR"
        )
    return {oid: figures(o) for oid, o in status(write(tmp, "canonical.csv", "\n".join(rows) + "\n")).items()}


def _partnerize_json(sales) -> str:
    conversions = []
    for order_id, day, lines in sales:
        items = [
            {"item_value": _money(a), "item_publisher_commission": _money(c), "item_status": "pending"}
            for a, c in lines
        ]
        data = {"conversion_reference": order_id, "conversion_time": f"{day} 10:00:00", "currency": "EUR"}
        conversions.append({"conversion_data": {**data, "conversion_value": {}, "conversion_items": items}})
    return json.dumps({"count": len(conversions), "conversions": conversions})


def _partnerize_items_csv(sales) -> str:
    rows = [
        "conversion_id,conversion_date_time,currency,conversion_reference,conversion_item_id,item_value,item_publisher_commission,item_status"
    ]
    for n, (order_id, day, lines) in enumerate(sales):
        for k, (a, c) in enumerate(lines):
            rows.append(f'{n},"{day} 10:00:00",EUR,{order_id},{n}-{k},{_money(a)},{_money(c)}0,approved')
    return "\n".join(rows) + "\n"


def _partnerize_csv(sales) -> str:
    rows = [
        "conversion_id,conversion_date_time,currency,conversion_reference,conversion_status,value,publisher_commission"
    ]
    for n, (order_id, day, lines) in enumerate(sales):
        amount, commission = sum(a for a, _ in lines), sum(c for _, c in lines)
        rows.append(f'{n},"{day} 10:00:00",EUR,{order_id},pending,{_money(amount)},{_money(commission)}00')
    return "\n".join(rows) + "\n"


def _cj_xml(sales) -> str:
    body = []
    for order_id, day, lines in sales:
        amount, commission = sum(a for a, _ in lines), sum(c for _, c in lines)
        body.append(
            f"<commission><action-status>new</action-status><event-date>{day}T10:00:00-0700</event-date>"
            f"<order-id>{order_id}</order-id><original>true</original>"
            f"<sale-amount>{_money(amount)}</sale-amount><commission-amount>{_money(commission)}</commission-amount>"
            "</commission>"
        )
    return '<?xml version="1.0"?>\n<cj-api><commissions>\n' + "\n".join(body) + "\n</commissions></cj-api>\n"


def _daisycon(sales) -> str:
    return json.dumps(
        [
            {
                "affiliatemarketing_id": order_id,
                "program_name": "Shop",
                "parts": [
                    {
                        "date": f"{day} 10:00:00",
                        "status": "open",
                        "revenue": _money(a),
                        "commission": _money(c),
                    }
                    for a, c in lines
                ],
            }
            for order_id, day, lines in sales
        ]
    )


_WRITERS = [
    ("partnerize", "p.json", _partnerize_json),
    ("partnerize", "items.csv", _partnerize_items_csv),
    ("partnerize", "conversions.csv", _partnerize_csv),
    ("cj", "cj.xml", _cj_xml),
    ("daisycon", "d.json", _daisycon),
]


@settings(max_examples=15, deadline=None)
@given(_sales())
def test_the_same_sales_in_each_new_shape_give_the_canonical_figures(sales):
    import tempfile

    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        expected = _canonical(tmp, sales)
        for profile, file_name, writer in _WRITERS:
            found = status(write(tmp, file_name, writer(sales)), "--profile", profile, "--currency", "EUR")
            assert {oid: figures(o) for oid, o in found.items()} == expected, (profile, file_name)


@pytest.mark.parametrize(
    ("order_id", "sample", "profile", "day", "refund"),
    [
        ("IM-2001", "impact-updates.json", "impact", "2026-10-20", "30.00 USD"),
        ("KM-30240", "cj-rest.xml", "cj", "2026-11-02", "50.00 USD"),
    ],
)
def test_dispute_explains_a_correction_read_from_a_new_shape(order_id, sample, profile, day, refund):
    result = invoke(
        "dispute",
        order_id,
        "--orders",
        NETWORKS / sample,
        "--profile",
        profile,
        "--as-of",
        AS_OF,
        "-f",
        "json",
    )
    assert result.exit_code == 0, result.output
    steps = " ".join(json.loads(result.stdout)["explanation"])
    assert day in steps and refund in steps


def test_xml_nested_without_end_is_refused_not_walked(tmp_path):
    path = write(tmp_path, "deep.xml", "<cj-api>" + "<a>" * 100_000 + "</a>" * 100_000 + "</cj-api>")
    result = invoke("status", path, "--profile", "cj", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert f"{path}:1:" in plain(result.stderr) and "nested at most" in plain(result.stderr)


def test_xml_in_utf16_is_read_as_it_declares(tmp_path):
    text = (
        (NETWORKS / "cj-rest.xml")
        .read_text(encoding="utf-8")
        .replace('encoding="UTF-8"', 'encoding="UTF-16"')
    )
    path = tmp_path / "cj16.xml"
    path.write_bytes(text.encode("utf-16"))
    assert status(path, "--profile", "cj") == status(NETWORKS / "cj-rest.xml", "--profile", "cj")


def test_an_xml_export_of_no_records_is_no_orders_like_an_empty_json_list(tmp_path):
    path = write(
        tmp_path,
        "e.xml",
        '<?xml version="1.0"?>\n<cj-api><commissions total-matched="0"></commissions></cj-api>\n',
    )
    assert status(path, "--profile", "cj") == {}


def test_skip_invalid_leaves_out_the_bad_xml_record_only(tmp_path):
    text = (
        (NETWORKS / "cj-rest.xml")
        .read_text(encoding="utf-8")
        .replace("<sale-amount>80.00<", "<sale-amount>eighty<")
    )
    path = write(tmp_path, "cj.xml", text)
    result = invoke("status", path, "--profile", "cj", "--as-of", AS_OF, "-f", "json", "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert {order["order_id"] for order in json.loads(result.stdout)["orders"]} == {"KM-30117", "KM-30240"}
    assert f"{path}:23: sale-amount" in plain(result.stderr)
