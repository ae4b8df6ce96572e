"""The map of a case list (地图查看): the board's, the department inbox's or the grid list's cases — the same tab
and filters as the list, so the same ``lists`` queries and the same scope — as clustered markers.

One query of ``values()`` rows (no model instances), newest first, at most ``LIMIT`` markers; the page says
how many of how many it shows. Cases without a location are counted, not drawn.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from jishi.cases import lists
from jishi.cases.choices import State
from jishi.cases.filters import CaseFilter
from jishi.org.middleware import actor_of

LIMIT = 2000
FIELDS = ("pk", "number", "title", "state", "lng", "lat")
SOURCES = {"board": ("cases-board", "指挥调度"), "dept": ("cases-dept", "部门待办"), "grid": ("cases-grid", "网格事件")}


def _cases(actor, source: str, tab: str, f: CaseFilter):
    """The list's cases as rows (queryset for board and inbox; the grid list's four sections)."""
    if source == "board":
        tab = tab if tab in dict(lists.BOARD_TABS) else "to_accept"
        return tab, lists.board(actor, tab, f)
    if source == "dept":
        tab = tab if tab in dict(lists.DEPT_TABS) else "to_ack"
        return tab, lists.dept_inbox(actor, tab, f)
    found = lists.grid_lists(actor, f)
    return "", [c for section in found.values() for c in section]


def _row(r: dict, states: dict) -> dict:
    return {"id": r["pk"], "n": r["number"], "t": r["title"][:60], "s": str(states.get(r["state"], r["state"])),
            "lng": r["lng"], "lat": r["lat"]}


@login_required
def case_list_map(request: HttpRequest, source: str) -> HttpResponse:
    actor = actor_of(request)
    source = source if source in SOURCES else "board"
    tab, found = _cases(actor, source, request.GET.get("tab", ""), CaseFilter.parse(request.GET))
    states = dict(State.choices)
    if isinstance(found, list):
        total = len(found)
        rows = [{"pk": c.pk, "number": c.number, "title": c.title, "state": c.state, "lng": c.lng, "lat": c.lat}
                for c in found]
    else:
        total = found.count()
        rows = list(found.values(*FIELDS)[:LIMIT])
    points = [_row(r, states) for r in rows if r["lng"] is not None and r["lat"] is not None]
    list_url, title = SOURCES[source]
    return render(request, "cases/list_map.html", {
        "active": list_url, "points": points, "total": total, "shown": len(points),
        "unlocated": len(rows) - len(points), "capped": total > len(rows), "limit": LIMIT,
        "title": _(title), "back": f"{reverse(list_url)}?{request.GET.urlencode()}",
        "case_url": reverse("case-detail", args=[0]).replace("/0/", "/"),
    })
