"""A progress bar on stderr while a big file is read; only on a terminal, never in a pipe."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..i18n import _

BIG_FILE = 16 << 20  # bytes: smaller files are read before a bar would be worth drawing


@contextmanager
def reading_progress(path: str) -> Iterator[Callable[[int], None] | None]:
    """Yields a callback taking the bytes read so far, or None when no bar is drawn."""
    size = os.path.getsize(path) if path != "-" and os.path.isfile(path) else 0
    if size < BIG_FILE or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    label = _("reading {file}").format(file="{task.description}")  # rich fills in the file name
    columns = (TextColumn(label), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(os.path.basename(path), total=size)
        yield lambda position: bar.update(task, completed=position)
