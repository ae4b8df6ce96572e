"""What the cockpit's pages and its API present alike: the drill-down link behind each figure."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode

from jishi.cockpit.periods import Period
from jishi.org.models import Region


def drill_url(region: Region, metric: str, period: Period, **extra) -> str:
    """The records page behind ``metric`` of ``region`` in ``period``."""
    q = {"region": region.pk, "metric": metric, "period": period.key, **{k: v for k, v in extra.items() if v}}
    return f"{reverse('cockpit-records')}?{urlencode(q)}"
