"""Problems and rule errors in words, in the user's language: file:line: field: got …, expected …."""

from __future__ import annotations

from ..core.problems import Expected, Problem
from ..i18n import _

_SHOWN_VALUE = 60

# What each rule needed, by the code the core gives it (core/rules.py).
RULE_EXPECTATIONS = {
    "rate_or_fixed": "a cashback rate or expected cashback in the row, or --rate",
    "refunds_within_amount": "refunds adding up to at most the order amount {amount}",
    "minor_units": "at most {digits} decimal places, as {currency} has",
    "amount_or_fixed": "an order amount, or a fixed cashback or commission for an order without one",
    "no_refund_without_amount": "no refund: an order without an amount (a lead) cannot be partly refunded",
    "rates_for_all": (
        "{count} orders (lines {lines}) have no cashback rate: add --rate PCT, a rate column (a "
        "header with a percent sign, such as «Кэшбэк, %»), or the rates of your stores in a "
        "policy file (--config)"
    ),
}


def expected_text(expected: str | Expected) -> str:
    if isinstance(expected, str):
        return expected
    return _(RULE_EXPECTATIONS[expected.what]).format(**dict(expected.details))


def problem_message(problem: Problem) -> str:
    where = problem.file if problem.line is None else f"{problem.file}:{problem.line}"
    parts = [where]
    if problem.field:
        parts.append(problem.field)
    text = expected_text(problem.expected)
    if problem.value is not None:
        text = _("got {value}, expected {expected}").format(
            value=repr(_shorten(problem.value)), expected=text
        )
    parts.append(text)
    return ": ".join(parts)


def _shorten(value: str) -> str:
    return value if len(value) <= _SHOWN_VALUE else value[: _SHOWN_VALUE - 1] + "…"
