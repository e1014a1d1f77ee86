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
from .headers import ORDER_FIELDS, REQUIRED, HeaderTable, lookup_table, normalize, resolve_columns
from .json_paths import flatten, lists_in, value_at
from .profiles import profile_for_document, profile_for_records
from .rows import Layout, Row


class _Constant(str):
    """NaN and Infinity, kept as text so the field parser can refuse them by name."""


_DECODER = json.JSONDecoder(parse_float=Decimal, parse_int=Decimal, parse_constant=_Constant)
_WHITESPACE = " \t\r\n"


def json_rows(
    file: str,
    text: str,
    kind: str,
    table: HeaderTable,
    embedded: bool = False,
    records: str | None = None,
) -> Iterator[Row | Problem]:
    """Rows of a JSON document or JSON Lines; `embedded`: only the disputes an orders document
    carries; `records`: the dotted path of the list of orders inside the document."""
    text = text.lstrip("\ufeff")
    if records is not None:
        if not embedded and kind == "orders":
            found = decode_document(file, text)
            if isinstance(found, Problem):
                yield found
                return
            for index, item in enumerate(records_at(file, text, found, records)):
                if isinstance(item, Problem):
                    yield item
                else:
                    shape = ("json", records) if index == 0 else None  # the suggestion once
                    yield from _object_row(file, item[0], item[1], kind, table, shape)
        return
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
                wrapped = _wrapper_problem(file, document, table)
                if wrapped is not None:
                    yield wrapped
                    return
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
        hint = _list_problem(file, document, table)
        if hint is not None:
            yield hint
            return
        array_start = text.index("[")
    elif embedded:
        return
    else:
        yield Problem(file, 1, None, None, _json_shape())
        return
    shape = ("json", None if isinstance(document, list) else keys[kind])
    for index, (line, item) in enumerate(_positioned_items(text, array_start)):
        yield from _object_row(file, line, item, kind, table, shape if index == 0 else None)


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


def decode_document(file: str, text: str) -> Any:
    """The JSON document, numbers exact; or the Problem that says why it is not valid JSON."""
    try:
        return _DECODER.decode(text.lstrip("\ufeff"))
    except json.JSONDecodeError as error:
        return Problem(
            file,
            error.lineno,
            None,
            None,
            _("valid JSON ({error}, column {column})").format(error=error.msg, column=error.colno),
        )
    except RecursionError:
        return Problem(file, None, None, None, _("JSON nested at most a few hundred levels deep"))


def records_at(file: str, text: str, document: Any, path: str | None) -> Iterator[tuple[int, dict] | Problem]:
    """Each record of the list at the dotted `path` (None: the document is the list), with the
    line it begins on. A JSON:API `data` list gives each item's `attributes` with its `id`;
    nested objects become dotted keys."""
    found = document if path is None else value_at(document, path)
    if not isinstance(found, list):
        lists = ", ".join(f"{where} ({count})" for where, count in lists_in(document)) or _("none")
        yield Problem(
            file,
            None,
            None,
            None,
            _("a list of records at {path}; lists found: {lists}").format(
                path=repr(path or "the top"), lists=lists
            ),
        )
        return
    start = _find_path(text, path.split(".") if path else [])
    for line, item in _positioned_items(text, start):
        if isinstance(item, dict) and isinstance(item.get("attributes"), dict):
            item = {**item["attributes"], **({"id": item["id"]} if "id" in item else {})}
        yield line, flatten(item) if isinstance(item, dict) else item


def _wrapper_problem(file: str, document: dict, table: HeaderTable) -> Problem | None:
    """A document wrapping its records (an API response) instead of being one: name its lists
    and, when its shape is a known network's, the profile that reads it."""
    if any(table.get(normalize(key)) == "order_id" for key in flatten(document)):
        return None  # one order alone
    lists = lists_in(document)
    if not lists:
        return None
    named = ", ".join(f"{where} ({count})" for where, count in lists)
    known = profile_for_document(document)
    if known is not None:
        text = _("a list of orders; this looks like {what}: add --profile {name}").format(
            what=known.description, name=known.name
        )
    else:
        text = _(
            'a list of orders at the top or under "orders"; lists found: {lists} (try --records PATH)'
        ).format(lists=named)
        text += _wrapped_profile_hint(document, lists, table)
    return Problem(file, 1, None, None, text)


def _wrapped_profile_hint(document: dict, lists: list[tuple[str, int]], table: HeaderTable) -> str:
    """The smallest profile file that reads the longest list of the document as its records,
    when each field an order needs has a likely key in them."""
    from .suggest import guess_fields, profile_sketch

    path = max(lists, key=lambda item: item[1])[0]
    records = []
    for item in value_at(document, path)[:5]:
        if isinstance(item.get("attributes"), dict):
            item = {**item["attributes"], **({"id": item["id"]} if "id" in item else {})}
        records.append(flatten(item))
    keys = list(dict.fromkeys(key for record in records for key in record))
    values = {key: [_sample(record.get(key)) for record in records] for key in keys}
    known = {}
    for key in keys:
        field = table.get(normalize(key))
        if field in REQUIRED["orders"] and field not in known:
            known[field] = key
    fields = guess_fields(REQUIRED["orders"], keys, values, known)
    if fields is None:
        return ""
    sketch = profile_sketch({field: fields[field] for field in REQUIRED["orders"]}, path)
    return _("; or read it as it is with a profile file, say mine.toml, then --profile mine.toml:") + (
        "\n" + "\n".join(f"    {line}" for line in sketch.splitlines())
    )


def _list_problem(file: str, records: list, table: HeaderTable) -> Problem | None:
    """A list of a known network's records that we cannot read as they are: the profile to add."""
    first = records[0] if records else None
    if not isinstance(first, dict):
        return None
    fields = {table.get(normalize(key)) for key in flatten(first)}
    if fields.issuperset(REQUIRED["orders"]):
        return None  # our own orders, whatever else they carry
    known = profile_for_records(first)
    if known is None:
        return None
    text = _("a list of orders; this looks like {what}: add --profile {name}").format(
        what=known.description, name=known.name
    )
    return Problem(file, 1, None, None, text)


def _find_path(text: str, keys: list[str]) -> int:
    """Offset of the value at the path of `keys` in a valid JSON document."""
    index = _skip_ws(text, 0)
    for key in keys:
        index = _find_member(text, index, key)
    return index


def _find_member(text: str, start: int, key: str) -> int:
    """Offset of the value of `key` in the valid JSON object that begins at `start`."""
    index = start + 1
    while True:
        index = _skip_ws(text, index)
        name, index = json.decoder.scanstring(text, index + 1)
        index = _skip_ws(text, index) + 1  # the colon
        index = _skip_ws(text, index)
        if name == key:
            return index
        _value, index = _DECODER.raw_decode(text, index)
        index = _skip_ws(text, index) + 1  # the comma


def _find_array(text: str, key: str) -> int:
    """Offset of the list under `key` in a valid top-level JSON object."""
    return _find_member(text, text.index("{"), key)


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


def _object_row(
    file: str,
    line: int,
    item: Any,
    kind: str,
    table: HeaderTable,
    shape: tuple[str, str | None] | None = None,
) -> Iterator[Row | Problem]:
    """One record's row; `shape` (format, records path) is how a profile file would find it,
    for the suggestion when a field is missing (None: no profile reads this shape)."""
    if not isinstance(item, dict):
        yield Problem(
            file, line, None, None, _("a JSON object with the fields of one of the {kind}").format(kind=kind)
        )
        return
    item = flatten(item)
    keys = list(item)
    columns, problems = resolve_columns(
        file, line, keys, kind, table, lambda: [[_sample(item[k]) for k in keys]], shape
    )
    if problems:
        yield from problems
        return
    cells = [""] * len(keys)
    for field_name, index in columns.items():
        value = item[keys[index]]
        try:
            cells[index] = cell_text(value)
        except FieldError as error:
            yield Problem(file, line, field_name, json.dumps(value, default=str)[:80], error.expected)
            return
    yield Row(line, cells, Layout(columns))


def _sample(value: Any) -> str:
    """A value as text for a suggestion only: "" for what is no single value."""
    try:
        return cell_text(value)
    except FieldError:
        return ""


def cell_text(value: Any) -> str:
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
