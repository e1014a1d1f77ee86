"""Parquet files, read through DuckDB when the duckdb extra is installed.

A Parquet file is told by its bytes (PAR1 at its start and at its end), never by its name. Its
column names are the header and each record a row of text cells, each value written as DuckDB
writes it as text: a DECIMAL with its scale (250.00; past 8 decimals, without the zeros that
end it), a DOUBLE in the fewest digits that give it back (19.99), a DATE as an ISO date, NULL
as an empty cell. Record n is line n + 1, as in the same table saved as CSV with its header on
line 1, so a problem names the record as the CSV would.

The DuckDB engine reads a plain Parquet file by itself (run/duckdb_engine.py) with the same
text; these rows are for everything else, which the careful path reads problem by problem.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from typing import IO

from ..core.problems import Problem
from ..i18n import _
from .headers import HeaderTable, resolve_columns
from .rows import Layout, Row

PARQUET_MAGIC = b"PAR1"
INSTALL = "pip install 'cashback-cli[duckdb]'"  # the extra that brings DuckDB, for every hint
_ROWS = 10_000  # records fetched at a time
_PATTERN = re.compile(r"[*?\[\]{}]")  # what DuckDB reads in a file name as a pattern
_DECIMAL = re.compile(r"DECIMAL\(\d+,\s*(\d+)\)")
_SCALE = 8  # decimals the tool reads at most


def is_parquet(binary: IO[bytes]) -> bool:
    """Whether a seekable file is Parquet: PAR1 at its start and at its end (text could start
    so). The file is where it was after."""
    here, size = binary.tell(), len(PARQUET_MAGIC)
    try:
        binary.seek(0)
        if binary.read(size) != PARQUET_MAGIC:
            return False
        binary.seek(-size, os.SEEK_END)
        return binary.read(size) == PARQUET_MAGIC
    except OSError:  # shorter than the two marks
        return False
    finally:
        binary.seek(here)


def quoted(name: str) -> str:
    """A column name as an SQL identifier, whatever it holds."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def as_pattern_free(path: str, folder: str) -> str | None:
    """The path to give DuckDB, which reads * ? [ ] { } in a name as a pattern: the path itself,
    or a link to it in `folder` when its name holds one; None when no link can be made."""
    if not _PATTERN.search(path):
        return path
    link = os.path.join(folder, f"input-{len(os.listdir(folder))}")
    try:
        os.symlink(os.path.abspath(path), link)
    except OSError:
        return None
    return link


def reader(path: str) -> str:
    """read_parquet of one file: no columns made up from its folders' names (currency=JPY/),
    and text that a writer did not mark as text read as text all the same."""
    return f"read_parquet({literal(path)}, hive_partitioning = false, binary_as_string = true)"


def parquet_columns(con, path: str) -> list[tuple[str, str]]:
    """(name as the file stores it, its values as text in SQL) of each column, in order. Two
    names alike but for case are both kept as stored (DuckDB renames the second as it reads),
    so the header check finds them as it would in a CSV. duckdb.Error when the file is not a
    Parquet file DuckDB reads."""
    described = con.execute(f"DESCRIBE SELECT * FROM {reader(path)}").fetchall()
    stored = _top_level_names(
        con.execute("SELECT name, num_children FROM parquet_schema(?)", [path]).fetchall()
    )
    if len(stored) != len(described):
        stored = [row[0] for row in described]
    return [(name, _text(row[0], row[1])) for name, row in zip(stored, described, strict=True)]


def _top_level_names(schema: list[tuple[str, int | None]]) -> list[str]:
    """The names of the schema's top-level columns: the root comes first, each group is
    followed by its children."""

    def after(index: int) -> int:
        end = index + 1
        for _child in range(schema[index][1] or 0):
            end = after(end)
        return end

    names, index = [], 1
    while index < len(schema):
        names.append(schema[index][0])
        index = after(index)
    return names


def _text(name: str, kind: str) -> str:
    value = f"CAST({quoted(name)} AS VARCHAR)"
    scale = _DECIMAL.fullmatch(kind)
    if scale and int(scale.group(1)) > _SCALE:  # DECIMAL(38, 18) writes 100.500000000000000000
        value = f"rtrim(rtrim({value}, '0'), '.')"
    return value


def parquet_rows(file: str, path: str, kind: str, table: HeaderTable) -> Iterator[Row | Problem]:
    """The records as rows of text cells; Problems for what cannot be read."""
    try:
        import duckdb
    except ImportError:
        yield _problem(
            file,
            _(
                "a Parquet file, which needs the duckdb extra: {install} (or save it as CSV and give that file)"
            ).format(install=INSTALL),
        )
        return
    with duckdb.connect() as con, tempfile.TemporaryDirectory(prefix="cashback-parquet-") as folder:
        readable = as_pattern_free(path, folder)
        if readable is None:
            yield _problem(file, _("a file name without * ? [ ] { }, which DuckDB reads as a pattern"))
            return
        try:
            found = parquet_columns(con, readable)
            fields, problems = resolve_columns(file, 1, [stored for stored, _text in found], kind, table)
            if problems:
                yield from problems
                return
            layout = Layout(fields)
            cells = ", ".join(f"COALESCE({text}, '')" for _stored, text in found)
            cursor = con.execute(f"SELECT {cells} FROM {reader(readable)}")
            line = 1
            while records := cursor.fetchmany(_ROWS):
                for record in records:
                    line += 1
                    yield Row(line, record, layout)
        except duckdb.Error as error:
            yield _problem(
                file,
                _("a Parquet file DuckDB can read; it says: {reason}").format(
                    reason=str(error).splitlines()[0]
                ),
            )


def _problem(file: str, expected: str) -> Problem:
    return Problem(file, None, None, None, expected)
