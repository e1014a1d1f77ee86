"""Numbers, money and dates as a reader of the language writes them, for tables only.

English groups thousands with commas (1,234.56 USD) and keeps ISO dates; Russian and
Ukrainian write 1 234,56 ₽ (a no-break space between groups, a decimal comma, the currency
after the number as they write it) and 24.11.2026. JSON and CSV never go through here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ..core.money import format_money
from ..i18n import language

NBSP = "\u00a0"
# How Russian and Ukrainian readers write a currency after the number; other codes stay codes.
NATIVE_SIGNS = {
    "RUB": "₽",
    "UAH": "₴",
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "KZT": "₸",
    "CNY": "¥",
}
_SLAVIC = ("ru", "uk")


def number(value: Decimal, currency: str) -> str:
    """A figure with the currency's minor-unit digits, grouped as the reader writes it."""
    text = format_money(value, currency)
    sign = "-" if text.startswith("-") else ""
    whole, _point, fraction = text.lstrip("-").partition(".")
    slavic = language() in _SLAVIC
    groups = f"{int(whole):,}".replace(",", NBSP if slavic else ",")
    if fraction:
        groups += ("," if slavic else ".") + fraction
    return sign + groups


def money(value: Decimal, currency: str) -> str:
    """A figure with its currency: "1,234.56 USD", "1 234,56 ₽"."""
    mark = NATIVE_SIGNS.get(currency, currency) if language() in _SLAVIC else currency
    return f"{number(value, currency)}{NBSP}{mark}"


def day(value: date) -> str:
    """A date: ISO for English (never ambiguous), dd.mm.yyyy for Russian and Ukrainian."""
    return value.strftime("%d.%m.%Y") if language() in _SLAVIC else value.isoformat()


def percent(rate: Decimal) -> str:
    from ..core.money import format_percent

    text = format_percent(rate)
    return (text.replace(".", ",") if language() in _SLAVIC else text) + "%"


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def spoken_day(value: date) -> str:
    """A date in a sentence: "5 Dec 2026" in English (locale-free; no-break spaces, so that it
    is never split), 05.12.2026 otherwise."""
    if language() in _SLAVIC:
        return day(value)
    return f"{value.day}{NBSP}{_MONTHS[value.month - 1]}{NBSP}{value.year}"
