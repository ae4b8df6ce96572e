"""Mediation pages (desktop for cadres and mediators, usable on a phone). Each view parses input, takes the
Actor, calls one service function, renders; a refusal shows its Chinese message and changes nothing."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jishi.cases.models import Case
from jishi.core import audit
from jishi.core.calendar import TZ
from jishi.core.errors import NotFound, ServiceError, ValidationFailed
from jishi.core.scope import holds
from jishi.mediation import access, excel, meetings, pickers, queries, services
from jishi.mediation.choices import (
    OPEN_STATES,
    DisputeKind,
    FollowUpMethod,
    Level,
    MeetingKind,
    Outcome,
    PartySide,
    Source,
    State,
)
from jishi.mediation.models import Decision, MediationEvent, Meeting
from jishi.org.middleware import actor_of
from jishi.org.models import Region
from jishi.org.policy import may_see_personal_data, mediation_level_of

PARTY_ROWS = 4


def _actor(request: HttpRequest):
    actor = actor_of(request)
    if not actor.is_authenticated:
        raise Http404
    return actor


def _dispute(request: HttpRequest, pk: int):
    try:
        return access.dispute_for(_actor(request), pk)
    except NotFound:
        raise Http404(_("纠纷不存在或不在您的范围内")) from None


def _when(value: str | None) -> datetime:
    try:
        dt = datetime.fromisoformat((value or "").strip())
    except ValueError:
        raise ValidationFailed("时间格式不对（年-月-日 时:分）", field="held_at") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=TZ)


def _day(value: str | None, field: str) -> date:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValidationFailed("日期格式不对（年-月-日）", field=field) from None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if mediation_level_of(actor) is None and not access.visible(actor).exists():
        raise Http404(_("您没有调解工作"))
    qs = access.visible(actor)
    open_qs = qs.filter(state__in=OPEN_STATES)
    figures = {"open": open_qs.count(), "overdue": open_qs.filter(due_at__lt=timezone.now()).count(),
               "shares": queries.level_shares(None, (pickers.year_start(), timezone.localdate()), actor)}
    rows = pickers.filtered(qs, request.GET).select_related("village", "town", "studio")
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "mediation/home.html", {
        "active": "mediation", "page": page, "figures": figures, "f": request.GET, "params": params.urlencode(),
        "states": State.choices, "levels": Level.choices, "kinds": DisputeKind.choices,
        "studios": pickers.studios(actor), "may_register": pickers.regions(actor).exists(), "now": timezone.now(),
        "cadre": mediation_level_of(actor) is not None})


def _form_context(actor, values, error: ServiceError | None = None) -> dict:
    return {"active": "mediation", "v": values, "error": error, "regions": pickers.regions(actor),
            "studios": pickers.studios(actor), "mediators": pickers.mediators(actor), "kinds": DisputeKind.choices,
            "sources": Source.choices, "sides": PartySide.choices,
            "party_rows": [{"i": i, "side": values.get(f"party_{i}_side") or (PartySide.RESPONDENT if i == 1 else PartySide.APPLICANT),
                            **{k: values.get(f"party_{i}_{k}") or "" for k in ("name", "phone", "id")}}
                           for i in range(PARTY_ROWS)]}


@login_required
def new(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not pickers.regions(actor).exists():
        raise Http404(_("您没有登记纠纷的范围"))
    if request.method != "POST":
        values = {"source": Source.WALK_IN, "kind": DisputeKind.NEIGHBOUR}
        number = (request.GET.get("case") or "").strip()
        if number:  # one tap from a case: the case's facts and reporter
            case = Case.objects.restrict(actor, "view").filter(number=number).select_related("village").first()
            if case is None:
                messages.error(request, _("事件编号不存在或不在您的范围内"))
            else:
                values.update({"source": Source.CASE, "source_ref": case.number, "title": case.title,
                               "facts": case.description, "region": str(case.village_id or case.town_id or ""),
                               "party_0_name": case.reporter_name, "party_0_phone": case.reporter_phone,
                               "party_0_side": PartySide.APPLICANT})
        return render(request, "mediation/new.html", _form_context(actor, values))
    p = request.POST
    parties = [{"side": p.get(f"party_{i}_side"), "name": p.get(f"party_{i}_name"),
                "phone": p.get(f"party_{i}_phone"), "id_number": p.get(f"party_{i}_id"),
                "address": p.get(f"party_{i}_address")} for i in range(PARTY_ROWS)]
    case = None
    try:
        if p.get("source") == Source.CASE:
            case = Case.objects.restrict(actor, "view").filter(number=(p.get("source_ref") or "").strip()).first()
            if case is None:
                raise ValidationFailed("请填写您范围内的事件编号", field="source_ref")
        d = services.register_dispute(
            actor, title=p.get("title", ""), kind=p.get("kind", ""), source=p.get("source", ""),
            source_ref=p.get("source_ref", ""), region=p.get("region") if (p.get("region") or "").isdigit() else None,
            parties=parties, facts=p.get("facts", ""), studio=p.get("studio") or None,
            mediators=p.getlist("mediators"), case=case)
    except ServiceError as exc:
        values = {k: p.get(k) for k in p}
        values["mediators"] = p.getlist("mediators")
        return render(request, "mediation/new.html", _form_context(actor, values, exc), status=422)
    messages.success(request, _("纠纷已受理：%(n)s") % {"n": d.number})
    return redirect("mediation-dispute", d.pk)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    d = _dispute(request, pk)
    may_act = access.may_act(actor, d)
    parties = access.party_rows(actor, d)
    names = {r["id"]: r["name"] for r in parties}
    sessions = [{"s": s, "present": [names.get(i, "?") for i in s.attended]} for s in d.sessions.all()]
    return render(request, "mediation/detail.html", {
        "active": "mediation", "d": d, "parties": parties, "sessions": sessions, "may_act": may_act,
        "handler": access.handler_name(d), "mediator_links": d.mediator_links.select_related("person"),
        "events": MediationEvent.objects.filter(dispute=d).order_by("id"), "follow_ups": d.follow_ups.all(),
        "studios": pickers.studios(actor), "mediators": pickers.mediators(actor) if may_act else [],
        "outcomes": Outcome.choices, "methods": FollowUpMethod.choices, "now": timezone.localtime(),
        "today": timezone.localdate(), "overdue": d.is_open and d.due_at and d.due_at < timezone.now(),
        "next_level": {"village": Level.TOWN.label, "town": Level.CITY.label}.get(d.level),
        "cadre": mediation_level_of(actor) is not None})


@login_required
@require_POST
def act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    actor = _actor(request)
    d = _dispute(request, pk)
    p = request.POST
    done = {"assign": _("已指派调解员"), "session": _("调解记录已保存"), "escalate": _("已上交上一级"),
            "outcome": _("调解结果已登记"), "follow_up": _("回访已记录")}
    try:
        if verb == "assign":
            services.assign(actor, d, studio=p.get("studio") or None, mediators=p.getlist("mediators"))
        elif verb == "session":
            services.record_session(actor, d, held_at=_when(p.get("held_at")), notes=p.get("notes", ""),
                                    attended=p.getlist("attended"), place=p.get("place", ""),
                                    mediators=p.get("mediators", ""))
        elif verb == "escalate":
            services.escalate(actor, d, note=p.get("note", ""))
        elif verb == "outcome":
            services.record_outcome(actor, d, outcome=p.get("outcome", ""), note=p.get("note", ""),
                                    terms=p.get("terms", ""), performance=p.get("performance", ""))
        elif verb == "follow_up":
            services.record_follow_up(actor, d, visited_on=_day(p.get("visited_on"), "visited_on"),
                                      method=p.get("method", ""), holds=p.get("holds") == "yes",
                                      notes=p.get("notes", ""))
        else:
            raise Http404
    except NotFound:
        raise Http404 from None
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("mediation-dispute", args=[d.pk]) + f"#{verb}")
    messages.success(request, done[verb])
    return redirect("mediation-dispute", d.pk)


@login_required
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    """The 人民调解协议书, laid out for printing (A4)."""
    actor = _actor(request)
    d = _dispute(request, pk)
    if d.state != State.AGREED:
        raise Http404(_("该纠纷没有调解协议"))
    # The signed agreement names the parties in full for whoever handles the dispute (its purpose); each
    # print is in the audit trail. Others print it masked.
    full = access.may_act(actor, d)
    audit.record(actor.user, "mediation.print", d, summary=f"{d.number} 打印人民调解协议书",
                 data={"full": full})
    return render(request, "mediation/agreement.html", {
        "d": d, "parties": access.party_rows(actor, d, full=full or None), "handler": access.handler_name(d),
        "mediators": [m.person.name for m in d.mediator_links.select_related("person")] or
        [s.mediators for s in d.sessions.all()][-1:],
        "sessions": d.sessions.all()})


def _region_and_span(request: HttpRequest, actor):
    regions = list(pickers.regions(actor))
    region = None
    rid = request.GET.get("region") or ""
    if rid.isdigit():
        region = next((r for r in regions if r.pk == int(rid)), None)
        if region is None:
            raise Http404(_("区域不在您的范围内"))
    elif not actor.scope("mediate").everything and regions:
        region = regions[0]
    today = timezone.localdate()
    try:
        first = date.fromisoformat(request.GET["first"]) if request.GET.get("first") else pickers.year_start(today)
        last = date.fromisoformat(request.GET["last"]) if request.GET.get("last") else today
    except ValueError:
        first, last = pickers.year_start(today), today
        messages.error(request, _("日期格式不对，已显示本年"))
    if last < first:
        first, last = last, first
    return regions, region, queries.Span(first, last)


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if mediation_level_of(actor) is None:
        raise Http404
    regions, region, span = _region_and_span(request, actor)
    figures = queries.stats(region, span, actor)
    return render(request, "mediation/stats.html", {
        "active": "mediation", "regions": regions, "region": region, "span": span, "s": figures,
        "states": dict(State.choices)})


@login_required
def export(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if mediation_level_of(actor) is None:
        raise Http404
    qs = pickers.filtered(access.visible(actor), request.GET).order_by("registered_at", "id")
    body = excel.ledger_xlsx(qs, full=may_see_personal_data(actor), handler=access.handler_name)
    audit.record(actor.user, "mediation.export", object_type="mediation.dispute", object_id="ledger",
                 summary=f"导出调解台账 {qs.count()} 件", data={"filters": request.GET.dict()})
    resp = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="mediation-ledger-{timezone.localdate():%Y%m%d}.xlsx"'
    return resp


# --- co-governance meetings -----------------------------------------------------------------------------

@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    regions = list(Region.objects.restrict(actor, "manage").filter(level__in=("town", "village")).order_by("path"))
    if request.method == "POST":
        p = request.POST
        try:
            m = meetings.record_meeting(
                actor, kind=p.get("kind", ""), topic=p.get("topic", ""), held_on=_day(p.get("held_on"), "held_on"),
                region=p.get("region") if (p.get("region") or "").isdigit() else None, place=p.get("place", ""),
                participants=p.get("participants", ""), minutes=p.get("minutes", ""),
                decisions=(p.get("decisions") or "").splitlines())
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("会议已记录"))
            return redirect("mediation-meeting", m.pk)
    rows = Meeting.objects.restrict(actor, "view").select_related("region").order_by("-held_on", "-id")
    if not regions and not rows.exists():
        raise Http404
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "mediation/meetings.html", {
        "active": "mediation", "page": page, "regions": regions, "kinds": MeetingKind.choices,
        "v": request.POST if request.method == "POST" else {}, "today": timezone.localdate()})


def _meeting(request, pk):
    try:
        return access.meeting_for(_actor(request), pk)
    except NotFound:
        raise Http404 from None


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    m = _meeting(request, pk)
    return render(request, "mediation/meeting.html", {
        "active": "mediation", "m": m, "decisions": m.decisions.select_related("case", "wish", "need"),
        "may_manage": holds(actor, "manage", m), "categories": pickers.case_categories()})


@login_required
@require_POST
def decision_case(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    decision = Decision.objects.select_related("meeting", "meeting__region").filter(pk=pk).first()
    if decision is None:
        raise Http404
    _meeting(request, decision.meeting_id)
    try:
        decision = meetings.decision_to_case(actor, decision, category_code=request.POST.get("category", ""))
    except NotFound:
        raise Http404 from None
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("决议已转为事件 %(n)s") % {"n": decision.case.number})
    return redirect("mediation-meeting", decision.meeting_id)


@login_required
@require_POST
def decision_link(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """One tap: the decision becomes a micro-wish (``kind`` wish) or a need on the three lists (``need``)."""
    actor = _actor(request)
    decision = Decision.objects.select_related("meeting", "meeting__region").filter(pk=pk).first()
    if decision is None or kind not in ("wish", "need"):
        raise Http404
    _meeting(request, decision.meeting_id)
    try:
        if kind == "wish":
            wish = meetings.decision_to_wish(actor, decision)
            messages.success(request, _("决议已转为微心愿 %(n)s") % {"n": wish.number})
        else:
            need = meetings.decision_to_need(actor, decision)
            messages.success(request, _("决议已列入需求清单：%(t)s") % {"t": need.title})
    except NotFound:
        raise Http404 from None
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("mediation-meeting", decision.meeting_id)
