"""The village's and town's store shelf page (积分超市商品管理) and the household points pages. Thin views: parse,
call one service, render; errors come back as messages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from jishi.core.errors import ServiceError, ValidationFailed
from jishi.org.middleware import actor_of
from jishi.org.models import Household
from jishi.points import households, queries, shelf
from jishi.points.choices import AccountKind
from jishi.points.models import StoreItem


def _int(value: str | None, label: str) -> int:
    text = (value or "").strip()
    if not text.isdigit() or len(text) > 9:
        raise ValidationFailed(_("%(label)s须为整数") % {"label": label})
    return int(text)


@login_required
def shelf_page(request: HttpRequest) -> HttpResponse:
    """List, add, edit (price, stock, name) and take off sale the items of a shop the user's village/town runs."""
    merchants = list(shelf.managed_merchants(actor_of(request)))
    if not merchants:
        raise Forbidden(_("您没有管理积分超市的岗位"))
    wanted = request.GET.get("merchant") or request.POST.get("merchant")
    merchant = next((m for m in merchants if str(m.pk) == wanted), merchants[0])
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "create":
                item = shelf.create_item(actor_of(request), merchant, name=request.POST.get("name", ""),
                                         price=_int(request.POST.get("price"), _("所需积分")),
                                         stock=_int(request.POST.get("stock"), _("库存")))
                messages.success(request, _("已上架：%(name)s") % {"name": item.name})
            else:
                item = get_object_or_404(StoreItem, pk=request.POST.get("item") or 0, merchant=merchant)
                if action == "update":
                    item = shelf.update_item(actor_of(request), item, name=request.POST.get("name", ""),
                                             price=_int(request.POST.get("price"), _("所需积分")),
                                             stock=_int(request.POST.get("stock"), _("库存")))
                    messages.success(request, _("已保存：%(name)s") % {"name": item.name})
                elif action in ("deactivate", "activate"):
                    item = shelf.set_active(actor_of(request), item, action == "activate")
                    messages.success(request, (_("已上架：%(name)s") if item.is_active else _("已下架：%(name)s"))
                                     % {"name": item.name})
            return redirect(f"{request.path}?merchant={merchant.pk}")
        except ServiceError as exc:
            messages.error(request, exc.message)
    return render(request, "points/shelf.html", {
        "active": "points", "merchants": merchants, "merchant": merchant,
        "items": StoreItem.objects.filter(merchant=merchant).order_by("-is_active", "name")})


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    """The cadre's list of the village's households with their points totals (search by code or address)."""
    villages = list(queries.managed_villages(actor_of(request)))
    if not villages:
        raise Forbidden(_("您没有管理村(社区)积分的岗位"))
    wanted = request.GET.get("village")
    village = next((v for v in villages if str(v.pk) == wanted), villages[0])
    q = (request.GET.get("q") or "").strip()[:50]
    qs = Household.objects.filter(village=village)
    if q:
        qs = qs.filter(households.search_q(actor_of(request), q)).distinct()
    rows = list(qs.annotate(
        people=Count("members", distinct=True)).order_by("code")[:200])
    ids = [h.pk for h in rows]
    from jishi.points.models import Account

    totals = {(hid, kind): s for hid, kind, s in Account.objects.filter(
        person__household_id__in=ids, kind__in=[AccountKind.REDEEMABLE, AccountKind.HONOUR])
        .values("person__household_id", "kind").annotate(s=Sum("balance"))
        .values_list("person__household_id", "kind", "s")}
    households.addresses_as_seen(actor_of(request), rows)
    for h in rows:
        h.redeemable = totals.get((h.pk, AccountKind.REDEEMABLE), 0)
        h.honour = totals.get((h.pk, AccountKind.HONOUR), 0)
    return render(request, "points/households.html", {
        "active": "points", "villages": villages, "village": village, "rows": rows, "q": q})


@login_required
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    """One household: members with their balances and the total — for its members and its village's managers."""
    hh = Household.objects.select_related("village").filter(pk=household_id).first()
    if hh is None or not households.can_see(actor_of(request), hh):
        raise Http404
    households.addresses_as_seen(actor_of(request), [hh])
    return render(request, "points/household.html", {
        "active": "points", "hp": households.household_points(actor_of(request), hh),
        "perms_points_manage": queries.managed_villages(actor_of(request)).filter(pk=hh.village_id).exists()})


@login_required
def my_household(request: HttpRequest) -> HttpResponse:
    from jishi.points.access import person_of

    person = person_of(actor_of(request))
    if person is None or not person.household_id:
        raise Http404(_("您没有登记所在的户"))
    return redirect("points-household", person.household_id)
