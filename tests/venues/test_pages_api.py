"""Venue pages and /api/v1/venues: the same services and scope; problem+json errors; out of scope 404; the Excel
workbook is a real file; list pages in a fixed number of statements."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from jishi.core.models import AuditRecord
from jishi.venues import services
from jishi.venues.models import Booking, RoadNetwork
from tests.venues.conftest import P, east, venue

pytestmark = pytest.mark.django_db
URL = "/api/v1/venues"


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_network_page_shows_each_village_s_gap(client, login, city, street):
    venue(city, kind="party_mass_centre", name="A1党群服务中心")
    login("town_commander")
    r = client.get("/venues/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "A1村" in html and "A2村" in html and "B1村" not in html
    assert "缺驿站 3" in html and "缺睦邻点 10" in html and "缺中心 1" in html  # A1 has its centre, A2 nothing
    assert 'id="villages-complete">0 / 2' in html


def test_the_network_page_is_a_fixed_number_of_statements(client, login, city):
    login("city_commander")
    client.get("/venues/")
    with CaptureQueriesContext(connection) as few:
        client.get("/venues/")
    for i in range(6):
        venue(city, "admin", key="B1", name=f"点{i}", at=east(100 * i))
    with CaptureQueriesContext(connection) as more:
        client.get("/venues/")
    assert len(more) == len(few)
    client.get("/venues/list/")
    with CaptureQueriesContext(connection) as listing:
        client.get("/venues/list/")
    assert len(listing) <= 14


def test_a_cadre_registers_a_venue_adds_a_room_books_and_cancels(client, login, city, street):
    login("village_cadre")
    r = client.post("/venues/new/", {"region": city.regions["A1a1"].pk, "kind": "pioneer_station", "name": "A1先锋驿站",
                                     "lng": P[0], "lat": P[1], "functions": ["party", "convenience"]})
    assert r.status_code == 302
    pk = int(r["Location"].strip("/").split("/")[-1])
    r = client.post(f"/venues/{pk}/room", {"name": "驿站活动室", "capacity": 20})
    page = client.get(f"/venues/{pk}/").content.decode()
    assert "驿站活动室" in page and "党建活动" in page and "便民服务" in page
    room = services.venue_for(city.user("village_cadre"), pk).rooms.get()
    start = (timezone.localtime() + timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    client.post(f"/venues/{pk}/book", {"room": room.pk, "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                                       "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
                                       "purpose": "主题党日", "organiser": "第一网格党支部", "attendees": 15})
    r = client.post(f"/venues/{pk}/book", {"room": room.pk, "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                                           "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
                                           "purpose": "另一活动", "organiser": "村委"}, follow=True)
    assert "该时段已被“第一网格党支部”预约" in r.content.decode()
    b = Booking.objects.get()
    client.post(f"/venues/{pk}/cancel", {"booking": b.pk, "reason": "改期"})
    assert Booking.objects.get().state == "cancelled"
    r = client.post(f"/venues/{pk}/close", {"note": "改造"}, follow=True)
    assert "停用" in r.content.decode()


def test_the_circle_page_maps_the_households_outside(client, login, city, street):
    venue(city)
    login("village_cadre")
    r = client.get(f"/venues/circle/?region={city.regions['A1'].pk}")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="covered">3 / 5' in html and 'id="outside">2' in html and "A1a网格" in html
    data = json.loads(html.split('id="circle-data" type="application/json">', 1)[1].split("</script>", 1)[0])
    assert sorted(p[0] for p in data["outside"]) == sorted([street[600].pk, street[2000].pk])
    assert len(data["venues"]) == 1 and data["reach_m"] == pytest.approx(640 / 1.3)
    assert data["venues"][0]["kind_label"] == "邻里服务点"  # the map's venue tooltip names the kind
    assert "服务圈参数与道路网络" not in html  # the city sets them
    assert client.get(f"/venues/circle/?region={city.regions['B1'].pk}").status_code == 404


def test_the_city_imports_a_network_and_sets_the_circle_on_the_page(client, login, city, street):
    venue(city)
    login("admin")
    road = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {
        "type": "LineString", "coordinates": [list(P), list(east(700))]}}]}
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = SimpleUploadedFile("roads.geojson", json.dumps(road).encode(), content_type="application/geo+json")
    r = client.post("/venues/circle/settings", {"action": "network", "name": "主干道", "geojson": f,
                                                "region": city.regions["A1"].pk})
    assert r.status_code == 302 and RoadNetwork.objects.get().name == "主干道"
    r = client.post("/venues/circle/settings", {"speed": "80", "detour": "1.3", "minutes": "8", "method": "network",
                                                "region": city.regions["A1"].pk}, follow=True)
    html = r.content.decode()
    assert "沿导入的道路网络" in html
    assert 'id="covered">4 / 5' in html  # along the road 600 m is 7.5 min
    assert AuditRecord.objects.filter(action="venue.network").exists()


def test_best_sites_page(client, login, city, street):
    login("village_cadre")
    r = client.get(f"/venues/best-sites/?region={city.regions['A1'].pk}&n=1&method=greedy&candidates="
                   f"{P[0]},{P[1]},村口%0A{east(2000)[0]},{P[1]},东头")
    html = r.content.decode()
    assert r.status_code == 200 and 'id="added">+3' in html and "村口" in html  # P, 300 m, 450 m
    r = client.get(f"/venues/best-sites/?region={city.regions['A1'].pk}&n=1&method=exact&candidates=abc")
    assert "经度,纬度" in r.content.decode()
    for n, cands in (("²", ""), ("1", "nan,nan"), ("1", "31.8,120.2")):
        r = client.get(f"/venues/best-sites/?region={city.regions['A1'].pk}&n={n}&candidates={cands}")
        assert r.status_code == 200 and 'id="best-error"' in r.content.decode()


def test_the_excel_workbook(client, login, city, street):
    venue(city, kind="party_mass_centre", name="A1党群服务中心")
    login("town_commander")
    r = client.get("/venues/export.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["1+3+10差距", "8分钟服务圈", "阵地清单"]
    gaps = list(wb["1+3+10差距"].iter_rows(values_only=True))
    assert gaps[0][1] == "村(社区)" and {g[1] for g in gaps[1:]} == {"A1村", "A2村"}
    cov = {(row[0], row[1]): row for row in wb["8分钟服务圈"].iter_rows(min_row=2, values_only=True)}
    assert cov[("村(社区)", "A1村")][2:5] == (5, 3, 2)
    assert [row[1] for row in wb["阵地清单"].iter_rows(min_row=2, values_only=True)] == ["A1党群服务中心"]
    assert AuditRecord.objects.filter(action="venue.export").exists()


def test_who_sees_the_pages(client, login, city):
    for who in ("grid_worker", "resident", "dept_urban"):
        login(who)
        assert client.get("/venues/").status_code == 404, who
    login("village_cadre")
    v = venue(city, "town_commander_b", key="B1")
    assert client.get(f"/venues/{v.pk}/").status_code == 404


def test_the_api(client, login, city, street):
    login("village_cadre")
    r = _post(client, URL, {"region_id": city.regions["A1"].pk, "kind": "party_mass_centre", "name": "A1党群服务中心",
                            "lng": P[0], "lat": P[1]})
    assert r.status_code == 201, r.content
    v = r.json()
    assert v["functions"] == ["party", "deliberation", "culture_health", "convenience"] and v["is_open"]
    services.add_room(city.user("village_cadre"), v["id"], name="多功能厅", capacity=100)
    d = client.get(f"{URL}/{v['id']}").json()
    assert [x["name"] for x in d["rooms"]] == ["多功能厅"]
    start = timezone.now() + timedelta(days=1)
    r = _post(client, f"{URL}/{v['id']}/bookings", {"room_id": d["rooms"][0]["id"], "starts_at": start.isoformat(),
                                                    "ends_at": (start + timedelta(hours=2)).isoformat(),
                                                    "purpose": "党员冬训", "organiser": "村党委"})
    assert r.status_code == 201, r.content
    r = _post(client, f"{URL}/{v['id']}/bookings", {"room_id": d["rooms"][0]["id"], "starts_at": start.isoformat(),
                                                    "ends_at": (start + timedelta(hours=1)).isoformat(),
                                                    "purpose": "x", "organiser": "y"})
    assert r.status_code == 409 and r["Content-Type"].startswith("application/problem+json")
    assert [b["purpose"] for b in client.get(f"{URL}/{v['id']}/bookings").json()] == ["党员冬训"]
    assert [x["id"] for x in client.get(URL).json()["items"]] == [v["id"]]
    cov = client.get(f"{URL}/coverage?region={city.regions['A1'].pk}").json()
    assert (cov["households"], cov["covered"], cov["outside"]) == (5, 3, 2)
    assert [c["name"] for c in cov["children"]] == ["A1a网格"] and len(cov["outside_points"]) == 2
    gaps = client.get(f"{URL}/gaps?region={city.regions['A1'].pk}").json()
    assert gaps[0]["need_stations"] == 3 and gaps[0]["complete"] is False
    r = _post(client, f"{URL}/best-sites", {"region_id": city.regions["A1"].pk, "n": 1, "method": "exact",
                                            "candidates": [{"label": "远处", "lng": east(5000)[0], "lat": P[1]},
                                                           {"label": "中段", "lng": east(600)[0], "lat": P[1]}]})
    assert r.status_code == 200, r.content
    best = r.json()
    assert best["sites"][0]["label"] == "中段" and best["added"] == 1 and best["upper_bound"] == 1
    r = _post(client, f"{URL}/best-sites", {"region_id": city.regions["A1"].pk, "n": 0})
    assert r.status_code == 422


def test_the_api_refuses_out_of_scope_and_bad_input(client, login, city):
    v = venue(city, "town_commander_b", key="B1")
    login("village_cadre")
    assert client.get(f"{URL}/{v.pk}").status_code == 404
    assert client.get(f"{URL}/coverage?region={city.regions['B1'].pk}").status_code == 404
    r = _post(client, URL, {"region_id": city.regions["B1"].pk, "kind": "party_mass_centre", "name": "x",
                            "lng": P[0], "lat": P[1]})
    assert r.status_code == 403
    r = _post(client, URL, {"region_id": city.regions["A1"].pk, "kind": "castle", "name": "x", "lng": P[0], "lat": P[1]})
    assert r.status_code == 422
    r = _post(client, f"{URL}/best-sites", {"region_id": city.regions["B1"].pk, "n": 1})
    assert r.status_code == 404
