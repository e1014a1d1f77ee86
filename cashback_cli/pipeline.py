"""Files to an evaluated run: load disputes, stream orders through the rules, check across files.

The commands call this once each; it knows nothing of options, terminals or exit codes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date

from .evaluation import Evaluation, duplicate_problems
from .loaders import LoadOptions, read_disputes, read_orders
from .problems import Problem
from .records import Dispute, Order, OrderResult, Policy

Consume = Callable[[Iterator[OrderResult], Evaluation], None]
Tap = Callable[[Iterable[Order | Problem]], Iterable[Order | Problem]]


def load_disputes(
    orders: str, dispute_files: Iterable[str], options: LoadOptions
) -> tuple[list[Dispute], list[Problem]]:
    """Disputes from the dispute files and from an orders file that is one JSON document."""
    found: list[Dispute] = []
    problems: list[Problem] = []
    sources = [(orders, True), *((path, False) for path in dispute_files)]
    for path, embedded in sources:
        for item in read_disputes(path, options, embedded):
            (problems if isinstance(item, Problem) else found).append(item)
    return found, problems


def evaluate_files(
    orders: str,
    dispute_files: Iterable[str],
    options: LoadOptions,
    as_of: date,
    policy_for: Callable[[Order], Policy],
    consume: Consume,
    skip_invalid: bool = False,
    tap: Tap | None = None,
) -> Evaluation:
    """Evaluate every order, handing the results to `consume` as they stream by.

    Order ids are checked for duplicates at the end; when there are some, the ids are read
    once more to name them, and with `skip_invalid` the run is made again without them
    (`consume` is then called a second time and must start its output afresh).
    """
    disputes, dispute_problems = load_disputes(orders, dispute_files, options)

    def run(skip_ids: frozenset[str], known: list[Problem]) -> Evaluation:
        evaluation = Evaluation(disputes, as_of, policy_for, skip_ids)
        evaluation.problems.extend(dispute_problems + known)
        stream = read_orders(orders, options)
        consume(evaluation.results(tap(stream) if tap else stream), evaluation)
        return evaluation

    evaluation = run(frozenset(), [])
    if evaluation.repeated_ids:
        problems, duplicated = duplicate_problems(read_orders(orders, options), evaluation.repeated_ids)
        if skip_invalid and duplicated:
            return run(frozenset(duplicated), problems)
        evaluation.problems.extend(problems)
    return evaluation
