"""The README's pictures, recorded from the real commands on examples/.

    python docs/screens.py          # rewrites docs/images/*.svg

Each screen runs the `cashback` app in-process, as a colour terminal of a fixed width would see
it, and saves the output as an SVG with Rich. The output is the same on every run (fixed
width, fixed --as-of, fixed SVG ids), so tests/test_screens.py can check the committed
pictures match what the commands print now.
"""

from __future__ import annotations

import contextlib
import io
import shlex
import sys
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"


class Screen(NamedTuple):
    name: str  # docs/images/NAME.svg
    title: str  # the window title drawn in the picture
    command: str  # run as `cashback COMMAND` from the repository root
    width: int = 110  # terminal columns
    exit_code: int = 0  # what the command ends with (reconcile: 4 when something differs)


# One entry per picture; a new picture is one more Screen(...).
# Status is recorded as a wide terminal (120 columns), a narrow one (80) and in Russian.
SCREENS = [
    Screen(
        "status",
        "cashback status",
        "status examples/orders.csv --disputes examples/disputes.csv --as-of 2026-11-24",
        width=120,
    ),
    Screen(
        "status-80",
        "cashback status (80 columns)",
        "status examples/orders.csv --disputes examples/disputes.csv --as-of 2026-11-24",
        width=80,
    ),
    Screen(
        "status-ru",
        "cashback status --lang ru",
        "status examples/orders.csv --disputes examples/disputes.csv --as-of 2026-11-24 --lang ru",
        width=120,
    ),
    Screen(
        "dispute",
        "cashback dispute",
        "dispute A1004 --orders examples/orders.csv --disputes examples/disputes.csv --as-of 2026-11-24",
    ),
    Screen(
        "what-if",
        "cashback dispute (what-if)",
        "dispute --amount 100 --refund 40 --rate 5 --as-of 2026-11-24",
    ),
    Screen(
        "reconcile",
        "cashback reconcile",
        "reconcile examples/cabinet.csv --disputes examples/cabinet-disputes.csv --currency RUB --as-of 2026-11-24",
        width=120,
        exit_code=4,
    ),
    Screen(
        "upcoming",
        "cashback upcoming",
        "upcoming examples/orders.csv --disputes examples/disputes.csv --by week --as-of 2026-11-24",
    ),
]

# A colour terminal, whatever the shell running this says (None unsets a variable).
TERMINAL_ENV = {
    "FORCE_COLOR": "1",
    "TERM": "xterm-256color",
    "LINES": "50",
    "NO_COLOR": None,
    "COLORTERM": None,
    "TTY_COMPATIBLE": None,
    "TTY_INTERACTIVE": None,
}


def run_screen(screen: Screen) -> str:
    """What the screen's command prints to stdout, colour codes included."""
    from typer.testing import CliRunner

    from cashback_cli.cli import app

    env = {**TERMINAL_ENV, "COLUMNS": str(screen.width)}
    with contextlib.chdir(ROOT):
        result = CliRunner().invoke(app, shlex.split(screen.command), env=env, catch_exceptions=False)
    if result.exit_code != screen.exit_code:
        raise RuntimeError(f"cashback {screen.command} exited {result.exit_code}:\n{result.output}")
    return result.stdout


def record(screen: Screen, path: Path) -> Path:
    """Save the screen as an SVG: the command line, then its output."""
    from rich.console import Console
    from rich.text import Text

    console = Console(
        record=True,
        width=screen.width,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        no_color=False,
    )
    console.print(Text(f"$ cashback {screen.command}", style="dim"))
    console.print(Text.from_ansi(run_screen(screen).rstrip("\n")))
    # A fixed id, rather than Rich's hash of the content, keeps diffs of the SVGs small.
    console.save_svg(str(path), title=screen.title, unique_id=f"cashback-{screen.name}")
    return path


def record_all(target_dir: Path | str = IMAGES) -> list[Path]:
    """Record every screen into target_dir as NAME.svg; returns the files written."""
    target = Path(target_dir)
    target.mkdir(parents=True, exist_ok=True)
    return [record(screen, target / f"{screen.name}.svg") for screen in SCREENS]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))  # a checkout works even when the package is not installed
    for written in record_all():
        print(written.relative_to(ROOT))
