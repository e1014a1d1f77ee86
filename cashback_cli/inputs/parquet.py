"""Parquet files, read through DuckDB when the duckdb extra is installed.

A Parquet file is told by its bytes (it starts with PAR1), never by its name. Its column names
are the header and each record a row of text cells, each value written as DuckDB writes it as
text: a DECIMAL with its scale (250.00), a DOUBLE in the fewest digits that give it back (19.99),
a DATE as an ISO date, NULL as an empty cell. Record n is line n + 1, as in the same table saved
as CSV with its header on line 1, so a problem names the record as the CSV would.

The DuckDB engine reads a plain Parquet file by itself (run/duckdb_engine.py); these rows are
for everything else, which the careful path reads and names problem by problem.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..core.problems import Problem
from ..i18n import _
from .headers import HeaderTable, resolve_columns
from .rows import Layout, Row

PARQUET_MAGIC = b"PAR1"
_ROWS = 10_000  # records fetched at a time
INSTALL = "pip install 'cashback-cli[duckdb]'"


def is_parquet(head: bytes) -> bool:
    return head.startswith(PARQUET_MAGIC)


def quoted(name: str) -> str:
    """A column name as an SQL identifier, whatever it holds."""
    return '"' + name.replace('"', '""') + '"'


def column_names(con, path: str) -> list[str]:
    """The file's columns, in their order (duckdb.Error when it is not a Parquet file it reads)."""
    return [row[0] for row in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [path]).fetchall()]


def parquet_rows(file: str, path: str, kind: str, table: HeaderTable) -> Iterator[Row | Problem]:
    """The records as rows of text cells; Problems for what cannot be read."""
    try:
        import duckdb
    except ImportError:
        yield Problem(
            file,
            None,
            None,
            None,
            _(
                "a Parquet file, which needs the duckdb extra: {install} (or save it as CSV and give that file)"
            ).format(install=INSTALL),
        )
        return
    with duckdb.connect() as con:
        try:
            names = column_names(con, path)
            columns, problems = resolve_columns(file, 1, names, kind, table)
            if problems:
                yield from problems
                return
            layout = Layout(columns)
            cells = ", ".join(f"COALESCE(CAST({quoted(name)} AS VARCHAR), '')" for name in names)
            cursor = con.execute(f"SELECT {cells} FROM read_parquet(?)", [path])
            line = 1
            while records := cursor.fetchmany(_ROWS):
                for record in records:
                    line += 1
                    yield Row(line, record, layout)
        except duckdb.Error as error:
            yield Problem(
                file,
                None,
                None,
                None,
                _("a Parquet file DuckDB can read; it says: {reason}").format(
                    reason=str(error).splitlines()[0]
                ),
            )
            return
    if line == 1 and kind == "orders":
        yield Problem(file, None, None, None, _("orders: the file is empty"))
