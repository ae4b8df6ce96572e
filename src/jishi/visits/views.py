"""Visit pages: the visitor's phone (我的走访, the log form) and the planners' desktop (rounds, coverage with
drill-down to households, reassignment, ledger export and print). Each view parses input, takes the Actor,
calls one service or query, renders."""

from __future__ import annotations

import uuid
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from jishi.core.errors import NotFound, ServiceError, ValidationFailed
from jishi.core.scope import holds
from jishi.http.types import id_or_none
from jishi.org.middleware import actor_of
from jishi.org.models import Person, Region
from jishi.org.policy import VISITOR_ROLES, may_plan_visits, may_see_personal_data
from jishi.org.privacy import mask_name
from jishi.visits import export, logbook, planning, queries
from jishi.visits.choices import Method, Rule, Target
from jishi.visits.models import VisitAssignment, VisitConcern, VisitRound


def _float(value) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    return redirect("visits-rounds" if may_plan_visits(actor) else "visits-mine")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的走访: the visitor's households (nearest first given ?lat=&lng= from the phone), due special groups,
    recent visits with their concerns."""
    actor = actor_of(request)
    if not actor.has_any(VISITOR_ROLES) and not VisitAssignment.objects.filter(visitor_id=actor.person_id or 0).exists():
        raise Http404
    lat, lng = _float(request.GET.get("lat")), _float(request.GET.get("lng"))
    rows = queries.my_list(actor, lat=lat, lng=lng)
    logs = list(queries.my_logs(actor))
    for v in logs:
        for c in v.concerns.all():
            c.may_wish, c.may_need = logbook.may_make_wish(actor, c), logbook.may_make_need(actor, c)
    context = {
        "active": "visits", "rows": rows, "near": lat is not None and lng is not None,
        "done": sum(1 for a in rows if a.last_visited_at), "due": queries.care_due(actor),
        "logs": logs, "planner": may_plan_visits(actor),
    }
    return render(request, "visits/mine.html", context)


@login_required
def log(request: HttpRequest, household_id: int) -> HttpResponse:
    """The log form of one household (GET) and its plain-form submission (POST; the phone's script sends the
    same fields to the API and keeps them on the phone while there is no signal)."""
    actor = actor_of(request)
    try:
        hh = logbook.visitable(actor, household_id)
    except ServiceError:
        raise Http404 from None
    if request.method == "POST":
        try:
            v = logbook.log_visit(
                actor, client_uuid=request.POST.get("client_uuid"), household_id=hh.pk,
                method=request.POST.get("method", ""), visited_at=request.POST.get("visited_at") or None,
                people_met=request.POST.get("people_met"), met_names=request.POST.get("met_names", ""),
                notes=request.POST.get("notes", ""), concerns=request.POST.get("concerns", "").splitlines(),
                lng=request.POST.get("lng"), lat=request.POST.get("lat"), photo=request.FILES.get("photo"))
            messages.success(request, "走访已记录" if v.created else "这次走访已经记录过了")
            return redirect("visits-mine")
        except ServiceError as exc:
            messages.error(request, exc.message)
    members = list(Person.objects.filter(household=hh).order_by("-is_household_head", "id").values_list("name", flat=True))
    if not may_see_personal_data(actor):
        members = [mask_name(n) for n in members]
    context = {"active": "visits", "hh": hh, "members": members, "methods": Method.choices,
               "client_uuid": uuid.uuid4(), "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
               "post": request.POST if request.method == "POST" else None}
    return render(request, "visits/log.html", context)


@login_required
@require_POST
def concern_case(request: HttpRequest, concern_id: int) -> HttpResponse:
    actor = actor_of(request)
    concern = get_object_or_404(VisitConcern.objects.restrict(actor, "view").select_related("visit__household"),
                                pk=concern_id)
    try:
        case = logbook.concern_to_case(actor, concern, category_code=request.POST.get("category") or None)
        messages.success(request, format_html('已转为事件 <a href="{}">{}</a>', reverse("case-detail", args=[case.pk]),
                                              case.number))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(_next(request))


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else reverse("visits-mine")


@login_required
@require_POST
def concern_wish(request: HttpRequest, concern_id: int) -> HttpResponse:
    """One tap: the concern becomes a micro-wish (or the one it already became)."""
    actor = actor_of(request)
    concern = get_object_or_404(VisitConcern.objects.restrict(actor, "view"), pk=concern_id)
    try:
        wish = logbook.concern_to_wish(actor, concern)
        messages.success(request, format_html('已转为微心愿 <a href="{}">{}</a>（{}）',
                                              reverse("engage-wish", args=[wish.pk]), wish.number,
                                              wish.get_state_display()))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(_next(request))


@login_required
@require_POST
def concern_need(request: HttpRequest, concern_id: int) -> HttpResponse:
    """One tap: the concern goes onto the village's needs list (or is already there)."""
    actor = actor_of(request)
    concern = get_object_or_404(VisitConcern.objects.restrict(actor, "view"), pk=concern_id)
    try:
        need = logbook.concern_to_need(actor, concern)
        messages.success(request, format_html('已列入<a href="{}">需求清单</a>（{}）', reverse("engage-needs"),
                                              need.get_state_display()))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(_next(request))


# --- planners ------------------------------------------------------------------------------------------------

def _planner(request: HttpRequest):
    actor = actor_of(request)
    if not may_plan_visits(actor):
        raise Http404
    return actor


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    actor = _planner(request)
    regions = [r for r in Region.objects.restrict(actor, "manage").exclude(level__in=["grid", "microgrid"])
               .order_by("path")[:300]]
    if request.method == "POST":
        region = Region.objects.filter(pk=id_or_none(request.POST.get("region")) or 0).first()
        try:
            if region is None:
                raise ValidationFailed("请选择走访范围", field="region")
            starts, ends = (date.fromisoformat(request.POST.get(k) or "") for k in ("starts_on", "ends_on"))
        except ValueError:
            messages.error(request, "请填写开始和结束日期（年-月-日）")
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            try:
                rnd = planning.create_round(actor, name=request.POST.get("name", ""), region=region, starts_on=starts,
                                            ends_on=ends, target=request.POST.get("target", Target.ALL),
                                            rule=request.POST.get("rule", Rule.MICROGRID))
                messages.success(request, f"已安排“{rnd.name}”：{rnd.assigned} 户分给走访人"
                                 + (f"，{rnd.unassigned} 户所在微网格无人可派，请手工分配" if rnd.unassigned else ""))
                return redirect("visits-round", rnd.pk)
            except ServiceError as exc:
                messages.error(request, exc.message)
    rows = []
    for rnd in VisitRound.objects.restrict(actor, "view").select_related("region")[:50]:
        if holds(actor, "view", rnd.region) or holds(actor, "manage", rnd):
            rnd.cov = queries.coverage(rnd.region, rnd).total
        rows.append(rnd)
    context = {"active": "visits", "rounds": rows, "regions": regions, "targets": Target.choices,
               "rules": [c for c in Rule.choices if c[0] != Rule.MANUAL], "post": request.POST or None,
               "today": timezone.localdate()}
    return render(request, "visits/rounds.html", context)


def _region_of(actor, rnd: VisitRound, region_id) -> Region:
    """The region of the round to show: the one asked for (inside the round's region and the actor's view
    scope), else the round's region if the actor sees it, else the actor's own post region inside it."""
    inside = Region.objects.filter(path__startswith=rnd.region.path)
    if region_id:
        region = inside.filter(pk=id_or_none(region_id) or 0).first()
        if region is None or not holds(actor, "view", region):
            raise Http404
        return region
    if holds(actor, "view", rnd.region):
        return rnd.region
    own = inside.restrict(actor, "view").order_by("path").first()
    if own is None:
        raise Http404
    return own


@login_required
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    actor = _planner(request)
    rnd = get_object_or_404(VisitRound.objects.restrict(actor, "view").select_related("region"), pk=round_id)
    region = _region_of(actor, rnd, request.GET.get("region"))
    cov = queries.coverage(region, rnd)
    show = request.GET.get("show", "unvisited")
    visited = {"unvisited": False, "visited": True}.get(show)
    households = list(queries.households(region, rnd, visited=visited))
    crumbs = list(Region.objects.filter(pk__in=region.ancestor_ids(), path__startswith=rnd.region.path).order_by("path"))
    may_manage = holds(actor, "manage", region) if region.level != "city" else actor.scope("manage").everything
    context = {
        "active": "visits", "round": rnd, "region": region, "cov": cov, "crumbs": crumbs, "show": show,
        "households": households, "by_visitor": queries.by_visitor(region, rnd),
        "points": [{"lat": a.household.lat, "lng": a.household.lng, "code": a.household.code,
                    "visited": bool(a.last_visited_at)} for a in households if a.household.lat is not None],
        "may_manage": may_manage, "show_personal": may_see_personal_data(actor),
        "visitors": _visitor_choices(actor, region) if may_manage else [],
        "due": queries.care_due(actor, mine=False)[:50],
    }
    return render(request, "visits/round.html", context)


def _visitor_choices(actor, region: Region) -> list:
    from jishi.org.models import StaffAssignment

    posts = (StaffAssignment.objects.restrict(actor, "view").filter(is_active=True, role__in=VISITOR_ROLES)
             .filter(**({} if region.level == "city" else {f"{region.level}_id": region.pk}))
             .select_related("person").order_by("role", "person__name")[:300])
    seen, out = set(), []
    for p in posts:
        if p.person_id not in seen:
            seen.add(p.person_id)
            out.append((p.person_id, f"{p.person.name}（{p.get_role_display()}）"))
    return out


@login_required
@require_POST
def reassign(request: HttpRequest, round_id: int) -> HttpResponse:
    actor = _planner(request)
    rnd = get_object_or_404(VisitRound.objects.restrict(actor, "view"), pk=round_id)
    ids = [i for i in map(id_or_none, request.POST.getlist("assignment")) if i]
    chosen = list(VisitAssignment.objects.restrict(actor, "manage").filter(round=rnd, pk__in=ids).select_related("round"))
    try:
        if len(chosen) != len(set(ids)):
            raise NotFound("所选的户不存在，或不在您的管理范围内")
        n = planning.reassign(actor, chosen, id_or_none(request.POST.get("visitor")), note=request.POST.get("note", ""))
        messages.success(request, f"已调整 {n} 户的走访人")
    except ServiceError as exc:
        messages.error(request, exc.message)
    back = reverse("visits-round", args=[rnd.pk])
    region = request.POST.get("region")
    return redirect(f"{back}?region={region}" if region and region.isdigit() else back)


@login_required
def ledger(request: HttpRequest, round_id: int) -> HttpResponse:
    """The visit ledger of the round in the region shown: Excel (``.xlsx``) or the print view."""
    actor = _planner(request)
    rnd = get_object_or_404(VisitRound.objects.restrict(actor, "view").select_related("region"), pk=round_id)
    region = _region_of(actor, rnd, request.GET.get("region"))
    rows = export.ledger_rows(actor, rnd, region)
    if request.GET.get("format") == "print":
        return render(request, "visits/print.html", {"round": rnd, "region": region, "rows": rows,
                                                     "cov": queries.coverage(region, rnd).total,
                                                     "headers": export.HEADERS, "now": timezone.localtime()})
    resp = HttpResponse(export.ledger_xlsx(rows, f"{rnd.name}{region.name}"),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''visit-ledger-{rnd.pk}-{region.pk}.xlsx"
    return resp

