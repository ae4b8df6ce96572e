"""Scoring endpoints (/api/v1/scoring): published boards and live indicators, readable by the same
roles as the pages (commanders, village cadres, admin); token scope ``cases:read``."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from jishi.core.errors import NotFound
from jishi.http.auth import require_scope
from jishi.http.types import PathId
from jishi.org.middleware import actor_of
from jishi.scoring.boards import require_viewer
from jishi.scoring.models import Board
from jishi.scoring.periods import parse_period
from jishi.scoring.presenting import BoardView, board_view

router = Router()
UnitType = Literal["department", "town", "village", "grid", "grid_worker"]
MonthText = str
PERIOD_PATTERN = r"^\d{4}(-\d{2}|-Q[1-4])?$"
PERIOD_HELP = "考核期：月 YYYY-MM、季度 YYYY-Qn 或年度 YYYY"


class BoardOut(Schema):
    id: int
    unit_type: str
    month: str
    scheme_code: str = Field(..., alias="scheme.code")
    scheme_name: str = Field(..., alias="scheme.name")
    scheme_version: int
    published_at: datetime


class FigureOut(Schema):
    indicator: str
    label: str
    num: int
    den: int | None
    value: float | None
    low: float | None
    high: float | None


class RowOut(Schema):
    unit_id: int
    name: str
    volume: int
    score: float | None
    rank: int | None
    grade: str
    standing: str = Field(description="ranked 参与排名 / too_few 样本不足（有件但少于最低件数，不排名） / "
                                      "no_cases 本期无受理件（页面不列出）")
    previous_rank: int | None = Field(description="上期排名（上期榜单已发布则取其快照，否则实时计算）")
    figures: list[FigureOut]


class BoardDetailOut(Schema):
    id: int | None
    unit_type: str
    month: str
    scheme_code: str
    scheme_version: int
    published: bool
    min_volume: int
    rows: list[RowOut]


class BoardFilters(Schema):
    unit_type: UnitType | None = None
    month: MonthText | None = Field(None, max_length=10, pattern=PERIOD_PATTERN, description=PERIOD_HELP)
    limit: int = Field(50, ge=1, le=200)


class IndicatorFilters(Schema):
    unit_type: UnitType = "department"
    month: MonthText = Field(..., max_length=10, pattern=PERIOD_PATTERN, description=PERIOD_HELP)
    scheme: str | None = Field(None, max_length=30)


def _detail(view: BoardView) -> dict:
    return {
        "id": view.board.pk if view.board else None, "unit_type": view.unit_type, "month": str(view.month),
        "scheme_code": view.scheme.code, "scheme_version": view.scheme_version, "published": view.board is not None,
        "min_volume": view.scheme.min_volume,
        "rows": [{"unit_id": r.unit_id, "name": r.name, "volume": r.volume, "score": r.score, "rank": r.rank,
                  "grade": r.grade, "previous_rank": r.previous_rank,
                  "standing": "ranked" if r.rank is not None else ("too_few" if r.volume else "no_cases"),
                  "figures": [{"indicator": c.key, "label": c.label, "num": c.num, "den": c.den, "value": c.value,
                               "low": c.low, "high": c.high} for c in r.cells]} for r in view.rows]}


@router.get("/boards", response=list[BoardOut], summary="已发布的考核排名榜")
@require_scope("cases:read")
def boards(request: HttpRequest, filters: Query[BoardFilters]):
    require_viewer(actor_of(request))
    qs = Board.objects.select_related("scheme")
    if filters.unit_type:
        qs = qs.filter(unit_type=filters.unit_type)
    if filters.month:
        qs = qs.filter(month=str(parse_period(filters.month)))
    return list(qs.order_by("-month", "unit_type", "id")[: filters.limit])


@router.get("/boards/{board_id}", response=BoardDetailOut, summary="一张考核排名榜（含各单位指标、得分、等级）")
@require_scope("cases:read")
def board(request: HttpRequest, board_id: PathId):
    require_viewer(actor_of(request))
    b = Board.objects.select_related("scheme").filter(pk=board_id).first()
    if b is None:
        raise NotFound("没有这张榜单")
    return _detail(board_view(b.unit_type, parse_period(b.month), b.scheme.code))


@router.get("/indicators", response=BoardDetailOut, summary="某类单位某月的考核指标（已发布则为快照，否则实时计算）")
@require_scope("cases:read")
def indicators(request: HttpRequest, filters: Query[IndicatorFilters]):
    require_viewer(actor_of(request))
    return _detail(board_view(filters.unit_type, parse_period(filters.month), filters.scheme))
