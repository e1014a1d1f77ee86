"""The README and docs/rules.md say what the tool does: their examples run as written and give
the figures worked out by hand, their links lead somewhere, and the contract in docs/rules.md
names every key and exit code of the code, so the docs cannot drift from the tool."""

from __future__ import annotations

import ast
import csv
import functools
import io
import json
import re
import shlex
import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import (
    EXAMPLE_CURRENCY,
    EXAMPLE_FIGURES,
    EXAMPLE_TOTALS,
    EXAMPLES_AS_OF,
    assert_no_float,
    expected_example_object,
)

from cashback_cli.cli import app
from cashback_cli.output.render import ORDER_KEYS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _shell_blocks(text: str) -> list[str]:
    return re.findall(r"```shell\n(.*?)```", text, flags=re.S)


def _examples() -> list[str]:
    commands = README.split("## Commands", 1)[1]
    return [
        line
        for block in _shell_blocks(commands)
        for line in block.splitlines()
        if line.startswith("cashback ")
    ]


def test_quick_start_is_exactly_two_commands_install_and_run_then_install_and_test():
    quick_start = README.split("## Quick start", 1)[1]
    lines = [line for line in _shell_blocks(quick_start)[0].splitlines() if line.strip()]
    assert len(lines) == 2
    assert "pip install ." in lines[0] and "cashback status examples/orders.csv" in lines[0]
    assert "pip install '.[test]'" in lines[1] and "pytest" in lines[1]


def test_ci_runs_the_readme_test_command():
    result = subprocess.run(
        ["bash", "-c", "sed -n '/^## Quick start/,$p' README.md"], cwd=ROOT, capture_output=True, text=True
    )
    assert "python -m pytest" in result.stdout
    assert "README.md" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.parametrize("command", _examples())
def test_readme_example_runs_as_written(command):
    executable = shutil.which("cashback")
    assert executable, "the cashback command is not installed"
    args = shlex.split(command)
    result = subprocess.run([executable, *args[1:]], cwd=ROOT, capture_output=True, text=True, timeout=60)
    # reconcile ends with 4 when the service and the rules differ, as the examples are made to
    assert result.returncode == (4 if args[1] == "reconcile" else 0), result.stderr
    assert result.stdout.strip()
    assert "Traceback" not in result.stderr


def test_every_command_is_documented_in_the_readme():
    names = [command.name or command.callback.__name__ for command in app.registered_commands]
    for name in names:
        assert f"### `cashback {name}`" in README or f"cashback {name} " in README, name


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["status"],
        ["dispute"],
        ["reconcile"],
        ["validate"],
        ["upcoming"],
        ["config"],
        ["config", "show"],
        ["profiles"],
    ],
)
def test_every_help_shows_an_example_that_runs(command):
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    examples = [
        line.split("Example", 1)[1].split(":", 1)[1].strip(" │")
        for line in result.stdout.splitlines()
        if "Example" in line and "cashback " in line
    ]
    assert examples, result.stdout
    for example in examples:
        args = shlex.split(example)
        assert args[0] == "cashback"
        ran = subprocess.run(
            [shutil.which("cashback"), *args[1:]], cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        # reconcile's examples differ from the rules on purpose: it ends with 4
        assert ran.returncode == (4 if args[1] == "reconcile" else 0), (example, ran.stderr)


# --- links: every relative link in the README and docs/ leads somewhere ------------------------

MARKDOWN_PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RULES_PAGE = ROOT / "docs" / "rules.md"
_FENCE = re.compile(r"^```.*?^```[ \t]*$", flags=re.S | re.M)
_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)[^)]*\)")


def _links(text: str) -> list[str]:
    """Link targets outside code, where brackets are not links."""
    return _LINK.findall(re.sub(r"`[^`\n]*`", "``", _FENCE.sub("", text)))


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "").strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    seen: dict[str, int] = {}
    anchors = set()
    for line in _FENCE.sub("", page.read_text(encoding="utf-8")).splitlines():
        if m := re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line):
            slug = _slug(m.group(1))
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


@pytest.mark.parametrize("page", MARKDOWN_PAGES, ids=lambda page: page.relative_to(ROOT).as_posix())
def test_every_relative_link_leads_to_a_file_and_heading_that_exist(page):
    broken = []
    for target in _links(page.read_text(encoding="utf-8")):
        if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", target):  # https:, mailto:: not ours to check
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists():
            broken.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
            broken.append(f"{target}: no heading #{anchor} in {linked.relative_to(ROOT)}")
    assert not broken, broken


def test_readme_sends_readers_to_the_projects_own_contract():
    assert "SPEC.md" not in README
    links = _links(README)
    assert "docs/rules.md" in links
    assert "docs/rules.md#decisions" in links


# --- the README's JSON and CSV examples give the figures worked out by hand ---------------------

# The what-if examples of the README, worked by hand: ordered and resolved on the as-of date
# (today), so the 15-day hold decides confirm_on. 100 × 5 % = 5.00, all of it refunded.
WHAT_IF_FIGURES = {
    "cashback dispute --amount 100 --refund 100 --rate 5 --format json": {
        "order_id": None,
        "currency": "USD",
        "amount": "100.00",
        "refunded": "100.00",
        "rate": "5",
        "expected_cashback": "5.00",
        "cashback": "0.00",
        "cancelled_cashback": "5.00",
        "status": "cancelled",
        "reason": "refunded in full",
        "without_dispute": "5.00",
    },
}


@functools.cache
def _run(command: str) -> subprocess.CompletedProcess:
    executable = shutil.which("cashback")
    assert executable, "the cashback command is not installed"
    args = shlex.split(command)
    assert args[0] == "cashback", command
    return subprocess.run([executable, *args[1:]], cwd=ROOT, capture_output=True, text=True, timeout=60)


def _output(command: str) -> str:
    result = _run(command)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _option(args: list[str], name: str) -> str | None:
    return args[args.index(name) + 1] if name in args else None


def _machine_examples() -> list[str]:
    return [
        command for command in _examples() if _option(shlex.split(command), "--format") in ("json", "csv")
    ]


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _as_csv(figures: dict) -> dict[str, str]:
    return {key: "" if value is None else str(value) for key, value in figures.items()}


def _hand_worked(order: dict, fmt: str) -> dict:
    """The hand-computed figures of one output order, keyed like the order object."""
    expected = expected_example_object(order["order_id"])
    return expected if fmt == "json" else _as_csv(expected)


def _check_status(args: list[str], fmt: str, stdout: str) -> None:
    if "--summary" in args:
        if fmt == "json":
            totals = json.loads(stdout)["totals"]
        else:
            totals = {row.pop("currency"): {**row, "orders": int(row["orders"])} for row in _csv_rows(stdout)}
        assert totals == EXAMPLE_TOTALS
        return
    if fmt == "json":
        document = json.loads(stdout)
        assert_no_float(document)
        orders = document["orders"]
        assert document["totals"] == EXAMPLE_TOTALS
        assert "partial" not in document
    else:
        orders = _csv_rows(stdout)
    assert [order["order_id"] for order in orders] == list(EXAMPLE_FIGURES)  # A1012 is left out
    for order in orders:
        expected = _hand_worked(order, fmt)
        assert {key: order[key] for key in expected} == expected, order["order_id"]


def _check_dispute(args: list[str], command: str, stdout: str) -> None:
    document = json.loads(stdout)
    assert_no_float(document)
    assert list(document)[: len(ORDER_KEYS)] == list(ORDER_KEYS)
    assert document["explanation"] and all(isinstance(step, str) for step in document["explanation"])
    if not args[2].startswith("-"):  # an order of the example files
        expected = expected_example_object(args[2])
        assert {key: document[key] for key in expected} == expected
        assert "without_dispute" not in document
        return
    assert command in WHAT_IF_FIGURES, f"no hand-worked figures for {command!r}"
    expected = WHAT_IF_FIGURES[command]
    assert {key: document[key] for key in expected} == expected
    ordered = date.fromisoformat(document["ordered_at"])
    assert ordered in (date.today(), date.today() - timedelta(days=1))  # run just before midnight
    assert document["confirm_on"] == (ordered + timedelta(days=15)).isoformat()


def _period(day: date, by: str) -> tuple[str, str]:
    if by == "day":
        start = end = day
    elif by == "week":
        start = day - timedelta(days=day.weekday())
        end = start + timedelta(days=6)
    else:
        start = day.replace(day=1)
        end = date(day.year + day.month // 12, day.month % 12 + 1, 1) - timedelta(days=1)
    return start.isoformat(), end.isoformat()


def _hand_worked_timeline(by: str) -> tuple[list[dict], dict]:
    """Pending cashback of EXAMPLE_FIGURES by confirmation period; open disputes apart."""
    periods: dict[tuple[str, str, str], list] = {}
    waiting: dict[str, list] = {}
    for order_id, figures in EXAMPLE_FIGURES.items():
        cashback, status, confirm_on = Decimal(figures[4]), figures[6], figures[7]
        if status != "pending":
            continue
        currency = EXAMPLE_CURRENCY.get(order_id, "USD")
        if confirm_on is None:
            slot = waiting.setdefault(currency, [0, Decimal(0)])
        else:
            slot = periods.setdefault(
                (*_period(date.fromisoformat(confirm_on), by), currency), [0, Decimal(0)]
            )
        slot[0] += 1
        slot[1] += cashback
    listed = [
        {"from": start, "to": end, "currency": cur, "orders": count, "cashback": f"{total:.2f}"}
        for (start, end, cur), (count, total) in sorted(periods.items())
    ]
    return listed, {
        cur: {"orders": count, "cashback": f"{total:.2f}"} for cur, (count, total) in waiting.items()
    }


def _check_upcoming(args: list[str], fmt: str, stdout: str) -> None:
    by = _option(args, "--by") or "week"
    periods, waiting = _hand_worked_timeline(by)
    if fmt == "json":
        document = json.loads(stdout)
        assert document["as_of"] == EXAMPLES_AS_OF and document["by"] == by
        assert document["periods"] == periods
        assert document["waiting_on_dispute"] == waiting
    else:
        rows = _csv_rows(stdout)
        assert rows == [
            *({**_as_csv(p), "waiting_on_dispute": "false"} for p in periods),
            *(
                {"from": "", "to": "", "currency": cur, **_as_csv(w), "waiting_on_dispute": "true"}
                for cur, w in waiting.items()
            ),
        ]
    for currency, totals in EXAMPLE_TOTALS.items():  # periods + waiting = the pending total
        due = sum(Decimal(p["cashback"]) for p in periods if p["currency"] == currency)
        due += Decimal(waiting.get(currency, {}).get("cashback", "0"))
        assert due == Decimal(totals["pending"]), currency


def test_the_readme_has_json_and_csv_examples_of_each_reporting_command():
    commands = {shlex.split(command)[1] for command in _machine_examples()}
    assert {"status", "dispute", "upcoming"} <= commands


@pytest.mark.parametrize("command", _machine_examples())
def test_readme_json_and_csv_examples_give_the_hand_worked_figures(command):
    args = shlex.split(command)
    fmt = _option(args, "--format")
    stdout = _output(command)
    if args[1] == "status":
        assert _option(args, "--as-of") == EXAMPLES_AS_OF
        _check_status(args, fmt, stdout)
    elif args[1] == "dispute":
        assert fmt == "json"
        _check_dispute(args, command, stdout)
    elif args[1] == "upcoming":
        assert _option(args, "--as-of") == EXAMPLES_AS_OF
        _check_upcoming(args, fmt, stdout)
    else:
        pytest.fail(f"no hand-worked figures for {command!r}")


def test_readme_json_sample_is_an_order_of_the_examples():
    sample = json.loads(re.findall(r"```json\n(.*?)```", README, flags=re.S)[0])
    (order,) = sample["orders"]
    assert list(order) == [*ORDER_KEYS, "store"]  # the examples have a store column
    expected = expected_example_object(order["order_id"])
    assert {key: order[key] for key in expected} == expected
    cur = order["currency"]
    assert sample["totals"] == {
        cur: {
            "orders": 1,
            "pending": order["cashback"] if order["status"] == "pending" else "0.00",
            "confirmed": order["cashback"] if order["status"] == "confirmed" else "0.00",
            "cancelled": order["cancelled_cashback"],
        }
    }


# --- docs/rules.md: the contract names what the code does ---------------------------------------

RULES = RULES_PAGE.read_text(encoding="utf-8")
_PAIRED = re.compile(r"```shell\n(cashback [^\n]*)\n```\s*\n```(json|csv)\n(.*?)```", flags=re.S)


def _section(text: str, heading: str) -> str:
    return text.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]


def _table_column(text: str) -> list[str]:
    """The first cell of each row of the first table in `text`, header and rule left out."""
    rows = [line for line in text.splitlines() if line.startswith("|")]
    return [row.split("|")[1].strip() for row in rows[2:]]


def test_rules_list_the_order_keys_in_the_order_the_json_has_them():
    table = _table_column(_section(RULES, "### The order object"))
    assert table == [f"`{key}`" for key in ORDER_KEYS]


def _exit_codes_of_the_code() -> set[int]:
    """Every exit code the package can end with: its EXIT_* constants and its exit() calls.

    Values are worked out from the source (`128 + 13`, `128 + signal.SIGPIPE`, `EXIT_USAGE`);
    an exit() given a variable is covered by the constants that variable is set from.
    """
    import signal

    constants: dict[str, ast.expr] = {}
    calls: list[ast.expr | None] = []
    for path in (ROOT / "cashback_cli").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    names = target.elts if isinstance(target, ast.Tuple) else [target]
                    values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
                    for name, value in zip(names, values, strict=False):
                        if isinstance(name, ast.Name) and name.id.startswith("EXIT_"):
                            constants[name.id] = value
            elif isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in ("exit", "Exit", "SystemExit", "_exit"):
                    given = node.args[0] if node.args else None
                    calls.append(next((k.value for k in node.keywords if k.arg == "code"), given))

    def value_of(expression: ast.expr, names: dict[str, int]) -> int | None:
        try:
            value = eval(compile(ast.Expression(expression), "<exit>", "eval"), {"signal": signal, **names})
        except Exception:  # a variable holding one of the constants
            return None
        return int(value) if isinstance(value, int) else None

    known: dict[str, int] = {}
    for _ in range(len(constants)):  # constants may be made of one another
        for name, expression in constants.items():
            if (value := value_of(expression, known)) is not None:
                known[name] = value
    codes = set(known.values())
    for given in calls:
        value = 0 if given is None else value_of(given, known)
        if value is not None:
            codes.add(value)
    return codes


def test_every_exit_code_of_the_cli_is_in_the_docs():
    codes = _exit_codes_of_the_code()
    assert {0, 1, 2, 3} <= codes  # the scan found the codes it must find
    for page, text in (("docs/rules.md", RULES), ("README.md", README)):
        listed = {int(cell) for cell in _table_column(_section(text, "## Exit codes"))}
        assert codes <= listed, f"{page} does not list exit codes {sorted(codes - listed)}"


def test_rules_sample_outputs_are_what_the_commands_print():
    pairs = _PAIRED.findall(RULES)
    assert len(pairs) >= 5
    for command, fmt, documented in pairs:
        printed = _output(command)
        if fmt == "json":
            assert json.loads(printed, object_pairs_hook=list) == json.loads(
                documented, object_pairs_hook=list
            ), command
        else:
            assert printed.strip() == documented.strip(), command


def test_rules_json_excerpts_are_what_the_commands_print():
    paired = {documented for _, fmt, documented in _PAIRED.findall(RULES) if fmt == "json"}
    excerpts = [block for block in re.findall(r"```json\n(.*?)```", RULES, flags=re.S) if block not in paired]
    assert excerpts
    status = json.loads(
        _output(
            f"cashback status examples/orders.csv --disputes examples/disputes.csv --as-of {EXAMPLES_AS_OF} --format json"
        )
    )
    by_id = {order["order_id"]: order for order in status["orders"]}
    policies = json.loads(_output("cashback config show --config examples/cashback.toml --format json"))
    for block in excerpts:
        excerpt = json.loads(block, object_pairs_hook=list)
        if excerpt[0][0] == "order_id":  # an order object as of the examples' date
            assert excerpt == list(by_id[excerpt[0][1]].items())
        else:  # sections of `config show`
            for name, settings in excerpt:
                shown = json.loads(json.dumps(policies[name]), object_pairs_hook=list)
                assert settings == shown, name
