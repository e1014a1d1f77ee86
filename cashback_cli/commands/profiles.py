"""`cashback profiles`: the networks whose exports --profile reads as they are published."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import DisputeFormat, LangOpt


def profiles(
    format: Annotated[
        DisputeFormat, typer.Option("--format", "-f", help="table for people, json for scripts.")
    ] = DisputeFormat.table,
    show: Annotated[
        str | None,
        typer.Option(
            "--show",
            metavar="NAME",
            help="Print a built-in profile's TOML file: a start for your own (save it, edit it, "
            "then --profile FILE.toml).",
        ),
    ] = None,
    lang: LangOpt = None,
) -> None:
    """The built-in network profiles: what each reads, and how its status words map to ours.

    Example: cashback profiles

    Example: cashback profiles --show admitad

    Example: cashback status examples/networks/admitad.json --profile admitad --as-of 2026-11-24
    """
    import json

    from ..core.records import Status
    from ..inputs.profiles import built_in, built_in_names, built_in_text

    if show is not None:
        if show not in built_in_names():
            from ..i18n import _

            raise typer.BadParameter(
                _("no built-in profile {name}; expected one of {names}").format(
                    name=repr(show), names=", ".join(built_in_names())
                ),
                param_hint="--show",
            )
        typer.echo(built_in_text(show), nl=False)
        return
    listed = [built_in(name) for name in built_in_names()]
    if format is DisputeFormat.json:
        document = {
            profile.name: {
                "description": profile.description,
                "format": profile.format,
                "records": list(profile.records),
                "fields": profile.fields,
                "minor_units": sorted(profile.minor_units),
                "line_items": profile.line_items,
                "status": {s.value: [w for w, m in profile.status.items() if m is s] for s in Status},
                **(
                    {
                        "shapes": [
                            {"description": s.description, "format": s.format, "records": list(s.records)}
                            for s in profile.all_shapes
                        ]
                    }
                    if profile.shapes
                    else {}
                ),
            }
            for profile in listed
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    from rich.table import Table
    from rich.text import Text

    from ..i18n import _
    from ..output.tables import make_console

    table = Table(title=_("Network profiles (--profile NAME)"), title_justify="left", header_style="bold")
    for column in (_("Profile"), _("Reads"), _("Confirmed"), _("Cancelled")):
        table.add_column(column)
    for profile in listed:
        words = {s: ", ".join(w for w, m in profile.status.items() if m is s) or "—" for s in Status}
        table.add_row(
            profile.name,
            Text("\n".join(dict.fromkeys(shape.description for shape in profile.all_shapes))),
            Text(words[Status.CONFIRMED]),
            Text(words[Status.CANCELLED]),
        )
    make_console().print(table)
    typer.echo(_("Any other status word is read as pending. Your own profile: --profile FILE.toml."))
    typer.echo(_("To start one from a built-in profile: cashback profiles --show NAME > FILE.toml"))
