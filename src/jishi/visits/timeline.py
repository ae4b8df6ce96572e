"""The one writer of the visits timeline: every change of a round (created, assigned, reassigned, a visit
logged, a concern made a case) is one ``VisitEvent`` written by ``emit()`` in the transaction of the change.
What follows (the coverage rollup) is a consumer (``jishi.core.consumers``), as for cases."""

from __future__ import annotations

import functools
from datetime import datetime

from django.db import transaction

from jishi.core import consumers
from jishi.visits.models import VisitEvent


def emit(verb: str, *, at: datetime, round_id: int | None = None, visit_id: int | None = None, actor=None,
         microgrid_id: int | None = None, data: dict | None = None) -> VisitEvent:
    """Write one timeline row (inside the change's transaction) and kick the consumers on commit."""
    event = VisitEvent.objects.create(verb=verb, at=at, round_id=round_id, visit_id=visit_id,
                                      actor=actor if getattr(actor, "is_authenticated", False) else None,
                                      microgrid_id=microgrid_id, data=data or {})
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
