"""Opening input: files and standard input as bytes, their text encoding and byte-order mark."""

from __future__ import annotations

import codecs
import io
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from typing import IO

from ..core.problems import Problem
from ..i18n import _
from .errors import InputError

STDIN = "-"
# Bounds on what is held at once (docs/rules.md, "Reading files"): a line of CSV or JSON Lines,
# and a JSON document, which is parsed whole. An input without end (/dev/zero, a line that
# never breaks) stops there with a data error, in bounded memory.
MAX_LINE = 1 << 20  # characters
MAX_DOCUMENT = 256 << 20  # characters
_KEEP_IN_MEMORY = 8 << 20  # bytes of a stream kept in memory; the rest goes to TMPDIR


class TooLong(Exception):
    """A line (numbered) or a JSON document (line None) past its bound."""

    def __init__(self, line: int | None) -> None:
        super().__init__(line)
        self.line = line

    def problem(self, file: str) -> Problem:
        if self.line is None:
            expected = _("a JSON document of at most {limit} MiB; save a bigger export as CSV").format(
                limit=MAX_DOCUMENT >> 20
            )
        else:
            expected = _(
                "lines of at most {limit} characters; this one is longer, and nothing after it is "
                "read (a file that is not CSV, or one without line breaks?)"
            ).format(limit=f"{MAX_LINE:,}")
        return Problem(file, self.line, None, None, expected)


def display_name(path: str) -> str:
    return "<stdin>" if path == STDIN else path


class _Recorded:
    """A stream that can be read once only (standard input, a pipe, a FIFO, a device), kept
    as it is read so that every reader of the run can read it again from its start. It is
    read as far as asked and no further: a stream without end stops at the reader's bound."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.kept = tempfile.SpooledTemporaryFile(max_size=_KEEP_IN_MEMORY)
        self.size = 0
        self.ended = False

    def fill(self, end: int | None) -> None:
        """Read the stream on until `end` bytes are kept (None: to its end)."""
        while not self.ended and (end is None or self.size < end):
            chunk = self.source.read(1 << 20)
            if not chunk:
                self.ended = True
                break
            self.kept.seek(self.size)
            self.kept.write(chunk)
            self.size += len(chunk)


class _Replay(io.RawIOBase):
    """One reader of a recorded stream, with its own place in it."""

    def __init__(self, recorded: _Recorded) -> None:
        self.recorded, self.place = recorded, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        recorded = self.recorded
        recorded.fill(self.place + len(buffer))
        recorded.kept.seek(self.place)
        count = recorded.kept.readinto(buffer)
        self.place += count
        return count

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_END:
            self.recorded.fill(None)
            offset += self.recorded.size
        elif whence == io.SEEK_CUR:
            offset += self.place
        self.place = max(0, offset)
        return self.place

    def tell(self) -> int:
        return self.place


_recorded: dict[tuple, _Recorded] = {}


def _recording(key: tuple, source: Callable[[], IO[bytes]]) -> IO[bytes]:
    """A reader from the start of the stream known by `key`, recorded on first use."""
    if key not in _recorded:
        if key[0] == "stdin":  # a new sys.stdin (a test's run): the last one is done with
            for old in [old for old in _recorded if old[0] == "stdin"]:
                del _recorded[old]
        _recorded[key] = _Recorded(source())
    return io.BufferedReader(_Replay(_recorded[key]))


def holds_json(path: str) -> bool:
    """Whether the input is JSON (a document or JSON Lines), by its first character; a file that
    cannot be opened is not, and its reader names the problem."""
    try:
        with open_binary(path) as binary:
            head = binary.read(4096)
    except InputError:
        return False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("utf-8", errors="ignore")
    return text.lstrip("\ufeff \t\r\n")[:1] in ("[", "{")


def open_binary(path: str) -> IO[bytes]:
    """The input's bytes from its start. A stream (standard input, a FIFO, a process
    substitution, a device) is read once however often it is opened: see _Recorded."""
    if path == STDIN:
        if sys.stdin is None:  # started with standard input closed (`<&-`)
            raise InputError(_("standard input (-) is closed; give the file by its name"))
        return _recording(("stdin", sys.stdin), lambda: sys.stdin.buffer)  # a new sys.stdin, a new stream
    try:
        found = os.stat(path)
        if not stat.S_ISREG(found.st_mode) and not stat.S_ISDIR(found.st_mode):
            return _recording((found.st_dev, found.st_ino), lambda: open(path, "rb", buffering=0))
        return open(path, "rb")
    except FileNotFoundError:
        raise InputError(_("{file}: no such file").format(file=path)) from None
    except IsADirectoryError:
        raise InputError(_("{file}: is a directory, expected a file").format(file=path)) from None
    except OSError as error:
        raise InputError(
            _("{file}: cannot be read ({reason})").format(file=path, reason=error.strerror)
        ) from None


def text_encoding(encoding: str) -> str:
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        codec = None
    if codec is None or not getattr(codec, "_is_text_encoding", True):
        raise InputError(
            _("unknown text encoding {encoding} (try utf-8 or cp1251)").format(encoding=repr(encoding))
        )
    return "utf-8-sig" if codec.name == "utf-8" else codec.name


def bom_encoding(binary: IO[bytes]) -> str | None:
    """A byte-order mark settles the encoding: Excel's "Unicode text" is UTF-16 with one."""
    start = binary.read(3)
    binary.seek(0)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if start == codecs.BOM_UTF8:
        return "utf-8-sig"
    return None


def encoding_problem(file: str, line: int | None, encoding: str) -> Problem:
    return Problem(
        file,
        line,
        None,
        None,
        _(
            "text in the {encoding} encoding; this file is not. If it was saved by Excel in "
            "Russian or Ukrainian, try --encoding cp1251"
        ).format(encoding=encoding),
    )


def read_bytes(path: str) -> bytes | Problem:
    """A whole input as bytes, for exports read at once, such as a network's; past
    MAX_DOCUMENT, the Problem that says so (read no further)."""
    with open_binary(path) as binary:
        try:
            data = binary.read(MAX_DOCUMENT + 1)
        except OSError as error:
            raise InputError(
                _("{file}: cannot be read ({reason})").format(file=display_name(path), reason=error.strerror)
            ) from None
    if len(data) > MAX_DOCUMENT:
        return TooLong(None).problem(display_name(path))
    return data


def decode_text(path: str, data: bytes, encoding: str) -> str | Problem:
    """Bytes as text (a byte-order mark settles the encoding), or the Problem that says they
    are not in the encoding."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec = "utf-16"
    else:
        codec = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else text_encoding(encoding)
    try:
        return data.decode(codec)
    except UnicodeError:
        return encoding_problem(display_name(path), None, encoding)


def read_text(path: str, encoding: str) -> str | Problem:
    """A whole input as text (its byte-order mark settles the encoding), or the Problem that
    says it is not in the encoding; for exports read at once, such as a network's."""
    data = read_bytes(path)
    return data if isinstance(data, Problem) else decode_text(path, data, encoding)


def holds_xml(data: bytes) -> bool:
    """Whether bytes are an XML document, by content: "<" first after blanks (any encoding)."""
    head = data[:64]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("utf-8", errors="ignore")
    return text.lstrip("\ufeff \t\r\n")[:1] == "<"
