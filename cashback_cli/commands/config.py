"""`cashback config show`: each store's effective policy and where every value came from."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import (
    ConfigOpt,
    CurrencyOpt,
    DisputeFormat,
    DisputePolicyOpt,
    HoldOpt,
    LangOpt,
    RateOpt,
    Rounding,
    policy_book,
    quiet_on_closed_pipe,
)

OTHER_STORES = "(other stores)"

config_app = typer.Typer(
    help="Store policies: what each store's cashback service applies.\n\n"
    "Example: cashback config show --config examples/cashback.toml",
    no_args_is_help=True,
)


@config_app.command("show")
@quiet_on_closed_pipe
def show(
    config: ConfigOpt = None,
    hold_days: HoldOpt = None,
    rate: RateOpt = None,
    currency: CurrencyOpt = None,
    dispute_policy: DisputePolicyOpt = None,
    format: Annotated[
        DisputeFormat, typer.Option("--format", "-f", help="table for people, json for scripts.")
    ] = DisputeFormat.table,
    lang: LangOpt = None,
) -> None:
    """The effective policy of each store, and where each value came from: file and table, option, or built-in.

    Example: cashback config show --config examples/cashback.toml
    """
    import json

    from ..inputs.policy_file import KEYS

    book = policy_book(config, hold_days, rate, currency, Rounding.half_up, dispute_policy)
    sections = {OTHER_STORES: book.base, **{book.names[key]: table for key, table in book.stores.items()}}
    if format is DisputeFormat.json:
        document = {
            name: {key: _json_setting(table[key]) for key in KEYS} for name, table in sections.items()
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    from rich.table import Table
    from rich.text import Text

    from ..i18n import _
    from ..output.tables import make_console

    table = Table(title=_("Store policies"), title_justify="left", header_style="bold")
    for column in (_("Store"), _("Setting"), _("Value"), _("From")):
        table.add_column(column)
    for name, settings in sections.items():
        for index, key in enumerate(KEYS):
            setting = settings[key]
            table.add_row(
                Text(
                    (_("(other stores)") if name == OTHER_STORES else name) if index == 0 else ""
                ),  # Text: names and paths are not Rich markup
                key,
                Text(_text(setting.value)),
                Text(_("built-in") if setting.source == "built-in" else setting.source),
                end_section=index == len(KEYS) - 1,
            )
    make_console().print(table)


def _text(value) -> str:
    return "—" if value is None else str(value)


def _json_setting(setting) -> dict[str, str | int | None]:
    value = setting.value
    if value is not None and not isinstance(value, int):
        value = str(value)
    return {"value": value, "source": setting.source}
