"""Each disputed order's disputes, folded into flat arrays: what the lean engine keeps of them.

A dict keyed by order id costs about 150 bytes an entry (the id's str, an int, the dict's
slot); a million disputed orders would take the lean engine past its memory budget. Here an
entry costs its id's bytes plus 24 (hash, refund sum, one word of dates and flags) and four
bytes for each of the open-addressing slots, kept at most a quarter full so that an order with
no dispute is usually told so by one look at one slot.

The hash is Python's own for the id: the workers are forked, so they hash as the parent did.
A hash match is confirmed against the id's bytes: two ids never share an entry.
"""

from __future__ import annotations

from array import array

_DAY_BITS = 20  # day ordinals up to the year 2871
_DAY_MASK = (1 << _DAY_BITS) - 1
_FIRST_SLOTS = 1 << 12


def pack(finest: int, is_open: int, exists: int, last: int, first: int) -> int:
    """An order's dispute dates and flags as one 64-bit word."""
    return ((last << _DAY_BITS | first) << 4 | finest) << 2 | is_open << 1 | exists


def unpack(word: int) -> tuple[int, int, int, int, int]:
    """(finest refund digits, any open, any opened, last resolution, first opening)."""
    exists, is_open = word & 1, word >> 1 & 1
    word >>= 2
    finest = word & 15
    word >>= 4
    return finest, is_open, exists, word >> _DAY_BITS & _DAY_MASK, word & _DAY_MASK


class FoldedDisputes:
    """Order id → (counted refunds in fixed units, dates and flags word), in arrays."""

    def __init__(self) -> None:
        self.slots = array("i", bytes(4 * _FIRST_SLOTS))  # entry number + 1; 0 is empty
        self.mask = _FIRST_SLOTS - 1
        self._room = _FIRST_SLOTS // 4  # entries held before the slots double
        self.hashes = array("q")
        self.refunds = array("q")
        self.words = array("q")
        self._ids: bytearray | str = bytearray()  # every id, end to end: str once settled
        self._bounds = array("Q", [0])  # entry n's id runs from _bounds[n] to _bounds[n + 1]

    def __len__(self) -> int:
        return len(self.hashes)

    def find(self, order_id: str, digest: int) -> int:
        """The entry of an order id (digest = hash(order_id)), or -1."""
        slots, hashes, mask, ids, bounds = self.slots, self.hashes, self.mask, self._ids, self._bounds
        key = order_id if ids.__class__ is str else order_id.encode()
        at = digest & mask
        while entry := slots[at]:
            entry -= 1
            if hashes[entry] == digest and ids[bounds[entry] : bounds[entry + 1]] == key:
                return entry
            at = (at + 1) & mask
        return -1

    def settle(self) -> None:
        """Done adding: ids all in ASCII are kept as text, which compares without encoding."""
        if self._ids.__class__ is not str and self._ids.isascii():
            self._ids = self._ids.decode("ascii")

    def add(self, order_id: str, digest: int, refund: int, word: int) -> int:
        """A new entry for an id not held yet; its number."""
        entry = len(self.hashes)
        self.hashes.append(digest)
        self.refunds.append(refund)  # OverflowError past 2**63 - 1: the caller gives up
        self.words.append(word)
        ids = self._ids
        ids += order_id.encode()  # (a bytearray while entries are added)
        self._bounds.append(len(ids))
        if entry >= self._room:
            self._grow()
            return entry
        slots, mask = self.slots, self.mask
        at = digest & mask
        while slots[at]:
            at = (at + 1) & mask
        slots[at] = entry + 1
        return entry

    def dump(self, path: str) -> None:
        """The table into a file, for the process that forked this one: the arrays as they are
        in memory (pickling would copy each on both sides)."""
        ids = self._ids.encode() if self._ids.__class__ is str else self._ids
        head = array("q", [len(self.slots), len(self.hashes), len(ids), self.mask, self._room])
        with open(path, "wb") as handle:
            for part in (head, self.slots, self.hashes, self.refunds, self.words, self._bounds):
                part.tofile(handle)
            handle.write(ids)

    @classmethod
    def load(cls, path: str) -> FoldedDisputes:
        """A table a forked process dumped, settled."""
        table = cls()
        with open(path, "rb") as handle:
            head = array("q")
            head.fromfile(handle, 5)
            slots, entries, id_bytes, table.mask, table._room = head
            table.slots, table.hashes = array("i"), array("q")
            table.refunds, table.words, table._bounds = array("q"), array("q"), array("Q")
            table.slots.fromfile(handle, slots)
            for part in (table.hashes, table.refunds, table.words):
                part.fromfile(handle, entries)
            table._bounds.fromfile(handle, entries + 1)
            table._ids = bytearray(handle.read(id_bytes))
        table.settle()
        return table

    def _grow(self) -> None:
        size = 2 * len(self.slots)
        self.slots = slots = array("i", bytes(4 * size))
        self.mask = mask = size - 1
        self._room = size // 4
        for entry, digest in enumerate(self.hashes, 1):
            at = digest & mask
            while slots[at]:
                at = (at + 1) & mask
            slots[at] = entry
