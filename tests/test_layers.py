"""The package's layering holds: core is pure, each wing imports only what sits below it.

file → inputs → records → core rules → run → output → commands: the flow a newcomer reads from
the folder listing. An import against it fails here, with the module and line that made it.
"""

from __future__ import annotations

import ast
import sys
from itertools import pairwise
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


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> dict[str, dict[str, int]]:
    """Each module of the package -> the package's modules it imports, with the line of each.
    Every import counts: at the top, inside a function, under TYPE_CHECKING; `from .x import y`
    counts x, and y too when y is a module."""
    paths = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
    graph: dict[str, dict[str, int]] = {}
    for name, path in paths.items():
        edges = graph.setdefault(name, {})
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    module = ".".join((*base, node.module) if node.module else base)
                else:
                    module = node.module or ""
                targets = [module, *(f"{module}.{alias.name}" for alias in node.names)]
            else:
                continue
            for target in targets:
                if target in paths and target != name:
                    edges.setdefault(target, node.lineno)
    return graph


def _cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """One cycle through each module that lies on one (depth first, in name order)."""
    found, state = [], {}  # state: 1 on the current path, 2 done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                found.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return found


def _assert_no_circle() -> None:
    graph = _import_graph()
    circles = [
        " -> ".join(f"{module}:{graph[module][after]}" for module, after in pairwise(cycle))
        + f" -> {cycle[-1]}"
        for cycle in _cycles(graph)
    ]
    assert not circles, "import circles (module:line of its import -> ...):\n" + "\n".join(circles)


def test_no_import_circle():
    """Modules import one way: a circle, even one hidden in an import inside a function or under
    TYPE_CHECKING, makes the order of imports matter and blurs which module owns what."""
    modules = _import_graph()
    assert {"cashback_cli.inputs.xml_doc", "cashback_cli.inputs.suggest", "cashback_cli.inputs.signs"} <= set(
        modules
    )
    _assert_no_circle()


def test_the_checker_sees_an_import_circle(tmp_path, monkeypatch):
    """A circle closed by an import inside a function is caught, with the line of each import."""
    inputs = tmp_path / "cashback_cli" / "inputs"
    inputs.mkdir(parents=True)
    (tmp_path / "cashback_cli" / "__init__.py").write_text("")
    (inputs / "__init__.py").write_text("")
    (inputs / "a.py").write_text("from .b import thing\n")
    (inputs / "b.py").write_text("import os\n\n\ndef later():\n    from . import a\n")
    (inputs / "c.py").write_text("from ..inputs import a, b\n")  # imports both, on no circle
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "cashback_cli")
    assert _import_graph()["cashback_cli.inputs.c"] == {
        "cashback_cli.inputs": 1,
        "cashback_cli.inputs.a": 1,
        "cashback_cli.inputs.b": 1,
    }
    with pytest.raises(
        AssertionError, match=r"inputs\.a:1 -> cashback_cli\.inputs\.b:5 -> cashback_cli\.inputs\.a\n"
    ):
        _assert_no_circle()


def test_no_module_imports_another_ones_private_names():
    """A name that starts with _ is its module's own: what another module needs is public
    (a name without the underscore), so it can be found and changed in one place."""
    broken = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (
                node.level or (node.module or "").startswith(PACKAGE.name)
            ):
                private = [
                    a.name
                    for a in node.names
                    if a.name.startswith("_") and a.name not in ("_", "__version__")
                ]
                broken.extend(f"{path.relative_to(PACKAGE)}:{node.lineno} imports {name}" for name in private)
    assert not broken, "\n".join(broken)
