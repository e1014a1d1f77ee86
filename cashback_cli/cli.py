"""The `cashback` command: one Typer app, a module per command under commands/.

Each command turns options into values, makes one call to the core, and renders what comes
back; problems become messages and exit codes in commands/common.py alone.
"""

from __future__ import annotations

import functools
import gettext
import os
import re
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import import_module
from typing import Annotated

import typer
from typer.core import TyperCommand, TyperGroup

from . import __version__, i18n
from .commands.common import quiet_on_closed_pipe
from .commands.no_space import full_place, is_no_space, no_space_message
from .i18n import _

# --- Typer's and Click's own words in the user's language -------------------------------------
#
# Typer looks its words up with gettext.gettext(): gettext's default domain, in the language of
# LANGUAGE, LC_ALL, LC_MESSAGES or LANG, read at each lookup. main() binds that domain to our
# catalogue and sets LANGUAGE to the language of the run before anything is parsed, so these
# come out translated; the panel titles are looked up once, when typer.rich_utils is first
# imported (lazily, at the first help page or error). The Click that Typer carries inside it
# (typer._click) writes its words as fixed English text, with no gettext at all: the usage
# prefix, the help option's text and the frame of the commonest usage errors are put through our
# catalogue by the command classes below; the rest stays English (see _STILL_ENGLISH).


def typer_messages() -> tuple[str, ...]:
    """Typer's own words as it looks them up, listed so that `docs/translations.py extract`
    puts them in our catalogue (they are translated when Typer asks, not here)."""
    return (
        _("Arguments"),
        _("Options"),
        _("Commands"),
        _("Error"),
        _("Try [blue]'{command_path} {help_option}'[/] for help."),
        _("[default: {}]"),
        _("[env var: {}]"),
        _("[required]"),
        _("(deprecated) "),
        _("Aborted."),
        _("Aborted!"),
        _("Missing command."),
        _("No such command {name!r}."),
        _("default: {default}"),
        _("required"),
        _("env var: {var}"),
        _("(dynamic)"),
    )


# What stays English in every language, as fixed text in Typer's copy of Click or in Typer: what
# the value types say inside an error's frame ("'x' is not one of 'a', 'b'.", "'x' is not a valid
# integer.", "'x' is not a valid int range.", "x is not in the range …", "Choose from: …"), the
# rarer parser errors ("Option '--x' requires 2 arguments."), the help of --install-completion
# and --show-completion, and the non-Rich error format ("Error: …"), which Typer uses only
# without Rich. Rich's highlighting of the usage line looks for "Usage: ", so a translated
# prefix is not coloured.


def early_language(args: Sequence[str], environ=os.environ) -> str:
    """The language of this run before Typer parses anything: the last --lang (`--lang ru` or
    `--lang=ru`) before a `--`, else LC_ALL, LC_MESSAGES or LANG. A --lang the parser will
    refuse is passed over, so that refusal is worded in the environment's language."""
    found = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        else:
            continue
        if value in i18n.LANGUAGES:
            found = value
    return found or i18n.language_from_environment(environ)


def speak(code: str) -> None:
    """Our messages, and Typer's through gettext's default domain, in `code` from now on."""
    i18n.use_language(code)
    os.environ["LANGUAGE"] = code  # gettext.gettext() reads the language from here first
    gettext.bindtextdomain(i18n.DOMAIN, str(i18n.LOCALE_DIR))
    gettext.textdomain(i18n.DOMAIN)


class _Translated(typer.BadParameter):
    """A usage error already worded in the user's language: shown as it is."""

    def __init__(self, text: str, ctx) -> None:
        super().__init__(text, ctx=ctx)

    def format_message(self) -> str:
        return self.message


def _hint(error) -> str | None:
    hint = error.param_hint
    if hint is None and error.param is not None:
        hint = error.param.get_error_hint(error.ctx)
    if hint is not None and not isinstance(hint, str):
        hint = " / ".join(repr(part) for part in hint)
    return hint


def translated(error: Exception) -> Exception | None:
    """The usage error in our words, or None for one we leave as it is: the frame around it
    ("Invalid value for …", "Missing argument …", "No such option: …") is translated; what the
    value types say inside it (Click's fixed English) is kept."""
    if isinstance(error, _Translated) or type(error).__name__ == "NoArgsIsHelpError":
        return None  # NoArgsIsHelpError carries the help page, which Typer prints as it is
    ctx = getattr(error, "ctx", None)
    try:
        if isinstance(error, typer.BadParameter) and hasattr(error, "param_type"):  # MissingParameter
            hint = _hint(error)
            param_type = error.param_type or (error.param.param_type_name if error.param else None)
            wording = {
                "argument": _("Missing argument {name}."),
                "option": _("Missing option {name}."),
                "parameter": _("Missing parameter {name}."),
            }.get(param_type)
            if not hint or wording is None:
                return None
            text = wording.format(name=hint)
            extra = error.message
            if error.param is not None:
                more = error.param.type.get_missing_message(param=error.param, ctx=ctx)
                extra = f"{extra}. {more}" if extra and more else (extra or more)
            return _Translated(f"{text} {extra}" if extra else text, ctx)
        if isinstance(error, typer.BadParameter):
            hint = _hint(error)
            if hint is None:
                text = _("Invalid value: {message}").format(message=error.message)
            else:
                text = _("Invalid value for {hint}: {message}").format(hint=hint, message=error.message)
            return _Translated(text, ctx)
        if type(error).__name__ == "NoSuchOption" and error.message == f"No such option: {error.option_name}":
            text = _("No such option: {name}").format(name=error.option_name)
            if error.possibilities:
                options = ", ".join(sorted(error.possibilities))
                text = f"{text} " + _("(Possible options: {options})").format(options=options)
            return _Translated(text, ctx)
        if getattr(error, "exit_code", None) == 2 and hasattr(error, "ctx"):  # a UsageError
            return _reworded(error.message, ctx)
    except AttributeError:  # a Click whose errors are shaped otherwise: its own words, then
        return None
    return None


def _reworded(message: str, ctx) -> Exception | None:
    """Three more of Click's usage errors, known by the exact shape of their English text."""
    if found := re.fullmatch(r"Got unexpected extra argument\(s\) \((.*)\)", message, re.S):
        return _Translated(
            _("Got unexpected extra argument(s) ({arguments})").format(arguments=found[1]), ctx
        )
    if found := re.fullmatch(r"Option ('[^']*') requires an argument\.", message):
        return _Translated(_("Option {name} requires an argument.").format(name=found[1]), ctx)
    if found := re.fullmatch(r"(.*)\. Did you mean (.+)\?", message, re.S):
        return _Translated(f"{found[1]}. " + _("Did you mean {names}?").format(names=found[2]), ctx)
    return None


@contextmanager
def _usage_errors_translated() -> Iterator[None]:
    try:
        yield
    except typer.TyperException as error:
        better = translated(error)
        if better is None:
            raise
        raise better from None


class _OurWords:
    """What Click writes in English that our catalogue can word: the usage line's prefix, the
    help option's text, and the frame of usage errors (in parsing and in the commands)."""

    def format_usage(self, ctx, formatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage:") + " ")

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = _("Show this message and exit.")
        return option

    def make_context(self, *args, **kwargs):
        with _usage_errors_translated():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx):
        with _usage_errors_translated():
            return super().invoke(ctx)


class LocalizedCommand(_OurWords, TyperCommand):
    pass


class LocalizedGroup(_OurWords, TyperGroup):
    pass


# The commands in the order the help lists them, each a module under commands/ holding a
# function of its name; a group's module holds its Typer app, under the name given here.
COMMANDS = ("status", "dispute", "reconcile", "validate", "upcoming", "profiles", "sql")
GROUPS = {"config": "config_app"}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cashback {__version__}")
        raise typer.Exit()


def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """What happens to your cashback if you open a dispute."""


def _new_app() -> typer.Typer:
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
        cls=LocalizedGroup,
    )
    app.callback()(_main)
    return app


def _add(app: typer.Typer, name: str) -> None:
    """The command `name` into `app`, its module imported only now."""
    if name in GROUPS:
        group = getattr(import_module(f".commands.{name}", __package__), GROUPS[name])
        for info in group.registered_commands:  # declared with Typer's own class
            if info.cls in (None, TyperCommand):
                info.cls = LocalizedCommand
        app.add_typer(group, name=name, cls=LocalizedGroup)
    else:
        command = getattr(import_module(f".commands.{name}", __package__), name)
        app.command(cls=LocalizedCommand)(quiet_on_closed_pipe(command))


@functools.cache
def whole_app() -> typer.Typer:
    app = _new_app()
    for name in (*COMMANDS, *GROUPS):
        _add(app, name)
    return app


def app_for(args: Sequence[str]) -> typer.Typer:
    """The app to run for these arguments: when the first names a command, an app of that
    command alone, with only its module imported. Typer builds every command's options before
    it runs one, which costs more than a start of the process; anything else gets the whole
    app, which lists the commands and suggests a name for a misspelt one."""
    if args and (args[0] in COMMANDS or args[0] in GROUPS):
        app = _new_app()
        _add(app, args[0])
        return app
    return whole_app()


def __getattr__(name: str):
    if name == "app":  # the whole app, built the first time it is asked for
        return whole_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _terminated(signum: int, _frame) -> None:
    """`kill` ends a run as Ctrl-C does: its temporary files and workers go with it."""
    raise SystemExit(128 + signum)


def main() -> None:
    """Entry point: the app, with a last guard so no user ever sees a traceback."""
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show a character gets a "?"
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    speak(early_language(sys.argv[1:]))  # before Typer parses, and words its errors and help
    signal.signal(signal.SIGTERM, _terminated)
    try:
        try:
            app_for(sys.argv[1:])()
        except SystemExit:
            _flush_stdout()  # what is still buffered, where a full disk shows itself
            raise
    except KeyboardInterrupt:
        sys.stderr.write("cashback: interrupted\n")
        sys.exit(130)
    except OSError as error:
        if not is_no_space(error):
            _internal_error(error)
        message = no_space_message(full_place())
        _quiet_stdout()
        sys.stderr.write(f"cashback: {message}\n")
        sys.exit(2)
    except Exception as error:  # pragma: no cover - the guard of last resort
        _internal_error(error)


def _flush_stdout() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away at the very end: quiet, as in the commands
        _quiet_stdout()
        sys.exit(141)


def _quiet_stdout() -> None:
    """Nothing more to standard output: what is still buffered for it goes nowhere, so the
    flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _internal_error(error: Exception) -> None:
    """The guard of last resort: a bug, said in one line, never a traceback."""
    sys.stderr.write(f"cashback: internal error ({type(error).__name__}: {error}); please report it\n")
    sys.exit(70)
