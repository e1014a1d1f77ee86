"""The package's layering holds: core is pure, each wing imports only what sits below it.

file → inputs → records → core rules → run → output → commands: the flow a newcomer reads from
the folder listing. An import against it fails here, with the module and line that made it.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cashback_cli"

# What each wing may import from the package (besides itself).
ALLOWED = {
    "core": set(),
    "inputs": {"core", "i18n"},
    "run": {"core", "inputs", "i18n"},
    "output": {"core", "i18n"},
    "commands": {"core", "inputs", "run", "output", "i18n", "commands"},
}
# Standard-library and third-party modules the pure core must not touch: no I/O, no words.
CORE_FORBIDDEN = {"csv", "json", "sqlite3", "typer", "rich", "click", "gettext", "os", "io", "sys", "tomllib"}


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import in the file, relative ones resolved."""
    package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join((*base, node.module) if node.module else base)
            else:
                module = node.module or ""
            if node.module is None:  # from . import x: each name is a module of that package
                found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
            else:
                found.append((node.lineno, module))
    return found


def _wing(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "cashback_cli" and len(parts) > 1 else None


@pytest.mark.parametrize("wing", sorted(ALLOWED))
def test_wing_imports_only_what_lies_below_it(wing):
    broken = []
    for path in sorted((PACKAGE / wing).rglob("*.py")):
        for line, module in _imports(path):
            target = _wing(module)
            if target is not None and target != wing and target not in ALLOWED[wing]:
                broken.append(f"{path.relative_to(PACKAGE)}:{line} imports {module}")
    assert not broken, "\n".join(broken)


def test_core_is_pure():
    broken = []
    for path in sorted((PACKAGE / "core").rglob("*.py")):
        for line, module in _imports(path):
            if module.split(".")[0] in CORE_FORBIDDEN:
                broken.append(f"{path.relative_to(PACKAGE)}:{line} imports {module}")
    assert not broken, "\n".join(broken)


def test_every_module_belongs_to_a_wing():
    """New code lands in a wing; only the entry points and i18n sit at the top."""
    top = {p.name for p in PACKAGE.glob("*.py")}
    assert top == {"__init__.py", "__main__.py", "cli.py", "i18n.py"}


def test_the_checker_sees_a_violation(tmp_path, monkeypatch):
    """The contract can fail: a core module importing a wing or json is caught."""
    core = tmp_path / "cashback_cli" / "core"
    core.mkdir(parents=True)
    (core / "bad.py").write_text("import json\nfrom ..output.render import order_object\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "cashback_cli")
    with pytest.raises(AssertionError, match="core/bad.py:1 imports json"):
        test_core_is_pure()
    with pytest.raises(AssertionError, match="core/bad.py:2 imports cashback_cli.output.render"):
        test_wing_imports_only_what_lies_below_it("core")
