"""The party verbs: each one writes its row, its timeline row and its audit record; illegal moves are refused and
change nothing; out of scope is "not found"."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jishi.core.audit import AuditRecord
from jishi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jishi.engage.models import Need
from jishi.org.policy import actor_for_user
from jishi.party import activities, reportin
from jishi.party.models import Activity, Attendance, PartyEvent, Registration, ServiceRecord

pytestmark = pytest.mark.django_db


def actor(city, key):
    return actor_for_user(city.user(key))


def _audit(action):
    return AuditRecord.objects.filter(action=action).count()


# --- activities ---------------------------------------------------------------------------------------------

def test_a_village_cadre_schedules_and_records_a_theme_day_with_attendance(city, orgs):
    cadre = actor(city, "village_cadre")
    today = timezone.localdate()
    a = activities.schedule_activity(cadre, org=orgs["A1a"].pk, kind="theme_day", date=today, topic="学习党章",
                                     place="党群服务中心")
    assert a.state == "scheduled" and a.village_id == city.regions["A1"].pk
    m = list(orgs["A1a"].members.order_by("id"))
    activities.record_activity(cadre, a, attendance={m[0].pk: "present", m[1].pk: ("excused", "出差")},
                               summary="集中学习")
    a.refresh_from_db()
    assert (a.state, a.expected, a.present, a.excused, a.absent) == ("held", 3, 1, 1, 1)
    assert a.rate == 33.3
    assert Attendance.objects.filter(activity=a).count() == 3
    assert list(PartyEvent.objects.filter(activity=a).values_list("verb", flat=True)) == ["schedule", "hold"]
    assert _audit("party.activity_schedule") == 1 and _audit("party.activity_hold") == 1


def test_a_village_organisations_meeting_counts_the_members_of_its_grid_organisations(city, orgs):
    cadre = actor(city, "village_cadre")
    a = activities.schedule_activity(cadre, org=orgs["A1"], kind="general_meeting", date=timezone.localdate(),
                                     topic="支部党员大会")
    activities.record_activity(cadre, a, attendance={})
    a.refresh_from_db()
    assert (a.expected, a.present, a.absent) == (5, 0, 5)


def test_illegal_activity_moves_are_refused_and_change_nothing(city, orgs):
    cadre = actor(city, "village_cadre")
    a = activities.schedule_activity(cadre, org=orgs["A1a"], kind="lecture", date=timezone.localdate(), topic="党课")
    member = orgs["A1a"].members.first()
    with pytest.raises(ValidationFailed):  # an excuse needs its reason
        activities.record_activity(cadre, a, attendance={member.pk: ("excused", "")})
    outsider = orgs["B1a"].members.first()
    with pytest.raises(ValidationFailed):
        activities.record_activity(cadre, a, attendance={outsider.pk: "present"})
    with pytest.raises(ValidationFailed):
        activities.schedule_activity(cadre, org=orgs["A1a"], kind="party", date=timezone.localdate(), topic="x")
    activities.cancel_activity(cadre, a, reason="台风")
    with pytest.raises(Conflict):
        activities.record_activity(cadre, a, attendance={})
    with pytest.raises(Conflict):
        activities.cancel_activity(cadre, a, reason="again")
    later = activities.schedule_activity(cadre, org=orgs["A1a"], kind="lecture",
                                         date=timezone.localdate() + timedelta(days=3), topic="下周党课")
    with pytest.raises(ValidationFailed):  # not held before its day
        activities.record_activity(cadre, later, attendance={})
    assert not Attendance.objects.exists()


def test_another_villages_cadre_and_a_department_do_not_reach_an_organisation(city, orgs):
    with pytest.raises(NotFound):
        activities.schedule_activity(actor(city, "village_cadre"), org=orgs["B1a"], kind="theme_day",
                                     date=timezone.localdate(), topic="x")
    a = activities.schedule_activity(actor(city, "town_commander_b"), org=orgs["B1a"], kind="theme_day",
                                     date=timezone.localdate(), topic="主题党日")
    for key in ("village_cadre", "dept_urban", "resident"):
        with pytest.raises(NotFound):
            activities.cancel_activity(actor(city, key), a, reason="x")
    # the grid party organisation's secretary (grid leader) acts for its grid's organisation only
    leader = actor(city, "grid_leader")
    activities.schedule_activity(leader, org=orgs["A1a"], kind="group_meeting", date=timezone.localdate(), topic="党小组会")
    with pytest.raises(NotFound):
        activities.schedule_activity(leader, org=orgs["A1"], kind="group_meeting", date=timezone.localdate(), topic="x")
    assert Activity.objects.count() == 2


# --- 三报到三服务 ------------------------------------------------------------------------------------------------

def _registered(city, member, community="A1"):
    return reportin.register(actor(city, "member"), community=city.regions[community].pk,
                             department=city.departments["urban"].pk)


def test_report_in_from_registration_to_verified_hours(city, member):
    me, cadre = actor(city, "member"), actor(city, "village_cadre")
    reg = _registered(city, member)
    assert (reg.state, reg.employer, reg.village_id) == ("submitted", "城市管理局", city.regions["A1"].pk)
    reportin.accept_registration(cadre, reg)
    item = reportin.add_service_item(cadre, community=city.regions["A1"], title="文明劝导岗")
    need = Need(title="电瓶车充电难", region=city.regions["A1"])
    need.place_in(city.regions["A1"])
    need.save()
    c1 = reportin.choose_service(me, reg, item=item.pk)
    reportin.choose_service(me, reg, need=need.pk)
    with pytest.raises(Conflict):
        reportin.choose_service(me, reg, item=item.pk)
    rec = reportin.record_service(me, reg, date=timezone.localdate(), hours="2.5", content="文明劝导", choice=c1.pk)
    assert (rec.state, rec.hours, rec.department_id) == ("submitted", Decimal("2.5"), city.departments["urban"].pk)
    reportin.verify_record(cadre, rec)
    bad = reportin.record_service(me, reg, date=timezone.localdate(), hours=1, content="未到岗")
    reportin.reject_record(cadre, bad, reason="当天未见到岗")
    assert ServiceRecord.objects.get(pk=bad.pk).state == "rejected"
    verbs = list(PartyEvent.objects.filter(registration=reg).values_list("verb", flat=True))
    assert verbs == ["register", "accept", "choose", "choose", "serve", "verify", "serve", "refuse"]
    for action in ("party.register", "party.accept", "party.choose", "party.serve", "party.verify", "party.refuse"):
        assert _audit(action) >= 1
    # the employer department sees the report and its verified hours
    dept = actor(city, "dept_urban")
    assert list(Registration.objects.restrict(dept, "view")) == [reg]
    assert set(ServiceRecord.objects.restrict(dept, "view")) == {rec, bad}
    assert not Registration.objects.restrict(actor(city, "dept_water"), "view").exists()


def test_illegal_report_in_moves_are_refused(city, member):
    me, cadre = actor(city, "member"), actor(city, "village_cadre")
    with pytest.raises(PermissionDenied):  # not a party member
        reportin.register(actor(city, "resident"), community=city.regions["A1"].pk, employer="某公司")
    with pytest.raises(ValidationFailed):  # a grid is not a community
        reportin.register(me, community=city.regions["A1a"].pk, employer="某公司")
    with pytest.raises(ValidationFailed):
        reportin.register(me, community=city.regions["A1"].pk)  # no employer
    reg = _registered(city, member)
    with pytest.raises(Conflict):
        _registered(city, member)
    with pytest.raises(Conflict):  # not yet accepted
        reportin.record_service(me, reg, date=timezone.localdate(), hours=1, content="x")
    with pytest.raises(PermissionDenied):  # the member does not accept themselves (sees it: own record)
        reportin.accept_registration(me, reg)
    with pytest.raises(PermissionDenied):  # a cadre does not record hours for the member
        reportin.record_service(cadre, reg, date=timezone.localdate(), hours=1, content="x")
    reportin.accept_registration(cadre, reg)
    with pytest.raises(Conflict):
        reportin.accept_registration(cadre, reg)
    for hours in ("0", "25", "1.3", "x", "-1"):
        with pytest.raises(ValidationFailed):
            reportin.record_service(me, reg, date=timezone.localdate(), hours=hours, content="x")
    with pytest.raises(ValidationFailed):
        reportin.record_service(me, reg, date=timezone.localdate() + timedelta(days=1), hours=1, content="x")
    rec = reportin.record_service(me, reg, date=timezone.localdate(), hours=1, content="x")
    reportin.verify_record(cadre, rec)
    with pytest.raises(Conflict):
        reportin.reject_record(cadre, rec, reason="x")
    assert ServiceRecord.objects.count() == 1


def test_another_communitys_cadre_gets_not_found(city, member):
    reg = _registered(city, member)
    other = actor(city, "town_commander_b")
    with pytest.raises(NotFound):
        reportin.accept_registration(other, reg)
    with pytest.raises(NotFound):
        reportin.registration_for(other, reg.pk)
    with pytest.raises(NotFound):
        reportin.add_service_item(other, community=city.regions["A1"], title="x")
    reportin.accept_registration(actor(city, "village_cadre"), reg)
    rec = reportin.record_service(actor(city, "member"), reg, date=timezone.localdate(), hours=1, content="x")
    for key in ("town_commander_b", "grid_worker_b", "dept_water"):
        with pytest.raises(NotFound):
            reportin.verify_record(actor(city, key), rec)
    with pytest.raises(PermissionDenied):  # the employer reads the record but does not verify it
        reportin.verify_record(actor(city, "dept_urban"), rec)
    assert ServiceRecord.objects.get().state == "submitted"


def test_a_declined_member_may_report_again(city, member):
    reg = _registered(city, member)
    reportin.reject_registration(actor(city, "village_cadre"), reg, reason="不在本社区居住")
    again = _registered(city, member)
    assert again.pk == reg.pk and again.state == "submitted" and again.reject_reason == ""
