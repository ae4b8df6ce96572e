"""Venue pages (desktop for cadres and commanders, usable on a phone): the venue network with each village's
gap to 1+3+10, a venue with its rooms and bookings, the 8-minute circle (coverage by sub-region and the map of
households outside), the best sites for the next venues, and the Excel export. Each view parses input, takes the
Actor, calls one service or query, renders; a refusal shows its Chinese message and changes nothing."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jishi.core import audit
from jishi.core.errors import ServiceError
from jishi.core.scope import holds
from jishi.http.types import fits_id
from jishi.org.choices import Level, VenueKind
from jishi.org.middleware import actor_of
from jishi.org.models import Region
from jishi.venues import coverage, excel, planning, queries, services
from jishi.venues.choices import DEFAULT_FUNCTIONS, Function, Method
from jishi.venues.models import Booking, RoadNetwork, Room

LEVELS = (Level.CITY, Level.TOWN, Level.VILLAGE, Level.GRID, Level.MICROGRID)
MAP_POINTS = 4000
NETWORK_MAX_BYTES = 20 * 1024 * 1024


def _actor(request: HttpRequest):
    actor = actor_of(request)
    scope = actor.scope("manage")
    if not actor.is_authenticated or not (scope.everything or not scope.empty):
        raise Http404(_("您没有服务阵地的管理范围"))
    return actor


def _id(value) -> int:
    """A row id from a form or query value; 0 (no row) for anything else."""
    try:
        n = int(str(value or "").strip())
    except ValueError:
        return 0
    return n if fits_id(n) else 0


def _region(actor, value) -> Region:
    """The region asked for (``?region=``) if the actor may view it, else the actor's own top region."""
    if value:
        region = Region.objects.filter(pk=_id(value)).first()
        if region is None or not holds(actor, "view", region):
            raise Http404(_("区域不存在或不在您的范围内"))
        return region
    rank = Case(*(When(level=lv, then=Value(i)) for i, lv in enumerate(LEVELS)), output_field=IntegerField())
    region = Region.objects.restrict(actor, "manage").order_by(rank, "pk").first()
    if region is None:
        raise Http404(_("您没有服务阵地的管理范围"))
    return region


def _crumbs(actor, region: Region) -> list[Region]:
    return [r for r in Region.objects.filter(pk__in=region.ancestor_ids()).order_by("path") if holds(actor, "view", r)]


def _base(actor, region: Region, tab: str) -> dict:
    return {"active": "venues", "tab": tab, "region": region, "crumbs": _crumbs(actor, region),
            "may_manage": holds(actor, "manage", region), "city_admin": actor.scope("manage").everything}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The venue network of a region: figures, each village's gap to 1+3+10 (worst first)."""
    actor = _actor(request)
    region = _region(actor, request.GET.get("region"))
    vc = queries.venue_coverage(region, actor)
    gaps = sorted(vc.gaps, key=lambda g: (-g.missing, g.town, g.name))
    if request.GET.get("show") == "gaps":
        gaps = [g for g in gaps if not g.complete]
    circle_cov = queries.eight_minute_coverage(region, actor)
    return render(request, "venues/home.html", {**_base(actor, region, "home"), "vc": vc, "gaps": gaps,
                                                "cov": circle_cov, "show": request.GET.get("show", "")})


@login_required
def venue_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    region = _region(actor, request.GET.get("region"))
    kind = request.GET.get("kind", "")
    if kind not in VenueKind.values:
        kind = ""
    page = Paginator(queries.venues_in(actor, region, kind), 50).get_page(request.GET.get("page"))
    return render(request, "venues/list.html", {**_base(actor, region, "list"), "page": page, "kind": kind,
                                                "kinds": VenueKind.choices})


def _form_regions(actor):
    return (Region.objects.restrict(actor, "manage").exclude(level=Level.CITY).order_by("path")
            .values_list("pk", "name", "level")[:2000])


@login_required
def new(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    values = request.POST if request.method == "POST" else {"kind": VenueKind.NEIGHBOURHOOD_POINT,
                                                            "region": request.GET.get("region", "")}
    if request.method == "POST":
        try:
            v = services.create_venue(
                actor, region_id=_id(request.POST.get("region")), kind=request.POST.get("kind", ""),
                name=request.POST.get("name", ""), lng=request.POST.get("lng"), lat=request.POST.get("lat"),
                address=request.POST.get("address", ""), opening_hours=request.POST.get("opening_hours", ""),
                phone=request.POST.get("phone", ""), functions=request.POST.getlist("functions") or None)
            messages.success(request, _("阵地已登记，8分钟服务圈将随之重新计算"))
            return redirect("venues-venue", v.pk)
        except ServiceError as exc:
            messages.error(request, exc.message)
    return render(request, "venues/new.html", {"active": "venues", "tab": "new", "v": values,
                                               "regions": _form_regions(actor), "kinds": VenueKind.choices,
                                               "functions": Function.choices})


@login_required
def venue(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    try:
        v = services.venue_for(actor, pk)
    except ServiceError:
        raise Http404(_("阵地不存在或不在您的范围内")) from None
    profile = getattr(v, "venue_profile", None)
    functions = profile.functions if profile else [str(f) for f in DEFAULT_FUNCTIONS.get(v.kind, [])]
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return render(request, "venues/venue.html", {
        "active": "venues", "venue": v, "is_open": profile.is_open if profile else True,
        "functions": [Function(f).label for f in functions if f in Function.values],
        "rooms": list(Room.objects.filter(venue=v)), "may_manage": holds(actor, "manage", v),
        "bookings": list(Booking.objects.restrict(actor, "view").filter(venue=v, ends_at__gte=today)
                         .select_related("room").order_by("starts_at")[:100]),
        "now": timezone.localtime()})


@login_required
@require_POST
def act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """The venue's forms: add a room, book, cancel a booking, close, reopen."""
    actor = _actor(request)
    p = request.POST
    try:
        if verb == "room":
            services.add_room(actor, pk, name=p.get("name", ""), capacity=p.get("capacity") or 20)
            messages.success(request, _("活动室已添加"))
        elif verb == "book":
            room = Room.objects.filter(pk=_id(p.get("room")), venue_id=pk).first()
            if room is None:
                raise Http404
            services.book_room(actor, room.pk, starts_at=p.get("starts_at", ""), ends_at=p.get("ends_at", ""),
                               purpose=p.get("purpose", ""), organiser=p.get("organiser", ""),
                               contact_phone=p.get("contact_phone", ""), attendees=p.get("attendees") or 10)
            messages.success(request, _("预约成功"))
        elif verb == "cancel":
            b = Booking.objects.filter(pk=_id(p.get("booking")), venue_id=pk).first()
            if b is None:
                raise Http404
            services.cancel_booking(actor, b.pk, reason=p.get("reason", ""))
            messages.success(request, _("预约已取消"))
        elif verb in ("close", "reopen"):
            services.set_open(actor, pk, verb == "reopen", note=p.get("note", ""))
            messages.success(request, _("阵地已恢复开放") if verb == "reopen" else _("阵地已停用"))
        else:
            raise Http404
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("venues-venue", pk)


@login_required
def circle_page(request: HttpRequest) -> HttpResponse:
    """The 8-minute circle of a region: coverage, sub-regions worst first, the map of households outside."""
    actor = _actor(request)
    region = _region(actor, request.GET.get("region"))
    cov = queries.eight_minute_coverage(region, actor)
    pts, outside_total = queries.outside_points(actor, region, limit=MAP_POINTS)
    settings_row = coverage.current_settings()
    return render(request, "venues/circle.html", {
        **_base(actor, region, "circle"), "cov": cov, "children": queries.coverage_children(actor, region),
        "outside_total": outside_total, "shown": len(pts), "settings": settings_row, "methods": Method.choices,
        "run": coverage.latest_run(), "network": RoadNetwork.objects.defer("geojson").filter(is_active=True).first(),
        "map_data": {"outside": pts, "venues": queries.venue_points(actor, region),
                     "reach_m": settings_row.speed * settings_row.minutes / settings_row.detour}})


@login_required
@require_POST
def circle_settings(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    p = request.POST
    try:
        if p.get("action") == "network":
            upload = request.FILES.get("geojson")
            if upload is None or upload.size > NETWORK_MAX_BYTES:
                messages.error(request, _("请选择不超过 20 MB 的 GeoJSON 文件"))
            else:
                try:
                    data = json.loads(upload.read().decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    data = None
                row = services.import_network(actor, name=p.get("name") or upload.name[:60], geojson=data)
                messages.success(request, _("已导入道路网络：%(n)s 个节点、%(e)s 条路段") % {"n": row.nodes, "e": row.edges})
        elif p.get("action") == "recompute":
            services.request_recompute(actor)
            messages.success(request, _("已重新计算"))
        else:
            services.set_circle(actor, speed=p.get("speed"), detour=p.get("detour"), minutes=p.get("minutes"),
                                method=p.get("method", ""))
            messages.success(request, _("服务圈参数已保存，覆盖已重新计算"))
    except ServiceError as exc:
        messages.error(request, exc.message)
    region = _id(p.get("region"))
    return redirect(reverse("venues-circle") + (f"?region={region}" if region else ""))


@login_required
def best(request: HttpRequest) -> HttpResponse:
    """Best sites for the next N venues among the region's grid and micro-grid centres (or typed points)."""
    actor = _actor(request)
    region = _region(actor, request.GET.get("region"))
    result, error = None, None
    f = {"n": request.GET.get("n", "3"), "method": request.GET.get("method", "greedy"),
         "candidates": request.GET.get("candidates", "")}
    if "n" in request.GET:
        try:
            cands = _typed_candidates(f["candidates"])
            result = planning.best_sites(actor, region, _id(f["n"]), method=f["method"], candidates=cands)
        except ServiceError as exc:
            error = exc.message
    return render(request, "venues/best.html", {
        **_base(actor, region, "best"), "f": f, "result": result, "error": error,
        "map_data": {"outside": queries.outside_points(actor, region, limit=MAP_POINTS)[0],
                     "venues": queries.venue_points(actor, region),
                     "sites": [s.__dict__ for s in result.sites] if result else []}})


def _typed_candidates(text: str):
    """Candidate points typed one a line: ``经度,纬度[,名称]``; none typed: the default candidates."""
    from jishi.core.errors import ValidationFailed

    rows = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not rows:
        return None
    if len(rows) > 2000:
        raise ValidationFailed("候选点最多 2000 行", field="candidates")
    out = []
    for i, line in enumerate(rows, 1):
        parts = [x.strip() for x in line.replace("，", ",").split(",")]
        try:
            lng, lat = float(parts[0]), float(parts[1])
        except (IndexError, ValueError):
            raise ValidationFailed(f"第{i}行应是“经度,纬度[,名称]”", field="candidates") from None
        out.append((parts[2][:60] if len(parts) > 2 and parts[2] else f"候选点{i}", lng, lat))
    return out


@login_required
def export(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    region = _region(actor, request.GET.get("region"))
    data = excel.workbook(actor, region)
    audit.record(actor.user, "venue.export", region, summary=f"导出{region.name}服务阵地与8分钟服务圈")
    resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="venues-{region.pk}-{timezone.localdate():%Y%m%d}.xlsx"'
    return resp
