"""Whether an order id repeats anywhere in a file read by several workers, in flat memory.

Each worker notes a 64-bit hash of every order id it reads. Held until the end, those notes
grow with the file (40 MB at five million orders, twice that while they travel between
processes); instead each worker spills them now and then to a file per bucket (the hash's top
byte), and the check reads one bucket of every worker at a time. Two ids of one hash count as
a repeat: the careful engine then reads the file and names the real one, if any.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterable

BUCKETS = 256
SPILL_AT = 1 << 18  # hashes a worker holds before spilling them (2 MB)
_SHIFT = 56  # the top byte of a signed 64-bit hash, as 0 to 255


def _bucketed(digests: Iterable[int]) -> list[array]:
    buckets = [array("q") for _bucket in range(BUCKETS)]
    into = [bucket.append for bucket in buckets]
    for digest in digests:
        into[digest >> _SHIFT & 255](digest)
    return buckets


def spill(digests: array, folder: str, worker: int) -> None:
    """Append a worker's hashes to its bucket files and empty the array."""
    for number, bucket in enumerate(_bucketed(digests)):
        if bucket:
            with open(os.path.join(folder, f"{worker}-{number}"), "ab") as handle:
                bucket.tofile(handle)
    del digests[:]


def any_repeated(folder: str, workers: int, held: Iterable[array]) -> bool:
    """Whether two hashes are equal among the spilled ones and those still held in memory."""
    in_memory = _bucketed(digest for digests in held for digest in digests)
    for number in range(BUCKETS):
        bucket, in_memory[number] = in_memory[number], array("q")  # one bucket held at a time
        for worker in range(workers):
            path = os.path.join(folder, f"{worker}-{number}")
            if os.path.exists(path):
                with open(path, "rb") as handle:
                    bucket.frombytes(handle.read())
        if len(set(bucket)) != len(bucket):
            return True
    return False
