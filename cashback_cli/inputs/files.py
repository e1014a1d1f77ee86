"""Opening input: files and standard input as bytes, their text encoding and byte-order mark."""

from __future__ import annotations

import codecs
import io
import sys
from typing import IO

from ..core.problems import Problem
from ..i18n import _
from .errors import InputError

STDIN = "-"


def display_name(path: str) -> str:
    return "<stdin>" if path == STDIN else path


_stdin_read: list[tuple[object, bytes]] = []


def _stdin_bytes() -> bytes:
    """Standard input, read once per stream: the orders and their disputes may share it."""
    if not _stdin_read or _stdin_read[0][0] is not sys.stdin:
        _stdin_read[:] = [(sys.stdin, sys.stdin.buffer.read())]
    return _stdin_read[0][1]


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
    if path == STDIN:
        return io.BytesIO(_stdin_bytes())
    try:
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


def read_bytes(path: str) -> bytes:
    """A whole input as bytes, for exports read at once, such as a network's."""
    with open_binary(path) as binary:
        try:
            return binary.read()
        except OSError as error:
            raise InputError(
                _("{file}: cannot be read ({reason})").format(file=display_name(path), reason=error.strerror)
            ) from None


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
    return decode_text(path, read_bytes(path), encoding)


def holds_xml(data: bytes) -> bool:
    """Whether bytes are an XML document, by content: "<" first after blanks (any encoding)."""
    head = data[:64]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("utf-8", errors="ignore")
    return text.lstrip("\ufeff \t\r\n")[:1] == "<"
