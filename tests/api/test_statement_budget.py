"""Statements per request of the intake and the case API, pinned (issue 16: speed by design). A change that
makes one of these requests read or write more fails here; lower the number when you make it cheaper.

Counted with the reference data warm and held (``JISHI_REFERENCE_CHECK_SECONDS`` and the locator's check
interval lifted, as on a server between two checks), the timeline's consumers left to the worker (they run after
the request), on SQLite and PostgreSQL. Transaction control (``BEGIN``, ``SAVEPOINT``, ``RELEASE``: a test runs inside
its own transaction, so the intake's is a savepoint here) is not counted; every other statement is.
The bodies stay what they were: the 201 answer equals a GET of the case (test_cases_intake_lean.py), and the
list's rows equal the details' fields below.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jishi.cases import reference
from jishi.cases.models import Category
from jishi.open311.models import Submission
from jishi.org.geo import locator
from jishi.platform import tokens

pytestmark = pytest.mark.usefixtures("steady_minute")  # the rate and revalidation windows are minutes

# statements of one request (the token, its rate-limit count on PostgreSQL, the caller's posts, …)
PG = connection.vendor == "postgresql"
BUDGET = {
    # token(+user+person) · [rate count] · posts · id · case · timeline row · audit row
    "intake_v1": 7 if PG else 6,
    "intake_open311": 8 if PG else 7,  # … + the Open311 submission, in the same transaction
    # token · [rate count] · posts · change counter · the page of cases · pending whistles of the page
    "api_list": 6 if PG else 5,
    # token · [rate count] · posts · change counter · the case · its regions, timeline, files, units, notices…
    "api_detail": 14 if PG else 13,
    # token · [rate count] · posts · change counter
    "api_304": 4 if PG else 3,
}


@pytest.fixture
def held(settings):
    """Reference data as a server holds it between two checks; consumers in the worker."""
    settings.JISHI_REFERENCE_CHECK_SECONDS = 3600
    settings.JISHI_LOCATOR_CHECK_SECONDS = 3600
    settings.JISHI_CONSUMERS_EAGER = False
    reference.forget()
    locator(refresh=True)  # this test's regions (a held locator of an earlier, rolled-back test would be stale)


def _token(city, who: str, scopes: list[str]) -> str:
    return tokens.create_token(None, city.user(who), f"budget {who}", scopes)[1]


CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE SAVEPOINT", "COMMIT")


def _count(fn) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return sum(not q["sql"].lstrip().upper().startswith(CONTROL) for q in ctx.captured_queries), result


def _v1(client: Client, city, i: int):
    lng, lat = city.point_in("A1a1")
    body = {"channel": "patrol", "category": "0101", "title": f"楼道口暴露垃圾 {i}", "lng": lng, "lat": lat}
    return client.post("/api/v1/cases", json.dumps(body), content_type="application/json")


def test_an_intake_over_the_api_stays_within_its_statements(city, held):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {_token(city, 'grid_worker', ['cases:write', 'cases:read'])}")
    assert _v1(client, city, 0).status_code == 201  # warm: reference data and the locator
    n, r = _count(lambda: _v1(client, city, 1))
    assert r.status_code == 201, r.content
    assert n <= BUDGET["intake_v1"], n


def _o311(client: Client, key: str, city, i: int):
    lat, lng = city.point_in("A1a1")[::-1]
    return client.post("/open311/v2/requests.json", {"api_key": key, "service_code": "0101", "lat": lat, "long": lng,
                                                      "description": f"楼道口暴露垃圾 {i}", "email": "a@example.com"})


def test_an_open311_post_stays_within_its_statements_and_keeps_its_submission(city, held):
    key = _token(city, "grid_worker", ["cases:write", "cases:read"])
    client = Client()
    assert _o311(client, key, city, 0).status_code == 201
    n, r = _count(lambda: _o311(client, key, city, 1))
    assert r.status_code == 201, r.content
    assert n <= BUDGET["intake_open311"], n
    sub = Submission.objects.get(case__number=r.json()[0]["service_request_id"])
    assert sub.email == "a@example.com" and sub.api_token is not None


def test_a_switched_off_category_is_refused_at_once_in_this_process(city, held):
    key = _token(city, "grid_worker", ["cases:write", "cases:read"])
    client = Client()
    assert _o311(client, key, city, 0).status_code == 201
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert _v1(api, city, 0).status_code == 201
    cat = Category.objects.get(code="0101")
    cat.is_active = False
    cat.save()  # the held copy is dropped (signal); other processes re-read within the check interval
    assert _o311(client, key, city, 1).status_code == 404
    assert _v1(api, city, 1).status_code == 422


@pytest.fixture
def reader(city, cases_everywhere):
    return Client(HTTP_AUTHORIZATION=f"Bearer {_token(city, 'city_commander', ['cases:read'])}")


def test_the_api_list_stays_within_its_statements(reader, held):
    reader.get("/api/v1/cases?limit=50")
    n, r = _count(lambda: reader.get("/api/v1/cases?limit=50"))
    assert r.status_code == 200 and r.json()["items"]
    assert n <= BUDGET["api_list"], n


def test_the_api_detail_and_its_304_stay_within_their_statements(reader, held, cases_everywhere):
    url = f"/api/v1/cases/{cases_everywhere[1].pk}"
    reader.get(url)
    n, r = _count(lambda: reader.get(url))
    assert r.status_code == 200
    assert n <= BUDGET["api_detail"], n
    n, again = _count(lambda: reader.get(url, HTTP_IF_NONE_MATCH=r["ETag"]))
    assert again.status_code == 304
    assert n <= BUDGET["api_304"], n
    tag = reader.get("/api/v1/cases?limit=50")["ETag"]
    n, again = _count(lambda: reader.get("/api/v1/cases?limit=50", HTTP_IF_NONE_MATCH=tag))
    assert again.status_code == 304
    assert n <= BUDGET["api_304"], n


def test_each_list_row_is_the_summary_its_detail_shows(reader, held, cases_everywhere):
    """The list's rows (categories from the held reference data, no join) say what each case's detail says."""
    items = reader.get("/api/v1/cases?limit=50").json()["items"]
    assert len(items) == len(cases_everywhere)
    for item in items:
        detail = reader.get(f"/api/v1/cases/{item['id']}").json()
        assert {k: detail[k] for k in item} == item
