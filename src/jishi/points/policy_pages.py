"""The rules page: a town or village sees its effective points rules and records a new policy version
(the decision, base points, yearly reset, two-step review, adjusted items)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jishi.core.errors import ServiceError
from jishi.org.choices import Level
from jishi.org.middleware import actor_of
from jishi.org.models import Region
from jishi.points.models import PointItem, Policy
from jishi.points.rules import adopt_policy, effective_item, village_policy


def _regions(actor) -> list[Region]:
    """The towns and villages whose points policy ``actor`` manages."""
    return list(Region.objects.restrict(actor, "manage").filter(level__in=[Level.TOWN, Level.VILLAGE]).order_by("path"))


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def _tri(value: str | None) -> bool | None:
    return {"1": True, "0": False}.get(value or "")


@login_required
def policy(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    regions = _regions(actor)
    if not regions:
        raise Forbidden(_("您没有管理积分政策的岗位"))
    wanted = request.GET.get("region") or request.POST.get("region")
    region = next((r for r in regions if str(r.pk) == wanted), regions[0])
    items = list(PointItem.objects.filter(is_active=True))
    if request.method == "POST":
        adjusted = {}
        for i in items:
            pts, on = _int(request.POST.get(f"p_{i.code}")), request.POST.get(f"on_{i.code}") == "1"
            if pts is not None and pts != i.points or not on:
                adjusted[i.code] = {"points": pts, "enabled": on}
        try:
            decided = date.fromisoformat(request.POST.get("decided_on") or "")
            p = adopt_policy(actor, region, decision=request.POST.get("decision", ""), decided_on=decided,
                             base_points=_int(request.POST.get("base_points")),
                             yearly_reset=_tri(request.POST.get("yearly_reset")),
                             two_step_review=_tri(request.POST.get("two_step_review")), items=adjusted)
            messages.success(request, _("已记录第 %(v)s 版积分政策") % {"v": p.version})
            return redirect(f"{request.path}?region={region.pk}")
        except ValueError:
            messages.error(request, _("请填写决议日期"))
        except ServiceError as exc:
            messages.error(request, exc.message)
    effective = village_policy(region) if region.level == Level.VILLAGE else None
    return render(request, "points/policy.html", {
        "active": "points", "regions": regions, "region": region, "effective": effective,
        "rows": [effective_item(region, i) for i in items], "today": timezone.localdate(),
        "history": Policy.objects.filter(region=region).select_related("decided_by")[:20],
    })
