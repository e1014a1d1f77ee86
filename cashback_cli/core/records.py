"""The records the rules read and write: small, immutable, with exact Decimal money.

Records are NamedTuples: as immutable as frozen dataclasses, several times cheaper to make,
which matters at millions of rows, and quicker to import, which matters at every start.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple


class Source(NamedTuple):
    """Where a record came from, so a problem with it can be pointed at."""

    file: str
    line: int


class Status(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class Reported(NamedTuple):
    """What a network or a cashback service says of an order. The rules do not use it, except
    the lock date, which rule 6 takes in place of the hold; reconcile holds it against them."""

    status: Status | None = None  # the network's word mapped to ours
    network_status: str | None = None  # the network's own word
    cashback: Decimal | None = None  # as a cabinet shows it; in a result, the figure reported
    commission: Decimal | None = None  # the network's commission now: the cashback is its share
    locks_on: date | None = None  # the network's own confirmation date


class Order(NamedTuple):
    order_id: str
    ordered_at: date
    amount: Decimal | None  # None: a lead, paid a fixed commission with no order amount
    currency: str | None = None
    cashback_rate: Decimal | None = None
    expected_cashback: Decimal | None = None
    max_cashback: Decimal | None = None
    hold_days: int | None = None
    store: str | None = None
    title: str | None = None
    source: Source | None = None
    commission: Decimal | None = None  # a network's commission on the sale: E is its share
    reported: Reported | None = None


class Dispute(NamedTuple):
    order_id: str
    opened_at: date
    resolved_at: date | None = None
    refund_amount: Decimal | None = None
    outcome: str | None = None
    source: Source | None = None
    refund_currency: str | None = None  # when the refund was written with a sign or code
    # A network's correction of one line of a multi-line order: the commission it takes back
    # (the line's own, not the order's average rate), before the policy's share.
    commission: Decimal | None = None
    # A network's own cancellation: its word and reason ("declined (Order cancelled)").
    network_word: str | None = None


class SeenId(NamedTuple):
    """The order id of a row that could not be read. An order row's id still counts when looking
    for duplicates; a dispute row's marks its order, which cannot be evaluated without it."""

    order_id: str
    source: Source


class DisputePolicy(StrEnum):
    PROPORTIONAL = "proportional"
    CANCEL = "cancel"


class Policy(NamedTuple):
    """What the cashback service applies when an order does not say (docs/rules.md, rules 3, 6, 7, 9)."""

    hold_days: int = 15
    rate: Decimal | None = None
    currency: str = "USD"
    rounding: str = "half-up"
    max_cashback: Decimal | None = None
    dispute_policy: DisputePolicy = DisputePolicy.PROPORTIONAL
    share: Decimal = Decimal(100)  # percent of a network's commission passed on to the shopper


# The fields of the JSON order object, in their order: what every engine and writer gives.
ORDER_KEYS = (
    "order_id",
    "ordered_at",
    "currency",
    "amount",
    "refunded",
    "rate",
    "expected_cashback",
    "cashback",
    "cancelled_cashback",
    "status",
    "confirm_on",
    "reason",
)


class OrderResult(NamedTuple):
    """One order evaluated as of a date; the JSON order object is made from it."""

    order_id: str | None
    ordered_at: date
    currency: str
    amount: Decimal | None
    refunded: Decimal
    rate: Decimal | None
    expected_cashback: Decimal
    cashback: Decimal
    cancelled_cashback: Decimal
    status: Status
    confirm_on: date | None
    reason: str
    store: str | None = None
    title: str | None = None
    reported: Reported | None = None  # with the reported cashback worked out and rounded
