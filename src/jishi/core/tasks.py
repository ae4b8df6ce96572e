"""Background jobs of the core: sealing the audit chain."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from jishi.core.audit import seal_pending


@db_task()
def seal_audit_task() -> int:
    return seal_pending()


@db_periodic_task(crontab(minute="*"))
def seal_audit_periodic() -> int:
    return seal_pending()
