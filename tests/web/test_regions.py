"""Region tree, detail, GeoJSON and the grid-force check, all within the viewer's scope."""

from __future__ import annotations

import pytest

from jishi.org.choices import Role
from jishi.org.gridforce import grid_force, short_grids
from jishi.org.models import Person, StaffAssignment, Venue

pytestmark = pytest.mark.django_db


def names(regions) -> set[str]:
    return {r.name for r in regions}


def test_city_commander_tree_starts_with_the_towns(client, login):
    login("city_commander")
    assert names(client.get("/regions/").context["roots"]) == {"A镇", "B镇"}


def test_town_commander_tree_shows_their_town_and_its_villages(client, login):
    login("town_commander")
    response = client.get("/regions/")
    assert names(response.context["roots"]) == {"A镇"}
    assert names(response.context["expanded"]) == {"A1村", "A2村"}
    assert "B1村" not in response.content.decode()


def test_grid_worker_tree_is_their_grid_and_micro_grids(client, login):
    login("grid_worker")
    response = client.get("/regions/")
    assert names(response.context["roots"]) == {"A1a网格"}
    assert names(response.context["expanded"]) == {"A1a1微网格", "A1a2微网格"}


def test_tree_children_fragment_lazy_loads_in_scope(client, login, city):
    login("town_commander")
    response = client.get(f"/regions/{city.regions['A1'].pk}/children")
    assert response.status_code == 200
    assert "A1a网格" in response.content.decode()
    assert client.get(f"/regions/{city.regions['B1'].pk}/children").status_code == 404


def test_region_detail_outside_scope_is_404_not_403(client, login, city):
    login("grid_worker")
    assert client.get(f"/regions/{city.regions['B1a'].pk}/").status_code == 404
    assert client.get(f"/regions/{city.regions['A1'].pk}/").status_code == 404  # the parent village too
    assert client.get("/regions/999999/").status_code == 404


def test_region_detail_shows_breadcrumb_and_grid_force(client, login, city):
    login("grid_worker")
    response = client.get(f"/regions/{city.regions['A1a'].pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "A镇" in html and "A1村" in html  # the parent chain
    force = response.context["force"]
    # The test city posts a leader and a worker in A1a, a liaison and one volunteer in micro-grid A1a1.
    assert force.counts == {Role.GRID_LEADER: 1, Role.GRID_WORKER: 1, Role.MICROGRID_LIAISON: 1, Role.VOLUNTEER: 1}
    assert force.shortfalls == {Role.VOLUNTEER: 2, Role.LINE_SPECIALIST: 1}
    assert "配备不足" in html


def test_region_detail_lists_venues_with_opening_hours(client, login, city):
    grid = city.regions["A1a"]
    venue = Venue(name="A1a先锋驿站", kind="pioneer_station", region=grid, lng=120.2, lat=31.8, opening_hours="8:30-17:30")
    venue.place_in(grid)
    venue.save()
    login("village_cadre")
    html = client.get(f"/regions/{grid.pk}/").content.decode()
    assert "A1a先锋驿站" in html and "8:30-17:30" in html


def test_region_detail_query_count_is_bounded(client, login, city, django_assert_max_num_queries):
    login("town_commander")
    with django_assert_max_num_queries(22):
        assert client.get(f"/regions/{city.regions['A'].pk}/").status_code == 200


def test_geojson_returns_only_visible_children(client, login, city):
    login("town_commander")
    data = client.get(f"/regions/geojson?parent={city.regions['A'].pk}").json()
    assert {f["properties"]["name"] for f in data["features"]} == {"A1村", "A2村"}
    assert client.get(f"/regions/geojson?parent={city.regions['B'].pk}").status_code == 404
    assert client.get(f"/regions/geojson?id={city.regions['B1'].pk}").status_code == 404


def test_geojson_roots_for_city_commander_are_towns(client, login):
    login("city_commander")
    data = client.get("/regions/geojson").json()
    assert {f["properties"]["name"] for f in data["features"]} == {"A镇", "B镇"}
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in data["features"])


def test_department_handler_sees_no_region_tree(client, login, city):
    login("dept_urban")
    response = client.get("/regions/")
    assert response.context["roots"] == []
    assert client.get(f"/regions/{city.regions['A'].pk}/").status_code == 404
    assert client.get("/regions/geojson").json()["features"] == []


def _post(person: Person, role: str, region) -> None:
    a = StaffAssignment(person=person, role=role, region=region)
    a.place_in(region)
    a.save()


def test_grid_force_complete_when_one_one_one_three_n(city):
    grid = city.regions["A1a"]
    micro = city.regions["A1a2"]
    for i, role in enumerate([Role.VOLUNTEER, Role.VOLUNTEER, Role.LINE_SPECIALIST]):
        p = Person.objects.create(name=f"力量{i}")
        _post(p, role, grid if role == Role.LINE_SPECIALIST else micro)
    # A1a already has a leader, a worker, a liaison and one volunteer in A1a1: now 3 volunteers, 1 specialist.
    force = grid_force([grid.pk])[grid.pk]
    assert force.complete, force.shortfalls
    assert grid.pk not in {g.grid_id for g in short_grids([grid.pk, city.regions["B1a"].pk])}


def test_grid_force_counts_only_active_posts(city):
    grid = city.regions["A1a"]
    StaffAssignment.objects.filter(grid=grid, role=Role.GRID_LEADER).update(is_active=False)
    assert grid_force([grid.pk])[grid.pk].shortfalls[Role.GRID_LEADER] == 1


def test_grid_force_checks_many_grids_in_one_query(city, django_assert_num_queries):
    ids = [city.regions[k].pk for k in ("A1a", "A1b", "B1a", "B2b")]
    with django_assert_num_queries(1):
        result = grid_force(ids)
    assert result[city.regions["A1b"].pk].shortfalls[Role.VOLUNTEER] == 3


def test_gridforce_page_lists_short_grids_in_scope(client, login):
    login("town_commander")
    response = client.get("/regions/gridforce/")
    html = response.content.decode()
    assert response.context["grid_count"] == 4
    assert "A1b网格" in html and "B1a网格" not in html


def test_gridforce_page_narrows_to_one_village(client, login, city):
    login("town_commander")
    response = client.get(f"/regions/gridforce/?within={city.regions['A2'].pk}")
    assert response.context["grid_count"] == 2
    assert "A2a网格" in response.content.decode() and "A1b网格" not in response.content.decode()
    assert client.get(f"/regions/gridforce/?within={city.regions['B1'].pk}").status_code == 404


def test_geojson_simplifies_big_levels_but_not_grids(client, login, city):
    import math

    from jishi.org.models import Region

    def wiggly(cx: float, cy: float, r: float, n: int = 2000) -> dict:
        ring = [[cx + r * math.cos(2 * math.pi * i / n) * (1 + 0.0005 * math.sin(40 * i)),
                 cy + r * math.sin(2 * math.pi * i / n)] for i in range(n)]
        return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}

    Region.objects.filter(pk=city.regions["A"].pk).update(boundary=wiggly(120.22, 31.84, 0.02))
    Region.objects.filter(pk=city.regions["A1a"].pk).update(boundary=wiggly(120.21, 31.82, 0.005))
    login("city_commander")
    town = client.get(f"/regions/geojson?id={city.regions['A'].pk}").json()["features"][0]
    grid = client.get(f"/regions/geojson?id={city.regions['A1a'].pk}").json()["features"][0]
    assert len(town["geometry"]["coordinates"][0]) < 200
    assert len(grid["geometry"]["coordinates"][0]) == 2001
