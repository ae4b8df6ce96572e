"""The rider's pages (phone first, 390 px): register (聚新入格), my station and my 公益积分, where to use them
(爱心商家), apply for care. Each view parses input, takes the Actor, calls one service, renders; a refusal shows
its Chinese message and changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jishi.bees import access, caring, fund, queries, riders
from jishi.bees.choices import GrantReason, Platform, RiderState
from jishi.bees.models import Grant, Station
from jishi.core.errors import NotFound, ServiceError
from jishi.org.choices import Level
from jishi.org.middleware import actor_of
from jishi.org.models import Person, Region


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
def home(request: HttpRequest) -> HttpResponse:
    """Staff land on the registrations to approve; everyone else on their own page."""
    actor = _actor(request)
    if access.is_staff(actor):
        return redirect("bees-registrations")
    return redirect("bees-me")


@login_required
@_pages
def me(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    rider = riders.mine(actor)
    person = Person.objects.filter(pk=actor.person_id).first() if actor.person_id else None
    ctx = {"active": "bees", "rider": rider, "tab": "me"}
    if rider is not None and rider.state == RiderState.APPROVED:
        ctx.update({"summary": queries.station_summary(rider.station), "balance": caring.balance(person),
                    "earned": caring.earned(person) if person else 0,
                    "history": caring.history(person, 20) if person else [],
                    "vouchers": caring.vouchers(person) if person else []})
    return render(request, "bees/me.html", ctx)


def _grids(station: Station | None):
    qs = Region.objects.filter(level=Level.GRID).order_by("path")
    return qs.filter(town_id=station.town_id) if station else qs.none()


@login_required
@_pages
def register(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    mine = riders.mine(actor)
    if mine is not None and mine.state != RiderState.REJECTED:
        return redirect("bees-me")
    values: dict = {k: request.GET.get(k) for k in ("name", "phone", "platform", "platform_other", "station")
                    if request.GET.get(k)}  # "选择片区" reloads the form with the station's grids (no script)
    values["rounds"] = request.GET.getlist("rounds")
    error = None
    if request.method == "POST":
        p = request.POST
        values = {k: p.get(k) for k in p}
        values["rounds"] = p.getlist("rounds")
        try:
            riders.register(actor, name=p.get("name", ""), phone=p.get("phone", ""), platform=p.get("platform", ""),
                            platform_other=p.get("platform_other", ""), station_id=p.get("station", ""),
                            rounds=p.getlist("rounds")[:50])
            messages.success(request, "已提交，请等待驿站站长或镇(街道)审核")
            return redirect("bees-me")
        except ServiceError as exc:
            error = exc
    stations = Station.objects.select_related("town").order_by("town__path", "name")
    picked = str(values.get("station") or "")
    chosen = stations.filter(pk=int(picked)).first() if picked.isdigit() and 0 < int(picked) < 2**63 else None
    return render(request, "bees/register.html", {
        "active": "bees", "tab": "me", "v": values, "error": error, "platforms": Platform.choices,
        "stations": stations, "grids": _grids(chosen), "chosen": chosen}, status=422 if error else 200)


@login_required
@_pages
def merchants(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    person = Person.objects.filter(pk=actor.person_id).first() if actor.person_id else None
    rider = riders.mine(actor)
    items: dict[int, list] = {}
    for i in caring.items(person):
        items.setdefault(i.merchant_id, []).append(i)
    category = request.GET.get("category", "")
    rows = caring.merchants()
    if category in ("restaurant", "pharmacy", "supermarket"):
        rows = rows.filter(category=category)
    rows = list(rows[:200])
    for c in rows:
        c.shop_items = items.get(c.merchant_id, [])
    return render(request, "bees/merchants.html", {
        "active": "bees", "tab": "merchants", "rows": rows, "staff_tabs": access.is_staff(actor), "balance": caring.balance(person), "category": category,
        "may_redeem": bool(rider and rider.state == RiderState.APPROVED)})


@login_required
@_pages
@require_POST
def redeem(request: HttpRequest, item: int) -> HttpResponse:
    actor = _actor(request)
    try:
        order = caring.redeem(actor, item)
        messages.success(request, f"兑换成功，兑换码 {order.code}，请到商家出示")
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("bees-me")


@login_required
@_pages
def care(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    rider = riders.mine(actor)
    values: dict = {}
    error = None
    if request.method == "POST":
        p = request.POST
        values = {k: p.get(k) for k in p}
        try:
            fund.apply(actor, reason=p.get("reason", ""), story=p.get("story", ""), requested=p.get("requested", ""))
            messages.success(request, "申请已提交，镇(街道)审核后发放")
            return redirect("bees-care")
        except ServiceError as exc:
            error = exc
    mine = Grant.objects.filter(rider=rider).order_by("-created_at")[:20] if rider else []
    return render(request, "bees/care.html", {
        "active": "bees", "tab": "care", "rider": rider, "rows": mine, "v": values, "error": error,
        "reasons": GrantReason.choices}, status=422 if error else 200)
