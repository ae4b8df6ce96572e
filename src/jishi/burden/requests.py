"""The verbs of data requests (数据填报需求): a department creates a request to villages; a village saves a draft
and submits; the department reminds the villages that have not submitted.

Each verb checks scope (``access``/``holds``), writes its rows, one ``BurdenEvent`` and one audit record in one
transaction. On creation every village's reply is prepared with what Jishi already knows: a field bound to a
source is prefilled from that figure (``sources``); a field the village answered in an earlier request (same key,
or same source) within ``REUSE_DAYS`` is prefilled from that answer — not asked again.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db.models import F, Q
from django.utils import timezone

from jishi.burden import sources
from jishi.burden.access import pk_of, reply_for, request_for
from jishi.burden.choices import NOT_ASKED, FieldKind, Origin, ReplyState, RequestState, Verb
from jishi.burden.models import Answer, DataRequest, Reply, RequestField
from jishi.burden.timeline import emit, writer
from jishi.core import audit
from jishi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jishi.org.choices import Level
from jishi.org.models import Department, Region
from jishi.org.policy import as_actor, may_request_data

REUSE_DAYS = 365  # an answer is reused by a later request for a year
MAX_FIELDS = 40
MAX_CHOICES = 20
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
KINDS = dict(FieldKind.choices)


def name_of(actor) -> str:
    u = actor.user
    return (u.get_full_name() or u.get_username()) if u else "系统"


def _text(value, limit: int, field: str, label: str, *, required: bool = False) -> str:
    value = ("" if value is None else str(value)).strip()
    if required and not value:
        raise ValidationFailed(f"请填写{label}", field=field)
    if len(value) > limit:
        raise ValidationFailed(f"{label}不能超过 {limit} 字", field=field)
    return value


# --- creating a request ----------------------------------------------------------------------------------

def _fields(raw: list) -> list[RequestField]:
    if not raw:
        raise ValidationFailed("请至少添加一个填报字段", field="fields")
    if len(raw) > MAX_FIELDS:
        raise ValidationFailed(f"填报字段不能超过 {MAX_FIELDS} 个", field="fields")
    out, keys = [], set()
    for i, f in enumerate(raw, 1):
        if not isinstance(f, dict):
            raise ValidationFailed(f"第{i}个字段格式不正确", field="fields")
        source = _text(f.get("source"), 40, "fields", f"第{i}个字段的数据来源")
        if source and source not in sources.SOURCES:
            raise ValidationFailed(f"第{i}个字段的数据来源“{source}”不存在", field="fields")
        label = _text(f.get("label") or (str(sources.SOURCES[source].label) if source else ""), 60, "fields",
                      f"第{i}个字段的名称", required=True)
        key = _text(f.get("key"), 40, "fields", f"第{i}个字段的代码") or (source.replace(".", "_") if source else f"f{i}")
        if not KEY_RE.match(key):
            raise ValidationFailed(f"第{i}个字段的代码只能用小写字母、数字和下划线，并以字母开头", field="fields")
        if key in keys:
            raise ValidationFailed(f"字段代码“{key}”重复", field="fields")
        keys.add(key)
        kind = f.get("kind") or (sources.SOURCES[source].kind if source else FieldKind.TEXT)
        if kind not in KINDS:
            raise ValidationFailed(f"第{i}个字段的类型不正确", field="fields")
        choices = [c for c in (str(x).strip()[:40] for x in (f.get("choices") or [])) if c]
        if kind == FieldKind.CHOICE and not choices:
            raise ValidationFailed(f"第{i}个字段是单选，请填写选项", field="fields")
        if len(choices) > MAX_CHOICES:
            raise ValidationFailed(f"第{i}个字段的选项不能超过 {MAX_CHOICES} 个", field="fields")
        try:
            minutes = Decimal(str(f.get("minutes", 5) or 5))
        except InvalidOperation:
            raise ValidationFailed(f"第{i}个字段的预计用时须为数字（分钟）", field="fields") from None
        if not (Decimal("0.5") <= minutes <= Decimal("480")):
            raise ValidationFailed(f"第{i}个字段的预计用时应在 0.5 至 480 分钟之间", field="fields")
        out.append(RequestField(key=key, label=label, kind=kind, required=bool(f.get("required", True)),
                                help=_text(f.get("help"), 200, "fields", f"第{i}个字段的填写说明"),
                                choices=choices if kind == FieldKind.CHOICE else [], source=source,
                                minutes=minutes.quantize(Decimal("0.1")), sort=i))
    return out


def _villages(towns, villages) -> list[Region]:
    town_ids = [n for n in (pk_of(t) for t in towns or []) if n]
    village_ids = [n for n in (pk_of(v) for v in villages or []) if n]
    q = Q(pk__in=village_ids) | Q(town_id__in=town_ids)
    found = list(Region.objects.filter(q, level=Level.VILLAGE).order_by("path")) if (town_ids or village_ids) else []
    if not found:
        raise ValidationFailed("请选择要填报的镇(街道)或村(社区)", field="villages")
    return found


def _department(actor, department_id) -> Department | None:
    own = sorted({p.department_id for p in actor.posts if p.department_id})
    scope = actor.scope("datarequest")
    wanted = pk_of(department_id) if department_id not in (None, "") else (own[0] if own else None)
    if wanted is None:
        if scope.everything:
            return None
        raise ValidationFailed("请选择发起部门", field="department")
    dep = Department.objects.filter(pk=wanted, is_active=True).first()
    if dep is None or not (scope.everything or dep.pk in scope.department):
        raise ValidationFailed("发起部门不存在或不在您的范围内", field="department")
    return dep


def _earlier(village_id: int, field: RequestField, since: datetime) -> Answer | None:
    """The village's latest submitted answer to the same key (or the same source) since ``since``."""
    same = {"field__key": field.key} if not field.source else {"field__source": field.source}
    return (Answer.objects.filter(reply__village_id=village_id, reply__state=ReplyState.SUBMITTED,
                                  answered_at__gte=since, **same).exclude(value="")
            .select_related("reply").order_by("-answered_at", "-id").first())


def prepare(reply: Reply, fields: list[RequestField], now: datetime) -> int:
    """Prefill ``reply`` from the sources and the village's earlier answers; the number of fields prefilled."""
    village = reply.village
    rows, since = [], now - timedelta(days=REUSE_DAYS)
    today = timezone.localdate(now)
    for f in fields:
        got = sources.offer(f.source, village, today) if f.source else None
        if got is not None:
            rows.append(Answer(reply=reply, field=f, value=got.value, offered=got.value, basis=got.basis[:200],
                               origin=Origin.PREFILLED))
            continue
        before = _earlier(village.pk, f, since)
        if before is not None:
            when = timezone.localtime(before.answered_at)
            rows.append(Answer(reply=reply, field=f, value=before.value, offered=before.value, reused_from=before,
                               origin=Origin.REUSED, basis=f"已由{when.month}月{when.day}日的填报提供"))
    Answer.objects.bulk_create(rows)
    return len(rows)


@writer
def create_request(actor, *, title: str, purpose: str, deadline, fields: list, towns=(), villages=(),
                   department=None, at: datetime | None = None) -> DataRequest:
    """A department (or the city) asks villages — all villages of ``towns`` and/or the chosen ``villages`` — for
    ``fields`` by ``deadline``. Every village's reply is prepared (prefilled) at once."""
    actor = as_actor(actor)
    if not may_request_data(actor) or actor.scope("datarequest").empty:
        raise PermissionDenied("只有职能部门和市级指挥可以发起数据填报需求")
    now = at or timezone.now()
    title = _text(title, 80, "title", "标题", required=True)
    purpose = _text(purpose, 500, "purpose", "用途", required=True)
    if isinstance(deadline, str):
        try:
            deadline = date.fromisoformat(deadline.strip())
        except ValueError:
            raise ValidationFailed("截止日期格式应为 2026-01-31", field="deadline") from None
    if not isinstance(deadline, date):
        raise ValidationFailed("请填写截止日期", field="deadline")
    if deadline < timezone.localdate(now):
        raise ValidationFailed("截止日期不能早于今天", field="deadline")
    field_rows = _fields(fields)
    dep = _department(actor, department)
    targets = _villages(towns, villages)
    req = DataRequest.objects.create(title=title, purpose=purpose, deadline=deadline, department=dep,
                                     created_by=actor.user, opened_at=now)
    req.number = f"SJ{timezone.localtime(now):%Y%m}{req.pk:05d}"
    req.save(update_fields=["number"])
    for f in field_rows:
        f.request = req
    RequestField.objects.bulk_create(field_rows)
    replies = []
    for v in targets:
        r = Reply(request=req, state=ReplyState.PENDING)
        r.place_in(v)
        replies.append(r)
    Reply.objects.bulk_create(replies)
    by_village = {v.pk: v for v in targets}
    prefilled = 0
    for r in Reply.objects.filter(request=req):
        r.village = by_village[r.village_id]
        prefilled += prepare(r, field_rows, now)
    emit(Verb.CREATE, at=now, request=req, actor=actor.user, actor_name=name_of(actor), note=title,
         data={"villages": len(targets), "fields": len(field_rows), "prefilled": prefilled})
    audit.record(actor.user, "burden.create", req, summary=f"发布数据填报需求 {req.number} {title}"[:300],
                 data={"villages": len(targets), "fields": len(field_rows), "prefilled": prefilled})
    return req


# --- answering --------------------------------------------------------------------------------------------

def _open(reply: Reply) -> None:
    if reply.request.state != RequestState.OPEN:
        raise Conflict("该填报需求已截止，不能再填报")
    if reply.state == ReplyState.SUBMITTED:
        raise Conflict("本村已提交该填报，不能再修改")


def check(field: RequestField, value: str) -> str | None:
    """The Chinese error of ``value`` for ``field`` (None: fine). An empty optional value is fine."""
    if not value:
        return f"请填写“{field.label}”" if field.required else None
    if len(value) > 500:
        return f"“{field.label}”不能超过 500 字"
    if field.kind == FieldKind.INT:
        if not re.fullmatch(r"-?\d{1,15}", value):
            return f"“{field.label}”应为整数"
    elif field.kind == FieldKind.DECIMAL:
        try:
            d = Decimal(value)
        except InvalidOperation:
            return f"“{field.label}”应为数字"
        if not d.is_finite() or abs(d) >= Decimal("1e15"):
            return f"“{field.label}”应为数字"
    elif field.kind == FieldKind.DATE:
        try:
            date.fromisoformat(value)
        except ValueError:
            return f"“{field.label}”应为日期，如 2026-01-31"
    elif field.kind == FieldKind.CHOICE and value not in field.choices:
        return f"“{field.label}”请从选项中选择"
    return None


def _write(reply: Reply, values: dict, notes: dict, now: datetime) -> dict:
    """Store the values as typed (a draft keeps everything); returns the answers by field key."""
    fields = list(reply.request.fields.all())
    have = {a.field_id: a for a in reply.answers.all()}
    out = {}
    for f in fields:
        a = have.get(f.pk) or Answer(reply=reply, field=f)
        if f.key in values:
            value = ("" if values[f.key] is None else str(values[f.key])).strip()[:500]
            a.value = value
            if a.offered:  # prefilled or reused: kept as offered, or corrected
                a.origin = (Origin.REUSED if a.reused_from_id else Origin.PREFILLED) if value == a.offered \
                    else Origin.CORRECTED
            else:
                a.origin = Origin.TYPED
        if f.key in notes:
            a.note = ("" if notes[f.key] is None else str(notes[f.key])).strip()[:200]
        a.answered_at = now
        a.save()
        out[f.key] = a
    return out


@writer
def save_draft(actor, reply_pk, *, values: dict, notes: dict | None = None, at: datetime | None = None) -> Reply:
    """Keep what the village typed (no checks but length: nothing typed is lost)."""
    actor = as_actor(actor)
    reply = reply_for(actor, reply_pk)
    _open(reply)
    now = at or timezone.now()
    _write(reply, values or {}, notes or {}, now)
    Reply.objects.filter(pk=reply.pk).update(state=ReplyState.DRAFT, saved_at=now, version=F("version") + 1,
                                             updated_at=now)
    reply.refresh_from_db()
    emit(Verb.SAVE, at=now, request=reply.request, reply=reply, actor=actor.user, actor_name=name_of(actor))
    audit.record(actor.user, "burden.save", reply, summary=f"{reply.village.name} 保存填报草稿 {reply.request.number}")
    return reply


def errors_of(reply: Reply, values: dict, notes: dict) -> dict[str, str]:
    """Every field's error for a submission (by field key), in field order."""
    have = {a.field_id: a for a in reply.answers.all()}
    errors = {}
    for f in reply.request.fields.all():
        a = have.get(f.pk)
        value = str(values.get(f.key, a.value if a else "") or "").strip()
        msg = check(f, value)
        if msg is None and a is not None and a.offered and value != a.offered:
            note = str(notes.get(f.key, a.note) or "").strip()
            if not note:
                msg = f"更正了“{f.label}”的预填值，请填写更正说明"
        if msg:
            errors[f.key] = msg
    return errors


@writer
def submit_reply(actor, reply_pk, *, values: dict | None = None, notes: dict | None = None,
                 at: datetime | None = None) -> Reply:
    """Submit the village's reply: every field checked (all errors at once, nothing changed on an error)."""
    actor = as_actor(actor)
    reply = reply_for(actor, reply_pk)
    _open(reply)
    values, notes = values or {}, notes or {}
    errors = errors_of(reply, values, notes)
    if errors:
        raise ValidationFailed("；".join(errors.values()), field=next(iter(errors)), details={"errors": errors})
    now = at or timezone.now()
    answers = _write(reply, values, notes, now)
    n = Reply.objects.filter(pk=reply.pk, version=reply.version).exclude(state=ReplyState.SUBMITTED).update(
        state=ReplyState.SUBMITTED, submitted_at=now, submitted_by=actor.user, saved_at=now,
        version=F("version") + 1, updated_at=now)
    if n != 1:
        raise Conflict("该填报刚被他人修改或提交，请刷新页面后再试")
    reply.refresh_from_db()
    typed = sum(1 for a in answers.values() if a.origin in (Origin.TYPED, Origin.CORRECTED) and a.value)
    emit(Verb.SUBMIT, at=now, request=reply.request, reply=reply, actor=actor.user, actor_name=name_of(actor),
         data={"typed": typed, "prefilled": sum(1 for a in answers.values() if a.origin in NOT_ASKED)})
    audit.record(actor.user, "burden.submit", reply, summary=f"{reply.village.name} 提交填报 {reply.request.number}",
                 data={"typed": typed})
    return reply


# --- the department's side --------------------------------------------------------------------------------

@writer
def remind(actor, request_pk, *, villages=None, at: datetime | None = None) -> int:
    """Remind the villages (all, or the chosen ``villages``) that have not submitted; the number reminded."""
    actor = as_actor(actor)
    req = request_for(actor, request_pk)
    if req.state != RequestState.OPEN:
        raise Conflict("该填报需求已截止")
    now = at or timezone.now()
    qs = req.replies.exclude(state=ReplyState.SUBMITTED)
    if villages:
        qs = qs.filter(village_id__in=[n for n in (pk_of(v) for v in villages) if n])
    ids = list(qs.values_list("village_id", flat=True))
    if not ids:
        raise ValidationFailed("没有需要催报的村(社区)：都已提交", field="villages")
    qs.update(reminders=F("reminders") + 1, reminded_at=now, updated_at=now)
    emit(Verb.REMIND, at=now, request=req, actor=actor.user, actor_name=name_of(actor), data={"villages": ids})
    audit.record(actor.user, "burden.remind", req, summary=f"催报 {req.number}：{len(ids)} 个村(社区)")
    return len(ids)


@writer
def close_request(actor, request_pk, *, at: datetime | None = None) -> DataRequest:
    actor = as_actor(actor)
    req = request_for(actor, request_pk)
    if not DataRequest.objects.filter(pk=req.pk, state=RequestState.OPEN).update(state=RequestState.CLOSED):
        raise Conflict("该填报需求已截止")
    now = at or timezone.now()
    req.state = RequestState.CLOSED
    emit(Verb.CLOSE, at=now, request=req, actor=actor.user, actor_name=name_of(actor))
    audit.record(actor.user, "burden.close", req, summary=f"截止填报 {req.number}")
    return req


__all__ = ["NotFound", "close_request", "create_request", "errors_of", "prepare", "remind", "save_draft",
           "submit_reply"]
