"""The case lists of each role, always through the actor's data scope (``Case.objects.restrict``).

Every list selects its related rows in the same query (``LIST_RELATED``) and its regions in one more
(``CaseQuerySet.with_regions``), so a list costs the same number of queries for 5 rows or 50.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from jishi.cases.choices import AssignmentSource, State
from jishi.cases.due import near_due_q, overdue_q
from jishi.cases.filters import CaseFilter
from jishi.cases.models import Case, CaseAssignment, CaseEvent, attach_regions
from jishi.cases.permissions import user_departments
from jishi.cases.pickers import grid_ids
from jishi.core.actor import Actor
from jishi.org.policy import COMMAND_LEVEL, DEPARTMENT_ROLES, GRID_SIDE_ROLES

LIST_RELATED = ("category", "category__parent", "handling_department")  # joined; the regions come after
# (``CaseQuerySet.with_regions``: one query, without their boundary, centre and time stamps)
LIST_DEFER = ("handling_department__created_at", "handling_department__updated_at")
RECENT_DAYS = 30
NO_FILTER = CaseFilter()


def listing(qs: QuerySet) -> QuerySet:
    """``qs`` with the related rows a list shows (and without what it never shows)."""
    return qs.select_related(*LIST_RELATED).defer(*LIST_DEFER).with_regions()


def cases(actor: Actor) -> QuerySet:
    """All cases ``actor`` may see, with the list's related rows."""
    return listing(Case.objects.restrict(actor, "view"))


# What the API's case list shows (``cases.api.CaseOut``): the case's own columns (and the ones its due
# status reads), the category's code and names and the handling department's name — not the regions.
API_LIST_FIELDS = (
    "id", "number", "title", "channel", "state", "priority", "category", "command_level", "town", "village", "grid",
    "handling_department", "handling_region", "address", "lng", "lat", "reporter_name", "reporter_user", "anonymous",
    "reported_at", "ack_due_at", "handle_due_at", "dispatched_at", "acknowledged_at", "closed_at", "rework_count", "rating",
    "created_at", "category__code", "category__name", "category__parent", "category__parent__name",
    "handling_department__name",
)


def api_cases(actor: Actor, f: CaseFilter = NO_FILTER) -> QuerySet:
    """The cases ``actor`` may see, filtered, with only the columns of the API's list."""
    return f.apply(Case.objects.restrict(actor, "view").select_related("category__parent", "handling_department")
                   .only(*API_LIST_FIELDS))


def role_home(actor: Actor) -> str:
    """Which case page an actor starts on."""
    if actor.has_any(COMMAND_LEVEL):
        return "board"
    if actor.has_any(DEPARTMENT_ROLES):
        return "dept"
    if actor.has_any(GRID_SIDE_ROLES):
        return "grid"
    return "mine"


# --- grid worker -----------------------------------------------------------------------------

def grid_lists(actor: Actor, f: CaseFilter = NO_FILTER) -> dict[str, list[Case]]:
    """The grid worker's page: to accept/resolve, to verify, in progress, recently closed (``f``: the page's
    search and filters, kept in its URL)."""
    grids = sorted(grid_ids(actor))  # grids, and the micro-grids of liaisons and volunteers
    base = (cases(actor).filter(Q(grid_id__in=grids) | Q(microgrid_id__in=grids)) if grids
            else listing(Case.objects.filter(reporter_user_id=actor.user_id)))
    base = f.apply(base, timezone.now()) if f.active else base
    base = base.without_regions()  # the four sections' regions are read once, below
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    lists = {
        "reported": list(base.filter(state=State.REPORTED).order_by("-reported_at")[:50]),
        "to_verify": list(base.filter(state=State.HANDLED).order_by("handled_at")[:50]),
        "in_progress": list(base.filter(state__in=[State.ACCEPTED, State.DISPATCHED, State.RETURNED,
                                                    State.IN_PROGRESS, State.SUSPENDED]).order_by("-reported_at")[:50]),
        "closed": list(base.filter(state=State.CLOSED, closed_at__gte=since).order_by("-closed_at")[:20]),
    }
    attach_regions([c for section in lists.values() for c in section])
    return lists


# --- department inbox ------------------------------------------------------------------------

# Labels marked for extraction; the templates translate them ({% translate label %}).
DEPT_TABS = [("to_ack", gettext_noop("待签收")), ("in_progress", gettext_noop("处置中")), ("near_due", gettext_noop("临期")),
             ("overdue", gettext_noop("超期")), ("whistled", gettext_noop("吹哨报到"))]


def _dept_tab_q(tab: str, depts: list[int], now: datetime) -> Q:
    def pending_whistle() -> Exists:  # built only for the tabs that use it (each costs a queryset)
        return Exists(CaseAssignment.objects.filter(
            case_id=OuterRef("pk"), department_id__in=depts, is_active=True, source=AssignmentSource.WHISTLE,
            acknowledged_at__isnull=True))

    lead = Q(handling_department_id__in=depts)
    if tab == "whistled":
        return Q(pending_whistle()) & Q(state__in=[State.DISPATCHED, State.IN_PROGRESS])
    if tab == "to_ack":
        return lead & Q(state=State.DISPATCHED) & ~Q(pending_whistle())
    if tab == "in_progress":
        mine_active = Exists(CaseAssignment.objects.filter(case_id=OuterRef("pk"), department_id__in=depts,
                                                           is_active=True))
        return Q(mine_active) & Q(state=State.IN_PROGRESS)
    if tab == "near_due":
        return near_due_q(now, within=lead) & ~overdue_q(now)
    if tab == "overdue":
        return overdue_q(now, within=lead)
    raise ValueError(tab)


def dept_inbox(actor: Actor, tab: str, f: CaseFilter = NO_FILTER) -> QuerySet:
    depts = sorted(user_departments(actor))
    if not depts:
        return Case.objects.none()
    now = timezone.now()
    order = "ack_due_at" if tab in ("to_ack", "whistled") else "handle_due_at"
    return f.apply(cases(actor).filter(_dept_tab_q(tab, depts, now)), now).order_by(order, "id")


def dept_tab_counts(actor: Actor, f: CaseFilter = NO_FILTER) -> dict[str, int]:
    """Counts of every tab in one query."""
    depts = sorted(user_departments(actor))
    seen = Case.scope_q(actor.scope("view"))  # what ``restrict`` filters on
    if not depts or seen is None:
        return {t: 0 for t, _ in DEPT_TABS}
    now = timezone.now()
    # Every tab is about open work: counting only open cases keeps the subqueries off the closed 90%. The scope
    # goes inside each count, not into WHERE: there PostgreSQL turned the department's "any assignment" clause
    # into a hash of all its assignments ever (41,271 at city scale, ~9 ms), inside it is checked per open case.
    open_work = [State.REPORTED, State.ACCEPTED, State.RETURNED, State.DISPATCHED, State.IN_PROGRESS]
    return f.apply(Case.objects.filter(state__in=open_work), now).aggregate(**{
        t: Count("pk", filter=_dept_tab_q(t, depts, now) & seen) for t, _ in DEPT_TABS})


# --- command board ---------------------------------------------------------------------------

BOARD_TABS = [("to_accept", gettext_noop("待立案")), ("to_dispatch", gettext_noop("待派遣")), ("open", gettext_noop("办理中")),
              ("to_close", gettext_noop("待结案")), ("all", gettext_noop("全部"))]
BOARD_TAB_STATES = {
    "to_accept": [State.REPORTED], "to_dispatch": [State.ACCEPTED, State.RETURNED],
    "open": [State.DISPATCHED, State.IN_PROGRESS, State.SUSPENDED], "to_close": [State.HANDLED],
}


def board(actor: Actor, tab: str, f: CaseFilter = NO_FILTER) -> QuerySet:
    qs = cases(actor)
    if tab in BOARD_TAB_STATES:
        states = BOARD_TAB_STATES[tab]
        qs = qs.filter(state__in=states) if len(states) > 1 else qs.filter(state=states[0])
    order = ["-reported_at", "-id"] if tab in ("to_accept", "all") else ["handle_due_at", "id"]
    return f.apply(qs).order_by(*order)


def board_counts(actor: Actor) -> dict[str, int]:
    # Only open cases are counted (the "all" tab has no count): the state index keeps a year of closed cases
    # out of it — at city scale the city board's counts went from 16 ms to under 1 ms of SQL.
    counted = sorted({s for v in BOARD_TAB_STATES.values() for s in v})
    return Case.objects.restrict(actor, "view").filter(state__in=counted).aggregate(
        **{k: Count("pk", filter=Q(state__in=v)) for k, v in BOARD_TAB_STATES.items()})


# --- resident --------------------------------------------------------------------------------

def my_reports(actor: Actor) -> QuerySet:
    """The cases the actor's account reported (through a port limited to a region or department: those its
    scope holds)."""
    qs = Case.objects.restrict(actor, "view").filter(reporter_user_id=actor.user_id) if actor.user_id else Case.objects.none()
    return (listing(qs)
            .prefetch_related(Prefetch("events", queryset=CaseEvent.objects.order_by("at", "id")))
            .order_by("-reported_at", "-id"))


__all__ = ["API_LIST_FIELDS", "BOARD_TABS", "DEPT_TABS", "api_cases", "board", "board_counts", "cases",
           "dept_inbox", "dept_tab_counts", "grid_lists", "listing", "my_reports", "role_home"]
