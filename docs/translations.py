"""Keep the translation catalogues in step with the code.

    python docs/translations.py extract   # msgids from the code into cashback_cli/locale/*.po
    python docs/translations.py compile   # .po into the .mo files gettext reads

The .po files are edited by people; the .mo files are built from them and shipped in the
package. A test fails when a message lacks a translation or a .mo is out of date.
Needs polib (pip install '.[test]').
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "cashback_cli"
LOCALE = PACKAGE / "locale"
LANGUAGES = ("ru", "uk")
PLURAL_FORMS = {
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "uk": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
}


def messages() -> dict[str | tuple[str, str], list[str]]:
    """Every literal given to _() (or a pair to ngettext()) in the package, with where it is used."""
    found: dict[str | tuple[str, str], list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            place = f"{path.relative_to(ROOT)}:{node.lineno}"
            if _is_gettext(node.func) and node.args:
                text = _literal(node.args[0])
                if text is not None:
                    found.setdefault(text, []).append(place)
            elif isinstance(node.func, ast.Name) and node.func.id == "ngettext" and len(node.args) >= 2:
                pair = (_literal(node.args[0]), _literal(node.args[1]))
                if None not in pair:
                    found.setdefault(pair, []).append(place)
    for path in sorted(PACKAGE.rglob("*.py")):  # tables of whole titles, translated where used
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id in _TRANSLATED_TABLES for t in node.targets)
                and isinstance(node.value, ast.Dict)
            ):
                for value in node.value.values:
                    text = _literal(value)
                    if text is not None:
                        found.setdefault(text, []).append(f"{path.relative_to(ROOT)}:{value.lineno}")
    return found


_TRANSLATED_TABLES = {"PERIOD_TITLES", "RULE_EXPECTATIONS", "VERDICT_NAMES"}


def _is_gettext(func: ast.expr) -> bool:
    return (isinstance(func, ast.Name) and func.id in ("_", "tr")) or (
        isinstance(func, ast.Attribute) and func.attr == "gettext"
    )


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def catalogue_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "cashback.po"


def extract() -> None:
    found = messages()
    for language in LANGUAGES:
        path = catalogue_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        old = polib.pofile(str(path)) if path.exists() else polib.POFile()
        known = {entry.msgid: entry for entry in old}
        catalogue = polib.POFile(wrapwidth=0)
        catalogue.metadata = {
            "Project-Id-Version": "cashback",
            "Language": language,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": PLURAL_FORMS[language],
        }
        for key, places in sorted(found.items(), key=lambda item: str(item[0])):
            occurrences = [(place, "") for place in places[:3]]
            if isinstance(key, tuple):
                previous = known.get(key[0])
                forms = (
                    previous.msgstr_plural if previous and previous.msgstr_plural else {0: "", 1: "", 2: ""}
                )
                catalogue.append(
                    polib.POEntry(
                        msgid=key[0], msgid_plural=key[1], msgstr_plural=forms, occurrences=occurrences
                    )
                )
            else:
                previous = known.get(key)
                catalogue.append(
                    polib.POEntry(
                        msgid=key, msgstr=previous.msgstr if previous else "", occurrences=occurrences
                    )
                )
        catalogue.save(str(path))
        missing = sum(1 for entry in catalogue if not entry.translated())
        print(f"{path.relative_to(ROOT)}: {len(catalogue)} messages, {missing} untranslated")


def compile_all() -> None:
    for language in LANGUAGES:
        path = catalogue_path(language)
        polib.pofile(str(path)).save_as_mofile(str(path.with_suffix(".mo")))
        print(f"{path.with_suffix('.mo').relative_to(ROOT)}")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "extract":
        extract()
    elif command == "compile":
        compile_all()
    else:
        sys.exit(__doc__)
