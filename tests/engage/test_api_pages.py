"""/api/v1/wishes and /api/v1/projects and the pages: the same services and scope; problem+json errors;
the wall masked; exports as real .xlsx; lists in a fixed number of statements."""

from __future__ import annotations

import base64
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from jishi.engage import wishes
from jishi.engage.models import Wish
from jishi.points.models import Posting
from tests.engage.conftest import PNG, later, post, published

pytestmark = pytest.mark.django_db
W, P = "/api/v1/wishes", "/api/v1/projects"
JSON = "application/json"


def test_a_wish_through_the_api_from_posting_to_thanks(client, login, city, helper):
    login("resident")
    r = client.post(W, {"title": "想学用智能手机", "kind": "service"}, content_type=JSON)
    assert r.status_code == 201, r.content
    wid = r.json()["id"]
    assert r.json()["wisher_phone"] == "13800000000"  # the wisher sees their own
    login("village_cadre")
    assert client.post(f"{W}/{wid}/publish", content_type=JSON).json()["state"] == "published"
    login("helper")
    wall = client.get(W, {"state": "wall"}).json()["items"]
    assert [(x["id"], x["wisher_name"], x["wisher_phone"]) for x in wall] == [(wid, "张*民", "138****0000")]
    assert client.post(f"{W}/{wid}/claim", {"claimant_kind": "party_member"}, content_type=JSON).status_code == 200
    login("volunteer")
    r = client.post(f"{W}/{wid}/claim", {}, content_type=JSON)
    assert r.status_code == 409 and r["Content-Type"].startswith("application/problem+json")
    login("helper")
    photo = {"name": "done.png", "content_base64": base64.b64encode(PNG).decode()}
    r = client.post(f"{W}/{wid}/fulfil", {"note": "每周六上门教学", "photo": photo}, content_type=JSON)
    assert r.json()["state"] == "fulfilled", r.content
    assert client.get(f"/engage/wishes/{wid}/photo")["Content-Type"] == "image/png"
    login("grid_worker_b")
    assert client.get(f"/engage/wishes/{wid}/photo").status_code == 200  # on the wall
    login("resident")
    assert client.post(f"{W}/{wid}/thank", {"note": "谢谢"}, content_type=JSON).json()["state"] == "thanked"
    assert Posting.objects.filter(key=f"wish-fulfil:{wid}").count() == 1
    login("village_cadre")
    stats = client.get(f"{W}/stats").json()
    assert (stats["collected"], stats["fulfilled"], stats["rate"]) == (1, 1, 1.0)


def test_bad_wish_input_is_a_422_problem(client, login, city):
    login("resident")
    r = client.post(W, {"title": "x" * 61}, content_type=JSON)
    assert r.status_code == 422
    r = client.post(W, {"title": "  "}, content_type=JSON)
    assert r.status_code == 422 and "心愿" in r.json()["detail"]
    assert not Wish.objects.exists()


@pytest.mark.parametrize("wisher_id", [0, -1, 2**63 - 2, 99_999_999])
def test_a_wisher_id_that_names_no_person_is_a_422_problem(client, login, city, wisher_id):
    """Found by the OpenAPI fuzz: an id out of any row's range was passed on as a bare number (500)."""
    login("grid_worker")
    r = client.post(W, {"title": "想要一台助行器", "wisher_id": wisher_id, "region_id": city.regions["A1a"].pk},
                    content_type=JSON)
    assert r.status_code == 422 and r.json()["field"] in ("wisher", "wisher_id")  # the service, or the schema's bounds
    assert not Wish.objects.exists()


def test_a_need_call_bid_award_and_completion_through_the_api(client, login, city):
    login("village_cadre")
    a1 = city.regions["A1"].pk
    need = client.post(f"{P}/needs", {"title": "健身器材老化", "region_id": a1}, content_type=JSON).json()
    res = client.post(f"{P}/resources", {"provider": "体育局党支部", "kind": "goods", "description": "健身器材一套",
                                         "region_id": a1}, content_type=JSON)
    assert res.status_code == 201, res.content
    r = client.post(P, {"title": "更新健身器材", "goals": "更换老旧器材8件", "budget": "12000", "deadline": str(later()),
                        "region_id": a1, "need_ids": [need["id"]], "resource_ids": [res.json()["id"]]},
                    content_type=JSON)
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    client.post(f"{P}/{pid}/publish", content_type=JSON)
    login("dept_urban")
    assert [c["id"] for c in client.get(f"{P}/calls").json()["items"]] == [pid]
    bid = client.post(f"{P}/{pid}/bids", {"unit": "城管局党支部", "plan": "十日内安装"}, content_type=JSON)
    assert bid.status_code == 201
    login("village_cadre")
    assert client.post(f"{P}/{pid}/award", {"bid_id": bid.json()["id"]}, content_type=JSON).json()["state"] == "awarded"
    r = client.post(f"{P}/{pid}/complete", {"rating": 5, "note": "群众满意"}, content_type=JSON)
    assert r.json()["state"] == "completed"
    needs = client.get(f"{P}/needs").json()["items"]
    assert [(n["state"], n["closed_by_id"]) for n in needs] == [("closed", pid)]
    login("grid_worker_b")
    assert client.get(f"{P}/needs").json()["items"] == []  # out of scope
    assert client.post(f"{P}/{pid}/complete", {"rating": 5, "note": "x"}, content_type=JSON).status_code in (404, 409)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_wall_and_the_ledger_cost_the_same_statements_for_3_or_15_wishes(client, login, city, helper):
    for i in range(3):
        published(city, title=f"心愿{i}")
    login("village_cadre")
    few = (_count(client, "/engage/wishes/"), _count(client, "/engage/wishes/ledger/"),
           _count(client, "/engage/projects/"))
    for i in range(12):
        w = published(city, title=f"又一个{i}")
        if i % 2:
            wishes.claim_wish(city.user("helper"), w)
    assert (_count(client, "/engage/wishes/"), _count(client, "/engage/wishes/ledger/"),
            _count(client, "/engage/projects/")) == few


def test_the_wall_page_masks_and_the_detail_walks_a_wish(client, login, city, helper):
    w = published(city)
    login("helper")
    page = client.get("/engage/wishes/").content.decode()
    assert "张*民" in page and "张居民" not in page and "13800000000" not in page
    r = client.post(f"/engage/wishes/{w.pk}/claim", {"claimant_kind": "party_member"})
    assert r.status_code == 302
    assert "张居民 · 13800000000" in client.get(f"/engage/wishes/{w.pk}/").content.decode()
    login("grid_worker_b")
    assert client.get(f"/engage/wishes/{w.pk}/").status_code == 200  # claimed: still on the wall
    assert "13800000000" not in client.get(f"/engage/wishes/{w.pk}/").content.decode()
    hidden = post(city, title="未审核")
    assert client.get(f"/engage/wishes/{hidden.pk}/").status_code == 404


def test_exports_are_real_workbooks_with_masked_phones_for_commanders(client, login, city):
    published(city)
    login("town_commander")
    r = client.get("/engage/wishes/ledger.xlsx")
    ws = load_workbook(BytesIO(r.content)).active
    assert ws["A1"].value == "编号" and ws.max_row == 2 and ws.cell(2, 9).value == "138****0000"
    login("village_cadre")
    ws = load_workbook(BytesIO(client.get("/engage/wishes/ledger.xlsx").content)).active
    assert ws.cell(2, 9).value == "13800000000"
    wb = load_workbook(BytesIO(client.get("/engage/projects/lists.xlsx").content))
    assert wb.sheetnames == ["需求清单", "资源清单", "项目清单"]
    login("resident")
    assert client.get("/engage/wishes/ledger.xlsx").status_code == 404


def test_a_visit_concern_becomes_a_wish_or_a_need_from_a_prefilled_form(client, login, city):
    login("grid_worker")
    mg = city.regions["A1a1"].pk
    page = client.get("/engage/wishes/new/", {"source": "visit", "source_ref": "visit-concern:7",
                                               "title": "想要一副老花镜", "region": mg}).content.decode()
    assert 'value="想要一副老花镜"' in page and 'value="visit-concern:7"' in page
    r = client.post("/engage/wishes/new/", {"title": "想要一副老花镜", "kind": "goods", "source": "visit",
                                             "source_ref": "visit-concern:7", "wisher_name": "孙奶奶",
                                             "region": mg})
    assert r.status_code == 302, r.content.decode()[:2000]
    w = Wish.objects.get()
    assert (w.source, w.source_ref, w.wisher_name, w.microgrid_id) == ("visit", "visit-concern:7", "孙奶奶", mg)
    login("village_cadre")
    page = client.get("/engage/projects/needs/", {"source": "visit", "source_ref": "visit-concern:8",
                                                   "title": "门前道路坑洼"}).content.decode()
    assert 'value="门前道路坑洼"' in page and 'value="visit-concern:8"' in page
