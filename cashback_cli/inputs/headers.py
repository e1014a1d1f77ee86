"""Column names as real exports spell them, matched to our field names (README.md, "Input")."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from ..core.problems import Problem
from ..i18n import _
from .profiles import profile_for_header

ORDER_FIELDS = (
    "order_id",
    "ordered_at",
    "amount",
    "currency",
    "cashback_rate",
    "expected_cashback",
    "max_cashback",
    "hold_days",
    "store",
    "title",
    "reported_status",
    "reported_cashback",
)
DISPUTE_FIELDS = ("order_id", "opened_at", "resolved_at", "refund_amount", "outcome")
REQUIRED = {
    "orders": ("order_id", "ordered_at", "amount"),
    "disputes": ("order_id", "opened_at"),
}

SYNONYMS: dict[str, tuple[str, ...]] = {
    "order_id": ("order id", "order number", "order no", "номер заказа", "номер замовлення", "номер"),
    "ordered_at": (
        "order date",
        "date",
        "дата",
        "created_time",
        "дата заказа",
        "дата оформления",
        "дата замовлення",
    ),
    "amount": (
        "order sum",
        "sum",
        "cart",
        "sale_amount",
        "paid_amount",
        "сумма",
        "сумма заказа",
        "стоимость заказа",
        "сума",
        "сума замовлення",
    ),
    "currency": ("валюта",),
    "cashback_rate": (
        "rate",
        "cashback rate",
        "commission_rate",
        "процент кэшбэка",
        "ставка",
        "відсоток кешбеку",
    ),
    "expected_cashback": (
        "cashback",
        "кэшбэк",
        "кешбэк",
        "кэшбек",
        "кешбек",
        "expected cashback",
        "сумма кэшбэка",
        "ожидаемый кэшбэк",
        "сума кешбеку",
        "очікуваний кешбек",
    ),
    "max_cashback": ("cap", "max cashback", "максимальный кэшбэк", "максимальний кешбек"),
    "hold_days": ("hold", "hold period"),
    "store": ("shop", "merchant", "advertiser", "магазин"),
    "title": ("product", "товар", "название", "назва"),
    "opened_at": ("dispute opened", "дата открытия спора", "дата відкриття спору"),
    "resolved_at": ("dispute closed", "closed_at", "дата закрытия спора", "дата закриття спору"),
    "refund_amount": ("refund", "refunded", "сумма возврата", "сума повернення"),
    "outcome": ("result", "итог", "результат"),
    "reported_status": (
        "status",
        "reported status",
        "cashback status",
        "статус",
        "статус кэшбэка",
        "статус кешбэка",
        "статус кешбеку",
        "статус заказа",
        "статус замовлення",
    ),
    "reported_cashback": ("reported cashback", "начислено", "нараховано"),
}
# A bare "cashback" column is the expected cashback, unless the file has a status column: then
# it is what the service reports beside that status, as a cashback cabinet shows it.
BARE_CASHBACK = frozenset(("cashback", "кэшбэк", "кешбэк", "кэшбек", "кешбек"))


def normalize(name: str) -> str:
    """Case, surrounding spaces, and the difference between space, _ and - do not matter."""
    name = name.replace("\ufeff", "").strip().casefold().replace("ё", "е")
    return re.sub(r"[\s_\-]+", " ", name)


class HeaderTable(dict):
    """Normalized header name -> field, remembering which fields --map set explicitly."""

    def __init__(self, names: Mapping[str, str], mapped: Mapping[str, str]) -> None:
        super().__init__(names)
        self.mapped = dict(mapped)


def lookup_table(fields: Iterable[str], overrides: Mapping[str, str] | None = None) -> HeaderTable:
    """Normalized header name -> field, for one kind of record.

    A field given with --map is read from that header alone: its usual names no longer
    match, so a file with both "amount" and "total" can be read with --map amount=total.
    """
    fields = tuple(fields)
    mapped = {field: header for field, header in (overrides or {}).items() if field in fields}
    table: dict[str, str] = {}
    for field in fields:
        if field in mapped:
            continue
        table[normalize(field)] = field
        for synonym in SYNONYMS.get(field, ()):
            table[normalize(synonym)] = field
    for field, header in mapped.items():
        table[normalize(header)] = field
    return HeaderTable(table, mapped)


def resolve_columns(
    file: str,
    line: int,
    headers: Iterable[str],
    kind: str,
    table: HeaderTable,
    samples: Callable[[], list[Sequence[str]]] | None = None,
    shape: tuple[str, str | None] | None = None,
) -> tuple[dict[str, int], list[Problem]]:
    """Field -> column index; two columns for one field, or a missing required one, is a Problem.
    `samples` gives a few rows of values, only asked for when a column is missing: the --map to
    suggest is the column that looks like the field by its values too. `shape` (format, records
    path) is how a profile file would read this file, to show one; None: no profile can."""
    headers = list(headers)
    found: dict[str, int] = {}
    problems = []
    named = [table.get(normalize(header)) for header in headers]
    # Beside a status column, a bare "cashback" column is what the service reports.
    reported_beside_status = (
        "reported_status" in named
        and "reported_cashback" not in named
        and "expected_cashback" not in table.mapped
    )
    for index, header in enumerate(headers):
        name = normalize(header)
        target = named[index]
        if target is None and "%" in name:
            target = _rate_header(name, table)
        elif target == "expected_cashback" and reported_beside_status and name in BARE_CASHBACK:
            target = "reported_cashback"
        if target is None:
            continue
        if target in found:
            problems.append(
                Problem(
                    file,
                    line,
                    target,
                    None,
                    _("one column for {field}, found two: {first} and {second}").format(
                        field=target, first=repr(headers[found[target]]), second=repr(header)
                    ),
                )
            )
            continue
        found[target] = index
    names = ", ".join(repr(h) for h in headers) or _("none")
    for field_name, header in table.mapped.items():
        if field_name not in found:
            problems.append(
                Problem(
                    file,
                    line,
                    field_name,
                    None,
                    _(
                        "a column named {header}, as --map {field}={header} says; columns found: {names}"
                    ).format(header=repr(header), field=field_name, names=names),
                )
            )
    used = set(found.values())
    unused = [header for index, header in enumerate(headers) if index not in used and header.strip()]
    missing = [field for field in REQUIRED[kind] if field not in found and field not in table.mapped]
    if missing:
        values: dict[str, list[str]] = {}
        for row in samples() if samples is not None else ():
            for header, cell in zip(headers, row, strict=False):
                values.setdefault(header, []).append(cell)
        for required in missing:
            problems.append(Problem(file, line, required, None, _missing_column(required, unused, values)))
        if kind == "orders" and not table.mapped and shape is not None:
            sketch = _profile_hint(headers, found, values, shape)
            if sketch:
                last = problems[-1]
                problems[-1] = last._replace(expected=f"{last.expected}{sketch}")
    return found, problems


def _profile_hint(
    headers: list[str], found: dict[str, int], values: dict[str, list[str]], shape: tuple[str, str | None]
) -> str:
    """The smallest profile file that reads this file as it is, when every field it needs has
    a likely column: a network's export is better read by a profile than by --map each time."""
    from .suggest import guess_fields, profile_sketch

    form, records = shape
    if form == "csv":
        network = profile_for_header(headers)
        if network is not None:
            return _("; this looks like {what}: add --profile {name}").format(
                what=network.description, name=network.name
            )
    known = {field: headers[index] for field, index in found.items() if field in REQUIRED["orders"]}
    fields = guess_fields(REQUIRED["orders"], [h for h in headers if h.strip()], values, known)
    if fields is None:
        return ""
    sketch = profile_sketch({field: fields[field] for field in REQUIRED["orders"]}, records, form)
    return _("; or read the file as it is with a profile file, say mine.toml, then --profile mine.toml:") + (
        "\n" + "\n".join(f"    {line}" for line in sketch.splitlines())
    )


_SHOWN_UNUSED = 8


def _missing_column(field: str, unused: list[str], values: Mapping[str, Sequence[str]] | None = None) -> str:
    """What was expected, the columns nobody read, and the --map that would read the one that
    looks like the field (by its name and values; else the first)."""
    accepted = ", ".join(SYNONYMS.get(field, ()))
    if not unused:
        return _("a column for {field} (also accepted: {accepted}); every column of the file is used").format(
            field=field, accepted=accepted
        )
    shown = ", ".join(repr(h) for h in unused[:_SHOWN_UNUSED]) + (" …" if len(unused) > _SHOWN_UNUSED else "")
    from .suggest import likely_column

    header = likely_column(field, unused, values or {}) or unused[0]
    quoted = f"'{header}'" if any(c in header for c in " ,;%'\"()") else header
    return _(
        "a column for {field} (also accepted: {accepted}); columns not used: {unused}; "
        "if one of them holds it, say so: --map {field}={example}"
    ).format(field=field, accepted=accepted, unused=shown, example=quoted)


_RATE_WORDS = ("кэшб", "кешб", "cashback", "ставк", "процент", "відсот", "rate", "commission")


def _rate_header(name: str, table: HeaderTable) -> str | None:
    """A header with a percent sign is a rate: "Кэшбэк %", "Ставка, %", "% кэшбэка"."""
    if "cashback_rate" in table.mapped:
        return None
    rest = " ".join(name.replace("%", " ").replace(",", " ").split())
    if table.get(rest) in ("cashback_rate", "expected_cashback") or rest.startswith(_RATE_WORDS):
        return "cashback_rate"
    return None
