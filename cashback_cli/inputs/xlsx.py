"""Excel workbooks (.xlsx), read through openpyxl when the xlsx extra is installed.

A workbook is told by its bytes, never by its name: it is a ZIP archive (PK\\x03\\x04) whose
content types name a spreadsheet. One sheet (the first, or --sheet NAME) becomes the same rows
of text cells the CSV reader gives: the header is the first row that is not empty, and each
cell is written as the spreadsheet shows it (numbers exactly, dates as ISO dates).
"""

from __future__ import annotations

import math
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import IO

from ..core.problems import Problem
from ..i18n import _
from .errors import InputError
from .headers import HeaderTable, resolve_columns
from .rows import Layout, Row

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls of Excel 97-2003, and password-protected .xlsx

# Excel keeps 15 significant digits and shows and saves (as CSV) a number rounded to them:
# =0.1+0.2 is stored as 0.30000000000000004 and shown as 0.3.
_EXCEL_DIGITS = Context(prec=15, rounding=ROUND_HALF_UP)
_REPORT_EVERY = 0x3FF  # rows between two progress reports
# Bounds on a workbook once unpacked, checked before anything is read (docs/rules.md). Excel's
# own limit of 1,048,576 rows of a dozen columns unpacks to about 600 MiB; the shared strings
# are held in memory whole (64 MiB of them take up to 300 MiB), the sheet streams; no real
# part packs better than MAX_RATIO to one, a ZIP bomb a thousand to one.
MAX_UNPACKED = 1 << 30
MAX_SHARED_STRINGS = 64 << 20
MAX_STRINGS = 1_000_000  # openpyxl reads about 130,000 a second into 60 bytes or more each
MAX_RATIO = 200
MAX_CONTENT_TYPES = 1 << 20


def is_workbook_container(head: bytes) -> bool:
    """Whether the input starts as a ZIP archive, as every .xlsx does (so it is never text)."""
    return head.startswith(ZIP_MAGIC)


def is_old_excel(head: bytes) -> bool:
    return head.startswith(OLE2_MAGIC)


def old_excel_problem(file: str) -> Problem:
    return Problem(
        file,
        None,
        None,
        None,
        _(
            "CSV, JSON or an .xlsx workbook; this is an old or password-protected Excel file (.xls): "
            "save the sheet as .xlsx or as CSV"
        ),
    )


def xlsx_rows(
    file: str,
    binary: IO[bytes],
    kind: str,
    table: HeaderTable,
    sheet: str | None,
    on_read: Callable[[int], None] | None = None,
) -> Iterator[Row | Problem]:
    """The rows of one sheet, as text cells; Problems for what cannot be read.

    A sheet that does not exist is an InputError (a usage error) naming the sheets there are.
    """
    if not _is_spreadsheet(binary):
        yield Problem(
            file,
            None,
            None,
            None,
            _(
                "CSV, JSON or an .xlsx workbook; this is a ZIP archive of something else: unpack it "
                "and give the file inside, or save the sheet as CSV"
            ),
        )
        return
    try:
        import openpyxl
    except ImportError:
        yield Problem(
            file,
            None,
            None,
            None,
            _(
                "an Excel workbook (.xlsx), which needs the xlsx extra: pip install 'cashback-cli[xlsx]' "
                "(or save the sheet as CSV and give that file)"
            ),
        )
        return
    binary.seek(0, 2)
    size = binary.tell()
    binary.seek(0)
    oversized = _oversized(file, binary)
    if oversized is not None:
        yield oversized
        return
    try:
        workbook = openpyxl.load_workbook(binary, read_only=True, data_only=True)
    except Exception as error:  # a damaged workbook fails in zipfile, the XML parser or openpyxl
        if _failed_to_read(error):
            raise
        yield _damaged(file, error)
        return
    if on_read is not None:
        on_read(0)  # opening a big workbook takes a while: a bar may be due already
    try:
        worksheet = _worksheet(file, workbook, sheet)
        if worksheet is None:
            if kind == "orders":
                yield Problem(file, None, None, None, _("orders: the file is empty"))
            return
        yield from _sheet_rows(file, worksheet, kind, table, size, on_read)
    finally:
        workbook.close()


def _failed_to_read(error: Exception) -> bool:
    """A read that failed (the disk, the device), as opposed to a workbook that is damaged:
    openpyxl says "no valid workbook part" with an OSError of no error number."""
    return isinstance(error, OSError) and error.errno is not None


def _is_spreadsheet(binary: IO[bytes]) -> bool:
    """Whether the ZIP archive is a workbook: its content types name a spreadsheet."""
    try:
        with zipfile.ZipFile(binary) as archive:
            if archive.getinfo("[Content_Types].xml").file_size > MAX_CONTENT_TYPES:
                return False
            types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError, EOFError, ValueError):
        return False
    finally:
        binary.seek(0)
    return b"spreadsheetml" in types or b"ms-excel.sheet" in types


def _oversized(file: str, binary: IO[bytes]) -> Problem | None:
    """A workbook too big once unpacked, told from the sizes its archive declares (which bound
    what zipfile will ever unpack) before any part is read: a ZIP bomb of a few MB holding
    gigabytes, or a shared-strings table that would be held in memory whole."""
    try:
        with zipfile.ZipFile(binary) as archive:
            parts = archive.infolist()
            problem = _parts_too_big(file, parts) or _too_many_strings(file, archive, parts)
    except (zipfile.BadZipFile, EOFError, ValueError, zlib.error):
        return None  # openpyxl names the damage
    finally:
        binary.seek(0)
    return problem


def _parts_too_big(file: str, parts: list[zipfile.ZipInfo]) -> Problem | None:
    total = sum(part.file_size for part in parts)
    if total > MAX_UNPACKED:
        return _too_big(
            file,
            _("at most {limit} MiB once unpacked; this workbook unpacks to {size} MiB"),
            total,
            MAX_UNPACKED,
        )
    for part in parts:
        if part.filename.lower().endswith("sharedstrings.xml") and part.file_size > MAX_SHARED_STRINGS:
            return _too_big(
                file,
                _(
                    "a table of shared strings of at most {limit} MiB; this workbook's is {size} MiB (save the sheet as CSV)"
                ),
                part.file_size,
                MAX_SHARED_STRINGS,
            )
        if part.file_size > MAX_RATIO * max(part.compress_size, 1) and part.file_size > 1 << 20:
            return Problem(
                file,
                None,
                None,
                None,
                _(
                    "a workbook whose parts unpack to at most {ratio} times their packed size; {part} unpacks {size} MiB from {packed} KiB (a ZIP bomb?)"
                ).format(
                    ratio=MAX_RATIO,
                    part=part.filename,
                    size=part.file_size >> 20,
                    packed=part.compress_size >> 10,
                ),
            )
    return None


_STRING_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")


def _too_many_strings(file: str, archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo]) -> Problem | None:
    """More shared strings than MAX_STRINGS, counted in one pass over the packed table (a
    fraction of a second) before openpyxl reads them all into memory (seconds per million)."""
    for part in parts:
        if not part.filename.lower().endswith("sharedstrings.xml"):
            continue
        count, tail = 0, b""
        with archive.open(part) as table:
            while chunk := table.read(1 << 20):
                text = tail + chunk
                count += len(_STRING_TAG.findall(text))
                tail = text[-64:]  # a tag cut by the chunk's end is whole in the next
                count -= len(_STRING_TAG.findall(tail))  # counted again with the next chunk
                if count > MAX_STRINGS:
                    return Problem(
                        file,
                        None,
                        None,
                        None,
                        _(
                            "at most {limit} shared strings in a workbook; this one has more (save the sheet as CSV)"
                        ).format(limit=f"{MAX_STRINGS:,}"),
                    )
    return None


def _too_big(file: str, text: str, size: int, limit: int) -> Problem:
    return Problem(file, None, None, None, text.format(limit=limit >> 20, size=-(-size >> 20)))


def _worksheet(file: str, workbook, sheet: str | None):
    """The sheet asked for, else the first one; None when the workbook has no worksheet."""
    sheets = list(workbook.worksheets)
    if sheet is None:
        return sheets[0] if sheets else None
    for candidates in (
        [s for s in sheets if s.title == sheet],
        [s for s in sheets if s.title.strip().casefold() == sheet.strip().casefold()],
    ):
        if len(candidates) == 1:
            return candidates[0]
    names = ", ".join(repr(s.title) for s in sheets) or "-"
    raise InputError(
        _("{file}: no sheet named {sheet}; the workbook has {names}").format(
            file=file, sheet=repr(sheet), names=names
        )
    )


def _sheet_rows(
    file: str,
    worksheet,
    kind: str,
    table: HeaderTable,
    size: int,
    on_read: Callable[[int], None] | None,
) -> Iterator[Row | Problem]:
    layout = None
    last_row = worksheet.max_row or 0  # from the sheet's stated dimension, for progress alone
    # The stated dimension is often stale (tools that append rows leave it): read every row
    # and cell there is, not the rectangle it names.
    worksheet.reset_dimensions()
    rows = worksheet.iter_rows(values_only=True)  # parsed as they are asked for
    number = 0
    while True:
        try:
            values = next(rows, None)
        except Exception as error:  # a damaged sheet fails in the XML parser or in openpyxl
            if _failed_to_read(error):
                raise
            yield _damaged(file, error)
            return
        if values is None:
            break
        number += 1
        if on_read is not None and not number & _REPORT_EVERY:
            on_read(min(size, size * number // last_row) if last_row else 0)
        cells = [cell_text(value) for value in values]
        if not any(cell.strip() for cell in cells):
            continue  # blank rows, above the header too
        if layout is None:
            while cells and not cells[-1].strip():
                cells.pop()
            columns, problems = resolve_columns(file, number, cells, kind, table)
            if problems:
                yield from problems
                return
            layout = Layout(columns)
            continue
        yield Row(number, cells, layout)
    if on_read is not None:
        on_read(size)
    if layout is None and kind == "orders":  # an empty disputes sheet just means no disputes
        yield Problem(file, None, None, None, _("orders: the file is empty"))


def cell_text(value: object) -> str:
    """A cell as the text a person reads in it, the way the CSV reader gives cells."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # as Excel writes them in a CSV
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    return str(value)


def number_text(value: float) -> str:
    """A stored number as the spreadsheet shows it: 15 significant digits, no exponent, no
    trailing zeros (0.1+0.2 is 0.3, 100.0 is 100, 1E-7 is 0.0000001)."""
    if not math.isfinite(value):  # NaN or infinity: left as text for the parser to refuse
        return str(value)
    shown = _EXCEL_DIGITS.plus(Decimal(repr(value)))  # repr: the shortest text of that very float
    if not shown:
        return "0"
    return format(shown.normalize(), "f")


def _damaged(file: str, error: Exception) -> Problem:
    reason = str(error) or type(error).__name__
    return Problem(
        file,
        None,
        None,
        None,
        _("a readable Excel workbook (.xlsx); this one is damaged ({reason})").format(reason=reason),
    )
