"""The burden API and pages: create, answer, submit (422 with every error), completion, combined sheet, ledgers as
JSON and .xlsx; out of scope is 404 on both surfaces."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from jishi.burden.models import Reply

pytestmark = pytest.mark.django_db


def _create(client, city):
    body = {"title": "养老设施摸底", "purpose": "规划", "deadline": f"{timezone.localdate() + timedelta(days=5)}",
            "fields": [{"source": "org.households"}, {"label": "养老服务点", "key": "elderly", "kind": "int"}],
            "villages": [city.regions["A1"].pk, city.regions["B1"].pk]}
    return client.post("/api/v1/data-requests", body, content_type="application/json")


def test_api_create_answer_submit_and_export(client, login, city):
    login("dept_urban")
    r = _create(client, city)
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    assert [f["key"] for f in r.json()["fields"]] == ["org_households", "elderly"]
    assert client.get(f"/api/v1/data-requests/{rid}").json()["counts"] == {"pending": 2, "draft": 0, "submitted": 0}
    client.logout()
    login("village_cadre")
    mine = client.get("/api/v1/data-requests/replies").json()
    assert len(mine) == 1 and mine[0]["answers"][0]["origin"] == "prefilled"
    reply_id = mine[0]["id"]
    bad = client.post(f"/api/v1/data-requests/replies/{reply_id}/submit", {"values": {"elderly": "x"}},
                      content_type="application/json")
    assert bad.status_code == 422 and "应为整数" in bad.json()["detail"]
    assert client.put(f"/api/v1/data-requests/replies/{reply_id}", {"values": {"elderly": "x"}},
                      content_type="application/json").json()["state"] == "draft"
    ok = client.post(f"/api/v1/data-requests/replies/{reply_id}/submit", {"values": {"elderly": "4"}},
                     content_type="application/json")
    assert ok.status_code == 200 and ok.json()["state"] == "submitted"
    assert client.get(f"/api/v1/data-requests/{rid}").status_code == 404  # a village does not manage requests
    other = Reply.objects.get(request_id=rid, village=city.regions["B1"])
    assert client.get(f"/api/v1/data-requests/replies/{other.pk}").status_code == 404
    assert client.get(f"/burden/replies/{other.pk}/").status_code == 404
    client.logout()
    login("dept_water")
    assert client.get(f"/api/v1/data-requests/{rid}").status_code == 404
    assert client.get(f"/burden/requests/{rid}/combined.xlsx").status_code == 404
    client.logout()
    login("dept_urban")
    x = client.get(f"/api/v1/data-requests/{rid}/combined.xlsx")
    rows = list(load_workbook(BytesIO(x.content)).active.iter_rows(values_only=True))
    assert rows[1][1] == "A1村" and rows[1][4:] == (1, 4) and rows[2][2] == "未开始"
    client.logout()
    login("city_commander")
    b = client.get("/api/v1/data-requests/burden").json()
    assert b["totals"]["requests"] == 1 and b["totals"]["not_asked"] == 2 and b["totals"]["typed"] == 1


def test_ledgers_api_and_pages(client, login, city):
    login("village_cadre")
    codes = [x["code"] for x in client.get("/api/v1/ledgers").json()]
    assert {"cases.monthly", "visits.monthly", "points.monthly", "mediation.monthly", "venues.monthly"} <= set(codes)
    a1, b1 = city.regions["A1"].pk, city.regions["B1"].pk
    got = client.get(f"/api/v1/ledgers/cases.monthly?region={a1}&month=2026-01").json()
    assert got["region"] == "A1村" and "无需重复填报" in got["note"] and got["totals"]["reported"] == 0
    assert client.get(f"/api/v1/ledgers/cases.monthly?region={b1}").status_code == 404
    assert client.get(f"/api/v1/ledgers/cases.monthly?region={a1}&month=13").status_code == 422
    x = client.get(f"/api/v1/ledgers/cases.monthly.xlsx?region={a1}&month=2026-01")
    assert x.status_code == 200 and x["Content-Type"].startswith("application/vnd.openxml")
    page = client.get(f"/burden/ledgers/?ledger=visits.monthly&region={a1}&month=2026-01")
    assert page.status_code == 200 and "本台账由系统自动生成，无需重复填报" in page.content.decode()
    assert client.get(f"/burden/ledgers/?ledger=visits.monthly&region={b1}").status_code == 404
    assert client.get(f"/burden/ledgers/print/?ledger=points.monthly&region={a1}&month=2026-01").status_code == 200
    assert client.get(f"/burden/ledgers/ledger.xlsx?ledger=points.monthly&region={a1}&month=x").status_code == 400
    assert client.get("/burden/").status_code == 404  # the burden page is the city's
    client.logout()
    login("dept_urban")
    assert client.get("/burden/ledgers/").status_code == 404  # a department has no region's ledgers
