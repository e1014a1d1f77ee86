"""Network profiles: how to read an affiliate network's export as it is published.

A profile is data, one TOML file per network (inputs/networks/), or a file of the user's own:
where the records sit, which of the network's keys holds which of our fields, which amounts
are in minor units, where the currency comes from, whether rows of one order id are its line
items, which rows are corrections, and what the network's status words mean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..core.records import Status
from ..i18n import _
from .errors import InputError
from .json_paths import flatten, value_at

BUILT_IN = Path(__file__).parent / "networks"

# Our fields a profile may map, each to a key (a dotted path inside a record, or a CSV header).
FIELDS = (
    "order_id",
    "ordered_at",
    "amount",
    "commission",
    "reported_commission",  # the network's commission now, when it says so apart (after refunds)
    "currency",
    "network_status",
    "locks_on",
    "store",
    "title",
    "original",  # false on a correction row (CJ)
    "correction_date",  # the date of a correction row (CJ postingDate, Rakuten process_date)
    "finished_amount",  # what was finally paid, when below the amount (AliExpress)
    "full_refund",  # a flag whose value says the order was refunded in full (AliExpress)
    "old_amount",  # the amount before an amendment (Awin oldSaleAmount)
    "old_commission",  # the commission before an amendment (Awin oldCommissionAmount)
    # A flag field: true means the network cancelled the record (Adtraction's `cancelled`).
    "cancelled",
    # The date the network decided the record's status: its validation or update date
    # (Webgains validationDate, Partnerize last_update, Daisycon last_modified): a cancellation's date.
    "status_date",
    "status_reason",  # the network's reason for its status (Awin declineReason), shown beside its word
    "line_id",  # a line's own id (a SKU, a sub-order): a return row without a commission finds its line
)
REQUIRED = ("order_id", "ordered_at")
MONEY = ("amount", "commission", "reported_commission", "finished_amount", "old_amount", "old_commission")
KEYS = (
    "description",
    "format",
    "records",
    "fields",
    "minor_units",
    "minor_units_as_numbers",
    "document_currency",
    "fixed_currency",
    "dayfirst",
    "line_items",
    "negative_rows",
    "round_network_amounts",
    "full_refund_values",
    "status",
    "items",
    "header",
    "currency_option",
    "shape",
)
# What a [[shape]] table does not take from the top of its profile: it says its own.
OWN_KEYS = ("description", "format", "records", "items", "header", "fields", "document_currency")
FORMATS = ("json", "csv", "xml")


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    fields: dict[str, tuple[str, ...]]  # our field -> the network's keys, the first one present wins
    format: str = "json"  # or "csv", or "xml"
    records: tuple[str, ...] = ()  # dotted paths of the records in a JSON document (the first found),
    # or slash-separated element paths in an XML one ("cj-api/commissions/commission")
    minor_units: frozenset[str] = frozenset()  # our money fields given in minor units (cents)
    # Read and ignored: minor units are read as JSON numbers and as strings of digits alike (the
    # same AliExpress API gives both); kept so that older profile files still load.
    minor_units_as_numbers: frozenset[str] = frozenset()
    document_currency: str | None = None  # dotted path of a currency for the whole document
    fixed_currency: str | None = None  # the currency of every record, when the export names none
    dayfirst: bool | None = None  # how slashed dates are written
    line_items: bool = False  # rows sharing an order id are lines of one order
    negative_rows: bool = False  # a row with a negative amount is a refund of its order
    round_network_amounts: bool = False  # amounts finer than the minor unit are rounded half-up
    full_refund_values: frozenset[str] = frozenset()
    status: dict[str, Status] = field(default_factory=dict)  # the network's word, folded -> ours
    items: str | None = None  # dotted key of a list in each record whose entries are its lines
    header: tuple[str, ...] = ()  # CSV columns that tell this shape from the profile's others
    currency_option: bool = False  # the export names no currency: --currency must say it
    shapes: tuple[Profile, ...] = ()  # the network's other published shapes, told apart by content

    def __hash__(self) -> int:
        return hash(self.name)

    @property
    def all_shapes(self) -> tuple[Profile, ...]:
        """This shape and the others the profile reads, in the order they are tried."""
        return (self, *self.shapes)

    @property
    def reported_keys(self) -> tuple[str, ...]:
        """The keys of what the network reports that this profile's records carry (in any of
        its shapes, so every file it reads has the same columns)."""
        fields = {key for shape in self.all_shapes for key in shape.fields}
        keys = []
        if "network_status" in fields or "cancelled" in fields:
            keys += ["reported_status", "network_status"]
        if "commission" in fields:
            keys.append("reported_cashback")
        if "locks_on" in fields:
            keys.append("locks_on")
        return tuple(keys)

    def with_fields(self, mapping: dict[str, str]) -> Profile:
        """The profile with some of our fields read from other keys (--map), in every shape."""
        from dataclasses import replace

        own = replace(self, fields={**self.fields, **{k: (v,) for k, v in mapping.items()}})
        return replace(own, shapes=tuple(shape.with_fields(mapping) for shape in self.shapes))

    def status_of(self, word: str) -> Status:
        """Declined, rejected and the like cancel; approved and the like confirm; the rest wait."""
        return self.status.get(word.strip().casefold(), Status.PENDING)


def built_in_names() -> list[str]:
    return sorted(path.stem for path in BUILT_IN.glob("*.toml"))


def built_in_text(name: str) -> str:
    """A built-in profile's TOML file as shipped: a start for one's own."""
    return (BUILT_IN / f"{name}.toml").read_text(encoding="utf-8")


@cache
def built_in(name: str) -> Profile:
    profile, problems = parse_profile(name, (BUILT_IN / f"{name}.toml").read_text(encoding="utf-8"))
    assert profile is not None and not problems, problems  # shipped files are tested
    return profile


def load_profile(name_or_path: str) -> Profile:
    """A built-in profile by name, or a user's TOML file; InputError says what is wrong."""
    if name_or_path in built_in_names():
        return built_in(name_or_path)
    path = Path(name_or_path)
    if not name_or_path.endswith(".toml") or not path.is_file():
        raise InputError(
            _("no profile {name}: give a built-in one ({names}) or a profile file ending in .toml").format(
                name=repr(name_or_path), names=", ".join(built_in_names())
            )
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeError) as error:
        raise InputError(_("{file}: cannot be read ({reason})").format(file=path, reason=error)) from None
    profile, problems = parse_profile(path.stem, text)
    if problems:
        raise InputError("\n".join(f"{name_or_path}: {problem}" for problem in problems))
    assert profile is not None
    return profile


def parse_profile(name: str, text: str) -> tuple[Profile | None, list[str]]:
    """The profile in a TOML text, or the problems with it, each naming the key."""
    import tomllib

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return None, [_("valid TOML ({error})").format(error=error)]
    except RecursionError:  # tables or arrays nested hundreds deep: no profile needs that
        return None, [_("valid TOML (nested too deeply)")]
    tables = document.pop("shape", None)
    if tables is None:
        return _parse_shape(name, document)
    if not isinstance(tables, list) or not all(isinstance(table, dict) for table in tables):
        return None, [_("shape: expected [[shape]] tables, one a published shape")]
    inherited = {key: value for key, value in document.items() if key not in OWN_KEYS}
    shapes: list[Profile] = []
    problems: list[str] = []
    # The top of the file is a shape of its own when it maps fields; each [[shape]] takes the
    # rest of the top (minor units, status words, flags) unless it says otherwise.
    for index, table in enumerate(([document] if "fields" in document else []) + tables):
        own = index if "fields" in document else index + 1
        merged = table if table is document else {**inherited, **table}
        if "shape" in table:
            problems.append(_("shape[{index}].shape: shapes do not nest").format(index=own))
            continue
        if "description" not in table and "description" in document:
            merged = {**merged, "description": document["description"]}
        shape, found = _parse_shape(name, merged)
        where = "" if table is document else f"shape[{own}]."
        problems.extend(f"{where}{problem}" for problem in found)
        if shape is not None:
            shapes.append(shape)
    if problems:
        return None, problems
    if not shapes:
        return None, [_("shape: expected [[shape]] tables, one a published shape")]
    from dataclasses import replace

    return replace(shapes[0], shapes=tuple(shapes[1:])), []


def _parse_shape(name: str, document: dict) -> tuple[Profile | None, list[str]]:
    """One shape of a profile: where its records are and how its fields map."""
    problems: list[str] = []

    def expect(key: str, kind: type, what: str) -> Any:
        value = document.get(key)
        if value is not None and not isinstance(value, kind):
            problems.append(_("{key}: expected {what}").format(key=key, what=what))
            return None
        return value

    for key in document:
        if key not in KEYS:
            problems.append(
                _("{key}: unknown key; expected one of {keys}").format(key=key, keys=", ".join(KEYS))
            )
    fields = expect("fields", dict, _("a table of our field = the network's key")) or {}
    for ours, theirs in fields.items():
        if ours not in FIELDS:
            problems.append(
                _("fields.{key}: not a field we read; expected one of {fields}").format(
                    key=ours, fields=", ".join(FIELDS)
                )
            )
        elif not isinstance(theirs, str | list) or not all(
            isinstance(key, str) and key.strip() for key in ([theirs] if isinstance(theirs, str) else theirs)
        ):
            problems.append(
                _("fields.{key}: expected the network's key as text, or a list of them").format(key=ours)
            )
    for required in REQUIRED:
        if required not in fields:
            problems.append(_("fields.{key}: required").format(key=required))
    if "amount" not in fields and "commission" not in fields:
        problems.append(_("fields: expected an amount or a commission (or both)"))
    form = expect("format", str, '"json", "csv" or "xml"') or "json"
    if form not in FORMATS:
        problems.append(_('format: expected "json", "csv" or "xml"'))
    minor = expect("minor_units", list, _("a list of our money fields")) or []
    as_numbers = expect("minor_units_as_numbers", list, _("a list of our money fields")) or []
    for item in (*minor, *as_numbers):
        if item not in MONEY:
            problems.append(
                _("minor_units: {value} is not a money field; expected some of {fields}").format(
                    value=repr(item), fields=", ".join(MONEY)
                )
            )
    status: dict[str, Status] = {}
    table = expect("status", dict, _("a table of pending, confirmed and cancelled word lists")) or {}
    for ours, words in table.items():
        if ours not in {s.value for s in Status}:
            problems.append(_("status.{key}: expected pending, confirmed or cancelled").format(key=ours))
        elif not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            problems.append(_("status.{key}: expected a list of the network's words").format(key=ours))
        else:
            status.update({word.strip().casefold(): Status(ours) for word in words})
    flags = {
        key: expect(key, bool, _("true or false"))
        for key in ("line_items", "negative_rows", "round_network_amounts")
    }
    dayfirst = expect("dayfirst", bool, _("true or false"))
    refund_values = expect("full_refund_values", list, _("a list of words")) or []
    fixed_currency = expect("fixed_currency", str, _("a currency code such as USD"))
    if fixed_currency is not None and not (len(fixed_currency) == 3 and fixed_currency.isalpha()):
        problems.append(_("fixed_currency: expected a currency code such as USD"))
    records = document.get("records", [])
    records = [records] if isinstance(records, str) else records
    if not isinstance(records, list) or not all(isinstance(path, str) and path for path in records):
        problems.append(_("records: expected a dotted path such as results, or a list of them"))
    elif form == "xml" and not records:
        problems.append(_("records: expected the element path of the records, such as report/rows/row"))
    items = expect("items", str, _("a dotted key such as conversion_data.conversion_items"))
    header = expect("header", list, _("a list of the CSV columns that tell this shape")) or []
    if not all(isinstance(column, str) and column.strip() for column in header):
        problems.append(_("header: expected a list of the CSV columns that tell this shape"))
    currency_option = expect("currency_option", bool, _("true or false"))
    if problems:
        return None, problems
    return (
        Profile(
            name=name,
            description=expect("description", str, _("text")) or name,
            fields={
                key: tuple(k.strip() for k in ([value] if isinstance(value, str) else value))
                for key, value in fields.items()
            },
            format=form,
            records=tuple(records),
            minor_units=frozenset(minor),
            minor_units_as_numbers=frozenset(as_numbers),
            document_currency=expect("document_currency", str, _("a dotted path")),
            fixed_currency=fixed_currency,
            dayfirst=dayfirst,
            line_items=bool(flags["line_items"]),
            negative_rows=bool(flags["negative_rows"]),
            round_network_amounts=bool(flags["round_network_amounts"]),
            full_refund_values=frozenset(str(v).casefold() for v in refund_values),
            status=status,
            items=items,
            header=tuple(column.strip() for column in header),
            currency_option=bool(currency_option),
        ),
        [],
    )


def _built_in_shapes():
    for name in built_in_names():
        yield from built_in(name).all_shapes


def profile_for_document(document: dict) -> Profile | None:
    """The built-in profile (the shape of it) whose records path this document has, with its
    order id key inside."""
    for profile in _built_in_shapes():
        for path in profile.records if profile.format == "json" else ():
            records = value_at(document, path)
            if isinstance(records, list) and records and isinstance(records[0], dict):
                first = records[0]
                if isinstance(first.get("attributes"), dict):
                    first = first["attributes"]
                if profile.fields["order_id"][0] in flatten(first):
                    return profile
    return None


def profile_for_records(record: dict) -> Profile | None:
    """The built-in profile of a top-level list whose records have its order id and date keys."""
    keys = flatten(record)
    for profile in _built_in_shapes():
        if profile.format == "json" and not profile.records:
            wanted = (profile.fields["order_id"], profile.fields["ordered_at"])
            if all(any(key in keys for key in field) for field in wanted):
                return profile
    return None


def profile_for_header(header: list[str]) -> Profile | None:
    """The built-in profile (the shape of it) that reads a CSV with this header."""
    names = {name.strip() for name in header}
    for profile in _built_in_shapes():
        if profile.format == "csv" and _header_fits(profile, names):
            return profile
    return None


def _header_fits(profile: Profile, names: set[str]) -> bool:
    if profile.header:
        return set(profile.header) <= names
    wanted = (profile.fields["order_id"], profile.fields["ordered_at"])
    return all(any(key in names for key in field) for field in wanted)


def xml_profiles() -> list[str]:
    """The built-in profiles that read an XML document (in one of their shapes)."""
    return [name for name in built_in_names() if any(s.format == "xml" for s in built_in(name).all_shapes)]


def profile_for_xml_root(tag: str) -> Profile | None:
    """The built-in profile (the shape of it) whose records begin at this root element."""
    for profile in _built_in_shapes():
        if profile.format == "xml" and any(path.strip("/").split("/")[0] == tag for path in profile.records):
            return profile
    return None


def choose_shape(profile: Profile, kind: str, fits) -> Profile | None:
    """The shape of a profile that reads this file: of its kind ("json", "csv" or "xml"), the
    first that `fits` (its records path is there, its columns are), else the only one of its
    kind. A profile of one shape is that shape, whatever the file, so its own reader names
    what is wrong."""
    if not profile.shapes:
        return profile
    of_kind = [shape for shape in profile.all_shapes if shape.format == kind]
    for shape in of_kind:
        if fits(shape):
            return shape
    # the one shape of this kind: its reader names what is wrong (the lists the document has)
    return of_kind[0] if len(of_kind) == 1 else None


def header_fits(profile: Profile, header: list[str]) -> bool:
    """Whether a CSV header has the columns that tell this shape (else its id and date)."""
    return _header_fits(profile, {name.strip() for name in header})
