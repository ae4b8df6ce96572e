"""The whole case loop through the API alone, each step by the system that does it in the city: the 12345 hotline
system reports, the town's command system accepts and dispatches, the department's own system acknowledges and
handles, the grid app verifies, the town closes, the resident's app rates — one port (or token) each."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from jishi.core import calendar
from jishi.platform import clients, tokens


@pytest.fixture(autouse=True)
def _calendar():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


def _port(city, name, kind, account, scopes, **limit) -> Client:
    port = clients.open_client(city.user("admin"), name=name, kind=kind, owner=city.user("admin"),
                               account=city.user(account), scopes=scopes, **limit)
    _, text = clients.issue_token(city.user("admin"), port.pk, name=f"{name} 令牌")
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def _post(client, url, body=None, key=None):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    r = client.post(url, json.dumps(body or {}), content_type="application/json", **extra)
    assert r.status_code in (200, 201), (url, r.content)
    return r.json()


def test_a_hotline_case_goes_round_the_loop_through_each_systems_port(city):
    hotline = _port(city, "12345 热线系统", "hotline", "city_commander", ["cases:write", "cases:read"])
    town = _port(city, "A镇指挥系统", "town", "town_commander", ["cases:read", "cases:act"], region=city.regions["A"])
    dept = _port(city, "城管业务系统", "department", "dept_urban", ["cases:read", "cases:act"],
                 department=city.departments["urban"])
    grid = _port(city, "网格通 App", "village", "grid_worker", ["cases:read", "cases:act"], region=city.regions["A1a"])
    _, resident_text = tokens.create_token(None, city.user("resident"), "居民 App", ["cases:read", "cases:act"])
    resident = Client(HTTP_AUTHORIZATION=f"Bearer {resident_text}")

    lng, lat = city.point_in("A1a1")
    body = {"channel": "hotline", "category": "0101", "title": "小区门口垃圾堆积", "lng": lng, "lat": lat,
            "external_ref": "12345-20261127-0042", "reporter_name": "张居民", "reporter_phone": "13800000000"}
    case = _post(hotline, "/api/v1/cases", body)
    again = _post(hotline, "/api/v1/cases", body)  # the hotline system retries after a timeout
    assert again["id"] == case["id"] and case["state"] == "reported"
    url = f"/api/v1/cases/{case['id']}"
    assert dept.get(url).status_code == 404  # not the department's case yet

    assert _post(town, f"{url}/accept", key="t-1")["state"] == "accepted"
    assert _post(town, f"{url}/dispatch", {"department": city.departments["urban"].pk}, key="t-2")["state"] == "dispatched"
    assert _post(dept, f"{url}/acknowledge", key="d-1")["state"] == "in_progress"
    assert _post(dept, f"{url}/handle", {"note": "已清运"}, key="d-2")["state"] == "handled"
    assert _post(grid, f"{url}/verify", {"passed": True, "note": "现场已干净"}, key="g-1")["state"] == "handled"
    assert _post(town, f"{url}/close", key="t-3")["state"] == "closed"

    followed = hotline.get(url).json()  # the hotline system follows its case to tell the caller
    assert followed["state"] == "closed" and followed["closed_at"]
    assert [e["verb"] for e in followed["timeline"]] == [
        "report", "accept", "dispatch", "acknowledge", "handle", "verify", "close"]
    assert followed["timeline"][3]["actor_role"] == "department_handler"
    # the resident the hotline reported for rates it in their app — only if the case is theirs
    r = resident.post(f"{url}/rate", json.dumps({"rating": "satisfied"}), content_type="application/json")
    assert r.status_code in (200, 403, 404)


def test_a_port_cannot_step_outside_its_region_even_if_its_account_could(city):
    commander_b = _port(city, "B镇系统", "town", "city_commander", ["cases:read", "cases:act"], region=city.regions["B"])
    hotline = _port(city, "12345 热线系统", "hotline", "city_commander", ["cases:write", "cases:read"])
    lng, lat = city.point_in("A1a1")
    case = _post(hotline, "/api/v1/cases", {"channel": "hotline", "category": "0101", "title": "占道经营",
                                             "lng": lng, "lat": lat})
    r = commander_b.post(f"/api/v1/cases/{case['id']}/accept", "{}", content_type="application/json")
    assert r.status_code == 404
