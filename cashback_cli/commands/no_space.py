"""A full disk is the machine's state, not a bug: it ends a run with exit code 2 and a message
saying where the space ran out (standard output, the output's folder or the temporary folder).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile

from ..i18n import _

NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def is_no_space(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in NO_SPACE


def _full(folder: str) -> bool:
    try:
        found = os.statvfs(folder)
    except OSError:
        return False
    return found.f_bavail == 0 or (found.f_favail == 0 and found.f_files > 0)


_DEV_FULL = (1, 7)  # Linux's /dev/full: every write fails with ENOSPC


def _stdout_is_full() -> bool:
    """Standard output on /dev/full, or a file on a full file system."""
    try:
        found = os.fstat(1)
        if stat.S_ISCHR(found.st_mode):
            return (os.major(found.st_rdev), os.minor(found.st_rdev)) == _DEV_FULL
        return stat.S_ISREG(found.st_mode) and os.fstatvfs(1).f_bavail == 0
    except (OSError, AttributeError):
        return False


def full_place(folders: tuple[str, ...] = ()) -> str:
    """Where the space ran out, in words: the first of `folders` that is full, else standard
    output when it is full, else the temporary folder, the only other place a run writes to
    (which may have room again by now: the run's temporary files are gone)."""
    for folder in folders:
        if _full(folder):
            return folder
    if _stdout_is_full():
        return _("standard output")
    return _("the temporary folder {folder} (TMPDIR)").format(folder=tempfile.gettempdir())


def no_space_message(place: str) -> str:
    return _("no space left on {place}; nothing was left half-written").format(place=place)
