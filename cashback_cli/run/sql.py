"""The rules as one SQL query, for DuckDB, Spark, Trino and PostgreSQL: pure text from a policy
book and a date (`cashback sql`, and the DuckDB engine, which runs the duckdb dialect).

The query reads two tables with every canonical column, typed (optional columns may be NULL):

    orders(order_id, ordered_at DATE, amount DECIMAL, currency, cashback_rate DECIMAL,
           expected_cashback DECIMAL, max_cashback DECIMAL, hold_days INTEGER, store, title)
    disputes(order_id, opened_at DATE, resolved_at DATE, refund_amount DECIMAL, outcome)

and returns one row per order dated on or before the as-of date, with the JSON order fields as
text, written exactly as `status --format json` writes them.

Exactness. No DOUBLE, no ROUND, no division that could round: every figure is a whole number
of a fixed unit in a 38-digit integer type (HUGEINT in DuckDB, DECIMAL(38,0) elsewhere), and
integer division is DuckDB's `//`, PostgreSQL's div(), or in Trino and Spark the division of
the multiple below the dividend (a - mod(a, b)) / b, which has no remainder to round.
Amounts, rates, caps and fixed figures are read at 8 decimals (the most the tool accepts) and
scaled to integers; amounts and refunds then go to the currency's minor units. Each rounded
figure is a quotient N / D of two integers, products taken before any division: its integer
part and remainder come from integer division, and half-up, half-even or down is decided on
the remainder (2r >= D, 2r > D or 2r = D with an odd quotient, never). Bounds: an amount below
10^15 with 3 minor digits is below 10^18 minor units, a rate below 10^10 at 8 decimals, so no
product exceeds 10^36 < 1.7 * 10^38. A CASE only ever chooses between integers, so DuckDB's
CASE over decimals of different scales (which falls to scale 0) never arises. Money is
formatted from the integer by hand with the currency's digits.

The dialects differ only in the few places of `Dialect`: the integer type, integer division
and remainder, adding days to a date, a date as text, regex flags and string escapes (and, in
DuckDB, 64-bit shortcuts for what fits in 64 bits, since 128-bit division is slow there).
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from ..core.money import MINOR_DIGITS, minor_digits
from ..core.records import ORDER_KEYS, DisputePolicy, Policy

if TYPE_CHECKING:
    from ..inputs.policy_file import PolicyBook

SCALE = 8  # decimals at which amounts, rates, caps and fixed figures are read
_E8 = 10**SCALE


@dataclass(frozen=True)
class Dialect:
    name: str
    integer: str  # a 38-digit integer type
    text: str  # the type CAST(... AS text) gives
    division: str  # integer quotient of {a} by {b}, both >= 0
    remainder: str  # remainder of {a} by {b}
    add_days: str  # the date {d} plus {n} days
    date_text: str  # the date {d} as YYYY-MM-DD
    global_flag: bool  # regexp_replace replaces only the first match unless told 'g'
    backslash_escapes: bool  # a backslash escapes in string literals (Spark)
    char: str = "\\x{{{code:x}}}"  # the character {code} in a regular expression
    materialized: str = ""  # the keyword that keeps a CTE from being inlined (and recomputed)
    # {x}, a DECIMAL(38, 8), as a whole number of 10^-8: the exact product, cast back
    scaled: str = "CAST({x} * 100000000 AS {integer})"

    def div(self, a: str, b: str) -> str:
        return self.division.format(a=a, b=b, integer=self.integer)

    def mod(self, a: str, b: str) -> str:
        return self.remainder.format(a=a, b=b)

    def literal(self, text: str) -> str:
        if self.backslash_escapes:
            text = text.replace("\\", "\\\\")
        return "'" + text.replace("'", "''") + "'"

    def int_(self, value: int) -> str:
        """An exact integer literal of the 38-digit type, however large."""
        if -(2**31) < value < 2**31:
            return f"CAST({value} AS {self.integer})"
        return f"CAST({self.literal(str(value))} AS {self.integer})"


DIALECTS = {
    "duckdb": Dialect(
        "duckdb",
        integer="HUGEINT",
        text="VARCHAR",
        # HUGEINT division is 15 times slower than BIGINT's: BIGINT while the dividend fits
        division="CASE WHEN ({a}) <= 9223372036854775807 THEN CAST(CAST({a} AS BIGINT) // CAST({b} AS BIGINT) AS HUGEINT) ELSE ({a}) // ({b}) END",
        remainder="CASE WHEN ({a}) <= 9223372036854775807 THEN CAST(CAST({a} AS BIGINT) % CAST({b} AS BIGINT) AS HUGEINT) ELSE ({a}) % ({b}) END",
        add_days="({d} + {n})",
        date_text="CAST({d} AS VARCHAR)",
        global_flag=True,
        backslash_escapes=False,
        # Casting a DECIMAL(38, 8) to HUGEINT divides a 128-bit number: 15 times slower than the
        # whole and fractional parts of a value below 10^10 in 64 bits, exact as well
        scaled=(
            "CASE WHEN {x} < 10000000000 THEN CAST("
            "CAST(trunc(CAST({x} AS DECIMAL(18, 8))) AS BIGINT) * 100000000 + CAST(CAST("
            "CAST({x} AS DECIMAL(18, 8)) - trunc(CAST({x} AS DECIMAL(18, 8))) AS DECIMAL(18, 8)) * 100000000 AS BIGINT"
            ") AS HUGEINT) ELSE CAST({x} * 100000000 AS HUGEINT) END"
        ),
    ),
    "postgres": Dialect(
        "postgres",
        integer="NUMERIC(38, 0)",
        text="TEXT",
        division="div({a}, {b})",
        remainder="mod({a}, {b})",
        add_days="({d} + {n})",
        date_text="to_char({d}, 'YYYY-MM-DD')",
        global_flag=True,
        backslash_escapes=False,
        materialized="MATERIALIZED ",
        char="\\u{code:04x}",  # PostgreSQL's regular expressions know no \\x{...}
    ),
    "trino": Dialect(
        "trino",
        integer="DECIMAL(38, 0)",
        text="VARCHAR",
        # an exact division of the multiple below {a}: Trino's decimal division rounds half-up
        division="((({a}) - mod({a}, {b})) / ({b}))",
        remainder="mod({a}, {b})",
        add_days="date_add('day', {n}, {d})",
        date_text="CAST({d} AS VARCHAR)",
        global_flag=False,
        backslash_escapes=False,
    ),
    "spark": Dialect(
        "spark",
        integer="DECIMAL(38, 0)",
        text="STRING",
        # an exact division, cast back: Spark widens decimal quotients to DECIMAL(38, 6)
        division="CAST((({a}) - mod({a}, {b})) / ({b}) AS {integer})",
        remainder="mod({a}, {b})",
        add_days="date_add({d}, {n})",
        date_text="CAST({d} AS STRING)",
        global_flag=False,
        backslash_escapes=True,
    ),
}

COLUMNS = ORDER_KEYS  # the JSON order fields, in their order: the query's columns
ABSENT = frozenset({"fixed", "caps"})  # what rules_query can be told no order has
# Worked-out columns the DuckDB engine may ask for besides them (`extra`).
INTERNAL = (
    "digits",  # the currency's minor digits
    "a8",  # the amount × 10^8
    "am",  # the amount in minor units
    "fm",  # the counted refunds in minor units
    "e",  # E in minor units
    "c",  # C in minor units
    "no_currency",  # 1 when the order names no currency (the policy's was taken)
)


def minor_digits_case(column: str, codes: Collection[str] | None = None) -> str:
    """The currency's minor digits (core/money.py's table), as a CASE on the currency code;
    with `codes`, the CASE knows only those (the column holds no other)."""
    return _by_digits(column, {digits: str(digits) for digits in (0, 2, 3)}, codes)


def _by_digits(column: str, value_of: dict[int, str], codes: Collection[str] | None = None) -> str:
    groups: dict[int, list[str]] = {}
    for code, digits in sorted(MINOR_DIGITS.items()):
        if codes is None or code in codes:
            groups.setdefault(digits, []).append(code)
    default = minor_digits("")  # what a code the table does not know gets
    branches = [
        f"WHEN {column} IN ({', '.join(repr(code) for code in codes)}) THEN {value_of[digits]}"
        for digits, codes in sorted(groups.items())
        if value_of[digits] != value_of[default]
    ]
    if not branches:
        return value_of[default]
    return f"CASE {' '.join(branches)} ELSE {value_of[default]} END"


def rules_query(
    book: PolicyBook,
    as_of: date,
    dialect: str = "duckdb",
    carry: Sequence[str] = (),
    extra: Sequence[str] = (),
    currencies: Collection[str] | None = None,
    absent: Collection[str] = (),
) -> str:
    """Rules 1-9 as one SELECT over `orders` and `disputes`, as of `as_of`, under `book`.

    `carry` names more columns of `orders` passed through to the result, `extra` worked-out
    columns of INTERNAL; both follow the JSON order fields. No trailing semicolon, no ORDER BY.
    `currencies`, when given, holds every code an order can end up with (its own or its
    policy's): the minor-unit tables then name only those, a tenth less work for DuckDB.
    `absent` names what no order can have, and the query leaves out its branches (a tenth
    less again): "fixed" (expected_cashback is NULL throughout) and "caps" (max_cashback is
    NULL throughout and no policy has a cap).
    """
    sql = DIALECTS[dialect]
    base = book.for_store(None)
    assert base is not None
    stores = {key: book.for_store(key) for key in book.stores}
    day = f"DATE '{as_of.isoformat()}'"
    n = sql.int_
    e8, e10 = n(_E8), n(_E8 * 100)

    def per_store(value) -> str:
        """The policy's value for the order's store: a CASE on the folded store name."""
        default = value(base)
        branches = [
            f"WHEN {sql.literal(key)} THEN {value(policy)}"
            for key, policy in stores.items()
            if value(policy) != default
        ]
        if not branches:
            return default
        return f"CASE {fold_expression('o.store', sql, stores)} {' '.join(branches)} ELSE {default} END"

    def scaled(column: str) -> str:
        """A DECIMAL column as a whole number of 10^-8: exact for up to 8 decimals."""
        return sql.scaled.format(x=f"CAST({column} AS DECIMAL(38, {SCALE}))", integer=sql.integer)

    def scaled_value(value: Decimal | None) -> str:
        if value is None:
            return f"CAST(NULL AS {sql.integer})"
        whole = value.scaleb(SCALE)
        if whole != whole.to_integral_value():  # the tool reads at most 8 decimals
            raise ValueError(f"more than {SCALE} decimals: {value}")
        return n(int(whole))

    def rounded(q: str, r: str, d: str) -> str:
        """The quotient q (remainder r) of a division by d, rounded by the book's mode."""
        mode = base.rounding
        if mode == "down":
            return q
        if mode == "half-even":
            return f"({q} + CASE WHEN {r} + {r} > {d} OR ({r} + {r} = {d} AND {sql.mod(q, '2')} = 1) THEN 1 ELSE 0 END)"
        return f"({q} + CASE WHEN {r} + {r} >= {d} THEN 1 ELSE 0 END)"

    def money(column: str) -> str:
        return _digits_text(column, "t.digits", "t.u", sql)

    currency = per_store(lambda policy: sql.literal(policy.currency))
    hold = per_store(lambda policy: str(policy.hold_days))
    rate = per_store(lambda policy: scaled_value(policy.rate))
    cap = per_store(lambda policy: scaled_value(policy.max_cashback))
    cancels = per_store(lambda policy: "1" if policy.dispute_policy is DisputePolicy.CANCEL else "0")
    if set(absent) - ABSENT:
        raise ValueError(f"unknown facts: {sorted(set(absent) - ABSENT)}")
    fixed, caps = "fixed" not in absent, "caps" not in absent
    nothing = f"CAST(NULL AS {sql.integer})"
    own_rate = f"COALESCE({scaled('o.cashback_rate')}, {rate})"
    x8 = scaled("o.expected_cashback") if fixed else nothing
    r8 = f"CASE WHEN o.expected_cashback IS NULL THEN {own_rate} END" if fixed else own_rate
    k8 = f"COALESCE({scaled('o.max_cashback')}, {cap})" if caps else nothing
    # Rule 3 and rule 5 with a rate as fractions of minor units: the fixed figure or the cap
    # (minor units x 10^8) over 10^8 where it applies, else amount x rate (at 10^8) over 10^10.
    capped_fixed = "(CASE WHEN t.k8 IS NOT NULL AND t.x8 > t.k8 THEN t.k8 ELSE t.x8 END)" if caps else "t.x8"
    e_over_8 = [("t.x8 IS NOT NULL", f"{capped_fixed} * t.u")] if fixed else []
    e_over_8 += [(_above_cap("t.am * t.r8"), "t.k8 * t.u")] if caps else []
    rc_over_8 = [(_above_cap("(t.am - t.fm) * t.r8"), "t.k8 * t.u")] if caps else []
    either = " OR ".join(f"({when})" for when, _then in e_over_8)
    kept_of_fixed = rounded("t.fc_q", "t.fc_r", "t.am")
    kept = f"WHEN t.x8 IS NULL THEN t.rc\n            ELSE {kept_of_fixed}" if fixed else "ELSE t.rc"
    unit = _by_digits("p.currency", {d: str(10**d) for d in (0, 2, 3)}, currencies)
    to_minor = _by_digits("p.currency", {d: n(10 ** (SCALE - d)) for d in (0, 2, 3)}, currencies)
    carried = "".join(f", o.{_name(column)}" for column in carry)
    # the rate with its trailing zeros stripped, as Decimal.normalize() does: 5.00000000 -> 5
    rate_text = f"regexp_replace({_digits_text('t.r8', str(SCALE), e8, sql)}, '[.]?0+$', '')"
    outputs = [
        "t.order_id",
        f"{sql.date_text.format(d='t.ordered_at')} AS ordered_at",
        "t.currency",
        f"{money('t.am')} AS amount",
        f"{money('t.fm')} AS refunded",
        f"CASE WHEN t.x8 IS NULL THEN {rate_text} END AS rate",
        f"{money('t.e')} AS expected_cashback",
        f"{money('t.c')} AS cashback",
        f"{money('(t.e - t.c)')} AS cancelled_cashback",
        "t.status",
        f"{sql.date_text.format(d='t.confirm_on')} AS confirm_on",
        "t.reason",
        *(f"t.{_name(column)}" for column in carry),
        *(f"t.{_name(column)}" for column in extra),
    ]
    unknown = set(extra) - set(INTERNAL)
    if unknown:
        raise ValueError(f"unknown columns: {sorted(unknown)}")
    cancelled_by_dispute = "t.cancels = 1 AND t.disputed = 1"
    on_hold = f"'on hold until ' || {sql.date_text.format(d='t.confirm_on')}"
    confirmed = f"'confirmed on ' || {sql.date_text.format(d='t.confirm_on')}"
    columns = ",\n    ".join(outputs)
    policies = "; ".join(
        f"{name}: {_describe(policy)}" for name, policy in [("other stores", base), *stores.items()]
    )
    return f"""-- cashback: rules 1-9 of docs/rules.md as of {as_of.isoformat()}, {dialect} dialect, {base.rounding} rounding
-- policies ({policies})
-- Reads orders and disputes with every canonical column, data as `cashback validate` accepts it
-- (amounts and refunds in the currency's minor units, refunds within the amount, 8 decimals at most);
-- one row per order dated on or before the as-of date, with the JSON order fields as text.
WITH policy_orders AS (
    -- rules 3, 6, 9 and the store policies: each order's own column, else its store's policy
    SELECT o.order_id, o.ordered_at{carried},
        COALESCE(o.currency, {currency}) AS currency,
        COALESCE(o.hold_days, {hold}) AS hold_days,
        {scaled("o.amount")} AS a8,
        {x8} AS x8,
        {r8} AS r8,
        {k8} AS k8,
        {cancels} AS cancels,
        CASE WHEN o.currency IS NULL THEN 1 ELSE 0 END AS no_currency
    FROM orders o
    WHERE o.ordered_at <= {day}  -- rule 8
), dispute_state AS (
    -- rules 1 and 2: disputes opened by the as-of date; refunds of those resolved by then
    SELECT d.order_id,
        MAX(CASE WHEN d.resolved_at IS NULL OR d.resolved_at > {day} THEN 1 ELSE 0 END) AS any_open,
        SUM(CASE WHEN d.resolved_at <= {day} AND d.refund_amount IS NOT NULL
            THEN {scaled("d.refund_amount")} ELSE {n(0)} END) AS f8,
        MAX(CASE WHEN d.resolved_at <= {day} THEN d.resolved_at END) AS last_resolved
    FROM disputes d
    WHERE d.opened_at <= {day}
    GROUP BY d.order_id
), minor AS {sql.materialized}(
    -- amounts and refunds in the currency's minor units (rule 7); rule 6's confirmation date
    SELECT p.*,
        {minor_digits_case("p.currency", currencies)} AS digits,
        {unit} AS u,
        {sql.div("p.a8", to_minor)} AS am,
        {sql.div(f"COALESCE(s.f8, {n(0)})", to_minor)} AS fm,
        CASE WHEN s.order_id IS NULL THEN 0 ELSE 1 END AS disputed,
        COALESCE(s.any_open, 0) AS any_open,
        CASE WHEN s.any_open = 1 THEN NULL
            WHEN s.last_resolved > {sql.add_days.format(d="p.ordered_at", n="p.hold_days")} THEN s.last_resolved
            ELSE {sql.add_days.format(d="p.ordered_at", n="p.hold_days")} END AS confirm_on
    FROM policy_orders p
    LEFT JOIN dispute_state s ON s.order_id = p.order_id
), expected_terms AS (
    -- rule 3 as a fraction e_num / e_den of minor units: the fixed figure or amount x rate / 100,
    -- or the cap when the figure is above it; rule 5 with a rate likewise, on what was not refunded
    SELECT t.*,
        {_case(e_over_8, "t.am * t.r8")} AS e_num,
        {_case([(either, e8)] if either else [], e10)} AS e_den,
        {_case(rc_over_8, "(t.am - t.fm) * t.r8")} AS rc_num,
        {_case([(when, e8) for when, _then in rc_over_8], e10)} AS rc_den
    FROM minor t
), expected_parts AS (
    SELECT t.*,
        {sql.div("t.e_num", "t.e_den")} AS e_q, {sql.mod("t.e_num", "t.e_den")} AS e_r,
        {sql.div("t.rc_num", "t.rc_den")} AS rc_q, {sql.mod("t.rc_num", "t.rc_den")} AS rc_r
    FROM expected_terms t
), expected AS (
    -- E and, with a rate, rule 5's C, rounded once (rule 7)
    SELECT t.*,
        {rounded("t.e_q", "t.e_r", "t.e_den")} AS e,
        {rounded("t.rc_q", "t.rc_r", "t.rc_den")} AS rc
    FROM expected_parts t
), fixed_parts AS (
    -- rule 5 with a fixed figure: E x (amount - refunded) / amount, as quotient and remainder.
    -- (No cap: that figure is at most E, itself at most the rounded cap, so capping it and
    -- rounding gives what rounding alone gives.)
    SELECT t.*,
        {sql.div("t.e * (t.am - t.fm)", "NULLIF(t.am, 0)") if fixed else nothing} AS fc_q,
        {sql.mod("t.e * (t.am - t.fm)", "NULLIF(t.am, 0)") if fixed else nothing} AS fc_r
    FROM expected t
), figures AS (
    -- rules 4, 5, 6 and 9: what the order keeps, its status and the reason
    SELECT t.*,
        CASE WHEN {cancelled_by_dispute} THEN {n(0)}
            WHEN t.fm = t.am THEN {n(0)}
            WHEN t.fm = 0 THEN t.e
            {kept} END AS c,
        CASE WHEN ({cancelled_by_dispute}) OR t.fm = t.am THEN 'cancelled'
            WHEN t.any_open = 1 OR {day} < t.confirm_on THEN 'pending'
            ELSE 'confirmed' END AS status,
        CASE WHEN {cancelled_by_dispute} THEN 'dispute opened'
            WHEN t.fm = t.am THEN 'refunded in full'
            WHEN t.any_open = 1 THEN 'dispute open'
            WHEN {day} < t.confirm_on THEN {on_hold}
            ELSE {confirmed} END AS reason
    FROM fixed_parts t
)
SELECT {columns}
FROM figures t"""


def _above_cap(figure: str) -> str:
    """Whether a figure at 10^10 (amount x rate) is above the order's cap (k8, at 10^8)."""
    return f"t.k8 IS NOT NULL AND {figure} > t.k8 * t.u * 100"


def _case(branches: Sequence[tuple[str, str]], default: str) -> str:
    """CASE WHEN ... THEN ... ELSE default END, or the default alone when there is no branch."""
    if not branches:
        return default
    whens = "\n            ".join(f"WHEN {when} THEN {then}" for when, then in branches)
    return f"CASE {whens}\n            ELSE {default} END"


def _name(column: str) -> str:
    if not column.replace("_", "").isalnum():
        raise ValueError(f"not a column name: {column!r}")
    return column


# What str.isspace() holds, so what str.split() splits on (a test holds it to Python's own
# table): written out, since scanning every code point at each start costs 30 ms.
SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


@cache
def _case_folds() -> tuple[dict[str, str], dict[str, str]]:
    """Python's casefold() as a table: the characters it changes into one character, and those
    it changes into several (ß is ss, ﬁ is fi, İ is i and a dot above). Casefolding is one
    character at a time, and what it gives is folded already, so the table is all of it."""
    single, several = {}, {}
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        folded = char.casefold()
        if folded != char:
            (single if len(folded) == 1 else several)[char] = folded
    return single, several


def fold_expression(column: str, sql: Dialect, keys: Collection[str]) -> str:
    """A store name folded as the tool folds it (`" ".join(name.casefold().split())`, see
    inputs/policy_file.py), exactly, for a comparison with `keys`, which are folded already.

    No lower(): its tables differ from casefold() (ß, ſ, ligatures) and between databases
    and locales (a Turkish JVM lowers I to ı). Python's own table is written out instead,
    only the mappings whose result occurs in a key (any other leaves a name that matches no
    key either way): translate() for one character to one, replace() for one to several.
    Runs of Python's whitespace become one space, and the ends are trimmed.
    """
    single, several = _case_folds()
    present = set("".join(keys))
    flags = ", 'g'" if sql.global_flag else ""
    spaces = sql.literal("[" + "".join(sql.char.format(code=ord(char)) for char in SPACES) + "]+")
    text = f"regexp_replace({column}, {spaces}, ' '{flags})"
    for char, folded in sorted(several.items()):
        if any(folded in key for key in keys):
            text = f"replace({text}, {sql.literal(char)}, {sql.literal(folded)})"
    sources = "".join(char for char, folded in sorted(single.items()) if folded in present)
    if sources:
        targets = "".join(single[char] for char in sources)
        text = f"translate({text}, {sql.literal(sources)}, {sql.literal(targets)})"
    return f"trim({text})"


def _digits_text(column: str, digits: str, unit: str, sql: Dialect) -> str:
    """A whole number m >= 0 of 10^-digits as text with exactly `digits` decimals (1667 -> 16.67):
    the integer part, a point, and the remainder padded to the digits (it has no more)."""
    whole = f"CAST({sql.div(column, unit)} AS {sql.text})"
    fraction = f"lpad(CAST({sql.mod(column, unit)} AS {sql.text}), {digits}, '0')"
    if digits.isdigit():
        return f"{whole} || '.' || {fraction}"
    return f"CASE WHEN {digits} = 0 THEN CAST({column} AS {sql.text}) ELSE {whole} || '.' || {fraction} END"


def _describe(policy: Policy) -> str:
    parts = [f"hold {policy.hold_days} days", f"currency {policy.currency}", policy.dispute_policy.value]
    if policy.rate is not None:
        parts.append(f"rate {policy.rate}%")
    if policy.max_cashback is not None:
        parts.append(f"cap {policy.max_cashback}")
    return ", ".join(parts)
