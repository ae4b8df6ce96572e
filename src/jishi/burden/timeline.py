"""The one writer of the burden timeline: every change of a data request or a village's reply is one
``BurdenEvent``, written inside the change's transaction beside its audit record; the notices to the villages
are a consumer of this timeline (``consumers``)."""

from __future__ import annotations

import functools
from datetime import datetime

from django.db import transaction

from jishi.burden.models import BurdenEvent
from jishi.core import consumers


def emit(verb: str, *, at: datetime, request=None, reply=None, actor=None, actor_name: str = "", note: str = "",
         data: dict | None = None) -> BurdenEvent:
    """Write one timeline row (inside the change's transaction) and kick the consumers on commit."""
    event = BurdenEvent.objects.create(request=request, reply=reply, verb=verb, actor=actor, actor_name=actor_name[:60],
                                       at=at, note=note[:300], data=data or {})
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
