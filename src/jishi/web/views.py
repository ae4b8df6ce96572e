"""Workbench pages: the home page and the health check. Views parse input, call one query, render.

Region pages live in ``jishi.web.regions``, people pages in ``jishi.web.people``.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from jishi.core.nav import todos
from jishi.org import queries
from jishi.org.middleware import actor_of

ICONS = Path(__file__).resolve().parent.parent / "static" / "jishi"


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> FileResponse:
    """/favicon.ico (browsers ask for it on every site): the 32 px icon, so no page logs a 404."""
    return FileResponse(open(ICONS / "icon-32.png", "rb"), content_type="image/png")


@require_safe
@cache_control(public=True, max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: the site can be added to a phone's home screen and opens without browser chrome."""
    name = f"{gettext('基石')} · {settings.JISHI_CITY_NAME}"
    icons = [{"src": static(f"jishi/icon-{n}.png"), "sizes": f"{n}x{n}", "type": "image/png", "purpose": "any"}
             for n in (192, 512)]
    icons.append({"src": static("jishi/favicon.svg"), "sizes": "any", "type": "image/svg+xml"})
    body = {"name": name, "short_name": gettext("基石"), "lang": get_language() or "zh-hans",
            "description": gettext("党建引领基层治理"), "start_url": "/", "scope": "/", "display": "standalone",
            "background_color": "#f3f4f6", "theme_color": "#9b1c1c", "icons": icons}
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    roots = queries.tree_roots(actor)
    has_regions = bool(roots)  # the actor sees some part of the region tree
    context = {
        "active": "home",
        "todos": todos(actor),  # each app's to-dos first, counts linking to the lists (jishi.core.nav)
        "posts": queries.posts(actor),
        "has_regions": has_regions,
        "figures": queries.figures(actor) if has_regions else None,
        "roots": roots[:12],
    }
    return render(request, "web/home.html", context)
