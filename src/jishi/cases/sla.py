"""The supervision sweep (督办): find near-due (yellow) and overdue (red) cases and raise notices.

Three limits are watched on open, unsuspended cases:

- acknowledge: ``ack_due_at`` while the case waits to be accepted, dispatched or signed for
  (reported / accepted / returned / dispatched);
- handle: ``handle_due_at`` until the case is handled (accepted / returned / dispatched / in_progress);
- report-in: each whistled department's ``due_at`` until it reports in.

A limit turns yellow when less than 20% of it (at least an hour) is left, red when it has passed.
Each (case, limit, level, due time) raises one ``Supervision`` row and one timeline row (the notice
consumer tells the handler, or the owning commanders, and their superior) — once: the unique
constraint on Supervision makes the sweep idempotent, also when two sweeps overlap. An extension
or rework sets a new due time, so it can be supervised again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from jishi.cases import deadlines
from jishi.cases.choices import AssignmentSource, State, SupervisionKind, SupervisionLevel
from jishi.cases.models import Case, CaseAssignment, Supervision
from jishi.cases.timeline import emit
from jishi.core import audit, consumers

ACK_STATES = (State.REPORTED, State.ACCEPTED, State.RETURNED, State.DISPATCHED)
HANDLE_STATES = (State.ACCEPTED, State.RETURNED, State.DISPATCHED, State.IN_PROGRESS)
LOOKAHEAD = timedelta(days=10)  # longer than the yellow margin of any limit


@dataclass
class SweepResult:
    checked: int = 0
    yellow: int = 0
    red: int = 0
    created: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return f"检查 {self.checked} 项时限，新增督办 {len(self.created)} 条（黄牌 {self.yellow}，红牌 {self.red}）"


def _level(start: datetime | None, due: datetime, now: datetime) -> str | None:
    if due <= now:
        return SupervisionLevel.RED
    if start is not None and deadlines.near_due_at(start, due) <= now:
        return SupervisionLevel.YELLOW
    if start is None and due - now <= deadlines.NEAR_DUE_MIN:
        return SupervisionLevel.YELLOW
    return None


def sweep(now: datetime | None = None) -> SweepResult:
    """Raise the supervision notices due at ``now``. Running it again raises nothing new."""
    now = now or timezone.now()
    result = SweepResult()
    horizon = now + LOOKAHEAD
    cols = ("id", "state", "reported_at", "dispatched_at", "ack_due_at", "handle_due_at", "handling_department_id")
    found: list[tuple[int, str, str, datetime, int | None]] = []  # case, kind, level, due, department
    for c in Case.objects.filter(state__in=ACK_STATES, ack_due_at__lte=horizon).values(*cols):
        start = c["dispatched_at"] if c["state"] == State.DISPATCHED else c["reported_at"]
        result.checked += 1
        if (lv := _level(start, c["ack_due_at"], now)) is not None:
            found.append((c["id"], SupervisionKind.ACKNOWLEDGE, lv, c["ack_due_at"], c["handling_department_id"]))
    for c in Case.objects.filter(state__in=HANDLE_STATES, handle_due_at__lte=horizon).values(*cols):
        start = c["dispatched_at"] or c["reported_at"]
        result.checked += 1
        if (lv := _level(start, c["handle_due_at"], now)) is not None:
            found.append((c["id"], SupervisionKind.HANDLE, lv, c["handle_due_at"], c["handling_department_id"]))
    pending = CaseAssignment.objects.filter(
        is_active=True, source=AssignmentSource.WHISTLE, acknowledged_at__isnull=True, due_at__lte=horizon,
        case__state__in=(State.DISPATCHED, State.IN_PROGRESS),
    ).values_list("case_id", "department_id", "assigned_at", "due_at")
    for case_id, dept_id, start, due in pending:
        result.checked += 1
        if (lv := _level(start, due, now)) is not None:
            found.append((case_id, SupervisionKind.REPORT_IN, lv, due, dept_id))
    if not found:
        return result

    existing = set(Supervision.objects.filter(case_id__in={f[0] for f in found}).exclude(kind=SupervisionKind.MANUAL)
                   .values_list("case_id", "kind", "level", "due_at"))
    seen: set[tuple] = set()
    cases = Case.objects.in_bulk({f[0] for f in found})
    for case_id, kind, level, due, dept_id in found:
        key = (case_id, kind, level, due)
        if key in existing or key in seen:
            continue
        seen.add(key)
        case = cases[case_id]
        if _raise(case, kind, level, due, dept_id, now):
            result.created.append(case_id)
            if level == SupervisionLevel.RED:
                result.red += 1
            else:
                result.yellow += 1
    if result.created:
        audit.record(None, "case.sweep", object_type="cases.case", object_id="sweep", summary=str(result),
                     data={"cases": result.created[:200], "yellow": result.yellow, "red": result.red})
    consumers.settled()
    return result


KIND_TEXT = {SupervisionKind.ACKNOWLEDGE: "签收/受理", SupervisionKind.HANDLE: "处置", SupervisionKind.REPORT_IN: "报到"}


def _raise(case: Case, kind: str, level: str, due: datetime, dept_id: int | None, now: datetime) -> bool:
    """Insert one supervision (False if another sweep already did) and its timeline row."""
    red = level == SupervisionLevel.RED
    text = f"{KIND_TEXT[kind]}{'已超期' if red else '即将到期'}（时限 {timezone.localtime(due):%m-%d %H:%M}）"
    try:
        with transaction.atomic():
            Supervision.objects.create(case=case, kind=kind, level=level, due_at=due, department_id=dept_id,
                                       note=text, created_at=now)
            emit(case, "supervise", actor_name="系统", actor_role="system", at=now, from_state=case.state,
                 to_state=case.state, note=text, department_id=dept_id, data={"auto": True, "kind": kind, "level": level})
            rank = {SupervisionLevel.NONE: 0, SupervisionLevel.YELLOW: 1, SupervisionLevel.RED: 2}
            if rank[level] > rank[SupervisionLevel(case.supervision_level)]:
                Case.objects.filter(pk=case.pk).update(supervision_level=level)
                case.supervision_level = level
    except IntegrityError:
        return False
    return True
