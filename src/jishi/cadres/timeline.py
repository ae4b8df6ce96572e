"""The one writer of the cadre timeline: every change in the pipeline is one ``CadreEvent``.

``emit()`` runs inside the change's transaction beside the row it changes and its audit record. The event sits
where its subject sits (the subject's ``Located`` columns) and names the person it concerns, so the 干部档案
(a person's record) is that person's events in time order, read through the same scope as everything else.
"""

from __future__ import annotations

import functools
from datetime import datetime

from django.db import transaction

from jishi.cadres.models import CadreEvent
from jishi.core import consumers


def emit(verb: str, *, at: datetime, subject, person=None, actor=None, actor_name: str = "", from_state: str = "",
         to_state: str = "", note: str = "", data: dict | None = None, **links) -> CadreEvent:
    """Write one timeline row (inside the change's transaction) placed where ``subject`` sits; ``links`` name
    the rows it belongs to (round, applicant, member, secondment, contest)."""
    event = CadreEvent(person=person, verb=verb, actor=actor, actor_name=actor_name[:60], at=at,
                       from_state=from_state, to_state=to_state, note=note[:300], data=data or {}, **links)
    for lv in ("town", "village", "grid", "microgrid"):
        setattr(event, f"{lv}_id", getattr(subject, f"{lv}_id", None))
    event.save()
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


def actor_name(actor) -> str:
    u = actor.user
    return (u.get_full_name() or u.get_username()) if u else "系统"
