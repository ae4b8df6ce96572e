"""A system polling the case API revalidates: it sends back the ETag it got and, while nothing changed, gets
304 Not Modified with no body — never a stale or wider answer: authentication, scope, rate limit and validation
still run on every call, any change of a case answers 200 with the new content, and one caller's ETag never
matches another's answer."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jishi.cases import services
from jishi.cases.intake import report_case
from jishi.http import conditional as revalidation
from jishi.platform import clients, tokens

pytestmark = pytest.mark.usefixtures("steady_minute")  # the rate and revalidation windows are minutes


@pytest.fixture(autouse=True)
def _one_minute(monkeypatch):
    """The ETag turns with the minute: these tests run within one minute."""
    monkeypatch.setattr(revalidation, "current_minute", lambda: 1)


def _case(city, where: str, title: str):
    lng, lat = city.point_in(where)
    return report_case(city.user("admin"), channel="hotline", category_code="0101", title=title, lng=lng, lat=lat)


def _token_client(city, who: str) -> Client:
    _, text = tokens.create_token(None, city.user(who), "polling", ["cases:read"])
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def test_a_repeat_call_with_the_etag_is_304_without_a_body_or_a_case_query(city, bearer):
    case = _case(city, "A1a1", "路灯不亮")
    api = bearer("city_commander")
    for url in ("/api/v1/cases?limit=10", f"/api/v1/cases/{case.pk}"):
        first = api.get(url)
        assert first.status_code == 200 and first["ETag"].startswith('W/"')
        assert "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]
        with CaptureQueriesContext(connection) as ctx:
            second = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert second.status_code == 304 and second.content == b"" and second["ETag"] == first["ETag"]
        assert not [q for q in ctx.captured_queries if '"cases_case"' in q["sql"]]
        third = api.get(url)  # without the ETag: the whole answer, the same
        assert third.status_code == 200 and third.json() == first.json() and third["ETag"] == first["ETag"]


def test_a_change_of_any_case_answers_200_with_the_new_content(city, bearer):
    case = _case(city, "A1a1", "路灯不亮")
    api = bearer("town_commander")
    url = f"/api/v1/cases/{case.pk}"
    etag = api.get(url)["ETag"]
    assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    listed = api.get("/api/v1/cases?state=accepted")
    assert listed.json()["items"] == []
    services.accept(city.user("town_commander"), case)
    fresh = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and fresh.json()["state"] == "accepted" and fresh["ETag"] != etag
    listed = api.get("/api/v1/cases?state=accepted", HTTP_IF_NONE_MATCH=listed["ETag"])
    assert listed.status_code == 200 and [c["id"] for c in listed.json()["items"]] == [case.pk]


def test_another_callers_etag_never_matches(city):
    case = _case(city, "A1a1", "路灯不亮")
    town, city_centre = _token_client(city, "town_commander"), _token_client(city, "city_commander")
    for url in ("/api/v1/cases", f"/api/v1/cases/{case.pk}"):
        etag = town.get(url)["ETag"]
        answer = city_centre.get(url, HTTP_IF_NONE_MATCH=etag)
        assert answer.status_code == 200 and answer["ETag"] != etag


def test_a_narrower_port_of_the_same_account_never_gets_the_wider_answer(city):
    in_a, in_b = _case(city, "A1a1", "A镇的事"), _case(city, "B1a1", "B镇的事")
    wide = _token_client(city, "city_commander")
    port = clients.open_client(city.user("admin"), name="A镇系统", kind="town", owner=city.user("admin"),
                               account=city.user("city_commander"), scopes=["cases:read"], region=city.regions["A"])
    narrow = Client(HTTP_AUTHORIZATION=f"Bearer {clients.issue_token(city.user('admin'), port.pk, name='t')[1]}")
    everything = wide.get("/api/v1/cases")
    assert {c["id"] for c in everything.json()["items"]} >= {in_a.pk, in_b.pk}
    answer = narrow.get("/api/v1/cases", HTTP_IF_NONE_MATCH=everything["ETag"])
    assert answer.status_code == 200
    ids = {c["id"] for c in answer.json()["items"]}
    assert in_a.pk in ids and in_b.pk not in ids
    assert narrow.get(f"/api/v1/cases/{in_b.pk}").status_code == 404


def test_a_revoked_token_is_refused_even_with_a_valid_etag(city):
    case = _case(city, "A1a1", "路灯不亮")
    token, text = tokens.create_token(None, city.user("city_commander"), "polling", ["cases:read"])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    etag = api.get(f"/api/v1/cases/{case.pk}")["ETag"]
    assert api.get(f"/api/v1/cases/{case.pk}", HTTP_IF_NONE_MATCH=etag).status_code == 304
    tokens.revoke_token(city.user("city_commander"), token.pk)
    assert api.get(f"/api/v1/cases/{case.pk}", HTTP_IF_NONE_MATCH=etag).status_code == 401


def test_the_rate_limit_counts_revalidations_too(city, settings):
    settings.JISHI_API_RATE_LIMIT = 3
    case = _case(city, "A1a1", "路灯不亮")
    api = _token_client(city, "city_commander")
    etag = api.get(f"/api/v1/cases/{case.pk}")["ETag"]
    statuses = [api.get(f"/api/v1/cases/{case.pk}", HTTP_IF_NONE_MATCH=etag).status_code for _ in range(3)]
    assert statuses == [304, 304, 429]


def test_bad_input_is_refused_whatever_the_etag(city, bearer):
    api = bearer("city_commander")
    etag = api.get("/api/v1/cases?limit=10")["ETag"]
    assert api.get("/api/v1/cases?limit=0", HTTP_IF_NONE_MATCH=etag).status_code == 422
    assert api.get("/api/v1/cases?state=nonsense", HTTP_IF_NONE_MATCH="*").status_code == 422
    assert api.get("/api/v1/cases?state=nonsense", HTTP_IF_NONE_MATCH=etag).status_code == 422


def test_the_next_minute_answers_200(city, bearer, monkeypatch):
    api = bearer("city_commander")
    etag = api.get("/api/v1/cases")["ETag"]
    monkeypatch.setattr(revalidation, "current_minute", lambda: 2)
    assert api.get("/api/v1/cases", HTTP_IF_NONE_MATCH=etag).status_code == 200
