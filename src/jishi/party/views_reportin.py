"""三报到三服务 pages: the member's own 报到 and 服务 (phone first, 390 px), the community's desk (accept reports,
keep the service list, verify hours; desktop) and the employer unit's view of its members (desktop)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from jishi.core.errors import NotFound, ServiceError
from jishi.core.scope import holds
from jishi.http.types import id_or_none
from jishi.org.middleware import actor_of
from jishi.org.models import Department, Person, Region
from jishi.org.policy import DEPARTMENT_ROLES, may_see_personal_data
from jishi.org.privacy import mask_phone
from jishi.party import queries, reportin
from jishi.party.choices import RecordState, RegistrationState, ServiceKind
from jishi.party.models import PartyEvent, Registration, ServiceChoice, ServiceItem, ServiceRecord


def _actor(request: HttpRequest):
    actor = actor_of(request)
    if not actor.is_authenticated:
        raise Http404
    return actor


def _communities(actor):
    return Region.objects.restrict(actor, "party").filter(level="village").order_by("path")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The member's own reports with their services and hours; links to the community desk and the unit view."""
    actor = _actor(request)
    mine = list(Registration.objects.filter(person_id=actor.person_id or -1).select_related("community"))
    verified = dict(ServiceRecord.objects.filter(person_id=actor.person_id or -1, state=RecordState.VERIFIED)
                    .values_list("registration_id").annotate(h=Sum("hours")).order_by())
    person = Person.objects.filter(pk=actor.person_id or -1).only("is_party_member").first()
    return render(request, "party/reportin_home.html", {
        "active": "reportin", "rows": [{"r": r, "verified": queries.tenths(verified.get(r.pk))} for r in mine],
        "member": bool(person and person.is_party_member), "cadre": _communities(actor).exists(),
        "unit": actor.has_any(DEPARTMENT_ROLES) or actor.scope("view").everything})


@login_required
def register_new(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    person = Person.objects.filter(pk=actor.person_id or -1).first()
    if person is None:
        raise Http404
    values = {"community": str(person.village_id or ""), "phone": ""}
    error = None
    if request.method == "POST":
        p = request.POST
        values = {k: p.get(k) for k in p}
        try:
            reg = reportin.register(actor, community=p.get("community"), department=p.get("department"),
                                    employer=p.get("employer", ""), phone=p.get("phone", ""))
        except ServiceError as exc:
            error = exc
        else:
            messages.success(request, _("已向%(c)s报到，等待社区(村)接收") % {"c": reg.community.name})
            return redirect("party-registration", pk=reg.pk)
    return render(request, "party/reportin_new.html", {
        "active": "reportin", "v": values, "error": error, "member": person.is_party_member,
        "villages": Region.objects.filter(level="village").select_related("town").order_by("path"),
        "departments": Department.objects.filter(is_active=True).order_by("code")},
        status=422 if error else 200)


def _registration(actor, pk) -> Registration:
    try:
        return reportin.registration_for(actor, pk)
    except NotFound:
        raise Http404 from None


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    reg = _registration(actor, pk)
    own = reportin.is_member(actor, reg)
    may_decide = holds(actor, "party", reg)
    accepted = reg.state == RegistrationState.ACCEPTED
    phone = reg.phone if own or may_see_personal_data(actor) else mask_phone(reg.phone)
    records = list(ServiceRecord.objects.filter(registration=reg).select_related("choice").order_by("-date", "-id"))
    verified = queries.tenths(sum((r.hours for r in records if r.state == RecordState.VERIFIED), 0))
    return render(request, "party/registration.html", {
        "active": "reportin", "reg": reg, "own": own, "may_decide": may_decide, "phone": phone,
        "choices": ServiceChoice.objects.filter(registration=reg).order_by("id"), "records": records,
        "verified": verified, "today": f"{timezone.localdate():%Y-%m-%d}",
        "items": ServiceItem.objects.filter(community=reg.community, is_active=True) if own and accepted else [],
        "needs": reportin.open_needs(reg.community)[:30] if own and accepted else [],
        "events": PartyEvent.objects.filter(registration=reg).order_by("id")})


DONE = {"accept": gettext_noop("已接收报到"), "reject": gettext_noop("已退回报到"), "choose": gettext_noop("已认领服务"),
        "serve": gettext_noop("服务记录已提交，等待社区(村)核实"), "verify": gettext_noop("已核实"),
        "refuse": gettext_noop("已退回服务记录")}


@login_required
@require_POST
def act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    actor = _actor(request)
    reg = _registration(actor, pk)
    p = request.POST
    try:
        if verb == "accept":
            reportin.accept_registration(actor, reg)
        elif verb == "reject":
            reportin.reject_registration(actor, reg, reason=p.get("reason", ""))
        elif verb == "choose":
            pick = p.get("service", "")
            kind, _sep, ref = pick.partition("-")
            reportin.choose_service(actor, reg, item=ref if kind == "item" else None,
                                    need=ref if kind == "need" else None)
        elif verb == "serve":
            reportin.record_service(actor, reg, date=p.get("date"), hours=p.get("hours", ""),
                                    content=p.get("content", ""), choice=p.get("choice") or None)
        else:
            raise Http404
    except NotFound:
        raise Http404 from None
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("party-registration", args=[reg.pk]) + f"#{verb}")
    messages.success(request, _(DONE[verb]))
    if request.POST.get("next") == "community":
        return redirect(reverse("party-community") + f"?community={reg.community_id}")
    return redirect("party-registration", pk=reg.pk)


@login_required
@require_POST
def record_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    actor = _actor(request)
    try:
        rec = reportin.record_for(actor, pk)
        if verb == "verify":
            reportin.verify_record(actor, rec)
        elif verb == "refuse":
            reportin.reject_record(actor, rec, reason=request.POST.get("reason", ""))
        else:
            raise Http404
    except NotFound:
        raise Http404 from None
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("party-registration", args=[rec.registration_id]) + "#records")
    messages.success(request, _(DONE[verb]))
    if request.POST.get("next") == "community":
        return redirect(reverse("party-community") + f"?community={rec.village_id}")
    return redirect(reverse("party-registration", args=[rec.registration_id]) + "#records")


def _people(actor, regs) -> list[dict]:
    full = may_see_personal_data(actor)
    return [{"r": r, "phone": r.phone if full else mask_phone(r.phone)} for r in regs]


@login_required
def community(request: HttpRequest) -> HttpResponse:
    """The community's desk: reports waiting, records to verify, the service list (add a post or project), the
    community's counts and those per employer."""
    actor = _actor(request)
    places = list(_communities(actor)[:300])
    if not places:
        raise Http404
    wanted = id_or_none(request.GET.get("community") or request.POST.get("community"))
    place = next((c for c in places if c.pk == wanted), places[0])
    error = None
    if request.method == "POST":
        p = request.POST
        try:
            item = reportin.add_service_item(actor, community=place, title=p.get("title", ""),
                                             kind=p.get("kind") or ServiceKind.POST,
                                             description=p.get("description", ""))
        except ServiceError as exc:
            error = exc
        else:
            messages.success(request, _("已加入服务清单：%(t)s") % {"t": item.title})
            return redirect(reverse("party-community") + f"?community={place.pk}")
    regs = Registration.objects.filter(community=place).select_related("person", "department")
    pending = regs.filter(state=RegistrationState.SUBMITTED).order_by("registered_at")
    records = (ServiceRecord.objects.filter(village_id=place.pk, state=RecordState.SUBMITTED)
               .select_related("person", "registration").order_by("date", "id"))
    members = Paginator(regs.filter(state=RegistrationState.ACCEPTED).order_by("-registered_at"), 30) \
        .get_page(request.GET.get("page"))
    return render(request, "party/community.html", {
        "active": "reportin", "places": places, "place": place, "pending": _people(actor, pending[:100]),
        "records": records[:100], "members": members, "member_rows": _people(actor, members),
        "items": ServiceItem.objects.filter(community=place).order_by("kind", "id"), "kinds": ServiceKind.choices,
        "totals": queries.reportin_totals(regs), "units": queries.reportin_by_unit(regs)[:50], "error": error},
        status=422 if error else 200)


@login_required
def units(request: HttpRequest) -> HttpResponse:
    """The employer's view: its members' reports and verified hours (a department sees its own; the city all),
    with the counts per employer and per community."""
    actor = _actor(request)
    if not (actor.has_any(DEPARTMENT_ROLES) or actor.scope("view").regional):
        raise Http404
    regs = Registration.objects.restrict(actor, "view")
    if actor.has_any(DEPARTMENT_ROLES) and not actor.scope("view").everything:
        regs = regs.filter(department_id__in=sorted(actor.scope("view").department))
    regs = regs.select_related("person", "community", "department")
    hours = dict(ServiceRecord.objects.filter(registration__in=regs, state=RecordState.VERIFIED)
                 .values_list("registration_id").annotate(h=Sum("hours")).order_by())
    page = Paginator(regs.order_by("-registered_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(request, "party/units.html", {
        "active": "reportin", "page": page,
        "rows": [{**row, "hours": queries.tenths(hours.get(row["r"].pk))} for row in _people(actor, page)],
        "totals": queries.reportin_totals(regs), "by_unit": queries.reportin_by_unit(regs)[:50],
        "by_community": queries.reportin_by_community(regs)[:50]})
