"""The one writer of the evaluation timeline: every change of an assessment is one ``EvaluationEvent``, written
inside the change's transaction beside its audit record; notices follow as a consumer (``consumers``)."""

from __future__ import annotations

import functools
from datetime import datetime

from django.db import transaction

from jishi.core import consumers
from jishi.evaluation.models import Assessment, EvaluationEvent


def emit(verb: str, *, assessment: Assessment, at: datetime, actor=None, actor_name: str = "", from_state: str = "",
         to_state: str = "", note: str = "", data: dict | None = None) -> EvaluationEvent:
    event = EvaluationEvent.objects.create(assessment=assessment, verb=verb, actor=actor, actor_name=actor_name[:60],
                                           at=at, from_state=from_state, to_state=to_state, note=note, data=data or {})
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
