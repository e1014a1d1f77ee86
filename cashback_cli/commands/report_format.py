"""The report's format from the name given to -o: rep.json is JSON, rep.csv CSV and rep.xlsx
an Excel workbook, so a shopper who names the file need not say the format twice."""

from __future__ import annotations

import os

from ..i18n import _
from .common import EXIT_USAGE, fail

WORKBOOK = "xlsx"
_NAMED = {".json": "json", ".csv": "csv", ".xlsx": WORKBOOK}


def report_format(asked: str | None, output: str | None, formats: type, workbook: bool = False):
    """The format to write, and whether it is an Excel workbook: the one --format asks for, else
    the one the output's name says, else a table. A name that says one format while --format
    asks another is refused (exit 2), as is .xlsx from a command that writes no workbook."""
    suffix = os.path.splitext(output)[1].lower() if output and output != "-" else ""
    named = _NAMED.get(suffix)
    if named == WORKBOOK and not workbook:
        raise fail(
            _(
                "--output {path}: an Excel workbook is written by cashback status; name a .json or .csv file"
            ).format(path=output),
            EXIT_USAGE,
        )
    if named is not None and named != WORKBOOK and named not in {choice.value for choice in formats}:
        raise fail(
            _("--output {path}: this command writes no {named}; name a .json file").format(
                path=output, named=named.upper()
            ),
            EXIT_USAGE,
        )
    if asked is None:
        if named == WORKBOOK:
            return formats("csv"), True
        return formats(named or "table"), False
    if named is not None and named != str(asked):
        raise fail(
            _("--output {path} names a {named} file, but --format {asked} was asked: leave one out").format(
                path=output, named=named.upper(), asked=asked
            ),
            EXIT_USAGE,
        )
    return formats(asked), False
