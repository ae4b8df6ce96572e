"""The handling unit reaches the reporter without seeing their number.

``contact_reporter`` writes one timeline row (verb ``contact``: by SMS relay with the text, or a masked
call-back); the notice consumer (``jishi.notify.case_notices``) sends the text to, or bridges the call with,
the number the platform holds — the staff member sees neither. ``reveal_reporter_phone`` shows the number
in full to a handler who gives a reason: an audited step, written on the timeline (the reporter sees that
their number was read and why); refused for an anonymous report.

Who: the case's handling unit (a handler of the lead department or the region it was dispatched to), a
whistled department, or a commander of the case (the relations of ``jishi.cases.permissions``).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from jishi.cases.choices import State
from jishi.cases.models import Case, CaseEvent
from jishi.cases.permissions import relations, user_departments
from jishi.cases.timeline import emit, writer
from jishi.core import audit, limits
from jishi.core.errors import Conflict, PermissionDenied, ValidationFailed
from jishi.org.policy import as_actor

CONTACT_RELATIONS = ("handler", "whistled", "commander")
VIA = {"sms": "短信", "call": "回拨"}
REVEAL_REASON_MIN = 4
SMS_MAX = 200  # one message of the relay (the channel splits longer ones; keep it short)
PER_DAY = 10  # contacts of one case a day: the relay is not a channel for pressing a reporter


def _role(actor, case: Case) -> str:
    rel = relations(actor, case)
    role = next((rel[r] for r in CONTACT_RELATIONS if r in rel), None)
    if role is None:
        raise PermissionDenied("只有承办单位和指挥中心可以联系上报人", code="not_allowed")
    return role


def _department_id(actor, case: Case) -> int | None:
    depts = user_departments(actor)
    if case.handling_department_id in depts:
        return case.handling_department_id
    return min(depts) if depts else None


def reachable(case: Case) -> bool:
    """Whether the platform holds a number to reach the reporter at (the case's, or the reporting account's)."""
    if case.reporter_phone:
        return True
    user = case.reporter_user if case.reporter_user_id else None
    return bool(getattr(getattr(user, "person", None), "phone", ""))


def may_contact(actor, case: Case) -> bool:
    """Whether the page offers the call-back and SMS relay to ``actor``."""
    actor = as_actor(actor)
    rel = relations(actor, case)
    return any(r in rel for r in CONTACT_RELATIONS) and case.channel != "patrol" and reachable(case)


@writer
def contact_reporter(actor, case: Case, *, via: str, text: str = "") -> CaseEvent:
    """Reach the reporter through the platform: ``via`` "sms" (``text`` relayed) or "call" (masked call-back)."""
    actor = as_actor(actor)
    role = _role(actor, case)
    if via not in VIA:
        raise ValidationFailed("联系方式只能是短信或回拨", field="via")
    if case.state == State.REJECTED:
        raise Conflict("事件已不予立案，不能再联系上报人", code="illegal_transition")
    if not reachable(case):
        raise ValidationFailed("该事件没有可联系的上报人号码", code="unreachable")
    text = (text or "").strip()
    if via == "sms":
        if not text:
            raise ValidationFailed("请填写要转发给上报人的短信内容", field="text")
        limits.check(text, SMS_MAX, field="text", label="短信内容")
    elif not getattr(getattr(actor.user, "person", None), "phone", ""):
        raise ValidationFailed("您的账号没有登记手机号，平台无法回拨，请改用短信", field="via")
    now = timezone.now()
    since = now - timedelta(days=1)
    if CaseEvent.objects.filter(case=case, verb="contact", at__gte=since).count() >= PER_DAY:
        raise Conflict(f"该事件 24 小时内已联系上报人 {PER_DAY} 次，请稍后再试", code="too_many")
    event = emit(case, "contact", actor=actor.user, actor_name=actor.name, actor_role=role,
                 department_id=_department_id(actor, case), at=now, from_state=case.state, to_state=case.state,
                 note=text if via == "sms" else "平台回拨上报人（双方号码均不显示）", data={"via": via})
    audit.record(actor.user, "case.contact", case, role=role, summary=f"{case.number} 经平台{VIA[via]}联系上报人",
                 data={"via": via})
    return event


@writer
def reveal_reporter_phone(actor, case: Case, *, reason: str) -> str:
    """The reporter's number in full for a handler with a reason (audited, on the timeline)."""
    actor = as_actor(actor)
    role = _role(actor, case)
    if case.anonymous:
        raise PermissionDenied("匿名上报的事件不能查看上报人号码，请使用平台回拨或短信", code="anonymous")
    reason = (reason or "").strip()
    if len(reason) < REVEAL_REASON_MIN:
        raise ValidationFailed(f"查看上报人号码须说明理由（至少 {REVEAL_REASON_MIN} 个字）", field="reason")
    limits.check(reason, limits.REASON, field="reason", label="理由")
    if not case.reporter_phone:
        raise ValidationFailed("该事件没有上报人号码", code="unreachable")
    now = timezone.now()
    emit(case, "reveal", actor=actor.user, actor_name=actor.name, actor_role=role,
         department_id=_department_id(actor, case), at=now, from_state=case.state, to_state=case.state,
         note=reason, data={})
    audit.record(actor.user, "case.reporter_reveal", case, role=role, summary=f"{case.number} 查看上报人号码",
                 data={"reason": reason[:200]})
    return case.reporter_phone
