"""The one writer of the blueprint timeline (projects, fund projects, alliance problems): ``emit()``.

Runs inside the change's transaction beside the changed row and its audit record; what follows (the
supervision notices) is a consumer of this timeline (``jishi.core.consumers``), kicked once it commits.
"""

from __future__ import annotations

import functools
from datetime import datetime

from django.db import transaction

from jishi.blueprint.models import BlueprintEvent
from jishi.core import consumers


def emit(verb: str, *, at: datetime, project=None, fund_project=None, problem=None, actor=None,
         actor_name: str = "", note: str = "", data: dict | None = None) -> BlueprintEvent:
    """Write one timeline row (inside the change's transaction) and kick the consumers on commit."""
    event = BlueprintEvent.objects.create(project=project, fund_project=fund_project, problem=problem, verb=verb,
                                          actor=actor, actor_name=actor_name[:60], at=at, note=note,
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


def actor_name(actor) -> str:
    u = actor.user
    return (u.get_full_name() or u.get_username()) if u else "系统"
