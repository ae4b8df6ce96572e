"""Org endpoints see through the same data scope as the pages, for several roles."""

from __future__ import annotations

import pytest

from jishi.org.models import Region


def _names(client, **params) -> set[str]:
    names, cursor = set(), None
    while True:
        r = client.get("/api/v1/org/regions", {**params, **({"cursor": cursor} if cursor else {}), "limit": 7})
        assert r.status_code == 200, r.content
        names |= {x["name"] for x in r.json()["items"]}
        cursor = r.json()["next_cursor"]
        if not cursor:
            return names


@pytest.mark.parametrize(("role", "level", "expected"), [
    ("city_commander", "town", {"A镇", "B镇"}),
    ("town_commander", "village", {"A1村", "A2村"}),
    ("town_commander_b", "village", {"B1村", "B2村"}),
    ("village_cadre", "grid", {"A1a网格", "A1b网格"}),
    ("grid_worker", "microgrid", {"A1a1微网格", "A1a2微网格"}),
    ("grid_worker", "village", set()),
    ("volunteer", "microgrid", {"A1a1微网格"}),
    ("dept_urban", "grid", set()),
    ("resident", "grid", set()),
    ("nobody", "town", set()),
])
def test_regions_are_limited_to_the_callers_scope(bearer, role, level, expected):
    assert _names(bearer(role), level=level) == expected


def test_regions_filter_by_parent_and_page_through_every_row_once(bearer, city):
    client = bearer("admin")
    assert _names(client, parent=city.regions["A1"].pk) == {"A1a网格", "A1b网格"}
    ids, cursor = [], None
    while True:
        page = client.get("/api/v1/org/regions", {"limit": 5, **({"cursor": cursor} if cursor else {})}).json()
        ids += [x["id"] for x in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(ids) == ids and ids == list(Region.objects.order_by("id").values_list("id", flat=True))


def test_a_region_outside_the_scope_is_404(bearer, city):
    client = bearer("town_commander")
    assert client.get(f"/api/v1/org/regions/{city.regions['A1a'].pk}").status_code == 200
    r = client.get(f"/api/v1/org/regions/{city.regions['B1a'].pk}")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_region_detail_carries_its_boundary(bearer, city):
    body = bearer("grid_worker").get(f"/api/v1/org/regions/{city.regions['A1a'].pk}").json()
    assert body["boundary"]["type"] == "Polygon" and body["level"] == "grid" and body["village_id"] == city.regions["A1"].pk


def _people(client, **params) -> dict[str, dict]:
    r = client.get("/api/v1/org/people", {"limit": 200, **params})
    assert r.status_code == 200, r.content
    return {p["name"]: p for p in r.json()["items"]}


def test_a_grid_worker_sees_the_people_of_their_grid_unmasked(bearer):
    people = _people(bearer("grid_worker"))
    assert "张居民" in people and "B1a网格员" not in people
    assert people["张居民"]["phone"] == "13800000000" and people["张居民"]["masked"] is False


def test_a_town_commander_sees_people_masked(bearer):
    people = _people(bearer("town_commander"))
    assert "张居民" in people and "B1a网格员" not in people
    p = people["张居民"]
    assert p["masked"] is True and p["phone"] == "138****0000" and p["id_number"] == "320281********1234"


def test_a_masked_viewer_cannot_find_a_person_by_full_phone_number(bearer):
    r = bearer("town_commander").get("/api/v1/org/people", {"q": "13800000000"})
    assert r.status_code == 422 and r.json()["code"] == "number_search_refused"  # tests/privacy: the whole rule
    assert "张居民" in _people(bearer("grid_worker"), q="13800000000")


def test_a_resident_sees_only_themselves(bearer):
    assert set(_people(bearer("resident"))) == {"张居民"}


def test_departments_are_visible_to_their_own_handlers(bearer):
    r = bearer("dept_urban").get("/api/v1/org/departments")
    assert [d["name"] for d in r.json()] == ["城市管理局"]
    assert {d["name"] for d in bearer("admin").get("/api/v1/org/departments").json()} == {"城市管理局", "水利局"}
    assert len(bearer("town_commander").get("/api/v1/org/departments").json()) == 2  # to dispatch to
    assert bearer("resident").get("/api/v1/org/departments").json() == []


def test_the_session_of_a_logged_in_page_also_authenticates(client, login):
    login("village_cadre")
    r = client.get("/api/v1/org/regions", {"level": "grid"})
    assert r.status_code == 200 and {x["name"] for x in r.json()["items"]} == {"A1a网格", "A1b网格"}
