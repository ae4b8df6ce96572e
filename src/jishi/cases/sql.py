"""The raw SQL of the case app: the change counter of the case API, read in one cheap statement (the ETags of its
answers are built from it: ``jishi.http.revalidation``). Every change of a case writes a timeline row (the
transitions, intake, the sweep's supervisions), so the newest timeline row id changes with anything a case list
or detail shows. (The pages' counter adds the viewer's unread notices: ``cases.views.page_counter``.)
"""

from __future__ import annotations

from django.db import connection

from jishi.cases.models import CaseEvent


def api_counter(request) -> tuple:
    """The newest timeline row id."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT MAX(id) FROM {CaseEvent._meta.db_table}")
        return tuple(cur.fetchone())



def page_counter(user_id: int | None, unread: str, cap: int) -> tuple:
    """The case pages' change counter in one statement: the newest timeline row id (``api_counter``) and the
    viewer's unread notifications up to ``cap`` — ``unread`` is their scalar subquery, given by the inbox's owner
    (``notify.services.UNREAD_AT_MOST_SQL``: parameters user id, cap)."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT (SELECT MAX(id) FROM {CaseEvent._meta.db_table}), {unread}", [user_id, cap])
        return tuple(cur.fetchone())
