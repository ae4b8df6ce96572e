"""The raw SQL of the case app — the change counters of the case pages and API, read in one cheap statement each: the ETags of their
answers are built from them (``jishi.web.revalidation``, ``jishi.api.revalidation``).

Every change of a case writes a timeline row (the transitions, intake, the sweep's supervisions), so the newest
timeline row id changes with anything a case list or detail shows; the pages also show the viewer's unread
notifications (the inbox badge, which counts to 100: "99+").
"""

from __future__ import annotations

from django.db import connection

from jishi.cases.models import CaseEvent
from jishi.notify.models import Notification


def page_counter(request) -> tuple:
    """The newest timeline row id and the viewer's capped unread notification count."""
    from jishi.notify.services import BADGE_CAP

    events, notices = CaseEvent._meta.db_table, Notification._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f"SELECT (SELECT MAX(id) FROM {events}), (SELECT COUNT(*) FROM (SELECT 1 FROM {notices} "
                    "WHERE recipient_id = %s AND read_at IS NULL LIMIT %s) AS u)", [request.user.pk, BADGE_CAP + 1])
        return tuple(cur.fetchone())


def api_counter(request) -> tuple:
    """The newest timeline row id."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT MAX(id) FROM {CaseEvent._meta.db_table}")
        return tuple(cur.fetchone())
