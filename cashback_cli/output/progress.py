"""A progress bar on stderr once reading a file has taken more than a second; only on a
terminal, never in a pipe."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from time import monotonic

from ..i18n import _

SHOW_AFTER = 1.0  # seconds of reading before a bar is drawn: a quicker read shows nothing


@contextmanager
def reading_progress(path: str) -> Iterator[Callable[[int], None] | None]:
    """Yields a callback taking the bytes read so far, or None when no bar can be drawn.

    The bar starts with the first call that comes more than SHOW_AFTER seconds after the
    reading began, whatever the file's size, and it is cleared when the reading ends.
    """
    if not sys.stderr.isatty():
        yield None
        return
    size = os.path.getsize(path) if path != "-" and os.path.isfile(path) else 0
    bar = _LazyBar(os.path.basename(path) if path != "-" else "<stdin>", size or None)
    try:
        yield bar.on_read
    finally:
        bar.close()


class _LazyBar:
    """Rich's progress bar, started by the first report that comes late enough."""

    def __init__(self, name: str, total: int | None) -> None:
        self.name = name
        self.total = total
        self.started_at = monotonic()
        self.progress = None
        self.task = None

    def on_read(self, position: int) -> None:
        if self.progress is None:
            if monotonic() - self.started_at <= SHOW_AFTER:
                return
            self._start()
        self.progress.update(self.task, completed=position)

    def _start(self) -> None:
        from rich.console import Console
        from rich.markup import escape
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

        label = _("reading {file}").format(file="{task.description}")  # rich fills in the file name
        columns = (TextColumn(label), BarColumn(), DownloadColumn(), TimeRemainingColumn())
        self.progress = Progress(*columns, console=Console(stderr=True), transient=True)
        self.task = self.progress.add_task(escape(self.name), total=self.total)
        self.progress.start()

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None
