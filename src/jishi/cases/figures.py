"""Every figure of the case loop that is shown in more than one place, defined ONCE.

The cockpit (its rollups, records and API), the scoring boards (pages, exports, API, drill-down) and the
analysis lists all read their definitions here, so that the same figure of the same unit and period is
the same number wherever it is shown (``tests/cockpit/test_one_definition.py`` proves it on a generated
city). Each definition is a filter over cases (or, for ratings, over the ``rate`` rows of the timeline)
for a half-open period ``[start, end)`` and has a label and a one-sentence description the pages show as
a footnote / hover text (``FIGURES``). docs/scoring.md and docs/cockpit.md quote the same sentences.

A unit receives a case when it is reported (a region: town, village, grid) or when it is dispatched to it
(a department): ``received_at`` names that column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from jishi.cases.choices import Channel, Rating, State

# --- who reports, who rates ------------------------------------------------------------------------

# Channels through which staff report what they find themselves (巡查, 走访, 物联感知): their reporters are
# not complainants — no 重复报件人 among them, and no satisfaction rating by the reporter.
STAFF_CHANNELS = (Channel.PATROL, Channel.VISIT, Channel.SENSOR)

# The verbs that make their actor one of the case's handlers: who did one of them may not rate the case
# (nobody rates their own work), and a rating by such an actor is not counted (older data).
HANDLING_VERBS = ("acknowledge", "return", "handle", "request_extension", "resolve_on_spot", "report_in")

# 满意 counts whole, 基本满意 at this weight, 不满意 not at all (the 12345 三率 convention).
BASIC_WEIGHT = 0.8
RATING_WEIGHT = {Rating.SATISFIED: 1.0, Rating.BASIC: BASIC_WEIGHT, Rating.UNSATISFIED: 0.0}


def in_period(col: str, start: datetime, end: datetime, prefix: str = "") -> Q:
    return Q(**{f"{prefix}{col}__gte": start, f"{prefix}{col}__lt": end})


# --- filters over cases ------------------------------------------------------------------------------

def received(start: datetime, end: datetime, received_at: str = "reported_at") -> Q:
    """受理: reported (a region) or dispatched (a department) in the period."""
    return in_period(received_at, start, end)


def taken_up(start, end, received_at: str = "reported_at") -> Q:
    """Received and not refused (不予立案): the base of the closure rate."""
    return received(start, end, received_at) & ~Q(state=State.REJECTED)


def closed_now() -> Q:
    return Q(state=State.CLOSED, closed_at__isnull=False)


def received_closed(start, end, received_at: str = "reported_at") -> Q:
    """Of the cases received in the period, those closed now (办结)."""
    return received(start, end, received_at) & closed_now()


def closed_on_time(start, end, received_at: str = "reported_at") -> Q:
    """Of the cases received in the period and closed, those closed no later than their handle limit."""
    return received_closed(start, end, received_at) & Q(closed_at__lte=F("handle_due_at"))


def closed_reworked(start, end, received_at: str = "reported_at") -> Q:
    """Of the cases received in the period and closed, those that had to be reworked (返工) at least once."""
    return received_closed(start, end, received_at) & Q(rework_count__gt=0)


def responded(start, end, received_at: str = "reported_at") -> Q:
    """Received in the period and answered: signed for (签收) by a department, taken up or refused by a region."""
    if received_at == "dispatched_at":
        acted = Q(acknowledged_at__isnull=False)
    else:
        acted = Q(accepted_at__isnull=False) | Q(state=State.REJECTED)
    return received(start, end, received_at) & acted


def due(start, end) -> Q:
    """Due to be handled in the period (the handle limit falls in it); refused and suspended cases are out."""
    return in_period("handle_due_at", start, end) & ~Q(state__in=[State.REJECTED, State.SUSPENDED])


def overdue(start, end, now: datetime) -> Q:
    """Due in the period (and already due now) and not closed by the due time (超期)."""
    return (due(start, end) & Q(handle_due_at__lt=now)
            & (Q(closed_at__isnull=True) | Q(closed_at__gt=F("handle_due_at"))))


# --- ratings: filters over the timeline's ``rate`` rows ------------------------------------------------

def counted_ratings(start: datetime | None = None, end: datetime | None = None, prefix: str = "") -> Q:
    """The ratings that count in 满意率: every ``rate`` row of the period (a rating 不满意 reopens the case and
    lives only on its row), except one by someone who handled the case (a self-rating). Over ``CaseEvent``
    (``prefix`` ``"events__"`` from ``Case``)."""
    from jishi.cases.models import CaseEvent

    by_handler = CaseEvent.objects.filter(case_id=OuterRef(f"{prefix}case_id"), actor_id=OuterRef(f"{prefix}actor_id"),
                                          verb__in=HANDLING_VERBS)
    q = Q(**{f"{prefix}verb": "rate"}) & ~Q(Exists(by_handler))
    if start is not None:
        q &= in_period("at", start, end, prefix)
    return q


def ratings_of(rating: str, prefix: str = "") -> Q:
    return Q(**{f"{prefix}data__rating": rating})


def is_counted_rating(event, handler_ids: set) -> bool:
    """The same rule for one timeline row in memory (the cockpit's rollup of one case): ``handler_ids`` are
    the users who did a handling verb on the case."""
    return event.verb == "rate" and (event.actor_id is None or event.actor_id not in handler_ids)


# --- the arithmetic ----------------------------------------------------------------------------------

def satisfied_weighted(satisfied: float, basic: float) -> float:
    """满意 + 0.8 × 基本满意 (``satisfied`` counts 满意 only)."""
    return satisfied + BASIC_WEIGHT * basic


def ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def percent(num: float, den: float) -> float | None:
    """A rate in per cent, rounded to two places; None without a base."""
    r = ratio(num, den)
    return None if r is None else round(r * 100, 2)


# --- names and descriptions shown on the pages -------------------------------------------------------

@dataclass(frozen=True)
class FigureDef:
    key: str
    label: str
    definition: str


FIGURES: dict[str, FigureDef] = {f.key: f for f in [
    FigureDef("received", _("受理量"), _("统计期内上报（镇、村、网格）或派遣到部门（部门）的事件数")),
    FigureDef("response_rate", _("响应率"),
              _("统计期内受理的事件中，部门已签收（或区域已立案/不予立案）的比例")),
    FigureDef("closure_rate", _("办结率"), _("统计期内受理且已立案的事件中，目前已结案的比例")),
    FigureDef("on_time_rate", _("按期办结率"), _("统计期内受理且已结案的事件中，在处置时限内结案的比例")),
    FigureDef("rework_rate", _("返工率"), _("统计期内受理且已结案的事件中，至少返工一次的比例")),
    FigureDef("satisfaction_rate", _("满意率"),
              _("统计期内的群众评价（含他人回访）中，(满意 + 0.8×基本满意) ÷ 全部评价（含不满意）；"
                "处置人自己的评价不计，工作人员巡查、走访、物联感知上报的事件不由上报人评价")),
    FigureDef("overdue", _("超期件数"), _("处置时限落在统计期内、已到期而未按时结案的事件数")),
    FigureDef("overdue_rate", _("超期率"), _("处置时限落在统计期内的事件中，已到期而未按时结案的比例（越低越好）")),
    FigureDef("ack_on_time_rate", _("签收及时率"),
              _("统计期内签收（部门）或立案（区域）的事件中，在签收时限内完成的比例")),
    FigureDef("report_in_rate", _("报到及时率"), _("报到时限落在统计期内的吹哨点名中，按时报到的比例")),
    FigureDef("valid_report_rate", _("有效上报率"), _("网格员统计期内巡查、走访上报且已处理的事件中，被立案的比例")),
]}
# the scoring boards name the on-time rate after GB/T 30428's 按期办结率
ALIASES = {"on_time_closure_rate": "on_time_rate"}


def definition(key: str) -> str:
    """The one-sentence definition of figure ``key`` (a scoring indicator or a cockpit rate), or ""."""
    f = FIGURES.get(ALIASES.get(key, key))
    return str(f.definition) if f else ""
