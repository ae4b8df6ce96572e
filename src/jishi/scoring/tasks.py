"""Background job: publish last month's boards early on the 1st (idempotent)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jishi.scoring.boards import publish_month
from jishi.scoring.periods import Month


def publish_last_month() -> int:
    return len(publish_month(None, Month.current().previous()))


@db_periodic_task(crontab(day="1", hour="1", minute="23"))
def publish_boards_periodic() -> int:
    return publish_last_month()
