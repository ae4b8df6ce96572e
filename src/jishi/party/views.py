"""Party organisation pages (desktop, for secretaries and commanders): the organisation tree from the viewer's
scope down, an organisation (members masked, posts, 党员中心户 with their micro-grids, activities), organisational
life with attendance rates per organisation and month and the reminder of organisations without a 主题党日.
Each view parses input, takes the Actor, calls one service function or named query, renders."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jishi.core.errors import NotFound, ServiceError
from jishi.core.scope import holds
from jishi.http.types import id_or_none
from jishi.org.middleware import actor_of
from jishi.org.models import Household, PartyOrganization, StaffAssignment, Venue
from jishi.org.policy import may_see_personal_data
from jishi.org.privacy import mask_phone
from jishi.org.queries import NOT_STAFF, in_region
from jishi.party import activities as verbs
from jishi.party import queries
from jishi.party.choices import ActivityKind, ActivityState, Presence
from jishi.party.common import month_end, month_of
from jishi.party.models import Activity, Attendance, PartyEvent


def _staff(request: HttpRequest):
    actor = actor_of(request)
    if not actor.is_authenticated or not actor.scope("view").regional:
        raise Http404
    return actor


def _year(today: date) -> tuple[date, date]:
    return today.replace(month=1, day=1), today.replace(month=12, day=31)


def _visible(actor):
    return PartyOrganization.objects.restrict(actor, "view")


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    """The top of the organisation tree the viewer sees, each with its figures; a row opens the organisation."""
    actor = _staff(request)
    first, last = _year(timezone.localdate())
    tops = list(queries.roots(_visible(actor)).select_related("secretary", "region")[:200])
    return render(request, "party/tree.html", {"active": "party", "rows": queries.org_rows(tops, first, last),
                                               "year": first.year, "may_act": not actor.scope("party").empty})


def _org(actor, pk) -> PartyOrganization:
    org = PartyOrganization.objects.select_related("secretary", "region", "parent").filter(pk=pk).first()
    if org is None or not holds(actor, "view", org):
        raise Http404
    return org


@login_required
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _staff(request)
    org = _org(actor, pk)
    today = timezone.localdate()
    first, last = _year(today)
    children = list(_visible(actor).filter(parent=org).select_related("secretary", "region").order_by("code"))
    row = queries.org_rows([org], first, last)[0]
    members = Paginator(queries.members_of(org).select_related("party_org", "microgrid").order_by("party_org_id", "id"),
                        30).get_page(request.GET.get("page"))
    full = may_see_personal_data(actor)
    member_rows = [{"p": p, "phone": p.phone if full else mask_phone(p.phone)} for p in members]
    posts = in_region(StaffAssignment.objects.filter(is_active=True).exclude(role__in=NOT_STAFF), org.region)
    households = in_region(Household.objects.filter(is_party_household=True), org.region).select_related("microgrid")
    acts = Activity.objects.filter(org=org).order_by("-date", "-id")[:20]
    return render(request, "party/org.html", {
        "active": "party", "org": org, "row": row,
        "parent_visible": org.parent is not None and holds(actor, "view", org.parent), "children": queries.org_rows(children, first, last),
        "members": members, "member_rows": member_rows, "posts": posts.select_related("person", "region")[:50],
        "households": households.order_by("code")[:50], "household_total": row["households"], "activities": acts,
        "rates": queries.attendance_by_org(Activity.objects.filter(org=org, date__range=(first, last))),
        "may_act": holds(actor, "party", org) and org.kind in queries.MEETING_KINDS, "year": first.year})


@login_required
def activities(request: HttpRequest) -> HttpResponse:
    """Organisational life in the viewer's scope for a month: the activities, attendance rate per organisation
    and the organisations with no 主题党日 this month (the reminder)."""
    actor = _staff(request)
    today = timezone.localdate()
    first = month_of(request.GET.get("month"), today)
    last = month_end(first)
    qs = Activity.objects.restrict(actor, "view").filter(date__range=(first, last)).select_related("org")
    kind = request.GET.get("kind") or ""
    if kind in ActivityKind.values:
        qs = qs.filter(kind=kind)
    missing = queries.missing_theme_day(_visible(actor), first, last)
    page = Paginator(qs.order_by("-date", "-id"), 30).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "party/activities.html", {
        "active": "party", "page": page, "params": params.urlencode(), "month": f"{first:%Y-%m}", "kind": kind,
        "kinds": ActivityKind.choices, "rates": queries.attendance_by_org(qs)[:100], "missing": missing[:60],
        "missing_total": missing.count(), "may_act": not actor.scope("party").empty})


def _orgs_to_act(actor):
    return (PartyOrganization.objects.restrict(actor, "party").filter(kind__in=queries.MEETING_KINDS)
            .order_by("code"))


@login_required
def activity_new(request: HttpRequest) -> HttpResponse:
    actor = _staff(request)
    orgs = _orgs_to_act(actor)
    if not orgs.exists():
        raise Http404
    p = request.POST if request.method == "POST" else request.GET
    values = {k: p.get(k) for k in p}
    values.setdefault("date", f"{timezone.localdate():%Y-%m-%d}")
    error = None
    if request.method == "POST":
        try:
            a = verbs.schedule_activity(actor, org=p.get("org"), kind=p.get("kind", ""), date=p.get("date"),
                                        topic=p.get("topic", ""), place=p.get("place", ""), venue=p.get("venue"))
        except ServiceError as exc:
            error = exc
        else:
            messages.success(request, _("活动已安排：%(t)s") % {"t": a.topic})
            return redirect("party-activity", pk=a.pk)
    org_id = id_or_none(values.get("org"))
    venues = Venue.objects.restrict(actor, "view").order_by("name")
    chosen = orgs.filter(pk=org_id).first() if org_id else None
    if chosen is not None:
        venues = in_region(venues, chosen.region.village or chosen.region)
    return render(request, "party/activity_new.html", {
        "active": "party", "orgs": orgs[:2000], "kinds": ActivityKind.choices, "v": values, "error": error,
        "venues": venues[:200] if chosen is not None else [], "chosen": chosen}, status=422 if error else 200)


def _activity(actor, pk) -> Activity:
    try:
        return verbs.activity_for(actor, pk)
    except NotFound:
        raise Http404 from None


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _staff(request)
    a = _activity(actor, pk)
    may_act = holds(actor, "party", a) and a.state == ActivityState.SCHEDULED
    members = list(queries.members_of(a.org).select_related("party_org").order_by("party_org_id", "id")[:300]) \
        if may_act else []
    attendance = Attendance.objects.filter(activity=a).select_related("person").order_by("presence", "person_id")
    return render(request, "party/activity.html", {
        "active": "party", "a": a, "may_act": may_act, "members": members, "presences": Presence.choices,
        "attendance": attendance, "events": PartyEvent.objects.filter(activity=a).order_by("id"),
        "today": f"{timezone.localdate():%Y-%m-%d}"})


@login_required
@require_POST
def activity_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    actor = _staff(request)
    a = _activity(actor, pk)
    p = request.POST
    try:
        if verb == "record":
            marks = {}
            for key in p:
                if key.startswith("m-") and id_or_none(key[2:]):
                    marks[key[2:]] = (p.get(key), p.get(f"r-{key[2:]}", ""))
            verbs.record_activity(actor, a, attendance=marks, summary=p.get("summary", ""), date=p.get("date") or None,
                                  place=p.get("place"))
        elif verb == "cancel":
            verbs.cancel_activity(actor, a, reason=p.get("reason", ""))
        else:
            raise Http404
    except NotFound:
        raise Http404 from None
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("party-activity", args=[a.pk]) + f"#{verb}")
    messages.success(request, _("活动已记录") if verb == "record" else _("活动已取消"))
    return redirect("party-activity", pk=a.pk)
