"""Blueprint pages (desktop for cadres and the organisation department; printable): the battle map (挂图作战),
the Gantt timeline, a project with its children, time nodes and supervision. Each view parses input, takes the
Actor, calls one service function, renders; a refusal shows its Chinese message and changes nothing."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jishi.blueprint import access, excel, queries, services
from jishi.blueprint.choices import Flag, ProjectKind, ProjectLevel, ProjectStatus
from jishi.blueprint.models import BlueprintEvent, Milestone, Supervision
from jishi.core import audit
from jishi.core.errors import NotFound, ServiceError, ValidationFailed
from jishi.org.middleware import actor_of
from jishi.org.models import Region

PER_PAGE = 200  # rows of the list and the Gantt chart per page; the map shows every project


def _actor(request: HttpRequest):
    actor = actor_of(request)
    if not actor.is_authenticated or not actor.scope("blueprint").regional:
        raise Http404(_("您没有书记项目工作"))
    return actor


def _blueprint(request: HttpRequest):
    year = request.GET.get("year", "")
    bp = queries.current_blueprint(int(year) if year.isdigit() and len(year) == 4 else None)
    if bp is None:
        raise Http404(_("还没有年度蓝图"))
    return bp


def _context(request, actor, bp, tab: str) -> dict:
    qs = queries.filtered(actor, bp, request.GET)
    items = queries.rows(qs)
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {"active": "blueprint", "tab": tab, "bp": bp, "items": items, "page": page,
            "summary": queries.summary(qs),
            "f": request.GET, "params": params.urlencode(), "levels": ProjectLevel.choices,
            "statuses": ProjectStatus.choices, "flags": Flag.choices[1:], "kinds": ProjectKind.choices,
            "towns": Region.objects.filter(level="town").order_by("sort", "code").values_list("id", "name")}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The battle map: every project by level, status, owner and region, on the map and as a list."""
    actor = _actor(request)
    bp = _blueprint(request)
    ctx = _context(request, actor, bp, "map")
    city = Region.objects.filter(level="city").first()
    url = reverse("region-geojson")  # the towns for the city; a town's or village's own boundary otherwise
    ctx.update({"points": queries.map_points(ctx["items"], city),
                "town_geojson": f"{url}?parent={city.pk}" if city and actor.scope("view").everything else url})
    return render(request, "blueprint/home.html", ctx)


@login_required
def gantt(request: HttpRequest) -> HttpResponse:
    """The Gantt-style timeline of the same projects (server-rendered, printable)."""
    actor = _actor(request)
    bp = _blueprint(request)
    ctx = _context(request, actor, bp, "gantt")
    ctx["g"] = queries.gantt(list(ctx["page"].object_list), bp.year)
    return render(request, "blueprint/gantt.html", ctx)


@login_required
def export(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    bp = _blueprint(request)
    qs = queries.filtered(actor, bp, request.GET)
    data = excel.projects_xlsx(queries.rows(qs, limit=50_000))
    audit.record(actor.user, "blueprint.export", object_type="blueprint.project", object_id=bp.year,
                 summary=f"导出{bp.year}年度书记项目", data={"filters": {k: v[:50] for k, v in request.GET.items()}})
    resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="blueprint-{bp.year}.xlsx"'
    return resp


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    try:
        p = access.project_for(actor, pk)
    except NotFound:
        raise Http404(_("项目不存在或不在您的范围内")) from None
    children = queries.tree_of(p, actor)
    return render(request, "blueprint/detail.html", {
        "active": "blueprint", "p": p, "children": children, "milestones": list(p.milestones.all()),
        "supervisions": list(Supervision.objects.filter(project=p).select_related("milestone")),
        "events": BlueprintEvent.objects.filter(project=p).order_by("-id")[:50],
        "may_act": access.may_act(actor, p), "may_plan": access.may_plan(actor, p), "today": timezone.localdate(),
        "ancestors": _ancestors(p), "weight_sum": sum(c["weight"] for c in children),
        "child_regions": Region.objects.restrict(actor, "manage").filter(
            Q(pk=p.region_id) | Q(parent_id=p.region_id), level__in=["city", "town", "village"]).order_by("path")})


def _ancestors(p) -> list:
    out, node = [], p.parent
    while node is not None and len(out) < 6:
        out.insert(0, node)
        node = node.parent
    return out


def _day(value: str | None, field: str) -> date:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValidationFailed(_("日期格式不对（年-月-日）"), field=field) from None


@login_required
@require_POST
def act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    actor = _actor(request)
    try:
        p = access.project_for(actor, pk)
    except NotFound:
        raise Http404 from None
    post = request.POST
    done = {"progress": _("进度已报告"), "weights": _("权重已调整"), "milestone": _("节点已新增"),
            "done": _("节点已完成，督办销号"), "reply": _("督办已回复"), "child": _("子项目已立项")}
    if verb not in done:
        raise Http404
    try:
        if verb == "progress":
            services.report_progress(actor, p, progress=post.get("progress", ""), note=post.get("note", ""))
        elif verb == "weights":
            services.set_weights(actor, p, {k[2:]: v for k, v in post.items() if k.startswith("w-") and k[2:].isdigit()})
        elif verb == "milestone":
            services.add_milestone(actor, p, title=post.get("title", ""), due_on=_day(post.get("due_on"), "due_on"),
                                   responsible=post.get("responsible", ""))
        elif verb == "done":
            m = Milestone.objects.filter(pk=post.get("milestone") or 0, project=p).first()
            if m is None:
                raise ValidationFailed(_("节点不存在"))
            services.complete_milestone(actor, m)
        elif verb == "reply":
            s = Supervision.objects.filter(pk=post.get("supervision") or 0, project=p).select_related("project").first()
            if s is None:
                raise ValidationFailed(_("督办单不存在"))
            services.reply_supervision(actor, s, reply=post.get("reply", ""))
        else:
            c = services.create_project(actor, p.blueprint, parent=p, title=post.get("title", ""),
                                        region=post.get("region") or p.region_id, owner_name=post.get("owner_name") or p.owner_name,
                                        secretary=post.get("secretary", ""), weight=post.get("weight", ""),
                                        starts_on=_day(post.get("starts_on"), "starts_on"),
                                        ends_on=_day(post.get("ends_on"), "ends_on"), targets=post.get("targets", ""))
            messages.success(request, done[verb])
            return redirect("blueprint-project", c.pk)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done[verb])
    return redirect("blueprint-project", p.pk)
