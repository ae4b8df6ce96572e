"""Background delivery: a kick after each commit that wrote deliveries, and a sweep every minute so
nothing waits for long if a kick was lost (worker down, queue lost)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from jishi.webhooks.delivery import deliver_due


@db_task()
def deliver_webhooks_soon() -> dict:
    return deliver_due()


@db_periodic_task(crontab())
def deliver_webhooks_periodic() -> dict:
    return deliver_due()
