"""CSV rows: the separator found from the header line, strict quoting, blank lines skipped."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator

from ..core.problems import Problem
from ..i18n import _
from .headers import HeaderTable, resolve_columns
from .rows import Layout, Row


def delimiter(header_line: str) -> str:
    """The most frequent of comma, semicolon and tab outside quotes in the header line."""
    counts = dict.fromkeys(",;\t", 0)
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return max(counts, key=lambda c: (counts[c], c == ","))


def csv_rows(file: str, lines: Iterator[str], kind: str, table: HeaderTable) -> Iterator[Row | Problem]:
    first_line = next(lines, "")
    # strict: a quote left open is an error at the end, not a field that swallows every row after it
    reader = csv.reader(itertools.chain((first_line,), lines), delimiter=delimiter(first_line), strict=True)
    start = 1
    try:
        headers = next(reader, None)
        if not headers or not any(h.strip() for h in headers):
            yield Problem(file, 1, None, None, _("a header row naming the {kind} columns").format(kind=kind))
            return
        columns, problems = resolve_columns(
            file,
            reader.line_num,
            headers,
            kind,
            table,
            lambda: list(itertools.islice(reader, 5)),
            ("csv", None),
        )
        if problems:
            yield from problems
            return
        layout = Layout(columns)
        width = len(headers)
        start = reader.line_num + 1
        for cells in reader:
            if cells and (cells[0].strip() or any(cell.strip() for cell in cells)):  # skip blank lines
                if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                    yield Problem(
                        file,
                        start,
                        None,
                        None,
                        _(
                            "{width} fields, as in the header; this row has {count} (an unquoted separator "
                            "inside a value?)"
                        ).format(width=width, count=len(cells)),
                    )
                else:
                    yield Row(start, cells, layout)
            start = reader.line_num + 1
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            message = _("a closing quote for the value opened on line {line}").format(line=start)
            yield Problem(file, start, None, None, message)
        else:
            yield Problem(file, start, None, None, _("well-formed CSV ({error})").format(error=error))
