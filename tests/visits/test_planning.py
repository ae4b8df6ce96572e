"""Rounds and assignments: households shared among visitors by rule, adjustable by the region's cadres."""

from __future__ import annotations

from datetime import date

import pytest

from jishi.core.audit import AuditRecord
from jishi.core.errors import NotFound, PermissionDenied, ValidationFailed
from jishi.org.models import Household
from jishi.visits import planning
from jishi.visits.choices import Rule
from jishi.visits.models import VisitAssignment

pytestmark = pytest.mark.django_db
Q4 = {"starts_on": date(2026, 10, 1), "ends_on": date(2026, 12, 31)}


def new_round(city, who="village_cadre", region="A1", **kw):
    return planning.create_round(city.user(who), name="2026年第四季度", region=city.regions[region], **{**Q4, **kw})


def visitor_of(rnd, hh) -> int:
    return VisitAssignment.objects.get(round=rnd, household=hh).visitor_id


def test_a_round_gives_every_household_with_staff_nearby_to_a_visitor_by_micro_grid(village):
    city = village.city
    rnd = new_round(city)
    in_village = Household.objects.filter(village=city.regions["A1"]).count()
    assert rnd.assigned == in_village - 4 and rnd.unassigned == 4  # A1b has no staff at all
    a1a1 = {visitor_of(rnd, h) for k, h in village.households.items() if k.startswith("A1a1")}
    assert a1a1 <= {city.people["liaison"].pk, city.people["volunteer"].pk, village.party_volunteer.pk}
    assert len(a1a1) == 3  # shared among the micro-grid's three staff
    assert {visitor_of(rnd, h) for k, h in village.households.items() if k.startswith("A1a2")} == {
        city.people["grid_worker"].pk}  # no staff in A1a2: the grid's worker
    a = VisitAssignment.objects.get(round=rnd, household=village.households["A1a1-2"])
    assert a.residents == 3 and (a.town_id, a.village_id, a.grid_id, a.microgrid_id) == (
        city.regions["A"].pk, city.regions["A1"].pk, city.regions["A1a"].pk, city.regions["A1a1"].pk)
    rec = AuditRecord.objects.get(action="visits.round.create")
    assert rec.data["assigned"] == rnd.assigned and rec.actor == city.user("village_cadre")


def test_party_pairing_gives_a_micro_grids_households_to_its_party_members(village):
    rnd = new_round(village.city, rule=Rule.PARTY)
    assert {visitor_of(rnd, h) for k, h in village.households.items() if k.startswith("A1a1")} == {
        village.party_volunteer.pk}


def test_only_the_regions_planners_create_rounds_and_bad_input_changes_nothing(village):
    city = village.city
    with pytest.raises(PermissionDenied):
        new_round(city, who="grid_worker")
    with pytest.raises(PermissionDenied):
        new_round(city, who="village_cadre", region="A2")  # not their village
    with pytest.raises(ValidationFailed, match="结束日期不能早于开始日期"):
        new_round(city, starts_on=date(2026, 12, 31), ends_on=date(2026, 10, 1))
    with pytest.raises(ValidationFailed, match="请填写轮次名称"):
        planning.create_round(city.user("village_cadre"), name=" ", region=city.regions["A1"], **Q4)
    assert not VisitAssignment.objects.exists()


def test_the_cadre_reassigns_households_and_it_is_audited(village):
    city = village.city
    rnd = new_round(city)
    mine = list(VisitAssignment.objects.filter(round=rnd, microgrid=city.regions["A1a2"]))
    n = planning.reassign(city.user("village_cadre"), mine, city.people["grid_leader"].pk, note="网格员休假")
    assert n == 3 and set(VisitAssignment.objects.filter(pk__in=[a.pk for a in mine])
                          .values_list("visitor_id", "basis")) == {(city.people["grid_leader"].pk, "manual")}
    rec = AuditRecord.objects.get(action="visits.reassign")
    assert rec.data["visitor"] == city.people["grid_leader"].pk and rec.data["note"] == "网格员休假"
    with pytest.raises(NotFound):  # a grid worker plans nothing; the assignment "does not exist" for them
        planning.reassign(city.user("grid_worker"), mine, city.people["grid_worker"].pk)
    with pytest.raises(NotFound):  # a resident is not a visitor
        planning.reassign(city.user("village_cadre"), mine, city.people["resident"].pk)
    # a department cadre (联群) may be given households by hand
    planning.reassign(city.user("village_cadre"), mine[:1], city.people["dept_urban"].pk)
    assert VisitAssignment.objects.get(pk=mine[0].pk).visitor_id == city.people["dept_urban"].pk
