"""Consumers of the case timeline (``jishi.core.consumers``): workers racing apply each row once, a row whose
id was drawn first but committed last is not skipped (PostgreSQL), and `jishi status` shows each cursor."""

from __future__ import annotations

import io
import threading
import time
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from jishi.cases import services
from jishi.cases.models import CaseEvent, Category
from jishi.cases.seed import load
from jishi.core import consumers
from jishi.core.models import ConsumerCursor
from jishi.notify.models import Notification
from tests.concurrency import at_once


@pytest.fixture
def report(city, settings):
    settings.JISHI_CONSUMERS_EAGER = False  # the tests drive the worker themselves
    if not Category.objects.exists():
        load(Category)

    def _report(title: str = "路边垃圾", who: str = "grid_worker"):
        lng, lat = city.point_in("A1a1")
        return services.report_case(city.user(who), channel="patrol", category_code="0101", title=title,
                                    lng=lng, lat=lat)

    return _report


def _notices() -> Counter:
    return Counter(Notification.objects.values_list("recipient_id", "kind", "object_id"))


def test_status_shows_every_cursor_and_check_fails_when_a_consumer_is_behind(city, report):
    for i in range(3):
        report(f"事件 {i}")
    out = io.StringIO()
    call_command("status", stdout=out)
    for name in ("cockpit.rollups", "notify.case_notices", "points.informant", "webhooks"):
        assert f"{name} " in out.getvalue()
    with pytest.raises(CommandError):
        call_command("status", "--check", "--max-lag", "2", stdout=io.StringIO(), stderr=io.StringIO())
    consumers.drain()
    call_command("status", "--check", "--max-lag", "0", stdout=out)
    assert "caught up" in out.getvalue()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL: SQLite serialises writers, no real race")
def test_workers_racing_apply_each_row_once(city, report):
    cases = [report(f"事件 {i}") for i in range(6)]
    for case in cases:
        services.accept(city.user("town_commander"), case)
    top = CaseEvent.objects.latest("pk").pk
    _, errors = at_once(3, lambda i: consumers.drain())
    assert not errors, errors
    of_cases = [c.name for c in consumers.registered() if c.model is CaseEvent]  # not other domains' timelines
    assert set(ConsumerCursor.objects.filter(name__in=of_cases).values_list("position", flat=True)) == {top}
    notices = _notices()
    assert notices and max(notices.values()) == 1  # nobody is told twice
    assert Notification.objects.filter(kind="case.accepted").values("object_id").distinct().count() == 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not settings.IS_POSTGRES, reason="PostgreSQL: ids can commit out of order there")
def test_a_row_whose_id_commits_last_is_not_skipped(city, report):
    report("warm-up")
    consumers.drain()
    drawn, release = threading.Event(), threading.Event()

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                report("先取号后提交")  # takes the lower id …
                drawn.set()
                release.wait(10)  # … and commits after the next one
        finally:
            from django.db import connection

            connection.close()

    slow = threading.Thread(target=slow_writer)
    slow.start()
    assert drawn.wait(10)
    quick = report("后取号先提交")
    done: dict = {}

    def drain() -> None:
        from django.db import connection

        try:
            done.update(consumers.drain())
        finally:
            connection.close()

    drainer = threading.Thread(target=drain)
    drainer.start()
    time.sleep(0.3)
    assert drainer.is_alive()  # the barrier waits for the writer holding the lower id
    release.set()
    slow.join(10)
    drainer.join(10)
    assert done["notify.case_notices"] == 2
    first = CaseEvent.objects.get(case__title="先取号后提交")
    assert first.pk < CaseEvent.objects.get(case=quick).pk
    assert Notification.objects.filter(object_id=str(first.case_id), kind="case.reported").exists()


@pytest.mark.django_db
def test_an_upgraded_database_starts_its_consumers_at_the_newest_row(report):
    """cases/0004: history written before the consumers existed is not notified, pushed or awarded again."""
    import importlib

    from django.apps import apps as django_apps

    report()
    ConsumerCursor.objects.all().delete()  # as on a database from before the outbox
    top = CaseEvent.objects.order_by("-id").values_list("id", flat=True).first()
    migration = importlib.import_module("jishi.cases.migrations.0004_consumers_start_at_the_head")
    migration.start_at_the_head(django_apps, None)
    positions = dict(ConsumerCursor.objects.values_list("name", "position"))
    names = {c.name for c in consumers.registered() if c.model is CaseEvent}
    assert names and positions == dict.fromkeys(names, top)
    before = Notification.objects.count()
    consumers.drain()
    assert Notification.objects.count() == before
