"""The README's examples run as written, so the docs cannot drift from the tool."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from cashback_cli.cli import app

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
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert "Traceback" not in result.stderr


def test_every_command_is_documented_in_the_readme():
    names = [command.name or command.callback.__name__ for command in app.registered_commands]
    for name in names:
        assert f"### `cashback {name}`" in README or f"cashback {name} " in README, name


@pytest.mark.parametrize(
    "command", [[], ["status"], ["dispute"], ["validate"], ["upcoming"], ["config"], ["config", "show"]]
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
        assert ran.returncode == 0, (example, ran.stderr)
