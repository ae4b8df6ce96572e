"""The staff pages (desktop): registrations to approve, the stations on a map with their figures, one station
(members, reports, 公益积分), the care fund (income, grants to review and pay). Out of scope: 404."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jishi.bees import access, caring, fund, queries, riders
from jishi.bees.choices import FundEntryKind, GrantState, RiderState
from jishi.bees.models import FundEntry, Rider
from jishi.cases.choices import Channel
from jishi.cases.models import Case
from jishi.core.errors import NotFound, ServiceError
from jishi.org.middleware import actor_of
from jishi.org.models import Region


def _pages(view):
    """A page: "not found" from a service (out of scope) is the 404 page."""
    import functools

    @functools.wraps(view)
    def run(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc)) from None

    return run


def _actor(request: HttpRequest):
    actor = actor_of(request)
    if not actor.is_authenticated:
        raise Http404
    return actor


@login_required
@_pages
def registrations(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    state = request.GET.get("state", RiderState.PENDING)
    if state not in RiderState.values:
        state = RiderState.PENDING
    qs = access.approvable(actor)
    counts = dict(qs.values("state").annotate(n=Count("pk")).values_list("state", "n"))
    rows = list(qs.filter(state=state).select_related("station", "town").prefetch_related("rounds")
                .order_by("created_at")[:200])
    for r in rows:
        r.phone_seen = access.phone_as_seen(actor, r)
    return render(request, "bees/registrations.html", {
        "active": "bees", "tab": "registrations", "rows": rows, "state": state, "staff_tabs": True,
        "states": [(k, label, counts.get(k, 0)) for k, label in RiderState.choices]})


@login_required
@_pages
@require_POST
def decide(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    actor = _actor(request)
    if verb not in ("approve", "reject"):
        raise Http404
    rider = Rider.objects.select_related("station").filter(pk=access.row_id(pk)).first()
    if rider is None or not (access.may_approve(actor, rider) or access.riders(actor).filter(pk=pk).exists()):
        raise Http404
    try:
        fn = riders.approve if verb == "approve" else riders.reject
        fn(actor, rider, request.POST.get("note", "")[:300])
        messages.success(request, f"已{'通过' if verb == 'approve' else '退回'}：{rider.name}")
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("bees-registrations"))


@login_required
@_pages
def stations(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    qs = access.stations(actor).select_related("venue")
    rows = queries.station_rows(qs, date(2000, 1, 1), date.today())
    points = [{"id": f.station.pk, "lat": f.station.venue.lat, "lng": f.station.venue.lng, "t": f.station.name,
               "m": f.members} for f in rows]
    city = Region.objects.filter(level="city").first()
    url = reverse("region-geojson")
    return render(request, "bees/stations.html", {
        "active": "bees", "tab": "stations", "rows": rows, "staff_tabs": True, "points": points,
        "total": {k: sum(getattr(f, k) for f in rows) for k in ("members", "reports", "accepted", "issued", "redeemed")},
        "town_geojson": f"{url}?parent={city.pk}" if city and actor.scope("view").everything else url})


@login_required
@_pages
def station(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    s = access.station_for(actor, pk)
    staff = access.stations(actor).filter(pk=s.pk).exists()
    members = list(Rider.objects.filter(station=s, state=RiderState.APPROVED).select_related("person")
                   .order_by("name")[:300]) if staff else []
    people = [m.person_id for m in members if m.person_id]
    reports = dict((pid, (n, a)) for pid, n, a in Case.objects.filter(
        channel=Channel.INFORMANT, reporter_id__in=people).values("reporter_id").annotate(
        n=Count("pk"), a=Count("pk", filter=Q(accepted_at__isnull=False))).values_list("reporter_id", "n", "a"))
    for m in members:
        m.phone_seen = access.phone_as_seen(actor, m)
        m.reports, m.accepted = reports.get(m.person_id, (0, 0))
        m.points = caring.balance(m.person) if len(members) <= 50 else None
    recent = (Case.objects.filter(channel=Channel.INFORMANT, reporter_id__in=people).order_by("-reported_at")[:20]
              if staff else [])
    return render(request, "bees/station.html", {
        "active": "bees", "tab": "stations", "s": s, "summary": queries.station_summary(s), "members": members,
        "recent": recent, "staff": staff, "staff_tabs": staff})


@login_required
@_pages
def funds(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    rows = list(access.funds(actor).select_related("town").order_by("name"))
    if not rows:
        raise Http404
    managed = set(access.funds(actor, "manage").values_list("pk", flat=True))
    grants = (access.grants(actor).select_related("rider", "rider__station", "fund")
              .order_by("state", "-created_at")[:200])
    entries = FundEntry.objects.restrict(actor, "view").select_related("fund").order_by("-at", "-id")[:50]
    return render(request, "bees/fund.html", {
        "active": "bees", "tab": "fund", "funds": rows, "staff_tabs": True, "managed": managed, "grants": grants, "entries": entries,
        "kinds": [(k, v) for k, v in FundEntryKind.choices if k != FundEntryKind.GRANT],
        "open": sum(1 for g in grants if g.state in (GrantState.APPLIED, GrantState.APPROVED))})


@login_required
@_pages
@require_POST
def income(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    f = access.fund_for(actor, pk)
    p = request.POST
    try:
        fund.receive(actor, f, kind=p.get("kind", ""), amount=p.get("amount", ""), source=p.get("source", ""))
        messages.success(request, "已入账")
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("bees-fund")


@login_required
@_pages
@require_POST
def grant_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    actor = _actor(request)
    if verb not in ("approve", "reject", "pay"):
        raise Http404
    g = access.grant_for(actor, pk)
    p = request.POST
    try:
        if verb == "pay":
            fund.pay(actor, g)
        else:
            fund.review(actor, g, approve=verb == "approve", amount=p.get("amount") or None, note=p.get("note", ""))
        messages.success(request, "已处理")
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("bees-fund")
