"""Background jobs of the core: sealing the audit chain, draining the timeline consumers, catching up the
periodic jobs (``jishi.core.jobs``) every hour and when the worker starts."""

import logging

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from jishi.core import consumers, jobs
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


@db_periodic_task(crontab(minute="41"))
def catch_up_periodic() -> dict:
    """Every hour: the periodic jobs' due periods not done yet (``jishi.core.jobs``) — the monthly ones the
    hour they fall due, and whatever a stopped server missed."""
    return jobs.catch_up(trigger="schedule")


@HUEY.on_startup()
def catch_up_on_start() -> None:
    """When the worker starts: do what was missed while it was down (each period once, whoever runs it)."""
    from django.db import close_old_connections

    try:
        jobs.catch_up(trigger="start")
    except Exception:  # the worker must start even if a job fails; the failure is recorded and retried
        logging.getLogger(__name__).exception("catch-up at start failed")
    finally:
        close_old_connections()
