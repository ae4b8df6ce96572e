"""Webhook subscriptions through the API (/api/v1/webhooks) — for open ports only: the calling token's port
manages its own subscriptions and reads its own deliveries.

    GET    /subscriptions                       this port's subscriptions
    POST   /subscriptions                       subscribe (201; the signing secret is in this answer only)
    DELETE /subscriptions/{id}                  unsubscribe (204)
    GET    /deliveries                          deliveries, newest first, cursor pagination
    POST   /deliveries/{id}/redeliver           send a failed delivery again (and the case's later failed ones)
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from jishi.core.errors import PermissionDenied
from jishi.http.auth import require_scope
from jishi.http.pagination import DEFAULT_LIMIT, MAX_LIMIT, page_of, paginate
from jishi.http.types import Cursor, Id, PathId
from jishi.org.middleware import actor_of
from jishi.platform.models import ApiClient
from jishi.webhooks import services
from jishi.webhooks.events import EVENTS
from jishi.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

router = Router()

WebhookEvent = Enum("WebhookEvent", {e.replace(".", "_"): e for e in EVENTS}, type=str)
WebhookDeliveryStatus = Enum("WebhookDeliveryStatus", {s: s for s in DeliveryStatus.values}, type=str)


class WebhookSubscriptionIn(Schema):
    url: str = Field(max_length=services.MAX_URL, description="接收推送的 http(s) 地址")
    events: list[WebhookEvent] = Field(min_length=1, max_length=len(EVENTS), description="订阅的事件类型")


class WebhookSubscriptionOut(Schema):
    id: int
    url: str
    events: list[str]
    is_active: bool
    created_at: datetime


class WebhookSubscriptionCreated(WebhookSubscriptionOut):
    secret: str = Field(description="签名密钥：只在此次返回，请妥善保存")


class WebhookDeliveryOut(Schema):
    id: int
    subscription_id: int
    case_id: int
    sequence: int
    event: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str
    delivered_at: datetime | None
    created_at: datetime


class WebhookDeliveryFilters(Schema):
    subscription: Id | None = None
    status: WebhookDeliveryStatus | None = None
    case: Id | None = None
    cursor: Cursor | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def _client(request: HttpRequest) -> ApiClient:
    """The port the request's Actor came through (a personal token or a session has none)."""
    if actor_of(request).port_id is None:
        raise PermissionDenied("事件推送只对开放端口开放：请使用开放端口签发的令牌（个人令牌和登录会话不能订阅）",
                               code="port_required", details={"detail_en": "webhooks need a token of an open port"})
    return request.api_token.client


def _delivery(d: WebhookDelivery) -> dict:
    return {"id": d.pk, "subscription_id": d.subscription_id, "case_id": d.case_id, "sequence": d.sequence,
            "event": d.event, "status": d.status, "attempts": d.attempts,
            "next_attempt_at": d.next_attempt_at if d.status == DeliveryStatus.PENDING else None,
            "last_attempt_at": d.last_attempt_at, "last_status_code": d.last_status_code,
            "last_error": d.last_error, "delivered_at": d.delivered_at, "created_at": d.created_at}


@router.get("/subscriptions", response=list[WebhookSubscriptionOut], summary="本端口的事件推送订阅")
@require_scope("cases:read")
def list_subscriptions(request: HttpRequest):
    return list(WebhookSubscription.objects.filter(client=_client(request)).order_by("id"))


@router.post("/subscriptions", response={201: WebhookSubscriptionCreated}, summary="订阅事件推送（密钥只返回一次）")
@require_scope("cases:read")
def create_subscription(request: HttpRequest, payload: WebhookSubscriptionIn):
    sub, secret = services.subscribe(actor_of(request), _client(request), url=payload.url,
                                     events=[e.value for e in payload.events])
    return Status(201, {"id": sub.pk, "url": sub.url, "events": sub.events, "is_active": sub.is_active,
                        "created_at": sub.created_at, "secret": secret})


@router.delete("/subscriptions/{subscription_id}", response={204: None}, summary="取消事件推送订阅")
@require_scope("cases:read")
def delete_subscription(request: HttpRequest, subscription_id: PathId):
    services.unsubscribe(actor_of(request), _client(request), subscription_id)
    return Status(204, None)


@router.get("/deliveries", response=page_of(WebhookDeliveryOut), summary="本端口的推送记录（游标分页）")
@require_scope("cases:read")
def list_deliveries(request: HttpRequest, filters: Query[WebhookDeliveryFilters]):
    qs = WebhookDelivery.objects.filter(subscription__client=_client(request))
    if filters.subscription:
        qs = qs.filter(subscription_id=filters.subscription)
    if filters.status:
        qs = qs.filter(status=filters.status.value)
    if filters.case:
        qs = qs.filter(case_id=filters.case)
    page = paginate(qs, cursor=filters.cursor, limit=filters.limit)
    page["items"] = [_delivery(d) for d in page["items"]]
    return page


@router.post("/deliveries/{delivery_id}/redeliver", response=WebhookDeliveryOut, summary="重新推送失败的记录")
@require_scope("cases:read")
def redeliver(request: HttpRequest, delivery_id: PathId):
    return _delivery(services.redeliver(actor_of(request), delivery_id, client=_client(request)))
