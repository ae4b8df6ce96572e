"""The one writer of the 小蜜蜂 timeline: every change of a registration, a fund or a care grant is one
``BeesEvent``, written inside the change's transaction beside the row and its audit record (like
``jishi.engage.timeline``); consumers of ``jishi.core.consumers`` may follow it."""

from __future__ import annotations

import functools
from datetime import datetime

from django.db import transaction

from jishi.bees.models import BeesEvent
from jishi.core import consumers


def emit(verb: str, *, at: datetime, rider=None, grant=None, fund=None, actor=None, from_state: str = "",
         to_state: str = "", note: str = "", data: dict | None = None) -> BeesEvent:
    """Write one timeline row (inside the change's transaction) and kick the consumers on commit."""
    user = getattr(actor, "user", actor)
    event = BeesEvent.objects.create(rider=rider, grant=grant, fund=fund, verb=verb,
                                     actor=user if getattr(user, "is_authenticated", False) else None,
                                     at=at, from_state=from_state, to_state=to_state, note=note[:300], data=data or {})
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
