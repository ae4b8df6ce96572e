"""Background jobs of visits: the daily overdue sweep of the special groups (reminders follow as a consumer)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jishi.visits.reminders import sweep


@db_periodic_task(crontab(hour="8", minute="5"))
def remind_overdue_visits() -> int:
    return sweep()
