"""Free text has one limit per field (issue 13, item 5), the same on the page form, in the API schema (stated as
``maxLength`` in the OpenAPI document) and on Open311, and the service that stores it refuses a longer text:
a clear Chinese message on the page, 422 problem+json in the API naming the field and the limit."""

from __future__ import annotations

import json
import re

import pytest

from jishi.cases import services
from jishi.cases.forms import NoteForm, ReasonForm, ReportForm
from jishi.cases.intake import report_case
from jishi.cases.models import Case, CaseEvent
from jishi.core import limits
from jishi.core.errors import ValidationFailed
from jishi.open311.services import LIMITS as OPEN311_LIMITS
from jishi.points.models import Claim
from jishi.urls import api

MB = 1024 * 1024


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _case(city, **extra):
    lng, lat = city.point_in("A1a1")
    return report_case(city.user("admin"), channel="hotline", category_code="0101", title="井盖缺失", lng=lng, lat=lat,
                       **extra)


def _unbounded_strings() -> list[str]:
    """Every string a client sends (parameters and bodies) that the OpenAPI document leaves without maxLength."""
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    found: list[str] = []

    def walk(node: dict, where: str, seen: tuple = ()) -> None:
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                walk(components[name], where, (*seen, name))
            return
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in node.get(key, []):
                walk(sub, where, seen)
        if node.get("type") == "string" and not {"maxLength", "enum", "format"} & node.keys():
            found.append(where)
        if "items" in node:
            walk(node["items"], f"{where}[]", seen)
        for name, sub in node.get("properties", {}).items():
            walk(sub, f"{where}.{name}", seen)

    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            for p in op.get("parameters", []):
                walk(p.get("schema", {}), f"{method.upper()} {path} {p['in']}:{p['name']}")
            for content in op.get("requestBody", {}).get("content", {}).values():
                walk(content.get("schema", {}), f"{method.upper()} {path} body")
    return found


def test_every_string_a_client_sends_has_a_max_length_in_the_openapi_document():
    assert _unbounded_strings() == []


def test_each_text_field_has_one_limit_on_page_api_and_open311():
    components = api.get_openapi_schema()["components"]["schemas"]
    case_in, act_in = components["CaseIn"]["properties"], components["ActIn"]["properties"]
    report = ReportForm()
    assert (report.fields["description"].max_length == case_in["description"]["maxLength"]
            == OPEN311_LIMITS["description"] == limits.DESCRIPTION == 4000)
    assert report.fields["title"].max_length == case_in["title"]["maxLength"] == limits.TITLE
    assert (report.fields["address"].max_length == case_in["address"]["maxLength"] == OPEN311_LIMITS["address_string"]
            == limits.ADDRESS)
    assert NoteForm().fields["note"].max_length == act_in["note"]["anyOf"][0]["maxLength"] == limits.NOTE == 2000
    assert ReasonForm().fields["reason"].max_length == act_in["reason"]["anyOf"][0]["maxLength"] == limits.REASON


def test_the_report_page_states_the_limits_of_its_text_fields(city, client, login):
    login("grid_worker")
    html = client.get("/cases/report/").content.decode()
    assert re.search(r'name="description"[^>]*maxlength="4000"', html)
    assert re.search(r'name="title"[^>]*maxlength="120"', html)


def test_a_10_mb_description_via_the_api_is_a_422_naming_the_field_and_the_limit(city, bearer):
    lng, lat = city.point_in("A1a1")
    body = {"channel": "patrol", "category": "0101", "title": "井盖缺失", "lng": lng, "lat": lat,
            "description": "x" * (10 * MB)}
    r = _post(bearer("grid_worker"), "/api/v1/cases", body)
    assert r.status_code == 422 and r["Content-Type"] == "application/problem+json"
    problem = r.json()
    assert problem["field"] == "description" and "4000" in problem["detail"] and "description" in problem["detail"]
    assert problem["errors"][0]["max_length"] == 4000
    assert not Case.objects.exists()


def test_an_8_mb_description_via_the_report_form_is_refused_with_a_chinese_message(city, client, login):
    login("grid_worker")
    lng, lat = city.point_in("A1a1")
    r = client.post("/cases/report/", {"category": "0101", "title": "井盖缺失", "lng": lng, "lat": lat,
                                       "description": "x" * (8 * MB), "idempotency_key": "web-1"})
    assert r.status_code == 200
    assert "“描述”过长：最多 4000 个字符" in r.content.decode()
    assert not Case.objects.exists()


def test_a_5_mb_supervise_note_via_the_api_is_a_422_and_writes_nothing(city, bearer):
    case = _case(city)
    r = _post(bearer("town_commander"), f"/api/v1/cases/{case.pk}/supervise", {"note": "x" * (5 * MB)})
    assert r.status_code == 422
    assert r.json()["field"] == "note" and "2000" in r.json()["detail"]
    assert not CaseEvent.objects.filter(case=case, verb="supervise").exists()


def test_a_note_at_the_limit_is_taken_whole(city, bearer):
    case = _case(city)
    r = _post(bearer("town_commander"), f"/api/v1/cases/{case.pk}/supervise", {"note": "督" * limits.NOTE})
    assert r.status_code == 200
    assert CaseEvent.objects.get(case=case, verb="supervise").note == "督" * limits.NOTE


def test_the_service_refuses_a_longer_text_whatever_calls_it(city):
    case = _case(city)
    with pytest.raises(ValidationFailed) as refused:
        services.supervise(city.user("town_commander"), case, note="督" * (limits.NOTE + 1))
    assert refused.value.field == "note" and "2000" in refused.value.message
    with pytest.raises(ValidationFailed) as refused:
        services.reject(city.user("town_commander"), case, reason="理" * (limits.REASON + 1))
    assert refused.value.field == "reason"
    with pytest.raises(ValidationFailed):
        _case(city, description="x" * (limits.DESCRIPTION + 1))
    assert not CaseEvent.objects.filter(case=case).exclude(verb="report").exists()


def test_a_page_verb_with_a_note_over_the_limit_shows_the_limit_and_changes_nothing(city, client, login):
    case = _case(city)
    login("town_commander")
    r = client.post(f"/cases/{case.pk}/do/supervise/", {"note": "督" * (limits.NOTE + 1)}, follow=True)
    assert "“说明”过长：最多 2000 个字符" in r.content.decode()
    assert not CaseEvent.objects.filter(case=case, verb="supervise").exists()


def test_a_points_claim_note_over_its_limit_is_refused_not_cut(city, bearer, client, login):
    from jishi.points.rules import seed_template

    item = next(i for i in seed_template() if i.awarder == "self_claim" and i.kind == "positive")
    r = _post(bearer("resident"), "/api/v1/points/claims",
              {"item": item.code, "note": "做" * (limits.POINTS_CLAIM_NOTE + 1), "occurred_on": "2026-11-01"})
    assert r.status_code == 422 and r.json()["field"] == "note"
    login("resident")
    r = client.post("/points/claim/", {"item": item.pk, "note": "做" * (limits.POINTS_CLAIM_NOTE + 1)}, follow=True)
    assert f"最多 {limits.POINTS_CLAIM_NOTE} 个字符" in r.content.decode()
    assert not Claim.objects.exists()
