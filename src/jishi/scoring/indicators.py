"""Assessment indicators (考核指标), each defined ONCE as a numerator and a denominator filter over
cases, so the figure on a board and the drill-down list behind it are the same query.

A unit type says which case column names the unit (``handling_department`` for departments, the
denormalised region columns for towns/villages/grids, ``reporter_user`` for grid workers' own
reports). Figures for all units of a type are aggregated in ONE ``GROUP BY`` query with conditional
counts (no per-case Python). Definitions are documented in docs/scoring.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jishi.cases import figures
from jishi.cases.choices import AssignmentSource, Channel, Rating, State
from jishi.cases.models import Case, CaseAssignment, CaseEvent
from jishi.scoring.periods import Month

DEPARTMENT, TOWN, VILLAGE, GRID, GRID_WORKER = "department", "town", "village", "grid", "grid_worker"
UNIT_TYPES = {
    DEPARTMENT: _("职能部门"),
    TOWN: _("镇(街道)"),
    VILLAGE: _("村(社区)"),
    GRID: _("网格"),
    GRID_WORKER: _("网格员"),
}
UNIT_COLUMN = {DEPARTMENT: "handling_department_id", TOWN: "town_id", VILLAGE: "village_id", GRID: "grid_id",
               GRID_WORKER: "reporter_user_id"}
# Only a grid worker's own patrol/visit reports count for them (not what they report as a resident).
UNIT_BASE = {GRID_WORKER: Q(channel__in=[Channel.PATROL, Channel.VISIT])}
REGION_TYPES = (TOWN, VILLAGE, GRID)

DEFAULT_BASIC_WEIGHT = figures.BASIC_WEIGHT
DEFAULT_MIN_VOLUME = 5


def _received_at(unit_type: str) -> str:
    """A department receives a case when it is dispatched to it; a region or grid worker when reported."""
    return "dispatched_at" if unit_type == DEPARTMENT else "reported_at"


def _taken_at(unit_type: str) -> str:
    """签收 for a department; 立案 (acceptance) for the region that owns the case."""
    return "acknowledged_at" if unit_type == DEPARTMENT else "accepted_at"


# The figures shared with the cockpit, API and exports are defined once in ``jishi.cases.figures``; here
# they are read for a unit type (which column says the unit received the case) and a period.
def _received(m: Month, ut: str) -> Q:
    return figures.received(m.start, m.end, _received_at(ut))


def _responded(m: Month, ut: str) -> Q:
    return figures.responded(m.start, m.end, _received_at(ut))


def _taken(m: Month, ut: str) -> Q:
    return figures.in_period(_taken_at(ut), m.start, m.end) & Q(ack_due_at__isnull=False)


def _taken_on_time(m: Month, ut: str) -> Q:
    return _taken(m, ut) & Q(**{f"{_taken_at(ut)}__lte": F("ack_due_at")})


def _taken_up(m: Month, ut: str) -> Q:
    return figures.taken_up(m.start, m.end, _received_at(ut))


def _received_closed(m: Month, ut: str) -> Q:
    return figures.received_closed(m.start, m.end, _received_at(ut))


def _closed_on_time(m: Month, ut: str) -> Q:
    return figures.closed_on_time(m.start, m.end, _received_at(ut))


def _closed_reworked(m: Month, ut: str) -> Q:
    return figures.closed_reworked(m.start, m.end, _received_at(ut))


# Satisfaction is read from the timeline: an 不满意 rating reopens the case and is kept only on its
# ``rate`` row. Filters over CaseEvent; each counted rating counts (``figures.counted_ratings``).
def _rated(m: Month, ut: str) -> Q:
    return figures.counted_ratings(m.start, m.end)


def _rated_satisfied(m: Month, ut: str) -> Q:
    return _rated(m, ut) & (figures.ratings_of(Rating.SATISFIED) | figures.ratings_of(Rating.BASIC))


def _rated_basic(m: Month, ut: str) -> Q:
    return _rated(m, ut) & figures.ratings_of(Rating.BASIC)


def _due(m: Month, ut: str) -> Q:
    return figures.due(m.start, m.end)


def _overdue(m: Month, ut: str) -> Q:
    return figures.overdue(m.start, m.end, timezone.now())


def _reports_decided(m: Month, ut: str) -> Q:
    return _received(m, ut) & ~Q(state=State.REPORTED)


def _reports_valid(m: Month, ut: str) -> Q:
    return _reports_decided(m, ut) & Q(accepted_at__isnull=False)


# Whistle report-in is per (department, whistle assignment): filters over CaseAssignment.
def _whistled(m: Month, ut: str) -> Q:
    return Q(source=AssignmentSource.WHISTLE, due_at__gte=m.start, due_at__lt=m.end)


def _whistled_on_time(m: Month, ut: str) -> Q:
    return _whistled(m, ut) & Q(acknowledged_at__isnull=False, acknowledged_at__lte=F("due_at"))


QFn = Callable[[Month, str], Q]


@dataclass(frozen=True)
class Indicator:
    """One indicator: a count (numerator only) or a rate (numerator ⊆ denominator)."""

    key: str
    label: str
    numerator: QFn
    denominator: QFn | None = None
    unit_types: frozenset[str] = frozenset(UNIT_TYPES)
    partial: QFn | None = None  # part of the numerator counted at a weight (基本满意)
    on: str = "case"  # the model the filters read: "case", "event" (CaseEvent) or "assignment" (CaseAssignment)
    higher_is_better: bool = True

    @property
    def is_rate(self) -> bool:
        return self.denominator is not None


_ALL_BUT_WORKER = frozenset({DEPARTMENT, TOWN, VILLAGE, GRID})
INDICATORS: dict[str, Indicator] = {i.key: i for i in [
    Indicator("received", _("受理量"), _received),
    Indicator("response_rate", _("响应率"), _responded, _received, _ALL_BUT_WORKER),
    Indicator("ack_on_time_rate", _("签收及时率"), _taken_on_time, _taken, _ALL_BUT_WORKER),
    Indicator("closure_rate", _("办结率"), _received_closed, _taken_up, _ALL_BUT_WORKER),
    Indicator("on_time_closure_rate", _("按期办结率"), _closed_on_time, _received_closed, _ALL_BUT_WORKER),
    Indicator("overdue_rate", _("超期率"), _overdue, _due, _ALL_BUT_WORKER, higher_is_better=False),
    Indicator("rework_rate", _("返工率"), _closed_reworked, _received_closed, _ALL_BUT_WORKER,
              higher_is_better=False),
    Indicator("satisfaction_rate", _("满意率"), _rated_satisfied, _rated, _ALL_BUT_WORKER, partial=_rated_basic,
              on="event"),
    Indicator("overdue", _("超期件数"), _overdue, None, _ALL_BUT_WORKER, higher_is_better=False),
    Indicator("report_in_rate", _("报到及时率"), _whistled_on_time, _whistled, frozenset({DEPARTMENT}),
              on="assignment"),
    Indicator("valid_report_rate", _("有效上报率"), _reports_valid, _reports_decided, frozenset({GRID_WORKER})),
]}


def indicators_for(unit_type: str) -> list[Indicator]:
    return [i for i in INDICATORS.values() if unit_type in i.unit_types]


def check_unit_type(unit_type: str) -> str:
    from jishi.core.errors import ValidationFailed

    if unit_type not in UNIT_TYPES:
        raise ValidationFailed(f"未知的考核对象类型：{unit_type}", field="unit_type")
    return unit_type


def get_indicator(key: str, unit_type: str) -> Indicator:
    from jishi.core.errors import NotFound

    ind = INDICATORS.get(key)
    if ind is None or unit_type not in ind.unit_types:
        raise NotFound(f"没有这个考核指标：{key}")
    return ind


# ---- drill-down: the exact cases behind a number -------------------------------------------------

PARTS = ("numerator", "denominator", "partial")


def cases_behind(indicator: Indicator, part: str, unit_type: str, unit_id: int, month: Month,
                 base: QuerySet | None = None) -> QuerySet:
    """The cases counted in ``part`` of ``indicator`` for one unit and month (the drill-down), each with ``n``
    (what it adds to the figure: 1, or its number of counted ratings), so the figure is the sum of ``n``."""
    fn = {"numerator": indicator.numerator, "denominator": indicator.denominator, "partial": indicator.partial}.get(part)
    if fn is None:
        from jishi.core.errors import NotFound

        raise NotFound("该指标没有这一项")
    qs = base if base is not None else Case.objects.all()
    q = fn(month, unit_type)
    if indicator.on == "assignment":
        return qs.filter(Exists(CaseAssignment.objects.filter(q, department_id=unit_id, case_id=OuterRef("pk")))
                         ).annotate(n=Value(1, output_field=IntegerField()))
    unit = Q(UNIT_BASE.get(unit_type, Q()), **{UNIT_COLUMN[unit_type]: unit_id})
    if indicator.on == "event":  # ``n``: the case's ratings counted (a case rated twice in the month adds 2)
        n = (CaseEvent.objects.filter(q, case_id=OuterRef("pk")).order_by().values("case_id")
             .annotate(c=Count("id")).values("c"))
        return qs.filter(unit, Exists(CaseEvent.objects.filter(q, case_id=OuterRef("pk")))).annotate(
            n=Subquery(n, output_field=IntegerField()))
    return qs.filter(unit, q).annotate(n=Value(1, output_field=IntegerField()))


# ---- aggregation: every unit of a type in one GROUP BY --------------------------------------------

@dataclass
class Figure:
    """One indicator's figure for one unit: a count, or num/den with its rate and Wilson interval."""

    num: int
    den: int | None = None
    partial: int = 0
    weight: float = 1.0

    @property
    def weighted(self) -> float:
        return self.num - self.partial + self.partial * self.weight

    @property
    def value(self) -> float | None:
        if self.den is None:
            return float(self.num)
        return self.weighted / self.den if self.den else None

    @property
    def interval(self) -> tuple[float, float] | None:
        from jishi.scoring.stats import wilson

        return None if self.den is None else wilson(self.weighted, self.den)

    def as_json(self) -> dict:
        iv = self.interval
        return {"num": self.num, "den": self.den, "partial": self.partial, "value": self.value,
                "low": iv[0] if iv else None, "high": iv[1] if iv else None}


@dataclass
class UnitFigures:
    unit_id: int
    name: str
    figures: dict[str, Figure] = field(default_factory=dict)

    @property
    def volume(self) -> int:
        return self.figures["received"].num


def units_of(unit_type: str) -> list[tuple[int, str]]:
    """Every unit of a type, listed even with no cases (id, name)."""
    from jishi.org.choices import Role
    from jishi.org.models import Department, Person, Region

    if unit_type == DEPARTMENT:
        return list(Department.objects.filter(is_active=True).order_by("code").values_list("id", "name"))
    if unit_type in REGION_TYPES:
        return list(Region.objects.filter(level=unit_type).order_by("code").values_list("id", "name"))
    rows = (Person.objects.filter(assignments__role=Role.GRID_WORKER, assignments__is_active=True, user__isnull=False)
            .order_by("name", "user_id").values_list("user_id", "name").distinct())
    return list(rows)


def _aggregate(on: str, inds: list[Indicator], unit_type: str, month: Month, cases: QuerySet,
               restricted: bool) -> dict:
    """One GROUP BY query: per unit, conditional counts of distinct cases for each part of each indicator."""
    col = UNIT_COLUMN[unit_type]
    if on == "case":
        qs, group_col, count_col, unit_q = cases, col, "id", UNIT_BASE.get(unit_type, Q())
    elif on == "event":
        qs, group_col, count_col = CaseEvent.objects.all(), f"case__{col}", "id"
        unit_q = (Q(case__in=cases.filter(UNIT_BASE.get(unit_type, Q())).values("pk"))
                  if unit_type in UNIT_BASE or restricted else Q())
    else:
        qs, group_col, count_col = CaseAssignment.objects.all(), "department_id", "case_id"
        unit_q = Q(case__in=cases.values("pk")) if restricted else Q()
    aggs, window = {}, None
    for ind in inds:
        for part, fn in (("n", ind.numerator), ("d", ind.denominator), ("p", ind.partial)):
            if fn is not None:
                q = fn(month, unit_type)
                # a case counts once; ratings each count (a case rated 不满意 then 满意 was rated twice)
                aggs[f"{ind.key}__{part}"] = Count(count_col, filter=q, distinct=on == "assignment")
                window = q if window is None else window | q
    rows = qs.filter(unit_q, window, **{f"{group_col}__isnull": False}).values(group_col).annotate(**aggs).order_by()
    return {r.pop(group_col): r for r in rows}


def compute(unit_type: str, month: Month, *, base: QuerySet | None = None) -> list[UnitFigures]:
    """All indicators for every unit of ``unit_type`` in ``month``: one GROUP BY over cases, one over
    the timeline (ratings) and, for departments, one over whistle assignments. ``base`` restricts the
    cases (e.g. to a user's data scope)."""
    check_unit_type(unit_type)
    inds = indicators_for(unit_type)
    cases = base if base is not None else Case.objects.all()
    rows = {}
    for on in ("case", "event", "assignment"):
        group = [i for i in inds if i.on == on]
        if group:
            for unit_id, r in _aggregate(on, group, unit_type, month, cases, base is not None).items():
                rows.setdefault(unit_id, {}).update(r)
    out = []
    for unit_id, name in units_of(unit_type):
        r = rows.get(unit_id, {})
        uf = UnitFigures(unit_id, name)
        for ind in inds:
            uf.figures[ind.key] = Figure(
                r.get(f"{ind.key}__n", 0), r.get(f"{ind.key}__d", 0) if ind.is_rate else None,
                r.get(f"{ind.key}__p", 0), DEFAULT_BASIC_WEIGHT if ind.partial else 1.0)
        out.append(uf)
    return out
