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

from jishi.cases.models import CaseEvent, Supervision, Whistle
from jishi.notify.services import digest, notify, relay_call, send_text

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
    card = "红牌" if red else "黄牌"
    commanders = {u.pk for u in p.commanders_of(case) + p.superior_commanders(case)}
    doers = [u for u in who if u.pk not in commanders]  # who must act on this case: one notice per case
    _tell(doers, e, "case.supervision", f"{card}督办：{case.number}", f"{case.title}：{e.note}", level=level,
          outbound=red)
    # commanders get one digest a day (its lines the cases) instead of one notice per case
    digest([u for u in who + p.superior_commanders(case) if u.pk in commanders], kind=f"case.supervision_digest.{level}",
           title=f"今日{card}督办汇总：{{n}} 件", line=f"{case.number} {case.title}：{e.note}"[:300], key=case.number,
           url="/cases/board/?tab=open&overdue=1" if red else "/cases/board/?tab=open", level=level, outbound=red)


def _escalate(e):
    _tell(_perm().commanders_of(e.case), e, "case.escalated", f"下级上报事件待派遣：{e.case.number}", e.note)


def _contact(e):
    """A department or commander reaches the reporter through the platform (``cases.contact``): the text or the
    call goes to the number the platform holds; the staff member never sees it."""
    case, data = e.case, e.data or {}
    dept = e.department.name if e.department_id and e.department else "承办单位"
    phone = reporter_phone(case)
    user = case.reporter_user if case.reporter_user_id else None
    if data.get("via") == "call":
        staff = getattr(getattr(e.actor, "person", None), "phone", "") if e.actor_id else ""
        relay_call(staff, phone, text=f"{dept}回拨上报人（事件 {case.number}）", recipient=user)
        if user is not None:
            _tell([user], e, "case.contact", f"{dept}将通过平台回拨您：{case.number}",
                  "来电显示为平台号码，请留意接听。")
        return
    text = f"【基石】{dept}就您反映的事件 {case.number}：{e.note}"
    if user is not None:  # in-app and SMS to the account
        _tell([user], e, "case.contact", f"{dept}给您留言：{case.number}", e.note, outbound=False)
    send_text(phone, text, recipient=user)


def reporter_phone(case) -> str:
    """The number the platform reaches the reporter at: the case's, else the account's person's."""
    if case.reporter_phone:
        return case.reporter_phone
    if case.reporter_user_id:
        return getattr(getattr(case.reporter_user, "person", None), "phone", "") or ""
    return ""


def _supervise_reply(e):
    """A department's answer to a 督办: told to who supervised (a commander by hand) or the case's commanders."""
    data = e.data or {}
    sup = Supervision.objects.filter(pk=data.get("supervision")).select_related("by").first()
    who = [sup.by] if sup is not None and sup.by_id else _perm().commanders_of(e.case)
    dept = e.department.name if e.department_id and e.department else ""
    finish = f"（承诺 {data.get('finish_by')} 前办结）" if data.get("finish_by") else ""
    _tell(who, e, "case.supervise_reply", f"督办已回复：{e.case.number}", f"{dept}：{e.note}{finish}")


# verb → who is told (acknowledge, report_in and resolve_on_spot tell no one of the staff; the reporter: below)
NOTICES: dict[str, Callable[[CaseEvent], None]] = {
    "report": _report, "accept": _accept, "dispatch": _dispatch, "return": _return,
    "handle": _handle, "request_extension": _request_extension, "extend": _extend, "suspend": _suspend,
    "resume": _resume, "verify": _verify, "rate": _rate, "reopen": _reopen, "whistle": _whistle,
    "supervise": _supervise, "escalate": _escalate, "contact": _contact, "supervise_reply": _supervise_reply,
}


# --- the reporter: every step that concerns them (in-app and the outbound channel) ------------------------

def _unit(case) -> str:
    if case.handling_department_id and case.handling_department:
        return case.handling_department.name
    if case.handling_region_id and case.handling_region:
        return case.handling_region.name
    return ""


def _after_photos(e: CaseEvent) -> int:
    return e.attachments.count()


def _for_reporter(e: CaseEvent) -> tuple[str, str, str] | None:
    """(kind, title, body) of the reporter's notice of ``e``, or None when the step does not concern them."""
    case, data, n = e.case, e.data or {}, e.case.number
    if e.verb == "accept":
        return "case.accepted", f"您反映的问题已受理：{n}", "我们将尽快派给责任单位办理。"
    if e.verb == "reject":
        return "case.rejected", f"您反映的问题不予立案：{n}", e.note
    if e.verb in ("dispatch", "whistle"):
        unit = _unit(case)
        return "case.dispatched", f"已派遣{('至' + unit) if unit else ''}办理：{n}", case.title
    if e.verb == "acknowledge":
        unit = e.department.name if e.department_id and e.department else _unit(case)
        return "case.acknowledged", f"{unit or '承办单位'}已签收，正在处置：{n}", case.title
    if e.verb == "handle":
        photos = _after_photos(e)
        shown = f"（附处置后照片 {photos} 张）" if photos else ""
        return "case.handled", f"已处置，待您核查：{n}", f"{e.note}{shown}"
    if e.verb == "verify" and not data.get("passed"):
        return "case.redo", f"核查未通过，重新办理：{n}", e.note
    if e.verb == "close":
        return "case.closed", f"已结案，请您评价：{n}", case.title
    if e.verb == "reopen" or (e.verb == "rate" and data.get("rework")):
        return "case.redo", f"您的事件重新办理（重办）：{n}", e.note
    if e.verb == "escalate":
        return "case.escalated", f"已上报上级协调办理：{n}", e.note
    return None


REPORTER_CHANNELS = frozenset({"resident", "hotline", "informant", "alliance"})  # not staff patrols…


def _for_a_resident(case) -> bool:
    """A case of the reporter channels, or one staff reported for a resident (代居民上报) — not a staff patrol."""
    if case.channel in REPORTER_CHANNELS:
        return True
    report = CaseEvent.objects.filter(case_id=case.pk, verb="report").values_list("data", flat=True).first()
    return bool((report or {}).get("on_behalf_of"))


def _tell_reporter(e: CaseEvent) -> None:
    case = e.case
    if case.reporter_user_id is None and not case.reporter_phone:
        return
    if case.reporter_user_id is not None and e.actor_id == case.reporter_user_id:
        return  # not of one's own step
    told = _for_reporter(e)
    if told is None or not _for_a_resident(case):
        return
    kind, title, body = told
    if case.reporter_user_id is not None:  # in-app and the account's phone
        notify([case.reporter_user], kind=kind, title=title, body=body or case.title, url=f"/cases/{case.pk}/#progress",
               obj=case, outbound=True)
    else:  # a caller without an account (12345): the text to the number they gave
        send_text(case.reporter_phone, f"【基石】{title}")


def apply(rows: list[CaseEvent]) -> None:
    """The consumer's handler: tell who must know of each row, and the reporter of each step that concerns them."""
    for event in rows:
        handler = NOTICES.get(event.verb)
        if handler is not None:
            handler(event)
        _tell_reporter(event)


def register() -> None:
    from jishi.core import consumers

    consumers.register("notify.case_notices", CaseEvent, apply, label="事件通知", related=("case", "actor"))
