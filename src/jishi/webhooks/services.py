"""The verbs of webhooks: subscribe, unsubscribe, redeliver — each audited. Pages and API call these."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from jishi.core import audit
from jishi.core.errors import Conflict, NotFound, ValidationFailed
from jishi.org.policy import as_actor
from jishi.platform.models import ApiClient
from jishi.webhooks.events import EVENTS
from jishi.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from jishi.webhooks.outbox import give_up_after

MAX_SUBSCRIPTIONS = 20
MAX_URL = 500


def new_secret() -> str:
    """32 random bytes, URL-safe Base64 (43 characters)."""
    return secrets.token_urlsafe(32)


def clean_url(url: str) -> str:
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 — raises ValueError on a bad port
    except ValueError:
        raise ValidationFailed("推送地址不是有效的网址", field="url")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationFailed("推送地址须是 http:// 或 https:// 开头的完整网址", field="url")
    if len(url) > MAX_URL:
        raise ValidationFailed(f"推送地址不能超过 {MAX_URL} 个字符", field="url")
    if any(c.isspace() for c in url):
        raise ValidationFailed("推送地址不能含空白字符", field="url")
    return url


def clean_events(events: list[str]) -> list[str]:
    unknown = sorted(set(events) - set(EVENTS))
    if unknown:
        raise ValidationFailed(f"未知的事件类型：{'、'.join(unknown)}（可用：{'、'.join(EVENTS)}）", field="events")
    if not events:
        raise ValidationFailed("请至少订阅一种事件", field="events")
    return [e for e in EVENTS if e in set(events)]


@transaction.atomic
def subscribe(actor, client: ApiClient, *, url: str, events: list[str]) -> tuple[WebhookSubscription, str]:
    """A new subscription of ``client``; returns it and its secret (shown this once)."""
    actor = as_actor(actor)
    if not client.is_open:
        raise ValidationFailed("开放端口已关闭或已到期", field="client")
    if "cases:read" not in client.scopes:
        raise ValidationFailed("开放端口没有“读取事件”（cases:read）权限，不能订阅事件推送", field="client")
    url, events = clean_url(url), clean_events(events)
    ApiClient.objects.select_for_update().filter(pk=client.pk).first()  # one count at a time per port
    if WebhookSubscription.objects.filter(client=client).count() >= MAX_SUBSCRIPTIONS:
        raise ValidationFailed(f"每个开放端口最多 {MAX_SUBSCRIPTIONS} 个推送订阅", field="url")
    secret = new_secret()
    sub = WebhookSubscription.objects.create(client=client, url=url, events=events, secret=secret,
                                             created_by=actor.user)
    audit.record(actor.user, "webhook.subscribe", sub, summary=f"开放端口“{client.name}”订阅事件推送：{url}",
                 data={"client": client.pk, "url": url, "events": events})
    return sub, secret


def subscription_of(client: ApiClient, sub_id: int) -> WebhookSubscription:
    sub = WebhookSubscription.objects.filter(pk=sub_id, client=client).first()
    if sub is None:
        raise NotFound(f"推送订阅 #{sub_id} 不存在", details={"detail_en": "subscription not found"})
    return sub


@transaction.atomic
def unsubscribe(actor, client: ApiClient, sub_id: int) -> None:
    """Delete a subscription and its outbox (nothing more is sent to it)."""
    actor = as_actor(actor)
    sub = subscription_of(client, sub_id)
    pending = sub.deliveries.filter(status=DeliveryStatus.PENDING).count()
    audit.record(actor.user, "webhook.unsubscribe", sub, summary=f"开放端口“{client.name}”取消事件推送：{sub.url}",
                 data={"client": client.pk, "url": sub.url, "pending_dropped": pending})
    sub.delete()


@transaction.atomic
def redeliver(actor, delivery_id: int, *, client: ApiClient | None = None) -> WebhookDelivery:
    """Send a failed delivery again — and, to keep the case's order, every failed delivery of the same
    case to the same subscription — with a fresh deadline and back-off from the start (attempts count anew). ``client``: only that port's deliveries (the API); None: an administrator."""
    actor = as_actor(actor)
    qs = WebhookDelivery.objects.select_related("subscription__client").select_for_update(of=("self",))
    if client is not None:
        qs = qs.filter(subscription__client=client)
    delivery = qs.filter(pk=delivery_id).first()
    if delivery is None:
        raise NotFound(f"推送记录 #{delivery_id} 不存在", details={"detail_en": "delivery not found"})
    if delivery.status != DeliveryStatus.FAILED:
        raise Conflict("只有失败的推送可以重新推送" if delivery.status == DeliveryStatus.DELIVERED
                       else "该推送仍在等待发送，无需重新推送", code="not_failed")
    now = timezone.now()
    n = (WebhookDelivery.objects.filter(subscription_id=delivery.subscription_id, case_id=delivery.case_id,
                                        status=DeliveryStatus.FAILED)
         .update(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, give_up_at=now + give_up_after()))
    audit.record(actor.user, "webhook.redeliver", delivery,
                 summary=f"重新推送 #{delivery.pk}（{delivery.event}，共 {n} 条）到 {delivery.subscription.url}",
                 data={"subscription": delivery.subscription_id, "case": delivery.case_id, "count": n})
    transaction.on_commit(_kick, robust=True)
    delivery.refresh_from_db()
    return delivery


def _kick() -> None:
    from jishi.webhooks.tasks import deliver_webhooks_soon

    deliver_webhooks_soon()
