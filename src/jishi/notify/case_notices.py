"""Who is told of which case verb: a consumer of the case timeline (``jishi.core.consumers``).

The case services write the timeline row and nothing else downstream; this module reads each new row and
puts the notices in the inboxes (``notify``), in the consumer's transaction with its cursor move, so each
row is told exactly once. ``notify`` sits above ``cases`` here: it reads cases through their named
services (``cases.permissions`` for who holds a case, ``cases.intake.new_case_recipients``); ``cases``
never imports ``notify``.

Recipients are worked out when the row is consumed (normally within a second of the commit): the case's
current handlers and commanders — a row consumed after later changes tells who holds the case then.
What the row itself records (the department of a whistle, the note, the days of an extension) comes
from the row.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from jishi.cases.models import CaseEvent, Whistle
from jishi.notify.services import notify

YELLOW, RED = "yellow", "red"


def _perm():
    from jishi.cases import permissions

    return permissions


def _tell(users, event: CaseEvent, kind: str, title: str, body: str = "", level: str = "info",
          outbound: bool = False) -> None:
    case = event.case
    notify(users, kind=kind, title=title, body=body or case.title, url=f"/cases/{case.pk}/", obj=case, level=level,
           outbound=outbound)


def _dispatcher(event: CaseEvent) -> list:
    """The user who last dispatched or whistled the case before ``event`` (a return goes back to them)."""
    ev = (CaseEvent.objects.filter(case_id=event.case_id, pk__lt=event.pk, verb__in=["dispatch", "whistle"],
                                   actor__isnull=False).select_related("actor").order_by("-pk").first())
    return [ev.actor] if ev else []


def _reporter(event: CaseEvent) -> list:
    case = event.case
    return [case.reporter_user] if case.reporter_user_id else []


def _local(dt) -> str:
    return f"{timezone.localtime(dt):%m-%d %H:%M}" if dt else ""


def _report(e: CaseEvent) -> None:
    from jishi.cases.intake import new_case_recipients

    case = e.case
    _tell(new_case_recipients(case, e.actor_id), e, "case.reported", f"新上报事件待立案：{case.number}")


def _accept(e):
    _tell(_perm().commanders_of(e.case), e, "case.accepted", f"事件已立案，待派遣：{e.case.number}")


def _reject(e):
    _tell(_reporter(e), e, "case.rejected", f"您上报的事件不予立案：{e.case.number}", e.note)


def _dispatch(e):
    case = e.case
    _tell(_perm().handlers_of(case), e, "case.dispatched", f"新派遣事件待签收：{case.number}",
          f"{case.title}（签收时限 {_local(case.ack_due_at)}）")


def _return(e):
    _tell(_dispatcher(e) + _perm().commanders_of(e.case), e, "case.returned",
          f"事件被退回，请重新派遣：{e.case.number}", e.note, level=YELLOW)


def _handle(e):
    p = _perm()
    _tell(p.grid_staff_of(e.case) or p.commanders_of(e.case), e, "case.handled", f"事件已处置，请核查：{e.case.number}",
          e.note)


def _request_extension(e):
    _tell(_perm().commanders_of(e.case), e, "case.extension_requested", f"延期申请待审批：{e.case.number}",
          f"申请延期 {(e.data or {}).get('days')} 个工作日：{e.note}")


def _extend(e):
    approved = (e.data or {}).get("approved")
    _tell(_perm().handlers_of(e.case), e, "case.extension", f"延期申请{'已批准' if approved else '未批准'}：{e.case.number}",
          e.note)


def _suspend(e):
    _tell(_perm().handlers_of(e.case), e, "case.suspended", f"事件已挂起：{e.case.number}", e.note)


def _resume(e):
    _tell(_perm().handlers_of(e.case), e, "case.resumed", f"事件已恢复办理：{e.case.number}")


def _verify(e):
    if (e.data or {}).get("passed"):
        _tell(_perm().commanders_of(e.case), e, "case.verified", f"核查通过，待结案：{e.case.number}")
    else:
        _tell(_perm().handlers_of(e.case), e, "case.rework", f"核查不通过，返工：{e.case.number}", e.note, level=YELLOW)


def _close(e):
    _tell(_reporter(e), e, "case.closed", f"您上报的事件已办结，请评价：{e.case.number}")


def _rate(e):
    if (e.data or {}).get("rework"):
        p = _perm()
        _tell(p.handlers_of(e.case) + p.commanders_of(e.case), e, "case.rework", f"群众不满意，返工：{e.case.number}",
              e.note, level=YELLOW)


def _reopen(e):
    _tell(_perm().handlers_of(e.case), e, "case.rework", f"事件返工：{e.case.number}", e.note, level=YELLOW)


def _whistle(e):
    data = e.data or {}
    whistle = Whistle.objects.filter(case_id=e.case_id, blown_at__lte=e.at).order_by("-id").first()
    due = _local(whistle.report_in_due_at) if whistle else ""
    for dept_id in data.get("departments") or []:
        what = "主办" if dept_id == data.get("lead") else "协办"
        _tell(_perm().department_users(dept_id), e, "case.whistle", f"吹哨报到（{what}）：{e.case.number}",
              f"{e.note}（报到时限 {due}）", level=YELLOW)


def _supervise(e):
    from jishi.cases.choices import State, SupervisionKind

    p, case, data = _perm(), e.case, e.data or {}
    if not data.get("auto"):  # a commander's supervision
        _tell(p.handlers_of(case) + p.superior_commanders(case), e, "case.supervise", f"督办：{case.number}", e.note,
              level=RED)
        return
    level = data.get("level")
    if data.get("kind") == SupervisionKind.REPORT_IN:
        who = p.department_users(e.department_id)
    elif e.to_state in (State.DISPATCHED, State.IN_PROGRESS):
        who = p.handlers_of(case)
    else:
        who = p.commanders_of(case)
    red = level == RED
    _tell(who + p.superior_commanders(case), e, "case.supervision", f"{'红牌' if red else '黄牌'}督办：{case.number}",
          f"{case.title}：{e.note}", level=level, outbound=red)


def _escalate(e):
    _tell(_perm().commanders_of(e.case), e, "case.escalated", f"下级上报事件待派遣：{e.case.number}", e.note)


# verb → who is told (acknowledge, report_in and resolve_on_spot tell no one)
NOTICES: dict[str, Callable[[CaseEvent], None]] = {
    "report": _report, "accept": _accept, "reject": _reject, "dispatch": _dispatch, "return": _return,
    "handle": _handle, "request_extension": _request_extension, "extend": _extend, "suspend": _suspend,
    "resume": _resume, "verify": _verify, "close": _close, "rate": _rate, "reopen": _reopen, "whistle": _whistle,
    "supervise": _supervise, "escalate": _escalate,
}


def apply(rows: list[CaseEvent]) -> None:
    """The consumer's handler: tell who must know of each row."""
    for event in rows:
        handler = NOTICES.get(event.verb)
        if handler is not None:
            handler(event)


def register() -> None:
    from jishi.core import consumers

    consumers.register("notify.case_notices", CaseEvent, apply, label="事件通知", related=("case", "actor"))
