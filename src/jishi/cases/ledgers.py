"""The monthly case ledger (事件台账) offered to ``core.ledgers``: the cases reported in the region in the month
(number, category, channel, reported, state, closed, on time) and its totals — reported, closed, on time,
satisfaction — read with the named figures of ``cases.figures`` (``figures``), the same definitions the cockpit
and the scoring boards use."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jishi.cases import figures as named
from jishi.cases.choices import Channel, Rating, State
from jishi.cases.models import Case, CaseEvent
from jishi.core.ledgers import Column, LedgerTable, bounds, register_ledger, where

COLUMNS = [Column("number", _("编号")), Column("category", _("分类")), Column("channel", _("渠道")),
           Column("reported_at", _("上报时间"), "datetime"), Column("state", _("状态")),
           Column("closed_at", _("结案时间"), "datetime"), Column("closed", _("已办结"), "int", total=True),
           Column("on_time", _("按期办结"), "int", total=True)]
NOTE = "数据来自事件工单（各渠道上报的事件及其处置时间线），口径同驾驶舱与考核榜（jishi.cases.figures）"


def _rated(events) -> tuple[int, int, int]:
    """(counted ratings, 满意, 基本满意) of a queryset of ``CaseEvent``."""
    rated = satisfied = basic = 0
    for rating in events.filter(named.counted_ratings()).values_list("data__rating", flat=True):
        rated += 1
        satisfied += rating == Rating.SATISFIED
        basic += rating == Rating.BASIC
    return rated, satisfied, basic


def _totals(reported: int, closed: int, on_time: int, rated: tuple[int, int, int]) -> dict:
    n, s, b = rated
    return {"reported": reported, "closed": closed, "on_time": on_time, "rated": n,
            "satisfaction": named.percent(named.satisfied_weighted(s, b), n)}


def build(actor, region, first, last) -> LedgerTable:
    start, end = bounds(first, last)
    cases = Case.objects.restrict(actor, "view").filter(named.received(start, end), **where(region))
    channels, states = dict(Channel.choices), dict(State.choices)
    rows, closed, on_time = [], 0, 0
    for c in cases.values("number", "category__name", "channel", "reported_at", "state", "closed_at",
                          "handle_due_at").order_by("reported_at", "id"):
        is_closed = c["state"] == State.CLOSED and c["closed_at"] is not None
        in_time = is_closed and c["handle_due_at"] is not None and c["closed_at"] <= c["handle_due_at"]
        closed += is_closed
        on_time += in_time
        rows.append((c["number"], c["category__name"], str(channels.get(c["channel"], c["channel"])),
                     timezone.localtime(c["reported_at"]), str(states.get(c["state"], c["state"])),
                     timezone.localtime(c["closed_at"]) if c["closed_at"] else None, int(is_closed), int(in_time)))
    mine = Case.objects.restrict(actor, "view").filter(**where(region)).values("pk")
    ratings = _rated(CaseEvent.objects.filter(case_id__in=mine, at__gte=start, at__lt=end))
    return LedgerTable(COLUMNS, rows, _totals(len(rows), closed, on_time, ratings), NOTE)


def figures(region, first, last) -> dict:
    """The same totals with the named figures, straight from the case tables (no scope: the region's own)."""
    start, end = bounds(first, last)
    cases = Case.objects.filter(**where(region))
    ratings = _rated(CaseEvent.objects.filter(named.counted_ratings(start, end), **where(region, "case__")))
    return _totals(cases.filter(named.received(start, end)).count(), cases.filter(named.received_closed(start, end)).count(),
                   cases.filter(named.closed_on_time(start, end)).count(), ratings)


def register() -> None:
    register_ledger("cases.monthly", _("事件处置月台账"), build, figures=figures, app="jishi.cases", order=10)
