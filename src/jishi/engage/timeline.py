"""The one writer of the engagement timeline: every change of a wish, need or project is one ``EngageEvent``.

``emit()`` runs inside the change's transaction beside the row it changes and its audit record; the points
award for a fulfilled wish and the notices are consumers of this timeline (``jishi.core.consumers``).
"""

from __future__ import annotations

import functools
from datetime import datetime

from django.db import transaction

from jishi.core import consumers
from jishi.engage.models import EngageEvent


def emit(verb: str, *, at: datetime, wish=None, project=None, need=None, actor=None, actor_name: str = "",
         from_state: str = "", to_state: str = "", note: str = "", data: dict | None = None) -> EngageEvent:
    """Write one timeline row (inside the change's transaction) and kick the consumers on commit."""
    event = EngageEvent.objects.create(wish=wish, project=project, need=need, verb=verb, actor=actor,
                                       actor_name=actor_name[:60], at=at, from_state=from_state, to_state=to_state,
                                       note=note, data=data or {})
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
