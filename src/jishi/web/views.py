"""Workbench pages: the home page and the health check. Views parse input, call one query, render.

Region pages live in ``jishi.web.regions``, people pages in ``jishi.web.people``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from jishi.org import queries
from jishi.org.middleware import actor_of


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    roots = queries.tree_roots(actor)
    has_regions = bool(roots)  # the actor sees some part of the region tree
    context = {
        "active": "home",
        "posts": queries.posts(actor),
        "has_regions": has_regions,
        "figures": queries.figures(actor) if has_regions else None,
        "roots": roots[:12],
    }
    return render(request, "web/home.html", context)
