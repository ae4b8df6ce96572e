"""Evaluation endpoints (/api/v1/evaluation): the yearly schemes and their indicator trees (kept by the city),
the communities' assessments — self-assessment with evidence, the town's review with adjustments, the city's
confirmation — the city-wide comparison and each community's improvement list. Each endpoint calls one service
function; what a caller sees goes through the same scope as the pages (``restrict(actor, "evaluate")``; out of
scope: 404)."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from jishi.cases.files import validate_upload
from jishi.core import limits
from jishi.core.errors import NotFound, ValidationFailed
from jishi.evaluation import access, queries, services
from jishi.evaluation.models import Indicator, Scheme
from jishi.http.auth import require_scope
from jishi.http.types import Base64File, Id, PathId
from jishi.org.middleware import actor_of
from jishi.org.models import Region

router = Router()


class EvalBand(Schema):
    star: int = Field(..., ge=1, le=5)
    min: float = Field(..., ge=0, le=100)


class EvalSchemeOut(Schema):
    id: int
    year: int
    version: int
    name: str
    status: str
    framework: str
    bands: list[EvalBand]
    must_pass_cap: int
    published_at: datetime | None


class EvalIndicatorOut(Schema):
    id: int
    parent_id: int | None
    level: int
    code: str
    name: str
    points: float
    method: str
    source: str
    computed_available: bool
    rule: str
    full: float | None
    zero: float | None
    must_pass: bool
    pass_ratio: float
    standard: str
    advice: str


class EvalSchemeDetail(EvalSchemeOut):
    indicators: list[EvalIndicatorOut]


class EvalSchemeIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    name: str = Field(..., min_length=1, max_length=120)


class EvalVersionIn(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="新版本的年度（默认同一年度）")


class EvalIndicatorPatch(Schema):
    name: str | None = Field(None, max_length=120)
    points: float | None = Field(None, gt=0, le=100)
    full: float | None = Field(None, ge=0)
    zero: float | None = Field(None, ge=0)
    must_pass: bool | None = None
    pass_ratio: float | None = Field(None, gt=0, le=1)
    standard: str | None = Field(None, max_length=2000)
    advice: str | None = Field(None, max_length=2000)


class EvalBandsIn(Schema):
    bands: list[EvalBand] = Field(..., min_length=1, max_length=5)
    must_pass_cap: int = Field(2, ge=1, le=5)


class EvalScoreOut(Schema):
    indicator_id: int
    code: str
    name: str
    max_points: float
    computed: bool
    needs_evidence: bool
    measured: float | None
    numerator: int | None
    denominator: int | None
    basis: str
    records_url: str
    self_points: float | None
    self_note: str
    town_points: float | None
    town_reason: str
    points: float | None
    evidence_ids: list[int]


class EvalAssessmentOut(Schema):
    id: int
    scheme_id: int
    year: int
    village_id: int
    village_name: str
    town_id: int | None
    state: str
    version: int
    self_total: float | None
    town_total: float | None
    total: float | None
    star: int | None
    failed_must_pass: list[str]
    submitted_at: datetime | None
    reviewed_at: datetime | None
    confirmed_at: datetime | None


class EvalAssessmentDetail(EvalAssessmentOut):
    scores: list[EvalScoreOut]


class EvalStartIn(Schema):
    village_id: Id
    scheme_id: Id | None = None


class EvalSelfScoreIn(Schema):
    points: float = Field(..., ge=0, le=100)
    note: str = Field("", max_length=limits.NOTE)


class EvalAdjustIn(Schema):
    points: float = Field(..., ge=0, le=100)
    reason: str = Field(..., min_length=1, max_length=limits.REASON)


class EvalNoteIn(Schema):
    note: str = Field("", max_length=500)


class EvalReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=limits.REASON)


class EvalEvidenceIn(Schema):
    name: str = Field(..., max_length=limits.FILE_NAME)
    content_base64: Base64File


class EvalEvidenceOut(Schema):
    id: int
    indicator_id: int
    name: str
    content_type: str
    size: int
    url: str


class EvalImprovementOut(Schema):
    code: str
    name: str
    max: float
    points: float
    lost: float
    must_pass: bool
    how: str
    url: str


class EvalCompareRow(Schema):
    rank: int | None = None
    village_id: int
    village_name: str
    town_name: str
    state: str
    assessment_id: int | None
    self_total: float | None
    town_total: float | None
    total: float | None
    star: int | None


class EvalCompareOut(Schema):
    year: int
    scheme_id: int
    confirmed: int
    total: int
    stars: dict[str, int]
    rows: list[EvalCompareRow]


class EvalCompareQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    town: Id | None = None


def _actor(request: HttpRequest):
    return actor_of(request)


def _scheme(pk: int) -> Scheme:
    s = Scheme.objects.filter(pk=pk).first()
    if s is None:
        raise NotFound("评价体系不存在")
    return s


def _scheme_detail(s: Scheme) -> dict:
    from jishi.evaluation.services import computable

    out = {f: getattr(s, f) for f in EvalSchemeOut.model_fields}
    out["indicators"] = [{**{f: getattr(i, f) for f in EvalIndicatorOut.model_fields if f != "computed_available"},
                          "computed_available": computable(i)} for i in s.indicators.order_by("sort", "id")]
    return out


def _assessment_out(a) -> dict:
    out = {f: getattr(a, f) for f in EvalAssessmentOut.model_fields
           if f not in ("year", "village_name")}
    out.update(year=a.scheme.year, village_name=a.village.name)
    return out


def _detail(a) -> dict:
    out = _assessment_out(a)
    rows = []
    for n in queries.flatten(queries.tree(a.scheme, a)):
        if n.indicator.level != 3:
            continue
        s, ind = n.score, n.indicator
        rows.append({"indicator_id": ind.pk, "code": ind.code, "name": ind.name, "max_points": ind.points,
                     "computed": s.computed, "needs_evidence": not s.computed, "measured": s.measured,
                     "numerator": s.numerator, "denominator": s.denominator, "basis": s.basis, "records_url": s.url,
                     "self_points": s.self_points, "self_note": s.self_note, "town_points": s.town_points,
                     "town_reason": s.town_reason, "points": s.points, "evidence_ids": [e.pk for e in n.evidence]})
    out["scores"] = rows
    return out


@router.get("/schemes", response=list[EvalSchemeOut], summary="评价体系（各年度、各版本）")
@require_scope("evaluation:read")
def scheme_list(request: HttpRequest):
    return list(Scheme.objects.order_by("-year", "-version")[:100])


@router.post("/schemes", response={201: EvalSchemeDetail}, summary="新建评价体系草案（“1+3+5+N”三级指标）")
@require_scope("evaluation:write")
def scheme_create(request: HttpRequest, payload: EvalSchemeIn):
    return Status(201, _scheme_detail(services.create_scheme(_actor(request), year=payload.year, name=payload.name)))


@router.get("/schemes/{scheme_id}", response=EvalSchemeDetail, summary="评价体系及其三级指标树")
@require_scope("evaluation:read")
def scheme_get(request: HttpRequest, scheme_id: PathId):
    return _scheme_detail(_scheme(scheme_id))


@router.post("/schemes/{scheme_id}/versions", response={201: EvalSchemeDetail}, summary="另建新版本（草案）")
@require_scope("evaluation:write")
def scheme_version(request: HttpRequest, scheme_id: PathId, payload: EvalVersionIn):
    return Status(201, _scheme_detail(services.new_version(_actor(request), _scheme(scheme_id), year=payload.year)))


@router.post("/schemes/{scheme_id}/publish", response=EvalSchemeDetail, summary="发布（发布后不可修改）")
@require_scope("evaluation:write")
def scheme_publish(request: HttpRequest, scheme_id: PathId):
    return _scheme_detail(services.publish(_actor(request), _scheme(scheme_id)))


@router.put("/schemes/{scheme_id}/bands", response=EvalSchemeDetail, summary="星级分档与否决项封顶（草案）")
@require_scope("evaluation:write")
def scheme_bands(request: HttpRequest, scheme_id: PathId, payload: EvalBandsIn):
    s = services.set_bands(_actor(request), _scheme(scheme_id), bands=[b.dict() for b in payload.bands],
                           must_pass_cap=payload.must_pass_cap)
    return _scheme_detail(s)


@router.patch("/indicators/{indicator_id}", response=EvalIndicatorOut, summary="修改草案中的指标")
@require_scope("evaluation:write")
def indicator_patch(request: HttpRequest, indicator_id: PathId, payload: EvalIndicatorPatch):
    ind = Indicator.objects.select_related("scheme").filter(pk=indicator_id).first()
    if ind is None:
        raise NotFound("指标不存在")
    ind = services.update_indicator(_actor(request), ind, **payload.dict(exclude_none=True))
    from jishi.evaluation.services import computable

    return {**{f: getattr(ind, f) for f in EvalIndicatorOut.model_fields if f != "computed_available"},
            "computed_available": computable(ind)}


@router.get("/assessments", response=list[EvalAssessmentOut], summary="社区评价（按数据范围，最近500个）")
@require_scope("evaluation:read")
def assessment_list(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100)):
    qs = access.visible(_actor(request)).select_related("scheme", "village")
    if year:
        qs = qs.filter(scheme__year=year)
    return [_assessment_out(a) for a in qs.order_by("-scheme__year", "village__code")[:500]]


@router.post("/assessments", response={201: EvalAssessmentDetail}, summary="开始自评（自动计算指标随即填入）")
@require_scope("evaluation:write")
def assessment_start(request: HttpRequest, payload: EvalStartIn):
    actor = _actor(request)
    scheme = _scheme(payload.scheme_id) if payload.scheme_id else None
    a = services.start_assessment(actor, Region.objects.filter(pk=payload.village_id).first(), scheme=scheme)
    return Status(201, _detail(access.assessment_for(actor, a.pk)))


@router.get("/assessments/{assessment_id}", response=EvalAssessmentDetail, summary="评价详情（各指标得分及明细链接）")
@require_scope("evaluation:read")
def assessment_get(request: HttpRequest, assessment_id: PathId):
    return _detail(access.assessment_for(_actor(request), assessment_id))


@router.post("/assessments/{assessment_id}/refresh", response=EvalAssessmentDetail, summary="重新计算自动指标")
@require_scope("evaluation:write")
def assessment_refresh(request: HttpRequest, assessment_id: PathId):
    actor = _actor(request)
    return _detail(services.refresh(actor, access.assessment_for(actor, assessment_id)))


@router.put("/assessments/{assessment_id}/scores/{indicator_id}", response=EvalAssessmentDetail,
            summary="自评打分（佐证材料评分的指标；得分须有佐证）")
@require_scope("evaluation:write")
def assessment_self_score(request: HttpRequest, assessment_id: PathId, indicator_id: PathId, payload: EvalSelfScoreIn):
    actor = _actor(request)
    a = access.assessment_for(actor, assessment_id)
    services.self_score(actor, a, indicator_id, points=payload.points, note=payload.note)
    return _detail(a)


@router.post("/assessments/{assessment_id}/evidence/{indicator_id}", response={201: EvalEvidenceOut},
             summary="上传佐证材料（JPEG/PNG/WebP 图片或 PDF）")
@require_scope("evaluation:write")
def assessment_evidence(request: HttpRequest, assessment_id: PathId, indicator_id: PathId, payload: EvalEvidenceIn):
    actor = _actor(request)
    a = access.assessment_for(actor, assessment_id)
    try:
        data = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed("文件不是有效的 Base64", field="content_base64") from None
    e = services.add_evidence(actor, a, indicator_id,
                              validate_upload(SimpleUploadedFile(payload.name, data), field="content_base64"))
    return Status(201, {"id": e.pk, "indicator_id": e.indicator_id, "name": e.name, "content_type": e.content_type,
                        "size": e.size, "url": reverse("evaluation-evidence", args=[e.pk])})


@router.post("/assessments/{assessment_id}/submit", response=EvalAssessmentDetail, summary="提交镇(街道)审核")
@require_scope("evaluation:write")
def assessment_submit(request: HttpRequest, assessment_id: PathId, payload: EvalNoteIn):
    actor = _actor(request)
    return _detail(services.submit(actor, access.assessment_for(actor, assessment_id), note=payload.note))


@router.post("/assessments/{assessment_id}/adjust/{indicator_id}", response=EvalAssessmentDetail,
             summary="镇(街道)调整一项指标的得分（须说明理由）")
@require_scope("evaluation:write")
def assessment_adjust(request: HttpRequest, assessment_id: PathId, indicator_id: PathId, payload: EvalAdjustIn):
    actor = _actor(request)
    a = access.assessment_for(actor, assessment_id)
    services.adjust(actor, a, indicator_id, points=payload.points, reason=payload.reason)
    return _detail(a)


@router.post("/assessments/{assessment_id}/review", response=EvalAssessmentDetail, summary="镇(街道)审核通过")
@require_scope("evaluation:write")
def assessment_review(request: HttpRequest, assessment_id: PathId, payload: EvalNoteIn):
    actor = _actor(request)
    return _detail(services.review(actor, access.assessment_for(actor, assessment_id), note=payload.note))


@router.post("/assessments/{assessment_id}/return", response=EvalAssessmentDetail, summary="退回上一步（须说明理由）")
@require_scope("evaluation:write")
def assessment_return(request: HttpRequest, assessment_id: PathId, payload: EvalReasonIn):
    actor = _actor(request)
    return _detail(services.send_back(actor, access.assessment_for(actor, assessment_id), reason=payload.reason))


@router.post("/assessments/{assessment_id}/confirm", response=EvalAssessmentDetail, summary="市级确认（评定星级）")
@require_scope("evaluation:write")
def assessment_confirm(request: HttpRequest, assessment_id: PathId, payload: EvalNoteIn):
    actor = _actor(request)
    return _detail(services.confirm(actor, access.assessment_for(actor, assessment_id), note=payload.note))


@router.get("/assessments/{assessment_id}/improvements", response=list[EvalImprovementOut],
            summary="提升清单：失分最多的指标及提升办法")
@require_scope("evaluation:read")
def assessment_improvements(request: HttpRequest, assessment_id: PathId, n: int = Query(5, ge=1, le=50)):
    return queries.improvements(access.assessment_for(_actor(request), assessment_id), n)


@router.get("/comparison", response=EvalCompareOut, summary="全市（或本镇）星级对比")
@require_scope("evaluation:read")
def comparison(request: HttpRequest, q: Query[EvalCompareQuery]):
    actor = _actor(request)
    year = q.year or timezone.localdate().year
    scheme = services.current_scheme(year)
    if scheme is None:
        raise NotFound(f"{year}年度评价体系尚未发布")
    villages = Region.objects.restrict(actor, access.ACTION).filter(level="village").select_related("parent")
    if q.town:
        villages = villages.filter(town_id=q.town)
    data = queries.comparison(access.visible(actor), list(villages.order_by("path")), scheme)
    rows = [{"rank": r.get("rank"), "village_id": r["village"].pk, "village_name": r["village"].name,
             "town_name": r["village"].parent.name if r["village"].parent_id else "",
             "state": r["state_code"] or "none", "assessment_id": r["assessment"].pk if r["assessment"] else None,
             "self_total": r["self_total"], "town_total": r["town_total"], "total": r["total"], "star": r["star"]}
            for r in data["rows"]]
    return {"year": year, "scheme_id": scheme.pk, "confirmed": data["confirmed"], "total": data["total"],
            "stars": {str(s["star"]): s["n"] for s in data["stars"]}, "rows": rows}
