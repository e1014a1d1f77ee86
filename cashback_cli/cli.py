"""The `cashback` command: one Typer app, a module per command under commands/.

Each command turns options into values, makes one call to the core, and renders what comes
back; problems become messages and exit codes in commands/common.py alone.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from . import __version__
from .commands.common import quiet_on_closed_pipe
from .commands.config import config_app
from .commands.dispute import dispute
from .commands.profiles import profiles
from .commands.reconcile import reconcile
from .commands.status import status
from .commands.upcoming import upcoming
from .commands.validate import validate

app = typer.Typer(
    name="cashback",
    help=(
        "What happens to your cashback if you open a dispute: pending, confirmed and "
        "cancelled cashback from your orders and disputes.\n\n"
        "Example: cashback status examples/orders.csv --disputes examples/disputes.csv"
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
for command in (status, dispute, reconcile, validate, upcoming, profiles):
    app.command()(quiet_on_closed_pipe(command))
app.add_typer(config_app, name="config")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cashback {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """What happens to your cashback if you open a dispute."""


def main() -> None:
    """Entry point: the app, with a last guard so no user ever sees a traceback."""
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show a character gets a "?"
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("cashback: interrupted\n")
        sys.exit(130)
    except Exception as error:  # pragma: no cover - the guard of last resort
        sys.stderr.write(f"cashback: internal error ({type(error).__name__}: {error}); please report it\n")
        sys.exit(70)
