"""Rich tables for people at a terminal, in the user's language. Imported only to draw one."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rich.cells import cell_len
from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..core.records import OrderResult, Status
from ..core.totals import Totals
from ..i18n import _
from . import formats
from .explanation import human_reason, status_word

STATUS_STYLE = {Status.PENDING: "yellow", Status.CONFIRMED: "green", Status.CANCELLED: "red"}


def _status(result: OrderResult) -> Text:
    return Text(status_word(result.status), style=STATUS_STYLE[result.status])


def orders_table(results: Sequence[OrderResult], console: Console) -> Table:
    """The orders table laid out for the terminal. An order id and a figure are never cut: the
    first layout that fits is used, every figure in its own column, then without the rate and
    the expected cashback (the reason joining the status), then two lines per order, then (when
    a long id or a big figure leaves no room for the cashback beside it) a card per order."""
    for wide in (True, False):
        table = _one_line_orders(results, wide)
        if fits(table, console):
            return table
    table = _two_line_orders(results)
    if fits(table, console):
        return table
    return _order_cards(results)


def fits(table: Table, console: Console) -> bool:
    """Whether the table fits the console whole: every column that may not wrap as wide as its
    widest cell, each other one at its least width, with padding and borders. (Rich crops or
    squeezes a table that does not fit, which is what a shopper must never see.)"""
    widths = []
    for column in table.columns:
        if column.no_wrap:
            width = max((widest(cell) for cell in (column.header, *column.cells)), default=0)
        else:  # it may wrap, at ordinary spaces only: its longest figure or word must fit
            width = max((_longest_word(cell) for cell in column.cells), default=0)
            width = max(column.min_width or _LEAST, width)
        widths.append(max(width, column.min_width or 0))
    return table_width(widths) <= console.width


def widest(cell) -> int:
    """The widest line of a cell, in terminal columns."""
    text = cell.plain if isinstance(cell, Text) else str(cell)
    return max((cell_len(line) for line in text.splitlines()), default=0)


def _longest_word(cell) -> int:
    """The widest piece of a cell that a line may not break: a word, or a figure whose no-break
    spaces hold it together."""
    text = cell.plain if isinstance(cell, Text) else str(cell)
    return max((cell_len(word) for word in re.split(r"[ \t\n]+", text)), default=0)


def table_width(widths: Iterable[int]) -> int:
    """A bordered table's width for columns of these widths: padding on each side and a border
    for each, and one border more."""
    return sum(width + 3 for width in widths) + 1


_LEAST = 10  # columns a wrapping column needs to stay readable


def _one_line_orders(results: Sequence[OrderResult], wide: bool) -> Table:
    table = Table(title=_("Orders"), title_justify="left", header_style="bold")
    table.add_column(_("Order"), no_wrap=True, min_width=_id_width(results))
    table.add_column(_("Date"), no_wrap=True)
    money_columns = [_("Amount"), _("Refunded")]
    if wide:
        money_columns += [_("Rate"), _("Expected")]
    for name in (*money_columns, _("Cashback"), _("Cancelled")):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column(_("Status"), no_wrap=wide, min_width=None if wide else 12, overflow="fold")
    if wide:
        table.add_column(_("Reason"), min_width=14, overflow="fold")
    for result in results:
        cur = result.currency
        cells: list = [Text(result.order_id or ""), formats.day(result.ordered_at), _amount(result)]
        cells.append(formats.number(result.refunded, cur))
        if wide:
            cells += [_rate(result), formats.number(result.expected_cashback, cur)]
        cells += [formats.number(result.cashback, cur), formats.number(result.cancelled_cashback, cur)]
        if wide:
            cells += [_status(result), human_reason(result)]
        else:
            cells.append(_status(result).append("\n" + human_reason(result), style="default"))
        table.add_row(*cells)
    return table


def _two_line_orders(results: Sequence[OrderResult]) -> Table:
    table = Table(title=_("Orders"), title_justify="left", header_style="bold", show_lines=True)
    table.add_column(_("Order") + "\n" + _("Date"), no_wrap=True, min_width=_id_width(results))
    table.add_column(_("Amount") + "\n" + _("Refunded"), justify="right", no_wrap=True)
    table.add_column(_("Cashback") + "\n" + _("Status"), overflow="fold")
    for result in results:
        cur = result.currency
        cashback = Text(formats.money(result.cashback, cur))
        if result.cancelled_cashback:
            cashback.append(
                " " + _("(cancelled {money})").format(money=formats.number(result.cancelled_cashback, cur))
            )
        cashback.append("\n").append_text(_status(result)).append(" · " + human_reason(result))
        table.add_row(
            Text(f"{result.order_id or ''}\n{formats.day(result.ordered_at)}"),
            f"{_amount(result)}\n{formats.number(result.refunded, cur)}",
            cashback,
        )
    return table


def _order_cards(results: Sequence[OrderResult]) -> Table:
    """A phone's terminal: each order a card, its id on a line of its own, then its date and
    amount, its status, and its cashback, which is never squeezed away by a long id or figure."""
    # No borders: a 40-character id keeps a line of its own on a 40-column terminal.
    table = Table(title=_("Orders"), title_justify="left", show_header=False, box=None, padding=(0, 0, 1, 0))
    table.add_column(overflow="fold")
    for result in results:
        cur = result.currency
        card = Text(result.order_id or "—", style="bold")
        card.append(f"\n  {formats.day(result.ordered_at)} · {_amount(result)}")
        if result.refunded:
            card.append(f"\n  {_('Refunded')}: {formats.money(result.refunded, cur)}")
        card.append("\n  ").append_text(_status(result)).append(" · " + human_reason(result))
        card.append(f"\n  {_('Cashback')}: {formats.money(result.cashback, cur)}", style="bold")
        if result.cancelled_cashback:
            cancelled = formats.number(result.cancelled_cashback, cur)
            card.append(" " + _("(cancelled {money})").format(money=cancelled))
        table.add_row(card)
    return table


def _id_width(results: Sequence[OrderResult]) -> int:
    """Room for the longest order id (up to 32 characters, then it folds): ids are never cut."""
    return min(32, max((len(r.order_id or "") for r in results), default=5))


def _amount(result: OrderResult) -> str:
    return "—" if result.amount is None else formats.money(result.amount, result.currency)


def _rate(result: OrderResult) -> str:
    return _("fixed") if result.rate is None else formats.percent(result.rate)


# A no-break space held as a private-use character of the same width while Rich wraps, so
# that Rich, which breaks at any white space, sees each figure as one word.
_HELD = str.maketrans({"\u00a0": "\ue000", "\u202f": "\ue001"})
_FREED = str.maketrans({"\ue000": "\u00a0", "\ue001": "\u202f"})


class Whole(Text):
    """Text that breaks lines at ordinary spaces only: "3 999,99 ₽", "5 Dec 2026" and
    "1,234.56 USD" are written with no-break spaces and stay whole on a line of any width
    that holds them (Rich alone would break them, and size a column by their pieces)."""

    @classmethod
    def of(cls, text: Text) -> Whole:
        return cls(
            text.plain,
            style=text.style,
            justify=text.justify,
            overflow=text.overflow,
            no_wrap=text.no_wrap,
            end=text.end,
            tab_size=text.tab_size,
            spans=list(text.spans),
        )

    def _held(self) -> Text:
        held = self.copy()
        held.plain = self.plain.translate(_HELD)
        return held

    def wrap(self, console, width, **options):
        lines = Text.wrap(self._held(), console, width, **options)
        for line in lines:
            line.plain = line.plain.translate(_FREED)
        return lines

    def __rich_measure__(self, console, options):
        return Text(self.plain.translate(_HELD)).__rich_measure__(console, options)


def hold(renderable):
    """The renderable with each of its texts (table cells and headers, panel and group contents)
    as Whole, so that measuring and wrapping alike keep every figure on one line."""
    if type(renderable) is Text:
        return Whole.of(renderable)
    # Rich lets a column's cells and a group's parts be read, never replaced: the two writes
    # below use its private fields, which is why pyproject.toml caps rich at the major version
    # the tables are tested with. (Group.renderables would cache the parts before they are held.)
    if isinstance(renderable, Table):
        for column in renderable.columns:
            column.header = hold(column.header)
            column._cells = [hold(cell) for cell in column.cells]
    elif isinstance(renderable, Group):
        renderable._renderables = [hold(part) for part in renderable._renderables]
    elif hasattr(renderable, "renderable"):  # Panel, Padding
        renderable.renderable = hold(renderable.renderable)
    return renderable


class _DataConsole(Console):
    def on_broken_pipe(self) -> None:
        """Rich would exit 1 here, the code for bad data; the command's edge ends with 141."""
        raise BrokenPipeError

    def print(self, *objects, **options) -> None:
        super().print(*(hold(item) for item in objects), **options)

    def render(self, renderable, options=None):
        # print() joins the texts it is given into one plain Text: hold that one too
        return super().render(Whole.of(renderable) if type(renderable) is Text else renderable, options)

    def render_str(self, text, **options) -> Text:
        return Whole.of(super().render_str(text, **options))


def make_console(file=None) -> Console:
    """A console for data: colour only on a terminal (Rich honours NO_COLOR); wide when piped."""
    console = _DataConsole(file=file)
    if not console.is_terminal:
        console = _DataConsole(file=file, width=max(console.width, 132))
    return console


def totals_table(totals: Totals, console: Console, title: str) -> Table:
    """The totals per currency (or store and currency); see figures_table."""
    by_store = totals.by_store is not None
    rows = (
        sorted(totals.by_store.items())
        if by_store
        else sorted((("", cur), sums) for cur, sums in totals.by_currency.items())
    )
    keys = [_("Store"), _("Currency")] if by_store else [_("Currency")]
    columns = [
        (_("Orders"), None),
        (_("Pending"), "yellow"),
        (_("Confirmed"), "green"),
        (_("Cancelled"), "red"),
    ]
    lines = [
        (
            [store or _("(no store)"), cur] if by_store else [cur],
            [
                str(sums.orders),
                *(formats.number(v, cur) for v in (sums.pending, sums.confirmed, sums.cancelled)),
            ],
        )
        for (store, cur), sums in rows
    ]
    if not lines:
        lines = [(["—"] * len(keys), ["0", "—", "—", "—"])]
    return figures_table(title, keys, columns, lines, console)


def figures_table(
    title: str,
    keys: Sequence[str],
    columns: Sequence[tuple[str, str | None]],
    rows: Sequence[tuple[Sequence[str], Sequence[str]]],
    console: Console,
) -> Table:
    """Figures by key (a currency, a store and currency): a row per key when every key and
    figure fits the console whole; else a line per key with a line per figure below it, so
    that no key or figure is ever cut. `columns` are the figures' headers and styles."""
    table = Table(title=title, title_justify="left", header_style="bold")
    for key in keys:
        table.add_column(key, no_wrap=True)
    for header, style in columns:
        table.add_column(header, justify="right", style=style, no_wrap=True)
    for key_cells, cells in rows:
        table.add_row(*(Text(key) for key in key_cells), *cells)
    if fits(table, console):
        return table
    # as wide as its title, so that the title stays on one line where the console allows
    width = min(console.width, cell_len(title))
    stacked = Table(title=title, title_justify="left", show_header=False, min_width=width)
    stacked.add_column(overflow="fold")
    stacked.add_column(justify="right", no_wrap=True)
    for key_cells, cells in rows:
        stacked.add_row(Text(" · ".join(key_cells), style="bold"), "")
        for at, ((header, style), cell) in enumerate(zip(columns, cells, strict=True), 1):
            stacked.add_row(
                Text("  " + header), Text(cell, style=style or ""), end_section=at == len(columns)
            )
    return stacked


def dispute_panel(result: OrderResult, steps: Sequence[str], rounding: str, title: str) -> Panel:
    """One order's figures beside the numbered steps that led to them."""
    figures = Table.grid(padding=(0, 2))
    figures.add_column(style="bold")
    figures.add_column()
    cur = result.currency
    for label, value in (
        (_("Amount"), result.amount),
        (_("Refunded"), result.refunded),
        (_("Expected cashback"), result.expected_cashback),
        (_("Cashback"), result.cashback),
        (_("Cancelled cashback"), result.cancelled_cashback),
    ):
        figures.add_row(label, formats.money(value, cur) if value is not None else "—")
    figures.add_row(_("Status"), _status(result))
    # A cancelled order is never confirmed: its date is the day its outcome became final.
    final = result.status is Status.CANCELLED
    confirm_on = formats.day(result.confirm_on) if result.confirm_on else "—"
    figures.add_row(_("Final on") if final else _("Confirm on"), confirm_on)
    figures.add_row(_("Reason"), human_reason(result))
    reported = result.reported
    if reported is not None:  # what the network or the service says, beside the rules' figures
        if reported.status is not None:
            word = f" ({reported.network_status})" if reported.network_status else ""
            figures.add_row(_("Reported status"), Text(status_word(reported.status) + word))
        if reported.cashback is not None:
            figures.add_row(_("Reported cashback"), formats.money(reported.cashback, cur))
        if reported.locks_on is not None:
            figures.add_row(_("Network locks on"), formats.day(reported.locks_on))
    return Panel(Group(figures, Text(""), steps_text(steps)), title=escape(title), expand=False)


def steps_text(steps: Sequence[str]) -> Text:
    return Text("\n".join(f"{n}. {step}" for n, step in enumerate(steps, start=1)))


def what_if_table(
    without: OrderResult, with_refund: OrderResult, rounding: str, others: bool = False, ends=None
) -> Table:
    """The shopper's choice side by side: no dispute, or a dispute ending with this refund, each
    with the day its cashback is confirmed; a refund in full says the day it ends the dispute
    (`ends`), which is when the cashback is lost. With `others`, the order has disputes of its
    own, which count on both sides: the choice is about one more."""
    cur = without.currency
    table = Table(title=_("What a dispute does to the cashback"), title_justify="left", header_style="bold")
    table.add_column("")
    if others:
        table.add_column(_("No new dispute"), justify="right")
        table.add_column(_("New dispute with this refund"), justify="right")
    else:
        table.add_column(_("No dispute"), justify="right")
        table.add_column(_("Dispute with this refund"), justify="right")
    for label, key in (
        (_("Money back"), "refunded"),
        (_("Cashback kept"), "cashback"),
        (_("Cashback lost"), "cancelled_cashback"),
    ):
        table.add_row(
            label, formats.money(getattr(without, key), cur), formats.money(getattr(with_refund, key), cur)
        )
    table.add_row(_("Status"), _status(without), _status(with_refund))

    # The day each side's cashback is confirmed; a cancelled side's is the day it became final.
    both_cancelled = without.status is with_refund.status is Status.CANCELLED

    def when(result: OrderResult) -> str:
        if result.confirm_on is None:
            return human_reason(result)  # a dispute is open: no one knows the day yet
        day = formats.day(result.confirm_on)
        if result.status is Status.CANCELLED and not both_cancelled:
            if result is with_refund and ends is not None and result.refunded == result.amount:
                return _("lost on {date}, the day of the refund").format(date=formats.day(ends))
            return _("final on {date}").format(date=day)
        return day

    label = _("Final on") if both_cancelled else _("Confirm on")
    table.add_row(label, when(without), when(with_refund))
    return table
