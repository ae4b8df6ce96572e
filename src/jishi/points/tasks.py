"""Background jobs of the points domain: voucher expiry (hourly), merchant settlements (the 1st of each
month) and the year-end reset of redeemable points where a village's policy asks for it (1 January)."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jishi.core.errors import ServiceError
from jishi.org.choices import Level
from jishi.org.models import Region
from jishi.points.earning import reset_year
from jishi.points.models import Merchant
from jishi.points.rules import village_policy
from jishi.points.store import expire_due, settle_month

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="7"))
def expire_vouchers_periodic() -> int:
    return expire_due()


def settle_last_month(today: date | None = None) -> int:
    """Settlement statements of last month for every active merchant (idempotent)."""
    today = today or timezone.localdate()
    last = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    n = 0
    for merchant in Merchant.objects.filter(is_active=True):
        settle_month(None, merchant, last)
        n += 1
    return n


@db_periodic_task(crontab(day="1", hour="2", minute="17"))
def settle_merchants_periodic() -> int:
    return settle_last_month()


@db_periodic_task(crontab(month="1", day="1", hour="0", minute="30"))
def reset_year_periodic() -> int:
    year = timezone.localdate().year - 1
    n = 0
    for village in Region.objects.filter(level=Level.VILLAGE):
        if village_policy(village).yearly_reset:
            try:
                n += reset_year(None, village, year)
            except ServiceError:
                log.exception("year-end reset of %s failed", village)
    return n
