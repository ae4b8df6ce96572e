"""Periodic jobs that remember what they did and catch up on what they missed.

A job (the monthly board publish, the merchants' settlement, the year-end reset, a one-off rebuild) is
registered by its app in ``AppConfig.ready`` with a name, a kind of period (``month``, ``year`` or
``once``) and ``run(period_key)``. ``catch_up()`` runs, for every job, each period that is due and has no
done ``JobRun`` row — the latest due period and, after a gap, the ones missed since the job last ran (at
most ``MAX_BACK`` of them) — and records what it did. It is what the scheduled tick calls (hourly), what the
worker calls when it starts, and what ``jishi catch-up`` (run by ``jishi serve`` before it starts
serving) calls, so a server that was down on the 1st does the month's work on its next start.

Exactly once per (job, period): a run first claims its period by inserting its ``JobRun`` row (unique
job + period); who loses the insert does nothing. A failed run is recorded and retried on the next
catch-up (a conditional UPDATE claims it again); so is a run left ``running`` by a killed process once it
is older than ``STALE``. Each job's own work must also be idempotent (the publish and the settlement are).
Knows no domain.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

log = logging.getLogger(__name__)

MONTH, YEAR, ONCE = "month", "year", "once"
MAX_BACK = 12  # periods caught up after a gap, newest first
STALE = timedelta(hours=2)  # a "running" row older than this was left by a killed process


@dataclass(frozen=True)
class Job:
    """A periodic job. ``run(period_key)`` does the period's work (idempotently) and returns a small summary
    (a number or a dict); ``after`` is how long after its period ends a period becomes due; ``once`` jobs have
    one period, ``key``."""

    name: str
    label: str
    every: str
    run: Callable[[str], object]
    after: timedelta = timedelta(hours=1)
    key: str = ""


_JOBS: dict[str, Job] = {}


def register(job: Job) -> Job:
    if job.every not in (MONTH, YEAR, ONCE):
        raise ValueError(f"job {job.name}: unknown period kind {job.every}")
    _JOBS[job.name] = job
    return job


def registered() -> list[Job]:
    return list(_JOBS.values())


# --- periods -------------------------------------------------------------------------------------------

def _month_key(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def _previous_month(d: date) -> date:
    return (d.replace(day=1) - timedelta(days=1)).replace(day=1)


def due_periods(job: Job, now: datetime, last_done: str | None) -> list[str]:
    """The period keys of ``job`` that are due at ``now`` and come after ``last_done`` (oldest first); without
    a ``last_done``, the latest due period only (a new install does not replay history)."""
    if job.every == ONCE:
        return [job.key]
    local = timezone.localtime(now - job.after).date()
    keys: list[str] = []
    if job.every == MONTH:
        d = _previous_month(local)  # the latest month that is over (``after`` past its end)
        for _ in range(MAX_BACK):
            keys.append(_month_key(d))
            d = _previous_month(d)
    else:
        keys = [str(local.year - 1 - i) for i in range(MAX_BACK)]
    if last_done is None:
        return keys[:1]
    return sorted(k for k in keys if k > last_done)


# --- running -------------------------------------------------------------------------------------------

def _claim(job: Job, period: str, now: datetime, trigger: str) -> bool:
    from jishi.core.models import JobRun

    try:
        with transaction.atomic():
            JobRun.objects.create(job=job.name, period=period, started_at=now, trigger=trigger)
        return True
    except IntegrityError:
        pass
    retry = JobRun.objects.filter(job=job.name, period=period).filter(
        status=JobRun.FAILED) | JobRun.objects.filter(job=job.name, period=period, status=JobRun.RUNNING,
                                                       started_at__lt=now - STALE)
    row = retry.first()
    if row is None:
        return False
    return JobRun.objects.filter(pk=row.pk, status=row.status, started_at=row.started_at).update(
        status=JobRun.RUNNING, started_at=now, attempts=row.attempts + 1, trigger=trigger, error="") == 1


def run_period(job: Job, period: str, *, trigger: str = "catch-up", now: datetime | None = None) -> bool:
    """Run ``job`` for ``period`` unless it is done or being run; True when this call ran it."""
    from jishi.core.models import JobRun

    now = now or timezone.now()
    if not _claim(job, period, now, trigger):
        return False
    try:
        result = job.run(period)
    except Exception:  # recorded and retried on the next catch-up
        log.exception("periodic job %s %s failed", job.name, period)
        JobRun.objects.filter(job=job.name, period=period).update(
            status=JobRun.FAILED, finished_at=timezone.now(), error=traceback.format_exc()[-4000:])
        return False
    summary = result if isinstance(result, dict) else {"n": result if isinstance(result, int | float) else None}
    JobRun.objects.filter(job=job.name, period=period).update(status=JobRun.DONE, finished_at=timezone.now(),
                                                              result=summary)
    return True


def catch_up(now: datetime | None = None, *, trigger: str = "catch-up") -> dict[str, list[str]]:
    """Run every due period of every registered job that is not done yet; returns job → periods run."""
    from django.db.models import Max

    from jishi.core.models import JobRun

    now = now or timezone.now()
    done = dict(JobRun.objects.filter(status=JobRun.DONE).values("job").annotate(last=Max("period"))
                .values_list("job", "last"))
    ran: dict[str, list[str]] = {}
    for job in registered():
        for period in due_periods(job, now, done.get(job.name)):
            if run_period(job, period, trigger=trigger, now=now):
                ran.setdefault(job.name, []).append(period)
    return ran
