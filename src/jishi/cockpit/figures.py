"""The cockpit's figures, read from the rollups (historical counters) or from a few indexed live
queries (overdue now, whistles open). Rates are computed from the counters, never stored."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jishi.cases import figures as shared
from jishi.cases.choices import OPEN_STATES, Channel
from jishi.cases.due import overdue_q
from jishi.cases.models import Case, Category, Whistle
from jishi.cockpit.models import CHANNEL, COUNTERS, FINE, TOWN, DailyRollup
from jishi.cockpit.periods import Period, today
from jishi.cockpit.scope import case_filter, rollup_filter
from jishi.org.choices import Level
from jishi.org.models import Region

CHILD_LEVEL = {Level.CITY: Level.TOWN, Level.TOWN: Level.VILLAGE, Level.VILLAGE: Level.GRID}
METRIC_LABELS = {
    "received": _("受理事件"), "closed": _("结案"), "received_closed": _("已办结"), "closed_on_time": _("按期办结"),
    "rejected": _("不予立案"), "rework": _("返工"), "rated": _("评价"), "satisfied": _("满意（含基本满意）"),
    "rated_basic": _("基本满意"),
    "supervisions": _("督办通知"), "overdue_opened": _("新增超期"), "whistles": _("吹哨"),
    "overdue_now": _("当前超期"), "whistles_open": _("吹哨未结"),
}


_rate = shared.percent  # every rate in per cent, rounded once, the same way as on the boards and in the API


def rates(t: dict) -> dict:
    """The shared rates of a set of counters (``jishi.cases.figures`` defines each one)."""
    basic = t.get("rated_basic", 0)
    return {"closure_base": t["received"] - t["rejected"],
            "closure_rate": _rate(t["received_closed"], t["received"] - t["rejected"]),
            "on_time_rate": _rate(t["closed_on_time"], t["received_closed"]),
            "satisfaction_rate": _rate(shared.satisfied_weighted(t["satisfied"] - basic, basic), t["rated"])}


def rollups(region: Region, first, last, grain: str = FINE):
    """Rollup rows of ``grain`` inside ``region`` from ``first`` to ``last`` (dates, inclusive)."""
    return DailyRollup.objects.filter(grain=grain, day__gte=first, day__lte=last, **rollup_filter(region))


def _coarse(region: Region, grain: str) -> str:
    """The city and town pages read the coarse grain (bounded rows); villages and grids the fine one."""
    return grain if region.level in (Level.CITY, Level.TOWN) else FINE


def totals(region: Region, p: Period) -> dict[str, int]:
    agg = rollups(region, p.first, p.last, _coarse(region, TOWN)).aggregate(**{c: Sum(c) for c in COUNTERS})
    return {c: agg[c] or 0 for c in COUNTERS}


def live(region: Region) -> dict[str, int]:
    """Figures of the present moment: cases overdue now, whistles whose case is still open."""
    now = timezone.now()
    overdue = Case.objects.filter(case_filter(region)).filter(overdue_q(now)).count()
    whistles = Whistle.objects.filter(case_filter(region, "case__"), case__state__in=sorted(OPEN_STATES)).count()
    return {"overdue_now": overdue, "whistles_open": whistles}


def kpis(region: Region, p: Period) -> dict:
    t = totals(region, p)
    return {**t, **live(region), **rates(t), "points": points(region, p)}


def mediation(region: Region, p: Period) -> dict | None:
    """Disputes resolved in the period by level (小事不出村), through the mediation app's own query."""
    if "jishi.mediation" not in settings.INSTALLED_APPS:
        return None
    from jishi.mediation.queries import level_shares

    shares = level_shares(region, p)
    v = shares["village_share"]
    return {**shares, "village_pct": None if v is None else round(v * 100, 1)}


def engage(region: Region, p: Period) -> dict | None:
    """Wishes posted and fulfilled in the period (the fulfilment rate), micro-projects completed and needs they
    closed, through the engagement app's own queries."""
    if "jishi.engage" not in settings.INSTALLED_APPS:
        return None
    from jishi.engage.queries import fulfilment_rate, project_stats

    rate = fulfilment_rate(region, p)
    return {**rate, "pct": None if rate["rate"] is None else round(rate["rate"] * 100, 1),
            "projects": project_stats(region, p)}
def blueprint(region: Region, p: Period) -> dict | None:
    """The blueprint's progress in the region (书记项目), through the blueprint app's own query: the year of the
    period's last day, else the newest blueprint."""
    if "jishi.blueprint" not in settings.INSTALLED_APPS:
        return None
    from jishi.blueprint.queries import cockpit_figure

    return cockpit_figure(region, p.last.year) or cockpit_figure(region)


def points(region: Region, p: Period | None = None) -> dict | None:
    """Points issued and redeemed in the region during the period ``p`` (all time without one), through the
    points app's own query."""
    if "jishi.points" not in settings.INSTALLED_APPS:
        return None
    from jishi.points.queries import totals

    return totals(case_filter(region), *((p.start, p.end) if p is not None else ()))


def trend(region: Region, days: int = 30) -> list[dict]:
    """Received and closed per day over the last ``days`` days (zeros filled in)."""
    last = today()
    first = last - timedelta(days=days - 1)
    rows = {r["day"]: r for r in rollups(region, first, last, _coarse(region, TOWN)).values("day")
            .annotate(received=Sum("received"), closed=Sum("closed"))}
    out = []
    for i in range(days):
        d = first + timedelta(days=i)
        r = rows.get(d, {})
        out.append({"day": d.isoformat(), "received": r.get("received") or 0, "closed": r.get("closed") or 0})
    return out


def channel_mix(region: Region, p: Period) -> list[dict]:
    labels = dict(Channel.choices)
    rows = (rollups(region, p.first, p.last, _coarse(region, CHANNEL)).values("channel")
            .annotate(n=Sum("received")).order_by("-n"))
    return [{"key": r["channel"], "label": str(labels.get(r["channel"], r["channel"])), "n": r["n"]}
            for r in rows if r["n"]]


def category_mix(region: Region, p: Period, top: int = 10) -> list[dict]:
    """Received per main category (大类), largest first."""
    rows = rollups(region, p.first, p.last, _coarse(region, TOWN)).values("category").annotate(n=Sum("received"))
    cats = {c.pk: c for c in Category.objects.select_related("parent")}
    by_main: dict[int, int] = {}
    for r in rows:
        c = cats.get(r["category"])
        main = (c.parent_id or c.pk) if c else 0
        by_main[main] = by_main.get(main, 0) + (r["n"] or 0)
    out = [{"key": k, "label": cats[k].name if k in cats else "—", "n": n} for k, n in by_main.items() if n]
    return sorted(out, key=lambda r: -r["n"])[:top]


def children(region: Region, p: Period) -> list[dict]:
    """Per sub-region (towns of the city, villages of a town, grids of a village): the main rates."""
    level = CHILD_LEVEL.get(region.level)
    if level is None:
        return []
    subs = list(Region.objects.filter(level=level).filter(case_filter(region) if region.level != Level.CITY else Q())
                .order_by("sort", "code"))
    grain = TOWN if region.level == Level.CITY else FINE
    rows = {r[level]: r for r in rollups(region, p.first, p.last, grain).values(level).annotate(
        received=Sum("received"), rejected=Sum("rejected"), received_closed=Sum("received_closed"),
        closed_on_time=Sum("closed_on_time"), rated=Sum("rated"), satisfied=Sum("satisfied"),
        rated_basic=Sum("rated_basic"))}
    out = []
    for s in subs:
        r = rows.get(s.pk, {})
        g = {k: r.get(k) or 0 for k in ("received", "rejected", "received_closed", "closed_on_time", "rated", "satisfied",
                                        "rated_basic")}
        out.append({"region": s, **g, **rates(g)})
    return out


RANKED_BOARDS = (("department", _("职能部门排名")), ("town", _("镇(街道)排名")))


def rankings(top: int = 3) -> list[dict]:
    """Top and bottom ``top`` units of the latest published department and town boards (scoring app),
    with the board's link; ``board`` is None when no such board is published."""
    if "jishi.scoring" not in settings.INSTALLED_APPS:
        return []
    from django.urls import reverse
    from django.utils.http import urlencode

    from jishi.scoring.models import Board

    out = []
    for unit_type, title in RANKED_BOARDS:
        board = (Board.objects.filter(unit_type=unit_type).select_related("scheme")
                 .order_by("-month", "-published_at", "-pk").first())
        entry = {"unit_type": unit_type, "title": title, "board": board, "top": [], "bottom": [], "url": ""}
        if board is not None:
            ranked = list(board.rows.filter(rank__isnull=False).order_by("rank", "unit_name")
                          .values("unit_id", "unit_name", "rank", "score", "grade"))
            entry["top"] = ranked[:top]
            entry["bottom"] = ranked[-top:][::-1] if len(ranked) > top else []
            entry["bottom"] = [r for r in entry["bottom"] if r not in entry["top"]]
            entry["url"] = (reverse("scoring-board", args=[unit_type, board.month])
                            + "?" + urlencode({"scheme": board.scheme.code}))
        out.append(entry)
    return out


def grid_force(region: Region) -> dict:
    """Grid force on duty in ``region`` (jishi.org.gridforce): grids meeting 1+1+1+3+N of all grids,
    and the active grid-force posts (staff on post)."""
    from jishi.org import gridforce

    if region.level == Level.GRID:
        grids = [region.pk]
    else:
        grids = list(Region.objects.filter(level=Level.GRID).filter(case_filter(region)).values_list("pk", flat=True))
    force = gridforce.grid_force(grids)
    return {"grids": len(grids), "complete": sum(1 for f in force.values() if f.complete),
            "staff": sum(sum(f.counts.values()) for f in force.values()),
            "rate": _rate(sum(1 for f in force.values() if f.complete), len(grids))}
