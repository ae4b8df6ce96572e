"""The one writer of the mediation timeline: every change of a dispute or a meeting is one ``MediationEvent``.

``emit()`` runs inside the change's transaction (the service verbs, the escalation sweep, the case
consumer), beside the row it changes and its audit record; whatever follows is a consumer of this
timeline (``jishi.core.consumers``), kicked once the transaction commits.
"""

from __future__ import annotations

import functools
from datetime import datetime

from django.db import transaction

from jishi.core import consumers
from jishi.mediation.models import Dispute, MediationEvent, Meeting


def emit(verb: str, *, at: datetime, dispute: Dispute | None = None, meeting: Meeting | None = None,
         actor=None, actor_name: str = "", from_state: str = "", to_state: str = "", level: str = "",
         note: str = "", data: dict | None = None) -> MediationEvent:
    """Write one timeline row (inside the change's transaction) and kick the consumers on commit."""
    event = MediationEvent.objects.create(
        dispute=dispute, meeting=meeting, verb=verb, actor=actor, actor_name=actor_name[:60], at=at,
        from_state=from_state, to_state=to_state, level=level or (dispute.level if dispute else ""),
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
