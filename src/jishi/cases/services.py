"""The verbs of the case loop. Pages, API, admin and tests call these; nothing else changes a case.

Every verb checks the transition table (``jishi.cases.workflow``: who, from which states), makes a
conditional UPDATE (… WHERE id=? AND state=? AND version=?) so that of two people racing only one
wins, writes an immutable ``CaseEvent`` (``timeline.emit``) and an audit record — nothing else downstream: who must
act next is told by the notice consumer of the timeline (``jishi.notify.case_notices``), as rollups, webhooks
and points are kept by theirs (``jishi.core.consumers``).
Errors (``jishi.core.errors``, message in Chinese): ``Conflict`` (409) for an illegal step or a lost
race, ``PermissionDenied`` (403), ``ValidationFailed`` (422), ``NotFound`` (404). Nothing is changed
when one is raised. ``actor`` is an ``Actor`` (``jishi.org.policy``; a system job's acts as the city).
During the bridge a User, or ``None`` for the system, is accepted too (``as_actor``). The rows a verb writes
name ``actor.user`` and ``actor.name``. Each verb's preconditions beyond states and relations are its guard
(``jishi.cases.guards``), which ``available_verbs`` asks too.

Public functions (``case`` is a ``Case``; ``files`` are UploadedFile / bytes / (name, bytes)):

    report_case(actor, *, channel, category_code, title, description="", lng=None, lat=None,
                region_code=None, address="", reporter_name="", reporter_phone="", photos=(),
                external_ref=None, idempotency_key=None, anonymous=False, priority=None,
                on_behalf_of=None) -> Case
        (``case.created`` is False when an idempotent retry returned the existing case;
         ``on_behalf_of``: a resident's Person/id — grid staff, cadres, commanders report for them)
    find_resident(actor, text) -> Person   (the report form's 代居民上报: one person in scope by mobile/ID number)
    likely_duplicates(case, *, radius_m=200, days=7, limit=10) -> QuerySet[Case]
    accept(actor, case, *, note="") -> Case
    reject(actor, case, *, reason) -> Case
    dispatch(actor, case, *, department=None, region=None, note="") -> Case
        (department: Department | id | code; region: a village/town Region holding the case;
         neither: the category's default department)
    acknowledge(actor, case, *, note="") -> Case                      (refused while a whistled lead has not reported in)
    return_case(actor, case, *, reason) -> Case                       (verb "return")
    handle(actor, case, *, note, files=()) -> Case
    request_extension(actor, case, *, days, reason) -> Case
    extend(actor, case, *, approve=True, note="") -> Case            (commander approves; once per case)
    suspend(actor, case, *, reason) -> Case
    resume(actor, case, *, note="") -> Case
    verify(actor, case, *, passed, note="", files=()) -> Case        (failed → rework)
    close(actor, case, *, note="") -> Case                             (needs a passed verification)
    rate(actor, case, *, rating, note="") -> Case                      (unsatisfied → rework; the reporting
        resident, or a 回访 by a commander who did not handle it — never the handler: ``guards.rating_refusal``)
    reopen(actor, case, *, reason) -> Case                             (rework, counted)
    resolve_on_spot(actor, case, *, before=(), after=(), note="") -> Case
    whistle(actor, case, *, departments, lead=None, reason) -> Case   (departments: ids/codes/objects)
    report_in(actor, case, *, department=None, note="") -> Case
    supervise(actor, case, *, note) -> Case
    supervise_many(actor, ids, *, note) -> BulkResult                 (督办 a selection: ``supervise`` once a case;
        the cases refused — not in scope, not open, not a commander's — are skipped and reported)
    escalate(actor, case, *, reason) -> Case                           (village → town → city)
    act(actor, case, verb, **data) -> Case                             (dispatcher used by the API)
    available_verbs(actor, case) -> list[str]                          (verbs the actor may do now)
    sweep(now=None) -> SweepResult                                     (in jishi.cases.sla)
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F
from django.utils import timezone

from jishi.cases import deadlines
from jishi.cases import files as case_files
from jishi.cases.choices import (
    LEVEL_RANK,
    AssignmentRole,
    AssignmentSource,
    AttachmentKind,
    CommandLevel,
    Rating,
    State,
    SupervisionKind,
    SupervisionLevel,
)
from jishi.cases.guards import refusal, reporting_in
from jishi.cases.intake import find_resident, likely_duplicates, report_case
from jishi.cases.models import Attachment, Case, CaseAssignment, CaseEvent, Supervision, Whistle
from jishi.cases.permissions import (
    relations,
)
from jishi.cases.timeline import emit, writer
from jishi.cases.workflow import SAME, TRANSITIONS
from jishi.core import audit, calendar, limits
from jishi.core.errors import Conflict, PermissionDenied, ServiceError, ValidationFailed
from jishi.org.models import Department, Region
from jishi.org.policy import COMMAND_LEVEL, as_actor

__all__ = [
    "accept", "acknowledge", "act", "available_verbs", "close", "dispatch", "escalate", "extend", "handle",
    "find_resident", "likely_duplicates", "reject", "reopen", "report_case", "report_in", "request_extension", "resolve_on_spot",
    "resume", "return_case", "rate", "supervise", "supervise_many", "suspend", "verify", "whistle",
]


# --- machinery -------------------------------------------------------------------------------

def _state_label(state: str) -> str:
    return State(state).label if state in State.values else state


def _verb(fn):
    """A verb: takes an Actor (bridge: a User, or None for the system) and runs in one transaction (``writer``)."""
    atomic = writer(fn)  # one transaction; then the consumers of the timeline settle (at once in tests)

    @functools.wraps(fn)
    def run(actor, case: Case, **data) -> Case:
        limits.check(data.get("note"), limits.NOTE, field="note", label="说明")
        limits.check(data.get("reason"), limits.REASON, field="reason", label="理由")
        return atomic(as_actor(actor), case, **data)
    return run


def _check(actor, case: Case, verb: str) -> str:
    """Check the from-state, the actor's relation and the verb's guard; return the role the actor acts in."""
    t = TRANSITIONS[verb]
    if not t.allows_from(case.state):
        raise Conflict(f"事件当前状态为“{_state_label(case.state)}”，不能{t.label}", code="illegal_transition",
                       details={"state": case.state, "verb": verb})
    rel = relations(actor, case)
    role = next((rel[r] for r in sorted(t.who) if r in rel), None)
    if role is None:
        raise PermissionDenied(f"您无权对该事件执行“{t.label}”", code="not_allowed")
    refused = refusal(actor, case, verb)
    if refused is not None:
        raise refused.error()
    return role


def _require(value, message: str, field: str):
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationFailed(message, field=field)
    return value.strip() if isinstance(value, str) else value


def _apply(actor, case: Case, verb: str, role: str, *, to_state: str | None = None, updates: dict | None = None,
           note: str = "", data: dict | None = None, department: Department | None = None,
           uploads: list[tuple[case_files.Upload, str]] = (), bump: bool = True) -> CaseEvent:
    """Conditionally update the case, then write the timeline row, attachments and the audit record.

    Must run inside ``transaction.atomic``. Raises Conflict (changing nothing) if someone else
    changed the case since it was read.
    """
    now = timezone.now()
    from_state = case.state
    to_state = from_state if to_state in (None, SAME) else to_state
    updates = dict(updates or {})
    fields = {"state": to_state, "updated_at": now, **updates}
    qs = Case.objects.filter(pk=case.pk, state=from_state)
    if bump:
        qs = qs.filter(version=case.version)
        fields["version"] = F("version") + 1
    if qs.update(**fields) != 1:
        current = Case.objects.filter(pk=case.pk).values_list("state", flat=True).first()
        raise Conflict(
            f"事件已被他人处理（当前状态：{_state_label(current or '')}），请刷新后重试",
            code="stale", details={"state": current},
        )
    for k, v in updates.items():
        setattr(case, k, v)
    case.state, case.updated_at = to_state, now
    if bump:
        case.version += 1
    event = emit(case, verb, actor=actor.user, actor_name=actor.name, actor_role=role or "", department=department,
                 at=now, from_state=from_state, to_state=to_state, note=note, data=data)
    for upload, kind in uploads:
        case_files.store(case, upload, kind=kind, user=actor.user, event=event)
    audit.record(actor.user, f"case.{verb}", case, role=role or "",
                 summary=f"{case.number} {TRANSITIONS[verb].label}：{_state_label(from_state)}→{_state_label(to_state)}",
                 data={"from": from_state, "to": to_state, "note": note[:200], **(data or {})})
    return event




def _department(value) -> Department:
    if isinstance(value, Department):
        return value
    qs = Department.objects.filter(is_active=True)
    dept = qs.filter(pk=value).first() if isinstance(value, int) else qs.filter(code=str(value)).first()
    if dept is None:
        raise ValidationFailed(f"部门“{value}”不存在或已停用", field="department")
    return dept


def _owner_level(case: Case, role: str) -> dict:
    """Who dispatches or whistles owns the case from then on: lift the command level to the actor's."""
    level = COMMAND_LEVEL.get(role)
    if level is not None and LEVEL_RANK[level] > LEVEL_RANK[CommandLevel(case.command_level)]:
        return {"command_level": level}
    return {}


def _rework_updates(case: Case, now: datetime) -> dict:
    return {"rework_count": case.rework_count + 1, "handled_at": None, "verified_at": None, "closed_at": None,
            "rating": "", "rated_at": None, "supervision_level": SupervisionLevel.NONE,
            "handle_due_at": deadlines.handle_due(case.category, case.priority, now)}


# --- verbs -----------------------------------------------------------------------------------

@_verb
def accept(actor, case: Case, *, note: str = "") -> Case:
    role = _check(actor, case, "accept")
    _apply(actor, case, "accept", role, to_state=State.ACCEPTED, updates={"accepted_at": timezone.now()}, note=note)
    return case


@_verb
def reject(actor, case: Case, *, reason: str) -> Case:
    role = _check(actor, case, "reject")
    reason = _require(reason, "不予立案必须说明理由", "reason")
    _apply(actor, case, "reject", role, to_state=State.REJECTED, note=reason, updates={"closed_at": timezone.now()})
    return case


@_verb
def dispatch(actor, case: Case, *, department=None, region: Region | None = None, note: str = "") -> Case:
    role = _check(actor, case, "dispatch")
    now = timezone.now()
    updates = {**_owner_level(case, role), "dispatched_at": now, "acknowledged_at": None,
               "ack_due_at": deadlines.ack_due(case.category, case.priority, now),
               "handle_due_at": deadlines.handle_due(case.category, case.priority, now),
               "supervision_level": SupervisionLevel.NONE}
    if region is not None:
        if region.pk not in (case.village_id, case.town_id):
            raise ValidationFailed("只能派遣给事件所在的村(社区)或镇(街道)", field="region")
        updates.update(handling_region=region, handling_department=None)
        target_name, dept = region.name, None
    else:
        dept = _department(department) if department is not None else case.category.default_department()
        if dept is None:
            raise ValidationFailed("请选择承办部门（该分类没有默认责任部门）", field="department")
        updates.update(handling_department=dept, handling_region=None)
        target_name = dept.name
    if case.accepted_at is None:
        updates["accepted_at"] = now
    _apply(actor, case, "dispatch", role, to_state=State.DISPATCHED, updates=updates, note=note, department=dept,
           data={"department": getattr(dept, "pk", None), "region": getattr(region, "pk", None)})
    if dept is not None:
        CaseAssignment.objects.filter(case=case, is_active=True).update(is_active=False, ended_at=now)
        CaseAssignment.objects.create(case=case, department=dept, role=AssignmentRole.LEAD,
                                      source=AssignmentSource.DISPATCH, assigned_at=now,
                                      assigned_by=actor.user,
                                      due_at=updates["ack_due_at"])
    case._dispatched_to = target_name
    return case


@_verb
def acknowledge(actor, case: Case, *, note: str = "") -> Case:
    role = _check(actor, case, "acknowledge")
    now = timezone.now()
    _apply(actor, case, "acknowledge", role, to_state=State.IN_PROGRESS, updates={"acknowledged_at": now},
           note=note, department=case.handling_department)
    if case.handling_department_id:
        CaseAssignment.objects.filter(case=case, department_id=case.handling_department_id, is_active=True,
                                      acknowledged_at__isnull=True).update(acknowledged_at=now)
    return case


@_verb
def return_case(actor, case: Case, *, reason: str) -> Case:
    role = _check(actor, case, "return")
    reason = _require(reason, "退回必须说明理由", "reason")
    dept = case.handling_department
    now = timezone.now()
    _apply(actor, case, "return", role, to_state=State.RETURNED, note=reason, department=dept,
           updates={"handling_department": None, "handling_region": None})
    if dept is not None:
        CaseAssignment.objects.filter(case=case, department=dept, is_active=True).update(is_active=False, ended_at=now)
    return case


@_verb
def handle(actor, case: Case, *, note: str, files=()) -> Case:
    role = _check(actor, case, "handle")
    note = _require(note, "请填写处置情况", "note")
    uploads = [(u, AttachmentKind.EVIDENCE) for u in case_files.validate_all(files, field="files")]
    now = timezone.now()
    _apply(actor, case, "handle", role, to_state=State.HANDLED, updates={"handled_at": now, "verified_at": None},
           note=note, department=case.handling_department, uploads=uploads)
    if case.handling_department_id:
        CaseAssignment.objects.filter(case=case, department_id=case.handling_department_id,
                                      is_active=True).update(handled_at=now)
    return case


@_verb
def request_extension(actor, case: Case, *, days: int, reason: str) -> Case:
    role = _check(actor, case, "request_extension")
    reason = _require(reason, "申请延期必须说明理由", "reason")
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= 30:
        raise ValidationFailed("延期天数应为 1–30 个工作日", field="days")
    _apply(actor, case, "request_extension", role, updates={"extension_requested_days": days,
                                                           "extension_reason": reason[:300]},
           note=reason, data={"days": days}, department=case.handling_department)
    return case


@_verb
def extend(actor, case: Case, *, approve: bool = True, note: str = "") -> Case:
    role = _check(actor, case, "extend")
    days = case.extension_requested_days
    updates: dict = {"extension_requested_days": 0}
    if approve:
        updates.update(extension_count=case.extension_count + 1, supervision_level=SupervisionLevel.NONE,
                       handle_due_at=calendar.add_working_days(case.handle_due_at or timezone.now(), days))
    _apply(actor, case, "extend", role, updates=updates, note=note,
           data={"approved": bool(approve), "days": days})
    return case


@_verb
def suspend(actor, case: Case, *, reason: str) -> Case:
    role = _check(actor, case, "suspend")
    reason = _require(reason, "挂起必须说明理由", "reason")
    _apply(actor, case, "suspend", role, to_state=State.SUSPENDED, note=reason,
           updates={"suspended_from": case.state, "suspended_at": timezone.now()})
    return case


@_verb
def resume(actor, case: Case, *, note: str = "") -> Case:
    role = _check(actor, case, "resume")
    now = timezone.now()
    back = case.suspended_from or State.IN_PROGRESS
    updates: dict = {"suspended_from": "", "suspended_at": None}
    if case.suspended_at:  # the suspended office time does not count against the limits
        paused = calendar.working_time_between(case.suspended_at, now).total_seconds() / 3600
        for field in ("ack_due_at", "handle_due_at"):
            due = getattr(case, field)
            if due is not None and paused > 0:
                updates[field] = calendar.add_working_hours(due, paused)
    _apply(actor, case, "resume", role, to_state=back, updates=updates, note=note)
    return case


@_verb
def verify(actor, case: Case, *, passed: bool, note: str = "", files=()) -> Case:
    role = _check(actor, case, "verify")
    uploads = [(u, AttachmentKind.PHOTO) for u in case_files.validate_all(files, field="files")]
    now = timezone.now()
    if passed:
        _apply(actor, case, "verify", role, updates={"verified_at": now}, note=note, data={"passed": True},
               uploads=uploads)
    else:
        _require(note, "核查不通过必须说明原因", "note")
        _apply(actor, case, "verify", role, to_state=State.IN_PROGRESS, updates=_rework_updates(case, now), note=note,
               data={"passed": False, "rework": True}, uploads=uploads)
    return case


@_verb
def close(actor, case: Case, *, note: str = "") -> Case:
    role = _check(actor, case, "close")
    _apply(actor, case, "close", role, to_state=State.CLOSED, updates={"closed_at": timezone.now()}, note=note)
    return case


@_verb
def rate(actor, case: Case, *, rating: str, note: str = "") -> Case:
    role = _check(actor, case, "rate")
    if rating not in Rating.values:
        raise ValidationFailed("评价只能是满意、基本满意或不满意", field="rating")
    now = timezone.now()
    # the reporting resident rates; anyone else allowed to (a commander who did not handle it) records a 回访
    by = {"by": "reporter" if "reporter" in relations(actor, case) else "revisit"}
    if rating == Rating.UNSATISFIED:
        updates = _rework_updates(case, now)  # the rating stays on the timeline; the case awaits a new one
        _apply(actor, case, "rate", role, to_state=State.IN_PROGRESS, updates=updates, note=note,
               data={"rating": rating, "rework": True, **by})
    else:
        _apply(actor, case, "rate", role, updates={"rating": rating, "rated_at": now}, note=note,
               data={"rating": rating, **by})
    return case


@_verb
def reopen(actor, case: Case, *, reason: str) -> Case:
    role = _check(actor, case, "reopen")
    reason = _require(reason, "返工必须说明理由", "reason")
    _apply(actor, case, "reopen", role, to_state=State.IN_PROGRESS, updates=_rework_updates(case, timezone.now()),
           note=reason, data={"rework": True})
    return case


@_verb
def resolve_on_spot(actor, case: Case, *, before=(), after=(), note: str = "") -> Case:
    role = _check(actor, case, "resolve_on_spot")
    ups = [(u, AttachmentKind.BEFORE) for u in case_files.validate_all(before, field="before")]
    ups += [(u, AttachmentKind.AFTER) for u in case_files.validate_all(after, field="after")]
    kinds = {k for _, k in ups} | set(Attachment.objects.filter(case=case, kind__in=[AttachmentKind.BEFORE,
                                      AttachmentKind.PHOTO]).values_list("kind", flat=True))
    if not ({AttachmentKind.BEFORE, AttachmentKind.PHOTO} & kinds):
        raise ValidationFailed("自行处置需要上传处置前照片", field="before")
    if AttachmentKind.AFTER not in kinds:
        raise ValidationFailed("自行处置需要上传处置后照片", field="after")
    now = timezone.now()
    updates = {"resolved_on_spot": True, "accepted_at": now, "handled_at": now, "verified_at": now, "closed_at": now}
    _apply(actor, case, "resolve_on_spot", role, to_state=State.CLOSED, updates=updates, note=note, uploads=ups)
    return case


@_verb
def whistle(actor, case: Case, *, departments, lead=None, reason: str) -> Case:
    role = _check(actor, case, "whistle")
    reason = _require(reason, "吹哨必须说明事由", "reason")
    depts = list({d.pk: d for d in (_department(d) for d in (departments or []))}.values())
    if not depts:
        raise ValidationFailed("吹哨至少要点名一个部门", field="departments")
    lead_dept = _department(lead) if lead is not None else depts[0]
    if lead_dept.pk not in {d.pk for d in depts}:
        depts.insert(0, lead_dept)
    now = timezone.now()
    level = _owner_level(case, role).get("command_level", case.command_level)
    region = case.village if level == CommandLevel.VILLAGE and case.village_id else case.town
    due = deadlines.report_in_due(case.priority, now)
    updates = {**_owner_level(case, role), "handling_department": lead_dept, "handling_region": None,
               "dispatched_at": now, "acknowledged_at": None,
               "ack_due_at": due, "handle_due_at": deadlines.handle_due(case.category, case.priority, now),
               "supervision_level": SupervisionLevel.NONE}
    if case.accepted_at is None:
        updates["accepted_at"] = now
    _apply(actor, case, "whistle", role, to_state=State.DISPATCHED, updates=updates, note=reason, department=lead_dept,
           data={"lead": lead_dept.pk, "departments": [d.pk for d in depts]})
    w = Whistle.objects.create(case=case, region=region or case.town, blown_by=actor.user, blown_at=now,
                               reason=reason[:300], report_in_due_at=due)
    CaseAssignment.objects.filter(case=case, is_active=True).update(is_active=False, ended_at=now)
    CaseAssignment.objects.bulk_create([
        CaseAssignment(case=case, department=d, whistle=w, source=AssignmentSource.WHISTLE, assigned_at=now,
                       role=AssignmentRole.LEAD if d.pk == lead_dept.pk else AssignmentRole.ASSIST, due_at=due,
                       assigned_by=actor.user)
        for d in depts
    ])
    case.__dict__.pop("_pending_whistled", None)  # the whistled departments changed
    return case


@_verb
def report_in(actor, case: Case, *, department=None, note: str = "") -> Case:
    role = _check(actor, case, "report_in")
    from jishi.cases.permissions import pending_whistled_departments

    pending = pending_whistled_departments(case)
    mine = reporting_in(actor, case)  # not empty: the guard checked
    if department is not None:
        dept_id = _department(department).pk
        if dept_id not in mine:
            raise PermissionDenied("该部门不在本次吹哨的待报到名单中", code="not_whistled")
    else:
        dept_id = sorted(mine)[0]
    now = timezone.now()
    assignment = CaseAssignment.objects.filter(case=case, department_id=dept_id, is_active=True,
                                               source=AssignmentSource.WHISTLE).first()
    if CaseAssignment.objects.filter(pk=assignment.pk, acknowledged_at__isnull=True).update(acknowledged_at=now) != 1:
        raise Conflict("该部门已报到", code="already_reported_in")
    is_lead = assignment.role == AssignmentRole.LEAD
    to_state = State.IN_PROGRESS if is_lead and case.state == State.DISPATCHED else SAME
    updates = {"acknowledged_at": now} if to_state == State.IN_PROGRESS else {}
    _apply(actor, case, "report_in", role, to_state=to_state, updates=updates, note=note,
           department=assignment.department, bump=to_state != SAME,
           data={"department": dept_id, "role": assignment.role})
    case._pending_whistled = pending - {dept_id}
    return case


@_verb
def supervise(actor, case: Case, *, note: str) -> Case:
    role = _check(actor, case, "supervise")
    note = _require(note, "请填写督办意见", "note")
    now = timezone.now()
    Supervision.objects.create(case=case, kind=SupervisionKind.MANUAL, level=SupervisionLevel.RED, note=note[:300],
                               department=case.handling_department, due_at=case.handle_due_at,
                               by=actor.user, created_at=now)
    _apply(actor, case, "supervise", role, note=note, bump=False, department=case.handling_department)
    return case


@dataclass
class BulkResult:
    """What a bulk action did: the cases done, and each case skipped with why (in Chinese)."""
    done: list[Case] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (case number or id, message)


def supervise_many(actor, ids, *, note: str, limit: int = 100) -> BulkResult:
    """督办 each selected case with one note: one ``supervise`` (one timeline row, one transaction) a case, so a
    case refused never stops the others. Ids the actor cannot see are skipped as not found."""
    actor = as_actor(actor)
    _require(note, "请填写督办意见", "note")
    limits.check(note, limits.NOTE, field="note", label="说明")
    wanted = list(dict.fromkeys(int(i) for i in ids))[:limit]
    if not wanted:
        raise ValidationFailed("请先勾选要督办的事件", field="ids")
    found = {c.pk: c for c in Case.objects.restrict(actor, "view").filter(pk__in=wanted)}
    result = BulkResult()
    for pk in wanted:
        case = found.get(pk)
        if case is None:
            result.skipped.append((str(pk), "事件不存在或不在您的范围内"))
            continue
        try:
            result.done.append(supervise(actor, case, note=note))
        except ServiceError as exc:
            result.skipped.append((case.number, exc.message))
    return result


@_verb
def escalate(actor, case: Case, *, reason: str) -> Case:
    role = _check(actor, case, "escalate")
    reason = _require(reason, "上报上级必须说明理由", "reason")
    order = [CommandLevel.VILLAGE, CommandLevel.TOWN, CommandLevel.CITY]
    rank = LEVEL_RANK[CommandLevel(case.command_level)]  # below the city: the guard checked
    new_level = order[rank + 1]
    if new_level == CommandLevel.TOWN and not case.town_id:
        new_level = CommandLevel.CITY
    now = timezone.now()
    updates = {"command_level": new_level, "handling_region": None, "handling_department": None}
    if case.accepted_at is None:
        updates["accepted_at"] = now
    _apply(actor, case, "escalate", role, to_state=State.ACCEPTED, updates=updates, note=reason,
           data={"from_level": order[rank].value, "to_level": new_level.value})
    CaseAssignment.objects.filter(case=case, is_active=True).update(is_active=False, ended_at=now)
    return case


# --- dispatcher ------------------------------------------------------------------------------

VERB_FUNCTIONS = {
    "accept": accept, "reject": reject, "dispatch": dispatch, "acknowledge": acknowledge, "return": return_case,
    "handle": handle, "request_extension": request_extension, "extend": extend, "suspend": suspend,
    "resume": resume, "verify": verify, "close": close, "rate": rate, "reopen": reopen,
    "resolve_on_spot": resolve_on_spot, "whistle": whistle, "report_in": report_in, "supervise": supervise,
    "escalate": escalate,
}
assert set(VERB_FUNCTIONS) | {"report"} == set(TRANSITIONS), "every verb of the table has a service function"


def act(actor, case: Case, verb: str, **data) -> Case:
    """Perform ``verb`` on ``case`` (the pages' and the API's POST /cases/{id}/{verb}). An unknown verb, or
    arguments the verb does not take or lacks, is refused (422) before the verb runs; whatever the verb
    raises is its own answer."""
    fn = VERB_FUNCTIONS.get(verb)
    if fn is None:
        raise ValidationFailed(f"未知的操作“{verb}”", field="verb")
    try:
        inspect.signature(fn).bind(actor, case, **data)
    except TypeError as exc:  # the caller's arguments do not fit the verb's signature
        raise ValidationFailed(f"操作“{TRANSITIONS[verb].label}”的参数不正确：{exc}", field="data")
    return fn(actor, case, **data)


def available_verbs(actor, case: Case) -> list[str]:
    """The verbs ``actor`` may perform on ``case`` now (for buttons): the table's states and relations and
    each verb's guard — what the verb itself checks before it looks at the caller's input."""
    actor = as_actor(actor)
    rel = relations(actor, case)
    return [verb for verb, t in TRANSITIONS.items()
            if verb != "report" and t.allows_from(case.state) and t.who & rel.keys()
            and refusal(actor, case, verb) is None]
