"""The case API after review: reporting on behalf of a resident (``on_behalf_of``), and every integer
path/query/body parameter refusing values no 64-bit id can have with a 422 problem (never a 500)."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client

from jishi.cases.models import Case
from jishi.http.types import MAX_ID
from jishi.org.models import Person


def _post(client: Client, url: str, body: dict | None = None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def _body(city, where: str = "A1a1", **extra) -> dict:
    lng, lat = city.point_in(where)
    return {"channel": "patrol", "category": "0101", "title": "楼道灯坏了", "lng": lng, "lat": lat, **extra}


def test_a_grid_worker_reports_for_a_resident_who_then_sees_and_rates_it(city, bearer):
    resident = city.people["resident"]
    r = _post(bearer("grid_worker"), "/api/v1/cases", _body(city, on_behalf_of=resident.pk))
    assert r.status_code == 201, r.content
    case = r.json()
    assert case["reporter_name"] == "张居民"
    first = case["timeline"][0]
    assert (first["verb"], first["actor_role"], first["note"]) == ("report", "grid_worker", "代居民上报")
    assert first["data"]["on_behalf_of"] == resident.pk
    assert Case.objects.get(pk=case["id"]).reporter_user == city.user("resident")
    assert bearer("resident").get(f"/api/v1/cases/{case['id']}").status_code == 200


def test_on_behalf_of_a_resident_outside_scope_is_404_and_creates_nothing(city, bearer):
    r = _post(bearer("grid_worker_b"), "/api/v1/cases", _body(city, "B1a1", on_behalf_of=city.people["resident"].pk))
    assert r.status_code == 404
    assert "数据范围" in r.json()["detail"] or "数据范围" in json.dumps(r.json(), ensure_ascii=False)
    assert not Case.objects.exists()


def test_on_behalf_of_a_person_who_does_not_exist_is_404(city, bearer):
    r = _post(bearer("grid_worker"), "/api/v1/cases", _body(city, on_behalf_of=99_999_999))
    assert r.status_code == 404
    assert not Case.objects.exists()


def test_a_resident_cannot_report_for_someone_else(city, bearer):
    neighbour = Person(name="邻居", phone="13700000001")
    neighbour.place_in(city.regions["A1a1"])
    neighbour.save()
    r = _post(bearer("resident"), "/api/v1/cases", _body(city, channel="resident", on_behalf_of=neighbour.pk))
    assert r.status_code == 403
    assert not Case.objects.exists()


TOO_BIG = str(2**63)
NEGATIVE_HUGE = str(-(2**63) - 1)


@pytest.mark.parametrize("url", [
    f"/api/v1/cases/{TOO_BIG}", "/api/v1/cases/0", f"/api/v1/cases/{2**70}",
    f"/api/v1/cases?town={TOO_BIG}", f"/api/v1/cases?village={TOO_BIG}", "/api/v1/cases?grid=0",
    f"/api/v1/cases?department={TOO_BIG}", f"/api/v1/org/regions/{TOO_BIG}", f"/api/v1/org/regions?parent={TOO_BIG}",
    f"/api/v1/org/people?grid={TOO_BIG}",
])
def test_an_id_outside_the_64_bit_range_is_422_on_get(city, bearer, url):
    r = bearer("city_commander").get(url)
    assert r.status_code == 422, (url, r.status_code, r.content)


def test_a_cursor_carrying_an_id_outside_the_64_bit_range_is_422(city, bearer):
    for values in (["2026-01-01T00:00:00+00:00", 2**63], ["2026-01-01T00:00:00+00:00", int(NEGATIVE_HUGE)]):
        cursor = base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")
        r = bearer("city_commander").get("/api/v1/cases", {"cursor": cursor})
        assert r.status_code == 422, r.content
    r = bearer("city_commander").get("/api/v1/org/regions", {"cursor": base64.urlsafe_b64encode(
        json.dumps([2**64]).encode()).decode().rstrip("=")})
    assert r.status_code == 422, r.content


@pytest.mark.parametrize("verb,body", [
    ("dispatch", {"region": 2**63}), ("dispatch", {"department": 2**63}), ("whistle", {"departments": [2**64]}),
    ("whistle", {"departments": ["D01"], "lead": 2**63, "reason": "x"}),
])
def test_an_id_outside_the_64_bit_range_is_422_in_a_verbs_body(city, bearer, verb, body):
    cid = _post(bearer("grid_worker"), "/api/v1/cases", _body(city)).json()["id"]
    town = bearer("town_commander")
    assert _post(town, f"/api/v1/cases/{cid}/accept").status_code == 200
    r = _post(town, f"/api/v1/cases/{cid}/{verb}", body)
    assert r.status_code == 422, r.content
    assert Case.objects.get(pk=cid).state == "accepted"
    big = _post(town, f"/api/v1/cases/{TOO_BIG}/accept")
    assert big.status_code == 422


def test_a_numeric_department_code_too_big_for_an_id_is_not_found_not_a_crash(city, bearer):
    cid = _post(bearer("grid_worker"), "/api/v1/cases", _body(city)).json()["id"]
    town = bearer("town_commander")
    _post(town, f"/api/v1/cases/{cid}/accept")
    r = _post(town, f"/api/v1/cases/{cid}/dispatch", {"department": "9" * 30})
    assert r.status_code == 422 and Case.objects.get(pk=cid).state == "accepted"


def test_max_id_itself_is_accepted_and_simply_not_found(city, bearer):
    assert bearer("city_commander").get(f"/api/v1/cases/{MAX_ID}").status_code == 404


@pytest.mark.parametrize("moment", ["0060-06-27T14:53:35+21:28", "9999-12-31T23:59:59Z", "1899-12-31T00:00:00Z"])
def test_a_created_range_outside_the_records_years_is_422_not_a_database_error(city, bearer, moment):
    r = bearer("city_commander").get("/api/v1/cases", {"created_after": moment})
    assert r.status_code == 422
    assert r.json()["field"] == "created_after" or "created_after" in json.dumps(r.json())


def test_a_created_range_with_an_odd_offset_is_normalised(city, bearer):
    r = bearer("city_commander").get("/api/v1/cases", {"created_after": "2026-01-01T00:00:00+13:45"})
    assert r.status_code == 200


def test_a_cursor_carrying_an_impossible_time_is_422(city, bearer):
    cursor = base64.urlsafe_b64encode(json.dumps(["0060-06-27T14:53:35+21:28", 5]).encode()).decode().rstrip("=")
    assert bearer("city_commander").get("/api/v1/cases", {"cursor": cursor}).status_code == 422
