"""Text to values, for the messy exports people really have.

Every field parser takes the cell's text and returns a value or raises FieldError saying what
was expected. Clean ISO dates and plain decimals take a fast path; the rest is handled with
care and bounded before any arithmetic, so no input can make us hang.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from ..core.records import Status
from ..i18n import _
from .errors import FieldError

MAX_INTEGER_DIGITS = 15
MAX_FRACTION_DIGITS = 8
MAX_TEXT = 500  # characters of an id, a store, a title or an outcome
_MAX_TEXT = 64

# A plain decimal, the common case: read with Decimal() at once (the fast path shares it).
PLAIN_NUMBER = re.compile(rf"\d{{1,{MAX_INTEGER_DIGITS}}}(?:\.\d{{1,{MAX_FRACTION_DIGITS}}})?")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# an ISO datetime with its zone as an abbreviation (Tradedoubler's "2014-10-10 00:13:05 CEST")
_ISO_ZONE_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)? [A-Z]{2,5}")
_SPACES = "\u0020\u00a0\u202f\u2009\u2007'’"

# Symbols and local abbreviations seen around amounts, and the codes they mean.
CURRENCY_ALIASES = {
    "$": "USD",
    "us$": "USD",
    "€": "EUR",
    "₽": "RUB",
    "руб": "RUB",
    "руб.": "RUB",
    "р": "RUB",
    "р.": "RUB",
    "rur": "RUB",
    "₴": "UAH",
    "грн": "UAH",
    "грн.": "UAH",
    "£": "GBP",
    "₸": "KZT",
    "тг": "KZT",
    "₺": "TRY",
    "zł": "PLN",
    "₹": "INR",
    "₩": "KRW",
}
_CURRENCY_CODE = re.compile(r"[A-Za-z]{3}")
# Patterns for the messy cases are compiled on first use (re caches them): a start-up
# that reads only clean data never pays for them.
_AMOUNT = r"(?P<pre>[^\d\s.,\-−+(]{1,4})?\s*(?P<sign>[-−+(])?\s*(?P<body>[\d.,\u00a0\u202f\u2009\u2007 '’]*\d)\s*\)?\s*(?P<post>[^\d\s.,][^\d\s]{0,3})?"


def parse_currency(text: str) -> str:
    """An ISO 4217 code, or a sign or local abbreviation of one ("₽", "грн", "RUR")."""
    cleaned = text.strip()
    alias = CURRENCY_ALIASES.get(cleaned.casefold())
    if alias:
        return alias
    if _CURRENCY_CODE.fullmatch(cleaned):
        return cleaned.upper()
    raise FieldError(_("a currency code such as USD, RUB, UAH, EUR or JPY"))


def parse_amount(text: str) -> tuple[Decimal, str | None]:
    """A non-negative amount, and the currency written around it if any ("$12.50", "12,50 ₽")."""
    cleaned = text.strip()
    if PLAIN_NUMBER.fullmatch(cleaned):
        return Decimal(cleaned), None
    if not cleaned:
        raise FieldError(_("a number"))
    if len(cleaned) > _MAX_TEXT:
        raise FieldError(_("a number of at most {count} characters").format(count=_MAX_TEXT))
    match = re.fullmatch(_AMOUNT, cleaned)
    if match is None:
        raise FieldError(_("a number such as 1234.56 or 1 234,56"))
    if match["sign"] in ("-", "−", "("):
        raise FieldError(_("a number that is not negative"))
    currency = None
    for mark in (match["pre"], match["post"]):
        if mark:
            if currency is not None:
                raise FieldError(_("a number with at most one currency sign"))
            currency = parse_currency(mark)
    return parse_decimal(match["body"]), currency


def parse_decimal(body: str, amount: bool = True) -> Decimal:
    """Digits with a decimal point or comma and optional thousands separators, exactly.

    In an amount, a lone comma before exactly three digits separates thousands; in a rate
    (`amount=False`) a comma is always the decimal comma ("4,125" %).
    """
    commas, dots = body.count(","), body.count(".")
    if commas and dots:
        point = "," if body.rfind(",") > body.rfind(".") else "."
    elif commas == 1 and dots == 0:
        whole, _comma, frac = body.partition(",")
        # Money rarely has three decimals: "1,234" and "12,000" are thousands; "0,500" is not.
        thousands_like = len(frac) == 3 and whole.isdigit() and len(whole) <= 3 and whole[0] != "0"
        point = None if thousands_like and amount else ","
    elif dots == 1 and commas == 0:
        point = "."
    else:
        point = None  # no separator, or several of one kind: thousands separators
    whole, frac = (body.rsplit(point, 1) + [""])[:2] if point else (body, "")
    if point and not frac.isdigit():
        raise FieldError(_("digits after the decimal separator"))
    if point:
        thousands = "." if point == "," else ","
    else:
        thousands = "," if commas else "."
    digits = _join_groups(whole, thousands)
    if len(digits) > MAX_INTEGER_DIGITS or len(frac) > MAX_FRACTION_DIGITS:
        raise FieldError(
            _("a number with at most {integer} digits before the point and {fraction} after").format(
                integer=MAX_INTEGER_DIGITS, fraction=MAX_FRACTION_DIGITS
            )
        )
    return Decimal(f"{digits}.{frac}" if frac else digits)


def _join_groups(whole: str, separator: str) -> str:
    """Drop thousands separators, checking they stand every three digits."""
    if not whole:
        return "0"  # ".5" and ",5" are half of one
    groups = re.split(f"[{re.escape(separator + _SPACES)}]", whole)
    if not groups[0].isdigit() or any(len(g) != 3 or not g.isdigit() for g in groups[1:]):
        raise FieldError(_("a number with thousands separators every three digits"))
    if len(groups) > 1 and len(groups[0]) > 3:
        raise FieldError(_("a number with thousands separators every three digits"))
    return "".join(groups)


def parse_rate(text: str) -> Decimal:
    """A percent from 0 to 100: "5", "5%", "4,5", "4,5 %"."""
    cleaned = text.strip().removesuffix("%").rstrip()
    try:
        rate = Decimal(cleaned) if PLAIN_NUMBER.fullmatch(cleaned) else parse_decimal(cleaned, amount=False)
    except FieldError:
        raise FieldError(_("a percent from 0 to 100, such as 5, 5% or 4,5")) from None
    if rate > 100:
        raise FieldError(_("a percent from 0 to 100"))
    return rate


def parse_whole_days(text: str) -> int:
    cleaned = text.strip()
    if not cleaned.isdigit() or len(cleaned) > 5 or int(cleaned) > 3650:
        raise FieldError(_("a whole number of days from 0 to 3650"))
    return int(cleaned)


_TIME = r"(?:[ T,]+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)?"
# Day, month and year in numbers: "24.11.2026" (always day first), "05/11/26", "05-11-2026".
_DAY_MONTH_YEAR = rf"(\d{{1,2}})([./\- ])(\d{{1,2}})\2(\d{{4}}|\d{{2}}){_TIME}"
_YEAR_FIRST = r"(\d{4})([./\-])(\d{1,2})\2(\d{1,2})"
_COMPACT = r"(\d{4})(\d{2})(\d{2})"
FIRST_YEAR, LAST_YEAR = 1900, 2199
CENTURY = 2000  # a two-digit year YY is the year 20YY: orders are recent, and 19YY ones are not


def parse_date(text: str, dayfirst: bool | None = None) -> date:
    """A calendar date from ISO dates and datetimes, dd.mm.yyyy, slashed or written-out dates.

    A datetime keeps the date as written (its zone is not converted). A slashed date whose
    day and month could be swapped needs `dayfirst` (True: dd/mm, False: mm/dd); a two-digit
    year follows the same rule and is in the 2000s. Numbers in an order we do not know are
    refused rather than guessed.
    """
    cleaned = text.strip()
    if len(cleaned) == 10 and ISO_DATE.fullmatch(cleaned):
        return _checked(lambda: date.fromisoformat(cleaned))
    if not cleaned:
        raise FieldError(_("a date such as 2026-11-24 or 24.11.2026"))
    if len(cleaned) > _MAX_TEXT:
        raise FieldError(_("a date of at most {count} characters").format(count=_MAX_TEXT))
    if ISO_DATE.match(cleaned):
        if m := _ISO_ZONE_NAME.fullmatch(cleaned):
            return _checked(lambda: date.fromisoformat(m.group(1)))
        return _checked(lambda: datetime.fromisoformat(cleaned).date())
    if m := re.fullmatch(_DAY_MONTH_YEAR, cleaned):
        first, separator, second, year = m.groups()
        return _day_month_year(int(first), int(second), _full_year(year), separator, dayfirst)
    if (m := re.fullmatch(_YEAR_FIRST, cleaned)) or (m := re.fullmatch(_COMPACT, cleaned)):
        year, month, day = (int(g) for g in m.groups() if g.isdigit())
        return _checked(lambda: date(year, month, day))
    if not any(char.isalpha() for char in cleaned):  # numbers in no order we know: never guess one
        raise FieldError(_("a date such as 2026-11-24 or 24.11.2026"))
    if m := re.fullmatch(_SLAVIC_DATE, cleaned):
        day, word, year = m.groups()
        month = _SLAVIC_MONTHS.get(word.casefold().replace("ё", "е"))
        if month is not None:
            return _checked(lambda: date(int(year), month, int(day)))
    return _checked(lambda: _parse_written_date(cleaned, bool(dayfirst)))


# Dates written out in Russian and Ukrainian ("5 октября 2026", "5 жовтня 2026 р."): month
# names in both cases, and their usual abbreviations; dateutil knows only English ones.
_SLAVIC_MONTH_WORDS = (
    ("январь", "января", "янв"),
    ("февраль", "февраля", "фев", "февр"),
    ("март", "марта", "мар"),
    ("апрель", "апреля", "апр"),
    ("май", "мая"),
    ("июнь", "июня", "июн"),
    ("июль", "июля", "июл"),
    ("август", "августа", "авг"),
    ("сентябрь", "сентября", "сен", "сент"),
    ("октябрь", "октября", "окт"),
    ("ноябрь", "ноября", "ноя", "нояб"),
    ("декабрь", "декабря", "дек"),
)
_UKRAINIAN_MONTH_WORDS = (
    ("січень", "січня", "січ"),
    ("лютий", "лютого", "лют"),
    ("березень", "березня", "бер"),
    ("квітень", "квітня", "квіт"),
    ("травень", "травня", "трав"),
    ("червень", "червня", "черв"),
    ("липень", "липня", "лип"),
    ("серпень", "серпня", "серп"),
    ("вересень", "вересня", "вер"),
    ("жовтень", "жовтня", "жовт"),
    ("листопад", "листопада", "лист"),
    ("грудень", "грудня", "груд"),
)
_SLAVIC_MONTHS = {
    word: number
    for table in (_SLAVIC_MONTH_WORDS, _UKRAINIAN_MONTH_WORDS)
    for number, words in enumerate(table, start=1)
    for word in words
}
# day, month word (an abbreviation may end with a point), year, and «г.», «года», «р.», «року»
_SLAVIC_DATE = r"(\d{1,2})\s+([^\W\d_]+)\.?,?\s+(\d{4})(?:\s*(?:г|года|год|р|року|рік)\.?)?"


def _full_year(digits: str) -> int:
    return CENTURY + int(digits) if len(digits) == 2 else int(digits)


def _day_month_year(first: int, second: int, year: int, separator: str, dayfirst: bool | None) -> date:
    """A dotted date is day first; a slashed or dashed one whose day and month could be swapped
    needs `dayfirst`, since a wrong guess would be a wrong figure."""
    if separator == ".":
        dayfirst = True
    elif dayfirst is None:
        if first <= 12 and second <= 12 and first != second:
            raise FieldError(
                _(
                    "a date whose day and month are clear: add --dayfirst (dd/mm/yyyy) "
                    "or --monthfirst (mm/dd/yyyy)"
                )
            )
        dayfirst = first > 12
    day, month = (first, second) if dayfirst else (second, first)
    return _checked(lambda: date(year, month, day))


def _parse_written_date(text: str, dayfirst: bool) -> date:
    """Dates like "24 Nov 2026" or "Nov 24, 2026", through dateutil; all three parts required."""
    from dateutil import parser  # imported here: only unusual dates pay for it

    found = [
        parser.parse(text, dayfirst=dayfirst, default=datetime(year, month, day))
        for year, month, day in ((2001, 1, 1), (2002, 2, 2))
    ]
    if found[0].date() != found[1].date():
        raise ValueError("incomplete date")
    return found[0].date()


def _checked(make) -> date:
    try:
        value = make()
    except (ValueError, OverflowError):
        raise FieldError(_("a real calendar date such as 2026-11-24 or 24.11.2026")) from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise FieldError(_("a date between {first} and {last}").format(first=FIRST_YEAR, last=LAST_YEAR))
    return value


def parse_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise FieldError(_("a non-empty value"))
    if len(cleaned) > MAX_TEXT:
        raise FieldError(_("at most {count} characters").format(count=MAX_TEXT))
    return cleaned


# A cashback cabinet's status words, and the networks' own, to ours (folded, ё as е).
STATUS_WORDS = {
    Status.PENDING: (
        "pending",
        "expected",
        "hold",
        "on hold",
        "waiting",
        "new",
        "processing",
        "ожидается",
        "ожидание",
        "в ожидании",
        "в обработке",
        "обрабатывается",
        "очікується",
        "очікування",
        "в очікуванні",
        "в обробці",
    ),
    Status.CONFIRMED: (
        "confirmed",
        "approved",
        "paid",
        "completed",
        "подтвержден",
        "подтверждена",
        "подтверждено",
        "начислен",
        "начислено",
        "одобрен",
        "одобрено",
        "выплачен",
        "выплачено",
        "підтверджено",
        "підтверджений",
        "нараховано",
        "виплачено",
    ),
    Status.CANCELLED: (
        "cancelled",
        "canceled",
        "declined",
        "rejected",
        "reversed",
        "отклонен",
        "отклонено",
        "отменен",
        "отменено",
        "аннулирован",
        "відхилено",
        "відхилений",
        "скасовано",
        "скасований",
    ),
}
_STATUS_OF = {word: status for status, words in STATUS_WORDS.items() for word in words}


def parse_reported_status(text: str) -> tuple[Status | None, str]:
    """A cabinet's status word ("подтверждён", "очікується", "declined") as ours, with the word
    itself; a word we do not know is kept as it is (reconcile names it), never guessed."""
    cleaned = " ".join(text.split())
    return _STATUS_OF.get(cleaned.casefold().replace("ё", "е")), cleaned
