"""Human output in English, Russian and Ukrainian; JSON and CSV the same in every language."""

from __future__ import annotations

import gettext
import importlib.util
import re
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from cashback_cli.cli import app
from cashback_cli.i18n import DOMAIN, LOCALE_DIR, language_from_environment

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("translations", ROOT / "docs" / "translations.py")
translations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(translations)

runner = CliRunner()
EXAMPLES = ["examples/orders.csv", "--disputes", "examples/disputes.csv", "--as-of", "2026-11-24"]
PLACEHOLDER = re.compile(r"\{(\w*)\}")


@pytest.mark.parametrize("language", translations.LANGUAGES)
def test_every_message_in_the_code_has_a_translation(language):
    catalogue = {entry.msgid: entry for entry in polib.pofile(str(translations.catalogue_path(language)))}
    for key in translations.messages():
        msgid = key[0] if isinstance(key, tuple) else key
        assert msgid in catalogue, (
            f"{language}: not in the catalogue (run docs/translations.py extract): {msgid!r}"
        )
        entry = catalogue[msgid]
        assert entry.translated(), f"{language}: no translation for {msgid!r}"
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) == set(PLACEHOLDER.findall(msgid)), (language, msgid, form)


@pytest.mark.parametrize("language", translations.LANGUAGES)
def test_compiled_catalogues_are_up_to_date(language):
    compiled = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])
    for entry in polib.pofile(str(translations.catalogue_path(language))):
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 5) == entry.msgstr_plural[2]
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, "run python docs/translations.py compile"


def test_language_comes_from_lc_all_then_lc_messages_then_lang():
    assert language_from_environment({"LANG": "ru_RU.UTF-8"}) == "ru"
    assert language_from_environment({"LC_MESSAGES": "uk_UA.UTF-8", "LANG": "ru_RU.UTF-8"}) == "uk"
    assert language_from_environment({"LC_ALL": "en_US.UTF-8", "LANG": "ru_RU.UTF-8"}) == "en"
    assert language_from_environment({"LANG": "de_DE.UTF-8"}) == "en"
    assert language_from_environment({}) == "en"


def test_russian_from_lang_shows_russian_headers_statuses_and_reasons():
    result = runner.invoke(
        app, ["status", *EXAMPLES], env={"LANG": "ru_RU.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
    )
    assert result.exit_code == 0, result.output
    assert "Заказ" in result.stdout and "подтверждён" in result.stdout and "ожидается" in result.stdout
    assert "Orders" not in result.stdout


def test_lang_option_gives_ukrainian():
    result = runner.invoke(app, ["status", *EXAMPLES, "--lang", "uk"])
    assert "Замовлення" in result.stdout and "підтверджено" in result.stdout and "скасовано" in result.stdout


def test_the_as_of_date_in_a_warning_is_written_as_the_reader_writes_dates():
    """A date in a sentence follows the language, as in the tables: 24.11.2026 in Russian."""
    russian = runner.invoke(app, ["status", *EXAMPLES, "--lang", "ru"])
    english = runner.invoke(app, ["status", *EXAMPLES, "--lang", "en"])
    assert "после 24.11.2026" in russian.stderr and "2026-11-24" not in russian.stderr
    assert "after 2026-11-24" in english.stderr
    missing = runner.invoke(app, ["dispute", "A1012", "--orders", *EXAMPLES, "--lang", "uk"])
    assert missing.exit_code != 0 and "24.11.2026" in missing.stderr, missing.stderr


def test_errors_are_translated_too(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("order_id,ordered_at,amount\nA1,2026-11-01,lots\n")
    result = runner.invoke(app, ["status", str(bad), "--rate", "5", "--lang", "ru"])
    assert result.exit_code == 1 and "ожидалось" in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["status", *EXAMPLES, "-f", "json"],
        ["status", *EXAMPLES, "-f", "csv"],
        ["dispute", "A1004", "--orders", *EXAMPLES, "-f", "json"],
        ["upcoming", *EXAMPLES, "-f", "json"],
    ],
)
def test_json_and_csv_are_byte_for_byte_the_same_in_every_language(command):
    outputs = {lang: runner.invoke(app, [*command, "--lang", lang]).stdout for lang in ("en", "ru", "uk")}
    assert outputs["en"] and outputs["en"] == outputs["ru"] == outputs["uk"]
