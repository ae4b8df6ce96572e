"""The administrators' page of webhooks: subscriptions per port, deliveries with their last answer, and
"redeliver" for failed ones. Thin: read, or call one service, then render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jishi.core.errors import ServiceError
from jishi.org.middleware import actor_of
from jishi.org.policy import PORT_ADMIN_ROLES
from jishi.platform.models import ApiClient
from jishi.webhooks import services
from jishi.webhooks.events import EVENTS
from jishi.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

PAGE_SIZE = 50


def _admin(request: HttpRequest) -> None:
    """Webhooks are the open ports' administrators' (``policy.PORT_ADMIN_ROLES``)."""
    if not actor_of(request).has_any(PORT_ADMIN_ROLES):
        raise PermissionDenied


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 18 else None


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    _admin(request)
    port, status = _int(request.GET.get("port", "")), request.GET.get("status", "")
    subs = (WebhookSubscription.objects.select_related("client").order_by("client__name", "id")
            .annotate(pending=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
                      failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED))))
    deliveries = WebhookDelivery.objects.select_related("subscription__client", "case").order_by("-id")
    if port:
        subs = subs.filter(client_id=port)
        deliveries = deliveries.filter(subscription__client_id=port)
    if status in DeliveryStatus.values:
        deliveries = deliveries.filter(status=status)
    page = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
    ports = ApiClient.objects.filter(webhook_subscriptions__isnull=False).distinct().order_by("name")
    subs = list(subs)
    for s in subs:
        s.event_labels = [(e, EVENTS.get(e, e)) for e in s.events]
    for d in page.object_list:
        d.event_label = EVENTS.get(d.event, d.event)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "webhooks/overview.html", {
        "subscriptions": subs, "page": page, "rows": page.object_list, "ports": ports, "port": port,
        "status": status, "statuses": DeliveryStatus.choices, "querystring": query.urlencode(),
        "failed_total": WebhookDelivery.objects.filter(status=DeliveryStatus.FAILED).count(), "active": "ports",
    })


@login_required
@require_POST
def redeliver(request: HttpRequest, delivery_id: int) -> HttpResponse:
    _admin(request)
    try:
        d = services.redeliver(actor_of(request), delivery_id)
        messages.success(request, _("已重新排队推送 #%(id)s（%(event)s）") % {"id": d.pk, "event": d.event})
    except ServiceError as exc:
        messages.error(request, exc.message)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    return redirect(back or "webhooks")
