"""Who opens which cockpit: the command roles (policy.COCKPIT_ROLES), on exactly the regions they hold
"command" on (the city for the city roles, a town for its commander, a village for its cadre), opening on the
most senior of them."""

from __future__ import annotations

import pytest

from jishi.cockpit.scope import COCKPIT_LEVELS, home_region, may_open, region_for
from jishi.core.errors import PermissionDenied
from jishi.core.scope import holds
from jishi.org.models import Region
from jishi.org.policy import actor_for_user

ROLES = ["admin", "city_commander", "town_commander", "town_commander_b", "village_cadre", "grid_leader",
         "grid_worker", "dept_urban", "resident", "nobody"]


def _opens(actor, region) -> bool:
    try:
        return region_for(actor, region.pk) == region
    except PermissionDenied:
        return False


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_a_cockpit_opens_exactly_on_the_regions_the_actor_commands(city, role):
    actor = actor_for_user(city.user(role))
    for region in Region.objects.all():
        assert _opens(actor, region) == (holds(actor, "command", region) and region.level in COCKPIT_LEVELS), \
            f"{role} {region}"


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "home"), [("admin", "city"), ("city_commander", "city"), ("town_commander", "A"),
                                            ("village_cadre", "A1")])
def test_a_cockpit_opens_on_the_most_senior_region_commanded(city, role, home):
    actor = actor_for_user(city.user(role))
    assert may_open(actor) and home_region(actor) == city.regions[home]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["grid_worker", "dept_urban", "resident", "nobody"])
def test_roles_without_a_cockpit_have_no_home_region(city, role):
    actor = actor_for_user(city.user(role))
    assert not may_open(actor)
    with pytest.raises(PermissionDenied):
        home_region(actor)
