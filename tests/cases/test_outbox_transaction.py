"""The case timeline is the outbox: a case service's transaction writes the case, its timeline row (+ the row's
files), the case's own rows its verb keeps (assignments, whistles, supervision notices) and the audit record —
nothing downstream. Notices, rollups, webhook deliveries and points follow from the timeline's consumers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jishi.cases import services
from jishi.cases.choices import Channel
from jishi.cases.models import CaseEvent
from jishi.cases.sla import sweep
from jishi.cockpit.models import CaseMark, DailyRollup
from jishi.core import consumers
from jishi.core.models import ConsumerCursor
from jishi.notify.models import Notification
from jishi.points.models import Posting
from jishi.points.rules import seed_template
from tests.cases.conftest import JPEG

CASE_ROWS = {"cases_case", "cases_caseevent", "cases_attachment", "cases_caseassignment", "cases_whistle",
             "cases_supervision", "core_auditrecord"}
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def written(ctx) -> set[str]:
    return {m.group(1) for q in ctx.captured_queries if (m := WRITE.match(q["sql"]))}


@pytest.fixture
def worker_view(settings):
    """Nothing is drained until the test calls ``consumers.drain()`` (as the worker would after the commit)."""
    settings.JISHI_CONSUMERS_EAGER = False


def test_every_verb_writes_only_the_case_its_timeline_row_and_the_audit_record(city, report, worker_view):
    seed_template()
    tc, dept = city.user("town_commander"), city.user("dept_urban")
    seen: set[str] = set()

    def do(fn, *args, **kw):
        with CaptureQueriesContext(connection) as ctx:
            out = fn(*args, **kw)
        tables = written(ctx)
        assert tables <= CASE_ROWS, (fn.__name__, tables - CASE_ROWS)
        assert {"cases_caseevent", "core_auditrecord"} <= tables, fn.__name__
        seen.update(tables)
        return out

    lng, lat = city.point_in("A1a1")
    case = do(services.report_case, city.user("informant"), channel=Channel.INFORMANT, category_code="0101",
              title="路边垃圾", lng=lng, lat=lat, photos=[JPEG])
    do(services.accept, tc, case)
    do(services.whistle, tc, case, departments=["D01", "D02"], lead="D01", reason="联合处置")
    do(services.report_in, dept, case)
    do(services.supervise, tc, case, note="请加快")
    do(services.handle, dept, case, note="已清理", files=[JPEG])
    do(services.verify, city.user("grid_worker"), case, passed=True)
    do(services.close, tc, case)
    do(services.rate, city.user("informant"), case, rating="satisfied")
    late = report()
    with CaptureQueriesContext(connection) as ctx:
        sweep(timezone.now() + timedelta(days=30))
    assert written(ctx) <= CASE_ROWS and "cases_supervision" in written(ctx)
    assert {"cases_attachment", "cases_caseassignment", "cases_whistle", "cases_supervision"} <= seen

    # nothing downstream yet: it all follows from the timeline
    assert not Notification.objects.exists() and not CaseMark.objects.exists() and not DailyRollup.objects.exists()
    assert not Posting.objects.filter(key=f"case-accept:{case.pk}").exists()
    done = consumers.drain(case_consumers())
    events = CaseEvent.objects.count()
    assert done == {"cockpit.rollups": events, "notify.case_notices": events, "points.informant": events,
                    "webhooks": events, "mediation.cases": events}
    assert Notification.objects.filter(object_id=str(case.pk), kind="case.whistle").exists()
    assert Notification.objects.filter(body__contains=late.number, kind__startswith="case.supervision").exists()
    assert CaseMark.objects.filter(case_id__in=[case.pk, late.pk]).count() == 2
    assert Posting.objects.filter(key=f"case-accept:{case.pk}").count() == 1
    assert consumers.drain(case_consumers()) == dict.fromkeys(done, 0)  # each row is applied once
    assert set(ConsumerCursor.objects.filter(name__in=done).values_list("position", flat=True)) == {
        CaseEvent.objects.latest("pk").pk}


def test_a_failed_change_leaves_nothing_for_the_consumers(city, report, worker_view):
    case = report()
    consumers.drain()
    before = Notification.objects.count()
    with pytest.raises(Exception):  # noqa: B017  (the verb refuses: nothing written, nothing to consume)
        services.close(city.user("town_commander"), case)
    assert consumers.drain() == dict.fromkeys(done_names(), 0) and Notification.objects.count() == before


def case_consumers() -> list[str]:
    """The consumers of the case timeline (other domains' timelines have their own)."""
    return [c.name for c in consumers.registered() if c.model is CaseEvent]


def done_names() -> list[str]:
    return [c.name for c in consumers.registered()]
