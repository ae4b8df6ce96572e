"""Signals other modules listen to, so that ``cases`` never imports them (points, scoring, …).

``case_accepted`` is sent once a case has been taken up (立案) and the transaction committed:
``case_accepted.send(sender=Case, case=case, actor=user_or_None)``. Sent by ``services.accept`` and by
``services.escalate`` when it takes a just-reported case straight up a level (that is an acceptance too).
A receiver must be idempotent (a retry may deliver twice) and must not raise into the case loop.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

case_accepted = Signal()


def send_case_accepted_on_commit(case, actor) -> None:
    """Send ``case_accepted`` after the current transaction commits (at once outside one)."""
    from jishi.cases.models import Case

    transaction.on_commit(lambda: case_accepted.send(sender=Case, case=case, actor=actor))
