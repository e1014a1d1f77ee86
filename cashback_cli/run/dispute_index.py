"""Disputes by order id: in memory for ordinary files, on disk past a size, so memory stays flat.

An export of millions of orders carries hundreds of thousands of disputes; held as objects
they would take hundreds of megabytes. Past IN_MEMORY disputes the index moves them into a
temporary SQLite file (standard library) and keeps only a Bloom filter in memory, so the
orders without a dispute — most of them — are answered without touching the disk.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import weakref
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal

from ..core.records import Dispute, Source

IN_MEMORY = 100_000  # disputes kept as objects before the index moves to disk
_BLOOM_BITS = 1 << 27  # 16 MiB: few false hits at a million disputes
_MASK = _BLOOM_BITS - 1
_BATCH = 10_000


class DisputeIndex:
    def __init__(self, disputes: Iterable[Dispute], in_memory: int | None = None) -> None:
        in_memory = IN_MEMORY if in_memory is None else in_memory
        self.count = 0
        self._memory: dict[str, list[Dispute] | tuple[Dispute, ...]] = {}  # tuples once built
        self._db: sqlite3.Connection | None = None
        self._path: str | None = None
        self._bloom = bytearray()
        self._matched: set[str] = set()
        self._matched_batch: list[tuple[str]] = []
        batch: list[tuple] = []
        for dispute in disputes:
            self.count += 1
            if self._db is None:
                self._memory.setdefault(dispute.order_id, []).append(dispute)
                if self.count > in_memory:
                    self._spill()
            else:
                batch.append(_row(dispute))
                self._remember(dispute.order_id)
                if len(batch) >= _BATCH:
                    self._insert(batch)
        if self._db is not None:
            self._insert(batch)
            self._db.execute("CREATE INDEX by_order ON disputes(order_id)")
        self._memory = {order_id: tuple(found) for order_id, found in self._memory.items()}

    # --- building --------------------------------------------------------------------------

    def _spill(self) -> None:
        handle, self._path = tempfile.mkstemp(prefix="cashback-disputes-", suffix=".sqlite")
        os.close(handle)
        self._db = sqlite3.connect(self._path)
        self._cleanup = weakref.finalize(self, _remove, self._db, self._path)  # also at exit
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute(
            "CREATE TABLE disputes (order_id TEXT, opened INTEGER, resolved INTEGER, refund TEXT, "
            "outcome TEXT, file TEXT, line INTEGER, refund_currency TEXT, commission TEXT, network_word TEXT)"
        )
        self._db.execute("CREATE TABLE matched (order_id TEXT PRIMARY KEY)")
        self._bloom = bytearray(_BLOOM_BITS // 8)
        rows: list[tuple] = []
        while self._memory:  # moved in batches, so the objects and their rows are never all held twice
            order_id, found = self._memory.popitem()
            self._remember(order_id)
            rows.extend(_row(d) for d in found)
            if len(rows) >= _BATCH:
                self._insert(rows)
        self._insert(rows)

    def _insert(self, rows: list[tuple]) -> None:
        assert self._db is not None
        self._db.executemany("INSERT INTO disputes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        rows.clear()

    def _remember(self, order_id: str) -> None:
        first, second = _bits(order_id)
        self._bloom[first >> 3] |= 1 << (first & 7)
        self._bloom[second >> 3] |= 1 << (second & 7)

    # --- reading -----------------------------------------------------------------------------

    def get(self, order_id: str) -> tuple[Dispute, ...]:
        """The order's disputes (none for most orders), remembering the order as matched."""
        if self._db is None:
            found = self._memory.get(order_id, ())
            if found:
                self._matched.add(order_id)
            return found
        first, second = _bits(order_id)
        bloom = self._bloom
        if not (bloom[first >> 3] >> (first & 7)) & 1 or not (bloom[second >> 3] >> (second & 7)) & 1:
            return ()
        rows = self._db.execute(
            "SELECT * FROM disputes WHERE order_id = ? ORDER BY rowid", (order_id,)
        ).fetchall()
        if rows:
            self._matched_batch.append((order_id,))
            if len(self._matched_batch) >= _BATCH:
                self._flush_matched()
        return tuple(_dispute(row) for row in rows)

    def peek(self, order_id: str) -> tuple[Dispute, ...]:
        """The order's disputes, without counting the order as matched."""
        if self._db is None:
            return self._memory.get(order_id, ())
        rows = self._db.execute("SELECT * FROM disputes WHERE order_id = ? ORDER BY rowid", (order_id,))
        return tuple(_dispute(row) for row in rows)

    def unmatched(self, skip_ids: Iterable[str] = ()) -> Iterator[Dispute]:
        """Disputes whose order was never asked for: disputes for orders not in the file."""
        skip = set(skip_ids)
        if self._db is None:
            for order_id, found in self._memory.items():
                if order_id not in self._matched and order_id not in skip:
                    yield from found
            return
        self._flush_matched()
        rows = self._db.execute(
            "SELECT * FROM disputes WHERE order_id NOT IN (SELECT order_id FROM matched) ORDER BY rowid"
        )
        for row in rows:
            if row[0] not in skip:
                yield _dispute(row)

    def forget_matches(self) -> None:
        """Start a new run over the orders (the index is shared by reruns)."""
        self._matched.clear()
        self._matched_batch.clear()
        if self._db is not None:
            self._db.execute("DELETE FROM matched")

    def _flush_matched(self) -> None:
        if self._matched_batch and self._db is not None:
            self._db.executemany("INSERT OR IGNORE INTO matched VALUES (?)", self._matched_batch)
            self._matched_batch.clear()

    def close(self) -> None:
        """Remove the temporary file now (it also goes when the index is collected, or at exit)."""
        if self._db is not None:
            self._cleanup()
            self._db = None
            self._path = None


def _remove(db: sqlite3.Connection, path: str) -> None:
    db.close()
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _bits(order_id: str) -> tuple[int, int]:
    digest = hash(order_id) & ((1 << 64) - 1)
    return digest & _MASK, (digest >> 32) & _MASK


def _row(dispute: Dispute) -> tuple:
    source = dispute.source
    return (
        dispute.order_id,
        dispute.opened_at.toordinal(),
        dispute.resolved_at.toordinal() if dispute.resolved_at else None,
        None if dispute.refund_amount is None else f"{dispute.refund_amount:f}",
        dispute.outcome,
        source.file if source else None,
        source.line if source else None,
        dispute.refund_currency,
        None if dispute.commission is None else f"{dispute.commission:f}",
        dispute.network_word,
    )


def _dispute(row: tuple) -> Dispute:
    order_id, opened, resolved, refund, outcome, file, line, refund_currency, commission, word = row
    return Dispute(
        order_id,
        date.fromordinal(opened),
        date.fromordinal(resolved) if resolved is not None else None,
        None if refund is None else Decimal(refund),
        outcome,
        Source(file, line) if file is not None else None,
        refund_currency,
        None if commission is None else Decimal(commission),
        word,
    )
