"""A reconciliation in words, JSON, CSV and tables: what differs, why, and what is at stake.

JSON and CSV keep English whatever the language (scripts read them); a table shows the same
words translated, so each text goes through `tr`: the identity for JSON, gettext for people.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import date
from typing import IO, Any

from ..core.money import format_money
from ..core.reconcile import Difference, Reconciliation, Verdict
from ..i18n import _
from . import formats
from .explanation import english, explained_day, human_reason, status_word
from .render import ORDER_KEYS, order_values, reported_values, spreadsheet_safe

Translate = Callable[[str], str]
VERDICT_KEYS = ("verdict", "at_stake", "over", "why")
COMPARED_KEYS = ("reported_status", "reported_cashback")  # in every difference, carried or not
# Each verdict's name as people read it, translated where shown.
VERDICT_NAMES = {
    "cancelled_but_owed": "cancelled, but owed",
    "over": "paid over",
    "short": "paid short",
    "overdue": "overdue",
    "early": "confirmed early",
}


def why(difference: Difference, tr: Translate = english) -> str:
    """The verdict in plain words, with the figures that lead to it."""
    result = difference.result
    cur = result.currency

    def money(value) -> str:
        return f"{format_money(value, cur)} {cur}" if tr is english else formats.money(value, cur)

    reported = result.reported
    paid = reported.cashback if reported is not None else None
    verdict = difference.verdict
    if verdict is Verdict.CANCELLED_BUT_OWED:
        if result.refunded and result.amount is not None:
            return tr(
                "the service cancelled it, but only {refunded} of {amount} was refunded: "
                "{cashback} cashback is still due"
            ).format(
                refunded=money(result.refunded), amount=money(result.amount), cashback=money(result.cashback)
            )
        return tr(
            "the service cancelled it, but nothing was refunded: {cashback} cashback is still due"
        ).format(cashback=money(result.cashback))
    if verdict is Verdict.OVER:
        shown = money(paid) if paid is not None else status_word(reported.status, tr)  # type: ignore[union-attr]
        return tr(
            "the service reports {reported}, but the rules give {cashback} ({reason}): {over} over"
        ).format(
            reported=shown,
            cashback=money(result.cashback),
            reason=human_reason(result, tr),
            over=money(difference.over),
        )
    if verdict is Verdict.SHORT:
        return tr(
            "the service reports {reported}, but the rules give {cashback}: {short} is still due"
        ).format(reported=money(paid), cashback=money(result.cashback), short=money(difference.at_stake))
    if verdict is Verdict.OVERDUE:
        return tr(
            "the service still shows it pending, but the rules confirm it on {date}: {cashback} is due"
        ).format(
            date=explained_day(result.confirm_on, tr) if result.confirm_on else "—",
            cashback=money(result.cashback),
        )
    return tr("the service confirmed it, but by the rules it is still pending ({reason})").format(
        reason=human_reason(result, tr)
    )


def difference_keys(keys: tuple[str, ...]) -> tuple[str, ...]:
    """A difference's keys: the order object's (with the `keys` its input carries, as `status`
    prints them), what the service reports, then the verdict's."""
    return (*ORDER_KEYS, *keys, *(key for key in COMPARED_KEYS if key not in keys), *VERDICT_KEYS)


def difference_values(difference: Difference, rounding: str, keys: tuple[str, ...] = ()) -> tuple:
    result = difference.result
    cur = result.currency
    extra = (*keys, *(key for key in COMPARED_KEYS if key not in keys))
    return (
        *order_values(result, rounding),
        *reported_values(result, extra),
        difference.verdict.value,
        format_money(difference.at_stake, cur),
        format_money(difference.over, cur),
        why(difference),
    )


def totals_object(check: Reconciliation) -> dict[str, dict[str, Any]]:
    return {
        cur: {
            "compared": sums.compared,
            "differ": sums.differ,
            "at_stake": format_money(sums.at_stake, cur),
            "over": format_money(sums.over, cur),
            "not_compared": sums.not_compared,
        }
        for cur, sums in sorted(check.by_currency.items())
    }


def write_json(
    out: IO[str], as_of: date, check: Reconciliation, rounding: str, keys: tuple[str, ...] = ()
) -> None:
    """One document; a difference per line, so a long list stays readable and diffable."""
    out.write(f'{{"as_of": {json.dumps(as_of.isoformat())}, "differences": [')
    separator = "\n"
    for difference in check.by_stake():
        values = difference_values(difference, rounding, keys)
        document = dict(zip(difference_keys(keys), values, strict=True))
        out.write(separator + json.dumps(document, ensure_ascii=False))
        separator = ",\n"
    out.write(f'\n], "totals": {json.dumps(totals_object(check), ensure_ascii=False)}}}\n')


def write_csv(out: IO[str], check: Reconciliation, rounding: str, keys: tuple[str, ...] = ()) -> None:
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(difference_keys(keys))
    for difference in check.by_stake():
        values = difference_values(difference, rounding, keys)
        # the order id, the store and the service's own status word are the user's text
        writer.writerow(tuple(spreadsheet_safe(v) if isinstance(v, str) else v for v in values))


def headline(check: Reconciliation) -> str:
    """One line a shopper reads first: how many differ and the money each way, per currency."""
    differ = sum(sums.differ for sums in check.by_currency.values())
    compared = sum(sums.compared for sums in check.by_currency.values())
    if not differ:
        return _("All {count} orders compared agree with the rules.").format(count=compared)
    owed = [formats.money(s.at_stake, c) for c, s in sorted(check.by_currency.items()) if s.at_stake]
    over = [formats.money(s.over, c) for c, s in sorted(check.by_currency.items()) if s.over]
    parts = []
    if owed:
        parts.append(_("{money} owed to you").format(money=", ".join(owed)))
    if over:
        parts.append(_("{money} paid over").format(money=", ".join(over)))
    text = _("{count} of {compared} orders differ").format(count=differ, compared=compared)
    return text + (": " + "; ".join(parts) if parts else "") + "."


def draw(console, as_of: date, check: Reconciliation, rounding: str) -> None:
    """The headline, the differences by money at stake, and the totals per currency."""
    from rich.table import Table
    from rich.text import Text

    from .tables import figures_table, fits

    console.print(Text(headline(check), style="bold"))
    differences = check.by_stake()
    title = _("Differences as of {date}").format(date=formats.day(as_of))
    if differences:
        table = Table(title=title, title_justify="left", header_style="bold")
        table.add_column(
            _("Order"),
            no_wrap=True,
            min_width=min(20, max(len(d.result.order_id or "") for d in differences)),
        )
        table.add_column(_("Verdict"))
        table.add_column(_("At stake"), justify="right", no_wrap=True)
        table.add_column(_("Service says"))
        table.add_column(_("Rules say"))
        table.add_column(_("Why"), min_width=20, ratio=1, overflow="fold")
        for difference in differences:
            result = difference.result
            said, ours = _sides(difference)
            table.add_row(
                Text(result.order_id or "", overflow="fold"),
                _(VERDICT_NAMES[difference.verdict.value]),
                _stake(difference),
                said,
                ours,
                why(difference, _),
            )
        if fits(table, console) and console.width >= NARROW:
            console.print(table)
        else:
            _draw_cards(console, title, differences)
    columns = [_("Compared"), _("Differ"), _("Owed to you"), _("Paid over"), _("Not compared")]
    rows = [
        (
            [cur],
            [
                str(sums.compared),
                str(sums.differ),
                formats.number(sums.at_stake, cur),
                formats.number(sums.over, cur),
                str(sums.not_compared),
            ],
        )
        for cur, sums in sorted(check.by_currency.items())
    ]
    title = _("Compared as of {date}").format(date=formats.day(as_of))
    totals = figures_table(title, [_("Currency")], [(name, None) for name in columns], rows, console)
    console.print(totals)


NARROW = 100  # columns: below this, a card per difference instead of a table that would cut


def _sides(difference: Difference):
    """What the service says and what the rules say: a status word in its colour, and cashback."""
    from rich.text import Text

    from .tables import STATUS_STYLE

    result = difference.result
    cur = result.currency
    reported = result.reported
    said = Text()
    if reported is not None and reported.status is not None:
        said.append(status_word(reported.status), style=STATUS_STYLE[reported.status])
    if reported is not None and reported.cashback is not None:
        said.append(f" {formats.number(reported.cashback, cur)}")
    ours = Text(status_word(result.status), style=STATUS_STYLE[result.status])
    ours.append(f" {formats.number(result.cashback, cur)}", style="default")
    return (said if said.plain else Text("—")), ours


def _stake(difference: Difference) -> str:
    stake = difference.at_stake or difference.over
    cur = difference.result.currency
    return formats.money(stake, cur) if stake else "—"


def _draw_cards(console, title: str, differences: list[Difference]) -> None:
    """A narrow terminal: each difference as a few lines, so no id or amount is ever cut."""
    from rich.padding import Padding
    from rich.text import Text

    console.print(Text(title, style="italic"))
    for difference in differences:
        said, ours = _sides(difference)
        head = Text(difference.result.order_id or "", style="bold")
        head.append(f"  {_(VERDICT_NAMES[difference.verdict.value])}  {_stake(difference)}")
        sides = Text(_("service: ")) + said + Text(_("; rules: ")) + ours
        console.print(head)
        console.print(Padding(sides, (0, 0, 0, 2)))
        console.print(Padding(Text(why(difference, _), overflow="fold"), (0, 0, 0, 2)))
