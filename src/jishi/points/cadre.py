"""Cadre and town pages: review queue, batch inspection, boards (publish, objections, finalise), town comparison."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jishi.core.errors import ServiceError
from jishi.org.middleware import actor_of
from jishi.org.models import Household, Person, Region
from jishi.org.queries import search_people
from jishi.points import boards, claims, earning, queries
from jishi.points.access import manages, person_of
from jishi.points.choices import Awarder, BoardStatus
from jishi.points.households import addresses_as_seen
from jishi.points.models import Board, Claim, Objection, PointItem, Posting, Settlement


def _managed(request: HttpRequest):
    villages = list(queries.managed_villages(actor_of(request)))
    if not villages:
        raise Forbidden(_("您没有管理村(社区)积分的岗位"))
    return villages


def _village(request: HttpRequest, villages) -> Region:
    wanted = request.GET.get("village") or request.POST.get("village")
    return next((v for v in villages if str(v.pk) == wanted), villages[0])


def _candidates(request: HttpRequest, villages) -> tuple[str, list[dict], str]:
    """The award form's people picker: names in the cadre's villages matching ``q``, each with household, 组 and
    whether they head it (the same search rule as the people page: ``org.queries.search_people``)."""
    q = (request.GET.get("q") or "").strip()[:50]
    if not q:
        return q, [], ""
    try:
        found = list(search_people(actor_of(request), q, name_match="contains").filter(village__in=villages)
                     .select_related("microgrid")[:20])
    except ServiceError as exc:
        return q, [], exc.message
    picked = request.GET.get("person") or ""
    return q, [{"p": p, "checked": str(p.pk) == picked or len(found) == 1} for p in found], ""


@login_required
def review(request: HttpRequest) -> HttpResponse:
    villages = _managed(request)
    q, candidates, problem = _candidates(request, villages)
    return render(request, "points/review.html", {
        "active": "points", "queue": queries.review_queue(actor_of(request))[:100], "nonce": secrets.token_hex(8),
        "cadre_items": PointItem.objects.filter(awarder=Awarder.CADRE, is_active=True),
        "objections": queries.open_objections(actor_of(request))[:100],
        "q": q, "candidates": candidates, "problem": problem})


@login_required
def award_pick(request: HttpRequest) -> HttpResponse:
    """The candidates of the award form (htmx: typed into the search box)."""
    q, candidates, problem = _candidates(request, _managed(request))
    return render(request, "points/_award_candidates.html", {"q": q, "candidates": candidates, "problem": problem})


@login_required
@require_POST
def review_one(request: HttpRequest, claim_id: int) -> HttpResponse:
    c = get_object_or_404(Claim.objects.restrict(actor_of(request), "view"), pk=claim_id)  # outside: 404
    try:
        c = claims.review_claim(actor_of(request), c, request.POST.get("decision") == "approve", request.POST.get("note", ""))
        messages.success(request, _("已审核：%(name)s %(status)s") % {"name": c.person.name, "status": c.get_status_display()})
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("points-review")


@login_required
@require_POST
def award(request: HttpRequest) -> HttpResponse:
    """A cadre awards or deducts an item to a villager picked from the search (by id: duplicate names are told
    apart by household and 组), with the reason the villager will see."""
    villages = _managed(request)
    pk = request.POST.get("person") or ""
    person = Person.objects.filter(pk=int(pk), village__in=villages).first() if pk.isdigit() else None
    item = PointItem.objects.filter(code=request.POST.get("item") or "", is_active=True).first()
    if person is None:
        messages.error(request, _("请先查找并选中要评定的村民"))
    elif item is None:
        messages.error(request, _("请选择积分项目"))
    else:
        try:
            actor = actor_of(request)
            p = earning.apply_item(actor, person, item, key=f"page:{actor.user_id}:{request.POST.get('nonce')}",
                                   reason=request.POST.get("reason", ""), approver=actor.user, source="page")
            messages.success(request, _("已评定：%(name)s %(item)s %(points)+d") % {
                "name": person.name, "item": item.name, "points": p.points})
        except ServiceError as exc:
            messages.error(request, exc.message)
    return redirect("points-review")


@login_required
def inspection(request: HttpRequest) -> HttpResponse:
    """Batch inspection: the village's households grouped by 组 (micro-grid) with their head, searchable in the
    page; one submission scores many households (confirmed first: site.js data-confirm)."""
    villages = _managed(request)
    village = _village(request, villages)
    items = list(PointItem.objects.filter(awarder=Awarder.INSPECTION, is_active=True))
    households = list(Household.objects.filter(village=village).select_related("microgrid")
                      .order_by("microgrid__code", "code")[:2000])
    scores: dict[int, list[str]] = {}
    if request.method == "POST":
        scores = {h.pk: [i.code for i in items if request.POST.get(f"h{h.pk}_{i.code}")] for h in households}
        scores = {k: v for k, v in scores.items() if v}
        try:
            held = date.fromisoformat(request.POST.get("held_on") or "")
            done = claims.score_inspection(actor_of(request), village, request.POST.get("title", ""), held, scores)
            messages.success(request, _("已评分 %(n)s 户") % {"n": done.scored})
            return redirect(f"{request.path}?village={village.pk}")
        except ValueError:
            messages.error(request, _("请填写检查日期"))
        except ServiceError as exc:
            messages.error(request, exc.message)
    heads = dict(Person.objects.filter(household__in=households, is_household_head=True)
                 .values_list("household_id", "name"))
    groups: list[dict] = []
    for h in addresses_as_seen(actor_of(request), households):
        if not groups or groups[-1]["id"] != h.microgrid_id:
            groups.append({"id": h.microgrid_id, "name": h.microgrid.name if h.microgrid else _("未分组"), "rows": []})
        ticked = scores.get(h.pk, ())
        groups[-1]["rows"].append({"h": h, "head": heads.get(h.pk, ""), "cells": [
            {"name": f"h{h.pk}_{i.code}", "item": i, "checked": i.code in ticked} for i in items]})
    return render(request, "points/inspection.html", {
        "active": "points", "villages": villages, "village": village, "items": items, "groups": groups,
        "count": len(households), "group": request.GET.get("group", ""), "today": timezone.localdate(),
        "title": request.POST.get("title") or "", "held_on": request.POST.get("held_on") or ""})


@login_required
def board_list(request: HttpRequest) -> HttpResponse:
    can_publish = bool(queries.managed_villages(actor_of(request)).exists())
    villages = list(queries.managed_villages(actor_of(request))) if can_publish else []
    if request.method == "POST" and can_publish:
        try:
            month = date.fromisoformat((request.POST.get("month") or "") + "-01")
            board = boards.publish_board(actor_of(request), _village(request, villages), month)
            messages.success(request, _("公示榜已发布，公示 %(d)s 天") % {"d": boards.NOTICE_DAYS})
            return redirect("points-board", board.pk)
        except ValueError:
            messages.error(request, _("请选择月份"))
        except ServiceError as exc:
            messages.error(request, exc.message)
    return render(request, "points/boards.html", {
        "active": "points", "boards": boards.visible_boards(actor_of(request))[:60], "villages": villages,
        "notice_days": boards.NOTICE_DAYS, "last_month": (timezone.localdate().replace(day=1) - timedelta(days=1))})


def _board(request: HttpRequest, board_id: int) -> Board:
    board = boards.visible_boards(actor_of(request)).filter(pk=board_id).first()
    if board is None:
        raise Http404
    return board


@login_required
def board_detail(request: HttpRequest, board_id: int) -> HttpResponse:
    board = _board(request, board_id)
    objected = dict(board.objections.values_list("posting_id", "status"))
    postings = list(boards.board_postings(board))
    lines = list(board.lines.all())
    for line in lines:
        line.month_net = line.earned - line.deducted
    return render(request, "points/board.html", {
        "active": "points", "board": board, "lines": lines,
        "postings": postings, "objected": objected, "objectable": [p for p in postings if p.pk not in objected],
        "objections": board.objections.select_related("posting", "raised_by"),
        "can_manage": manages(actor_of(request), board),
        "can_object": board.status == BoardStatus.PUBLISHED and timezone.now() <= board.notice_until
        and (getattr(person_of(actor_of(request)), "village_id", None) == board.village_id),
        "print": request.GET.get("print") == "1",
    })


@login_required
@require_POST
def board_action(request: HttpRequest, board_id: int) -> HttpResponse:
    board = _board(request, board_id)
    action = request.POST.get("action")
    try:
        if action == "object":
            posting = get_object_or_404(Posting, pk=request.POST.get("posting") or 0)
            boards.raise_objection(actor_of(request), board, posting, request.POST.get("reason", ""))
            messages.success(request, _("异议已提交，该条积分已冻结，等待村里核实"))
        elif action == "resolve":
            objection = get_object_or_404(Objection, pk=request.POST.get("objection") or 0, board=board)
            boards.resolve_objection(actor_of(request), objection, request.POST.get("upheld") == "1", request.POST.get("resolution", ""))
            messages.success(request, _("异议已处理"))
        elif action == "finalise":
            boards.finalise_board(actor_of(request), board)
            messages.success(request, _("已定榜"))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("points-board", board.pk)


@login_required
def town(request: HttpRequest) -> HttpResponse:
    villages = _managed(request)
    rows = queries.village_comparison(villages)
    settlements = (Settlement.objects.filter(merchant__village__in=villages).select_related("merchant")
                   .order_by("-month", "merchant__name")[:60])
    totals = {"issued": sum(r["issued"] for r in rows), "redeemed": sum(r["redeemed"] for r in rows)}
    totals["rate"] = totals["redeemed"] / totals["issued"] * 100 if totals["issued"] else 0.0
    return render(request, "points/town.html", {"active": "points", "rows": rows, "totals": totals,
                                                "settlements": settlements})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """/points/: cadres and commanders to the review queue, merchants to the counter, villagers to their page."""
    if queries.managed_villages(actor_of(request)).exists():
        return redirect("points-review")
    person = person_of(actor_of(request))
    if person is not None and person.pk and _is_merchant(person):
        return redirect("points-merchant")
    return redirect("points-me")


def _is_merchant(person) -> bool:
    from jishi.points.models import Merchant

    return Merchant.objects.filter(owner=person).exists()
