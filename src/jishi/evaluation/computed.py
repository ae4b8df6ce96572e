"""The indicators Jishi computes from records other apps already keep, registered under their codes in the
registry of computed indicators (``jishi.core.indicators``) when this app is ready. Each calls the owning app's
own query — the same definitions the cockpit and the apps' pages show — and names the page with the records
behind the figure (drill-down):

| code | figure | query |
|---|---|---|
| ``cases.closure_rate`` | 办结率 = 已办结 / (受理 − 不予立案), cases reported in the period | ``cockpit.figures.kpis`` |
| ``cases.on_time_rate`` | 按期办结率 = 按期办结 / 已办结 | ``cockpit.figures.kpis`` |
| ``cases.satisfaction_rate`` | 满意率 = 满意 / 评价 | ``cockpit.figures.kpis`` |
| ``visits.coverage`` | 走访覆盖率 = 期内走访到的户 / 户 | ``visits.queries.coverage(period=…)`` |
| ``points.participation`` | 积分参与率 = 期内获得加分的户 / 户 | ``points.models`` rows (no query of its own) |
| ``mediation.village_share`` | 小事不出村 = 村级调解成功 / 调解成功 | ``mediation.queries.level_shares`` |

Venue coverage (``venues.network``), the 8-minute circle (``venues.eight_minute``) and wish fulfilment
(``wishes.fulfilment``) are registered by their own apps; until then the scheme shows them as not computed.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from jishi.core.indicators import Computed, register_indicator
from jishi.org.models import Household, Region


def _span(first: date, last: date):
    from jishi.cockpit.periods import custom

    return custom(first, last)


def _drill(region: Region, metric: str, first: date, last: date) -> str:
    q = {"region": region.pk, "metric": metric, "from": first.isoformat(), "to": last.isoformat()}
    return f"{reverse('cockpit-records')}?{urlencode(q)}"


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def closure_rate(region: Region, first: date, last: date) -> Computed:
    from jishi.cockpit.figures import kpis

    k = kpis(region, _span(first, last))
    return Computed(_ratio(k["received_closed"], k["closure_base"]), k["received_closed"], k["closure_base"],
                    "期内受理事件中已办结 / 受理（不含不予立案）", _drill(region, "received_closed", first, last))


def on_time_rate(region: Region, first: date, last: date) -> Computed:
    from jishi.cockpit.figures import kpis

    k = kpis(region, _span(first, last))
    return Computed(_ratio(k["closed_on_time"], k["received_closed"]), k["closed_on_time"], k["received_closed"],
                    "期内受理事件中按期办结 / 已办结", _drill(region, "closed_on_time", first, last))


def satisfaction_rate(region: Region, first: date, last: date) -> Computed:
    from jishi.cockpit.figures import kpis

    k = kpis(region, _span(first, last))
    return Computed(_ratio(k["satisfied"], k["rated"]), k["satisfied"], k["rated"],
                    "期内群众评价为满意 / 评价", _drill(region, "satisfied", first, last))


def visit_coverage(region: Region, first: date, last: date) -> Computed:
    from jishi.visits.queries import coverage

    t = coverage(region, period=(first, last)).total
    return Computed(_ratio(t.households_visited, t.households_target), t.households_visited, t.households_target,
                    "期内走访到的户 / 辖区户数", reverse("visits-rounds"))


def points_participation(region: Region, first: date, last: date) -> Computed:
    from jishi.points.choices import PostingKind
    from jishi.points.models import Posting

    span = _span(first, last)
    where = {} if region.level == "city" else {f"{region.level}_id": region.pk}
    earned = (Posting.objects.filter(kind=PostingKind.EARN, at__gte=span.start, at__lt=span.end,
                                     person__household__isnull=False, **where)
              .values("person__household_id").distinct().count())
    households = Household.objects.filter(**where).count()
    return Computed(_ratio(earned, households), earned, households, "期内有成员获得积分加分的户 / 辖区户数",
                    reverse("points-households"))


def mediation_village_share(region: Region, first: date, last: date) -> Computed:
    from jishi.mediation.queries import level_shares

    s = level_shares(region, (first, last))
    village = s["levels"][0]["resolved"]
    q = {"region": region.pk, "first": first.isoformat(), "last": last.isoformat()}
    return Computed(s["village_share"], village, s["resolved"], "期内村级调解成功 / 调解成功（小事不出村）",
                    f"{reverse('mediation-stats')}?{urlencode(q)}")


def register() -> None:
    apps = set(settings.INSTALLED_APPS)
    if "jishi.cockpit" in apps:
        register_indicator("cases.closure_rate", _("事件办结率"), closure_rate, app="jishi.cockpit")
        register_indicator("cases.on_time_rate", _("按期办结率"), on_time_rate, app="jishi.cockpit")
        register_indicator("cases.satisfaction_rate", _("群众满意率"), satisfaction_rate, app="jishi.cockpit")
    if "jishi.visits" in apps:
        register_indicator("visits.coverage", _("入户走访覆盖率"), visit_coverage, app="jishi.visits")
    if "jishi.points" in apps:
        register_indicator("points.participation", _("积分制参与率"), points_participation, app="jishi.points")
    if "jishi.mediation" in apps:
        register_indicator("mediation.village_share", _("小事不出村"), mediation_village_share, app="jishi.mediation")
