"""Which file or stream a path names, whatever its spelling.

`/dev/stdin`, `/proc/self/fd/0`, `/dev/fd/0`, a symbolic link and a hard link all name what
`-` reads; only the device and inode of what they open tell them apart. An output is refused
when it is something the run reads, and standard input named two ways is read twice.
"""

from __future__ import annotations

import os

STDIN = "-"

Identity = tuple[int, int]


def identity(path: str) -> Identity | None:
    """The device and inode that `path` opens (`-`: standard input), or None when it opens
    nothing yet (a new output file) or cannot be looked at."""
    try:
        found = os.fstat(0) if path == STDIN else os.stat(path)
    except (OSError, ValueError):
        return None
    return found.st_dev, found.st_ino


def names_stdin(path: str) -> bool:
    """Whether `path` is standard input under another name (`/dev/stdin`, `/dev/fd/0`...).

    A file redirected into standard input (`< orders.csv`) is that file too: naming it beside
    `-` reads the same bytes twice, as with any other file given twice."""
    if path == STDIN:
        return True
    here = identity(path)
    return here is not None and here == identity(STDIN)


def output_reads_input(output: str, inputs: list[str]) -> bool:
    """Whether writing `output` would write over something the run reads: an input file by any
    path or link, or standard input when `-` is among the inputs."""
    target = identity(output)
    if target is None:
        return False
    return any(path and identity(path) == target for path in inputs)
