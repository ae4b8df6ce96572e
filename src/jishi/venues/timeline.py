"""The one writer of the venues timeline: every change of a venue, a room, a booking, the circle's settings or
road network is one ``VenueEvent`` written by ``emit()`` in the transaction of the change. What follows (the
8-minute coverage) is a consumer (``jishi.core.consumers``), as for cases."""

from __future__ import annotations

import functools

from django.db import transaction
from django.utils import timezone

from jishi.core import consumers
from jishi.venues.models import VenueEvent


def emit(verb: str, *, venue=None, actor=None, data: dict | None = None) -> VenueEvent:
    """Write one timeline row (inside the change's transaction) and kick the consumers on commit."""
    user = getattr(actor, "user", actor)
    event = VenueEvent.objects.create(verb=verb, venue=venue, at=timezone.now(),
                                      actor=user if getattr(user, "is_authenticated", False) else None,
                                      data=data or {})
    consumers.kick_on_commit()
    return event


def writer(fn):
    """``transaction.atomic`` around ``fn``, then ``consumers.settled()`` (tests drain at once)."""
    atomic_fn = transaction.atomic(fn)

    @functools.wraps(fn)
    def run(*args, **kwargs):
        result = atomic_fn(*args, **kwargs)
        consumers.settled()
        return result

    return run
