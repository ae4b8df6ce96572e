"""Background jobs of the core: sealing the audit chain, draining the timeline consumers."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from jishi.core import consumers
from jishi.core.audit import seal_pending


@db_task()
def seal_audit_task() -> int:
    return seal_pending()


@db_periodic_task(crontab(minute="*"))
def seal_audit_periodic() -> int:
    return seal_pending()


@db_task()
def drain_consumers_soon() -> dict:
    """Kicked after each commit that wrote timeline rows."""
    return consumers.drain()


@db_periodic_task(crontab(minute="*"))
def drain_consumers_periodic() -> dict:
    """Every minute: catches up after a lost kick, a worker restart or a failed batch."""
    return consumers.drain()
