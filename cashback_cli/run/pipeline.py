"""Files to an evaluated run: load disputes, stream orders through the rules, check across files.

The commands call this once each; it knows nothing of options, terminals or exit codes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date

from ..core.problems import Expected, Problem
from ..core.records import Order, OrderResult, Policy, Source
from ..inputs.errors import InputError
from ..inputs.options import LoadOptions
from ..inputs.readers import as_written, input_read_twice, read_orders, stream_disputes
from .dispute_index import DisputeIndex
from .evaluation import Evaluation, duplicate_problems
from .parallel import MergedRun, summarize

Consume = Callable[[Iterator[OrderResult], Evaluation], None]
Tap = Callable[[Iterable[Order | Problem]], Iterable[Order | Problem]]


def evaluate_files(
    orders: str,
    dispute_files: Iterable[str],
    options: LoadOptions,
    as_of: date,
    policy_for: Callable[[Order], Policy],
    consume: Consume | None = None,
    skip_invalid: bool = False,
    tap: Tap | None = None,
    workers: int = 1,
    stop_after: int | None = None,
) -> Evaluation | MergedRun:
    """Evaluate every order, handing the results to `consume` as they stream by.

    Without `consume` only the totals and problems are wanted, and `workers` processes may
    share the work. Order ids are checked for duplicates at the end; when there are some, the
    ids are read once more to name them, and with `skip_invalid` the run is made again without
    them (`consume` is then called a second time and must start its output afresh). Inputs
    that cannot be read as given (standard input twice) raise InputError.
    """
    dispute_files = tuple(dispute_files)
    reason = input_read_twice(orders, dispute_files)
    if reason is not None:
        raise InputError(reason)
    if consume is None:  # totals alone: a plain export takes the lean engine
        from .lean import lean_summary

        lean = lean_summary(orders, dispute_files, options, as_of, policy_for, workers)
        if lean is not None:
            return lean
    if consume is None and workers > 1:

        def run(skip_ids: frozenset[str], known: list[Problem]) -> Evaluation | MergedRun:
            merged = summarize(orders, dispute_files, options, as_of, policy_for, workers, skip_ids)
            merged.problems[:0] = known
            return merged

    else:
        dispute_problems: list[Problem] = []
        unreadable: dict[str, Source] = {}
        disputes = DisputeIndex(stream_disputes(orders, dispute_files, options, dispute_problems, unreadable))

        def run(skip_ids: frozenset[str], known: list[Problem]) -> Evaluation | MergedRun:
            evaluation = Evaluation(disputes, as_of, policy_for, skip_ids, stop_after, unreadable)
            evaluation.problems.extend(dispute_problems + known)
            stream = read_orders(orders, options)
            results = evaluation.results(tap(stream) if tap else stream)
            if consume is None:
                for _result in results:
                    pass
            else:
                consume(results, evaluation)
            return evaluation

    evaluation = run(frozenset(), [])
    if evaluation.repeated_ids:
        problems, duplicated = duplicate_problems(
            read_orders(orders, replace(options, on_read=None)), evaluation.repeated_ids
        )
        if skip_invalid and duplicated:
            return run(frozenset(duplicated), problems)
        evaluation.problems.extend(problems)
    if evaluation.problems:
        problems = as_written(evaluation.problems, orders, dispute_files, options)
        # with --skip-invalid each row left out is named by its line
        evaluation.problems[:] = problems if skip_invalid else rates_together(problems)
    return evaluation


SHOWN_LINES = 5


def rates_together(problems: list[Problem]) -> list[Problem]:
    """Orders of one file with no rate, said once: a cabinet copy shows the cashback and the
    status but no rate, and fifteen lines saying so would hide what to do about it."""
    lines: dict[str, list[int]] = {}
    for problem in problems:
        if _no_rate(problem):
            lines.setdefault(problem.file, []).append(problem.line or 0)
    several = {file for file, found in lines.items() if len(found) > 1}
    if not several:
        return problems
    kept = [problem for problem in problems if not (_no_rate(problem) and problem.file in several)]
    for file in sorted(several):
        found = sorted(lines[file])
        shown = ", ".join(map(str, found[:SHOWN_LINES])) + (", …" if len(found) > SHOWN_LINES else "")
        details = (("count", str(len(found))), ("lines", shown))
        kept.append(Problem(file, None, "cashback_rate", None, Expected("rates_for_all", details)))
    return kept


def _no_rate(problem: Problem) -> bool:
    return getattr(problem.expected, "what", None) == "rate_or_fixed"
