"""The Actor and ``restrict()``/``holds()``: one way to see.

For every role × every scoped org model × every action, ``Model.objects.restrict(actor, action)`` and
``holds(actor, action, obj)`` agree on every row of the test city.
"""

import pytest

from jishi.core.scope import holds
from jishi.org.models import Department, Household, Person, Region, StaffAssignment
from jishi.org.policy import ACTIONS, actor_for_user, anonymous_actor, narrowed, system_actor

ROLES = ["admin", "city_commander", "town_commander", "village_cadre", "grid_leader", "grid_worker",
         "grid_worker_b", "liaison", "volunteer", "dept_urban", "resident", "nobody"]
MODELS = [Region, Department, Household, Person, StaffAssignment]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_restrict_and_holds_agree_for_every_model_and_action(city, role):
    actor = actor_for_user(city.user(role))
    for model in MODELS:
        rows = list(model.objects.all())
        for action in ACTIONS:
            ids = set(model.objects.restrict(actor, action).values_list("pk", flat=True))
            held = {o.pk for o in rows if holds(actor, action, o)}
            assert ids == held, f"{role} {model.__name__} {action}"


@pytest.mark.django_db
def test_the_manage_action_reaches_the_commanders_region_only(city):
    cadre = actor_for_user(city.user("village_cadre"))
    worker = actor_for_user(city.user("grid_worker"))
    a1 = city.regions["A1"]
    assert holds(cadre, "manage", a1) and holds(cadre, "view", a1)
    assert not holds(worker, "manage", city.regions["A1a"]) and holds(worker, "view", city.regions["A1a"])
    assert not holds(cadre, "manage", city.regions["A2"])


@pytest.mark.django_db
def test_unknown_actions_anonymous_callers_and_the_system(city):
    a = city.regions["A1a"]
    assert not holds(actor_for_user(city.user("admin")), "no-such-action", a)
    assert not Region.objects.restrict(anonymous_actor()).exists()
    assert Region.objects.restrict(system_actor(), "manage").count() == Region.objects.count()


@pytest.mark.django_db
def test_a_port_narrows_every_action_to_its_region_and_drops_own_records(city):
    town = actor_for_user(city.user("town_commander"))
    port = narrowed(town, region=city.regions["A1"])
    assert port.narrowed and not port.scope().user
    seen = set(Region.objects.restrict(port).values_list("pk", flat=True))
    assert city.regions["A1a"].pk in seen and city.regions["A2"].pk not in seen
    outside = narrowed(town, region=city.regions["B1"])  # the account cannot see B1: the port sees nothing
    assert not Region.objects.restrict(outside).exists()


@pytest.mark.django_db
def test_an_actor_is_built_without_writing_onto_the_user(city):
    user = city.user("grid_worker")
    before = set(vars(user))
    actor = actor_for_user(user)
    assert set(vars(user)) == before
    assert actor.roles == ("grid_worker",) and actor.person_id
