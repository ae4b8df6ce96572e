"""The venues workbook of a region (openpyxl, Chinese headers): each village's gap to 1+3+10, the 8-minute
coverage of every sub-region down to the micro-grid, and the venues with their functions."""

from __future__ import annotations

from io import BytesIO

from django.db.models import Sum
from openpyxl import Workbook
from openpyxl.styles import Font

from jishi.org.models import Region
from jishi.org.policy import as_actor
from jishi.org.queries import in_region
from jishi.venues import queries
from jishi.venues.choices import DEFAULT_FUNCTIONS, Function
from jishi.venues.models import CoverageCell

GAP_HEADERS = ["镇(街道)", "村(社区)", "党群服务中心", "先锋驿站", "睦邻点", "其他阵地", "缺中心", "缺驿站", "缺睦邻点",
               "达标(1+3+10)"]
COV_HEADERS = ["层级", "区域", "户数", "8分钟内户数", "圈外户数", "覆盖率", "平均步行(分钟)"]
VENUE_HEADERS = ["编号", "名称", "类型", "村(社区)", "地址", "经度", "纬度", "开放时间", "服务功能", "状态"]
LEVEL_NAMES = {"town": "镇(街道)", "village": "村(社区)", "grid": "网格", "microgrid": "微网格"}


def _sheet(wb, title: str, headers: list[str], rows):
    ws = wb.create_sheet(title)
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for r in rows:
        ws.append(r)
    return ws


def coverage_rows(actor, region: Region) -> list[list]:
    """One line per sub-region at every level under ``region`` (one GROUP BY a level)."""
    qs = in_region(CoverageCell.objects.restrict(as_actor(actor), "view"), region)
    names = dict(Region.objects.filter(path__startswith=region.path).values_list("id", "name"))
    rows = []
    for level in ("town", "village", "grid", "microgrid"):
        for r in (qs.exclude(**{f"{level}_id": None}).values(f"{level}_id")
                  .annotate(h=Sum("households"), c=Sum("covered"), u=Sum("unlocated"), m=Sum("minutes_sum"))
                  .order_by(f"{level}_id")):
            rid = r[f"{level}_id"]
            if rid not in names:
                continue
            h, c, u = r["h"] or 0, r["c"] or 0, r["u"] or 0
            rows.append([LEVEL_NAMES[level], names[rid], h, c, h - c, round(c / h, 4) if h else None,
                         round((r["m"] or 0) / (h - u), 1) if h - u else None])
    return rows


def workbook(actor, region: Region) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    gaps = queries.village_gaps(actor, region)
    _sheet(wb, "1+3+10差距", GAP_HEADERS, ([g.town, g.name, g.centres, g.stations, g.points, g.others, g.need_centres,
                                          g.need_stations, g.need_points, "是" if g.complete else "否"] for g in gaps))
    _sheet(wb, "8分钟服务圈", COV_HEADERS, coverage_rows(actor, region))
    labels = dict(Function.choices)
    venue_rows = []
    for v in queries.venues_in(actor, region)[:50_000]:
        p = getattr(v, "venue_profile", None)
        fns = p.functions if p else [str(f) for f in DEFAULT_FUNCTIONS.get(v.kind, [])]
        venue_rows.append([v.pk, v.name, v.get_kind_display(), v.village.name if v.village else "", v.address, v.lng,
                           v.lat, v.opening_hours, "、".join(str(labels.get(f, f)) for f in fns),
                           "开放" if (p is None or p.is_open) else "停用"])
    _sheet(wb, "阵地清单", VENUE_HEADERS, venue_rows)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()
