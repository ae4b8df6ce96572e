"""Burden endpoints: ``/api/v1/ledgers`` (the registered ledgers; one ledger's rows and totals as JSON or .xlsx)
and ``/api/v1/data-requests`` (create, list, detail with completion, remind, the combined sheet; a village's
replies: read prefilled, save a draft, submit; the city's burden figures). Each endpoint calls one service or
query; what a caller sees goes through ``restrict``/``holds`` like the pages; out of scope: 404."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status

from jishi.burden import access, book, excel, queries, requests, sources
from jishi.burden.models import DataRequest
from jishi.core import audit
from jishi.core.errors import NotFound
from jishi.http.auth import require_scope
from jishi.http.types import Id, PathId
from jishi.org.middleware import actor_of
from jishi.org.policy import may_read_burden

ledgers_router = Router()
data_requests_router = Router()


# --- ledgers -------------------------------------------------------------------------------------------------


LedgerCode = Annotated[str, Path(max_length=60, description="台账代码，如 cases.monthly")]

class LedgerOut(Schema):
    code: str
    label: str
    app: str
    levels: list[str]


class LedgerQuery(Schema):
    region: Id | None = Field(None, description="区域（市、镇、村）；默认：本人范围内最高一级")
    month: str = Field("", max_length=7, pattern=r"^(\d{4}-\d{2})?$", description="月份 YYYY-MM；默认：上月")


class ColumnOut(Schema):
    key: str
    label: str
    kind: str
    total: bool


class LedgerTableOut(Schema):
    code: str
    label: str
    region_id: int
    region: str
    first: date
    last: date
    note: str
    columns: list[ColumnOut]
    rows: list[dict]
    totals: dict


def _open(request, code: str, q: LedgerQuery) -> dict:
    actor = actor_of(request)
    region = q.region
    if region is None:
        home = book.home(actor)
        if home is None:
            raise NotFound("您没有可查看台账的区域")
        region = home.pk
    return book.open_ledger(actor, code, region, q.month)


def _json(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


@ledgers_router.get("", response=list[LedgerOut], summary="已登记的自动台账（各业务模块从自身记录生成）")
@require_scope("burden:read")
def ledger_list(request: HttpRequest):
    return [{"code": led.code, "label": str(led.label), "app": led.app, "levels": list(led.levels)}
            for led in book.available()]


@ledgers_router.get("/{code}.xlsx", summary="台账 Excel（个人信息已脱敏）",
                    openapi_extra={"responses": {"200": {"description": "xlsx", "content": {excel.XLSX: {}}}}})
@require_scope("burden:read")
def ledger_xlsx(request: HttpRequest, code: LedgerCode, q: Query[LedgerQuery]):
    actor = actor_of(request)
    o = _open(request, code, q)
    body = excel.ledger_xlsx(str(o["ledger"].label), o["region"].name, o["first"], o["last"], o["table"],
                             book.TOTAL_LABELS)
    audit.record(actor.user, "burden.ledger_export", object_type="burden.ledger", object_id=o["ledger"].code,
                 summary=f"导出{o['ledger'].label}（{o['region'].name} {o['first']:%Y-%m}）"[:300])
    resp = HttpResponse(body, content_type=excel.XLSX)
    resp["Content-Disposition"] = f'attachment; filename="ledger-{code}-{o["region"].pk}-{o["first"]:%Y%m}.xlsx"'
    return resp


@ledgers_router.get("/{code}", response=LedgerTableOut, summary="一本台账：某区域某月的明细行与合计")
@require_scope("burden:read")
def ledger_get(request: HttpRequest, code: LedgerCode, q: Query[LedgerQuery]):
    o = _open(request, code, q)
    t = o["table"]
    keys = [c.key for c in t.columns]
    return {"code": o["ledger"].code, "label": str(o["ledger"].label), "region_id": o["region"].pk,
            "region": o["region"].name, "first": o["first"], "last": o["last"],
            "note": f"{excel.NOTE}。{t.note}",
            "columns": [{"key": c.key, "label": str(c.label), "kind": c.kind, "total": c.total} for c in t.columns],
            "rows": [dict(zip(keys, (_json(v) for v in r), strict=False)) for r in t.rows], "totals": t.totals}


# --- data requests -------------------------------------------------------------------------------------------

class FieldIn(Schema):
    label: str = Field("", max_length=60, description="字段名称（选了数据来源可留空）")
    key: str = Field("", max_length=40, description="字段代码：相同代码视为同一项数据，村里已填过的自动沿用")
    kind: str = Field("", max_length=8, description="text/int/decimal/date/choice；留空：按数据来源或文本")
    required: bool = True
    help: str = Field("", max_length=200)
    choices: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=20)
    source: str = Field("", max_length=40, description="可预填的数据来源代码（GET /data-requests/sources）")
    minutes: float = Field(5, ge=0.5, le=480, description="村里填这一项预计用时（分钟）")


class RequestIn(Schema):
    title: str = Field(..., max_length=80)
    purpose: str = Field(..., max_length=500)
    deadline: date
    fields: list[FieldIn] = Field(..., max_length=40)
    towns: list[Id] = Field(default_factory=list, max_length=50, description="整镇(街道)：其全部村(社区)")
    villages: list[Id] = Field(default_factory=list, max_length=500, description="或选定的村(社区)")
    department: Id | None = Field(None, description="发起部门（部门人员默认本部门）")


class FieldOut(Schema):
    key: str
    label: str
    kind: str
    required: bool
    help: str
    choices: list[str]
    source: str
    minutes: float


class RequestOut(Schema):
    id: int
    number: str | None
    title: str
    purpose: str
    deadline: date
    state: str
    department_id: int | None
    opened_at: datetime
    fields: list[FieldOut]


class CompletionRow(Schema):
    reply_id: int
    village_id: int
    village: str
    town: str
    state: str
    submitted_at: datetime | None
    reminders: int
    overdue: bool
    filled: int


class RequestDetailOut(RequestOut):
    counts: dict
    overdue: int
    villages: list[CompletionRow]


class RemindIn(Schema):
    villages: list[Id] = Field(default_factory=list, max_length=500, description="留空：全部未提交的村")


class AnswerOut(Schema):
    key: str
    label: str
    kind: str
    required: bool
    value: str
    origin: str | None
    offered: str
    basis: str
    note: str


class ReplyOut(Schema):
    id: int
    request_id: int
    request_number: str | None
    title: str
    deadline: date
    village_id: int
    state: str
    submitted_at: datetime | None
    answers: list[AnswerOut]


class ReplyIn(Schema):
    values: dict[str, str] = Field(default_factory=dict, description="字段代码 → 填报值")
    notes: dict[str, str] = Field(default_factory=dict, description="字段代码 → 更正预填值的说明")


def _field_out(f) -> dict:
    return {"key": f.key, "label": f.label, "kind": f.kind, "required": f.required, "help": f.help,
            "choices": f.choices or [], "source": f.source, "minutes": float(f.minutes)}


def _request_out(r: DataRequest) -> dict:
    return {"id": r.pk, "number": r.number, "title": r.title, "purpose": r.purpose, "deadline": r.deadline,
            "state": r.state, "department_id": r.department_id, "opened_at": r.opened_at,
            "fields": [_field_out(f) for f in r.fields.all()]}


def _reply_out(reply) -> dict:
    have = {a.field_id: a for a in reply.answers.all()}
    answers = []
    for f in reply.request.fields.all():
        a = have.get(f.pk)
        answers.append({"key": f.key, "label": f.label, "kind": f.kind, "required": f.required,
                        "value": a.value if a else "", "origin": a.origin if a else None,
                        "offered": a.offered if a else "", "basis": a.basis if a else "", "note": a.note if a else ""})
    return {"id": reply.pk, "request_id": reply.request_id, "request_number": reply.request.number,
            "title": reply.request.title, "deadline": reply.request.deadline, "village_id": reply.village_id,
            "state": reply.state, "submitted_at": reply.submitted_at, "answers": answers}


@data_requests_router.get("/sources", summary="可预填的数据来源（字段的 source）")
@require_scope("burden:read")
def source_list(request: HttpRequest):
    return [{"code": code, "label": label, "kind": sources.SOURCES[code].kind} for code, label in sources.choices()]


@data_requests_router.post("", response={201: RequestOut}, summary="发起数据填报需求（部门或市级），通知各村")
@require_scope("burden:write")
def request_create(request: HttpRequest, payload: RequestIn):
    req = requests.create_request(actor_of(request), title=payload.title, purpose=payload.purpose,
                                  deadline=payload.deadline, fields=[f.dict() for f in payload.fields],
                                  towns=payload.towns, villages=payload.villages, department=payload.department)
    return Status(201, _request_out(req))


@data_requests_router.get("", response=list[RequestOut], summary="我发起或可管理的填报需求（最新 200 条）")
@require_scope("burden:read")
def request_list(request: HttpRequest):
    return [_request_out(r) for r in access.managed_requests(actor_of(request)).prefetch_related("fields")[:200]]


@data_requests_router.get("/replies", response=list[ReplyOut], summary="本村(社区)的填报任务（未截止的）")
@require_scope("burden:read")
def reply_list(request: HttpRequest):
    return [_reply_out(r) for r in queries.inbox(access.my_replies(actor_of(request)))[:200]]


@data_requests_router.get("/replies/{reply_id}", response=ReplyOut, summary="一项填报任务：字段、预填值与来源")
@require_scope("burden:read")
def reply_get(request: HttpRequest, reply_id: PathId):
    return _reply_out(access.reply_for(actor_of(request), reply_id))


@data_requests_router.put("/replies/{reply_id}", response=ReplyOut, summary="保存草稿（不校验必填，填过的不会丢）")
@require_scope("burden:write")
def reply_save(request: HttpRequest, reply_id: PathId, payload: ReplyIn):
    return _reply_out(requests.save_draft(actor_of(request), reply_id, values=payload.values, notes=payload.notes))


@data_requests_router.post("/replies/{reply_id}/submit", response=ReplyOut,
                           summary="提交填报（逐项校验，有错时 422 并列出全部错误，不做任何改动）")
@require_scope("burden:write")
def reply_submit(request: HttpRequest, reply_id: PathId, payload: ReplyIn):
    return _reply_out(requests.submit_reply(actor_of(request), reply_id, values=payload.values, notes=payload.notes))


@data_requests_router.get("/burden", summary="基层减负：各部门要求填报、预填沿用、村里用时与节省（市级）")
@require_scope("burden:read")
def burden_figures(request: HttpRequest):
    actor = actor_of(request)
    if not may_read_burden(actor):
        raise NotFound("没有可查看的减负统计")
    b = queries.burden(DataRequest.objects.restrict(actor, "datarequest"))
    deps = [{"department_id": d.department.pk if d.department else None, "name": d.name, "requests": d.requests,
             "villages": d.villages, "fields_asked": d.fields_asked, "not_asked": d.not_asked, "typed": d.typed,
             "hours_typed": d.hours_typed, "hours_saved": d.hours_saved} for d in b["departments"]]
    return {"totals": b["totals"], "departments": deps, "villages": b["villages"]}


@data_requests_router.get("/{request_id}", response=RequestDetailOut, summary="填报需求详情与各村完成情况")
@require_scope("burden:read")
def request_get(request: HttpRequest, request_id: PathId):
    req = access.request_for(actor_of(request), request_id)
    c = queries.completion(req)
    rows = [{"reply_id": r["reply"].pk, "village_id": r["village"].pk, "village": r["village"].name,
             "town": r["town"].name if r["town"] else "", "state": r["state"], "submitted_at": r["submitted_at"],
             "reminders": r["reminders"], "overdue": r["overdue"], "filled": r["filled"]} for r in c["rows"]]
    return {**_request_out(req), "counts": c["counts"], "overdue": c["overdue"], "villages": rows}


@data_requests_router.post("/{request_id}/remind", summary="催报未提交的村(社区)")
@require_scope("burden:write")
def request_remind(request: HttpRequest, request_id: PathId, payload: RemindIn):
    return {"reminded": requests.remind(actor_of(request), request_id, villages=payload.villages)}


@data_requests_router.get("/{request_id}/combined.xlsx", summary="汇总表 Excel（每村一行）",
                          openapi_extra={"responses": {"200": {"description": "xlsx", "content": {excel.XLSX: {}}}}})
@require_scope("burden:read")
def request_export(request: HttpRequest, request_id: PathId):
    actor = actor_of(request)
    req = access.request_for(actor, request_id)
    fields, rows = queries.combined(req)
    audit.record(actor.user, "burden.export", req, summary=f"导出填报汇总表 {req.number}")
    resp = HttpResponse(excel.combined_xlsx(req, fields, rows), content_type=excel.XLSX)
    resp["Content-Disposition"] = f'attachment; filename="datarequest-{req.number}.xlsx"'
    return resp
