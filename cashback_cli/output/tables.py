"""Rich tables for people at a terminal, in the user's language. Imported only to draw one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..core.records import OrderResult, Status
from ..core.totals import Totals
from ..i18n import _
from .explanation import human_reason, status_word
from .render import order_object, totals_object

STATUS_STYLE = {Status.PENDING: "yellow", Status.CONFIRMED: "green", Status.CANCELLED: "red"}


def _status(result: OrderResult) -> Text:
    return Text(status_word(result.status), style=STATUS_STYLE[result.status])


def orders_table(
    results: Iterable[OrderResult], rounding: str, limit: int | None = None
) -> tuple[Table, int]:
    """The orders table, with at most `limit` rows; also returns how many rows were left out."""
    table = Table(title=_("Orders"), title_justify="left", header_style="bold")
    table.add_column(_("Order"))
    table.add_column(_("Date"), no_wrap=True)
    for name in (_("Amount"), _("Refunded"), _("Rate"), _("Expected"), _("Cashback"), _("Cancelled")):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column(_("Status"), no_wrap=True)
    table.add_column(_("Reason"), min_width=12, overflow="fold")
    left_out = 0
    for count, result in enumerate(results):
        if limit is not None and count >= limit:
            left_out += 1
            continue
        row = order_object(result, rounding)
        cur = row["currency"]
        table.add_row(
            Text(row["order_id"]),  # Text: an id like "[b]1" is the user's, not Rich markup
            row["ordered_at"],
            f"{row['amount']} {cur}" if row["amount"] is not None else "—",
            row["refunded"],
            f"{row['rate']}%" if row["rate"] else _("fixed"),
            row["expected_cashback"],
            row["cashback"],
            row["cancelled_cashback"],
            _status(result),
            human_reason(result),
        )
    return table, left_out


class _DataConsole(Console):
    def on_broken_pipe(self) -> None:
        """Rich would exit 1 here, the code for bad data; the command's edge ends with 141."""
        raise BrokenPipeError


def make_console(file=None) -> Console:
    """A console for data: colour only on a terminal (Rich honours NO_COLOR); wide when piped."""
    console = _DataConsole(file=file)
    if not console.is_terminal:
        console = _DataConsole(file=file, width=max(console.width, 132))
    return console


def totals_table(totals: Totals) -> Table:
    table = Table(title=_("Totals"), title_justify="left", header_style="bold")
    table.add_column(_("Currency"))
    table.add_column(_("Orders"), justify="right")
    table.add_column(_("Pending"), justify="right", style="yellow")
    table.add_column(_("Confirmed"), justify="right", style="green")
    table.add_column(_("Cancelled"), justify="right", style="red")
    for cur, sums in totals_object(totals).items():
        table.add_row(cur, str(sums["orders"]), sums["pending"], sums["confirmed"], sums["cancelled"])
    if not totals.by_currency:
        table.add_row("—", "0", "—", "—", "—")
    return table


def dispute_panel(result: OrderResult, steps: Sequence[str], rounding: str, title: str) -> Panel:
    """One order's figures beside the numbered steps that led to them."""
    row = order_object(result, rounding)
    figures = Table.grid(padding=(0, 2))
    figures.add_column(style="bold")
    figures.add_column()
    cur = row["currency"]
    for label, key in (
        (_("Amount"), "amount"),
        (_("Refunded"), "refunded"),
        (_("Expected cashback"), "expected_cashback"),
        (_("Cashback"), "cashback"),
        (_("Cancelled cashback"), "cancelled_cashback"),
    ):
        figures.add_row(label, f"{row[key]} {cur}" if row[key] is not None else "—")
    figures.add_row(_("Status"), _status(result))
    figures.add_row(_("Confirm on"), row["confirm_on"] or "—")
    figures.add_row(_("Reason"), human_reason(result))
    reported = result.reported
    if reported is not None:  # what the network or the service says, beside the rules' figures
        if reported.status is not None:
            word = f" ({reported.network_status})" if reported.network_status else ""
            figures.add_row(_("Reported status"), Text(status_word(reported.status) + word))
        if reported.cashback is not None:
            figures.add_row(_("Reported cashback"), f"{reported.cashback:f} {cur}")
        if reported.locks_on is not None:
            figures.add_row(_("Network locks on"), reported.locks_on.isoformat())
    return Panel(Group(figures, Text(""), steps_text(steps)), title=escape(title), expand=False)


def steps_text(steps: Sequence[str]) -> Text:
    return Text("\n".join(f"{n}. {step}" for n, step in enumerate(steps, start=1)))


def what_if_table(without: OrderResult, with_refund: OrderResult, rounding: str) -> Table:
    """The shopper's choice side by side: no dispute, or a dispute ending with this refund."""
    before, after = order_object(without, rounding), order_object(with_refund, rounding)
    cur = before["currency"]
    table = Table(title=_("What a dispute does to the cashback"), title_justify="left", header_style="bold")
    table.add_column("")
    table.add_column(_("No dispute"), justify="right")
    table.add_column(_("Dispute with this refund"), justify="right")
    for label, key in (
        (_("Money back"), "refunded"),
        (_("Cashback kept"), "cashback"),
        (_("Cashback lost"), "cancelled_cashback"),
    ):
        table.add_row(label, f"{before[key]} {cur}", f"{after[key]} {cur}")
    table.add_row(_("Status"), _status(without), _status(with_refund))
    return table
