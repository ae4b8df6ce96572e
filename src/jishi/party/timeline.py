"""The one writer of the party timeline: every change of an activity, a registration or a service record is one
``PartyEvent``.

``emit()`` runs inside the change's transaction beside the row it changes and its audit record; what follows
(notices, rollups) would be consumers of this timeline (``jishi.core.consumers``).
"""

from __future__ import annotations

import functools
from datetime import datetime

from django.db import transaction

from jishi.core import consumers
from jishi.party.models import PartyEvent


def emit(verb: str, *, at: datetime, activity=None, registration=None, record=None, actor=None,
         actor_name: str = "", from_state: str = "", to_state: str = "", note: str = "",
         data: dict | None = None) -> PartyEvent:
    """Write one timeline row (inside the change's transaction) and kick the consumers on commit."""
    event = PartyEvent.objects.create(activity=activity, registration=registration, record=record, verb=verb,
                                      actor=actor, actor_name=actor_name[:60], at=at, from_state=from_state,
                                      to_state=to_state, note=note, data=data or {})
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
