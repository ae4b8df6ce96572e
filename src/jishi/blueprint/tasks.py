"""Background job of the blueprint: the supervision sweep of overdue time nodes, every morning and at noon."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jishi.blueprint.services import sweep_overdue


@db_periodic_task(crontab(minute="5", hour="7,12"))
def supervise_blueprint_periodic() -> int:
    return len(sweep_overdue())
