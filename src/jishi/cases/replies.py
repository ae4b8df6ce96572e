"""A supervised unit answers a 督办: what it did and when it will finish, seen by who supervised.

``reply_to_supervision`` keeps the answer on the supervision notice and writes one timeline row (verb
``supervise_reply``); the notice consumer tells the commander who supervised (or, for the sweep's notices, the
case's commanders). One answer per notice; a later notice gets its own.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from jishi.cases.models import Case, Supervision
from jishi.cases.permissions import relations, user_departments
from jishi.cases.timeline import emit, writer
from jishi.core import audit, limits
from jishi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jishi.org.policy import as_actor

REPLY_MAX = 500


def may_reply(actor, case: Case) -> bool:
    """Whether ``actor`` answers the case's supervision notices (its handling unit or a whistled department)."""
    rel = relations(as_actor(actor), case)
    return "handler" in rel or "whistled" in rel


def open_supervisions(case: Case) -> list[Supervision]:
    """The case's notices still waiting for an answer (newest first; from the prefetched rows when there are)."""
    return [s for s in case.supervisions.all() if not s.replied_at]


@writer
def reply_to_supervision(actor, case: Case, supervision_id: int, *, note: str, finish_by: date | None = None
                         ) -> Supervision:
    actor = as_actor(actor)
    rel = relations(actor, case)
    role = rel.get("handler") or rel.get("whistled")
    if role is None:
        raise PermissionDenied("只有被督办的承办单位可以回复督办", code="not_allowed")
    sup = Supervision.objects.select_for_update().filter(pk=supervision_id, case=case).first()
    if sup is None:
        raise NotFound("督办不存在", field="supervision")
    if sup.replied_at is not None:
        raise Conflict("该督办已回复", code="already_replied")
    note = (note or "").strip()
    if not note:
        raise ValidationFailed("请填写已采取的措施", field="note")
    limits.check(note, REPLY_MAX, field="note", label="回复")
    now = timezone.now()
    if finish_by is not None and finish_by < timezone.localdate(now):
        raise ValidationFailed("承诺办结日期不能早于今天", field="finish_by")
    depts = user_departments(actor)
    dept_id = case.handling_department_id if case.handling_department_id in depts else (min(depts) if depts else None)
    Supervision.objects.filter(pk=sup.pk).update(reply=note, reply_finish_by=finish_by, replied_at=now,
                                                 replied_by=actor.user, reply_department_id=dept_id)
    sup.reply, sup.reply_finish_by, sup.replied_at, sup.replied_by, sup.reply_department_id = (
        note, finish_by, now, actor.user, dept_id)
    emit(case, "supervise_reply", actor=actor.user, actor_name=actor.name, actor_role=role, department_id=dept_id,
         at=now, from_state=case.state, to_state=case.state, note=note,
         data={"supervision": sup.pk, "finish_by": finish_by.isoformat() if finish_by else None})
    audit.record(actor.user, "case.supervise_reply", case, role=role, summary=f"{case.number} 回复督办",
                 data={"supervision": sup.pk, "finish_by": finish_by.isoformat() if finish_by else None})
    return sup
