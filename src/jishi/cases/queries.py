"""Read-side queries of the case pages: lists and detail, always through the data scope.

Every list selects its related rows in the same query (``LIST_RELATED``), its regions in one more
(``CaseQuerySet.with_regions``), and the helpers that
decorate a page of cases (``attach_pending_whistles``, ``duplicates_for``) make one query for
the whole page, so a list costs the same number of queries for 5 rows or 50.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jishi.cases import deadlines
from jishi.cases.choices import FINAL_STATES, OPEN_STATES, AssignmentSource, State
from jishi.cases.intake import _metres
from jishi.cases.models import Attachment, Case, CaseAssignment, CaseEvent, Category, attach_regions
from jishi.cases.permissions import posts_of, user_departments
from jishi.notify.models import Notification
from jishi.org.choices import Role
from jishi.org.models import Department, Region
from jishi.org.scope import scope_for, visible

LIST_RELATED = ("category", "category__parent", "handling_department")  # joined; the regions come after
# (``CaseQuerySet.with_regions``: one query, without their boundary, centre and time stamps)
LIST_DEFER = ("handling_department__created_at", "handling_department__updated_at")
NEAR_WINDOW_HANDLE = timedelta(hours=24)  # list filter "near due": handle limit ends within a day …
NEAR_WINDOW_ACK = timedelta(hours=1)  # … or the acknowledge limit within an hour (or the sweep said yellow)
RECENT_DAYS = 30
GRID_ROLES = {Role.GRID_WORKER, Role.GRID_LEADER, Role.LINE_SPECIALIST, Role.MICROGRID_LIAISON, Role.VOLUNTEER}
COMMAND_ROLES = {Role.VILLAGE_CADRE, Role.TOWN_COMMANDER, Role.CITY_COMMANDER, Role.ADMIN}


def cases(user) -> QuerySet:
    """All cases ``user`` may see, with the list's related rows."""
    return listing(visible(Case.objects.all(), user))


# What the API's case list shows (``cases.api.CaseOut``): the case's own columns (and the ones its due
# status reads), the category's code and names and the handling department's name — not the regions.
API_LIST_FIELDS = (
    "id", "number", "title", "channel", "state", "priority", "category", "command_level", "town", "village", "grid",
    "handling_department", "handling_region", "address", "lng", "lat", "reporter_name", "anonymous", "reported_at",
    "ack_due_at", "handle_due_at", "dispatched_at", "acknowledged_at", "closed_at", "rework_count", "rating",
    "created_at", "category__code", "category__name", "category__parent", "category__parent__name",
    "handling_department__name",
)


def api_cases(user) -> QuerySet:
    """All cases ``user`` may see, with only the columns of the API's list."""
    return (visible(Case.objects.all(), user).select_related("category__parent", "handling_department")
            .only(*API_LIST_FIELDS))


def listing(qs: QuerySet) -> QuerySet:
    """``qs`` with the related rows a list shows (and without what it never shows)."""
    return qs.select_related(*LIST_RELATED).defer(*LIST_DEFER).with_regions()


def openable_filter(user) -> Q | None:
    """The cases ``user`` may open: their data scope, or reported by them (except through a port limited to a
    region or department). None: nothing. An empty Q: everything."""
    q = Case.scope_q(scope_for(user))
    if q is not None and not q:  # an empty Q is "everything" (city level); OR-ing would narrow it
        return q
    if getattr(user, "is_authenticated", False) and not getattr(user, "_jishi_narrowed", False):
        own = Q(reporter_user_id=user.pk)
        q = own if q is None else q | own
    return q


def openable(user, pk: int) -> QuerySet:
    """The case ``pk`` if ``user`` may open it (``openable_filter``). (Lists use the scope alone, which for
    staff leaves out their own reports elsewhere so that it stays index-friendly; one case by primary key can
    afford the OR.)"""
    q = openable_filter(user)
    return Case.objects.none() if q is None else Case.objects.filter(pk=pk).filter(q)


def may_open(user, case: Case) -> bool:
    """``openable(user, case.pk).exists()`` evaluated in memory, for a case whose assignments are at hand
    (prefetched, or a case intake has just made: none): the same scope rules, no query for the case."""
    scope = scope_for(user)
    if (getattr(user, "is_authenticated", False) and case.reporter_user_id == user.pk
            and not getattr(user, "_jishi_narrowed", False)):
        return True
    if scope.everything:
        return True
    if any(getattr(case, f"{dim}_id") in getattr(scope, dim) for dim in ("town", "village", "grid", "microgrid")):
        return True
    if scope.department and any(a.department_id in scope.department for a in case.assignments.all()):
        return True
    regional = scope.town or scope.village or scope.grid or scope.microgrid or scope.department
    return bool(scope.person and not regional and case.reporter_id in scope.person)


# --- due times -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Due:
    """The limit that runs now for a case and how it stands: ok / near / overdue."""

    label: str
    at: datetime
    status: str


def due_of(case: Case, now: datetime | None = None) -> Due | None:
    now = now or timezone.now()
    if case.state in FINAL_STATES or case.state in (State.HANDLED, State.SUSPENDED):
        return None
    if case.state == State.DISPATCHED and case.ack_due_at:
        label, at, start = _("签收时限"), case.ack_due_at, case.dispatched_at
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


def overdue_q(now: datetime) -> Q:
    return (Q(state=State.DISPATCHED, ack_due_at__lt=now)
            | Q(state__in=[State.REPORTED, State.ACCEPTED, State.RETURNED, State.IN_PROGRESS], handle_due_at__lt=now))


def near_due_q(now: datetime) -> Q:
    return (Q(state=State.DISPATCHED, ack_due_at__gte=now, ack_due_at__lt=now + NEAR_WINDOW_ACK)
            | Q(state=State.IN_PROGRESS, handle_due_at__gte=now, handle_due_at__lt=now + NEAR_WINDOW_HANDLE)
            | Q(state__in=[State.DISPATCHED, State.IN_PROGRESS], supervision_level="yellow", handle_due_at__gte=now))


# --- grid worker -----------------------------------------------------------------------------

def user_grid_ids(user) -> set[int]:
    return {p.region_id for p in posts_of(user) if p.role in GRID_ROLES and p.region_id}


def grid_lists(user) -> dict[str, list[Case]]:
    """The grid worker's page: to accept/resolve, to verify, in progress, recently closed."""
    grids = user_grid_ids(user)
    base = (cases(user).filter(grid_id__in=sorted(grids)) if grids
            else listing(Case.objects.filter(reporter_user=user)))
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
        return lead & near_due_q(now) & ~overdue_q(now)
    if tab == "overdue":
        return lead & overdue_q(now)
    raise ValueError(tab)


def dept_inbox(user, tab: str) -> QuerySet:
    depts = sorted(user_departments(user))
    if not depts:
        return Case.objects.none()
    now = timezone.now()
    order = "ack_due_at" if tab in ("to_ack", "whistled") else "handle_due_at"
    return cases(user).filter(_dept_tab_q(tab, depts, now)).order_by(order, "id")


def dept_tab_counts(user) -> dict[str, int]:
    """Counts of every tab in one query."""
    depts = sorted(user_departments(user))
    seen = Case.scope_q(scope_for(user))  # what ``visible`` filters on
    if not depts or seen is None:
        return {t: 0 for t, _ in DEPT_TABS}
    now = timezone.now()
    # Every tab is about open work: counting only open cases keeps the subqueries off the closed 90%. The scope
    # goes inside each count, not into WHERE: there PostgreSQL turned the department's "any assignment" clause
    # into a hash of all its assignments ever (41,271 at city scale, ~9 ms), inside it is checked per open case.
    open_work = [State.REPORTED, State.ACCEPTED, State.RETURNED, State.DISPATCHED, State.IN_PROGRESS]
    return Case.objects.filter(state__in=open_work).aggregate(**{
        t: Count("pk", filter=_dept_tab_q(t, depts, now) & seen) for t, _ in DEPT_TABS})


# --- command board ---------------------------------------------------------------------------

BOARD_TABS = [("to_accept", gettext_noop("待立案")), ("to_dispatch", gettext_noop("待派遣")), ("open", gettext_noop("办理中")),
              ("to_close", gettext_noop("待结案")), ("all", gettext_noop("全部"))]


@dataclass
class BoardFilters:
    tab: str = "to_accept"
    state: str = ""
    channel: str = ""
    category: int | None = None
    region: int | None = None
    overdue: bool = False
    q: str = ""


def board(user, f: BoardFilters) -> QuerySet:
    qs = cases(user)
    if f.tab == "to_accept":
        qs = qs.filter(state=State.REPORTED)
    elif f.tab == "to_dispatch":
        qs = qs.filter(state__in=[State.ACCEPTED, State.RETURNED])
    elif f.tab == "open":
        qs = qs.filter(state__in=[State.DISPATCHED, State.IN_PROGRESS, State.SUSPENDED])
    elif f.tab == "to_close":
        qs = qs.filter(state=State.HANDLED)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.category:
        qs = qs.filter(Q(category_id=f.category) | Q(category__parent_id=f.category))
    if f.region:
        qs = qs.filter(Q(town_id=f.region) | Q(village_id=f.region) | Q(grid_id=f.region))
    if f.overdue:
        qs = qs.filter(overdue_q(timezone.now()))
    if f.q:
        qs = qs.filter(Q(number__startswith=f.q) | Q(title__icontains=f.q))
    order = ["-reported_at", "-id"] if f.tab in ("to_accept", "all") else ["handle_due_at", "id"]
    return qs.order_by(*order)


def board_counts(user) -> dict[str, int]:
    states = {
        "to_accept": [State.REPORTED], "to_dispatch": [State.ACCEPTED, State.RETURNED],
        "open": [State.DISPATCHED, State.IN_PROGRESS, State.SUSPENDED], "to_close": [State.HANDLED],
    }
    # Only open cases are counted (the "all" tab has no count): the state index keeps a year of closed cases
    # out of it — at city scale the city board's counts went from 16 ms to under 1 ms of SQL.
    counted = sorted({s for v in states.values() for s in v})
    return visible(Case.objects.filter(state__in=counted), user).aggregate(
        **{k: Count("pk", filter=Q(state__in=v)) for k, v in states.items()})


def duplicates_for(page_cases: list[Case], *, radius_m: float = 200, days: int = 7) -> dict[int, list[Case]]:
    """Likely duplicates (open, same category, within ``radius_m``, reported within ``days``) of each
    case on a page, in one query (the page-wide version of ``intake.likely_duplicates``)."""
    located = [c for c in page_cases if c.lng is not None and c.lat is not None]
    if not located:
        return {}
    cats = {c.category_id for c in located}
    oldest = min(c.reported_at for c in located) - timedelta(days=days)
    pad = radius_m / 111_320 * 1.5
    lngs, lats = [c.lng for c in located], [c.lat for c in located]
    candidates = list(Case.objects.filter(
        category_id__in=cats, reported_at__gte=oldest, state__in=sorted(OPEN_STATES),
        lng__range=(min(lngs) - pad * 2, max(lngs) + pad * 2), lat__range=(min(lats) - pad, max(lats) + pad),
    ).only("id", "number", "title", "category_id", "lng", "lat", "reported_at", "state").order_by("-reported_at")[:2000])
    out: dict[int, list[Case]] = defaultdict(list)
    for c in located:
        for d in candidates:
            if (d.pk != c.pk and d.category_id == c.category_id and abs((d.reported_at - c.reported_at).days) <= days
                    and _metres(c.lng, c.lat, d.lng, d.lat) <= radius_m and len(out[c.pk]) < 5):
                out[c.pk].append(d)
    return dict(out)


def attach_pending_whistles(page_cases: list[Case]) -> None:
    """Fill ``case._pending_whistled`` (read by ``permissions.relations``) for a page in one query."""
    ids = [c.pk for c in page_cases]
    pending: dict[int, set[int]] = defaultdict(set)
    if ids:
        for case_id, dept_id in CaseAssignment.objects.filter(
                case_id__in=ids, is_active=True, source=AssignmentSource.WHISTLE,
                acknowledged_at__isnull=True).values_list("case_id", "department_id"):
            pending[case_id].add(dept_id)
    for c in page_cases:
        c._pending_whistled = pending.get(c.pk, set())


# --- resident --------------------------------------------------------------------------------

def my_reports(user) -> QuerySet:
    return (listing(Case.objects.filter(reporter_user=user))
            .prefetch_related(Prefetch("events", queryset=CaseEvent.objects.order_by("at", "id")))
            .order_by("-reported_at", "-id"))


def label_events(events) -> list[CaseEvent]:
    """Give timeline rows display labels (verb, states, role) without touching the model."""
    from jishi.cases.choices import Channel
    from jishi.cases.workflow import TRANSITIONS

    roles = dict(Role.choices) | dict(Channel.choices) | {"system": _("系统")}
    states = dict(State.choices)
    out = list(events)
    for e in out:
        t = TRANSITIONS.get(e.verb)
        e.verb_label = t.label if t else e.verb
        e.from_label = states.get(e.from_state, e.from_state)
        e.to_label = states.get(e.to_state, e.to_state)
        e.role_label = roles.get(e.actor_role, e.actor_role)
        e.changed = bool(e.to_state) and e.to_state != e.from_state
        e.outcome = _outcome(e)
    return out


def _outcome(e: CaseEvent) -> str:
    from jishi.cases.choices import AssignmentRole, Rating

    d = e.data or {}
    if e.verb == "verify":
        return _("通过") if d.get("passed") else _("不通过，返工")
    if e.verb == "rate" and d.get("rating") in Rating.values:
        return Rating(d["rating"]).label
    if e.verb == "extend":
        return _("批准延期 %(n)s 个工作日") % {"n": d.get("days")} if d.get("approved") else _("未批准")
    if e.verb == "request_extension":
        return _("申请延期 %(n)s 个工作日") % {"n": d.get("days")}
    if e.verb == "report_in" and d.get("role") in AssignmentRole.values:
        return AssignmentRole(d["role"]).label
    return ""


# --- detail ----------------------------------------------------------------------------------

def get_case(user, pk: int) -> Case | None:
    """One case the user may see, with its timeline, files, units and whistles; None if not visible."""
    case = (listing(openable(user, pk))
            .select_related("reporter")
            .prefetch_related(
                Prefetch("events", queryset=CaseEvent.objects.select_related("department").order_by("at", "id")),
                Prefetch("attachments", queryset=Attachment.objects.order_by("id")),
                Prefetch("assignments", queryset=CaseAssignment.objects.select_related("department").order_by("id")),
                "whistles", "supervisions")
            .first())
    if case is not None:
        # each timeline row's files, from the case's files (one query fewer than prefetching them again)
        by_event: dict[int, list[Attachment]] = defaultdict(list)
        for a in case.attachments.all():
            if a.event_id is not None:
                by_event[a.event_id].append(a)
        for e in case.events.all():
            qs = e.attachments.all()
            qs._result_cache, qs._prefetch_done = by_event.get(e.pk, []), True
            e._prefetched_objects_cache = {"attachments": qs}
        case._pending_whistled = {a.department_id for a in case.assignments.all()
                                  if a.is_active and a.source == AssignmentSource.WHISTLE and a.acknowledged_at is None}
    return case


def get_attachment(user, pk: int) -> Attachment | None:
    att = Attachment.objects.filter(pk=pk).select_related("case").first()
    if att is None or not openable(user, att.case_id).exists():
        return None
    return att


# --- pickers ---------------------------------------------------------------------------------

def category_groups() -> list[tuple[Category, list[Category]]]:
    """Active 大类 with their active 小类, for the category picker."""
    rows = list(Category.objects.filter(is_active=True).order_by("sort", "code"))
    children: dict[int, list[Category]] = defaultdict(list)
    for c in rows:
        if c.parent_id:
            children[c.parent_id].append(c)
    return [(c, children[c.pk]) for c in rows if c.parent_id is None and children[c.pk]]


def departments() -> list[Department]:
    return list(Department.objects.filter(is_active=True).order_by("code"))


def dispatch_regions(user, case: Case) -> list[Region]:
    """The village/town that a case may be dispatched to (its own)."""
    ids = [i for i in (case.village_id, case.town_id) if i]
    return list(Region.objects.filter(pk__in=ids).order_by("path"))


def board_regions(user) -> list[Region]:
    """Towns and villages the user may filter by."""
    return list(visible(Region.objects.filter(level__in=["town", "village"]), user).order_by("path")[:400])


def pick_boundaries(user) -> dict:
    """GeoJSON to draw under the location picker: the user's grids, else the city's towns."""
    grids = user_grid_ids(user)
    qs = Region.objects.filter(pk__in=sorted(grids)) if grids else Region.objects.filter(level="town")
    feats = [{"type": "Feature", "properties": {"name": r.name}, "geometry": r.boundary}
             for r in qs.only("name", "boundary") if r.boundary]
    return {"type": "FeatureCollection", "features": feats}


# --- notifications ---------------------------------------------------------------------------

def notifications(user) -> QuerySet:
    return Notification.objects.filter(recipient=user).order_by("-id")


def role_home(user) -> str:
    """Which case page a user starts on."""
    roles = {p.role for p in posts_of(user)}
    if roles & COMMAND_ROLES or getattr(user, "is_superuser", False):
        return "board"
    if Role.DEPARTMENT_HANDLER in roles:
        return "dept"
    if roles & GRID_ROLES:
        return "grid"
    return "mine"
