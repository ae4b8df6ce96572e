"""Bridge: the read side of cases is split by concern — ``due`` (due times, overdue/near-due filters),
``filters`` (the one ``CaseFilter``), ``lists`` (role lists, my reports), ``detail`` (one case),
``duplicates``, ``pickers``, ``inbox`` and ``sql`` (the raw SQL of the app). This module only re-exports
the names that callers outside ``jishi.cases`` still import from here; import from those modules instead.
Remove it once nothing imports it.
"""

from __future__ import annotations

from django.db.models import Q

from jishi.cases.due import Due, due_of, near_due_q, overdue_q
from jishi.cases.inbox import notifications
from jishi.cases.lists import cases, dept_tab_counts
from jishi.cases.models import Case


def openable_filter(user) -> Q | None:
    """Bridge for the Open311 reads until they use ``Case.objects.restrict(actor, "view")``: the cases ``user``
    may open. A user whose token authentication narrowed it to a port's region or department (the old
    ``jishi.api.tokens`` marks it) sees that scope without its own reports elsewhere. Remove with its caller."""
    from jishi.org.policy import as_actor
    from jishi.org.scope import scope_for

    if getattr(user, "_jishi_narrowed", False):
        return Case.scope_q(scope_for(user))
    return Case.scope_q(as_actor(user).scope("view"))


__all__ = ["Due", "cases", "dept_tab_counts", "due_of", "near_due_q", "notifications",
           "openable_filter", "overdue_q"]
