"""The venues' figures offered to the smart-community evaluation (``core.indicators``): the village's venue
network against 1+3+10 and the share of its households within the 8-minute circle. Both read stored rows only
(the circle is recomputed by the ``venues.coverage`` consumer, not here). Venues have no history, so the period
is the state now."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jishi.core.indicators import Computed, register_indicator
from jishi.venues import queries


def network(region, first, last) -> Computed:
    vc = queries.venue_coverage(region)
    return Computed(value=vc.rate, numerator=vc.complete, denominator=vc.villages,
                    basis="达到“1+3+10”的村(社区) / 村(社区)", url=f"{reverse('venues-home')}?region={region.pk}")


def eight_minute(region, first, last) -> Computed:
    cov = queries.eight_minute_coverage(region)
    if cov.run_id is None or not cov.households:
        return Computed(value=None, basis="8分钟服务圈尚未计算")
    return Computed(value=cov.covered / cov.households, numerator=cov.covered, denominator=cov.households,
                    basis="8分钟步行可达服务阵地的户 / 户", url=f"{reverse('venues-circle')}?region={region.pk}")


def register() -> None:
    register_indicator("venues.network", _("党群阵地网络达标率"), network, app="jishi.venues")
    register_indicator("venues.eight_minute", _("8分钟党群服务圈覆盖率"), eight_minute, app="jishi.venues")
