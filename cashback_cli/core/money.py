"""Currencies and rounding: every money figure is quantized here, with a named mode."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from functools import lru_cache

# ISO 4217 minor units for the currencies whose minor unit is not 2.
MINOR_DIGITS = {
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "ISK": 0,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "PYG": 0,
    "RWF": 0,
    "UGX": 0,
    "UYI": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
}

ROUNDING_MODES = {
    "half-up": ROUND_HALF_UP,
    "half-even": ROUND_HALF_EVEN,
    "down": ROUND_DOWN,
}

# Wide enough that no product or quotient of bounded inputs is rounded before we quantize.
EXACT = Context(prec=60)


def minor_digits(currency: str) -> int:
    """Digits after the point in the currency's minor unit (2 unless ISO 4217 says otherwise)."""
    return MINOR_DIGITS.get(currency, 2)


@lru_cache(maxsize=1024)
def quantum(currency: str) -> Decimal:
    """The currency's minor unit as a Decimal exponent: 0.01, 1, 0.001."""
    return Decimal(1).scaleb(-minor_digits(currency))


def round_money(value: Decimal, currency: str, rounding: str) -> Decimal:
    """Round to the currency's minor unit with the named mode (never the ambient context)."""
    return value.quantize(quantum(currency), rounding=ROUNDING_MODES[rounding], context=EXACT)


def format_money(value: Decimal, currency: str, rounding: str = "half-up") -> str:
    """Text with exactly the minor-unit digits, for JSON and CSV ("3.00", "120", "1.500")."""
    return f"{round_money(value, currency, rounding):f}"


def format_percent(rate: Decimal) -> str:
    """A percent as plain text without exponent or trailing zeros ("5", "4.5")."""
    return f"{rate.normalize(EXACT):f}"
