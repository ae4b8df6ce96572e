"""Background jobs of the case loop: the supervision sweep every five minutes."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jishi.cases.sla import sweep


@db_periodic_task(crontab(minute="*/5"))
def sweep_cases_periodic() -> int:
    return len(sweep().created)
