"""The cashback rules of docs/rules.md: one order and its disputes, as of a date, under a policy.

Pure functions over records: no I/O, no printing, no command-line types. They run once per
order on inputs of millions of rows, so repeated work (dates, texts, terms) is memoised.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from .money import EXACT, ROUNDING_MODES, quantum
from .problems import Expected
from .records import Dispute, DisputePolicy, Order, OrderResult, Policy, Reported, Source, Status

HUNDRED = Decimal(100)
ZERO = Decimal(0)
PENDING, CONFIRMED, CANCELLED = Status.PENDING, Status.CONFIRMED, Status.CANCELLED
CANCEL = DisputePolicy.CANCEL
_MEMO_SIZE = 100_000  # distinct dates, reasons and terms kept: far more than a real export has


# The reasons in JSON and CSV: English whatever the language, since scripts read them; a date
# follows the last two ("on hold until 2026-12-09").
DISPUTE_OPENED, REFUNDED_IN_FULL, DISPUTE_OPEN = "dispute opened", "refunded in full", "dispute open"
ON_HOLD_UNTIL, CONFIRMED_ON = "on hold until", "confirmed on"
CANCELLED_BY_NETWORK = "cancelled by the network"  # followed by its word: "…: declined (Order cancelled)"


class RuleError(ValueError):
    """The order's data cannot be evaluated: the field, its value and what was expected, as data.

    The words are made (and translated) where the error is shown, never here.
    """

    def __init__(self, field: str, value: str, expected: Expected, source: Source | None = None) -> None:
        super().__init__(field, value, expected)
        self.field = field
        self.value = value
        self.expected = expected
        self.source = source  # the record at fault when it is not the order (a dispute's refund)


class Terms(NamedTuple):
    """The order's own fields, completed from the policy where the order is silent."""

    currency: str
    quantum: Decimal
    rounding: str
    hold_days: int
    cap: Decimal | None
    rate: Decimal | None
    fixed_expected: Decimal | None


def applied_terms(order: Order, policy: Policy) -> Terms:
    """The rate, cap, hold and currency that apply to an order (docs/rules.md, "Store policies:
    which value wins").

    Most orders give only a currency and a rate: their terms are cached per policy.
    """
    if (
        order.expected_cashback is None
        and order.max_cashback is None
        and order.hold_days is None
        and order.commission is None
    ):
        return _plain_terms(policy, order.currency, order.cashback_rate)
    return _terms(order, policy)


@lru_cache(maxsize=_MEMO_SIZE)
def _plain_terms(policy: Policy, currency: str | None, rate: Decimal | None) -> Terms:
    return _terms(Order("", date.min, ZERO, currency, rate), policy)


def _terms(order: Order, policy: Policy) -> Terms:
    rate = None
    fixed = order.expected_cashback
    if fixed is None and order.commission is not None:
        fixed = share_of(order.commission, policy)
    if fixed is None:
        rate = order.cashback_rate if order.cashback_rate is not None else policy.rate
        if rate is None:
            raise RuleError("cashback_rate", "", Expected("rate_or_fixed"))
    currency = order.currency or policy.currency
    return Terms(
        currency,
        quantum(currency),
        ROUNDING_MODES[policy.rounding],
        order.hold_days if order.hold_days is not None else policy.hold_days,
        order.max_cashback if order.max_cashback is not None else policy.max_cashback,
        rate,
        fixed,
    )


def share_of(commission: Decimal, policy: Policy) -> Decimal:
    """The shopper's part of a network's commission: the policy's share, 100 % unless it says."""
    return EXACT.divide(EXACT.multiply(commission, policy.share), HUNDRED)


def _capped_rounded(raw: Decimal, terms: Terms) -> Decimal:
    if terms.cap is not None and raw > terms.cap:
        raw = terms.cap
    return raw.quantize(terms.quantum, terms.rounding, EXACT)  # positional: keywords cost here


def expected_cashback(amount: Decimal, terms: Terms) -> Decimal:
    """Rule 3: E = amount × rate / 100 (or the fixed figure), capped, rounded."""
    if terms.fixed_expected is not None:
        raw = terms.fixed_expected
    else:
        raw = EXACT.divide(EXACT.multiply(amount, terms.rate), HUNDRED)
    return _capped_rounded(raw, terms)


def kept_cashback(amount: Decimal, refunded: Decimal, expected: Decimal, terms: Terms) -> Decimal:
    """Rule 5: cashback on what was not refunded, capped, rounded."""
    remaining = amount - refunded
    if terms.fixed_expected is not None:
        raw = EXACT.divide(EXACT.multiply(expected, remaining), amount)
    else:
        raw = EXACT.divide(EXACT.multiply(remaining, terms.rate), HUNDRED)
    return _capped_rounded(raw, terms)


class NetworkWord(NamedTuple):
    """What a network's own corrections, counted as of a date, did to an order."""

    line_refunded: Decimal  # refunds of lines that took back their own commission
    taken: Decimal  # those lines' commissions, before the policy's share
    lines: bool  # some counted refund was a line's, with its own commission
    cancelled: Decimal  # refunds of the network's own cancellations
    words: tuple[str, ...]  # the network's words for those cancellations, each once


def network_word(disputes: Sequence[Dispute], as_of: date) -> NetworkWord | None:
    """The network's counted cancellations and line refunds, or None when there are none."""
    if not any(d.commission is not None or d.network_word for d in disputes):
        return None
    line_refunded = taken = cancelled = ZERO
    lines = False
    words: list[str] = []
    for d in disputes:
        if d.opened_at > as_of or d.resolved_at is None or d.resolved_at > as_of:
            continue
        refund = d.refund_amount or ZERO
        if d.commission is not None:
            lines = True
            line_refunded += refund
            taken += d.commission
        if d.network_word:
            cancelled += refund
            if d.network_word not in words:
                words.append(d.network_word)
    return NetworkWord(line_refunded, taken, lines, cancelled, tuple(words))


def kept_by_lines(
    amount: Decimal, refunded: Decimal, network: NetworkWord, terms: Terms, policy: Policy
) -> Decimal:
    """Rule 5 for a network's lines: a line that leaves takes its own commission with it; what
    is refunded apart from lines is proportional on the order that remains. Capped, rounded."""
    raw = terms.fixed_expected - share_of(network.taken, policy)
    remaining = amount - network.line_refunded
    other = refunded - network.line_refunded
    if other and remaining:
        raw = EXACT.divide(EXACT.multiply(raw, remaining - other), remaining)
    raw = min(max(raw, ZERO), terms.fixed_expected)  # never below nothing, never above E
    return _capped_rounded(raw, terms)


def _cancelled_reason(network: NetworkWord | None, refunded: Decimal) -> str:
    """Rule 4's reason, naming the network when its own cancellations made the full refund."""
    if network is not None and network.words and network.cancelled == refunded:
        return f"{CANCELLED_BY_NETWORK}: {', '.join(network.words)}"
    return REFUNDED_IN_FULL


def evaluate_order(order: Order, disputes: Sequence[Dispute], as_of: date, policy: Policy) -> OrderResult:
    """Apply rules 1–6 and 9 to one order; raises RuleError on data the rules cannot use."""
    terms = applied_terms(order, policy)
    amount = order.amount
    if amount is None:
        return _evaluate_lead(order, disputes, as_of, policy, terms)
    expected = expected_cashback(amount, terms)
    refunded, any_open, any_existing, last_resolved = (
        _dispute_state(disputes, as_of) if disputes else _NO_DISPUTE
    )
    if refunded > amount:
        raise RuleError(
            "refund_amount",
            f"{refunded:f}",
            Expected("refunds_within_amount", (("amount", f"{amount:f}"),)),
            _last_refund_source(disputes, as_of),
        )
    if disputes or amount.quantize(terms.quantum) != amount:
        _check_minor_units(order, disputes, as_of, terms)

    confirm_on = None if any_open else _confirm_on(order, terms, last_resolved)
    network = network_word(disputes, as_of) if disputes else None

    if any_existing and policy.dispute_policy is CANCEL:
        cashback, status, reason = ZERO.quantize(terms.quantum), CANCELLED, DISPUTE_OPENED
    elif refunded == amount:
        cashback, status = ZERO.quantize(terms.quantum), CANCELLED
        reason = _cancelled_reason(network, refunded)
    else:
        if network is not None and network.lines and terms.fixed_expected is not None:
            cashback = kept_by_lines(amount, refunded, network, terms, policy)
        else:
            cashback = kept_cashback(amount, refunded, expected, terms) if refunded else expected
        status, reason = _timing(confirm_on, as_of)

    return OrderResult(
        order.order_id,
        order.ordered_at,
        terms.currency,
        amount,
        refunded,
        terms.rate,
        expected,
        cashback,
        expected - cashback,
        status,
        confirm_on,
        reason,
        order.store,
        order.title,
        None if order.reported is None else _reported(order.reported, policy, terms),
    )


def _timing(confirm_on: date | None, as_of: date) -> tuple[Status, str]:
    """Rule 6 for an order that is not cancelled: frozen by a dispute, on hold, or confirmed."""
    if confirm_on is None:
        return PENDING, DISPUTE_OPEN
    if as_of < confirm_on:
        return PENDING, _reason(ON_HOLD_UNTIL, confirm_on)
    return CONFIRMED, _reason(CONFIRMED_ON, confirm_on)


def _confirm_on(order: Order, terms: Terms, last_resolved: date | None) -> date:
    """Rule 6: the later of the hold's end (or the network's own lock date) and the last resolution."""
    locks_on = order.reported.locks_on if order.reported is not None else None
    confirm_on = locks_on if locks_on is not None else hold_end(order.ordered_at, terms.hold_days)
    if last_resolved is not None and last_resolved > confirm_on:
        confirm_on = last_resolved
    return confirm_on


def _evaluate_lead(
    order: Order, disputes: Sequence[Dispute], as_of: date, policy: Policy, terms: Terms
) -> OrderResult:
    """An order with no amount, paid a fixed commission (a lead): its cashback is that figure,
    whole, since nothing can be partly refunded; a dispute can only hold or cancel it."""
    if terms.fixed_expected is None:
        raise RuleError("amount", "", Expected("amount_or_fixed"))
    expected = _capped_rounded(terms.fixed_expected, terms)
    refunded, any_open, any_existing, last_resolved = (
        _dispute_state(disputes, as_of) if disputes else _NO_DISPUTE
    )
    if refunded:
        raise RuleError("refund_amount", f"{refunded:f}", Expected("no_refund_without_amount"))
    confirm_on = None if any_open else _confirm_on(order, terms, last_resolved)
    network = network_word(disputes, as_of) if disputes else None
    cashback = expected
    if network is not None and network.lines:  # lines of a lead the network cancelled
        cashback = _capped_rounded(max(terms.fixed_expected - share_of(network.taken, policy), ZERO), terms)
    if any_existing and policy.dispute_policy is CANCEL:
        cashback, status, reason = ZERO.quantize(terms.quantum), CANCELLED, DISPUTE_OPENED
    elif network is not None and network.words and not cashback:
        cashback, status, reason = ZERO.quantize(terms.quantum), CANCELLED, _cancelled_reason(network, ZERO)
    else:
        status, reason = _timing(confirm_on, as_of)
    return OrderResult(
        order.order_id,
        order.ordered_at,
        terms.currency,
        None,
        refunded,
        None,
        expected,
        cashback,
        expected - cashback,
        status,
        confirm_on,
        reason,
        order.store,
        order.title,
        None if order.reported is None else _reported(order.reported, policy, terms),
    )


def _reported(reported: Reported, policy: Policy, terms: Terms) -> Reported:
    """The reported cashback as the shopper would see it: a cabinet's figure, or the shopper's
    share of the network's commission, rounded like every other figure."""
    cashback = reported.cashback
    if cashback is None and reported.commission is not None:
        cashback = share_of(reported.commission, policy)
    if cashback is not None:
        cashback = cashback.quantize(terms.quantum, terms.rounding, EXACT)
    return reported._replace(cashback=cashback)


_NO_DISPUTE = (ZERO, False, False, None)


def _dispute_state(disputes: Sequence[Dispute], as_of: date) -> tuple[Decimal, bool, bool, date | None]:
    """Rules 1 and 2: counted refunds, whether one is open, whether any exists, last resolution."""
    refunded = ZERO
    any_open = any_existing = False
    last_resolved = None
    for dispute in disputes:
        if dispute.opened_at > as_of:
            continue  # not opened yet on the as-of date: it does not exist
        any_existing = True
        resolved = dispute.resolved_at
        if resolved is None or resolved > as_of:
            any_open = True
            continue
        if dispute.refund_amount:
            refunded += dispute.refund_amount
        if last_resolved is None or resolved > last_resolved:
            last_resolved = resolved
    return refunded, any_open, any_existing, last_resolved


def _check_minor_units(order: Order, disputes: Sequence[Dispute], as_of: date, terms: Terms) -> None:
    """An amount or refund finer than the currency's minor unit (10.004 USD, 100.5 JPY) cannot
    have been paid: refuse it. Shown rounded, it would make a partial refund look full. (A fixed
    expected cashback or a cap may be finer: rule 3 rounds them.)
    """
    step = terms.quantum
    digits = str(-step.as_tuple().exponent)
    expected = Expected("minor_units", (("digits", digits), ("currency", terms.currency)))
    if order.amount.quantize(step) != order.amount:
        raise RuleError("amount", f"{order.amount:f}", expected)
    for dispute in disputes:
        refund = dispute.refund_amount
        if dispute.opened_at <= as_of and refund is not None and refund.quantize(step) != refund:
            raise RuleError("refund_amount", f"{refund:f}", expected, dispute.source)


def _last_refund_source(disputes: Sequence[Dispute], as_of: date) -> Source | None:
    """The counted dispute resolved last: the refund that took the total past the amount."""
    counted = [d for d in disputes if d.opened_at <= as_of and d.resolved_at and d.resolved_at <= as_of]
    return max(counted, key=lambda d: d.resolved_at).source if counted else None


@lru_cache(maxsize=_MEMO_SIZE)
def hold_end(ordered_at: date, hold_days: int) -> date:
    """The day the hold ends (cached: a big export has few distinct order dates)."""
    return ordered_at + timedelta(days=hold_days)


@lru_cache(maxsize=_MEMO_SIZE)
def _reason(words: str, day: date) -> str:
    return f"{words} {day.isoformat()}"
