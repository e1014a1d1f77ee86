"""Deterministic synthetic orders and disputes for the cashback benchmark.

The data must be identical on every machine and every run (seeded ``random.Random``), so that
timings are comparable and the same files can be reused: generating 5M rows in Python takes
longer than summarising them, which is why files are cached by (N, seed, format version).
Rows are streamed to disk in chunks so memory stays flat whatever N is.

Usage: python benchmarks/generate.py N [--seed 42] [--data-dir benchmarks/data] [--real]

--real writes the same orders the shape real exports have (issue 19): a `store` and a product
`title` after the benchmark's columns, a third of the titles quoted, with a comma and doubled
quotes inside. The default files are unchanged.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
from pathlib import Path

AS_OF = dt.date(2026, 11, 24)
DEFAULT_SEED = 42
DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data"
# Bump when the generator changes, so stale cached files are not mistaken for current ones.
FORMAT_VERSION = 1

ORDERS_HEADER = "order_id,ordered_at,amount,currency,cashback_rate\n"
DISPUTES_HEADER = "order_id,opened_at,resolved_at,refund_amount,outcome\n"
RATES = ("1", "2.5", "5", "7", "10")  # 2.5 and 7 produce half-cent and sub-cent cashback
HISTORY_DAYS = 120  # orders spread over this many days up to the as-of date
FUTURE_SHARE = 0.005  # orders dated after the as-of date (the tool must leave them out)
DISPUTE_SHARE = 0.20
EXTRA_DISPUTE_SHARE = 0.05  # of disputed orders: a second, lost dispute (several disputes add up)
CHUNK = 50_000
STORES = ("AliExpress", "Amazon", "Ozon", "Wildberries", "Yandex Market")
TITLES = ("Phone case", "Wireless headphones", '"Cable, USB-C ""fast"" 2 m"')  # a third quoted


def paths(
    n: int, seed: int = DEFAULT_SEED, data_dir: Path = DEFAULT_DATA_DIR, real: bool = False
) -> tuple[Path, Path]:
    """The cache file names: a change of N, seed, shape or generator gives new files."""
    stem = f"n{n}_s{seed}_v{FORMAT_VERSION}" + ("_real" if real else "")
    return Path(data_dir) / f"orders_{stem}.csv", Path(data_dir) / f"disputes_{stem}.csv"


def _money(cents: int) -> str:
    """Format integer cents as a plain 2-decimal amount without going through float."""
    return f"{cents // 100}.{cents % 100:02d}"


def _rows(n: int, seed: int):
    """Yield (order_line, [dispute_lines]) for n orders; all randomness comes from one seeded RNG."""
    rng = random.Random(seed)
    rand, randint, choice = rng.random, rng.randint, rng.choice
    # Dates as strings are precomputed: formatting a date per row dominates otherwise.
    day = {k: (AS_OF + dt.timedelta(days=k)).isoformat() for k in range(-HISTORY_DAYS - 1, 120)}
    for i in range(n):
        order_id = f"O{i:08d}"
        offset = randint(1, 14) if rand() < FUTURE_SHARE else -randint(0, HISTORY_DAYS - 1)
        cents = randint(100, 200_000)
        r = rand()
        currency = "USD" if r < 0.70 else ("RUB" if r < 0.95 else "EUR")
        order = f"{order_id},{day[offset]},{_money(cents)},{currency},{choice(RATES)}\n"
        disputes = []
        if rand() < DISPUTE_SHARE:
            opened = offset + randint(0, 20)
            resolved = opened + randint(0, 30)  # often after the as-of date: open, refund not counted yet
            kind = rand()
            if kind < 0.25:
                disputes.append(f"{order_id},{day[opened]},,,open\n")
            elif kind < 0.50:
                disputes.append(f"{order_id},{day[opened]},{day[resolved]},{_money(cents)},refunded\n")
            elif kind < 0.80:
                refund = randint(1, cents - 1)
                disputes.append(f"{order_id},{day[opened]},{day[resolved]},{_money(refund)},partial refund\n")
            else:
                disputes.append(f"{order_id},{day[opened]},{day[resolved]},0.00,lost\n")
            if rand() < EXTRA_DISPUTE_SHARE:
                # A later lost dispute moves confirm_on (last resolved_at) without adding a refund.
                opened2 = resolved + randint(0, 5)
                resolved2 = opened2 + randint(0, 10)
                disputes.append(f"{order_id},{day[opened2]},{day[resolved2]},0.00,lost\n")
        yield order, disputes


def _real_shape(rows, seed: int):
    """The same rows, each order with a store and a title drawn from an RNG of its own (so the
    orders stay the benchmark's own)."""
    rng = random.Random(seed + 1)
    choice = rng.choice
    for order, disputes in rows:
        yield f"{order[:-1]},{choice(STORES)},{choice(TITLES)}\n", disputes


def generate(
    n: int, seed: int = DEFAULT_SEED, data_dir: Path = DEFAULT_DATA_DIR, real: bool = False
) -> tuple[Path, Path]:
    """Return (orders.csv, disputes.csv) for n orders, writing them only if not cached yet.

    Files are written under temporary names and renamed at the end, so an interrupted run never
    leaves a truncated file that a later run would reuse.
    """
    orders_path, disputes_path = paths(n, seed, data_dir, real)
    if orders_path.exists() and disputes_path.exists():
        return orders_path, disputes_path
    orders_path.parent.mkdir(parents=True, exist_ok=True)
    tmp_o, tmp_d = orders_path.with_suffix(".tmp"), disputes_path.with_suffix(".tmp")
    with open(tmp_o, "w", newline="") as fo, open(tmp_d, "w", newline="") as fd:
        fo.write(ORDERS_HEADER[:-1] + ",store,title\n" if real else ORDERS_HEADER)
        fd.write(DISPUTES_HEADER)
        o_buf, d_buf = [], []
        rows = _rows(n, seed)
        for order, disputes in _real_shape(rows, seed) if real else rows:
            o_buf.append(order)
            d_buf.extend(disputes)
            if len(o_buf) >= CHUNK:
                fo.write("".join(o_buf))
                fd.write("".join(d_buf))
                o_buf.clear()
                d_buf.clear()
        fo.write("".join(o_buf))
        fd.write("".join(d_buf))
    os.replace(tmp_d, disputes_path)
    os.replace(tmp_o, orders_path)
    return orders_path, disputes_path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    ap.add_argument("--real", action="store_true", help="with a store and a title, a third quoted")
    args = ap.parse_args()
    for p in generate(args.n, args.seed, args.data_dir, args.real):
        print(p)


if __name__ == "__main__":
    main()
