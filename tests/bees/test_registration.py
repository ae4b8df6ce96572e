"""聚新入格: a courier registers, the town or the station's manager approves, the person gets an informant post;
refusals change nothing; another town's staff get "not found"."""

from __future__ import annotations

import pytest

from jishi.bees import access, riders
from jishi.bees.models import BeesEvent, Rider
from jishi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jishi.core.models import AuditRecord
from jishi.org.choices import Role
from jishi.org.models import Person, StaffAssignment
from jishi.org.policy import actor_for_user
from tests.bees.conftest import register

pytestmark = pytest.mark.django_db


def test_a_courier_registers_and_the_town_approves_giving_an_informant_post(city, courier, station):
    r = register(courier, station, rounds=[city.regions["A1a"].pk, city.regions["A2b"].pk])
    assert r.state == "pending" and r.person is None and r.town_id == city.regions["A"].pk
    assert {g.pk for g in r.rounds.all()} == {city.regions["A1a"].pk, city.regions["A2b"].pk}
    assert Role.INFORMANT not in actor_for_user(courier).roles
    r = riders.approve(city.user("town_commander"), r, "欢迎加入")
    person = Person.objects.get(user=courier)
    assert r.state == "approved" and r.person == person and person.microgrid_id == city.regions["A1a1"].pk
    post = StaffAssignment.objects.get(person=person, role=Role.INFORMANT)
    assert post.region == station.venue.region and r.post == post
    assert Role.INFORMANT in actor_for_user(courier).roles  # may now report on the informant channel
    assert list(BeesEvent.objects.filter(rider=r).values_list("verb", flat=True)) == ["register", "approve"]
    assert AuditRecord.objects.filter(action="bees.rider.approve", object_id=str(r.pk)).exists()


def test_the_stations_manager_may_approve_and_a_resident_with_a_person_keeps_it(city, station):
    station.manager = city.people["informant"]
    station.save()
    r = register(city.user("resident"), station)
    assert r.person == city.people["resident"]
    riders.approve(city.user("informant"), r)
    r.refresh_from_db()
    assert r.person == city.people["resident"] and r.state == "approved"
    assert Person.objects.filter(user=city.user("resident")).count() == 1


def test_another_towns_staff_get_not_found_and_a_grid_worker_is_refused(city, courier, station):
    r = register(courier, station)
    with pytest.raises(NotFound):
        riders.approve(city.user("town_commander_b"), r)
    with pytest.raises(NotFound):
        access.rider_for(city.user("town_commander_b"), r.pk)
    with pytest.raises(PermissionDenied):  # sees it (grid scope), may not decide
        riders.approve(city.user("grid_worker"), r)
    r.refresh_from_db()
    assert r.state == "pending" and not StaffAssignment.objects.filter(role=Role.INFORMANT, person__user=courier).exists()


@pytest.mark.parametrize(("kw", "field"), [
    ({"phone": "12345"}, "phone"), ({"name": " "}, "name"), ({"platform": "uber"}, "platform"),
    ({"platform": "other"}, "platform_other"), ({"station_id": 99999}, "station"), ({"station_id": 2**70}, "station"),
    ({"name": "长" * 51}, "name"),
])
def test_bad_input_is_refused_with_a_chinese_message_and_nothing_written(courier, station, kw, field):
    with pytest.raises(ValidationFailed) as e:
        register(courier, station, **kw)
    assert e.value.field == field and Rider.objects.count() == 0


def test_rounds_must_be_grids_of_the_stations_town(city, courier, station):
    with pytest.raises(ValidationFailed) as e:
        register(courier, station, rounds=[city.regions["B1a"].pk])
    assert e.value.field == "rounds"


def test_one_open_registration_per_account_and_a_decision_is_taken_once(city, courier, station):
    r = register(courier, station)
    with pytest.raises(Conflict):
        register(courier, station)
    with pytest.raises(ValidationFailed):
        riders.reject(city.user("town_commander"), r, "")  # a reason is required
    riders.reject(city.user("town_commander"), r, "信息不全")
    with pytest.raises(Conflict):
        riders.approve(city.user("village_cadre"), r)
    assert register(courier, station).state == "pending"  # after a refusal one may apply again


def test_anonymous_may_not_register(station):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        register(AnonymousUser(), station)
