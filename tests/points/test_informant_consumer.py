"""The informant award is a consumer of the case timeline: awarded exactly once, a failed award is retried by
the worker, and `jishi reconcile-consumers` finds an accepted informant report without its award."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jishi.cases import services
from jishi.cases.choices import Channel
from jishi.cases.models import CaseEvent
from jishi.core import consumers
from jishi.core.models import AuditRecord, ConsumerCursor
from jishi.notify.models import Notification
from jishi.points import ledger
from jishi.points.models import Posting
from jishi.points.reconcile import reconcile


@pytest.fixture
def informant_report(city, items):
    def _report(title: str = "路边垃圾堆"):
        lng, lat = city.point_in("A1a1")
        return services.report_case(city.user("informant"), channel=Channel.INFORMANT, category_code="0101",
                                    title=title, lng=lng, lat=lat)

    return _report


def test_a_failed_award_is_retried_by_the_worker_and_then_reconciles(city, informant_report, monkeypatch):
    real_post, calls = ledger.post, []

    def fails_once(*args, **kwargs):
        calls.append(kwargs.get("key"))
        if len(calls) == 1:
            raise RuntimeError("ledger unavailable")
        return real_post(*args, **kwargs)

    monkeypatch.setattr(ledger, "post", fails_once)
    case = informant_report()
    services.accept(city.user("town_commander"), case)  # the consumers drain at once (tests); the award fails

    key = f"case-accept:{case.pk}"
    assert not Posting.objects.filter(key=key).exists()
    cursor = ConsumerCursor.objects.get(name="points.informant")
    assert cursor.attempts == 1 and "RuntimeError: ledger unavailable" in cursor.last_error
    assert Notification.objects.filter(kind="case.accepted", object_id=str(case.pk)).exists()  # others went on
    with pytest.raises(CommandError, match="consumers do not reconcile"):
        call_command("reconcile_consumers")

    assert consumers.drain()["points.informant"] == 1  # next round: the accept row again
    posting = Posting.objects.get(key=key)
    assert posting.person == city.people["informant"] and posting.approver == city.user("town_commander")
    cursor.refresh_from_db()
    assert (cursor.attempts, cursor.last_error) == (0, "")
    assert calls == [key, key]
    assert consumers.drain()["points.informant"] == 0 and Posting.objects.filter(key=key).count() == 1
    call_command("reconcile_consumers")  # exits 0
    assert reconcile().ok


def test_reconcile_finds_an_accepted_informant_report_the_consumer_lost(city, informant_report, settings):
    settings.JISHI_CONSUMERS_EAGER = False
    case = informant_report()
    services.accept(city.user("town_commander"), case)
    consumers.drain(["cockpit.rollups", "notify.case_notices", "webhooks"])
    ConsumerCursor.objects.update_or_create(name="points.informant",  # as if the award had been skipped
                                            defaults={"position": CaseEvent.objects.latest("pk").pk})
    with pytest.raises(CommandError):
        call_command("reconcile_consumers")


def test_a_refusal_by_the_village_rules_is_recorded_not_retried(city, informant_report, monkeypatch):
    from jishi.core.errors import Conflict
    from jishi.points import earning

    def capped(*args, **kwargs):
        raise Conflict("“小蜜蜂上报被立案”本月已达上限 20 次", code="cap_reached")

    monkeypatch.setattr(earning, "apply_item", capped)
    case = informant_report()
    services.accept(city.user("town_commander"), case)
    assert ConsumerCursor.objects.get(name="points.informant").attempts == 0
    assert AuditRecord.objects.filter(action="points.informant_skipped", object_id=str(case.pk)).exists()
    call_command("reconcile_consumers")


def test_a_patrol_report_earns_nothing_and_escalating_a_report_awards_once(city, informant_report):
    lng, lat = city.point_in("A1a1")
    patrol = services.report_case(city.user("grid_worker"), channel=Channel.PATROL, category_code="0101",
                                  title="巡查", lng=lng, lat=lat)
    services.accept(city.user("town_commander"), patrol)
    assert not Posting.objects.filter(key=f"case-accept:{patrol.pk}").exists()
    passed_up = informant_report("村里解决不了")
    services.escalate(city.user("village_cadre"), passed_up, reason="村里解决不了")  # taken up and passed up
    services.escalate(city.user("town_commander"), passed_up, reason="镇里也不行")  # not an acceptance again
    assert Posting.objects.filter(key=f"case-accept:{passed_up.pk}").count() == 1
