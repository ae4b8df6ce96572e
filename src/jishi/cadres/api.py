"""Endpoints of the cadre pipeline (/api/v1/cadres). Each endpoint calls one service function; what a caller
sees goes through the same scope as the pages (``restrict(actor, "view")``; out of scope: 404). Phones are
always masked here (the pages show them in full to the roles that need them)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from jishi.cadres import access, contests, pool, queries, recruitment, secondments
from jishi.cadres.choices import Education, Grade, HostKind, Plan
from jishi.core.errors import NotFound, ValidationFailed
from jishi.core.scope import holds
from jishi.http.auth import require_scope
from jishi.http.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from jishi.http.types import Cursor, Id, PathId
from jishi.org.middleware import actor_of
from jishi.org.models import Person
from jishi.org.privacy import mask_phone

router = Router()
Score = Annotated[float, Field(ge=0, le=100, description="0–100，最多两位小数")]


class Page(Schema):
    cursor: Cursor | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    town: int | None = Field(None, ge=1, le=2**31 - 1)


class RecruitRoundOut(Schema):
    id: int
    name: str
    plan: str
    level: str
    region_id: int
    positions_per_village: int
    opens_on: date
    closes_on: date
    max_age: int
    min_education: str
    exam_weight: int
    interview_weight: int
    requirements: str


class RoundPage(Schema):
    items: list[RecruitRoundOut]
    next_cursor: str | None = None


class RecruitRoundIn(Schema):
    name: str = Field(..., max_length=80)
    plan: Plan = Plan.QINGMIAO
    region_id: Id
    positions_per_village: int = Field(1, ge=1, le=20)
    opens_on: date
    closes_on: date
    max_age: int = Field(30, ge=18, le=60)
    min_education: Education = Education.COLLEGE
    exam_weight: int = Field(50, ge=0, le=100, description="笔试权重，与面试权重之和须为 100")
    interview_weight: int = Field(50, ge=0, le=100)
    requirements: str = Field("", max_length=300)


class ApplicantOut(Schema):
    id: int
    round_id: int
    person_id: int
    name: str
    birth_date: date
    education: str
    major: str
    phone_masked: str
    village_id: int | None
    stage: str
    exam_score: Decimal | None
    interview_score: Decimal | None
    total_score: Decimal | None
    rank: int | None
    post: str
    version: int

    @staticmethod
    def resolve_phone_masked(obj) -> str:
        return mask_phone(obj.phone)


class ApplicantPage(Schema):
    items: list[ApplicantOut]
    next_cursor: str | None = None


class ApplicantFilters(Page):
    stage: str | None = Field(None, max_length=14)
    village: int | None = Field(None, ge=1, le=2**31 - 1)


class ApplicantIn(Schema):
    village_id: Id
    person_id: Id | None = None
    name: str = Field("", max_length=50)
    birth_date: date | None = None
    education: Education
    major: str = Field("", max_length=60)
    phone: str = Field("", max_length=20)


class CadreReasonIn(Schema):
    reason: str = Field("", max_length=300)


class ScoreIn(Schema):
    score: Score


class PlaceIn(Schema):
    post: str = Field("村务工作者", max_length=60)


class ReserveMemberOut(Schema):
    id: int
    person_id: int
    name: str
    village_id: int | None
    source: str
    joined_on: date
    state: str
    promoted_to: str
    promoted_on: date | None

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.name


class MemberPage(Schema):
    items: list[ReserveMemberOut]
    next_cursor: str | None = None


class MemberFilters(Page):
    state: str | None = Field(None, max_length=10)
    q: str | None = Field(None, max_length=20)


class NominateIn(Schema):
    person_id: Id
    village_id: Id
    note: str = Field("", max_length=300)


class EvaluationIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    grade: Grade
    comment: str = Field("", max_length=300)


class EvaluationOut(Schema):
    id: int
    member_id: int
    year: int
    grade: str
    comment: str
    evaluator_name: str


class PromoteIn(Schema):
    post: str = Field(..., max_length=60)
    on: date | None = None


class SecondmentOut(Schema):
    id: int
    person_id: int
    name: str
    region_id: int
    host_kind: str
    host_unit: str
    host_department_id: int | None
    post: str
    starts_on: date
    ends_on: date
    state: str
    returned_on: date | None
    grade: str
    assessment: str
    assessed_on: date | None

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.name


class SecondmentPage(Schema):
    items: list[SecondmentOut]
    next_cursor: str | None = None


class SecondmentFilters(Page):
    watch: Literal["out", "due", "overdue"] | None = None
    host_kind: str | None = Field(None, max_length=10)


class SecondmentIn(Schema):
    person_id: Id
    region_id: Id
    host_kind: HostKind
    host_unit: str = Field("", max_length=100)
    host_department_id: Id | None = None
    post: str = Field("", max_length=60)
    starts_on: date
    ends_on: date


class ReturnIn(Schema):
    on: date | None = None


class AssessIn(Schema):
    grade: Grade
    comment: str = Field("", max_length=300)
    on: date | None = None


class ContestOut(Schema):
    id: int
    title: str
    held_on: date
    region_id: int
    closed: bool


class ContestPage(Schema):
    items: list[ContestOut]
    next_cursor: str | None = None


class ContestFilters(Page):
    year: int | None = Field(None, ge=2000, le=2100)


class ContestIn(Schema):
    title: str = Field(..., max_length=80)
    held_on: date
    region_id: Id


class JudgeScoreOut(Schema):
    judge: str
    score: Decimal


class ContestStandingOut(Schema):
    id: int
    village: str
    village_id: int
    person: str
    person_id: int | None
    scores: list[JudgeScoreOut]
    score: Decimal | None
    rank: int | None


class ContestDetailOut(ContestOut):
    standings: list[ContestStandingOut]


class JoinIn(Schema):
    village_id: Id
    person_id: Id | None = None


class JudgeIn(Schema):
    judge: str = Field(..., max_length=50)
    score: Score


class CadreEventOut(Schema):
    id: int
    verb: str
    at: datetime
    actor_name: str
    from_state: str
    to_state: str
    note: str


class CadreRecordOut(Schema):
    person_id: int
    name: str
    age: int | None
    phone: str
    place: str
    applications: list[ApplicantOut]
    memberships: list[ReserveMemberOut]
    secondments: list[SecondmentOut]
    events: list[CadreEventOut]


# --- rounds and applicants ---------------------------------------------------------------------------

@router.get("/rounds", response=RoundPage, summary="招录批次（青苗/苗圃计划）")
@require_scope("cadres:read")
def round_list(request: HttpRequest, filters: Query[Page], plan: str | None = Query(None, max_length=10)):
    qs = queries.rounds(actor_of(request), {"plan": plan, "town": filters.town})
    return paginate(qs, cursor=filters.cursor, limit=filters.limit, keys=("id",))


@router.post("/rounds", response={201: RecruitRoundOut}, summary="发布招录批次（笔试、面试权重之和为 100）")
@require_scope("cadres:write")
def round_create(request: HttpRequest, payload: RecruitRoundIn):
    return Status(201, recruitment.open_round(actor_of(request), **payload.dict()))


@router.get("/rounds/{round_id}", response=RecruitRoundOut, summary="招录批次详情")
@require_scope("cadres:read")
def round_get(request: HttpRequest, round_id: PathId):
    return access.round_for(actor_of(request), round_id)


@router.get("/rounds/{round_id}/applicants", response=ApplicantPage, summary="报名人员（按名次）")
@require_scope("cadres:read")
def applicant_list(request: HttpRequest, round_id: PathId, filters: Query[ApplicantFilters]):
    actor = actor_of(request)
    qs = queries.applicants(actor, access.round_for(actor, round_id), filters.dict(exclude_none=True))
    return paginate(qs, cursor=filters.cursor, limit=filters.limit, keys=("id",), descending=False)


@router.post("/rounds/{round_id}/applicants", response={201: ApplicantOut},
             summary="登记报名（核验年龄、学历；新报名人员建立人员信息）")
@require_scope("cadres:write")
def applicant_create(request: HttpRequest, round_id: PathId, payload: ApplicantIn):
    actor = actor_of(request)
    rnd = access.round_for(actor, round_id)
    person = None
    if payload.person_id:
        person = Person.objects.filter(pk=payload.person_id).first()
        if person is None or not holds(actor, "view", person):
            raise ValidationFailed("人员不存在或不在您的范围内", field="person_id")
    a = recruitment.apply(actor, rnd, village_id=payload.village_id, person=person, name=payload.name,
                          birth_date=payload.birth_date, education=payload.education, major=payload.major,
                          phone=payload.phone)
    return Status(201, a)


@router.post("/rounds/{round_id}/rank", response=list[ApplicantOut], summary="按加权综合成绩排名")
@require_scope("cadres:write")
def round_rank(request: HttpRequest, round_id: PathId):
    actor = actor_of(request)
    return recruitment.rank_round(actor, access.round_for(actor, round_id))


@router.get("/applicants/{applicant_id}", response=ApplicantOut, summary="报名人员详情")
@require_scope("cadres:read")
def applicant_get(request: HttpRequest, applicant_id: PathId):
    return access.applicant_for(actor_of(request), applicant_id)


def _applicant(request, applicant_id):
    actor = actor_of(request)
    return actor, access.applicant_for(actor, applicant_id)


@router.post("/applicants/{applicant_id}/qualify", response=ApplicantOut, summary="资格审查通过")
@require_scope("cadres:write")
def applicant_qualify(request: HttpRequest, applicant_id: PathId, payload: CadreReasonIn):
    actor, a = _applicant(request, applicant_id)
    return recruitment.qualify(actor, a, note=payload.reason)


@router.post("/applicants/{applicant_id}/disqualify", response=ApplicantOut, summary="资格审查不通过（须写原因）")
@require_scope("cadres:write")
def applicant_disqualify(request: HttpRequest, applicant_id: PathId, payload: CadreReasonIn):
    actor, a = _applicant(request, applicant_id)
    return recruitment.disqualify(actor, a, reason=payload.reason)


@router.post("/applicants/{applicant_id}/exam", response=ApplicantOut, summary="录入笔试成绩")
@require_scope("cadres:write")
def applicant_exam(request: HttpRequest, applicant_id: PathId, payload: ScoreIn):
    actor, a = _applicant(request, applicant_id)
    return recruitment.score_exam(actor, a, payload.score)


@router.post("/applicants/{applicant_id}/interview", response=ApplicantOut, summary="录入面试成绩")
@require_scope("cadres:write")
def applicant_interview(request: HttpRequest, applicant_id: PathId, payload: ScoreIn):
    actor, a = _applicant(request, applicant_id)
    return recruitment.score_interview(actor, a, payload.score)


@router.post("/applicants/{applicant_id}/place", response=ApplicantOut, summary="录用到村岗位")
@require_scope("cadres:write")
def applicant_place(request: HttpRequest, applicant_id: PathId, payload: PlaceIn):
    actor, a = _applicant(request, applicant_id)
    return recruitment.place(actor, a, post=payload.post)


@router.post("/applicants/{applicant_id}/reserve", response=ApplicantOut, summary="纳入后备力量储备库")
@require_scope("cadres:write")
def applicant_reserve(request: HttpRequest, applicant_id: PathId, payload: CadreReasonIn):
    actor, a = _applicant(request, applicant_id)
    return recruitment.to_reserve(actor, a, note=payload.reason)


@router.post("/applicants/{applicant_id}/not-select", response=ApplicantOut, summary="不予录用")
@require_scope("cadres:write")
def applicant_not_select(request: HttpRequest, applicant_id: PathId, payload: CadreReasonIn):
    actor, a = _applicant(request, applicant_id)
    return recruitment.not_select(actor, a, reason=payload.reason)


# --- reserve pool --------------------------------------------------------------------------------------

@router.get("/reserve", response=MemberPage, summary="后备力量储备库")
@require_scope("cadres:read")
def member_list(request: HttpRequest, filters: Query[MemberFilters]):
    qs = queries.members(actor_of(request), filters.dict(exclude_none=True))
    return paginate(qs, cursor=filters.cursor, limit=filters.limit, keys=("id",))


@router.post("/reserve", response={201: ReserveMemberOut}, summary="组织推荐进入储备库")
@require_scope("cadres:write")
def member_create(request: HttpRequest, payload: NominateIn):
    return Status(201, pool.nominate(actor_of(request), person_id=payload.person_id, village_id=payload.village_id,
                                     note=payload.note))


@router.post("/reserve/{member_id}/evaluations", response={201: EvaluationOut}, summary="年度评价（每年一次）")
@require_scope("cadres:write")
def member_evaluate(request: HttpRequest, member_id: PathId, payload: EvaluationIn):
    actor = actor_of(request)
    m = access.member_for(actor, member_id)
    return Status(201, pool.evaluate(actor, m, year=payload.year, grade=payload.grade, comment=payload.comment))


@router.post("/reserve/{member_id}/promote", response=ReserveMemberOut, summary="使用（出库到岗位）")
@require_scope("cadres:write")
def member_promote(request: HttpRequest, member_id: PathId, payload: PromoteIn):
    actor = actor_of(request)
    return pool.promote(actor, access.member_for(actor, member_id), post=payload.post, on=payload.on)


# --- secondments ---------------------------------------------------------------------------------------

@router.get("/secondments", response=SecondmentPage,
            summary="墩苗挂职（watch=out 在外挂职，due 本月到期，overdue 考核逾期）")
@require_scope("cadres:read")
def secondment_list(request: HttpRequest, filters: Query[SecondmentFilters]):
    qs = queries.secondments(actor_of(request), filters.dict(exclude_none=True))
    return paginate(qs, cursor=filters.cursor, limit=filters.limit, keys=("id",))


@router.post("/secondments", response={201: SecondmentOut}, summary="选派墩苗挂职")
@require_scope("cadres:write")
def secondment_create(request: HttpRequest, payload: SecondmentIn):
    return Status(201, secondments.second(actor_of(request), **payload.dict()))


@router.post("/secondments/{secondment_id}/return", response=SecondmentOut, summary="登记返回")
@require_scope("cadres:write")
def secondment_return(request: HttpRequest, secondment_id: PathId, payload: ReturnIn):
    actor = actor_of(request)
    return secondments.return_home(actor, access.secondment_for(actor, secondment_id), on=payload.on)


@router.post("/secondments/{secondment_id}/assess", response=SecondmentOut, summary="挂职期满考核")
@require_scope("cadres:write")
def secondment_assess(request: HttpRequest, secondment_id: PathId, payload: AssessIn):
    actor = actor_of(request)
    return secondments.assess(actor, access.secondment_for(actor, secondment_id), grade=payload.grade,
                              comment=payload.comment, on=payload.on)


# --- 学看比拼 -------------------------------------------------------------------------------------------

@router.get("/contests", response=ContestPage, summary="学看比拼活动")
@require_scope("cadres:read")
def contest_list(request: HttpRequest, filters: Query[ContestFilters]):
    qs = queries.contests(actor_of(request), filters.dict(exclude_none=True))
    return paginate(qs, cursor=filters.cursor, limit=filters.limit, keys=("id",))


@router.post("/contests", response={201: ContestOut}, summary="举办学看比拼")
@require_scope("cadres:write")
def contest_create(request: HttpRequest, payload: ContestIn):
    return Status(201, contests.hold(actor_of(request), **payload.dict()))


def _detail(c) -> dict:
    return {"id": c.pk, "title": c.title, "held_on": c.held_on, "region_id": c.region_id, "closed": c.closed,
            "standings": queries.standings(c)}


@router.get("/contests/{contest_id}", response=ContestDetailOut,
            summary="比拼详情与排名（≥5 名评委去掉最高、最低分后取平均，否则取平均）")
@require_scope("cadres:read")
def contest_get(request: HttpRequest, contest_id: PathId):
    return _detail(access.contest_for(actor_of(request), contest_id))


@router.post("/contests/{contest_id}/participants", response={201: ContestDetailOut}, summary="添加参赛村(社区)")
@require_scope("cadres:write")
def contest_join(request: HttpRequest, contest_id: PathId, payload: JoinIn):
    actor = actor_of(request)
    c = access.contest_for(actor, contest_id)
    contests.join(actor, c, village_id=payload.village_id, person_id=payload.person_id)
    return Status(201, _detail(c))


@router.post("/contests/{contest_id}/participants/{entry_id}/scores", response=ContestDetailOut,
             summary="评委打分（同一评委再次打分即更正）")
@require_scope("cadres:write")
def contest_score(request: HttpRequest, contest_id: PathId, entry_id: PathId, payload: JudgeIn):
    actor = actor_of(request)
    c = access.contest_for(actor, contest_id)
    entry = c.contestants.filter(pk=entry_id).select_related("village").first()
    if entry is None:
        raise NotFound("参赛村(社区)不存在")
    contests.record_score(actor, entry, judge=payload.judge, value=payload.score)
    return _detail(c)


@router.post("/contests/{contest_id}/close", response=ContestDetailOut, summary="计算得分并排名")
@require_scope("cadres:write")
def contest_close(request: HttpRequest, contest_id: PathId):
    actor = actor_of(request)
    c = access.contest_for(actor, contest_id)
    contests.close(actor, c)
    return _detail(c)


# --- the record ----------------------------------------------------------------------------------------

@router.get("/people/{person_id}/record", response=CadreRecordOut, summary="干部档案：一人在招录、储备、墩苗、比拼中的全部记录")
@require_scope("cadres:read")
def person_record(request: HttpRequest, person_id: PathId):
    r = queries.record(actor_of(request), person_id)
    return {"person_id": r["person"].pk, "name": r["name"], "age": r["age"], "phone": mask_phone(r["person"].phone),
            "place": r["place"], "applications": r["applications"], "memberships": r["memberships"],
            "secondments": r["secondments"], "events": r["events"]}
