"""JSON rows: a list of orders, an object with "orders" and "disputes", disputes nested in their
order, or JSON Lines. Numbers are read as exact Decimals, and each record keeps its line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ..core.problems import Problem
from ..i18n import _
from .errors import FieldError
from .headers import ORDER_FIELDS, HeaderTable, lookup_table, normalize, resolve_columns
from .rows import Layout, Row


class _Constant(str):
    """NaN and Infinity, kept as text so the field parser can refuse them by name."""


_DECODER = json.JSONDecoder(parse_float=Decimal, parse_int=Decimal, parse_constant=_Constant)
_WHITESPACE = " \t\r\n"


def json_rows(
    file: str, text: str, kind: str, table: HeaderTable, embedded: bool = False
) -> Iterator[Row | Problem]:
    """Rows of a JSON document or JSON Lines; `embedded`: only the disputes an orders document carries."""
    text = text.lstrip("\ufeff")
    if _looks_like_json_lines(text):
        if embedded:
            yield from _nested_disputes_of_lines(file, text, table)
        else:
            yield from _json_lines_rows(file, text, kind, table)
        return
    try:
        document = _DECODER.decode(text)
    except json.JSONDecodeError as error:
        if not embedded:  # the orders read reports it
            yield Problem(
                file,
                error.lineno,
                None,
                None,
                _("valid JSON ({error}, column {column})").format(error=error.msg, column=error.colno),
            )
        return
    except RecursionError:
        if not embedded:
            yield Problem(file, None, None, None, _("JSON nested at most a few hundred levels deep"))
        return
    if embedded:
        yield from _nested_disputes(file, text, document, table)
    if isinstance(document, dict):
        keys = {normalize(k): k for k in document}
        if not keys.keys() & {"orders", "disputes"}:  # one record alone, or JSON Lines of one line
            if not embedded:
                line = 1 + text[: len(text) - len(text.lstrip())].count("\n")
                yield from _object_row(file, line, document, kind, table)
            return
        if kind not in keys:
            if kind == "orders":
                yield Problem(file, 1, None, None, _json_shape())
            return
        if not isinstance(document[keys[kind]], list):
            yield Problem(file, 1, kind, None, _("a JSON list of {kind}").format(kind=kind))
            return
        array_start = _find_array(text, keys[kind])
    elif isinstance(document, list) and not embedded:
        array_start = text.index("[")
    elif embedded:
        return
    else:
        yield Problem(file, 1, None, None, _json_shape())
        return
    for line, item in _positioned_items(text, array_start):
        yield from _object_row(file, line, item, kind, table)


def _json_shape() -> str:
    return _('a JSON list of orders, or an object with an "orders" list and a "disputes" list')


def _nested_disputes(file: str, text: str, document: Any, table: HeaderTable) -> Iterator[Row | Problem]:
    """Disputes written inside their order ({"order_id": …, "disputes": [{…}]}), each a row."""
    if isinstance(document, dict):
        keys = {normalize(k): k for k in document}
        if not isinstance(document.get(keys.get("orders", "")), list):
            return
        start = _find_array(text, keys["orders"])
    elif isinstance(document, list):
        start = text.index("[")
    else:
        return
    for line, order in _positioned_items(text, start):
        yield from _disputes_in_order(file, line, order, table)


def _nested_disputes_of_lines(file: str, text: str, table: HeaderTable) -> Iterator[Row | Problem]:
    """Disputes inside the orders of a JSON Lines file; a line that is not JSON is the orders' to report."""
    for number, line in enumerate(text.splitlines(), start=1):
        if '"' in line and "isputes" in line:  # cheap test before parsing the line again
            try:
                order = _DECODER.decode(line)
            except (ValueError, RecursionError):
                continue
            yield from _disputes_in_order(file, number, order, table)


def _disputes_in_order(file: str, line: int, order: Any, table: HeaderTable) -> Iterator[Row | Problem]:
    if not isinstance(order, dict):
        return
    keys = {normalize(k): k for k in order}
    nested = order.get(keys.get("disputes", ""))
    order_fields = lookup_table(ORDER_FIELDS)
    order_key = next((k for k in order if order_fields.get(normalize(k)) == "order_id"), None)
    if not isinstance(nested, list) or order_key is None:
        return
    for dispute in nested:
        if isinstance(dispute, dict) and not any(table.get(normalize(k)) == "order_id" for k in dispute):
            dispute = {"order_id": order[order_key], **dispute}
        yield from _object_row(file, line, dispute, "disputes", table)


def _find_array(text: str, key: str) -> int:
    """Offset of the list under `key` in a valid top-level JSON object."""
    index = text.index("{") + 1
    while True:
        index = _skip_ws(text, index)
        name, index = json.decoder.scanstring(text, index + 1)
        index = _skip_ws(text, index) + 1  # the colon
        index = _skip_ws(text, index)
        if name == key:
            return index
        _value, index = _DECODER.raw_decode(text, index)
        index = _skip_ws(text, index) + 1  # the comma


def _positioned_items(text: str, start: int) -> Iterator[tuple[int, Any]]:
    """Items of the valid JSON list at `start`, each with the line it begins on."""
    index, line, counted_to = start + 1, 1 + text.count("\n", 0, start), start
    while True:
        index = _skip_ws(text, index)
        if text[index] == "]":
            return
        line += text.count("\n", counted_to, index)
        counted_to = index
        item, index = _DECODER.raw_decode(text, index)
        yield line, item
        index = _skip_ws(text, index)
        if text[index] == ",":
            index += 1


def _skip_ws(text: str, index: int) -> int:
    while text[index] in _WHITESPACE:
        index += 1
    return index


def _json_lines_rows(file: str, text: str, kind: str, table: HeaderTable) -> Iterator[Row | Problem]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = _DECODER.decode(line)
        except json.JSONDecodeError as error:
            yield Problem(
                file,
                number,
                None,
                None,
                _("one valid JSON object per line ({error})").format(error=error.msg),
            )
            continue
        except RecursionError:
            yield Problem(file, number, None, None, _("JSON nested at most a few hundred levels deep"))
            continue
        yield from _object_row(file, number, item, kind, table)


def _object_row(file: str, line: int, item: Any, kind: str, table: HeaderTable) -> Iterator[Row | Problem]:
    if not isinstance(item, dict):
        yield Problem(
            file, line, None, None, _("a JSON object with the fields of one of the {kind}").format(kind=kind)
        )
        return
    keys = list(item)
    columns, problems = resolve_columns(file, line, keys, kind, table)
    if problems:
        yield from problems
        return
    cells = [""] * len(keys)
    for field_name, index in columns.items():
        value = item[keys[index]]
        try:
            cells[index] = _json_text(value)
        except FieldError as error:
            yield Problem(file, line, field_name, json.dumps(value, default=str)[:80], error.expected)
            return
    yield Row(line, cells, Layout(columns))


def _json_text(value: Any) -> str:
    """A JSON scalar as the text a CSV cell would hold; numbers stay exact."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise FieldError(_("a number or text, not true or false"))
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and -20 <= exponent <= 20 and len(value.as_tuple().digits) <= 40:
            return f"{value:f}"
        return str(value)  # out of any sane range: left in exponent form for the parser to refuse
    if isinstance(value, str):
        return value
    raise FieldError(_("a single value (a number or text), not a list or an object"))


def _looks_like_json_lines(head: str) -> bool:
    lines = [line for line in head.lstrip("\ufeff").splitlines() if line.strip()]
    if len(lines) < 2 or not lines[0].lstrip().startswith("{"):
        return False
    try:
        json.loads(lines[0])
    except ValueError:
        return False
    return lines[1].lstrip().startswith("{")
