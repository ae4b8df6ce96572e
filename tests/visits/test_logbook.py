"""Visit logs from a phone: stored exactly once per phone UUID, in the visitor's reach only; a concern becomes
a case through the intake; special groups come due."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone

from jishi.cases.choices import Channel
from jishi.cases.models import Case
from jishi.core.audit import AuditRecord
from jishi.core.errors import NotFound, ValidationFailed
from jishi.org.policy import actor_for_user
from jishi.visits import logbook, planning, queries
from jishi.visits.choices import CareGroup
from jishi.visits.models import VisitAssignment, VisitConcern, VisitEvent, VisitLog

pytestmark = pytest.mark.django_db
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200


@pytest.fixture
def rnd(village):
    today = timezone.localdate()
    return planning.create_round(village.city.user("village_cadre"), name="本季度", region=village.city.regions["A1"],
                                 starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=80))


def mine(city, key):
    return VisitAssignment.objects.filter(visitor=city.people[key]).select_related("household").order_by("pk")


def test_a_visit_sent_twice_with_the_same_phone_uuid_is_stored_once(village, rnd):
    city = village.city
    a = mine(city, "volunteer").first()
    key = str(uuid.uuid4())
    first = logbook.log_visit(city.user("volunteer"), client_uuid=key, household_id=a.household_id, method="in_person",
                              people_met=2, notes="老人身体还好", concerns=["楼道灯坏了"],
                              photo=("door.jpg", JPEG))
    again = logbook.log_visit(city.user("volunteer"), client_uuid=key, household_id=a.household_id, method="in_person",
                              people_met=2, notes="老人身体还好", concerns=["楼道灯坏了"])
    assert first.created and not again.created and again.pk == first.pk
    assert VisitLog.objects.count() == 1 and VisitConcern.objects.count() == 1
    assert VisitEvent.objects.filter(verb="visit").count() == 1
    assert AuditRecord.objects.filter(action="visits.log").count() == 1
    assert first.round == rnd and first.photo.name.endswith(".jpg")
    a.refresh_from_db()
    assert a.visits == 1 and a.last_visited_at == first.visited_at
    with pytest.raises(ValidationFailed, match="别的账号"):  # another account cannot take over the UUID
        logbook.log_visit(city.user("liaison"), client_uuid=key, household_id=a.household_id, method="phone")


def test_a_visitor_reaches_their_own_households_and_their_regions_only(village, rnd):
    city = village.city
    other_grid = village.households["A1b1-1"]  # grid A1b: not the volunteer's micro-grid, not assigned to them
    with pytest.raises(NotFound):
        logbook.log_visit(city.user("volunteer"), client_uuid=uuid.uuid4(), household_id=other_grid.pk, method="phone")
    with pytest.raises(NotFound):
        logbook.log_visit(city.user("grid_worker_b"), client_uuid=uuid.uuid4(), household_id=other_grid.pk,
                          method="phone")
    # a department cadre given a household by hand (联群) may visit that one
    a = mine(city, "grid_worker").first()
    planning.reassign(city.user("village_cadre"), [a], city.people["dept_urban"].pk)
    log = logbook.log_visit(city.user("dept_urban"), client_uuid=uuid.uuid4(), household_id=a.household_id,
                            method="online")
    assert log.round == rnd and log.visitor == city.people["dept_urban"]
    assert not VisitLog.objects.filter(household=other_grid).exists()


@pytest.mark.parametrize("field, value, message", [
    ("method", "fax", "请选择走访方式"),
    ("client_uuid", "not-a-uuid", "不是有效的 UUID"),
    ("people_met", "99", "见到人数须在 0 到 50 之间"),
    ("visited_at", "2999-01-01T10:00:00", "走访时间不能晚于现在"),
    ("photo", ("x.txt", b"hello"), "类型不支持"),
    ("concerns", ["一"] * 6, "最多记录 5 条诉求"),
])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_stored(village, rnd, field, value, message):
    city = village.city
    a = mine(city, "volunteer").first()
    kw = {"client_uuid": uuid.uuid4(), "household_id": a.household_id, "method": "in_person", field: value}
    with pytest.raises(ValidationFailed, match=message):
        logbook.log_visit(city.user("volunteer"), **kw)
    assert not VisitLog.objects.exists()


def test_a_concern_becomes_a_case_in_one_step_linked_back_and_only_once(village, rnd):
    city = village.city
    a = mine(city, "volunteer").first()
    log = logbook.log_visit(city.user("volunteer"), client_uuid=uuid.uuid4(), household_id=a.household_id,
                            method="in_person", concerns=["门口下水道堵了"], photo=("d.jpg", JPEG))
    concern = log.concerns.get()
    case = logbook.concern_to_case(city.user("volunteer"), concern)
    assert case.channel == Channel.VISIT and "门口下水道堵了" in case.title and case.microgrid_id == a.microgrid_id
    assert case.attachments.count() == 1  # the visit's photo goes with it
    concern.refresh_from_db()
    assert concern.case == case
    assert logbook.concern_to_case(city.user("volunteer"), concern) == case and Case.objects.count() == 1
    with pytest.raises(NotFound):  # another grid's worker cannot see the concern
        logbook.concern_to_case(city.user("grid_worker_b"), concern)


def test_special_group_households_come_due_and_a_visit_clears_them(village, rnd):
    city = village.city
    a = mine(city, "volunteer").first()
    logbook.add_care(city.user("village_cadre"), a.household, CareGroup.ELDERLY_ALONE)
    actor = actor_for_user(city.user("volunteer"))
    due = queries.care_due(actor)
    assert [d.membership.household_id for d in due] == [a.household_id] and due[0].due_on == timezone.localdate()
    logbook.log_visit(city.user("volunteer"), client_uuid=uuid.uuid4(), household_id=a.household_id,
                      method="phone", visited_at=timezone.now() - timedelta(days=40))
    late = queries.care_due(actor)
    assert late[0].overdue_days == 10  # visited 40 days ago, every 30 days
    logbook.log_visit(city.user("volunteer"), client_uuid=uuid.uuid4(), household_id=a.household_id, method="in_person")
    assert queries.care_due(actor) == []
    assert queries.care_due(actor, today=date.today() + timedelta(days=30))  # due again in a month
    with pytest.raises(NotFound):
        logbook.add_care(city.user("grid_worker"), a.household, CareGroup.VETERAN)


def test_an_overdue_special_group_household_is_told_to_its_visitor_once_per_due_date(village, rnd):
    from jishi.notify.models import Notification
    from jishi.visits import reminders

    city = village.city
    a = mine(city, "volunteer").first()
    logbook.add_care(city.user("village_cadre"), a.household, CareGroup.ELDERLY_ALONE)
    logbook.log_visit(city.user("volunteer"), client_uuid=uuid.uuid4(), household_id=a.household_id,
                      method="phone", visited_at=timezone.now() - timedelta(days=35))
    assert reminders.sweep() == 1 and reminders.sweep() == 0  # told once for this due date
    [n] = Notification.objects.filter(recipient=city.user("volunteer"), kind="visit_overdue")
    assert "超期 5 天" in n.body and n.url == f"/visits/log/{a.household_id}/"
    logbook.log_visit(city.user("volunteer"), client_uuid=uuid.uuid4(), household_id=a.household_id, method="in_person")
    assert reminders.sweep() == 0 and reminders.sweep(today=timezone.localdate() + timedelta(days=31)) == 1
