"""The spark dialect of `cashback sql`, proved in a local Spark session against the Python engine.

Not part of the test suite (it needs Java and pyspark, and takes a minute):

    pip install pyspark && python benchmarks/spark_check.py

It builds random orders and disputes, runs `cashback sql --dialect spark`'s query over them in
Spark (ANSI mode on and off) and compares every order field with the Python engine's.
"""

# ruff: noqa: E402, UP031
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from datetime import date, timedelta
from decimal import Decimal

from pyspark.sql import SparkSession
from pyspark.sql.types import DateType, DecimalType, IntegerType, StringType, StructField, StructType

from cashback_cli.core.records import Dispute, Order
from cashback_cli.inputs.policy_file import build_book
from cashback_cli.inputs.readers import read_disputes, read_orders
from cashback_cli.inputs.rows import LoadOptions
from cashback_cli.output.render import order_object
from cashback_cli.run.evaluation import Evaluation
from cashback_cli.run.sql import rules_query

spark = (
    SparkSession.builder.master("local[2]")
    .config("spark.ui.enabled", "false")
    .config("spark.sql.shuffle.partitions", "4")
    .getOrCreate()
)
spark.sparkContext.setLogLevel("ERROR")
print("spark", spark.version, "ansi", spark.conf.get("spark.sql.ansi.enabled"))
OS = StructType(
    [
        StructField("order_id", StringType()),
        StructField("ordered_at", DateType()),
        StructField("amount", DecimalType(23, 8)),
        StructField("currency", StringType()),
        StructField("cashback_rate", DecimalType(11, 8)),
        StructField("expected_cashback", DecimalType(23, 8)),
        StructField("max_cashback", DecimalType(23, 8)),
        StructField("hold_days", IntegerType()),
        StructField("store", StringType()),
        StructField("title", StringType()),
    ]
)
DS = StructType(
    [
        StructField("order_id", StringType()),
        StructField("opened_at", DateType()),
        StructField("resolved_at", DateType()),
        StructField("refund_amount", DecimalType(23, 8)),
        StructField("outcome", StringType()),
    ]
)


def compare(orders, disputes, book, as_of, rounding):
    spark.createDataFrame(
        [
            (
                o.order_id,
                o.ordered_at,
                o.amount,
                o.currency,
                o.cashback_rate,
                o.expected_cashback,
                o.max_cashback,
                o.hold_days,
                o.store,
                o.title,
            )
            for o in orders
        ],
        OS,
    ).createOrReplaceTempView("orders")
    spark.createDataFrame(
        [(d.order_id, d.opened_at, d.resolved_at, d.refund_amount, d.outcome) for d in disputes], DS
    ).createOrReplaceTempView("disputes")
    rows = spark.sql(rules_query(book, as_of, "spark")).collect()
    got = {r["order_id"]: r.asDict() for r in rows}
    ev = Evaluation(disputes, as_of, book.policy_for)
    py = {r.order_id: order_object(r, rounding) for r in ev.results(orders)}
    assert not ev.problems
    assert set(py) == set(got), set(py) ^ set(got)
    return [(k, py[k], got[k]) for k in py if py[k] != got[k]]


opts = LoadOptions()
orders = [o for o in read_orders(str(ROOT / "examples" / "orders.csv"), opts) if isinstance(o, Order)]
disputes = [d for d in read_disputes(str(ROOT / "examples" / "disputes.csv"), opts) if isinstance(d, Dispute)]
for cfg in (None, str(ROOT / "examples" / "cashback.toml")):
    for rounding in ("half-up", "half-even", "down"):
        book, _ = build_book(cfg, {}, rounding)
        bad = compare(orders, disputes, book, date(2026, 11, 24), rounding)
        print("examples", cfg, rounding, "mismatches", len(bad), bad[:1])

# random orders and disputes
D = {"USD": 2, "JPY": 0, "KWD": 3}
rng = random.Random(5)


def dec(maxint, frac):
    return Decimal(rng.randint(0, maxint * 10**frac)).scaleb(-frac)


import tempfile

t0 = time.time()
total = 0
for trial in range(12):
    cfg = tempfile.mktemp(suffix=".toml")
    open(cfg, "w").write(
        '[defaults]\nhold_days = %d\n[stores.aliexpress]\ndispute_policy="cancel"\nmax_cashback="0.005"\n[stores."wild berries"]\nrate="4.12345678"\nmax_cashback=3\ncurrency="KWD"\n'
        % rng.choice([0, 15, 30])
    )
    rounding = rng.choice(["half-up", "half-even", "down"])
    book, probs = build_book(cfg, {"rate": rng.choice([None, Decimal("2.5")])}, rounding)
    orders, disputes = [], []
    for i in range(300):
        cur = rng.choice(list(D) + [None])
        store = rng.choice([None, "AliExpress", "amazon", "  Wild   berries ", "other"])
        probe = Order("x", date(2026, 1, 1), Decimal(1), cur, store=store.strip() if store else None)
        d = D.get(cur or book.policy_for(probe).currency, 2)
        big = rng.random() < 0.2
        amount = Decimal(rng.randint(1, (10**15 - 1 if big else 10**5) * 10**d)).scaleb(-d)
        rate = fixed = None
        r = rng.random()
        if r < 0.45:
            rate = dec(100, rng.choice([0, 2, 8]))
        elif r < 0.9:
            fixed = dec(10**14 if big else 1000, rng.choice([0, 2, 8]))
        cap = rng.choice([None, None, dec(10**14 if big else 100, rng.choice([0, 2, 3, 8]))])
        day = date(2026, 1, 1) + timedelta(days=rng.randint(0, 360))
        o = Order(
            f"O{i}",
            day,
            amount,
            cur,
            rate,
            fixed,
            cap,
            rng.choice([None, 0, 10, 60]),
            store.strip() if store else None,
        )
        pol = book.policy_for(o)
        if fixed is None and rate is None and pol.rate is None:
            continue
        orders.append(o)
        left = int(amount.scaleb(d))
        for _ in range(rng.choice([0, 0, 1, 2, 3])):
            op = day + timedelta(days=rng.randint(0, 60))
            res = rng.choice([None, op + timedelta(days=rng.randint(0, 60))])
            units = rng.choice([0, left, rng.randint(0, left)])
            left -= units
            disputes.append(
                Dispute(
                    o.order_id,
                    op,
                    res,
                    rng.choice([None, Decimal(units).scaleb(-d)])
                    if units == 0
                    else Decimal(units).scaleb(-d),
                )
            )
    as_of = date(2026, 1, 1) + timedelta(days=rng.randint(0, 450))
    bad = compare(orders, disputes, book, as_of, rounding)
    total += len(orders)
    if bad:
        print("MISMATCH", trial, rounding, as_of, len(bad), bad[:2])
        break
else:
    print(f"random: {total} orders in 12 datasets, all equal ({time.time() - t0:.1f} s)")
spark.stop()
