"""The ledgers as a reader opens them (自动台账): which regions the actor may choose, which ledgers apply to a
region's level, the month, and the built table. Reads only through ``core.ledgers`` (each app's own ``build``,
which reads through ``restrict``); a region outside the actor's scope is "not found"."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jishi.core import ledgers
from jishi.core.errors import NotFound, ValidationFailed
from jishi.org.choices import Level
from jishi.org.models import Region
from jishi.org.policy import as_actor

LEVELS = (Level.CITY, Level.TOWN, Level.VILLAGE)
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
TOTAL_LABELS = {
    "reported": _("受理"), "closed": _("办结"), "on_time": _("按期办结"), "rated": _("评价"),
    "satisfaction": _("满意率(%)"), "visits": _("走访次数"), "households_visited": _("走访户数"),
    "households_target": _("应访户数"), "by_in_person": _("入户"), "by_phone": _("电话"), "by_online": _("网络"),
    "issued": _("发放积分"), "redeemed": _("兑换积分"), "registered": _("受理纠纷"), "resolved": _("达成协议"),
    "bookings": _("使用场次"), "cancelled": _("取消场次"), "attendees": _("参加人数"), "venues_used": _("使用阵地数"),
}


def regions(actor):
    """The city, towns and villages the actor may open ledgers of (their scope), in tree order."""
    return Region.objects.restrict(as_actor(actor), "view").filter(level__in=LEVELS).order_by("path")


def home(actor) -> Region | None:
    rank = {lv: i for i, lv in enumerate(LEVELS)}
    found = list(regions(actor)[:400])
    return min(found, key=lambda r: (rank[r.level], r.path)) if found else None


def region_for(actor, pk) -> Region:
    from jishi.burden.access import pk_of

    pk = pk_of(pk)
    r = regions(actor).filter(pk=pk).first() if pk else None
    if r is None:
        raise NotFound("区域不存在或不在您的范围内")
    return r


def month_of(value) -> tuple[date, date]:
    """(first, last) day of a ``YYYY-MM`` month; empty: last month (the month a ledger is asked for)."""
    if not value:
        today = timezone.localdate()
        return ledgers.month_bounds(today.replace(day=1) - timedelta(days=1))
    m = MONTH_RE.match(str(value).strip())
    if not m or not (2000 <= int(m.group(1)) <= 2100 and 1 <= int(m.group(2)) <= 12):
        raise ValidationFailed("月份格式应为 2026-01", field="month")
    return ledgers.month_bounds(date(int(m.group(1)), int(m.group(2)), 1))


def available(region: Region | None = None) -> list:
    """The registered ledgers (for a region's level when given)."""
    return [led for led in ledgers.registered() if region is None or region.level in led.levels]


def ledger_of(code: str):
    led = ledgers.ledger(code or "")
    if led is None:
        raise NotFound("台账不存在")
    return led


def open_ledger(actor, code: str, region_pk, month) -> dict:
    """The ledger ``code`` of region ``region_pk`` for ``month`` as the actor may see it."""
    actor = as_actor(actor)
    led = ledger_of(code)
    region = region_for(actor, region_pk)
    if region.level not in led.levels:
        raise NotFound("该区域没有此台账")
    first, last = month_of(month)
    table = led.build(actor, region, first, last)
    return {"ledger": led, "region": region, "first": first, "last": last, "table": table, "month": f"{first:%Y-%m}",
            "totals": [(k, str(TOTAL_LABELS.get(k, k)), v) for k, v in table.totals.items()]}


def shown(value, kind: str) -> str:
    """A cell as the pages and the print view show it."""
    if value is None or value == "":
        return ""
    if kind == "datetime" and hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M")
    if kind == "date" and hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    if kind == "rate" and isinstance(value, int | float):
        return f"{value * 100:.1f}%"
    return str(value)


def display(table, limit: int | None = None) -> dict:
    """The table for a page: header, rows as strings (at most ``limit``), the sums of the summed columns."""
    cols = list(table.columns)
    rows = table.rows if limit is None else table.rows[:limit]
    sums = [(sum(r[i] or 0 for r in table.rows) if c.total and i else "") for i, c in enumerate(cols)]
    if cols:
        sums[0] = "合计"
    return {"columns": cols, "rows": [[(shown(v, c.kind), c.kind in ("int", "decimal", "rate"))
                                       for v, c in zip(r, cols, strict=False)] for r in rows],
            "count": len(table.rows), "cut": limit is not None and len(table.rows) > limit, "sums": sums}
