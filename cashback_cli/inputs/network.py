"""A network's export, read through its profile: records to orders, corrections to disputes.

Networks publish no disputes. A refund shows as a correction: a negative row, a row marked as
not original, a finished amount below the paid one, a full-refund flag or an amended sale.
Each becomes a resolved dispute of its order, dated by the correction's own date where it has
one, so the rules treat it like any other refund. Amounts in minor units are converted only
where the profile (or --minor-units) says so: never guessed from a name or a value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any, NamedTuple

from ..core.money import minor_digits, quantum
from ..core.problems import Problem
from ..core.records import Dispute, Order, Reported, SeenId, Source, Status
from ..i18n import _
from .csv_rows import delimiter
from .errors import FieldError
from .files import decode_text, display_name, holds_xml, read_bytes
from .json_paths import MISSING, flatten, value_at
from .json_rows import cell_text, decode_document, records_at
from .options import LoadOptions
from .profiles import Profile, choose_shape, header_fits
from .values import parse_amount, parse_currency, parse_date, parse_text
from .xml_doc import Element, elements_at, parse_xml, starts_at, xml_records

_WIDE = Context(prec=50)  # a line's rate times a refund: rounded only where the rules round
_WAITING = (Status.PENDING, Status.CONFIRMED, Status.CANCELLED)  # an order's status, line by line


class Line(NamedTuple):
    """One record of the export: a sale (or a line item of one), or a correction of a sale."""

    source: Source
    order_id: str
    ordered_at: date
    amount: Decimal | None  # signed: a correction row may be negative
    commission: Decimal | None  # signed, like the amount
    currency: str | None
    network_status: str | None
    status: Status | None  # the network's word, as the profile maps it
    locks_on: date | None
    store: str | None
    title: str | None
    correction: bool
    correction_date: date | None
    refund: Decimal | None  # refunded by the sale's own fields (finished amount, flag, amendment)
    original_commission: Decimal | None  # the commission before an amendment
    reported_commission: Decimal | None  # the commission now, where the network says it apart
    status_reason: str | None  # why the network says so (a decline reason)
    status_date: date | None  # when the network said so
    line_id: str | None  # the line's own id (a SKU, a sub-order)

    @property
    def cancelled(self) -> bool:
        """The network's own final cancellation of this sale (or line): its word is evidence."""
        return self.status is Status.CANCELLED and not self.correction

    @property
    def word(self) -> str:
        """The network's word for its cancellation, with its reason: "declined (Order cancelled)"."""
        word = self.network_status or "cancelled"
        return f"{word} ({self.status_reason})" if self.status_reason else word

    @property
    def label(self) -> str:
        """How an explanation names the line: its id, else its product, else its row."""
        return self.line_id or self.title or f"{self.source.file}:{self.source.line}"


class NetworkRead(NamedTuple):
    orders: list[Order | Problem | SeenId]
    disputes: list[Dispute]


def read_network(path: str, profile: Profile, options: LoadOptions) -> NetworkRead:
    """The orders and the disputes a network's export holds, as its profile reads it."""
    file = display_name(path)
    source = _source(path, file, profile, options)
    if isinstance(source, Problem):
        return NetworkRead([source], [])
    profile, records = source  # the shape of the profile this file is in
    lines: list[Line] = []
    found: list[Order | Problem | SeenId] = []
    for record in records:
        if isinstance(record, Problem):
            found.append(record)
            continue
        line, values, document_currency = record
        parsed = _line(file, line, values, document_currency, profile, options)
        if isinstance(parsed, Line):
            lines.append(parsed)
        else:
            found.extend(parsed)
            order_id = _Reader(file, line, values, profile, options).text("order_id")
            if order_id:
                found.append(SeenId(order_id, Source(file, line)))
    orders, disputes = _orders(lines, profile)
    return NetworkRead([*found, *orders], disputes)


def _source(
    path: str, file: str, profile: Profile, options: LoadOptions
) -> tuple[Profile, Iterator[tuple[int, dict, Any] | Problem]] | Problem:
    """The shape of the profile this file is in, told by its content, and its records."""
    data = read_bytes(path)
    if isinstance(data, Problem):
        return data
    if holds_xml(data):
        root = parse_xml(file, data)
        if isinstance(root, Problem):
            return root
        shape = choose_shape(profile, "xml", lambda s: any(starts_at(root, p) for p in s.records))
        if shape is None or shape.format != "xml":
            return _not_its_shape(file, profile, _("an XML document"))
        return shape, _with_currency(file, shape, options, _xml_records(file, root, shape))
    text = decode_text(path, data, options.encoding)
    if isinstance(text, Problem):
        return text
    if not profile.shapes:
        return profile, _with_currency(file, profile, options, _records(file, text, profile))
    if text.lstrip("\ufeff \t\r\n")[:1] in ("[", "{"):
        document = decode_document(file, text)
        if isinstance(document, Problem):
            return document
        shape = choose_shape(profile, "json", lambda s: _json_fits(s, document))
        if shape is None:
            return _not_its_shape(file, profile, _("a JSON document"))
        return shape, _with_currency(file, shape, options, _json_records(file, text, document, shape))
    header = _csv_header(text)
    shape = choose_shape(profile, "csv", lambda s: header_fits(s, header))
    if shape is None:
        return _not_its_shape(file, profile, _("a CSV file"))
    return shape, _with_currency(file, shape, options, _csv_records(file, text))


def _json_fits(shape: Profile, document: Any) -> bool:
    if not shape.records:
        return isinstance(document, list)
    return any(value_at(document, path) is not MISSING for path in shape.records)


def _csv_header(text: str) -> list[str]:
    lines = io.StringIO(text.lstrip("\ufeff"), newline="")
    first = lines.readline()
    try:
        return next(csv.reader([first], delimiter=delimiter(first)), [])
    except csv.Error:
        return []


def _not_its_shape(file: str, profile: Profile, what: str) -> Problem:
    """A file in none of the shapes a profile reads: say what it is and what the profile reads."""
    from .profiles import xml_profiles

    shapes = "; ".join(dict.fromkeys(shape.description for shape in profile.all_shapes))
    text = _("{what} in a shape the {name} profile reads ({shapes}); this one is not").format(
        what=what, name=profile.name, shapes=shapes
    )
    if what == _("an XML document"):
        text += " " + _("(the profiles that read XML: {names})").format(names=", ".join(xml_profiles()))
    return Problem(file, None, None, None, text)


def _with_currency(
    file: str, shape: Profile, options: LoadOptions, records: Iterator[tuple[int, dict, Any] | Problem]
) -> Iterator[tuple[int, dict, Any] | Problem]:
    """The records; or, for an export that names no currency (a parameter of the request that
    fetched it), the Problem that asks for --currency when it was not given."""
    if (
        shape.currency_option
        and not options.currency_given
        and "currency" not in shape.fields
        and shape.fixed_currency is None
        and shape.document_currency is None
    ):
        yield Problem(
            file,
            None,
            "currency",
            None,
            _(
                "a currency given with --currency CODE: {what} names none (the currency is a "
                "parameter of the request that fetched it, not in the rows)"
            ).format(what=shape.description),
        )
        return
    yield from records


def _records(file: str, text: str, profile: Profile) -> Iterator[tuple[int, dict, Any] | Problem]:
    """(line, record, the document's currency) for each record of the export."""
    if profile.format == "csv":
        yield from _csv_records(file, text)
        return
    if profile.format == "xml":
        yield Problem(
            file, 1, None, None, _("an XML document, as the {name} profile reads").format(name=profile.name)
        )
        return
    document = decode_document(file, text)
    if isinstance(document, Problem):
        yield document
        return
    yield from _json_records(file, text, document, profile)


def _json_records(
    file: str, text: str, document: Any, profile: Profile
) -> Iterator[tuple[int, dict, Any] | Problem]:
    currency = None
    if profile.document_currency is not None:
        currency = value_at(document, profile.document_currency)
    found = [path for path in profile.records if value_at(document, path) is not MISSING]
    path = found[0] if found else (profile.records[0] if profile.records else None)
    for item in records_at(file, text, document, path):
        if isinstance(item, Problem):
            yield item
        elif not isinstance(item[1], dict):
            yield Problem(file, item[0], None, None, _("a JSON object for each record"))
        else:
            for values in _lines_of(item[1], profile.items):
                yield item[0], values, currency


def _lines_of(record: dict, items: str | None) -> Iterator[dict]:
    """A record, or each entry of its list of items as a record of its own that carries the
    record's other fields (a Partnerize conversion's conversion_items, a Daisycon
    transaction's parts), the entry's keys under the list's: rows of one order, its lines."""
    entries = record.get(items) if items else None
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        yield record
        return
    shared = {key: value for key, value in record.items() if key != items}
    for entry in entries:
        yield {**shared, **{f"{items}.{key}": value for key, value in flatten(entry).items()}}


def _xml_records(file: str, root: Element, profile: Profile) -> Iterator[tuple[int, dict, Any] | Problem]:
    """The records at the first of the profile's element paths that the document has."""
    paths = [path for path in profile.records if elements_at(root, path) is not None]
    for item in xml_records(file, root, (paths or profile.records)[0]):
        if isinstance(item, Problem):
            yield item
        else:
            yield item[0], item[1], None


def _csv_records(file: str, text: str) -> Iterator[tuple[int, dict, None] | Problem]:
    lines = io.StringIO(text.lstrip("\ufeff"), newline="")
    first = lines.readline()
    lines.seek(0)
    reader = csv.reader(lines, delimiter=delimiter(first), strict=True)
    try:
        header = next(reader, None)
        if not header:
            yield Problem(file, 1, None, None, _("a header row naming the columns"))
            return
        header = [name.strip() for name in header]
        start = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield start, dict(zip(header, cells, strict=False)), None
            start = reader.line_num + 1
    except csv.Error as error:
        yield Problem(file, start, None, None, _("well-formed CSV ({error})").format(error=error))


class _Reader:
    """One record's values through the profile's field map, collecting every problem."""

    def __init__(self, file: str, line: int, values: dict, profile: Profile, options: LoadOptions):
        self.file, self.line, self.values, self.profile = file, line, values, profile
        self.minor_units = profile.minor_units | options.minor_units
        self.default_currency = options.currency  # --currency, for rounding a record that names none
        self.dayfirst = profile.dayfirst if profile.dayfirst is not None else options.dayfirst
        self.problems: list[Problem] = []

    def raw(self, field: str) -> Any:
        """The record's value for one of our fields: under the first of its keys that has one."""
        for key in self.profile.fields.get(field, ()):
            value = self.values.get(key)
            if value is not None and value != "":
                return value
        return None

    def text(self, field: str) -> str:
        value = self.raw(field)
        if isinstance(value, bool):  # a flag such as CJ's original
            return "true" if value else "false"
        try:
            return cell_text(value).strip()
        except FieldError as error:
            self.problem(field, str(value), error.expected)
            return ""

    def get(self, field: str, parse, required: bool = False):
        text = self.text(field)
        if not text:
            if required:
                self.problem(field, "", _("a value (required)"))
            return None
        try:
            return parse(text)
        except FieldError as error:
            self.problem(field, text, error.expected)
            return None

    def date(self, field: str, required: bool = False) -> date | None:
        return self.get(field, lambda text: parse_date(text, self.dayfirst), required)

    def money(self, field: str, currency: str | None, signed: bool = False) -> Decimal | None:
        """An amount, converted from minor units where the profile says so, and rounded to the
        minor unit where the profile says the network writes finer figures."""
        text = self.text(field)
        if not text:
            return None
        negative = signed and text[:1] in ("-", "−")
        try:
            value = parse_amount(text[1:] if negative else text)[0]
        except FieldError as error:
            self.problem(field, text, error.expected)
            return None
        if field in self.minor_units:
            if currency is None:
                expected = _("a currency in the record ({key}), to read an amount in minor units")
                self.problem(field, text, expected.format(key=self._key("currency")))
                return None
            if value.as_tuple().exponent < 0:
                self.problem(
                    field,
                    text,
                    _(
                        "a whole number of minor units (cents), as the profile reads {key}; a decimal "
                        "figure is not one: if this export gives {currency} amounts, read it with a "
                        "profile file that leaves {field} out of minor_units"
                    ).format(key=self._key(field), currency=currency, field=field),
                )
                return None
            value = value.scaleb(-minor_digits(currency))
        elif self.profile.round_network_amounts and field != "commission":
            value = value.quantize(quantum(currency or self.default_currency), ROUND_HALF_UP)
        return -value if negative else value

    def _key(self, field: str) -> str:
        """The network's key the field was read from (the first of them when none was there)."""
        keys = self.profile.fields.get(field, (field,))
        return next((key for key in keys if self.values.get(key) not in (None, "")), keys[0])

    def problem(self, field: str, value: str | None, expected: str) -> None:
        self.problems.append(Problem(self.file, self.line, self._key(field), value, expected))


def _line(
    file: str, line: int, values: dict, document_currency: Any, profile: Profile, options: LoadOptions
) -> Line | list[Problem]:
    cells = _Reader(file, line, values, profile, options)
    order_id = cells.get("order_id", parse_text, required=True)
    ordered_at = cells.date("ordered_at", required=True)
    currency = cells.get("currency", parse_currency)
    if currency is None and isinstance(document_currency, str) and document_currency.strip():
        currency = _document_currency(cells, document_currency)
    if currency is None and profile.fixed_currency is not None:
        currency = profile.fixed_currency.upper()
    correction = cells.text("original").casefold() in ("false", "0", "no")
    amount = cells.money("amount", currency, signed=True)
    commission = cells.money("commission", currency, signed=True)
    if amount is not None and amount < 0 and not correction:
        if profile.negative_rows:
            correction = True
        else:
            cells.problem("amount", f"{amount:f}", _("an amount that is not negative"))
    refund = None
    correction_date = cells.date("correction_date")
    finished = cells.money("finished_amount", currency)
    # A finished amount below the paid one was refunded; zero only once the order has finished
    # (an unfinished order shows 0 too), which is how a full refund shows without its flag.
    if amount is not None and finished is not None and finished < amount:
        if finished > 0 or correction_date is not None:
            refund = amount - finished
    if profile.full_refund_values and cells.text("full_refund").casefold() in profile.full_refund_values:
        refund = amount
    old_amount = cells.money("old_amount", currency)
    original_commission = None
    if old_amount is not None and amount is not None and old_amount > amount:
        refund, amount = old_amount - amount, old_amount
        original_commission = cells.money("old_commission", currency)
    reported_commission = cells.money("reported_commission", currency)
    network_status = cells.get("network_status", parse_text)
    status = None if network_status is None else profile.status_of(network_status)
    if cells.text("cancelled").casefold() in ("true", "1", "yes"):  # a flag: the network cancelled it
        status = Status.CANCELLED
        network_status = network_status or "cancelled"
    status_reason = cells.get("status_reason", parse_text)
    status_date = cells.date("status_date")
    line_id = cells.get("line_id", parse_text)
    locks_on = cells.date("locks_on")
    store = cells.get("store", parse_text)
    title = cells.get("title", parse_text)
    if cells.problems:
        return cells.problems
    return Line(
        Source(file, line),
        order_id,
        ordered_at,
        amount,
        commission,
        currency,
        network_status,
        status,
        locks_on,
        store,
        title,
        correction,
        correction_date,
        refund,
        original_commission,
        reported_commission,
        status_reason,
        status_date,
        line_id,
    )


def _document_currency(cells: _Reader, text: str) -> str | None:
    try:
        return parse_currency(text)
    except FieldError as error:
        cells.problem("currency", text, error.expected)
        return None


def _orders(lines: list[Line], profile: Profile) -> tuple[list[Order | Problem], list[Dispute]]:
    """Sales grouped into orders (line items where the profile says so), corrections into
    disputes of their order. Without line items a repeated order id stays a repeated order."""
    sales: dict[str, list[list[Line]]] = {}
    corrections: dict[str, list[Line]] = {}
    for line in lines:
        if line.correction:
            corrections.setdefault(line.order_id, []).append(line)
        elif profile.line_items and line.order_id in sales:
            sales[line.order_id][0].append(line)
        else:
            sales.setdefault(line.order_id, []).append([line])
    orders: list[Order | Problem] = []
    disputes: list[Dispute] = []
    for order_id, groups in sales.items():
        fixes = corrections.pop(order_id, [])
        for index, group in enumerate(groups):
            order = _order(group, fixes if index == 0 else [])
            if isinstance(order, Problem):
                orders.append(order)
                continue
            orders.append(order)
            disputes.extend(_refunds(group, fixes if index == 0 else []))
    for order_id, fixes in corrections.items():
        for fix in fixes:
            orders.append(
                Problem(
                    fix.source.file,
                    fix.source.line,
                    profile.fields["order_id"][0],
                    order_id,
                    _("the id of a sale in this export (this row corrects a sale it does not hold)"),
                )
            )
    return orders, disputes


def _order(group: list[Line], fixes: list[Line]) -> Order | Problem:
    first = group[0]
    currencies = {line.currency for line in (*group, *fixes)}
    if len(currencies) > 1:
        shown = ", ".join(sorted(c or "—" for c in currencies))
        return Problem(
            first.source.file,
            first.source.line,
            "currency",
            shown,
            _("one currency for every row of order {order_id}").format(order_id=first.order_id),
        )
    amounts = [line.amount for line in group if line.amount]
    commissions = [
        line.original_commission if line.original_commission is not None else line.commission
        for line in group
        if line.commission is not None or line.original_commission is not None
    ]
    reported_commission = [
        _reported_commission(line)
        for line in (*group, *fixes)
        if line.commission is not None or line.reported_commission is not None
    ]
    words = list(dict.fromkeys(line.network_status for line in group if line.network_status))
    statuses = {line.status for line in group}
    locks = [line.locks_on for line in group if line.locks_on is not None]
    reported = Reported(
        status=next((s for s in _WAITING if s in statuses), None),
        network_status=", ".join(words) or None,
        commission=sum(reported_commission, Decimal(0)) if reported_commission else None,
        locks_on=max(locks) if locks else None,
    )
    return Order(
        first.order_id,
        min(line.ordered_at for line in group),
        sum(amounts, Decimal(0)) if amounts else None,
        first.currency,
        None,
        None,
        None,
        None,
        next((line.store for line in group if line.store), None),
        next((line.title for line in group if line.title), None),
        first.source,
        sum(commissions, Decimal(0)) if commissions else None,
        reported,
    )


def _reported_commission(line: Line) -> Decimal:
    """What the network will pay for a line: nothing once it has cancelled it."""
    if line.cancelled:
        return Decimal(0)
    return line.reported_commission if line.reported_commission is not None else line.commission


def _refunds(group: list[Line], fixes: list[Line]) -> Iterator[Dispute]:
    """A resolved dispute for each refund a sale's own fields show, for each of the network's
    cancellations, and for each correction. On an order of several lines, a line that leaves
    takes its own commission with it; a refund of a one-line order stays proportional."""
    lines = len(group) > 1
    ordered_at = min(line.ordered_at for line in group)
    for line in group:
        if line.cancelled:
            yield _cancellation(line, ordered_at, lines)
        elif line.refund:
            day = line.correction_date or line.ordered_at
            commission = _own_commission(line, line.refund) if lines else None
            outcome = line.label if commission is not None else "refunded (network)"
            yield Dispute(line.order_id, day, day, line.refund, outcome, line.source, None, commission)
    for fix in fixes:
        day = fix.correction_date or fix.ordered_at
        refund = -fix.amount if fix.amount is not None and fix.amount < 0 else Decimal(0)
        commission = _returned_commission(fix, refund, group)
        outcome = "correction (network)" if commission is None else fix.label
        yield Dispute(fix.order_id, day, day, refund, outcome, fix.source, None, commission)


def _cancellation(line: Line, ordered_at: date, lines: bool) -> Dispute:
    """The network's cancellation as a full refund of the order (or of the line), open from the
    order's date and resolved on the network's date for it: never confirmed cashback, at any date."""
    day = max(line.status_date or line.locks_on or line.ordered_at, ordered_at)
    if lines:  # one line of several leaves, with its own amount and commission
        refund = line.amount if line.amount else None
        return Dispute(
            line.order_id, ordered_at, day, refund, line.label, line.source, None, line.commission, line.word
        )
    if line.amount:  # the whole order
        return Dispute(line.order_id, ordered_at, day, line.amount, None, line.source, None, None, line.word)
    # A lead: nothing to refund, its whole commission goes.
    commission = line.commission if line.commission is not None else Decimal(0)
    return Dispute(line.order_id, ordered_at, day, None, None, line.source, None, commission, line.word)


def _own_commission(line: Line, refund: Decimal) -> Decimal | None:
    """The part of a line's commission that a refund of the line takes: at the line's own rate."""
    if line.commission is None or not line.amount:
        return None
    return _WIDE.divide(_WIDE.multiply(line.commission, refund), line.amount)


def _returned_commission(fix: Line, refund: Decimal, group: list[Line]) -> Decimal | None:
    """A return row takes back its own commission: the negative commission it carries, else its
    amount at the rate of the line it returns (found by line id or product). None: the order's
    own rate (rule 5), when neither is known."""
    if fix.commission is not None:
        return -fix.commission if fix.commission <= 0 else None
    if not refund:
        return None
    for line in group:
        if (fix.line_id and fix.line_id == line.line_id) or (fix.title and fix.title == line.title):
            return _own_commission(line, refund)
    return None
