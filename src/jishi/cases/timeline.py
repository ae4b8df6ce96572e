"""The one writer of the case timeline: every change of a case is one ``CaseEvent`` written by ``emit()``.

``emit()`` runs inside the transaction of the change (the verbs' ``_apply``, intake, the sweep): the case
row, the timeline row (+ its attachments) and the audit record are all that transaction writes — together
with the case's own rows its verb keeps (assignments, whistles, supervision notices). Everything that
follows is a consumer of the timeline (``jishi.core.consumers``): the cockpit's rollups, the inbox notices
(``jishi.notify.case_notices``), webhooks, the informant award. ``emit()`` asks the worker to drain once the
transaction commits.

The newest timeline id is the case pages' change counter: every change of a case goes through ``emit()``,
so ``max(CaseEvent.id)`` moves on every change (``newest_id``).

``writer`` is ``transaction.atomic`` for a function that emits; after its block it calls
``consumers.settled()``, which drains at once in tests (``JISHI_CONSUMERS_EAGER``) and does nothing else.
"""

from __future__ import annotations

import functools
from datetime import datetime

from django.db import transaction
from django.db.models import Max

from jishi.cases.models import Case, CaseEvent
from jishi.core import consumers


def emit(case: Case, verb: str, *, at: datetime, actor=None, actor_name: str = "", actor_role: str = "",
         from_state: str = "", to_state: str = "", note: str = "", data: dict | None = None,
         department=None, department_id: int | None = None) -> CaseEvent:
    """Write one timeline row of ``case`` (inside the change's transaction) and kick the consumers on commit."""
    where = {"department": department} if department is not None else {"department_id": department_id}
    event = CaseEvent.objects.create(
        case=case, verb=verb, actor=actor, actor_name=actor_name, actor_role=actor_role, **where, at=at, from_state=from_state, to_state=to_state, note=note, data=data or {},
    )
    consumers.kick_on_commit()
    return event


def newest_id() -> int:
    """The id of the newest timeline row (0 for none): changes whenever a case changes."""
    return CaseEvent.objects.aggregate(m=Max("pk"))["m"] or 0


def writer(fn):
    """``transaction.atomic`` around ``fn``, then ``consumers.settled()`` (tests drain at once)."""
    atomic_fn = transaction.atomic(fn)

    @functools.wraps(fn)
    def run(*args, **kwargs):
        result = atomic_fn(*args, **kwargs)
        consumers.settled()
        return result

    return run
