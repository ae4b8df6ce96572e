"""Notification endpoints (/api/v1/notifications): the caller's own inbox, the same one as the inbox page.

    GET  /notifications                 newest first, cursor pagination, ``unread`` filter, with the unread count
    GET  /notifications/{id}            one notification
    POST /notifications/{id}/read       mark it read (idempotent: the first read time stays)
    POST /notifications/read-all        mark every unread one read

Only ever the caller's own notifications: another user's id is 404, exactly like an id that does not exist.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from jishi.core.errors import NotFound
from jishi.http.auth import require_scope
from jishi.http.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from jishi.http.types import Cursor, PathId
from jishi.notify.models import Notification
from jishi.notify.services import mark_read, unread_count
from jishi.org.middleware import actor_of

router = Router()


class NotificationOut(Schema):
    id: int
    kind: str
    level: str = Field(description="info / yellow / red")
    title: str
    body: str
    url: str = Field(description="所涉对象的页面地址（站内相对地址）")
    object_type: str = Field(description="所涉对象类型，例如 cases.case")
    object_id: str
    created_at: datetime
    read_at: datetime | None
    read: bool


class NotificationFilters(Schema):
    unread: bool | None = Field(None, description="true 只看未读，false 只看已读")
    cursor: Cursor | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None = None
    unread_count: int = Field(description="调用者全部未读消息数（与筛选无关）")


class NotificationsMarked(Schema):
    marked: int = Field(description="本次标为已读的条数")
    unread_count: int


def _me(request: HttpRequest):
    """The caller's account: an inbox is its owner's, whatever the token or port may see."""
    return actor_of(request).user


def _own(request: HttpRequest):
    return Notification.objects.filter(recipient=_me(request))


def _out(n: Notification) -> dict:
    return {"id": n.pk, "kind": n.kind, "level": n.level, "title": n.title, "body": n.body, "url": n.url,
            "object_type": n.object_type, "object_id": n.object_id, "created_at": n.created_at,
            "read_at": n.read_at, "read": n.read_at is not None}


def _get(request: HttpRequest, notification_id: int) -> Notification:
    n = _own(request).filter(pk=notification_id).first()
    if n is None:
        raise NotFound("消息不存在", details={"detail_en": "notification not found"})
    return n


@router.get("", response=NotificationPage, summary="我的消息（最新在前，游标分页）")
@require_scope("notify:read")
def list_notifications(request: HttpRequest, filters: Query[NotificationFilters]):
    qs = _own(request)
    if filters.unread is not None:
        qs = qs.filter(read_at__isnull=filters.unread)
    page = paginate(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": [_out(n) for n in page["items"]], "next_cursor": page["next_cursor"],
            "unread_count": unread_count(_me(request))}


@router.post("/read-all", response=NotificationsMarked, summary="全部标为已读")
@require_scope("notify:read")
def read_all(request: HttpRequest):
    user = _me(request)
    return {"marked": mark_read(user), "unread_count": unread_count(user)}


@router.get("/{notification_id}", response=NotificationOut, summary="一条消息")
@require_scope("notify:read")
def get_notification(request: HttpRequest, notification_id: PathId):
    return _out(_get(request, notification_id))


@router.post("/{notification_id}/read", response=NotificationOut, summary="标为已读（重复调用无副作用）")
@require_scope("notify:read")
def read_one(request: HttpRequest, notification_id: PathId):
    n = _get(request, notification_id)
    mark_read(_me(request), [n.pk])
    n.refresh_from_db(fields=["read_at"])
    return _out(n)
