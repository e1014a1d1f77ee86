"""Totals of a big file on every core: each worker evaluates the orders whose id hashes to it.

Sharding by order id, not by byte range, keeps each check exact inside one worker: an order
and all its disputes, and every repeat of an id, land in the same worker. Each worker still
reads the whole file, which is the cheap part; parsing and the rules are split.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Collection, Iterable
from concurrent.futures import ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import date

from ..core.problems import Problem
from ..core.records import Order, Policy, Source
from ..core.totals import Totals
from ..inputs.options import LoadOptions
from ..inputs.readers import read_orders, stream_disputes
from .dispute_index import DisputeIndex
from .evaluation import Evaluation

# Bytes of orders from which a file is big: below this, forking workers costs more than it
# saves, and `--engine auto` keeps to Python rather than DuckDB.
BIG_FILE = 8 << 20


@dataclass
class MergedRun:
    """What the workers found, put together; read like an Evaluation by the commands."""

    as_of: date
    totals: Totals = field(default_factory=Totals)
    problems: list[Problem] = field(default_factory=list)
    left_out: list[Problem] = field(default_factory=list)
    left_out_future: int = 0
    assumed_currency: int = 0
    amounts_with_cents: int = 0  # orders whose amount is written with decimals
    repeated_ids: set[int] = field(default_factory=set)
    dispute_count: int = 0
    # pending cashback per (currency, confirmation day; None: waiting on a dispute), as
    # (orders, cashback), when the lean engine is asked for it (upcoming)
    pending_days: dict = field(default_factory=dict)
    first_results: list = field(default_factory=list)  # the first orders' results, for a table
    waiting: list = field(default_factory=list)  # (currency, order id, cashback) waiting on a dispute


@dataclass(frozen=True)
class _Job:
    orders: str
    dispute_files: tuple[str, ...]
    options: LoadOptions
    as_of: date
    policy_for: Callable[[Order], Policy]
    skip_ids: Collection[str]
    workers: int


_job: _Job | None = None  # set before the fork, so workers inherit it instead of unpickling it
_progress = None


def _work(index: int) -> tuple:
    job = _job
    assert job is not None
    on_read = None
    if index == 0 and _progress is not None:

        def on_read(position: int) -> None:
            _progress.value = position

    options = replace(job.options, shard=(index, job.workers), on_read=on_read)
    problems: list[Problem] = []
    unreadable: dict[str, Source] = {}
    disputes = DisputeIndex(stream_disputes(job.orders, job.dispute_files, options, problems, unreadable))
    try:
        evaluation = Evaluation(
            disputes, job.as_of, job.policy_for, job.skip_ids, unreadable_disputes=unreadable
        )
        evaluation.problems.extend(problems)
        for _result in evaluation.results(read_orders(job.orders, options)):
            pass
    finally:
        disputes.close()  # a pool worker may be ended without running finalizers
    return (
        evaluation.totals,
        evaluation.problems,
        evaluation.left_out,
        evaluation.left_out_future,
        evaluation.assumed_currency,
        evaluation.amounts_with_cents,
        evaluation.repeated_ids,
        evaluation.dispute_count,
    )


def summarize(
    orders: str,
    dispute_files: Iterable[str],
    options: LoadOptions,
    as_of: date,
    policy_for: Callable[[Order], Policy],
    workers: int,
    skip_ids: Collection[str] = frozenset(),
) -> MergedRun:
    """The totals and problems of a whole file, from `workers` forked processes.

    `options.on_read`, when set, hears the first worker's progress through the file.
    """
    global _job, _progress
    on_read = options.on_read
    context = multiprocessing.get_context("fork")
    _job = _Job(orders, tuple(dispute_files), options, as_of, policy_for, skip_ids, workers)
    _progress = context.Value("q", 0, lock=False) if on_read else None
    try:  # an executor, not a Pool: a worker that dies (out of memory) ends the run, never hangs it
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            pending = [pool.submit(_work, worker) for worker in range(workers)]
            while wait(pending, timeout=0.2).not_done:
                if on_read is not None:
                    on_read(_progress.value)
            shares = [future.result() for future in pending]
    finally:
        _job = _progress = None
    merged = MergedRun(as_of)
    for totals, problems, left_out, left_out_future, assumed, cents, repeated, dispute_count in shares:
        merged.totals.merge(totals)
        merged.problems.extend(problems)
        merged.left_out.extend(left_out)
        merged.left_out_future += left_out_future
        merged.assumed_currency += assumed
        merged.amounts_with_cents += cents
        merged.repeated_ids |= repeated
        merged.dispute_count += dispute_count
    merged.problems = list(dict.fromkeys(merged.problems))  # file-level problems come from each worker
    return merged
