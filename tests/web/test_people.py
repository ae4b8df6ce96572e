"""People search: scoped, masked for roles that do not need personal data, paginated, no N+1."""

from __future__ import annotations

import pytest

from jishi.org.models import Household, Person

pytestmark = pytest.mark.django_db


def add_residents(city, key: str, n: int, prefix: str = "测试") -> list[Person]:
    region = city.regions[key]
    hh = Household(code=f"H-{key}-X", address=f"{region.name}幸福路8号")
    hh.place_in(region)
    hh.save()
    people = []
    for i in range(n):
        p = Person(name=f"{prefix}{i:03d}", phone=f"139{i:08d}", id_number=f"32028119800101{i:04d}",
                   household=hh, address=f"{region.name}幸福路8号")
        p.place_in(region)
        people.append(p)
    return Person.objects.bulk_create(people)


def test_grid_worker_sees_full_phone_of_residents_in_their_grid(client, login, city):
    add_residents(city, "A1a1", 1, prefix="王")
    login("grid_worker")
    html = client.get("/people/", {"q": "王"}).content.decode()
    assert "13900000000" in html
    assert "A1a1微网格幸福路8号" in html


def test_commander_sees_masked_phone_id_and_address(client, login, city):
    add_residents(city, "A1a1", 1, prefix="王")
    login("town_commander")
    html = client.get("/people/", {"q": "王"}).content.decode()
    assert "王000" in html
    assert "13900000000" not in html and "139****0000" in html
    assert "320281198001010000" not in html and "320281********0000" in html
    assert "幸福路8号" not in html


def test_search_stays_within_scope(client, login, city):
    add_residents(city, "B1a1", 1, prefix="赵")
    login("grid_worker")
    response = client.get("/people/", {"q": "赵"})
    assert response.context["page"].paginator.count == 0
    login("grid_worker_b")
    assert client.get("/people/", {"q": "赵"}).context["page"].paginator.count == 1


def test_search_by_full_phone_and_id_suffix(client, login, city):
    add_residents(city, "A1a1", 3, prefix="钱")
    login("grid_worker")
    assert [r.person.name for r in client.get("/people/", {"q": "13900000002"}).context["rows"]] == ["钱002"]
    assert [r.person.name for r in client.get("/people/", {"q": "0001"}).context["rows"]] == ["钱001"]
    assert [r.person.name for r in client.get("/people/", {"q": "320281198001010002"}).context["rows"]] == ["钱002"]


def test_search_paginates_fifty_per_page_without_n_plus_one(client, login, city, django_assert_max_num_queries):
    add_residents(city, "A1a1", 120, prefix="孙")
    login("village_cadre")
    with django_assert_max_num_queries(12):
        response = client.get("/people/", {"q": "孙"})
    assert len(response.context["rows"]) == 50
    assert response.context["page"].paginator.count == 120
    with django_assert_max_num_queries(12):
        last = client.get("/people/", {"q": "孙", "page": 3})
    assert len(last.context["rows"]) == 20


def test_person_detail_lists_household_members(client, login, city):
    members = add_residents(city, "A1a1", 3, prefix="周")
    login("grid_worker")
    response = client.get(f"/people/{members[0].pk}/")
    assert response.status_code == 200
    assert {m.person.name for m in response.context["members"]} == {"周000", "周001", "周002"}


def test_person_outside_scope_is_404(client, login, city):
    other = add_residents(city, "B1a1", 1)[0]
    login("grid_worker")
    assert client.get(f"/people/{other.pk}/").status_code == 404


def test_person_detail_query_count_does_not_grow_with_household_size(client, login, city, django_assert_max_num_queries):
    members = add_residents(city, "A1a1", 12, prefix="吴")
    login("grid_worker")
    with django_assert_max_num_queries(14):
        response = client.get(f"/people/{members[0].pk}/")
    assert len(response.context["members"]) == 12


def test_resident_sees_only_themselves(client, login, city):
    add_residents(city, "A1a1", 2, prefix="郑")
    login("resident")
    names = [r.person.name for r in client.get("/people/").context["rows"]]
    assert names == ["张居民"]
