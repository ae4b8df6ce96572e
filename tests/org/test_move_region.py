"""Moving a region to another parent (``org.services.move_region``): the region, its descendants and every
row placed in them (people, households, posts, cases, ...) follow at once, so data scope is right the moment
the move commits; one audit row; an illegal move is refused in Chinese and changes nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from jishi.cases.choices import Channel
from jishi.cases.models import Case
from jishi.cases.services import report_case
from jishi.core.errors import Conflict, PermissionDenied, ValidationFailed
from jishi.core.models import AuditRecord
from jishi.org.choices import Role
from jishi.org.imports.geojson_regions import import_regions
from jishi.org.models import Household, Person, Region, StaffAssignment
from jishi.org.policy import actor_for_user, system_actor
from jishi.org.services import located_models, move_region
from tests.factories import PASSWORD
from tests.scope_helpers import visible


def cadre_of(city, village_key: str):
    """A village cadre login for ``village_key``."""
    user = get_user_model().objects.create_user(f"cadre_{village_key}", password=PASSWORD)
    village = city.regions[village_key]
    person = Person(name=f"{village_key}村干部", user=user)
    person.place_in(village)
    person.save()
    post = StaffAssignment(person=person, role=Role.VILLAGE_CADRE, region=village)
    post.place_in(village)
    post.save()
    return user


def a_case_in(city, key: str) -> Case:
    lng, lat = city.point_in(key)
    return report_case(city.user("grid_worker"), channel=Channel.PATROL, category_code="0101", title="路边暴露垃圾",
                       lng=lng, lat=lat)


def columns(obj) -> tuple:
    obj.refresh_from_db()
    return obj.town_id, obj.village_id, obj.grid_id, obj.microgrid_id


def snapshot() -> list:
    """Every region's place in the tree and every located row's ancestor columns."""
    rows = [list(Region.objects.order_by("pk").values_list("pk", "parent_id", "path", "code", "town_id",
                                                            "village_id", "grid_id", "microgrid_id"))]
    for model in located_models():
        rows.append(list(model._base_manager.order_by("pk").values_list("pk", "town_id", "village_id", "grid_id",
                                                                         "microgrid_id")))
    return rows


def test_located_models_are_found_through_the_registry_without_org_naming_them(db):
    labels = {m._meta.label_lower for m in located_models()}
    assert {"org.person", "org.household", "org.staffassignment", "org.venue", "cases.case", "points.account",
            "points.claim"} <= labels
    assert "org.region" not in labels


def test_moving_a_grid_to_another_village_carries_everything_placed_in_it(city):
    grid, old_village, new_village = city.regions["A1a"], city.regions["A1"], city.regions["B1"]
    micro = city.regions["A1a1"]
    case = a_case_in(city, "A1a1")
    old_cadre, new_cadre = city.user("village_cadre"), cadre_of(city, "B1")
    resident, household = city.people["resident"], Household.objects.get(code="H-A1a1-001")
    worker_post = StaffAssignment.objects.get(person=city.people["grid_worker"])
    untouched = columns(city.regions["A1b1"])
    assert Case.objects.restrict(actor_for_user(old_cadre)).filter(pk=case.pk).exists()
    assert not Case.objects.restrict(actor_for_user(new_cadre)).filter(pk=case.pk).exists()

    counts = move_region(city.user("admin"), grid, new_village)

    new_town = city.regions["B"].pk
    assert grid.parent_id == new_village.pk and grid.path == f"{new_village.path}{grid.pk}/"
    micro.refresh_from_db()
    assert micro.path == f"{new_village.path}{grid.pk}/{micro.pk}/"
    assert columns(micro) == (new_town, new_village.pk, grid.pk, micro.pk)
    for row in (case, resident, household, worker_post):
        assert columns(row)[:3] == (new_town, new_village.pk, grid.pk), row
    assert columns(case)[3] == micro.pk
    assert columns(city.regions["A1b1"]) == untouched
    # Data scope follows: the new village's cadre sees the case, people and households; the old one's no longer.
    for model, pk in ((Case, case.pk), (Person, resident.pk), (Household, household.pk)):
        assert model.objects.restrict(actor_for_user(new_cadre)).filter(pk=pk).exists(), model
        assert not model.objects.restrict(actor_for_user(old_cadre)).filter(pk=pk).exists(), model
    assert visible(Case.objects.all(), city.user("town_commander_b")).filter(pk=case.pk).exists()
    assert not visible(Case.objects.all(), city.user("town_commander")).filter(pk=case.pk).exists()
    # One audit row, with where from, where to and how many rows changed.
    audit = AuditRecord.objects.get(action="region.move")
    assert audit.object_id == str(grid.pk)
    assert audit.data["from_parent"] == old_village.pk and audit.data["to_parent"] == new_village.pk
    assert audit.data["counts"]["org.region"] == 3  # the grid and its two micro-grids
    assert audit.data["counts"]["cases.case"] == 1
    assert audit.data["counts"]["org.person"] == Person.objects.filter(grid=grid).count() == counts["org.person"]


def test_the_system_may_move_and_moving_to_the_same_parent_changes_nothing(city):
    grid = city.regions["A1a"]
    before = snapshot()
    assert move_region(None, grid, city.regions["A1"]) == {}
    assert snapshot() == before and not AuditRecord.objects.filter(action="region.move").exists()
    move_region(system_actor(), city.regions["A1"], city.regions["B"])  # a village to another town
    assert columns(city.regions["A1a1"])[:2] == (city.regions["B"].pk, city.regions["A1"].pk)


@pytest.mark.parametrize(("region", "parent", "error", "words"), [
    ("A1a", "B", ValidationFailed, "只能放在村/社区之下"),      # a grid under a town
    ("A1", "A1a", ValidationFailed, "它自己或它的下级"),       # a village under its own grid
    ("A1a", "A1a", ValidationFailed, "它自己或它的下级"),
    ("city", "A", ValidationFailed, "根区域"),
])
def test_an_illegal_move_is_refused_in_chinese_and_changes_nothing(city, region, parent, error, words):
    a_case_in(city, "A1a1")
    before = snapshot()
    with pytest.raises(error) as refused:
        move_region(city.user("admin"), city.regions[region], city.regions[parent])
    assert words in refused.value.message
    assert snapshot() == before
    assert not AuditRecord.objects.filter(action="region.move").exists()


def test_a_code_taken_under_the_new_parent_is_a_conflict(city):
    grid = city.regions["A1a"]
    before = snapshot()
    grid.code = city.regions["B1a"].code  # e.g. an admin form changing code and parent in one save
    with pytest.raises(Conflict, match="已有编码"):
        move_region(city.user("admin"), grid, city.regions["B1"])
    assert snapshot() == before


def test_only_the_admin_may_move_regions(city):
    before = snapshot()
    for who in ("city_commander", "town_commander", "village_cadre"):
        with pytest.raises(PermissionDenied):
            move_region(city.user(who), city.regions["A1a"], city.regions["A2"])
    assert snapshot() == before


# --- through the admin and the GeoJSON import ------------------------------------------------------

def change_form(region: Region, **changes) -> dict:
    data = {"kind": region.kind, "code": region.code, "name": region.name, "parent": region.parent_id,
            "lng": region.lng or "", "lat": region.lat or "", "area_km2": region.area_km2 or "", "sort": region.sort}
    return {**data, **changes}


def test_changing_the_parent_in_the_admin_moves_the_region(client, login, city):
    login("admin")
    grid, new_village = city.regions["A1a"], city.regions["B1"]
    response = client.post(f"/admin/org/region/{grid.pk}/change/",
                           change_form(grid, parent=new_village.pk, name="搬迁网格"))
    assert response.status_code == 302, response.content.decode()[:3000]
    grid.refresh_from_db()
    assert (grid.name, grid.parent_id, grid.path) == ("搬迁网格", new_village.pk, f"{new_village.path}{grid.pk}/")
    assert columns(city.people["resident"])[1] == new_village.pk
    assert AuditRecord.objects.filter(action="region.move", object_id=str(grid.pk)).count() == 1


def test_an_illegal_parent_in_the_admin_is_a_form_error_and_changes_nothing(client, login, city):
    login("admin")
    grid = city.regions["A1a"]
    before = snapshot()
    response = client.post(f"/admin/org/region/{grid.pk}/change/", change_form(grid, parent=city.regions["B"].pk))
    assert response.status_code == 200
    assert "只能放在村/社区之下" in response.content.decode()
    assert snapshot() == before


def test_other_admin_edits_save_as_before_and_non_admins_cannot_change_the_parent(client, login, city):
    login("admin")
    grid = city.regions["A1a"]
    response = client.post(f"/admin/org/region/{grid.pk}/change/", change_form(grid, name="改名网格"))
    assert response.status_code == 302
    grid.refresh_from_db()
    assert grid.name == "改名网格" and grid.parent_id == city.regions["A1"].pk
    assert not AuditRecord.objects.filter(action="region.move").exists()
    commander = city.user("city_commander")
    commander.is_staff = True
    commander.save()
    from django.contrib.auth.models import Permission
    commander.user_permissions.add(*Permission.objects.filter(codename__in=["view_region", "change_region"]))
    client.force_login(commander)
    client.post(f"/admin/org/region/{grid.pk}/change/", change_form(grid, parent=city.regions["A2"].pk))
    grid.refresh_from_db()
    assert grid.parent_id == city.regions["A1"].pk


def test_a_geojson_import_that_reparents_an_existing_grid_moves_it(city):
    grid, new_village = city.regions["A1a"], city.regions["B1"]
    feature = {"type": "Feature", "geometry": city.regions["B1a"].boundary,
               "properties": {"code": grid.code, "name": grid.name, "level": "网格", "parent_code": new_village.code}}
    data = {"type": "FeatureCollection", "features": [feature]}
    refused = import_regions(city.user("city_commander"), data)
    assert [p.column for p in refused.problems] == ["parent_code"]
    assert "只有系统管理员" in refused.problems[0].reason
    report = import_regions(city.user("admin"), data)
    assert report.ok, report.problems
    assert report.counts == {"区域新增": 0, "区域更新": 1, "区域移动": 1}
    assert columns(city.regions["A1a1"])[:2] == (city.regions["B"].pk, new_village.pk)
    assert columns(city.people["resident"])[1] == new_village.pk
    assert AuditRecord.objects.filter(action="region.move", object_id=str(grid.pk)).count() == 1


def test_the_move_is_a_few_bulk_statements_whatever_the_number_of_rows(city):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements(grid_key: str, to: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            move_region(None, city.regions[grid_key], city.regions[to])
        return len(ctx)

    few = statements("A2a", "B2")
    for n in range(25):
        hh = Household(code=f"H-A2b-{n:03d}", address="A2村")
        hh.place_in(city.regions["A2b1"])
        hh.save()
    assert statements("A2b", "B2") == few
