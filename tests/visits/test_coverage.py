"""Coverage: the rollup kept by the consumer of the visits timeline equals a recomputation from the logs at
every level (city, town, village, grid, micro-grid), and each figure opens to the households behind it."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from jishi.core import consumers
from jishi.core.scope import holds
from jishi.org.models import Region
from jishi.org.policy import actor_for_user
from jishi.visits import logbook, planning, queries
from jishi.visits.models import RoundCoverage, VisitAssignment, VisitLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def rnd(village):
    today = timezone.localdate()
    return planning.create_round(village.city.user("town_commander"), name="本季度", region=village.city.regions["A"],
                                 starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=80))


def visit_some(city, seed: int) -> None:
    rng = random.Random(seed)
    people = {p.pk: key for key, p in city.people.items()}
    for a in VisitAssignment.objects.filter(visitor_id__in=people).order_by("pk"):
        for _ in range(rng.choice([0, 0, 1, 2])):  # some twice, some never
            logbook.log_visit(city.user(people[a.visitor_id]),
                              client_uuid=uuid.uuid4(), household_id=a.household_id,
                              method=rng.choice(["in_person", "phone", "online"]),
                              visited_at=timezone.now() - timedelta(days=rng.randrange(9)))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_coverage_equals_a_recomputation_from_the_logs_at_every_level(village, rnd, seed):
    city = village.city
    people = {p.pk for p in city.people.values()}
    for a in VisitAssignment.objects.exclude(visitor_id__in=people):  # give the party volunteer's to the liaison
        planning.reassign(city.user("village_cadre"), [a], city.people["liaison"].pk)
    visit_some(city, seed)
    assert VisitLog.objects.exists() and RoundCoverage.objects.exists()
    for region in Region.objects.all():
        if region.level == "city":
            continue
        cov = queries.coverage(region, rnd)
        fresh = queries.recompute(region, rnd)
        assert cov.total.counts() == fresh.counts(), region.name
        assert sum(c.households_visited for c in cov.children) == cov.total.households_visited or not cov.children
        # the figure opens to the households behind it
        seen = list(queries.households(region, rnd, visited=True))
        unseen = list(queries.households(region, rnd, visited=False))
        assert len(seen) == cov.total.households_visited and len(unseen) == cov.total.households_unvisited
        assert {a.household_id for a in seen} == set(
            VisitLog.objects.filter(round=rnd, household__in=[a.household_id for a in seen + unseen])
            .values_list("household_id", flat=True))
    town = queries.coverage(city.regions["A"], rnd)
    assert town.total.households_target == VisitAssignment.objects.filter(round=rnd).count()
    assert town.total.visits == VisitLog.objects.count()
    assert town.total.by_in_person + town.total.by_phone + town.total.by_online == town.total.visits
    assert [c.name for c in town.children] == ["A1村", "A2村"]


def test_the_rollup_rebuilt_from_scratch_equals_the_one_kept_event_by_event(village, rnd):
    visit_some(village.city, 7)
    kept = sorted(RoundCoverage.objects.values_list("microgrid_id", "households_visited", "residents_visited", "visits",
                                                    "by_phone"))
    from jishi.visits.rollups import rebuild

    rebuild(rnd.pk)
    assert sorted(RoundCoverage.objects.values_list("microgrid_id", "households_visited", "residents_visited",
                                                    "visits", "by_phone")) == kept
    [status] = [s for s in consumers.status(check=True) if s.name == "visits.coverage"]
    assert status.backlog == 0 and status.problems == []


def test_a_visitor_sees_their_assignments_and_cadres_their_region(village, rnd):
    city = village.city
    volunteer = actor_for_user(city.user("volunteer"))
    theirs = VisitAssignment.objects.restrict(volunteer, "view")
    assert set(theirs.values_list("microgrid_id", flat=True)) == {city.regions["A1a1"].pk}
    assert not VisitAssignment.objects.restrict(actor_for_user(city.user("town_commander_b"))).exists()
    assert VisitAssignment.objects.restrict(actor_for_user(city.user("village_cadre")), "manage").count() == \
        VisitAssignment.objects.filter(village=city.regions["A1"]).count()
    assert not holds(actor_for_user(city.user("grid_worker")), "manage", rnd)
    assert holds(actor_for_user(city.user("town_commander")), "manage", rnd)
