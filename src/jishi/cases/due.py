"""Due times of the case lists: the limit running now for a case and how it stands, and the
overdue / near-due filters the lists, the API and the cockpit share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jishi.cases import deadlines
from jishi.cases.choices import FINAL_STATES, State

NEAR_WINDOW_HANDLE = timedelta(hours=24)  # list filter "near due": handle limit ends within a day …
NEAR_WINDOW_ACK = timedelta(hours=1)  # … or the acknowledge limit within an hour (or the sweep said yellow)


@dataclass(frozen=True)
class Due:
    """The limit that runs now for a case and how it stands: ok / near / overdue."""

    label: str
    at: datetime
    status: str


def due_of(case, now: datetime | None = None) -> Due | None:
    now = now or timezone.now()
    if case.state in FINAL_STATES or case.state in (State.HANDLED, State.SUSPENDED):
        return None
    if case.state == State.DISPATCHED and case.ack_due_at:
        label = _("报到时限") if _awaits_report_in(case) else _("签收时限")
        at, start = case.ack_due_at, case.dispatched_at
    elif case.handle_due_at:
        label, at, start = _("处置时限"), case.handle_due_at, case.acknowledged_at or case.dispatched_at or case.reported_at
    else:
        return None
    if at <= now:
        status = "overdue"
    elif (start is not None and deadlines.near_due_at(start, at) <= now) or at - now <= deadlines.NEAR_DUE_MIN:
        status = "near"
    else:
        status = "ok"
    return Due(label, at, status)


def _awaits_report_in(case) -> bool:
    """A whistled case waiting for its lead's 报到 (its ack limit is the report-in limit) — known only when the
    page or the case's verbs already read its pending whistles (``case._pending_whistled``): no query here."""
    pending = getattr(case, "_pending_whistled", None)
    return bool(pending) and case.handling_department_id in pending


# ``within`` (a department's inbox: its department) is ANDed into each branch rather than around the OR: with
# "department d and (A or B)" SQLite walked all of the department's cases by its foreign key, closed ones included
# (41,000 rows, ~45 ms of the inbox at city scale); "(d and A) or (d and B)" seeks each branch in the
# (handling_department, state, handle_due_at) index — 2 ms.
EVERY = Q()  # no condition (never changed: Q(within, …) copies it)


def overdue_q(now: datetime, within: Q = EVERY) -> Q:
    return (Q(within, state=State.DISPATCHED, ack_due_at__lt=now)
            | Q(within, state__in=[State.REPORTED, State.ACCEPTED, State.RETURNED, State.IN_PROGRESS],
                handle_due_at__lt=now))


def near_due_q(now: datetime, within: Q = EVERY) -> Q:
    return (Q(within, state=State.DISPATCHED, ack_due_at__gte=now, ack_due_at__lt=now + NEAR_WINDOW_ACK)
            | Q(within, state=State.IN_PROGRESS, handle_due_at__gte=now, handle_due_at__lt=now + NEAR_WINDOW_HANDLE)
            | Q(within, state__in=[State.DISPATCHED, State.IN_PROGRESS], supervision_level="yellow",
                handle_due_at__gte=now))
