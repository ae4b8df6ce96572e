"""The report form's 代居民上报 field: offered to grid staff, cadres and commanders, not to residents;
a mobile or ID number finds the resident in the staff member's scope, else the form says why."""

from __future__ import annotations

import pytest

from jishi.cases.models import Case
from jishi.org.models import Person


@pytest.fixture
def resident(city):
    p = city.people["resident"]
    Person.objects.filter(pk=p.pk).update(phone="13912345678")
    return p


def _data(city, **extra):
    lng, lat = city.point_in("A1a1")
    return {"category": "0104", "title": "垃圾桶满溢", "lng": lng, "lat": lat, "idempotency_key": "k-behalf", **extra}


# Commanders see numbers masked, so the form, which finds the resident by number, is not theirs (docs/privacy.md).
@pytest.mark.parametrize("who,offered", [("grid_worker", True), ("village_cadre", True), ("town_commander", False),
                                         ("resident", False), ("informant", False), ("dept_urban", False)])
def test_the_field_is_offered_only_to_who_may_report_for_a_resident(client, login, categories, who, offered):
    login(who)
    assert ('name="on_behalf"' in client.get("/cases/report/").content.decode()) is offered


def test_a_grid_worker_reports_for_a_resident_by_mobile_number(client, login, city, categories, resident):
    login("grid_worker")
    resp = client.post("/cases/report/", _data(city, on_behalf="139-1234-5678".replace("-", " ")), follow=True)
    case = Case.objects.get()
    assert case.reporter_user == city.user("resident") and case.channel == "patrol"
    assert "已代张居民上报" in resp.content.decode()
    login("resident")
    assert case.title in client.get("/cases/mine/").content.decode()


def test_a_number_not_found_in_scope_is_explained_and_nothing_is_made(client, login, city, categories, resident):
    login("grid_worker_b")  # B1a's grid worker: the resident lives in A1a1
    resp = client.post("/cases/report/", _data(city, on_behalf="13912345678"))
    assert resp.status_code == 200 and "没有找到该手机号或身份证号的居民" in resp.content.decode()
    assert not Case.objects.exists()
