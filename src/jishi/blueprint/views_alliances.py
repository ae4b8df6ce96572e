"""The 毗邻党建联盟 pages: each alliance's shared problem list (visible to every member), raised by one member
and solved by another, with solved counts per alliance, member and field."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jishi.blueprint import access, alliances, excel, queries
from jishi.blueprint.choices import ProblemField, ProblemState
from jishi.blueprint.models import Alliance
from jishi.core import audit
from jishi.core.errors import NotFound, ServiceError
from jishi.org.middleware import actor_of


def _actor(request):
    actor = actor_of(request)
    if not actor.is_authenticated:
        raise Http404
    return actor


def _alliance(actor, pk: int) -> Alliance:
    a = next((a for a in queries.alliances(actor) if a.pk == pk), None)
    if a is None:
        raise Http404(_("联盟不存在或您的区域不是其成员"))
    return a


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    rows = queries.alliances(actor)
    if not rows and not actor.scope("blueprint").regional:
        raise Http404(_("您的区域不在任何毗邻党建联盟中"))
    stats = queries.alliance_stats([a.pk for a in rows])
    return render(request, "blueprint/alliances.html", {
        "active": "blueprint", "tab": "alliances", "alliances": [{"a": a, "s": stats[a.pk]} for a in rows]})


def _problems(a: Alliance, params):
    qs = a.problems.select_related("raised_by__region", "solved_by__region")
    if params.get("state") in ProblemState.values:
        qs = qs.filter(state=params["state"])
    if params.get("field") in ProblemField.values:
        qs = qs.filter(field=params["field"])
    return qs


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    a = _alliance(actor, pk)
    page = Paginator(_problems(a, request.GET), 30).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "blueprint/alliance.html", {
        "active": "blueprint", "tab": "alliances", "a": a, "page": page, "f": request.GET,
        "params": params.urlencode(), "stats": queries.alliance_stats([a.pk])[a.pk],
        "members": queries.member_stats(a), "mine": alliances.members_for(actor, a),
        "fields": ProblemField.choices, "states": ProblemState.choices})


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    a = _alliance(actor, pk)
    data = excel.problems_xlsx(_problems(a, request.GET).iterator(chunk_size=500))
    audit.record(actor.user, "alliance.export", a, summary=f"导出{a.name}问题清单")
    resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="alliance-{a.pk}.xlsx"'
    return resp


@login_required
@require_POST
def raise_problem(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    a = _alliance(actor, pk)
    p = request.POST
    try:
        alliances.raise_problem(actor, a, member=p.get("member") or None, title=p.get("title", ""),
                                field=p.get("field", ""), detail=p.get("detail", ""))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("问题已提交到联盟问题清单，全体成员可见"))
    return redirect("blueprint-alliance", a.pk)


@login_required
@require_POST
def solve(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    try:
        problem = access.problem_for(actor, pk)
    except NotFound:
        raise Http404 from None
    p = request.POST
    try:
        alliances.solve_problem(actor, problem, member=p.get("member") or None, solution=p.get("solution", ""),
                                joint_project=p.get("joint_project", ""))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("问题已解决"))
    return redirect("blueprint-alliance", problem.alliance_id)
