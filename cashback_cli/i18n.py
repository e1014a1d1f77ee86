"""Human output in English, Russian or Ukrainian, through the standard library's gettext.

Only what people read is translated: tables, reasons in tables, explanations, the timeline
and error messages. JSON and CSV keys and values never change with the language.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from pathlib import Path

LANGUAGES = ("en", "ru", "uk")
DOMAIN = "cashback"
LOCALE_DIR = Path(__file__).parent / "locale"

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def language_from_environment(environ: Mapping[str, str] = os.environ) -> str:
    """The language of LC_ALL, else LC_MESSAGES, else LANG ("ru_RU.UTF-8" is ru); English otherwise."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            code = value.split(".")[0].split("_")[0].split("-")[0].lower()
            return code if code in LANGUAGES else "en"
    return "en"


def use_language(code: str | None) -> str:
    """Translate from now on into `code` (None: from the environment); returns the code used."""
    global _translation, _language
    code = code or language_from_environment()
    _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)
    _language = code
    return code


def language() -> str:
    """The language human output is in now: numbers and dates follow it too."""
    return _language


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form for `count` (Russian and Ukrainian have three)."""
    return _translation.ngettext(singular, plural, count)
