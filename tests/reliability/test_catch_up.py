"""Periodic jobs catch up: a month's board publish and merchant settlement missed while the server was down run
on the next start, exactly once (jishi.core.jobs)."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from jishi.core import jobs
from jishi.core.models import JobRun
from jishi.points.models import Settlement
from jishi.scoring.indicators import UNIT_TYPES
from jishi.scoring.models import Board
from tests.points.conftest import items, shop  # noqa: F401 - fixtures

MONTHLY = ("scoring.publish_boards", "points.settle_merchants")


def at(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def test_every_periodic_job_is_registered():
    names = {j.name for j in jobs.registered()}
    assert {"scoring.publish_boards", "points.settle_merchants", "points.reset_year",
            "cockpit.rebuild_rollups"} <= names


def test_a_missed_months_publish_and_settlement_run_on_the_next_start_exactly_once(city, shop):  # noqa: F811
    # October was done when it fell due ...
    with time_machine.travel(at(2026, 11, 1, 3, 0), tick=False):
        first = jobs.catch_up(trigger="schedule")
    assert first["scoring.publish_boards"] == ["2026-10"] and first["points.settle_merchants"] == ["2026-10"]
    assert Board.objects.filter(month="2026-10").count() == len(UNIT_TYPES)
    # ... then the server was down over the 1st of December; it starts again on the 4th
    with time_machine.travel(at(2026, 12, 4, 9, 0), tick=False):
        call_command("catch_up")  # what `jishi serve` runs before serving
        again = jobs.catch_up(trigger="start")  # the worker's start hook, a second worker: nothing left to do
    assert again == {}
    out = io.StringIO()
    call_command("catch_up", list=True, stdout=out)  # `jishi catch-up --list`: what each job last did
    assert "scoring.publish_boards" in out.getvalue() and "2026-11" in out.getvalue()
    assert Board.objects.filter(month="2026-11").count() == len(UNIT_TYPES)
    assert Settlement.objects.filter(merchant=shop.merchant, month="2026-11-01").count() == 1
    for name in MONTHLY:
        run = JobRun.objects.get(job=name, period="2026-11")
        assert run.status == JobRun.DONE and run.attempts == 1 and run.trigger == "command"
    # nothing of the current month, and every period once
    assert not Board.objects.filter(month="2026-12").exists()
    assert JobRun.objects.filter(job__in=MONTHLY).count() == 4


def test_after_a_longer_gap_every_missed_month_is_done_oldest_first(city, shop):  # noqa: F811
    with time_machine.travel(at(2026, 9, 2, 3, 0), tick=False):
        jobs.catch_up()
    with time_machine.travel(at(2026, 12, 2, 3, 0), tick=False):
        ran = jobs.catch_up()
    assert ran["scoring.publish_boards"] == ran["points.settle_merchants"] == ["2026-09", "2026-10", "2026-11"]
    assert set(Board.objects.values_list("month", flat=True)) == {"2026-08", "2026-09", "2026-10", "2026-11"}


def test_a_failed_run_is_recorded_and_retried_on_the_next_catch_up(city, monkeypatch):
    calls = []

    def flaky(period: str) -> int:
        calls.append(period)
        if len(calls) == 1:
            raise RuntimeError("数据库暂时不可用")
        return 7

    job = jobs.Job("test.flaky", "测试", jobs.MONTH, flaky)
    monkeypatch.setattr(jobs, "_JOBS", {job.name: job})
    with time_machine.travel(at(2026, 12, 4, 9, 0), tick=False):
        assert jobs.catch_up() == {}
        run = JobRun.objects.get(job="test.flaky")
        assert run.status == JobRun.FAILED and "暂时不可用" in run.error
        assert jobs.catch_up() == {"test.flaky": ["2026-11"]}
        assert jobs.catch_up() == {}
    run.refresh_from_db()
    assert (run.status, run.attempts, run.result, calls) == (JobRun.DONE, 2, {"n": 7}, ["2026-11", "2026-11"])


@pytest.mark.parametrize("now, due", [(at(2026, 12, 1, 0, 30), "2026-10"), (at(2026, 12, 1, 1, 30), "2026-11")])
def test_a_month_falls_due_an_hour_after_it_ends(now, due):
    job = jobs.Job("x", "x", jobs.MONTH, lambda p: 0)
    assert jobs.due_periods(job, now, None) == [due]
