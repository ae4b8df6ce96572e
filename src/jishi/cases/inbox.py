"""The notification inbox of the case pages."""

from __future__ import annotations

from django.db.models import QuerySet

from jishi.core.actor import Actor
from jishi.notify.models import Notification
from jishi.org.policy import as_actor


def notifications(actor: Actor) -> QuerySet:
    """The actor's notifications, newest first (nothing for a system or anonymous actor)."""
    actor = as_actor(actor)
    if actor.user_id is None:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=actor.user_id).order_by("-id")
