"""Cockpit pages: thin views over ``figures``, ``records``, ``analysis`` and ``geo``."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext

from jishi.cases import figures as shared_figures
from jishi.cases.models import Category
from jishi.cockpit import analysis, figures, geo
from jishi.cockpit.periods import LABELS, Period, custom, parse
from jishi.cockpit.presenters import drill_url
from jishi.cockpit.records import METRICS, records
from jishi.cockpit.scope import may_open, region_for
from jishi.core.errors import NotFound, PermissionDenied, ValidationFailed
from jishi.org.middleware import actor_of
from jishi.org.models import Region
from jishi.visits import queries as visit_queries


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _region(request: HttpRequest) -> Region:
    actor = actor_of(request)
    if not may_open(actor):
        raise DjangoPermissionDenied
    try:
        return region_for(actor, _int(request.GET.get("region")))
    except NotFound as exc:
        raise Http404 from exc
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc)) from exc


@login_required
def cockpit(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    p = parse(request.GET.get("period"))
    k = figures.kpis(region, p)
    links = {m: drill_url(region, m, p) for m in METRICS}
    chart = {"trend": figures.trend(region), "channels": figures.channel_mix(region, p),
             "categories": figures.category_mix(region, p),
             "labels": {"received": gettext("受理"), "closed": gettext("结案")}}  # the trend chart's legend
    return render(request, "cockpit/cockpit.html", {
        "region": region, "period": p, "periods": LABELS, "k": k, "links": links, "chart": chart,
        "children": figures.children(region, p), "screen": request.GET.get("screen") == "1",
        "ancestors": [r for r in (region.town, region.village) if r and r.pk != region.pk],
        "rankings": figures.rankings(), "force": figures.grid_force(region),
        "mediation": figures.mediation(region, p),  # the 小事不出村 tile (mediation.queries.level_shares)
        "force_url": f"{reverse('gridforce')}" + ("" if region.level == "city" else f"?within={region.pk}"),
        "visits": _visits(region, p),
        "engage": figures.engage(region, p),  # the wishes and micro-projects tile (engage.queries)
        "blueprint": figures.blueprint(region, p),  # the 书记项目 progress tile (blueprint.queries.cockpit_figure)
        "defs": {key: shared_figures.definition(key) for key in ("closure_rate", "on_time_rate", "satisfaction_rate")},
        "active": "cockpit",
    })


def _visits(region, p: Period):
    """The coverage of the visit round that runs during the chosen period (none: no tile)."""
    round = visit_queries.round_in(region, p.first, p.last)
    return visit_queries.coverage(region, round) if round else None


def _period_from_request(request: HttpRequest) -> Period:
    """``from``/``to`` (a custom period) when given, else ``period``; a bad custom period is 400, not a 500
    (``to=9999-12-31``) nor silently another period."""
    raw = {k: request.GET.get(k, "").strip() for k in ("from", "to")}
    if not raw["from"] and not raw["to"]:
        return parse(request.GET.get("period"))
    days = {}
    for name, text in raw.items():
        try:
            days[name] = date.fromisoformat(text) if text else None
        except ValueError:
            raise BadRequest(gettext("日期“%(value)s”（%(name)s）格式不对，应为 2026-11-27 这样的日期")
                             % {"value": text[:20], "name": name}) from None
    try:
        return custom(days["from"], days["to"])
    except ValidationFailed as exc:
        raise BadRequest(exc.message) from exc


@login_required
def record_list(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    metric = request.GET.get("metric", "received")
    if metric not in METRICS:
        raise Http404
    p = _period_from_request(request)
    qs = records(region, metric, p, category=_int(request.GET.get("category")),
                 channel=request.GET.get("channel", ""), address=request.GET.get("address", ""),
                 department=_int(request.GET.get("department")),
                 reporter_user=_int(request.GET.get("reporter_user")), phone_of=_int(request.GET.get("phone_of")),
                 handled=request.GET.get("handled") == "1")
    qs = qs.select_related("category", "town", "village", "grid").order_by("-reported_at", "-id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    total = sum(n for n in qs.values_list("n", flat=True))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cockpit/records.html", {
        "region": region, "period": p, "metric": metric, "metric_label": figures.METRIC_LABELS[metric],
        "page": page, "total": total, "query": query.urlencode(), "active": "cockpit",
        "category": Category.objects.filter(pk=_int(request.GET.get("category"))).first(),
    })


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    return render(request, "cockpit/map.html", {
        "region": region, "ancestors": [r for r in (region.town, region.village) if r and r.pk != region.pk],
        "active": "cockpit",
        "data_url": f"{reverse('cockpit-map-data')}?region={region.pk}",
    })


@login_required
def map_data(request: HttpRequest) -> JsonResponse:
    region = _region(request)
    return JsonResponse(geo.map_data(region))


@login_required
def analysis_page(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    return render(request, "cockpit/analysis.html", {
        "region": region, "hot_spots": analysis.hot_spots(region),
        "addresses": analysis.repeat_addresses(region), "backlogs": analysis.growing_backlogs(region),
        "reporters": analysis.repeat_reporters(region), "worsening": analysis.worsening_handling(region),
        "today": parse("today").last, "active": "cockpit",
    })
