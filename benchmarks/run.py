"""Benchmark of each engine of the `cashback` CLI against a DuckDB baseline, targets printed beside.

Why these figures: the tool must stay usable on the largest exports people have (millions of
rows), so we measure each engine's wall time against a tuned engine doing the same arithmetic (one
DuckDB query computing rules 1-8 as of the date), its peak memory over all its processes (the
Python engine must stream; the DuckDB engine gets a larger budget), its start-up cost
against a bare `import typer` (<= 1.5x, i.e. no heavy imports on the hot path), and its cost per
million orders at several sizes (should be flat: linear scaling). The speed and memory targets are
stated for 1M orders: at 100k start-up dominates, so that size is informational; 5M shows the trend.
Every run is a fresh process, timed wall-clock including interpreter start-up, with the
tool's modules compiled to bytecode beforehand as an installed package has them. Peak memory is that
of the process and its workers together, sampled while it runs, in one more run of each command:
reading a process's memory map stalls it, so the timed runs go unwatched. Each engine's totals
are checked against DuckDB's to the cent on every run; a benchmark of wrong answers would be worthless.

Usage:
    python benchmarks/run.py [--sizes 100000,1000000,5000000] [--repeat 3] [--engines python,duckdb] [--csv]
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
TARGET_STARTUP = 1.5
TARGET_SIZE = 1_000_000  # the speed and memory targets are stated for this many orders
DEFAULT_SIZES = "100000,1000000,5000000"
MONEY_KEYS = ("pending", "confirmed", "cancelled")


@dataclass(frozen=True)
class Target:
    ratio: float  # wall time over the DuckDB query's, at most
    peak_mib: float  # peak memory over all the engine's processes (PSS), at most


# Per engine: the Python engine streams, so it gets the tight memory budget; the DuckDB engine runs
# the same kind of query as the baseline, so it gets the tight time budget.
TARGETS = {"python": Target(5.0, 150.0), "duckdb": Target(2.0, 300.0)}
LABELS = {
    "query": "duckdb query",
    "python": "python engine",
    "duckdb": "duckdb engine",
    "csv": "python engine csv",
}


@dataclass
class Run:
    wall: float  # seconds, spawn to exit
    rss_mib: float  # peak memory of the process and its workers together (PSS), MiB
    rc: int
    out: str
    err: str


def measure(cmd: list[str], capture: bool = True, sample: bool = True) -> Run:
    """Run cmd once; wall time and the peak memory of it and its workers together (PSS sampled
    every 10 ms from /proc; the child's own ru_maxrss where /proc is not there). Without
    `sample`, only the time (and ru_maxrss): reading a process's memory map stalls its threads'
    page faults, which slows it by a few per cent, more for a process that maps much.

    Output goes to temporary files rather than pipes, so a chatty child can never block and
    the parent does no work while the child runs.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=out if capture else subprocess.DEVNULL, stderr=err
        )
        peak_pss = 0  # KiB, summed over the process and its workers, sampled as it runs
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG if sample else 0)
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
        return Run(
            wall,
            peak,
            proc.returncode,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
        )


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
    cmd: list[str]  # command prefix that runs the CLI
    python: str  # interpreter the CLI runs under (for the start-up baseline)
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
    probe = subprocess.run(
        [sys.executable, "-m", "cashback_cli", "--help"], capture_output=True, cwd=HERE.parent
    )
    if probe.returncode == 0:
        return Tool(
            [sys.executable, "-m", "cashback_cli"], sys.executable, f"{sys.executable} -m cashback_cli"
        )
    return None


def compile_tool(tool: Tool) -> str:
    """Compile the tool's modules to bytecode, as pip does when it installs a package: with
    PYTHONDONTWRITEBYTECODE set (or an editable install that cannot write its cache), every run
    would compile them from source again, about 30 ms that no installed tool pays."""
    # where the tool imports it from: the repository for `python -m cashback_cli`, else wherever
    # the interpreter finds it outside this folder (its site-packages, an editable install)
    here = tool.cmd[-2:] == ["-m", "cashback_cli"]
    found = subprocess.run(
        [tool.python, "-c", "import cashback_cli, os; print(os.path.dirname(cashback_cli.__file__))"],
        capture_output=True,
        text=True,
        cwd=HERE.parent if here else tempfile.gettempdir(),
    )
    folder = found.stdout.strip()
    if found.returncode or not folder:
        return "not compiled (package not found)"
    done = subprocess.run([tool.python, "-m", "compileall", "-q", folder], capture_output=True)
    return f"compiled to bytecode in {folder}" if done.returncode == 0 else "not compiled (compileall failed)"


def normalise(totals: dict) -> dict:
    """Totals as {currency: {key: str}}, so 3 and "3", or JSON key order, never matter."""
    return {
        cur: {"orders": str(t.get("orders")), **{k: str(t.get(k)) for k in MONEY_KEYS}}
        for cur, t in totals.items()
    }


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


def engine_available(tool: Tool, engine: str) -> bool:
    """Whether the tool's interpreter can run the engine: the DuckDB engine is an optional extra,
    and the benchmark's own duckdb (for the baseline) says nothing about the tool's environment."""
    if engine != "duckdb":
        return True
    probe = subprocess.run([tool.python, "-c", "import duckdb"], capture_output=True)
    return probe.returncode == 0


def status_cmd(tool: Tool, orders: str, disputes: str, engine: str, fmt: str = "summary") -> list[str]:
    """`cashback status` on the generated files with one engine: the summary JSON, or every order as CSV."""
    output = ["--summary", "--format", "json"] if fmt == "summary" else ["--format", "csv"]
    files = [orders, "--disputes", disputes, "--as-of", AS_OF]
    return tool.cmd + ["status", *files, *output, "--engine", engine]


def bench_size(n: int, tool: Tool | None, engines: list[str], repeat: int, args) -> dict:
    """Time the DuckDB query and each engine alternately at one size; check every engine's totals.

    Alternating (query, engine, engine, ... then again) means drift in machine load hits all of
    them alike. Returns {"n", "wall": {key: median s}, "peak": {key: MiB}, "identical": {engine: bool}}
    keyed like LABELS, or {} when the DuckDB query itself failed.
    """
    t0 = time.perf_counter()
    cached = all(p.exists() for p in generate.paths(n, args.seed, args.data_dir))
    orders, disputes = map(str, generate.generate(n, args.seed, args.data_dir))
    gen = "cached" if cached else f"generated in {time.perf_counter() - t0:.1f} s"
    print(f"\n== {n:,} orders ({gen}; {Path(orders).name})")
    if n < TARGET_SIZE:
        print(f"  (below {TARGET_SIZE:,} orders start-up dominates: informational, the targets are for 1M)")

    duck_cmd = [sys.executable, str(HERE / "duckdb_summary.py"), orders, disputes, AS_OF]
    engines = engines if tool else []
    runs: dict[str, list[Run]] = {"query": [], **{e: [] for e in engines}}
    if tool and args.csv:
        runs["csv"] = []
    identical = dict.fromkeys(engines, True)
    for i in range(repeat):
        query = measure(duck_cmd, sample=False)
        runs["query"].append(query)
        query_totals = summary_json(query, "duckdb query")
        if query_totals is None:
            return {}
        for engine in engines:
            run = measure(status_cmd(tool, orders, disputes, engine), sample=False)
            runs[engine].append(run)
            totals = summary_json(run, f"cashback --engine {engine}")
            diffs = (
                ["    (no totals)"] if totals is None else diff_totals(engine, totals, "query", query_totals)
            )
            if diffs:
                identical[engine] = False
                print(
                    f"  run {i + 1}: {LABELS[engine]} totals DIFFER from the DuckDB query:", *diffs, sep="\n"
                )
        if "csv" in runs:  # every order row, the python engine only: a minute at 5M, hence opt-in
            csv_run = measure(
                status_cmd(tool, orders, disputes, "python", "csv"), capture=False, sample=False
            )
            if csv_run.rc != 0:
                print(f"  cashback --format csv failed (exit {csv_run.rc}): {csv_run.err.strip()[-500:]}")
            runs["csv"].append(csv_run)

    commands = {"query": duck_cmd}
    if tool:
        commands |= {engine: status_cmd(tool, orders, disputes, engine) for engine in engines}
        if "csv" in runs:
            commands["csv"] = status_cmd(tool, orders, disputes, "python", "csv")
    result = {
        "n": n,
        "wall": {k: med(rs) for k, rs in runs.items()},
        "peak": {k: measure(commands[k], capture=False).rss_mib for k in runs},  # a watched run each
        "identical": identical,
    }
    print_size(result, runs)
    if not tool:
        print("  cashback not found: tool not measured (DuckDB baseline only)")
    elif engines:
        same = [LABELS[e] for e in engines if identical[e]]
        differ = [LABELS[e] for e in engines if not identical[e]]
        print(
            f"  totals: {', '.join(same) or 'no engine'} identical to the query to the cent"
            + (f"; {', '.join(differ)} DIFFER (see above)" if differ else "")
        )
    return result


def print_size(result: dict, runs: dict[str, list[Run]]) -> None:
    """One row per command: median, peak, ratio to the query and the verdicts against its engine's
    targets (the CSV run has the python engine's memory target, no speed target)."""
    query = result["wall"]["query"]
    print(f"  {'':<17} {'median':>9}  {'peak':>10}  {'ratio':>6}  {'speed':<14} {'memory':<16} runs (s)")
    for key, rs in runs.items():
        wall, peak = result["wall"][key], result["peak"][key]
        ratio = speed = memory = ""
        if key != "query":
            ratio = f"{wall / query:.2f}x"
            target = TARGETS["python" if key == "csv" else key]
            if key != "csv":
                speed = f"{verdict(wall / query <= target.ratio)} <= {target.ratio}x"
            memory = f"{verdict(peak <= target.peak_mib)} <= {target.peak_mib:.0f} MiB"
        print(
            f"  {LABELS[key]:<17} {wall:7.3f} s  {peak:6.1f} MiB  {ratio:>6}  {speed:<14} {memory:<16} "
            f"{', '.join(f'{r.wall:.3f}' for r in rs)}"
        )


def bench_startup(tool: Tool, repeat: int) -> float:
    """Median wall of a what-if dispute vs a bare `import typer` under the tool's interpreter."""
    cli = tool.cmd + ["dispute", "--amount", "100", "--refund", "40", "--rate", "5", "--format", "json"]
    bare = [tool.python, "-c", "import typer"]
    measure(cli), measure(bare)  # warm-up: page cache, .pyc files
    cli_runs, bare_runs = [], []
    for _ in range(max(repeat, 7)):
        cli_runs.append(measure(cli, sample=False))
        bare_runs.append(measure(bare, sample=False))
    if cli_runs[0].rc != 0:
        print(f"  cashback dispute failed (exit {cli_runs[0].rc}): {cli_runs[0].err.strip()[-500:]}")
    if bare_runs[0].rc != 0:
        print(f"  {tool.python} -c 'import typer' failed: {bare_runs[0].err.strip()[-300:]}")
    ratio = med(cli_runs) / med(bare_runs)
    print("\n== Start-up")
    print(
        f"  cashback dispute --amount 100 --refund 40 --rate 5 --format json   median {med(cli_runs) * 1000:7.1f} ms"
    )
    print(f"  {tool.python} -c 'import typer'   median {med(bare_runs) * 1000:7.1f} ms")
    print(f"  ratio  {ratio:5.2f}x   target <= {TARGET_STARTUP}x   {verdict(ratio <= TARGET_STARTUP)}")
    return ratio


def print_linearity(results: list[dict]) -> None:
    """Seconds per million orders at each size, and the marginal cost between sizes.

    The first figure includes start-up, so it falls with N; the marginal one (extra seconds per
    extra million orders from the previous size) removes start-up: roughly equal = linear.
    """
    cols = [c for c in LABELS if any(c in r["wall"] for r in results)]
    print("\n== Linearity: median seconds per million orders  [marginal, from the previous size]")
    print(f"  {'orders':>11}" + "".join(f"{LABELS[c]:>24}" for c in cols))
    for prev, r in zip([None] + results[:-1], results, strict=True):
        cells = []
        for c in cols:
            if c not in r["wall"]:
                cells.append(f"{'-':>24}")
                continue
            marginal = ""
            if prev and c in prev["wall"] and r["n"] > prev["n"]:
                marginal = f"[{(r['wall'][c] - prev['wall'][c]) / ((r['n'] - prev['n']) / 1e6):.3f}]"
            cells.append(f"{r['wall'][c] / (r['n'] / 1e6):13.3f} {marginal:>10}")
        print(f"  {r['n']:>11,}" + "".join(cells))


def sizes_meeting(results: list[dict], ok) -> str:
    """Which sizes met a target, e.g. "met at 100,000, 1,000,000; missed at 5,000,000"."""
    met = [f"{r['n']:,}" for r in results if ok(r)]
    missed = [f"{r['n']:,}" for r in results if not ok(r)]
    if not missed:
        return "met at every size"
    if not met:
        return "missed at every size"
    return f"met at {', '.join(met)}; missed at {', '.join(missed)}"


def print_engine_targets(engine: str, results: list[dict]) -> None:
    """An engine's totals check, its ratio and peak at 1M against its targets (the verdict that
    matters), the worst of the sizes from 1M up (of all sizes when none is that large: then only
    informational), and which sizes met which target."""
    target = TARGETS[engine]
    rows = [r for r in results if engine in r["wall"]]
    ratio = {r["n"]: r["wall"][engine] / r["wall"]["query"] for r in rows}
    peak = {r["n"]: r["peak"][engine] for r in rows}

    def both(n_ratio: int, n_peak: int) -> str:
        at_ratio = f" at {n_ratio:,}" if n_ratio != n_peak else ""
        at_peak = f" at {n_peak:,}" if n_ratio != n_peak else ""
        return (
            f"ratio {ratio[n_ratio]:.2f}x{at_ratio} <= {target.ratio}x {verdict(ratio[n_ratio] <= target.ratio)}, "
            f"peak {peak[n_peak]:.1f} MiB{at_peak} <= {target.peak_mib:.0f} MiB {verdict(peak[n_peak] <= target.peak_mib)}"
        )

    same = all(r["identical"][engine] for r in rows)
    print(
        f"  {LABELS[engine]:<15} totals          {'identical to' if same else 'DIFFER from'} the DuckDB query's"
    )
    if TARGET_SIZE in ratio:
        print(f"  {'':<15} at {TARGET_SIZE:,}    {both(TARGET_SIZE, TARGET_SIZE)}")
    else:
        print(f"  {'':<15} at {TARGET_SIZE:,}    not measured (add {TARGET_SIZE} to --sizes): no verdict")
    counted = [n for n in ratio if n >= TARGET_SIZE]
    note = "" if counted else "  (informational sizes only)"
    counted = counted or list(ratio)
    worst_ratio, worst_peak = max(counted, key=ratio.get), max(counted, key=peak.get)
    at = f"at {worst_ratio:,}: " if worst_ratio == worst_peak else ""
    print(f"  {'':<15} worst size      {at}{both(worst_ratio, worst_peak)}{note}")
    print(f"  {'':<15} speed target    {sizes_meeting(rows, lambda r: ratio[r['n']] <= target.ratio)}")
    print(f"  {'':<15} memory target   {sizes_meeting(rows, lambda r: peak[r['n']] <= target.peak_mib)}")


def check_only(sizes: list[int], tool: Tool | None, args) -> int:
    """Compare DuckDB with the pure-Python reference (and the tool, when present) on small data."""
    failures = 0
    for n in sizes:
        orders, disputes = map(str, generate.generate(n, args.seed, args.data_dir))
        ref = reference.summarize(orders, disputes, generate.AS_OF)["totals"]
        duck = summary_json(
            measure([sys.executable, str(HERE / "duckdb_summary.py"), orders, disputes, AS_OF]), "duckdb"
        )
        others = {"duckdb": duck}
        if tool:
            others["cashback"] = summary_json(
                measure(status_cmd(tool, orders, disputes, "auto")), "cashback --summary"
            )
        for name, totals in others.items():
            diffs = ["    (no totals)"] if totals is None else diff_totals(name, totals, "reference", ref)
            failures += bool(diffs)
            print(
                f"{n:,} orders: {name} vs reference: {'identical to the cent' if not diffs else 'DIFFER'}",
                *diffs,
                sep="\n",
            )
    if not tool:
        print("cashback not found: only DuckDB checked against the reference")
    print(f"reference totals at {n:,} orders:", json.dumps(ref, indent=2))
    return 1 if failures else 0


def parse_engines(value: str) -> list[str]:
    """--engines: a comma-separated subset of TARGETS, in the order given (the order they run in)."""
    engines = [e.strip() for e in value.split(",") if e.strip()]
    unknown = [e for e in engines if e not in TARGETS]
    if unknown or not engines:
        raise argparse.ArgumentTypeError(f"engines are {', '.join(TARGETS)}; got {value!r}")
    return list(dict.fromkeys(engines))


def main() -> int:
    ap = argparse.ArgumentParser(description="Benchmark each engine of the cashback CLI against DuckDB.")
    ap.add_argument(
        "--sizes", help=f"comma-separated order counts (default {DEFAULT_SIZES}; 20000 with --check-only)"
    )
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of each command per size (default 3)")
    ap.add_argument(
        "--engines",
        type=parse_engines,
        default="python,duckdb",
        help="comma-separated engines to time (default python,duckdb)",
    )
    ap.add_argument(
        "--csv", action="store_true", help="also time --format csv of every order (python engine)"
    )
    ap.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    ap.add_argument("--data-dir", type=Path, default=generate.DEFAULT_DATA_DIR)
    ap.add_argument(
        "--check-only",
        action="store_true",
        help="check DuckDB (and the tool) against the reference; no timing",
    )
    args = ap.parse_args()
    default = "20000" if args.check_only else DEFAULT_SIZES
    sizes = [int(s.replace("_", "")) for s in (args.sizes or default).split(",") if s.strip()]

    ensure_duckdb()  # install before any timing, so pip never lands inside a measurement
    tool = find_tool()
    print(
        f"cashback: {tool.how} (interpreter {tool.python})"
        if tool
        else "cashback not found (not on PATH, and `python -m cashback_cli` does not run)"
    )
    if args.check_only:
        return check_only(sizes, tool, args)
    if tool:
        print(f"  {compile_tool(tool)}")

    engines = args.engines
    if tool and "duckdb" in engines and not engine_available(tool, "duckdb"):
        print(
            f"DuckDB engine not installed in {tool.python}: not timed "
            "(pip install 'cashback-cli[duckdb]' to time it)"
        )
        engines = [e for e in engines if e != "duckdb"]
    print(
        f"as-of {AS_OF}, sizes {', '.join(f'{n:,}' for n in sizes)}, {args.repeat} runs each, "
        f"engines {', '.join(engines) or 'none'}{', plus python csv' if args.csv else ''}, "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    if args.repeat < 3:
        print(f"  (--repeat {args.repeat}: fewer than 3 runs, so medians are not comparable to the README's)")
    results = [r for r in (bench_size(n, tool, engines, args.repeat, args) for n in sizes) if r]
    print_linearity(results)
    startup = bench_startup(tool, args.repeat) if tool else None

    print(f"\n== Targets (stated for {TARGET_SIZE:,} orders; below that start-up dominates: informational)")
    if not tool or not results:
        print("  cashback not found: no targets measured" if not tool else "  no size completed")
        return 0 if not tool else 1
    all_identical = all(all(r["identical"].values()) for r in results)
    for engine in engines:
        print_engine_targets(engine, results)
    if args.csv:
        worst = max(results, key=lambda r: r["peak"]["csv"])
        limit = TARGETS["python"].peak_mib
        print(
            f"  {LABELS['csv']:<17} worst peak {worst['peak']['csv']:.1f} MiB at {worst['n']:,} "
            f"<= {limit:.0f} MiB {verdict(worst['peak']['csv'] <= limit)} (no speed target)"
        )
    print(
        f"  start-up vs import typer      {startup:6.2f}x    <= {TARGET_STARTUP}x     {verdict(startup <= TARGET_STARTUP)}"
    )
    return 0 if all_identical else 1


if __name__ == "__main__":
    sys.exit(main())
