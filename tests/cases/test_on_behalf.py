"""Reporting on behalf of a resident (代居民上报): grid staff, village cadres and commanders report
for a resident in their data scope; the case is the resident's (they follow and rate it) while the
timeline names the staff member who submitted it."""

import pytest

from jishi.cases import lists, services
from jishi.cases.models import CaseEvent
from jishi.core.errors import NotFound, PermissionDenied, ValidationFailed
from jishi.core.models import AuditRecord
from jishi.org.models import Person
from jishi.org.policy import actor_for_user
from tests.cases.conftest import walk_to


@pytest.fixture
def resident(city):
    """The test city's resident, with a mobile number and ID number no one else has."""
    p = city.people["resident"]
    Person.objects.filter(pk=p.pk).update(phone="13912345678", id_number="32028119800202123X")
    p.refresh_from_db()
    return p


def test_a_grid_worker_reports_for_a_resident_of_their_grid_and_the_case_is_the_residents(city, report, resident):
    case = report("grid_worker", on_behalf_of=resident, description="楼道灯坏了一周")

    assert case.reporter == resident and case.reporter_user == city.user("resident")
    assert (case.reporter_name, case.reporter_phone) == ("张居民", "13912345678")
    event = case.events.get(verb="report")
    assert event.actor == city.user("grid_worker") and event.actor_role == "grid_worker"
    assert event.note.startswith("代居民上报") and event.data["on_behalf_of"] == resident.pk
    audit = AuditRecord.objects.get(action="case.report", object_id=str(case.pk))
    assert audit.actor == city.user("grid_worker") and audit.data["on_behalf_of"] == resident.pk
    assert list(lists.my_reports(actor_for_user(city.user("resident")))) == [case]
    assert case not in lists.my_reports(actor_for_user(city.user("grid_worker")))


def test_the_resident_rates_the_case_reported_for_them_and_the_staff_member_cannot(city, report, resident):
    case = walk_to(city, report("grid_worker", on_behalf_of=resident.pk), "closed")
    assert "rate" not in services.available_verbs(city.user("grid_worker"), case)
    with pytest.raises(PermissionDenied):
        services.rate(city.user("grid_worker"), case, rating="satisfied")
    assert "rate" in services.available_verbs(city.user("resident"), case)
    services.rate(city.user("resident"), case, rating="satisfied", note="很快")
    case.refresh_from_db()
    assert (case.state, case.rating) == ("closed", "satisfied")
    assert list(case.events.values_list("verb", flat=True)) == [
        "report", "accept", "dispatch", "acknowledge", "handle", "verify", "close", "rate"]


@pytest.mark.parametrize("who", ["village_cadre", "town_commander", "city_commander", "grid_leader"])
def test_cadres_and_commanders_may_report_for_a_resident_in_their_scope(city, report, resident, who):
    case = report(who, on_behalf_of=resident)
    assert case.reporter_user == city.user("resident")
    assert case.events.get(verb="report").actor_role in {who, "admin"}


def test_a_resident_outside_the_staff_members_scope_is_not_found_and_nothing_is_written(city, report, resident):
    before = CaseEvent.objects.count()
    with pytest.raises(NotFound, match="不在您的数据范围内"):
        report("grid_worker_b", where="B1a1", on_behalf_of=resident)
    with pytest.raises(NotFound):
        report("town_commander_b", where="B1a1", on_behalf_of=resident.pk)
    assert CaseEvent.objects.count() == before


def test_a_person_who_does_not_exist_is_not_found(city, report):
    with pytest.raises(NotFound):
        report("grid_worker", on_behalf_of=987654321)


@pytest.mark.parametrize("who", ["resident", "informant", "volunteer", "dept_urban"])
def test_only_grid_staff_cadres_and_commanders_may_report_for_someone_else(city, report, resident, who):
    with pytest.raises(PermissionDenied, match="代居民上报"):
        report(who, on_behalf_of=resident)


def test_the_report_form_finds_the_resident_by_mobile_or_id_number_within_scope(city, resident):
    gw = city.user("grid_worker")
    assert services.find_resident(gw, "139 1234 5678") == resident
    assert services.find_resident(gw, "32028119800202123x") == resident
    with pytest.raises(ValidationFailed, match="没有找到"):
        services.find_resident(city.user("grid_worker_b"), "13912345678")  # outside their grid
    with pytest.raises(ValidationFailed, match="没有找到"):
        services.find_resident(gw, "13900000000")
    with pytest.raises(ValidationFailed, match="11 位手机号"):
        services.find_resident(gw, "1391234")


def test_a_number_shared_by_two_people_in_scope_is_ambiguous(city, resident):
    other = Person(name="张居民之子", phone="13912345678")
    other.place_in(city.regions["A1a1"])
    other.save()
    with pytest.raises(ValidationFailed, match="多位居民"):
        services.find_resident(city.user("grid_worker"), "13912345678")
    assert services.find_resident(city.user("grid_worker"), "32028119800202123X") == resident
