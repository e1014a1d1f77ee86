"""The line a shopper reads first, per currency: how much is pending and when it comes, what
waits on a dispute, what is confirmed and what refunds took."""

from __future__ import annotations

from ..core.timeline import Outlook
from ..i18n import _, ngettext
from .formats import money, number, spoken_day

SHOWN_DAYS = 3  # due dates named in the headline; the rest are summed as "later"
SHOWN_ORDERS = 3  # orders named as waiting on a dispute; more are counted


def headline(outlook: Outlook) -> list[str]:
    lines = []
    for cur in outlook.currencies():
        sentences = []
        pending = _pending(outlook, cur)
        if pending:
            sentences.append(pending)
        if outlook.confirmed.get(cur):
            sentences.append(_("Confirmed {money}.").format(money=money(outlook.confirmed[cur], cur)))
        if outlook.lost.get(cur):
            sentences.append(_("Lost to refunds {money}.").format(money=money(outlook.lost[cur], cur)))
        if sentences:
            lines.append(" ".join(sentences))
    return lines


def _pending(outlook: Outlook, cur: str) -> str | None:
    days = sorted(outlook.due.get(cur, {}).items())
    waiting = outlook.waiting.get(cur, [])
    total = sum((amount for _day, amount in days), start=sum((c for _id, c in waiting), start=0))
    if not days and not waiting:
        return None
    parts = [
        _("{amount} on {date}").format(amount=number(amount, cur), date=spoken_day(day))
        for day, amount in days[:SHOWN_DAYS]
    ]
    later = sum((amount for _day, amount in days[SHOWN_DAYS:]), start=0)
    if days[SHOWN_DAYS:]:
        parts.append(_("{amount} later").format(amount=number(later, cur)))
    if waiting:
        ids = [order_id or "?" for order_id, _cashback in waiting]
        amount = number(sum(c for _id, c in waiting), cur)
        if len(ids) <= SHOWN_ORDERS:
            text = ngettext(
                "{amount} when the dispute on {orders} closes",
                "{amount} when the disputes on {orders} close",
                len(ids),
            )
            parts.append(text.format(amount=amount, orders=", ".join(ids)))
        else:
            text = ngettext(
                "{amount} when the disputes on {count} order close",
                "{amount} when the disputes on {count} orders close",
                len(ids),
            )
            parts.append(text.format(amount=amount, count=len(ids)))
    return _("Pending {money}: {parts}.").format(money=money(total, cur), parts=", ".join(parts))
