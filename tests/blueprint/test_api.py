"""/api/v1/blueprint, /api/v1/funds, /api/v1/alliances: the same services and scope as the pages; refusals as
problem+json; out of scope 404."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from jishi.blueprint import services
from jishi.blueprint.models import Alliance, AllianceMember, Fund, Tranche

pytestmark = pytest.mark.django_db
J = {"content_type": "application/json"}


def test_projects_weights_progress_and_supervision_through_the_api(client, login, city):
    today = timezone.localdate()
    login("town_commander")
    base = {"year": today.year, "owner_name": "A镇党委", "secretary": "王书记", "starts_on": f"{today.year}-01-01",
            "ends_on": f"{today.year}-12-31"}
    r = client.post("/api/v1/blueprint/projects", {**base, "title": "A镇整治", "region_id": city.regions["A"].pk}, **J)
    assert r.status_code == 201, r.content
    top = r.json()["id"]
    kids = [client.post("/api/v1/blueprint/projects", {**base, "title": f"子{i}", "region_id": city.regions[k].pk,
                                                         "parent_id": top, "weight": w}, **J).json()["id"]
            for i, (k, w) in enumerate((("A1", 30), ("A2", 70)))]
    r = client.put(f"/api/v1/blueprint/projects/{top}/weights", {"weights": {str(kids[0]): 30, str(kids[1]): 60}}, **J)
    assert r.status_code == 422 and r["Content-Type"].startswith("application/problem+json")
    assert "须为 100%" in r.json()["detail"]
    r = client.post(f"/api/v1/blueprint/projects/{kids[0]}/progress", {"progress": 50, "note": "过半"}, **J)
    assert r.status_code == 200 and float(r.json()["progress"]) == 50
    assert float(client.get(f"/api/v1/blueprint/projects/{top}").json()["progress"]) == 15.0
    r = client.post(f"/api/v1/blueprint/projects/{kids[1]}/milestones",
                    {"title": "招标", "due_on": str(today - timedelta(days=3))}, **J)
    assert r.status_code == 201
    services.sweep_overdue()
    [s] = client.get(f"/api/v1/blueprint/projects/{kids[1]}/supervisions").json()
    assert s["flag"] == "yellow"
    r = client.post(f"/api/v1/blueprint/supervisions/{s['id']}/reply", {"reply": "下周完成"}, **J)
    assert r.status_code == 200 and r.json()["reply"] == "下周完成"
    assert client.get("/api/v1/blueprint/projects?flag=yellow").json()["items"][0]["id"] == kids[1]
    assert client.get("/api/v1/blueprint/summary").json()["n"] == 3
    login("town_commander_b")
    assert client.get(f"/api/v1/blueprint/projects/{top}").status_code == 404
    assert client.get("/api/v1/blueprint/projects").json()["items"] == []


def test_fund_and_alliance_through_the_api(client, login, city):
    f = Fund.objects.create(name="共富基金", size=200_000_000, founded_on=date(2025, 1, 1))
    t = Tranche.objects.create(fund=f, number=1, amount=40_860_000, opened_on=date(2025, 3, 1))
    login("village_cadre")
    r = client.post("/api/v1/funds/projects", {"tranche_id": t.pk, "title": "A1村光伏", "region_id": city.regions["A1"].pk,
                                                "budget": 1_000_000.5, "expected_income": 300_000}, **J)
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    r = client.post(f"/api/v1/funds/projects/{pid}/decision", {"approve": True}, **J)
    assert r.status_code == 403
    login("city_commander")
    assert client.post(f"/api/v1/funds/projects/{pid}/decision", {"approve": True}, **J).json()["state"] == "approved"
    r = client.post(f"/api/v1/funds/projects/{pid}/disbursements", {"amount": 2_000_000, "paid_on": str(timezone.localdate())}, **J)
    assert r.status_code == 409
    r = client.post(f"/api/v1/funds/projects/{pid}/disbursements", {"amount": 600_000, "paid_on": str(timezone.localdate())}, **J)
    assert r.status_code == 201
    [tot] = client.get("/api/v1/funds/").json()
    assert float(tot["paid"]) == 600_000 and float(tot["budget"]) == 1_000_000.5

    a = Alliance.objects.create(name="锡常毗邻党建联盟", founded_on=date(2024, 1, 1))
    ms = []
    for k in "AB":
        m = AllianceMember(alliance=a, region=city.regions[k], is_convener=k == "A")
        m.place_in(city.regions[k])
        m.save()
        ms.append(m)
    login("town_commander")
    r = client.post(f"/api/v1/alliances/{a.pk}/problems", {"member_id": ms[0].pk, "title": "交界停车", "field": "traffic"}, **J)
    assert r.status_code == 201, r.content
    login("town_commander_b")
    prob = client.get(f"/api/v1/alliances/{a.pk}/problems").json()["items"][0]
    r = client.post(f"/api/v1/alliances/problems/{prob['id']}/solve", {"member_id": ms[1].pk, "solution": "共建停车场"}, **J)
    assert r.json()["state"] == "solved" and r.json()["solved_by_id"] == ms[1].pk
    [al] = client.get("/api/v1/alliances/").json()
    assert al["solved"] == 1 and al["fields"][0]["field"] == "traffic"
    login("grid_worker")
    assert client.get(f"/api/v1/alliances/{a.pk}/problems").status_code == 404
