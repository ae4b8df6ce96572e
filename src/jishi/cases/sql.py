"""The raw SQL of the case app: the generations the page and response caches key on (one statement each,
cheaper than two ORM aggregates on every cached view)."""

from __future__ import annotations

from django.db import connection

from jishi.cases.models import CaseEvent
from jishi.notify.models import Notification


def page_generation(request) -> tuple:
    """What the case pages show changes only with a new timeline row (every change of a case writes one:
    ``services._apply``, the sweep's supervisions) or with the viewer's unread notifications (the inbox
    badge, which counts to 100: "99+"). Both in one statement: the newest timeline row id and the capped unread
    count (``jishi.web.pagecache``)."""
    from jishi.notify.services import BADGE_CAP

    events, notices = CaseEvent._meta.db_table, Notification._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f"SELECT (SELECT MAX(id) FROM {events}), (SELECT COUNT(*) FROM (SELECT 1 FROM {notices} "
                    "WHERE recipient_id = %s AND read_at IS NULL LIMIT %s) AS u)", [request.user.pk, BADGE_CAP + 1])
        return tuple(cur.fetchone())


def api_generation(request) -> tuple:
    """The case API's generation: the newest timeline row (``jishi.api.responsecache``)."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT MAX(id) FROM {CaseEvent._meta.db_table}")
        return tuple(cur.fetchone())
