"""The demo city generator: the shape of the report's city at small scale, boundaries that nest and
locate, determinism for a seed, --if-empty, and one working login per role."""

from __future__ import annotations

from io import StringIO

import pytest
import shapely
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F
from shapely.geometry import shape

from jishi.core.models import AuditRecord
from jishi.org.choices import Role
from jishi.org.demo.generator import generate
from jishi.org.demo.logins import DEMO_PASSWORD, LOGIN_ROLES
from jishi.org.demo.plan import make_plan
from jishi.org.geo import locator
from jishi.org.models import Household, PartyOrganization, Person, Region, StaffAssignment, Venue
from jishi.org.privacy import valid_id_number, valid_phone
from tests.scope_helpers import roles_of

pytestmark = pytest.mark.slow  # make check leaves it out; make test runs it

SEED = 20261127


@pytest.fixture
def small(db):
    return generate("small", SEED)


def _region_names_codes() -> list[tuple[str, str, str]]:
    return list(Region.objects.order_by("code").values_list("code", "name", "level"))


def test_city_preset_plans_the_reports_figures():
    totals = make_plan("city", SEED).totals()
    assert totals["towns"] == 17
    assert totals["villages"] == 191
    assert totals["grids"] == 1390
    assert totals["grid_party_orgs"] == 1390
    assert totals["volunteers"] == 21_456
    assert totals["party_volunteers"] == 7_152
    assert 40 <= totals["communities"] <= 70
    assert 1_650_000 <= totals["residents"] <= 1_750_000
    assert all(4 <= len(g.microgrids) <= 6 for g in make_plan("city", SEED).grids())


def test_city_preset_keeps_the_grid_force_in_nearly_every_grid():
    plan = make_plan("city", SEED)
    short = [g for g in plan.grids() if g.short]
    assert 0 < len(short) < len(plan.grids()) * 0.02
    for g in plan.grids():
        if not g.short:
            assert g.has_worker and all(m.has_liaison for m in g.microgrids)
            assert sum(m.volunteers for m in g.microgrids) >= 3 and g.specialists >= 1


def test_small_has_every_level_and_the_counts_it_prints(small):
    counts = small.counts
    assert counts["towns"] == 2 and counts["villages"] == 4 and counts["communities"] == 2
    assert counts["grids"] == 24 and counts["grid_party_orgs"] == 24
    assert counts["residents"] == 3000 == Person.objects.filter(household__isnull=False).count()
    assert counts["households"] == Household.objects.count()
    assert 2.3 <= counts["residents"] / counts["households"] <= 2.9
    for level in ("city", "town", "village", "grid", "microgrid"):
        assert Region.objects.filter(level=level).exists(), level
    assert set(Region.objects.filter(level="town").values_list("kind", flat=True)) == {"town", "subdistrict"}
    assert all(len(c) == 12 for c in Region.objects.filter(level__in=("city", "town", "village"))
               .values_list("code", flat=True))


def test_small_every_grid_has_one_grid_party_org_and_every_microgrid_a_post(small):
    for grid in Region.objects.filter(level="grid"):
        assert PartyOrganization.objects.filter(region=grid, kind="grid_org").count() == 1
    for mg in Region.objects.filter(level="microgrid"):
        kinds = set(PartyOrganization.objects.filter(region=mg).values_list("kind", flat=True))
        assert kinds in ({"pioneer_post"}, {"party_household"})


def test_small_volunteers_are_a_third_party_members(small):
    vols = StaffAssignment.objects.filter(role=Role.VOLUNTEER)
    assert vols.count() == 360
    assert vols.filter(person__is_party_member=True).count() == 120
    assert not vols.exclude(region__level="microgrid").exists()
    assert vols.values("person").distinct().count() == 360
    # they live in the micro-grid they serve
    assert not vols.exclude(person__microgrid=F("region")).exists()


def test_small_grid_force_is_1_1_1_3_n_except_the_deliberately_short_grids(small):
    short = 0
    for grid in Region.objects.filter(level="grid"):
        a = StaffAssignment.objects.filter(grid=grid)
        mgs = Region.objects.filter(parent=grid).count()
        ok = (a.filter(role=Role.GRID_LEADER).count() == 1 and a.filter(role=Role.GRID_WORKER).count() == 1
              and a.filter(role=Role.MICROGRID_LIAISON).count() == mgs and a.filter(role=Role.VOLUNTEER).count() >= 3
              and a.filter(role=Role.LINE_SPECIALIST).count() >= 1)
        short += not ok
    assert short == 2


def test_small_people_have_valid_ids_phones_addresses_and_a_party_share(small):
    residents = Person.objects.filter(household__isnull=False)
    ids = list(residents.values_list("id_number", flat=True))
    assert all(valid_id_number(i) for i in ids)
    assert len(set(ids)) == len(ids)
    assert all(valid_phone(p) for p in residents.exclude(phone="").values_list("phone", flat=True))
    assert all(a.startswith("澄江市") for a in residents.values_list("address", flat=True)[:200])
    share = residents.filter(is_party_member=True).count() / residents.count()
    assert 0.04 <= share <= 0.14
    assert residents.filter(is_party_member=True, party_org__kind="grid_org").count() == \
        residents.filter(is_party_member=True).count()


def test_small_every_residents_point_locates_to_their_own_microgrid(small):
    rows = list(Person.objects.filter(household__isnull=False).values_list("lng", "lat", "microgrid_id"))
    found = locator(refresh=True).locate([r[0] for r in rows], [r[1] for r in rows])
    assert [int(f) for f in found] == [r[2] for r in rows]


def test_small_child_boundaries_tile_their_parent(small):
    regions = {r.pk: r for r in Region.objects.all()}
    children: dict[int, list[Region]] = {}
    for r in regions.values():
        geom = shape(r.boundary)
        assert geom.is_valid and not geom.is_empty, r.name
        if r.parent_id:
            children.setdefault(r.parent_id, []).append(r)
    for parent_id, kids in children.items():
        parent = shape(regions[parent_id].boundary)
        union = shapely.union_all([shape(k.boundary) for k in kids])
        for k in kids:
            assert parent.buffer(1e-6).contains(shape(k.boundary)), k.name
        # the union equals the parent up to slivers thinner than the 1e-6° snapping grid
        assert union.symmetric_difference(parent).buffer(-2e-6).is_empty, regions[parent_id].name


def test_small_venues_include_centres_mediation_and_informant_stations(small):
    kinds = set(Venue.objects.values_list("kind", flat=True))
    assert {"party_mass_centre", "pioneer_station", "neighbourhood_point", "mediation_studio",
            "informant_station"} <= kinds
    assert Venue.objects.filter(kind="party_mass_centre").count() == 2 + 6


def test_generation_is_deterministic_for_a_seed(db):
    generate("small", SEED, hooks=False)
    first = _region_names_codes()
    people = list(Person.objects.order_by("id_number").values_list("id_number", "name", "address", "lng", "lat"))
    _wipe()
    generate("small", SEED, hooks=False)
    assert _region_names_codes() == first
    assert list(Person.objects.order_by("id_number").values_list("id_number", "name", "address", "lng", "lat")) == people


def _wipe() -> None:

    from jishi.org.models import Department

    StaffAssignment.objects.all().delete()
    Person.objects.all().delete()
    Household.objects.all().delete()
    Venue.objects.all().delete()
    PartyOrganization.objects.update(parent=None)
    PartyOrganization.objects.all().delete()
    Department.objects.update(parent=None)
    Department.objects.all().delete()
    Region.objects.update(parent=None, town=None, village=None, grid=None, microgrid=None)
    Region.objects.all().delete()
    get_user_model().objects.all().delete()


def test_another_seed_gives_another_city(db):
    a = make_plan("small", SEED)
    b = make_plan("small", SEED + 1)
    assert [v.name for v in a.villages()] != [v.name for v in b.villages()]
    assert a.totals()["volunteers"] == b.totals()["volunteers"]


def test_if_empty_does_nothing_on_a_non_empty_database(city):
    before = Region.objects.count(), Person.objects.count()
    out = StringIO()
    call_command("demo", "--scale", "small", "--if-empty", stdout=out)
    assert (Region.objects.count(), Person.objects.count()) == before
    assert "跳过" in out.getvalue()


def test_demo_refuses_a_non_empty_database_without_if_empty(city):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("demo", "--scale", "small", stdout=StringIO())


def test_demo_command_prints_counts_and_writes_one_audit_record_per_step(db):
    out = StringIO()
    call_command("demo", "--scale", "small", "--seed", "7", stdout=out)
    text = out.getvalue()
    for label in ("网格党组织", "微网格志愿者", "居民", "用时"):
        assert label in text
    org_steps = ["demo.regions", "demo.structure", "demo.people", "demo.logins", "demo.hooks"]
    actions = list(AuditRecord.objects.filter(action__in=org_steps).values_list("action", "actor_name"))
    assert sorted(a for a, _ in actions) == sorted(org_steps)
    assert {name for _, name in actions} == {"system"}
    # bulk data (regions, people, cases, points …) is one record per step, not per row; the evaluation demo
    # and the data-request demo replay their workflows through the services, each step audited as a user's would be
    bulk = AuditRecord.objects.exclude(action__startswith="evaluation.").exclude(action__startswith="burden.")
    assert bulk.count() < 20 < Person.objects.count()


def test_every_demo_login_can_log_in_and_has_its_role(small, client):
    assert {x.username for x in small.logins} == {r.value for r in LOGIN_ROLES}
    for role in LOGIN_ROLES:
        assert client.login(username=role.value, password=DEMO_PASSWORD), role

        user = get_user_model().objects.get(username=role.value)
        assert role.value in roles_of(user), (role, roles_of(user))
        client.logout()
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff


def test_demo_logins_command_prints_a_table(small):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for role in LOGIN_ROLES:
        assert role.value in text
    assert "网格长" in text and DEMO_PASSWORD in text


def test_domain_demo_hooks_are_called_with_a_context(db, monkeypatch, tmp_path):
    import sys
    import types

    seen = []
    module = types.ModuleType("jishi.cases.demo")
    module.generate = lambda ctx: seen.append((ctx.scale, ctx.seed, ctx.today.year, ctx.rng.random() < 1))
    monkeypatch.setitem(sys.modules, "jishi.cases.demo", module)
    import importlib.util as iu

    real = iu.find_spec
    monkeypatch.setattr(iu, "find_spec", lambda name, *a: module.__spec__ or True if name == "jishi.cases.demo"
                        else real(name, *a))
    result = generate("small", SEED)
    assert seen == [("small", SEED, 2026, True)]
    assert any(h.startswith("jishi.cases") for h in result.hooks)
