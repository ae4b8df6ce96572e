"""Background jobs of the points domain: voucher expiry (hourly); merchant settlements (each month once it is
over) and the year-end reset of redeemable points where a village's policy asks for it (each year), both
periodic jobs of ``jishi.core.jobs`` (recorded, caught up after downtime)."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jishi.core import jobs
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
    return settle_for(f"{last:%Y-%m}")


def settle_for(period: str) -> int:
    """Settlement statements of ``period`` ("YYYY-MM") for every active merchant (idempotent: a merchant's
    statement of a month is made once)."""
    month = date(int(period[:4]), int(period[5:7]), 1)
    n = 0
    for merchant in Merchant.objects.filter(is_active=True):
        settle_month(None, merchant, month)
        n += 1
    return n


def reset_for(period: str) -> int:
    """The year-end reset of ``period`` ("YYYY") in every village whose policy asks for it."""
    year = int(period)
    n = 0
    for village in Region.objects.filter(level=Level.VILLAGE):
        if village_policy(village).yearly_reset:
            try:
                n += reset_year(None, village, year)
            except ServiceError:
                log.exception("year-end reset of %s failed", village)
    return n


def register() -> None:
    """The monthly settlement and the year-end reset are periodic jobs of ``jishi.core.jobs``: recorded, and
    caught up on the next start when the server was down when they were due."""
    jobs.register(jobs.Job("points.settle_merchants", _("商户月度结算"), jobs.MONTH, settle_for))
    jobs.register(jobs.Job("points.reset_year", _("年度积分清零"), jobs.YEAR, reset_for))
