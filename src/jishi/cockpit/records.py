"""The records behind each figure (drill-down): cases selected straight from the case tables with
the same definitions as the rollups, each annotated with ``n`` (what it adds to the figure), so
that a figure equals the sum of ``n`` over its list."""

from __future__ import annotations

from django.db.models import Count, F, IntegerField, Q, QuerySet, Value
from django.utils import timezone

from jishi.cases import figures
from jishi.cases.choices import Rating, State, SupervisionKind, SupervisionLevel
from jishi.cases.due import overdue_q
from jishi.cases.models import Case
from jishi.cockpit.periods import Period
from jishi.cockpit.rollups import SATISFIED
from jishi.cockpit.scope import case_filter
from jishi.org.models import Region

METRICS = ("received", "rejected", "received_closed", "closed_on_time", "rework", "closed", "rated", "satisfied",
           "rated_basic",
           "supervisions", "overdue_opened", "whistles", "overdue_now", "whistles_open")


def _between(field: str, p: Period) -> Q:
    return Q(**{f"{field}__gte": p.start, f"{field}__lt": p.end})


def records(region: Region, metric: str, p: Period, *, category: int | None = None,
            channel: str = "", address: str = "", department: int | None = None,
            reporter_user: int | None = None, phone_of: int | None = None, handled: bool = False) -> QuerySet:
    """Cases behind ``metric`` of ``region`` in period ``p`` (optionally of one category — a main
    category includes its sub-categories — or channel), each with ``n``."""
    if metric not in METRICS:
        raise ValueError(metric)
    qs = Case.objects.filter(case_filter(region))
    if category:
        qs = qs.filter(Q(category_id=category) | Q(category__parent_id=category))
    if channel:
        qs = qs.filter(channel=channel)
    if address:
        qs = qs.filter(address=address)
    if reporter_user:
        qs = qs.filter(reporter_user_id=reporter_user, anonymous=False)  # an anonymous report is never found by its account
    if phone_of:
        # the case named must itself be in the region: else its reporter would be linked to cases here
        phone = Case.objects.filter(case_filter(region), pk=phone_of).values_list("reporter_phone", flat=True).first()
        qs = qs.filter(reporter_phone=phone) if phone else qs.none()
    if department and metric not in ("supervisions", "overdue_opened"):
        qs = qs.filter(handling_department_id=department)
    one = Value(1, output_field=IntegerField())
    closed = figures.closed_now()
    received = _between("handled_at" if handled and metric == "received" else "reported_at", p)
    if metric == "received":
        return qs.filter(received).annotate(n=one)
    if metric == "rejected":
        return qs.filter(received, state=State.REJECTED).annotate(n=one)
    if metric == "received_closed":
        return qs.filter(figures.received_closed(p.start, p.end)).annotate(n=one)
    if metric == "closed_on_time":
        return qs.filter(figures.closed_on_time(p.start, p.end)).annotate(n=one)
    if metric == "rework":
        return qs.filter(received, rework_count__gt=0).annotate(n=F("rework_count"))
    if metric == "closed":
        return qs.filter(closed & _between("closed_at", p)).annotate(n=one)
    if metric in ("rated", "satisfied", "rated_basic"):  # n: the case's counted ratings in the period
        cond = figures.counted_ratings(p.start, p.end, prefix="events__")
        if metric == "satisfied":
            cond &= Q(events__data__rating__in=list(SATISFIED))
        elif metric == "rated_basic":
            cond &= figures.ratings_of(Rating.BASIC, prefix="events__")
        return qs.annotate(n=Count("events", filter=cond)).filter(n__gt=0)
    if metric in ("supervisions", "overdue_opened"):
        cond = _between("supervisions__created_at", p)
        if metric == "overdue_opened":
            cond &= Q(supervisions__kind=SupervisionKind.HANDLE, supervisions__level=SupervisionLevel.RED)
        if department:  # the department the notices were addressed to
            cond &= Q(supervisions__department_id=department)
        return qs.annotate(n=Count("supervisions", filter=cond)).filter(n__gt=0)
    if metric == "whistles":
        return qs.annotate(n=Count("whistles", filter=_between("whistles__blown_at", p))).filter(n__gt=0)
    if metric == "overdue_now":
        return qs.filter(overdue_q(timezone.now())).annotate(n=one)
    return qs.filter(state__in=[s for s in State.values if s not in (State.CLOSED, State.REJECTED)]).annotate(
        n=Count("whistles")).filter(n__gt=0)
