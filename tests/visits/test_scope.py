"""One way to see: for every role × visits model × action, ``restrict`` and ``holds`` agree, and each role
reaches what the policy says (a visitor their own assignments, staff their region)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from jishi.core.scope import holds
from jishi.org.policy import ACTIONS, actor_for_user
from jishi.visits import logbook, planning
from jishi.visits.choices import CareGroup
from jishi.visits.models import (
    CareMembership,
    RoundCoverage,
    VisitAssignment,
    VisitConcern,
    VisitLog,
    VisitRound,
)

pytestmark = pytest.mark.django_db
ROLES = ["admin", "city_commander", "town_commander", "town_commander_b", "village_cadre", "grid_leader",
         "grid_worker", "grid_worker_b", "liaison", "volunteer", "dept_urban", "resident", "nobody"]
MODELS = [VisitRound, VisitAssignment, VisitLog, VisitConcern, CareMembership, RoundCoverage]


@pytest.fixture
def visited(village):
    city = village.city
    today = timezone.localdate()
    rnd = planning.create_round(city.user("village_cadre"), name="本季度", region=city.regions["A1"],
                                starts_on=today - timedelta(days=3), ends_on=today + timedelta(days=30))
    planning.create_round(city.user("town_commander_b"), name="B镇本季度", region=city.regions["B"],
                          starts_on=today - timedelta(days=3), ends_on=today + timedelta(days=30))
    a = VisitAssignment.objects.filter(round=rnd, visitor=city.people["volunteer"]).first()
    logbook.log_visit(city.user("volunteer"), client_uuid=uuid.uuid4(), household_id=a.household_id,
                      method="in_person", concerns=["路灯不亮"])
    logbook.add_care(city.user("village_cadre"), a.household, CareGroup.VETERAN)
    return rnd


@pytest.mark.parametrize("role", ROLES)
def test_restrict_and_holds_agree_on_every_visits_row(village, visited, role):
    actor = actor_for_user(village.city.user(role))
    for model in MODELS:
        rows = list(model.objects.all())
        for action in ACTIONS:
            ids = set(model.objects.restrict(actor, action).values_list("pk", flat=True))
            assert ids == {o.pk for o in rows if holds(actor, action, o)}, f"{role} {model.__name__} {action}"


def test_each_role_reaches_its_part(village, visited):
    city = village.city

    def seen(role, model, action="view"):
        return model.objects.restrict(actor_for_user(city.user(role)), action).count()

    assert seen("volunteer", VisitLog) == 1 and seen("grid_worker_b", VisitLog) == 0
    assert seen("volunteer", VisitAssignment, "visit") == VisitAssignment.objects.filter(
        visitor=city.people["volunteer"]).count() + VisitAssignment.objects.filter(
        microgrid=city.regions["A1a1"]).exclude(visitor=city.people["volunteer"]).count()
    assert seen("resident", VisitRound) == 0 and seen("resident", VisitAssignment) == 0
    assert seen("village_cadre", VisitRound, "manage") == 1 and seen("town_commander_b", VisitRound, "manage") == 1
    assert seen("grid_worker", VisitRound, "manage") == 0 and seen("grid_worker", VisitRound) == 2
    assert seen("town_commander_b", RoundCoverage) == RoundCoverage.objects.filter(town=city.regions["B"]).count()
