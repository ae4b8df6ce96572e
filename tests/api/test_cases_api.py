"""The case API: one case through the whole loop with one token per role, illegal steps, scope,
idempotent reporting (Idempotency-Key and hotline number), list filters and constant query counts."""

from __future__ import annotations

import base64
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jishi.cases import services
from jishi.cases.models import Case
from tests.factories import PASSWORD

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200



def _post(client: Client, url: str, body: dict | None = None, **headers):
    return client.post(url, json.dumps(body or {}), content_type="application/json", **headers)


def _new_case(city, client: Client, where: str = "A1a1", **extra) -> dict:
    lng, lat = city.point_in(where)
    body = {"channel": "resident", "category": "0101", "title": "楼道口暴露垃圾", "lng": lng, "lat": lat, **extra}
    r = _post(client, "/api/v1/cases", body)
    assert r.status_code == 201, r.content
    return r.json()


def test_one_case_goes_round_the_whole_loop_with_one_token_per_role(city, bearer):
    resident, town, dept, worker = bearer("resident"), bearer("town_commander"), bearer("dept_urban"), bearer("grid_worker")
    case = _new_case(city, resident, description="三天没人清运")
    cid = case["id"]
    url = f"/api/v1/cases/{cid}"
    assert case["state"] == "reported" and case["grid_id"] == city.regions["A1a"].pk
    assert [e["verb"] for e in case["timeline"]] == ["report"]

    assert dept.get(url).status_code == 404  # not yet the department's case
    steps = [
        (town, "accept", {}, "accepted"),
        (town, "dispatch", {"department": city.departments["urban"].pk, "note": "请城管处理"}, "dispatched"),
        (dept, "acknowledge", {}, "in_progress"),
        (dept, "handle", {"note": "已清运", "files": [{"name": "after.jpg",
                                                     "content_base64": base64.b64encode(JPEG).decode()}]}, "handled"),
        (worker, "verify", {"passed": True, "note": "现场已干净"}, "handled"),
        (town, "close", {}, "closed"),
        (resident, "rate", {"rating": "satisfied", "note": "很快"}, "closed"),
    ]
    for client, verb, body, state in steps:
        r = _post(client, f"{url}/{verb}", body)
        assert r.status_code == 200, (verb, r.content)
        assert r.json()["state"] == state, verb

    detail = resident.get(url).json()
    assert [e["verb"] for e in detail["timeline"]] == [
        "report", "accept", "dispatch", "acknowledge", "handle", "verify", "close", "rate"]
    assert detail["rating"] == "satisfied" and detail["verified_at"] and detail["closed_at"]
    assert detail["timeline"][3]["actor_role"] == "department_handler"
    assert len(detail["timeline"][4]["attachment_ids"]) == 1 and detail["attachments"][0]["content_type"] == "image/jpeg"
    assert detail["units"][0]["department_name"] == "城市管理局" and detail["units"][0]["role"] == "lead"
    assert detail["available_verbs"] == []


def test_an_illegal_step_is_a_409_problem_and_changes_nothing(city, bearer):
    case = _new_case(city, bearer("resident"))
    r = _post(bearer("town_commander"), f"/api/v1/cases/{case['id']}/close")
    assert r.status_code == 409 and r["Content-Type"] == "application/problem+json"
    body = r.json()
    assert body["code"] == "illegal_transition" and "不能结案" in body["detail"] and body["details"]["state"] == "reported"
    assert Case.objects.get(pk=case["id"]).state == "reported"


def test_a_step_outside_ones_permission_is_403_and_outside_ones_scope_is_404(city, bearer):
    case = _new_case(city, bearer("resident"))
    _post(bearer("town_commander"), f"/api/v1/cases/{case['id']}/accept")
    r = _post(bearer("grid_worker"), f"/api/v1/cases/{case['id']}/dispatch", {"department": "D01"})
    assert r.status_code == 403 and r.json()["code"] == "not_allowed"
    r = _post(bearer("town_commander_b"), f"/api/v1/cases/{case['id']}/dispatch", {"department": "D01"})
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert bearer("grid_worker_b").get(f"/api/v1/cases/{case['id']}").status_code == 404
    assert Case.objects.get(pk=case["id"]).state == "accepted"


def test_a_missing_required_field_is_a_422_problem(city, bearer):
    case = _new_case(city, bearer("resident"))
    r = _post(bearer("town_commander"), f"/api/v1/cases/{case['id']}/reject", {"reason": " "})
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = _post(bearer("town_commander"), f"/api/v1/cases/{case['id']}/fly")
    assert r.status_code == 422 and r.json()["field"] == "verb"


def test_a_token_without_cases_write_cannot_report(city, bearer):
    r = _post(bearer("resident", ["cases:read"]), "/api/v1/cases", {"channel": "resident", "category": "0101",
                                                                     "title": "x", "region_code": "x"})
    assert r.status_code == 403 and r.json()["code"] == "insufficient_scope"


def test_a_retry_with_the_same_idempotency_key_returns_the_same_case(city, bearer):
    client = bearer("grid_worker")
    lng, lat = city.point_in("A1a2")
    body = {"channel": "patrol", "category": "0101", "title": "垃圾", "lng": lng, "lat": lat}
    first = _post(client, "/api/v1/cases", body, HTTP_IDEMPOTENCY_KEY="patrol-7f3a")
    again = _post(client, "/api/v1/cases", body, HTTP_IDEMPOTENCY_KEY="patrol-7f3a")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Case.objects.count() == 1
    # Keys belong to the caller: the same key from another account is a different report.
    other = _post(bearer("grid_leader"), "/api/v1/cases", body, HTTP_IDEMPOTENCY_KEY="patrol-7f3a")
    assert other.status_code == 201 and Case.objects.count() == 2


def test_the_hotline_number_makes_a_retry_return_the_same_case(city, bearer):
    gateway = bearer("city_commander")
    body = {"channel": "hotline", "category": "0502", "title": "路灯不亮", "region_code": city.regions["B1a"].code,
            "external_ref": "12345-20261127-0042", "reporter_name": "王先生", "reporter_phone": "13912345678"}
    first, again = _post(gateway, "/api/v1/cases", body), _post(gateway, "/api/v1/cases", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert Case.objects.filter(external_ref="12345-20261127-0042").count() == 1
    # A caller who cannot see that case learns nothing about it.
    r = _post(bearer("grid_worker"), "/api/v1/cases", body)
    assert r.status_code == 409 and r.json()["code"] == "duplicate_external_ref" and "number" not in r.json()


def test_personal_data_of_the_reporter_is_masked_for_commanders(city, bearer):
    gateway = bearer("city_commander")
    body = {"channel": "hotline", "category": "0502", "title": "路灯不亮", "region_code": city.regions["A1a"].code,
            "external_ref": "12345-1", "reporter_name": "王小明", "reporter_phone": "13912345678"}
    cid = _post(gateway, "/api/v1/cases", body).json()["id"]
    masked = bearer("town_commander").get(f"/api/v1/cases/{cid}").json()
    assert masked["reporter_phone"] == "139****5678" and masked["reporter_name"] == "王*明"
    full = bearer("grid_worker").get(f"/api/v1/cases/{cid}").json()
    assert full["reporter_phone"] == "13912345678" and full["reporter_name"] == "王小明"


def _report(city, n: int, where: str = "A1a1", **kw) -> list[Case]:
    return [services.report_case(None, channel=kw.get("channel", "patrol"), category_code=kw.get("category", "0101"),
                                 title=f"事件{i}", region_code=city.regions[where].code) for i in range(n)]


def test_the_list_is_scoped_filtered_and_paged_newest_first(city, bearer):
    a = _report(city, 3, "A1a")
    b = _report(city, 2, "B1a", channel="visit", category="0502")
    town = bearer("town_commander")
    items = town.get("/api/v1/cases").json()["items"]
    assert [x["id"] for x in items] == [c.pk for c in reversed(a)]
    admin = bearer("admin")
    assert {x["id"] for x in admin.get("/api/v1/cases", {"channel": "visit"}).json()["items"]} == {c.pk for c in b}
    assert len(admin.get("/api/v1/cases", {"category": "05"}).json()["items"]) == 2  # 大类 includes its 小类
    assert len(admin.get("/api/v1/cases", {"town": city.regions["A"].pk}).json()["items"]) == 3
    assert len(admin.get("/api/v1/cases", {"state": "reported,accepted"}).json()["items"]) == 5
    assert admin.get("/api/v1/cases", {"state": "lost"}).status_code == 422
    ids, cursor = [], None
    while True:
        page = admin.get("/api/v1/cases", {"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        ids += [x["id"] for x in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert ids == sorted((c.pk for c in a + b), reverse=True)


def test_a_department_lists_only_cases_dispatched_or_whistled_to_it(city, bearer):
    cases = _report(city, 3, "A1a")
    services.accept(None, cases[0])
    services.dispatch(None, cases[0], department=city.departments["urban"])
    assert [x["id"] for x in bearer("dept_urban").get("/api/v1/cases").json()["items"]] == [cases[0].pk]
    assert bearer("dept_water").get("/api/v1/cases").json()["items"] == []
    got = bearer("admin").get("/api/v1/cases", {"department": city.departments["urban"].pk}).json()["items"]
    assert [x["id"] for x in got] == [cases[0].pk]


def _list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get("/api/v1/cases", {"limit": 200})
    assert r.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["admin", "town_commander", "dept_urban"])
def test_the_list_costs_the_same_queries_for_3_or_30_cases(city, bearer, role):
    client = bearer(role)
    few = _report(city, 3, "A1a")
    for c in few:
        services.accept(None, c)
        services.dispatch(None, c, department=city.departments["urban"])
    _list_queries(client)  # warm: last_used_at write
    small = _list_queries(client)
    print(role, "queries for a page of cases:", small)
    for c in _report(city, 27, "A1b"):
        services.accept(None, c)
        services.dispatch(None, c, department=city.departments["urban"])
    _list_queries(client)  # warm again: reference data refreshed once after the changes (change counter)
    assert _list_queries(client) == small <= 8


def test_categories_list_the_tree(bearer):
    tree = bearer("resident", ["cases:write"]).get("/api/v1/categories").json()
    top = {c["code"]: c for c in tree}
    assert top["01"]["name"] == "市容环境" and "0101" in {c["code"] for c in top["01"]["children"]}


def test_a_page_session_needs_the_csrf_token_to_post(city):
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="grid_worker", password=PASSWORD)
    lng, lat = city.point_in("A1a1")
    body = {"channel": "patrol", "category": "0101", "title": "垃圾", "lng": lng, "lat": lat}
    r = _post(client, "/api/v1/cases", body)
    assert r.status_code == 403 and r.json()["code"] == "csrf_failed"
    token = "k" * 32
    client.cookies["csrftoken"] = token
    assert _post(client, "/api/v1/cases", body, HTTP_X_CSRFTOKEN=token).status_code == 201
    assert client.get("/api/v1/cases").status_code == 200  # reads need no CSRF token


def test_a_verb_without_fields_needs_no_body_and_a_form_body_works_too(city, bearer):
    case = _new_case(city, bearer("resident"))
    town = bearer("town_commander")
    r = town.post(f"/api/v1/cases/{case['id']}/accept", "", content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    r = town.post(f"/api/v1/cases/{case['id']}/dispatch", {"department": "D01", "note": "表单提交"})  # multipart form
    assert r.status_code == 200 and r.json()["handling_department_name"] == "城市管理局"
