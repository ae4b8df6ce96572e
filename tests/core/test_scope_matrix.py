"""Data scope as a matrix: every role × objects inside and outside its part of the city.

One mechanism (Model.objects.restrict(actor, action), org.policy), deny by default.
"""

import pytest
from django.db.models import Q

from jishi.core.scope import NOTHING, Scope, scope_q
from jishi.org.models import Department, Household, Person, Region, StaffAssignment
from jishi.org.policy import actor_for_user
from tests.scope_helpers import scope_for, visible

# role user -> regions (by factory key) that must be visible / must not be visible
REGION_MATRIX = {
    "admin": (["city", "A", "B", "A1a", "B2b2"], []),
    "city_commander": (["city", "A", "B", "A1", "B2b1"], []),
    "town_commander": (["A", "A1", "A2b", "A1a2"], ["city", "B", "B1", "B1a", "B1a1"]),
    "village_cadre": (["A1", "A1a", "A1b", "A1b2"], ["A", "A2", "A2a", "B1"]),
    "grid_leader": (["A1a", "A1a1", "A1a2"], ["A1", "A1b", "B1a"]),
    "grid_worker": (["A1a", "A1a1", "A1a2"], ["A1b", "A1b1", "B1a"]),
    "grid_worker_b": (["B1a", "B1a1"], ["A1a", "A1a1"]),
    "liaison": (["A1a1"], ["A1a", "A1a2"]),
    "volunteer": (["A1a1"], ["A1a2", "A1b1"]),
    "dept_urban": ([], ["city", "A", "A1a"]),
    "resident": ([], ["A1a1", "A1a"]),
    "nobody": ([], ["city", "A", "A1a1"]),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(REGION_MATRIX))
def test_region_visibility_matrix(city, role):
    inside, outside = REGION_MATRIX[role]
    ids = set(visible(Region.objects.all(), city.user(role)).values_list("id", flat=True))
    for key in inside:
        assert city.regions[key].pk in ids, f"{role} should see {key}"
    for key in outside:
        assert city.regions[key].pk not in ids, f"{role} must not see {key}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,sees,hidden",
    [
        ("grid_worker", ["resident", "liaison", "volunteer", "grid_worker"], ["grid_worker_b", "village_cadre", "town_commander_b"]),
        ("town_commander", ["village_cadre", "grid_worker", "resident"], ["grid_worker_b", "town_commander_b"]),
        ("town_commander_b", ["grid_worker_b"], ["grid_worker", "resident"]),
        ("resident", ["resident"], ["grid_worker", "volunteer", "informant"]),
        ("dept_urban", ["dept_urban"], ["resident", "grid_worker", "dept_water"]),
        ("city_commander", ["resident", "grid_worker_b", "dept_water"], []),
    ],
)
def test_people_visibility_matrix(city, role, sees, hidden):
    ids = set(visible(Person.objects.all(), city.user(role)).values_list("id", flat=True))
    for key in sees:
        assert city.people[key].pk in ids, f"{role} should see person {key}"
    for key in hidden:
        assert city.people[key].pk not in ids, f"{role} must not see person {key}"


@pytest.mark.django_db
def test_departments_are_reference_data_for_staff_and_private_to_each_other(city):
    urban = visible(Department.objects.all(), city.user("dept_urban"))
    assert list(urban) == [city.departments["urban"]]
    assert visible(Department.objects.all(), city.user("town_commander")).count() == 2  # dispatches to any
    assert visible(Department.objects.all(), city.user("grid_worker")).count() == 2
    assert visible(Department.objects.all(), city.user("city_commander")).count() == 2
    assert visible(Department.objects.all(), city.user("resident")).count() == 0


@pytest.mark.django_db
def test_households_and_assignments_follow_the_region_scope(city):
    assert visible(Household.objects.all(), city.user("grid_worker")).count() == 1
    assert visible(Household.objects.all(), city.user("grid_worker_b")).count() == 0
    seen = set(visible(StaffAssignment.objects.all(), city.user("village_cadre")).values_list("person__user__username", flat=True))
    assert {"grid_worker", "grid_leader", "liaison", "volunteer", "village_cadre"} <= seen
    assert "grid_worker_b" not in seen


@pytest.mark.django_db
def test_anonymous_and_inactive_users_see_nothing(city, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert scope_for(AnonymousUser()) is NOTHING
    worker = city.user("grid_worker")
    worker.is_active = False
    assert visible(Region.objects.all(), worker).count() == 0


@pytest.mark.django_db
def test_ended_assignment_takes_the_scope_away(city):
    from jishi.org.services import end_assignment

    assignment = StaffAssignment.objects.get(person=city.people["grid_worker"])
    end_assignment(city.user("admin"), assignment)
    worker = type(city.user("grid_worker")).objects.get(pk=city.user("grid_worker").pk)
    assert visible(Region.objects.all(), worker).count() == 0


@pytest.mark.django_db
def test_a_model_without_scope_fields_is_denied_unless_everything(city):
    from django.contrib.auth.models import Group

    assert scope_q(Group, Scope(town=frozenset({1}))) is None  # nothing
    assert scope_q(Group, Scope(everything=True)) == Q()  # the city level only


@pytest.mark.django_db
def test_scope_filters_are_indexed_equality_lookups(city, django_assert_num_queries):
    """The Actor is built once per request (one query: the person and its active posts) and carries every
    action's scope; the filter is a plain IN on ancestor columns."""
    user = type(city.user("town_commander")).objects.get(username="town_commander")
    with django_assert_num_queries(1):
        actor = actor_for_user(user)
        actor.scope("view"), actor.scope("manage")
    sql = str(Region.objects.restrict(actor).query)
    assert "town_id" in sql and "JOIN" not in sql.upper()
