"""Tokens never reach outside their grant.

1. Scopes: every operation of the API × a token without its scope (403 ``insufficient_scope`` before the input
   is even read, nothing changes) and × a token with only that scope (never refused for scope). Hypothesis then
   draws random scope sets and operations: a call is refused for scope exactly when the sets do not meet.
2. Data: a port limited to each region of the test city in turn (every town, village, grid and micro-grid) sees
   exactly the cases, regions and people inside that region — lists and details alike; a department port sees
   exactly its department's cases.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jishi.cases.models import Case, CaseEvent
from jishi.core.models import AuditRecord
from jishi.org.models import Person, Region
from jishi.platform import clients, tokens
from jishi.points.models import Posting
from jishi.urls import api

ALL = sorted(tokens.SCOPES)


def _operations() -> list[tuple[str, str, tuple[str, ...]]]:
    """Every operation of the OpenAPI document with the token scopes its security requirement names."""
    ops = []
    for path, item in api.get_openapi_schema()["paths"].items():
        for method, op in item.items():
            token = [req["TokenAuth"] for req in op.get("security", []) if "TokenAuth" in req]
            ops.append((method.upper(), path, tuple(token[0]) if token else ()))
    return ops


OPERATIONS = _operations()


def _url(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: "accept" if m.group(1) == "verb" else "1", path)


def _call(client: Client, method: str, path: str):
    url = _url(path)
    if method == "GET":
        return client.get(url)
    return client.generic(method, url, json.dumps({"unexpected": True}), content_type="application/json")


def _token(city, scopes) -> Client:
    _, text = tokens.create_token(None, city.user("admin"), "matrix", list(scopes), days=1)
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def _footprint() -> tuple[int, ...]:
    return (AuditRecord.objects.count(), CaseEvent.objects.count(), Case.objects.count(), Posting.objects.count())


def test_every_operation_names_the_scope_it_needs():
    assert len(OPERATIONS) >= 35
    missing = [(m, p) for m, p, s in OPERATIONS if not s]
    assert missing == []


@pytest.mark.parametrize(("method", "path", "scopes"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_a_token_without_the_operations_scope_is_refused_and_changes_nothing(city, method, path, scopes):
    lacking = _token(city, [s for s in ALL if s not in scopes])
    before = _footprint()
    r = _call(lacking, method, path)
    assert r.status_code == 403, r.content
    assert r.json()["code"] == "insufficient_scope"
    assert _footprint() == before
    allowed = _call(_token(city, scopes[:1]), method, path)
    assert not (allowed.status_code == 403 and allowed.json().get("code") == "insufficient_scope")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(granted=st.sets(st.sampled_from(ALL), min_size=1), index=st.integers(0, len(OPERATIONS) - 1))
def test_a_call_is_refused_for_scope_exactly_when_the_token_lacks_every_scope_it_names(city, granted, index):
    method, path, scopes = OPERATIONS[index]
    r = _call(_token(city, sorted(granted)), method, path)
    refused = r.status_code == 403 and r.json().get("code") == "insufficient_scope"
    assert refused == (not set(granted) & set(scopes))


def _port_client(city, **limit) -> Client:
    port = clients.open_client(city.user("admin"), name="范围测试", kind="partner", owner=city.user("admin"),
                               account=city.user("admin"), scopes=["cases:read", "org:read"], **limit)
    _, text = clients.issue_token(city.user("admin"), port.pk, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def _inside(obj, region: Region) -> bool:
    return getattr(obj, f"{region.level}_id") == region.pk


def test_a_port_limited_to_any_region_sees_exactly_that_region(city, cases_everywhere):
    people = list(Person.objects.all())
    regions = [r for r in city.regions.values() if r.level != "city"]
    assert len(regions) == 30
    for region in regions:
        port = _port_client(city, region=region)
        listed = {c["id"] for c in port.get("/api/v1/cases?limit=100").json()["items"]}
        assert listed == {c.pk for c in cases_everywhere if _inside(c, region)}, region.name
        for case in cases_everywhere:
            assert port.get(f"/api/v1/cases/{case.pk}").status_code == (200 if _inside(case, region) else 404)
        seen = {r["id"] for r in port.get("/api/v1/org/regions?limit=200").json()["items"]}
        assert seen == {r.pk for r in regions if r.path.startswith(region.path)}, region.name
        for other in regions:
            status = port.get(f"/api/v1/org/regions/{other.pk}").status_code
            assert status == (200 if other.path.startswith(region.path) else 404)
        names = {p["id"] for p in port.get("/api/v1/org/people?limit=200").json()["items"]}
        assert names == {p.pk for p in people if _inside(p, region)}, region.name


def test_a_department_port_sees_exactly_the_departments_cases(city, cases_everywhere):
    port = _port_client(city, department=city.departments["urban"])
    listed = {c["id"] for c in port.get("/api/v1/cases?limit=100").json()["items"]}
    assert listed == {c.pk for c in cases_everywhere if c.state == "dispatched"} and len(listed) == 8
    water = _port_client(city, department=city.departments["water"])
    assert water.get("/api/v1/cases").json()["items"] == []
