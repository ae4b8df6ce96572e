"""Endpoints of the blueprint (/api/v1/blueprint), the fund (/api/v1/funds) and the alliances
(/api/v1/alliances). Each endpoint calls one service function; what a caller sees goes through the same scope
as the pages (``restrict(actor, "view")``; out of scope: 404)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from jishi.blueprint import access, alliances, funds, queries, services
from jishi.blueprint.choices import ProblemField, ProjectKind
from jishi.blueprint.models import AllianceProblem, Blueprint, Fund, Milestone, Supervision
from jishi.core.errors import NotFound
from jishi.http.auth import require_scope
from jishi.http.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from jishi.http.types import Cursor, Id, PathId
from jishi.org.middleware import actor_of

router = Router()
# Numbers a client sends: JSON numbers (no unbounded strings); the services check two decimals exactly.
Percent = Annotated[float, Field(ge=0, le=100, description="百分比，最多两位小数")]
Money = Annotated[float, Field(ge=0, lt=1e12, description="金额（元），最多两位小数")]
funds_router = Router()
# Numbers a client sends: JSON numbers (no unbounded strings); the services check two decimals exactly.
Percent = Annotated[float, Field(ge=0, le=100, description="百分比，最多两位小数")]
Money = Annotated[float, Field(ge=0, lt=1e12, description="金额（元），最多两位小数")]
alliances_router = Router()
# Numbers a client sends: JSON numbers (no unbounded strings); the services check two decimals exactly.
Percent = Annotated[float, Field(ge=0, le=100, description="百分比，最多两位小数")]
Money = Annotated[float, Field(ge=0, lt=1e12, description="金额（元），最多两位小数")]


class BlueprintProjectOut(Schema):
    id: int
    code: str | None
    title: str
    kind: str
    level: str
    region_id: int
    parent_id: int | None
    owner_name: str
    owner_department_id: int | None
    secretary: str
    responsible: str
    targets: str
    starts_on: date
    ends_on: date
    weight: Decimal
    progress: Decimal
    weights_ok: bool
    status: str
    flag: str
    version: int


class BlueprintProjectPage(Schema):
    items: list[BlueprintProjectOut]
    next_cursor: str | None = None


class BlueprintProjectIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    title: str = Field(..., max_length=120)
    kind: ProjectKind = ProjectKind.SECRETARY
    region_id: Id
    parent_id: Id | None = None
    owner_name: str = Field(..., max_length=100)
    owner_department_id: Id | None = None
    secretary: str = Field(..., max_length=50)
    responsible: str = Field("", max_length=100)
    targets: str = Field("", max_length=5000)
    starts_on: date
    ends_on: date
    weight: Percent = 100


class BlueprintFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    level: str | None = Field(None, max_length=10)
    status: str | None = Field(None, max_length=10)
    flag: str | None = Field(None, max_length=10, description="yellow/red/any/none")
    kind: str | None = Field(None, max_length=10)
    town: str | None = Field(None, max_length=12)
    owner: str | None = Field(None, max_length=50)
    q: str | None = Field(None, max_length=50)
    cursor: Cursor | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class BlueprintProgressIn(Schema):
    progress: Percent
    note: str = Field(..., max_length=2000)


class BlueprintWeightsIn(Schema):
    weights: dict[Annotated[str, Field(max_length=12)], Percent] = Field(..., max_length=500, description="子项目 id → 权重(%)，合计须为 100")


class BlueprintMilestoneIn(Schema):
    title: str = Field(..., max_length=120)
    due_on: date
    responsible: str = Field("", max_length=50)


class BlueprintMilestoneOut(Schema):
    id: int
    title: str
    due_on: date
    responsible: str
    done_on: date | None
    flag: str


class BlueprintDoneIn(Schema):
    done_on: date | None = None
    note: str = Field("", max_length=500)


class BlueprintSupervisionOut(Schema):
    id: int
    project_id: int
    milestone_id: int
    flag: str
    raised_at: datetime
    days_overdue: int
    reply: str
    replied_at: datetime | None
    closed_at: datetime | None


class BlueprintReplyIn(Schema):
    reply: str = Field(..., max_length=2000)


class BlueprintSummaryOut(Schema):
    year: int
    n: int
    done: int
    red: int
    yellow: int
    top: int
    by_level: dict[str, int]


def _bp(year: int | None) -> Blueprint:
    bp = queries.current_blueprint(year)
    if bp is None:
        raise NotFound("还没有年度蓝图")
    return bp


@router.get("/projects", response=BlueprintProjectPage, summary="书记项目（挂图作战，按数据范围）")
@require_scope("blueprint:read")
def project_list(request: HttpRequest, filters: Query[BlueprintFilters]):
    actor = actor_of(request)
    qs = queries.filtered(actor, _bp(filters.year), filters.dict(exclude_none=True))
    return paginate(qs, cursor=filters.cursor, limit=filters.limit, keys=("id",), descending=False)


@router.get("/summary", response=BlueprintSummaryOut, summary="蓝图概况：项目数、完成、督办")
@require_scope("blueprint:read")
def project_summary(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100)):
    bp = _bp(year)
    return {"year": bp.year, **queries.summary(queries.filtered(actor_of(request), bp, {}))}


@router.post("/projects", response={201: BlueprintProjectOut}, summary="立项（可挂在上级项目下并给出权重）")
@require_scope("blueprint:write")
def project_create(request: HttpRequest, payload: BlueprintProjectIn):
    actor = actor_of(request)
    parent = access.project_for(actor, payload.parent_id) if payload.parent_id else None
    p = services.create_project(
        actor, services.blueprint_of(payload.year), title=payload.title, kind=payload.kind, region=payload.region_id,
        parent=parent, owner_name=payload.owner_name, owner_department=payload.owner_department_id,
        secretary=payload.secretary, responsible=payload.responsible, targets=payload.targets,
        starts_on=payload.starts_on, ends_on=payload.ends_on, weight=payload.weight)
    return Status(201, access.project_for(actor, p.pk))


@router.get("/projects/{project_id}", response=BlueprintProjectOut, summary="项目详情")
@require_scope("blueprint:read")
def project_get(request: HttpRequest, project_id: PathId):
    return access.project_for(actor_of(request), project_id)


@router.post("/projects/{project_id}/progress", response=BlueprintProjectOut, summary="报告进度（末级项目）")
@require_scope("blueprint:write")
def project_progress(request: HttpRequest, project_id: PathId, payload: BlueprintProgressIn):
    actor = actor_of(request)
    return services.report_progress(actor, access.project_for(actor, project_id), progress=payload.progress,
                                    note=payload.note)


@router.put("/projects/{project_id}/weights", response=BlueprintProjectOut, summary="设置子项目权重（合计100%）")
@require_scope("blueprint:write")
def project_weights(request: HttpRequest, project_id: PathId, payload: BlueprintWeightsIn):
    actor = actor_of(request)
    return services.set_weights(actor, access.project_for(actor, project_id), payload.weights)


@router.get("/projects/{project_id}/milestones", response=list[BlueprintMilestoneOut], summary="时间节点")
@require_scope("blueprint:read")
def milestone_list(request: HttpRequest, project_id: PathId):
    return list(access.project_for(actor_of(request), project_id).milestones.all())


@router.post("/projects/{project_id}/milestones", response={201: BlueprintMilestoneOut}, summary="新增时间节点")
@require_scope("blueprint:write")
def milestone_create(request: HttpRequest, project_id: PathId, payload: BlueprintMilestoneIn):
    actor = actor_of(request)
    m = services.add_milestone(actor, access.project_for(actor, project_id), title=payload.title,
                               due_on=payload.due_on, responsible=payload.responsible)
    return Status(201, m)


def _milestone(actor, pk: int) -> Milestone:
    m = Milestone.objects.filter(pk=pk).first()
    if m is None:
        raise NotFound("节点不存在或不在您的范围内")
    access.project_for(actor, m.project_id)
    return m


@router.post("/milestones/{milestone_id}/done", response=BlueprintMilestoneOut, summary="完成时间节点（督办销号）")
@require_scope("blueprint:write")
def milestone_done(request: HttpRequest, milestone_id: PathId, payload: BlueprintDoneIn):
    actor = actor_of(request)
    return services.complete_milestone(actor, _milestone(actor, milestone_id), done_on=payload.done_on,
                                       note=payload.note)


@router.get("/projects/{project_id}/supervisions", response=list[BlueprintSupervisionOut], summary="督办单")
@require_scope("blueprint:read")
def supervision_list(request: HttpRequest, project_id: PathId):
    return list(access.project_for(actor_of(request), project_id).supervisions.all())


@router.post("/supervisions/{supervision_id}/reply", response=BlueprintSupervisionOut, summary="责任单位回复督办")
@require_scope("blueprint:write")
def supervision_reply(request: HttpRequest, supervision_id: PathId, payload: BlueprintReplyIn):
    actor = actor_of(request)
    s = Supervision.objects.filter(pk=supervision_id).first()
    if s is None:
        raise NotFound("督办单不存在或不在您的范围内")
    access.project_for(actor, s.project_id)
    return services.reply_supervision(actor, s, reply=payload.reply)


# --- the fund ----------------------------------------------------------------------------------------------

class FundTotalsOut(Schema):
    id: int
    name: str
    size: Decimal
    tranches: Decimal
    projects: int
    approved_n: int
    budget: Decimal
    paid: Decimal
    expected: Decimal
    income: Decimal


class FundProjectOut(Schema):
    id: int
    title: str
    state: str
    budget: Decimal
    expected_income: Decimal
    paid: Decimal
    income: Decimal
    region_id: int
    tranche__number: int


class FundVillageOut(Schema):
    region_id: int
    name: str
    base_year: int | None
    before: Decimal | None
    latest_year: int | None
    after: Decimal | None
    change: Decimal | None


class FundProjectIn(Schema):
    tranche_id: Id
    title: str = Field(..., max_length=120)
    region_id: Id
    budget: Money
    expected_income: Money = 0


class FundDecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=500)


class FundDisbursementIn(Schema):
    amount: Money
    paid_on: date
    note: str = Field("", max_length=200)


class FundIncomeIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    amount: Money


class FundProjectStateOut(Schema):
    id: int
    state: str
    version: int


def _fund(pk: int) -> Fund:
    f = Fund.objects.filter(pk=pk).first()
    if f is None:
        raise NotFound("基金不存在")
    return f


@funds_router.get("/", response=list[FundTotalsOut], summary="共富基金及汇总（按数据范围汇总项目）")
@require_scope("blueprint:read")
def fund_list(request: HttpRequest):
    actor = actor_of(request)
    return [{"id": f.pk, "name": f.name, **queries.fund_totals(f, queries.fund_projects(actor, f))}
            for f in Fund.objects.order_by("id")]


@funds_router.get("/{fund_id}/projects", response=list[FundProjectOut], summary="基金项目")
@require_scope("blueprint:read")
def fund_project_list(request: HttpRequest, fund_id: PathId):
    return queries.fund_rows(queries.fund_projects(actor_of(request), _fund(fund_id)))


@funds_router.get("/{fund_id}/villages", response=list[FundVillageOut], summary="薄弱村集体经营性收入：项目前后")
@require_scope("blueprint:read")
def fund_villages(request: HttpRequest, fund_id: PathId):
    return queries.village_before_after(queries.fund_projects(actor_of(request), _fund(fund_id)))


@funds_router.post("/projects", response={201: FundProjectStateOut}, summary="申报基金项目")
@require_scope("blueprint:write")
def fund_project_create(request: HttpRequest, payload: FundProjectIn):
    from jishi.blueprint.models import Tranche

    tranche = Tranche.objects.filter(pk=payload.tranche_id).first()
    if tranche is None:
        raise NotFound("基金批次不存在", field="tranche_id")
    fp = funds.propose(actor_of(request), tranche, title=payload.title, region=payload.region_id,
                       budget=payload.budget, expected_income=payload.expected_income)
    return Status(201, fp)


@funds_router.post("/projects/{project_id}/decision", response=FundProjectStateOut, summary="审批基金项目（市级）")
@require_scope("blueprint:write")
def fund_project_decide(request: HttpRequest, project_id: PathId, payload: FundDecisionIn):
    actor = actor_of(request)
    return funds.decide(actor, access.fund_project_for(actor, project_id), approve=payload.approve, note=payload.note)


@funds_router.post("/projects/{project_id}/disbursements", response={201: FundProjectStateOut}, summary="拨付（市级）")
@require_scope("blueprint:write")
def fund_project_disburse(request: HttpRequest, project_id: PathId, payload: FundDisbursementIn):
    actor = actor_of(request)
    fp = access.fund_project_for(actor, project_id)
    funds.disburse(actor, fp, amount=payload.amount, paid_on=payload.paid_on, note=payload.note)
    return Status(201, fp)


@funds_router.post("/projects/{project_id}/income", response=FundProjectStateOut, summary="登记项目年度收益")
@require_scope("blueprint:write")
def fund_project_income(request: HttpRequest, project_id: PathId, payload: FundIncomeIn):
    actor = actor_of(request)
    fp = access.fund_project_for(actor, project_id)
    funds.record_income(actor, fp, year=payload.year, amount=payload.amount)
    return fp


# --- alliances ---------------------------------------------------------------------------------------------

class AllianceFieldOut(Schema):
    field: str
    label: str
    raised: int
    solved: int


class AllianceOut(Schema):
    id: int
    name: str
    raised: int
    solved: int
    fields: list[AllianceFieldOut]
    members: list[str]


class AllianceProblemOut(Schema):
    id: int
    alliance_id: int
    title: str
    detail: str
    field: str
    raised_by_id: int
    raised_at: datetime
    state: str
    solved_by_id: int | None
    solved_at: datetime | None
    solution: str
    joint_project: str


class AllianceProblemPage(Schema):
    items: list[AllianceProblemOut]
    next_cursor: str | None = None


class AllianceProblemIn(Schema):
    member_id: Id
    title: str = Field(..., max_length=120)
    field: ProblemField
    detail: str = Field("", max_length=5000)


class AllianceSolveIn(Schema):
    member_id: Id
    solution: str = Field(..., max_length=5000)
    joint_project: str = Field("", max_length=120)


class AllianceProblemFilters(Schema):
    state: str | None = Field(None, max_length=10)
    field: str | None = Field(None, max_length=12)
    cursor: Cursor | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def _alliance(actor, pk: int):
    a = next((a for a in queries.alliances(actor) if a.pk == pk), None)
    if a is None:
        raise NotFound("联盟不存在或您的区域不是其成员")
    return a


@alliances_router.get("/", response=list[AllianceOut], summary="毗邻党建联盟：按联盟和领域的解决数")
@require_scope("blueprint:read")
def alliance_list(request: HttpRequest):
    rows = queries.alliances(actor_of(request))
    stats = queries.alliance_stats([a.pk for a in rows])
    return [{"id": a.pk, "name": a.name, **stats[a.pk],
             "members": [m.name for m in a.members.select_related("region")]} for a in rows]


@alliances_router.get("/{alliance_id}/problems", response=AllianceProblemPage, summary="联盟共享问题清单")
@require_scope("blueprint:read")
def alliance_problems(request: HttpRequest, alliance_id: PathId, filters: Query[AllianceProblemFilters]):
    a = _alliance(actor_of(request), alliance_id)
    qs = a.problems.all()
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.field:
        qs = qs.filter(field=filters.field)
    return paginate(qs, cursor=filters.cursor, limit=filters.limit, keys=("raised_at", "id"))


@alliances_router.post("/{alliance_id}/problems", response={201: AllianceProblemOut}, summary="成员提出问题")
@require_scope("blueprint:write")
def alliance_raise(request: HttpRequest, alliance_id: PathId, payload: AllianceProblemIn):
    actor = actor_of(request)
    p = alliances.raise_problem(actor, _alliance(actor, alliance_id), member=payload.member_id, title=payload.title,
                                field=payload.field, detail=payload.detail)
    return Status(201, p)


@alliances_router.post("/problems/{problem_id}/solve", response=AllianceProblemOut, summary="成员解决问题")
@require_scope("blueprint:write")
def alliance_solve(request: HttpRequest, problem_id: PathId, payload: AllianceSolveIn):
    actor = actor_of(request)
    problem: AllianceProblem = access.problem_for(actor, problem_id)
    return alliances.solve_problem(actor, problem, member=payload.member_id, solution=payload.solution,
                                   joint_project=payload.joint_project)
