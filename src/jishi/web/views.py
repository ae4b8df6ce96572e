"""Workbench pages: the home page and the health check. Views parse input, call one query, render.

Region pages live in ``jishi.web.regions``, people pages in ``jishi.web.people``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from jishi.org import queries
from jishi.org.scope import scope_for


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    has_regions = scope.everything or bool(scope.town | scope.village | scope.grid | scope.microgrid)
    context = {
        "active": "home",
        "posts": queries.posts(request.user),
        "has_regions": has_regions,
        "figures": queries.figures(request.user) if has_regions else None,
        "roots": queries.tree_roots(request.user)[:12] if has_regions else [],
    }
    return render(request, "web/home.html", context)
