"""Villager and merchant pages (mobile-first). Each view parses input, calls one service, renders."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jishi.core.errors import ServiceError
from jishi.http.types import id_or_none
from jishi.org import privacy
from jishi.org.middleware import actor_of
from jishi.points import claims, queries, store
from jishi.points.access import person_of
from jishi.points.choices import Awarder, ItemKind, OrderStatus
from jishi.points.models import Merchant, Order, PointItem, Settlement, StoreItem
from jishi.points.qr import qr_png


def _me(request: HttpRequest):
    person = person_of(actor_of(request))
    if person is None:
        raise Http404(_("您的账号没有关联人员信息"))
    return person


@login_required
def me(request: HttpRequest) -> HttpResponse:
    person = _me(request)
    context = {
        "active": "points", "person": person, "standing": queries.standing(person),
        "history": queries.history(person, 50),
        "orders": Order.objects.filter(person=person).select_related("item", "merchant")[:20],
        "claims": claims.Claim.objects.filter(person=person).select_related("item")[:10],
        "claimable": PointItem.objects.filter(awarder=Awarder.SELF_CLAIM, kind=ItemKind.POSITIVE, is_active=True),
        "today": timezone.localdate(),
    }
    return render(request, "points/me.html", context)


@login_required
@require_POST
def claim(request: HttpRequest) -> HttpResponse:
    item = get_object_or_404(PointItem, pk=id_or_none(request.POST.get("item")) or 0)
    try:
        occurred = date.fromisoformat(request.POST.get("occurred_on") or str(timezone.localdate()))
        claims.submit_claim(actor_of(request), item, request.POST.get("note", ""), occurred, request.FILES.get("photo"))
        messages.success(request, _("申报已提交，等待村里审核"))
    except ValueError:
        messages.error(request, _("日期格式不对"))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("points-me")


@login_required
def shop(request: HttpRequest) -> HttpResponse:
    person = _me(request)
    return render(request, "points/store.html", {
        "active": "points", "items": store.store_items_for(person), "standing": queries.standing(person)})


@login_required
@require_POST
def order(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(StoreItem, pk=item_id)
    try:
        o = store.place_order(actor_of(request), item, key=request.POST.get("key") or None)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("points-store")
    messages.success(request, _("兑换成功，请到店出示兑换码"))
    return redirect("points-voucher", o.pk)


def _my_order(request: HttpRequest, order_id: int) -> Order:
    """An order of the actor's own or of a shop they own. The voucher code is a bearer secret: staff who may
    "view" the order elsewhere (the review and town pages) do not get it here."""
    actor = actor_of(request)
    o = get_object_or_404(Order.objects.select_related("item", "merchant"), pk=order_id)
    if actor.person_id is None or actor.person_id not in (o.person_id, o.merchant.owner_id):
        raise Http404
    return o


@login_required
def voucher(request: HttpRequest, order_id: int) -> HttpResponse:
    return render(request, "points/voucher.html", {"active": "points", "order": _my_order(request, order_id)})


@login_required
def voucher_qr(request: HttpRequest, order_id: int) -> HttpResponse:
    o = _my_order(request, order_id)
    if o.status != OrderStatus.HELD:
        raise Http404
    response = HttpResponse(qr_png(o.code), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def cancel(request: HttpRequest, order_id: int) -> HttpResponse:
    try:
        store.cancel_order(actor_of(request), _my_order(request, order_id))
        messages.success(request, _("已取消兑换，积分已退回"))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("points-me")


@login_required
def merchant(request: HttpRequest) -> HttpResponse:
    person = _me(request)
    shops = Merchant.objects.filter(owner=person)
    if not shops:
        raise Http404(_("您不是积分超市商户"))
    confirmed = pending = None
    if request.method == "POST":  # step 1 (a code typed or scanned): show what it is; step 2 (confirm): redeem
        try:
            if request.POST.get("confirm") == "1":
                confirmed = store.confirm_voucher(actor_of(request), request.POST.get("code", ""))
                messages.success(request, _("核销成功：%(item)s（%(points)s 分）") % {
                    "item": confirmed.item.name, "points": confirmed.points})
            else:
                pending = store.preview_voucher(actor_of(request), request.POST.get("code", ""))
                pending.holder = privacy.mask_name(pending.person.name)
        except ServiceError as exc:
            messages.error(request, exc.message)
    today = timezone.localdate()
    start = timezone.make_aware(timezone.datetime(today.year, today.month, today.day))
    return render(request, "points/merchant.html", {
        "active": "points", "shops": shops, "confirmed": confirmed, "pending": pending,
        "today": Order.objects.filter(merchant__in=shops, status=OrderStatus.CONFIRMED, confirmed_at__gte=start)
        .select_related("item", "person").order_by("-confirmed_at"),
        "settlements": Settlement.objects.filter(merchant__in=shops)[:12],
    })
