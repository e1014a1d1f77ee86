"""Benchmark of the `cashback` CLI against a DuckDB baseline, with the targets printed beside.

Why these figures: the tool must stay usable on the largest exports people have (millions of
rows), so we measure its wall time against a tuned engine doing the same arithmetic (DuckDB,
ratio target <= 5.0x), its peak memory (<= 150 MiB over all its processes, i.e. it streams),
its start-up cost against a bare `import typer` (<= 1.5x, i.e. no heavy imports on the hot
path), and its cost per million orders at several sizes (should be flat: linear scaling).
Every run is a fresh process, timed wall-clock including interpreter start-up, and its peak
memory is that of the process and its workers together, sampled while it runs. The tool's totals are
checked against DuckDB's to the cent; a benchmark of wrong answers would be worthless.

Usage:
    python benchmarks/run.py [--sizes 100000,1000000] [--repeat 3]
    python benchmarks/run.py --check-only [--sizes 20000]   # DuckDB vs pure-Python reference
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import reference  # noqa: E402
from duckdb_summary import ensure_duckdb  # noqa: E402

AS_OF = generate.AS_OF.isoformat()
TARGET_RATIO = 5.0
TARGET_RSS_MIB = 150.0
TARGET_STARTUP = 1.5
MONEY_KEYS = ("pending", "confirmed", "cancelled")


@dataclass
class Run:
    wall: float     # seconds, spawn to exit
    rss_mib: float  # peak memory of the process and its workers together (PSS), MiB
    rc: int
    out: str
    err: str


def measure(cmd: list[str], capture: bool = True) -> Run:
    """Run cmd once; wall time and the peak memory of it and its workers together (PSS sampled
    every 10 ms from /proc; the child's own ru_maxrss where /proc is not there).

    Output goes to temporary files rather than pipes, so a chatty child can never block and
    the parent does no work while the child runs.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                stdout=out if capture else subprocess.DEVNULL, stderr=err)
        peak_pss = 0  # KiB, summed over the process and its workers, sampled as it runs
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak_pss = max(peak_pss, tree_pss(proc.pid))
            time.sleep(0.01)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: tell Popen
        out.seek(0)
        err.seek(0)
        scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
        peak = peak_pss / 1024 if peak_pss else usage.ru_maxrss * scale / 2**20
        return Run(wall, peak, proc.returncode,
                   out.read().decode(errors="replace"), err.read().decode(errors="replace"))


def tree_pss(pid: int) -> int:
    """The proportional set size (KiB) of a process and all its descendants: memory of all the
    workers together, each shared page counted once. 0 where /proc does not say (not Linux)."""
    total, todo, seen = 0, [pid], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            with open(f"/proc/{current}/smaps_rollup") as rollup:
                total += next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)
            with open(f"/proc/{current}/task/{current}/children") as children:
                todo.extend(int(child) for child in children.read().split())
        except (OSError, ValueError):
            continue
    return total


@dataclass
class Tool:
    cmd: list[str]     # command prefix that runs the CLI
    python: str        # interpreter the CLI runs under (for the start-up baseline)
    how: str


def find_tool() -> Tool | None:
    """`cashback` on PATH, else `python -m cashback_cli` if that works, else None."""
    exe = shutil.which("cashback")
    if exe:
        python = sys.executable
        with open(exe, "rb") as f:
            first = f.readline().decode(errors="replace").strip()
        if first.startswith("#!") and "python" in first:  # pip console script: its interpreter
            python = first[2:].split()[0]
        return Tool([exe], python, exe)
    probe = subprocess.run([sys.executable, "-m", "cashback_cli", "--help"],
                           capture_output=True, cwd=HERE.parent)
    if probe.returncode == 0:
        return Tool([sys.executable, "-m", "cashback_cli"], sys.executable,
                    f"{sys.executable} -m cashback_cli")
    return None


def normalise(totals: dict) -> dict:
    """Totals as {currency: {key: str}}, so 3 and "3", or JSON key order, never matter."""
    return {cur: {"orders": str(t.get("orders")), **{k: str(t.get(k)) for k in MONEY_KEYS}}
            for cur, t in totals.items()}


def diff_totals(name_a: str, a: dict, name_b: str, b: dict) -> list[str]:
    """Human-readable differences between two totals dicts (empty when identical to the cent)."""
    a, b = normalise(a), normalise(b)
    lines = []
    for cur in sorted(set(a) | set(b)):
        if a.get(cur) != b.get(cur):
            lines.append(f"    {cur}: {name_a}={a.get(cur)}  {name_b}={b.get(cur)}")
    return lines


def summary_json(run: Run, what: str) -> dict | None:
    """Parse a summary JSON document, or say why it could not be."""
    if run.rc != 0:
        print(f"  {what} failed (exit {run.rc}): {run.err.strip()[-500:]}")
        return None
    try:
        return json.loads(run.out)["totals"]
    except (ValueError, KeyError, TypeError) as e:
        print(f"  {what}: output is not summary JSON ({e}): {run.out[:300]!r}")
        return None


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISS"


def med(runs: list[Run]) -> float:
    return statistics.median(r.wall for r in runs)


def bench_size(n: int, tool: Tool | None, repeat: int, args) -> dict:
    """Time tool (summary, full CSV) and DuckDB alternately at one size; check totals agree."""
    t0 = time.perf_counter()
    cached = all(p.exists() for p in generate.paths(n, args.seed, args.data_dir))
    orders, disputes = map(str, generate.generate(n, args.seed, args.data_dir))
    gen = "cached" if cached else f"generated in {time.perf_counter() - t0:.1f} s"
    print(f"\n== {n:,} orders ({gen}; {Path(orders).name})")

    duck_cmd = [sys.executable, str(HERE / "duckdb_summary.py"), orders, disputes, AS_OF]
    runs: dict[str, list[Run]] = {"duckdb": [], "tool summary": [], "tool csv": []}
    if tool:
        summary_cmd = tool.cmd + ["status", orders, "--disputes", disputes, "--as-of", AS_OF,
                                  "--summary", "--format", "json"]
        csv_cmd = tool.cmd + ["status", orders, "--disputes", disputes, "--as-of", AS_OF,
                              "--format", "csv"]
    identical = True
    for i in range(repeat):  # alternate, so drift in machine load hits both sides alike
        duck = measure(duck_cmd)
        runs["duckdb"].append(duck)
        duck_totals = summary_json(duck, "duckdb")
        if duck_totals is None:
            return {}
        if not tool:
            continue
        run = measure(summary_cmd)
        runs["tool summary"].append(run)
        tool_totals = summary_json(run, "cashback --summary")
        diffs = ["    (no totals)"] if tool_totals is None else diff_totals(
            "cashback", tool_totals, "duckdb", duck_totals)
        if diffs:
            identical = False
            print(f"  run {i + 1}: totals DIFFER from DuckDB:", *diffs, sep="\n")
        csv_run = measure(csv_cmd, capture=False)
        if csv_run.rc != 0:
            print(f"  cashback --format csv failed (exit {csv_run.rc}): {csv_run.err.strip()[-500:]}")
        runs["tool csv"].append(csv_run)

    result = {"n": n, **{k: med(v) for k, v in runs.items() if v}}
    for name, rs in runs.items():
        if rs:
            print(f"  {name:<13} median {med(rs):8.3f} s   peak {max(r.rss_mib for r in rs):7.1f} MiB"
                  f"   runs: {', '.join(f'{r.wall:.3f}' for r in rs)}")
    if not tool:
        print("  cashback not found: tool not measured (DuckDB baseline only)")
        return result
    peak = max(r.rss_mib for r in runs["tool summary"] + runs["tool csv"])
    ratio = result["tool summary"] / result["duckdb"]
    result.update(ratio=ratio, peak=peak, identical=identical)
    print(f"  totals        {'identical to the cent' if identical else 'DIFFER (see above)'}")
    print(f"  ratio tool/duckdb  {ratio:6.2f}x   target <= {TARGET_RATIO}x   {verdict(ratio <= TARGET_RATIO)}")
    print(f"  tool peak memory   {peak:6.1f} MiB target <= {TARGET_RSS_MIB:.0f} MiB  {verdict(peak <= TARGET_RSS_MIB)}")
    return result


def bench_startup(tool: Tool, repeat: int) -> float:
    """Median wall of a what-if dispute vs a bare `import typer` under the tool's interpreter."""
    cli = tool.cmd + ["dispute", "--amount", "100", "--refund", "40", "--rate", "5", "--format", "json"]
    bare = [tool.python, "-c", "import typer"]
    measure(cli), measure(bare)  # warm-up: page cache, .pyc files
    cli_runs, bare_runs = [], []
    for _ in range(max(repeat, 7)):
        cli_runs.append(measure(cli))
        bare_runs.append(measure(bare))
    if cli_runs[0].rc != 0:
        print(f"  cashback dispute failed (exit {cli_runs[0].rc}): {cli_runs[0].err.strip()[-500:]}")
    if bare_runs[0].rc != 0:
        print(f"  {tool.python} -c 'import typer' failed: {bare_runs[0].err.strip()[-300:]}")
    ratio = med(cli_runs) / med(bare_runs)
    print("\n== Start-up")
    print(f"  cashback dispute --amount 100 --refund 40 --rate 5 --format json   median {med(cli_runs) * 1000:7.1f} ms")
    print(f"  {tool.python} -c 'import typer'   median {med(bare_runs) * 1000:7.1f} ms")
    print(f"  ratio  {ratio:5.2f}x   target <= {TARGET_STARTUP}x   {verdict(ratio <= TARGET_STARTUP)}")
    return ratio


def print_linearity(results: list[dict]) -> None:
    """Seconds per million orders at each size, and the marginal cost between sizes.

    The first figure includes start-up, so it falls with N; the marginal one (extra seconds per
    extra million orders from the previous size) removes start-up: roughly equal = linear.
    """
    cols = [c for c in ("tool summary", "tool csv", "duckdb") if any(c in r for r in results)]
    print("\n== Linearity: median seconds per million orders  [marginal, from the previous size]")
    print(f"  {'orders':>11}" + "".join(f"{c:>24}" for c in cols))
    for prev, r in zip([None] + results[:-1], results, strict=True):
        cells = []
        for c in cols:
            if c not in r:
                cells.append(f"{'-':>24}")
                continue
            marginal = ""
            if prev and c in prev and r["n"] > prev["n"]:
                marginal = f"[{(r[c] - prev[c]) / ((r['n'] - prev['n']) / 1e6):.3f}]"
            cells.append(f"{r[c] / (r['n'] / 1e6):13.3f} {marginal:>10}")
        print(f"  {r['n']:>11,}" + "".join(cells))


def check_only(sizes: list[int], tool: Tool | None, args) -> int:
    """Compare DuckDB with the pure-Python reference (and the tool, when present) on small data."""
    failures = 0
    for n in sizes:
        orders, disputes = map(str, generate.generate(n, args.seed, args.data_dir))
        ref = reference.summarize(orders, disputes, generate.AS_OF)["totals"]
        duck = summary_json(measure([sys.executable, str(HERE / "duckdb_summary.py"), orders, disputes, AS_OF]), "duckdb")
        others = {"duckdb": duck}
        if tool:
            others["cashback"] = summary_json(measure(tool.cmd + [
                "status", orders, "--disputes", disputes, "--as-of", AS_OF, "--summary", "--format", "json"]),
                "cashback --summary")
        for name, totals in others.items():
            diffs = ["    (no totals)"] if totals is None else diff_totals(name, totals, "reference", ref)
            failures += bool(diffs)
            print(f"{n:,} orders: {name} vs reference: {'identical to the cent' if not diffs else 'DIFFER'}",
                  *diffs, sep="\n")
    if not tool:
        print("cashback not found: only DuckDB checked against the reference")
    print(f"reference totals at {n:,} orders:", json.dumps(ref, indent=2))
    return 1 if failures else 0


def main() -> int:
    ap = argparse.ArgumentParser(description="Benchmark the cashback CLI against DuckDB.")
    ap.add_argument("--sizes", help="comma-separated order counts (default 100000,1000000; 20000 with --check-only)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of each command per size (default 3)")
    ap.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    ap.add_argument("--data-dir", type=Path, default=generate.DEFAULT_DATA_DIR)
    ap.add_argument("--check-only", action="store_true", help="check DuckDB (and the tool) against the reference; no timing")
    args = ap.parse_args()
    default = "20000" if args.check_only else "100000,1000000"
    sizes = [int(s.replace("_", "")) for s in (args.sizes or default).split(",") if s.strip()]

    ensure_duckdb()  # install before any timing, so pip never lands inside a measurement
    tool = find_tool()
    print(f"cashback: {tool.how} (interpreter {tool.python})" if tool else
          "cashback not found (not on PATH, and `python -m cashback_cli` does not run)")
    if args.check_only:
        return check_only(sizes, tool, args)

    print(f"as-of {AS_OF}, sizes {', '.join(f'{n:,}' for n in sizes)}, {args.repeat} runs each, "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    results = [r for r in (bench_size(n, tool, args.repeat, args) for n in sizes) if r]
    print_linearity(results)
    startup = bench_startup(tool, args.repeat) if tool else None

    print("\n== Targets")
    if not tool or not results:
        print("  cashback not found: no targets measured" if not tool else "  no size completed")
        return 0 if not tool else 1
    worst_ratio = max(r["ratio"] for r in results)
    worst_peak = max(r["peak"] for r in results)
    all_identical = all(r["identical"] for r in results)
    print(f"  totals identical to DuckDB    {'yes' if all_identical else 'NO'}")
    print(f"  tool/duckdb (worst size)      {worst_ratio:6.2f}x    <= {TARGET_RATIO}x     {verdict(worst_ratio <= TARGET_RATIO)}")
    print(f"  peak memory (worst size)      {worst_peak:6.1f} MiB  <= {TARGET_RSS_MIB:.0f} MiB  {verdict(worst_peak <= TARGET_RSS_MIB)}")
    print(f"  start-up vs import typer      {startup:6.2f}x    <= {TARGET_STARTUP}x     {verdict(startup <= TARGET_STARTUP)}")
    return 0 if all_identical else 1


if __name__ == "__main__":
    sys.exit(main())
