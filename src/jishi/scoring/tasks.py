"""Background job: publish each month's boards once the month is over — a periodic job of ``jishi.core.jobs``,
so a month missed while the server was down is published on its next start (idempotent, once)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jishi.core import jobs
from jishi.scoring.boards import publish_month
from jishi.scoring.periods import Month


def publish_for(period: str) -> int:
    """Publish every unit type's board of ``period`` ("YYYY-MM") not yet published; the number published."""
    return len(publish_month(None, Month.parse(period)))


def publish_last_month() -> int:
    return publish_for(str(Month.current().previous()))


def register() -> None:
    jobs.register(jobs.Job("scoring.publish_boards", _("发布上月考核排名"), jobs.MONTH, publish_for))
