"""/api/v1/bees and the pages: the same services and scope; problem+json errors; another town: 404."""

from __future__ import annotations

import pytest

from jishi.bees.models import Rider
from tests.bees.conftest import register

pytestmark = pytest.mark.django_db
B = "/api/v1/bees"
JSON = "application/json"


def test_registration_through_the_api_approved_by_the_town(client, login, city, station):
    login("resident")
    r = client.post(f"{B}/registrations", {"name": "张居民", "phone": "13912345678", "platform": "eleme",
                                           "station_id": station.pk, "rounds": [city.regions["A1a"].pk]},
                    content_type=JSON)
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    assert r.json()["state"] == "pending" and r.json()["phone"] == "13912345678"
    login("town_commander_b")
    assert client.get(f"{B}/registrations/{rid}").status_code == 404
    assert client.post(f"{B}/registrations/{rid}/approve", {}, content_type=JSON).status_code == 404
    login("town_commander")
    listed = client.get(f"{B}/registrations", {"state": "pending"}).json()
    assert [x["id"] for x in listed] == [rid] and listed[0]["phone"] == "139****5678"  # masked for commanders
    r = client.post(f"{B}/registrations/{rid}/approve", {"note": "欢迎"}, content_type=JSON)
    assert r.status_code == 200 and r.json()["state"] == "approved"
    r = client.post(f"{B}/registrations/{rid}/approve", {}, content_type=JSON)
    assert r.status_code == 409 and r["Content-Type"].startswith("application/problem+json")
    stations = client.get(f"{B}/stations").json()
    assert [(s["id"], s["members"]) for s in stations] == [(station.pk, 1)]
    login("town_commander_b")
    assert client.get(f"{B}/stations").json() == []
    assert client.get(f"{B}/stations/{station.pk}").status_code == 404


def test_bad_input_is_422_and_nothing_is_written(client, login, station):
    login("resident")
    r = client.post(f"{B}/registrations", {"name": "张", "phone": "123", "platform": "meituan",
                                           "station_id": station.pk}, content_type=JSON)
    assert r.status_code == 422 and r["Content-Type"].startswith("application/problem+json")
    r = client.post(f"{B}/registrations", {"name": "张", "phone": "13912345678", "platform": "uber",
                                           "station_id": station.pk}, content_type=JSON)
    assert r.status_code == 422
    assert not Rider.objects.exists()


def test_grants_and_the_fund_through_the_api(client, login, city, rider, fund_a, caring):
    client.force_login(rider.user)
    r = client.post(f"{B}/grants", {"reason": "illness", "story": "住院治疗费用较高", "requested": "200"},
                    content_type=JSON)
    assert r.status_code == 201, r.content
    gid = r.json()["id"]
    assert [m["name"] for m in client.get(f"{B}/merchants").json()] == ["爱心面馆"]
    login("town_commander")
    assert client.post(f"{B}/grants/{gid}/review", {"approve": True}, content_type=JSON).json()["state"] == "approved"
    assert client.post(f"{B}/grants/{gid}/pay", content_type=JSON).json()["state"] == "paid"
    funds = client.get(f"{B}/funds").json()
    assert funds[0]["balance"] in ("800.00", 800, "800")
    r = client.post(f"{B}/funds/{fund_a.pk}/income", {"kind": "donation", "amount": "50", "source": "爱心捐款"},
                    content_type=JSON)
    assert r.status_code == 201
    login("town_commander_b")
    assert client.post(f"{B}/grants/{gid}/pay", content_type=JSON).status_code == 404
    assert client.get(f"{B}/funds").json() == []


def test_the_pages_answer_each_role(client, login, city, station, courier, fund_a, caring):
    client.force_login(courier)
    assert client.get("/bees/").url.endswith("/bees/me/")
    assert "申请加入" in client.get("/bees/me/").content.decode()
    page = client.get("/bees/register/", {"station": station.pk})
    assert page.status_code == 200 and "A1a网格" in page.content.decode()
    r = client.post("/bees/register/", {"name": "赵骑手", "phone": "1391234", "platform": "jd", "station": station.pk})
    assert r.status_code == 422 and "11 位手机号" in r.content.decode()
    r = client.post("/bees/register/", {"name": "赵骑手", "phone": "13912345678", "platform": "jd",
                                        "station": station.pk, "rounds": [city.regions["A1a"].pk]})
    assert r.status_code == 302
    rid = Rider.objects.get(user=courier).pk
    login("town_commander_b")
    assert client.post(f"/bees/registrations/{rid}/approve").status_code == 404
    assert client.get(f"/bees/stations/{station.pk}/").status_code == 404
    login("town_commander")
    assert "赵骑手" in client.get("/bees/registrations/").content.decode()
    assert client.post(f"/bees/registrations/{rid}/approve", {"note": ""}).status_code == 302
    for url in ("/bees/stations/", f"/bees/stations/{station.pk}/", "/bees/fund/", "/bees/merchants/"):
        assert client.get(url).status_code == 200, url
    client.force_login(courier)
    me = client.get("/bees/me/").content.decode()
    assert "A1小蜜蜂驿站" in me and "公益积分" in me
    assert client.get(f"/bees/stations/{station.pk}/").status_code == 200  # a member sees their station
    assert client.get("/bees/care/").status_code == 200
    assert client.get("/bees/fund/").status_code == 404


def test_a_stranger_does_not_see_a_registration(client, login, courier, station):
    r = register(courier, station)
    login("grid_worker_b")
    assert client.get(f"{B}/registrations/{r.pk}").status_code == 404
