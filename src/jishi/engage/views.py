"""Engagement pages: the wish wall, a wish from posting to thanks (phone first, 390 px), the cadres' wish ledger;
the micro-projects board, the three lists and a project from call to completion (desktop for cadres). Each view
parses input, takes the Actor, calls one service function, renders; a refusal shows its Chinese message."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jishi.cases.models import Category
from jishi.core import audit
from jishi.core.errors import NotFound, ServiceError, ValidationFailed
from jishi.engage import access, excel, projects, queries, wishes
from jishi.engage.choices import (
    ClaimantKind,
    NeedSource,
    NeedState,
    ProjectState,
    ResourceKind,
    WishKind,
    WishState,
)
from jishi.engage.models import Brand, EngageEvent, Need, Project, Resource
from jishi.http.types import id_or_none
from jishi.org.middleware import actor_of
from jishi.org.models import Region
from jishi.org.policy import REGION_STAFF_ROLES, may_see_personal_data
from jishi.org.privacy import mask_name

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _actor(request: HttpRequest):
    actor = actor_of(request)
    if not actor.is_authenticated:
        raise Http404
    return actor


def _managed_regions(actor):
    return Region.objects.restrict(actor, "manage").filter(level__in=("town", "village")).order_by("path")


def _staff_regions(actor):
    return Region.objects.restrict(actor, "view").filter(level__in=("village", "grid", "microgrid")).order_by("path")


def _page(request, qs, n=30):
    params = request.GET.copy()
    params.pop("page", None)
    return Paginator(qs, n).get_page(request.GET.get("page")), params.urlencode()


def _cards(actor, rows) -> list[dict]:
    return [{"w": w, "name": mask_name(w.wisher_name)} for w in rows]


# --- wishes ----------------------------------------------------------------------------------------------

@login_required
def wall(request: HttpRequest) -> HttpResponse:
    """The wish wall (心愿墙): published wishes of the city, the wisher masked; a village filter."""
    actor = _actor(request)
    qs = access.wall().select_related("village")
    village = id_or_none(request.GET.get("village"))
    if village:
        qs = qs.filter(village_id=village)
    state = request.GET.get("state") or WishState.PUBLISHED
    if state in WishState.values:
        qs = qs.filter(state=state)
    page, params = _page(request, qs, 24)
    return render(request, "engage/wall.html", {
        "active": "wishes", "tab": "wall", "page": page, "params": params, "cards": _cards(actor, page),
        "state": state, "states": [(s, WishState(s).label) for s in (WishState.PUBLISHED, WishState.CLAIMED,
                                                                      WishState.THANKED)],
        "cadre": _managed_regions(actor).exists()})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    pid, uid = actor.person_id or -1, actor.user_id or -1
    rows = access.visible_wishes(actor).filter(Q(wisher_id=pid) | Q(posted_by_id=uid)).select_related("village")
    claimed = access.visible_wishes(actor).filter(claimant_id=pid).select_related("village")
    return render(request, "engage/mine.html", {"active": "wishes", "tab": "mine", "rows": rows[:100],
                                                "claimed": claimed[:100], "cadre": _managed_regions(actor).exists()})


@login_required
def wish_new(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    staff = actor.has_any(REGION_STAFF_ROLES)
    regions = list(_staff_regions(actor)) if staff else []
    values: dict = {"kind": WishKind.GOODS}
    error = None
    if request.method == "POST":
        p = request.POST
        values = {k: p.get(k) for k in p}
        proxy = staff and bool((p.get("wisher_name") or "").strip())
        try:
            w = wishes.post_wish(actor, title=p.get("title", ""), content=p.get("content", ""),
                                 kind=p.get("kind", ""), urgent=p.get("urgent") == "on",
                                 region=p.get("region") if proxy else None,
                                 wisher_name=p.get("wisher_name", "") if proxy else "",
                                 wisher_phone=p.get("wisher_phone", "") if proxy else "",
                                 source=p.get("source") or "", source_ref=p.get("source_ref", ""))
        except ServiceError as exc:
            error = exc
        else:
            messages.success(request, _("心愿已提交，村(社区)审核后将发布到心愿墙：%(n)s") % {"n": w.number})
            return redirect("engage-wish", w.pk)
    else:
        for k in ("title", "content", "source", "source_ref", "wisher_name", "wisher_phone", "region"):
            if request.GET.get(k):
                values[k] = request.GET[k][:500]
    return render(request, "engage/wish_new.html", {
        "active": "wishes", "tab": "new", "v": values, "error": error, "kinds": WishKind.choices, "staff": staff,
        "regions": regions, "cadre": _managed_regions(actor).exists()}, status=422 if error else 200)


def _wish(request, pk):
    try:
        return access.wish_for(_actor(request), pk)
    except NotFound:
        raise Http404(_("心愿不存在或不在您的范围内")) from None


@login_required
def wish_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    w = _wish(request, pk)
    name, phone = access.wisher_label(actor, w)
    manage = access.may_manage(actor, w)
    involved = access.involved(actor, w)
    from jishi.core.scope import holds

    in_scope = holds(actor, "view", w)
    return render(request, "engage/wish.html", {
        "active": "wishes", "w": w, "name": name, "phone": phone, "manage": manage,
        "may_claim": w.state == WishState.PUBLISHED and bool(actor.person_id) and actor.person_id != w.wisher_id,
        "may_fulfil": w.state == WishState.CLAIMED and (actor.person_id == w.claimant_id or manage),
        "may_thank": w.state == WishState.FULFILLED and (
            actor.person_id == w.wisher_id or (w.source != "resident" and (actor.user_id == w.posted_by_id or manage))),
        "claimant": (w.claimant.name if in_scope else mask_name(w.claimant.name)) if w.claimant_id else "",
        "events": EngageEvent.objects.filter(wish=w).order_by("id") if (in_scope or involved) else [],
        "claimant_kinds": ClaimantKind.choices, "categories": _categories() if manage else [],
        "has_need": manage and Need.objects.filter(wish=w).exists()})


def _categories():
    return list(Category.objects.filter(is_active=True, parent__isnull=False).select_related("parent")
                .order_by("parent__code", "code").values_list("code", "parent__name", "name"))


@login_required
@require_POST
def wish_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    actor = _actor(request)
    w = _wish(request, pk)
    p = request.POST
    done = {"publish": _("已发布到心愿墙"), "reject": _("已退回"), "claim": _("认领成功，请联系心愿人并尽快完成"),
            "fulfil": _("已登记完成，等待心愿人确认"), "thank": _("感谢您的确认！"), "case": _("已转为事件"),
            "need": _("已列入需求清单")}
    try:
        if verb == "publish":
            wishes.publish_wish(actor, w)
        elif verb == "reject":
            wishes.reject_wish(actor, w, reason=p.get("reason", ""))
        elif verb == "claim":
            wishes.claim_wish(actor, w, claimant_kind=p.get("claimant_kind") or ClaimantKind.VOLUNTEER,
                              unit=p.get("unit", ""))
        elif verb == "fulfil":
            wishes.fulfil_wish(actor, w, note=p.get("note", ""), photo=request.FILES.get("photo"))
        elif verb == "thank":
            wishes.thank_wish(actor, w, note=p.get("note", ""))
        elif verb == "case":
            wishes.wish_to_case(actor, w, category_code=p.get("category", ""))
        elif verb == "need":
            projects.need_from_wish(actor, w)
        else:
            raise Http404
    except NotFound:
        raise Http404 from None
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("engage-wish", args=[w.pk]) + f"#{verb}")
    messages.success(request, done[verb])
    return redirect("engage-wish", w.pk)


def _image(field) -> FileResponse:
    import mimetypes

    if not field:
        raise Http404
    ctype = mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    resp = FileResponse(field.open("rb"), content_type=ctype)
    resp["Cache-Control"] = "private, max-age=3600"
    return resp


@login_required
def wish_photo(request: HttpRequest, pk: int) -> FileResponse:
    """The fulfilment photo, to whoever may see the wish (never by a guessable public URL)."""
    return _image(_wish(request, pk).fulfil_photo)


@login_required
def progress_photo(request: HttpRequest, pk: int, report: int) -> FileResponse:
    p = _project(request, pk)
    r = p.reports.filter(pk=report).first()
    if r is None:
        raise Http404
    return _image(r.photo)


def _span(get):
    """The period of ``first``/``last`` (local dates) in a query string; this year by default."""
    today = timezone.localdate()
    try:
        first = date.fromisoformat(get["first"]) if get.get("first") else today.replace(month=1, day=1)
        last = date.fromisoformat(get["last"]) if get.get("last") else today
    except ValueError:
        first, last = today.replace(month=1, day=1), today
    return queries.Span(min(first, last), max(first, last))


def _filtered_wishes(actor, get):
    qs = access.managed_wishes(actor)
    if get.get("state") in WishState.values:
        qs = qs.filter(state=get["state"])
    if id_or_none(get.get("village")):
        qs = qs.filter(village_id=id_or_none(get["village"]))
    if get.get("q"):
        qs = qs.filter(Q(title__contains=get["q"][:50]) | Q(number=get["q"][:50]))
    if get.get("first") or get.get("last"):  # the cockpit tile drills to the wishes posted in its period
        span = _span(get)
        qs = qs.filter(posted_at__gte=span.start, posted_at__lt=span.end)
    return qs


@login_required
def wish_ledger(request: HttpRequest) -> HttpResponse:
    """The cadres' ledger: every wish of their region with its state, the figures by village."""
    actor = _actor(request)
    regions = list(_managed_regions(actor))
    if not regions:
        raise Http404
    qs = _filtered_wishes(actor, request.GET).select_related("village", "town")
    page, params = _page(request, qs)
    region = regions[0] if not actor.scope("manage").everything else None
    span = _span(request.GET)
    return render(request, "engage/ledger.html", {
        "active": "wishes", "tab": "ledger", "page": page, "params": params, "f": request.GET, "cadre": True,
        "states": WishState.choices, "villages": [r for r in regions if r.level == "village"],
        "s": queries.wish_stats(region, span, actor), "span": span})


@login_required
def wish_export(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not _managed_regions(actor).exists():
        raise Http404
    qs = _filtered_wishes(actor, request.GET).order_by("posted_at", "id")
    body = excel.wishes_xlsx(qs, full=may_see_personal_data(actor))
    audit.record(actor.user, "engage.export", object_type="engage.wish", object_id="ledger",
                 summary=f"导出微心愿台账 {qs.count()} 件", data={"filters": request.GET.dict()})
    resp = HttpResponse(body, content_type=XLSX)
    resp["Content-Disposition"] = f'attachment; filename="wishes-{timezone.localdate():%Y%m%d}.xlsx"'
    return resp


# --- the three lists and micro-projects --------------------------------------------------------------------

@login_required
def project_board(request: HttpRequest) -> HttpResponse:
    """The board: open calls (public), and the projects of the viewer's region with their figures."""
    actor = _actor(request)
    calls = access.calls().filter(state=ProjectState.OPEN).select_related("village", "town", "brand")
    mine = Project.objects.restrict(actor, "view").select_related("village", "town", "brand")
    if request.GET.get("state") in ProjectState.values:
        mine = mine.filter(state=request.GET["state"])
    regions = list(_managed_regions(actor))
    page, params = _page(request, mine)
    return render(request, "engage/projects.html", {
        "active": "projects", "tab": "board", "calls": calls[:60], "page": page, "params": params,
        "cadre": bool(regions), "states": ProjectState.choices, "f": request.GET,
        "s": queries.project_stats(None if actor.scope("view").everything or not regions else regions[0],
                                   _span(request.GET), actor) if regions else None})


@login_required
def needs(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    regions = list(_managed_regions(actor))
    error, v = None, {}
    if request.method == "POST":
        p = request.POST
        v = {k: p.get(k) for k in p}
        try:
            projects.add_need(actor, title=p.get("title", ""), description=p.get("description", ""),
                              region=p.get("region"), source=p.get("source") or NeedSource.RESIDENT,
                              source_ref=p.get("source_ref", ""))
        except ServiceError as exc:
            error = exc
        else:
            messages.success(request, _("需求已登记"))
            return redirect("engage-needs")
    if request.method != "POST":  # one tap from a visit's concern (or a case): the form filled in
        v = {k: request.GET[k][:500] for k in ("title", "description", "source", "source_ref", "region")
             if request.GET.get(k)}
    qs = Need.objects.restrict(actor, "view").select_related("village", "town", "closed_by")
    if request.GET.get("state") in NeedState.values:
        qs = qs.filter(state=request.GET["state"])
    if not regions and not qs.exists():
        raise Http404
    page, params = _page(request, qs)
    return render(request, "engage/needs.html", {
        "active": "projects", "tab": "needs", "page": page, "params": params, "regions": regions, "v": v,
        "error": error, "sources": NeedSource.choices, "states": NeedState.choices, "f": request.GET,
        "cadre": bool(regions)}, status=422 if error else 200)


@login_required
def resources(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    regions = list(_managed_regions(actor))
    error, v = None, {}
    if request.method == "POST":
        p = request.POST
        v = {k: p.get(k) for k in p}
        try:
            projects.add_resource(actor, provider=p.get("provider", ""), kind=p.get("kind", ""),
                                  description=p.get("description", ""), quantity=p.get("quantity") or 1,
                                  unit=p.get("unit", ""), region=p.get("region"))
        except ServiceError as exc:
            error = exc
        else:
            messages.success(request, _("资源已登记"))
            return redirect("engage-resources")
    qs = Resource.objects.restrict(actor, "view").select_related("village", "town")
    if not regions and not qs.exists():
        raise Http404
    page, params = _page(request, qs)
    return render(request, "engage/resources.html", {
        "active": "projects", "tab": "resources", "page": page, "params": params, "regions": regions, "v": v,
        "error": error, "kinds": ResourceKind.choices, "cadre": bool(regions)}, status=422 if error else 200)


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    regions = list(_managed_regions(actor))
    if not regions:
        raise Http404
    error, v = None, {"need_ids": request.GET.getlist("need")}
    if request.method == "POST":
        p = request.POST
        v = {k: p.get(k) for k in p}
        v["need_ids"], v["resource_ids"] = p.getlist("needs"), p.getlist("resources")
        try:
            try:
                deadline = date.fromisoformat(p.get("deadline", ""))
            except ValueError:
                raise ValidationFailed("完成时限的格式不对（年-月-日）", field="deadline") from None
            proj = projects.create_project(actor, title=p.get("title", ""), goals=p.get("goals", ""),
                                           budget=p.get("budget") or 0, deadline=deadline, region=p.get("region"),
                                           needs=v["need_ids"], resources=v["resource_ids"],
                                           brand=p.get("brand") or None)
        except ServiceError as exc:
            error = exc
        else:
            messages.success(request, _("项目已设立：%(n)s") % {"n": proj.number})
            return redirect("engage-project", proj.pk)
    return render(request, "engage/project_new.html", {
        "active": "projects", "tab": "new", "regions": regions, "v": v, "error": error, "cadre": True,
        "open_needs": Need.objects.restrict(actor, "manage").filter(state=NeedState.OPEN).select_related("village")[:300],
        "resources": Resource.objects.restrict(actor, "manage").select_related("village")[:300],
        "brands": Brand.objects.restrict(actor, "manage")[:100]}, status=422 if error else 200)


def _project(request, pk):
    try:
        return access.project_for(_actor(request), pk)
    except NotFound:
        raise Http404(_("项目不存在或不在您的范围内")) from None


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    p = _project(request, pk)
    manage = access.may_manage(actor, p)
    bids = list(p.bids.all()) if manage else list(p.bids.filter(bidder_id=actor.user_id or -1))
    taker = any(b.chosen and b.bidder_id == actor.user_id for b in bids)
    return render(request, "engage/project.html", {
        "active": "projects", "p": p, "manage": manage, "bids": bids, "taker": taker,
        "needs": p.needs.select_related("village"), "resources": p.resources.all(), "reports": p.reports.all(),
        "events": EngageEvent.objects.filter(project=p).order_by("id"), "today": timezone.localdate()})


@login_required
@require_POST
def project_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    actor = _actor(request)
    proj = _project(request, pk)
    p = request.POST
    done = {"publish": _("榜单已发布"), "bid": _("揭榜成功，请等待村(社区)选定"), "award": _("已选定揭榜单位"),
            "progress": _("进展已记录"), "complete": _("项目已验收完成，所解决的需求已关闭")}
    try:
        if verb == "publish":
            projects.publish_project(actor, proj)
        elif verb == "bid":
            projects.bid(actor, proj, unit=p.get("unit", ""), plan=p.get("plan", ""),
                         contact_name=p.get("contact_name", ""), contact_phone=p.get("contact_phone", ""))
        elif verb == "award":
            projects.award(actor, proj, p.get("bid"))
        elif verb == "progress":
            projects.report_progress(actor, proj, percent=p.get("percent"), note=p.get("note", ""),
                                     photo=request.FILES.get("photo"))
        elif verb == "complete":
            projects.complete_project(actor, proj, rating=p.get("rating"), note=p.get("note", ""))
        else:
            raise Http404
    except NotFound:
        raise Http404 from None
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("engage-project", args=[proj.pk]) + f"#{verb}")
    messages.success(request, done[verb])
    return redirect("engage-project", proj.pk)


@login_required
def lists_export(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not _managed_regions(actor).exists():
        raise Http404
    needs_qs = Need.objects.restrict(actor, "manage").order_by("id")
    res_qs = Resource.objects.restrict(actor, "manage").order_by("id")
    proj_qs = Project.objects.restrict(actor, "manage").order_by("id")
    body = excel.lists_xlsx(needs_qs, res_qs, proj_qs)
    audit.record(actor.user, "engage.export", object_type="engage.project", object_id="lists",
                 summary=f"导出三张清单：需求 {needs_qs.count()}、资源 {res_qs.count()}、项目 {proj_qs.count()}")
    resp = HttpResponse(body, content_type=XLSX)
    resp["Content-Disposition"] = f'attachment; filename="three-lists-{timezone.localdate():%Y%m%d}.xlsx"'
    return resp


