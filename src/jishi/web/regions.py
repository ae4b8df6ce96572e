"""Region pages: the scoped region tree with its map, region detail, and the grid-force check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from jishi.org import gridforce, queries
from jishi.org.choices import Level
from jishi.org.middleware import actor_of
from jishi.web.forms import int_param


@login_required
def region_tree(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    roots = queries.tree_roots(actor)
    # A single root (a grid worker's grid, a cadre's village) opens expanded.
    expanded = queries.children(actor, roots[0]) if len(roots) == 1 else []
    url = reverse("region-geojson")
    map_urls = f"{url}?id={roots[0].pk} {url}?parent={roots[0].pk}" if len(roots) == 1 else url
    return render(request, "web/regions.html", {
        "active": "regions", "roots": roots, "expanded": expanded, "map_urls": map_urls,
    })


@login_required
def region_children(request: HttpRequest, region_id: int) -> HttpResponse:
    """The htmx fragment with the children of one tree node."""
    region = _region_or_404(request, region_id)
    return render(request, "web/_tree_nodes.html", {"nodes": queries.children(actor_of(request), region)})


@login_required
def region_geojson(request: HttpRequest) -> JsonResponse:
    """Boundaries of visible regions: ?parent=ID (its children), ?id=ID (one), or the tree roots."""
    data = queries.geojson(actor_of(request), parent_id=int_param(request.GET, "parent"), region_id=int_param(request.GET, "id"))
    if data is None:
        raise Http404
    response = JsonResponse(data)
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def region_detail(request: HttpRequest, region_id: int) -> HttpResponse:
    region = _region_or_404(request, region_id)
    actor = actor_of(request)
    url = reverse("region-geojson")
    context = {
        "active": "regions",
        "region": region,
        "map_urls": f"{url}?id={region.pk} {url}?parent={region.pk}",
        "ancestors": queries.ancestors(region),
        "visible_ids": set(queries.regions(actor).filter(pk__in=region.ancestor_ids()).values_list("pk", flat=True)),
        "figures": queries.figures(actor, region),
        "children": queries.children(actor, region),
        "party_orgs": queries.party_orgs(region),
    }
    context["venues"], context["venue_total"] = queries.venues(actor, region)
    if region.level in (Level.GRID, Level.MICROGRID):
        context["staff"] = queries.staff_in(region)
    if region.level == Level.GRID:
        context["force"] = gridforce.grid_force([region.pk])[region.pk]
    elif region.level != Level.MICROGRID:
        grid_ids = list(queries.grids(actor, region).values_list("pk", flat=True))
        context["short_count"] = len(gridforce.short_grids(grid_ids))
        context["grid_count"] = len(grid_ids)
    return render(request, "web/region_detail.html", context)


@login_required
def gridforce_page(request: HttpRequest) -> HttpResponse:
    """The grids in the viewer's scope (optionally ?within=<region id>) that fall short of 1+1+1+3+N."""
    within_id = int_param(request.GET, "within")
    within = _region_or_404(request, within_id) if within_id is not None else None
    grids = list(queries.grids(actor_of(request), within).select_related("village", "town").order_by("path"))
    force = gridforce.grid_force([g.pk for g in grids])
    short = [(g, force[g.pk]) for g in grids if not force[g.pk].complete]
    # a micro-grid role is shown its micro-grid's grid, whose own page it may not open
    linkable = set(queries.regions(actor_of(request)).filter(pk__in=[g.pk for g, _ in short]).values_list("pk", flat=True))
    page = Paginator(short, 100).get_page(request.GET.get("page"))
    return render(request, "web/gridforce.html", {
        "active": "regions", "page": page, "grid_count": len(grids), "short_count": len(short), "within": within,
        "required": gridforce.REQUIRED, "linkable": linkable,
    })


def _region_or_404(request: HttpRequest, region_id: int):
    region = queries.get_region(actor_of(request), region_id)
    if region is None:  # outside the scope or missing: the same answer, so existence is not revealed
        raise Http404
    return region
