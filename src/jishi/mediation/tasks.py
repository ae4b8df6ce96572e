"""Background job of mediation: the escalation sweep every fifteen minutes (village → town → city)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jishi.mediation.services import sweep_overdue


@db_periodic_task(crontab(minute="*/15"))
def escalate_disputes_periodic() -> int:
    return len(sweep_overdue())
