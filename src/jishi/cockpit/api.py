"""Cockpit endpoints (/api/v1/cockpit): the figures of the cockpit pages, computed by the very same
functions (``jishi.cockpit.figures``, ``analysis``, ``geo``), for a region the caller may open.

    GET /cockpit            KPIs, 30-day trend, channel and category mix, per-child-region table,
                            grid force, ranking boards (``region``; ``period`` or ``from``/``to``)
    GET /cockpit/analysis   hot spots, repeat addresses and reporters, worsening handling, growing backlogs
    GET /cockpit/map        recent located cases and the sub-regions' closure rate (GeoJSON)

Who: the roles that have a cockpit page (city/town commander, village cadre, admin); others get 403.
Which region: ``region`` (default: the caller's own top region, as the page) must be a city/town/village/grid
inside the caller's data scope (the city only for city-wide roles); anything else is 404.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from jishi.cases.figures import FIGURES
from jishi.cockpit import analysis, figures, geo
from jishi.cockpit.periods import LABELS, Period, custom, parse
from jishi.cockpit.presenters import drill_url
from jishi.cockpit.records import METRICS
from jishi.cockpit.scope import may_open, region_for
from jishi.core.errors import NotFound, PermissionDenied
from jishi.http.auth import require_scope
from jishi.http.types import Id
from jishi.org.middleware import actor_of
from jishi.org.models import Region

router = Router()

PeriodKey = Enum("CockpitPeriodKey", {k: k for k in LABELS}, type=str)
NOT_VISIBLE = "区域不存在，或不在您的驾驶舱范围内"


# --- schemas ---------------------------------------------------------------------------------

class CockpitQuery(Schema):
    region: Id | None = Field(None, description="区域 id（市/镇/村/网格）；默认为调用者自己的最高一级区域")
    period: PeriodKey | None = Field(None, description="today 今日 / month 本月（默认）/ year 本年")
    date_from: date | None = Field(None, alias="from", description="自定义起始日（含），须与 to 同时给出，优先于 period")
    date_to: date | None = Field(None, alias="to", description="自定义截止日（含）")


class CockpitRegionQuery(Schema):
    region: Id | None = Field(None, description="区域 id（市/镇/村/网格）；默认为调用者自己的最高一级区域")


class CockpitRegionOut(Schema):
    id: int
    level: str
    code: str
    name: str
    parent_id: int | None


class CockpitPeriodOut(Schema):
    key: str = Field(description="today / month / year / range")
    label: str
    first: date
    last: date


class CockpitPointsOut(Schema):
    issued: int
    redeemed: int


class CockpitKpis(Schema):
    received: int
    rejected: int
    received_closed: int
    closed_on_time: int
    rework: int
    closed: int
    rated: int = Field(description="计入满意率的评价数（jishi.cases.figures.counted_ratings）")
    satisfied: int = Field(description="其中满意或基本满意")
    rated_basic: int = Field(description="其中基本满意（按 0.8 折算）")
    supervisions: int
    overdue_opened: int
    whistles: int
    overdue_now: int = Field(description="当前超期（实时，与时段无关）")
    whistles_open: int = Field(description="吹哨未结（实时）")
    closure_base: int = Field(description="受理 − 不予立案")
    closure_rate: float | None = Field(description=f"办结率 %：{FIGURES['closure_rate'].definition}；无基数时为 null")
    on_time_rate: float | None = Field(description=f"按期办结率 %：{FIGURES['on_time_rate'].definition}")
    satisfaction_rate: float | None = Field(description=f"满意率 %：{FIGURES['satisfaction_rate'].definition}")
    points: CockpitPointsOut | None = Field(description="区域内积分发放与兑换（累计）")


class CockpitTrendDay(Schema):
    day: date
    received: int
    closed: int


class CockpitMixRow(Schema):
    key: str | int = Field(description="渠道编码或大类 id")
    label: str
    n: int


class CockpitChildRow(Schema):
    region: CockpitRegionOut
    received: int
    rejected: int
    received_closed: int
    closed_on_time: int
    rated: int
    satisfied: int
    rated_basic: int
    closure_base: int
    closure_rate: float | None
    on_time_rate: float | None
    satisfaction_rate: float | None


class CockpitForceOut(Schema):
    grids: int
    complete: int = Field(description="达到 1+1+1+3+N 配置的网格数")
    staff: int
    rate: float | None


class CockpitRankedUnit(Schema):
    unit_id: int
    unit_name: str
    rank: int
    score: float | None
    grade: str


class CockpitRanking(Schema):
    unit_type: str
    title: str
    month: str | None = Field(description="最新发布榜单的月份；未发布时为 null")
    scheme: str | None
    top: list[CockpitRankedUnit]
    bottom: list[CockpitRankedUnit]
    url: str


class CockpitOut(Schema):
    region: CockpitRegionOut
    ancestors: list[CockpitRegionOut]
    children_level: str | None = Field(description="下级表的层级：town / village / grid；网格没有下级")
    period: CockpitPeriodOut
    kpis: CockpitKpis
    links: dict[str, str] = Field(description="每个指标的下钻页面（事件清单）地址")
    trend: list[CockpitTrendDay] = Field(description="近 30 天每日受理与结案")
    channels: list[CockpitMixRow]
    categories: list[CockpitMixRow] = Field(description="受理量前 10 的大类")
    children: list[CockpitChildRow]
    force: CockpitForceOut
    rankings: list[CockpitRanking]


class CockpitHotSpot(Schema):
    grid: int
    grid_name: str
    category: int
    category_name: str
    count: int = Field(description="近 7 天件数")
    mean: float = Field(description="此前 8 周的周均")
    sd: float
    since: date


class CockpitRepeatAddress(Schema):
    address: str
    count: int
    since: date


class CockpitRepeatReporter(Schema):
    kind: str = Field(description="phone（电话已脱敏）/ account")
    label: str
    count: int
    param: str = Field(description="下钻筛选参数名：phone_of（其中一件事件的 id）/ reporter_user")
    value: int
    since: date


class CockpitWorsening(Schema):
    category: int
    category_name: str
    recent_count: int
    before_count: int
    median_now: float
    median_before: float
    mean_now: float
    mean_before: float
    p: float
    since: date
    before_from: date
    before_to: date


class CockpitBacklog(Schema):
    department: int
    name: str
    recent: int
    before: int
    overdue_now: int
    since: date


class CockpitAnalysisOut(Schema):
    region: CockpitRegionOut
    today: date
    hot_spots: list[CockpitHotSpot]
    repeat_addresses: list[CockpitRepeatAddress]
    repeat_reporters: list[CockpitRepeatReporter]
    worsening: list[CockpitWorsening]
    backlogs: list[CockpitBacklog]


class CockpitAreaProps(Schema):
    id: int
    name: str
    received: int
    rate: float | None
    url: str | None = Field(None, description="该区域驾驶舱地图页面（下钻）的路径；区域即所查区域本身时为 null")


class CockpitArea(Schema):
    type: str
    geometry: dict[str, Any]
    properties: CockpitAreaProps


class CockpitAreas(Schema):
    type: str
    features: list[CockpitArea]


class CockpitMapOut(Schema):
    region: CockpitRegionOut
    points: list[tuple[float, float, int, str]] = Field(description="[纬度, 经度, 事件 id, 状态]，最新在前")
    areas: CockpitAreas
    max_points: int
    days: int


# --- helpers ---------------------------------------------------------------------------------

def _actor(request: HttpRequest):
    """The request's Actor (a token's, narrowed to its port)."""
    return actor_of(request)


def _region(request: HttpRequest, region_id: int | None) -> Region:
    """The region whose cockpit the caller may open — the same rule as the pages (``cockpit.scope``)."""
    actor = _actor(request)
    if not may_open(actor):
        raise PermissionDenied("您的岗位没有驾驶舱", code="no_cockpit", details={"detail_en": "no cockpit for your roles"})
    try:
        return region_for(actor, region_id)
    except NotFound:
        raise NotFound(NOT_VISIBLE, details={"detail_en": "region not found or outside your cockpit scope"})
    except PermissionDenied:
        if region_id is None:  # a cockpit role without any region: as the page
            raise
        raise NotFound(NOT_VISIBLE, details={"detail_en": "region not found or outside your cockpit scope"})


def _period(q: CockpitQuery) -> Period:
    if q.date_from is None and q.date_to is None:
        return parse(q.period.value if q.period else None)
    return custom(q.date_from, q.date_to)


def _region_out(r: Region) -> dict[str, Any]:
    return {"id": r.pk, "level": r.level, "code": r.code, "name": r.name, "parent_id": r.parent_id}


def _rankings() -> list[dict[str, Any]]:
    return [{"unit_type": e["unit_type"], "title": str(e["title"]), "top": e["top"], "bottom": e["bottom"],
             "url": e["url"], "month": e["board"].month if e["board"] else None,
             "scheme": e["board"].scheme.code if e["board"] else None} for e in figures.rankings()]


# --- endpoints -------------------------------------------------------------------------------

@router.get("", response=CockpitOut, summary="驾驶舱指标（与驾驶舱页面同一口径）")
@require_scope("cockpit:read")
def cockpit(request: HttpRequest, q: Query[CockpitQuery]):
    region = _region(request, q.region)
    p = _period(q)
    return {
        "region": _region_out(region),
        "ancestors": [_region_out(r) for r in (region.town, region.village) if r and r.pk != region.pk],
        "children_level": figures.CHILD_LEVEL.get(region.level),
        "period": {"key": p.key, "label": p.label if p.key in LABELS else "自定义时段", "first": p.first,
                   "last": p.last},
        "kpis": figures.kpis(region, p),
        "links": {m: drill_url(region, m, p, **({"from": p.first.isoformat(), "to": p.last.isoformat()}
                                                 if p.key == "range" else {})) for m in METRICS},
        "trend": figures.trend(region),
        "channels": figures.channel_mix(region, p),
        "categories": figures.category_mix(region, p),
        "children": [{**row, "region": _region_out(row["region"])} for row in figures.children(region, p)],
        "force": figures.grid_force(region),
        "rankings": _rankings(),
    }


@router.get("/analysis", response=CockpitAnalysisOut, summary="驾驶舱研判清单（热点、重复地址与来电人、处置变慢、超期增多）")
@require_scope("cockpit:read")
def cockpit_analysis(request: HttpRequest, q: Query[CockpitRegionQuery]):
    region = _region(request, q.region)
    return {
        "region": _region_out(region), "today": parse("today").last,
        "hot_spots": analysis.hot_spots(region), "repeat_addresses": analysis.repeat_addresses(region),
        "repeat_reporters": analysis.repeat_reporters(region), "worsening": analysis.worsening_handling(region),
        "backlogs": analysis.growing_backlogs(region),
    }


@router.get("/map", response=CockpitMapOut, summary="驾驶舱地图数据（近 30 天事件点位、下级区域办结率）")
@require_scope("cockpit:read")
def cockpit_map(request: HttpRequest, q: Query[CockpitRegionQuery]):
    region = _region(request, q.region)
    return {"region": _region_out(region), **geo.map_data(region)}
