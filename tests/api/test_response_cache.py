"""A system polling the case API gets repeat answers from the response cache — never a stale or wider one:
authentication, scope, rate limit and validation still run on every call, and any change of a case answers
afresh."""

from __future__ import annotations

import pytest
from django.test import Client

from jishi.api import clients, tokens
from jishi.cases import services
from jishi.cases.intake import report_case
from jishi.web import pagecache
from jishi.web.pagecache import HEADER


@pytest.fixture(autouse=True)
def _one_minute(monkeypatch):
    """The cache key turns with the minute: these tests run within one minute."""
    monkeypatch.setattr(pagecache, "current_minute", lambda: 1)


def _case(city, where: str, title: str):
    lng, lat = city.point_in(where)
    return report_case(city.user("admin"), channel="hotline", category_code="0101", title=title, lng=lng, lat=lat)


def test_a_repeat_call_is_answered_from_the_cache_with_the_same_body(city, bearer):
    case = _case(city, "A1a1", "路灯不亮")
    api = bearer("city_commander")
    for url in ("/api/v1/cases?limit=10", f"/api/v1/cases/{case.pk}"):
        first, second, third = (api.get(url) for _ in range(3))
        assert first.status_code == second.status_code == third.status_code == 200
        assert (first[HEADER], second[HEADER], third[HEADER]) == ("miss", "hit", "hit")
        assert first.json() == second.json() == third.json()
        assert third["Content-Type"].startswith("application/json")


def test_a_change_of_any_case_answers_afresh(city, bearer):
    case = _case(city, "A1a1", "路灯不亮")
    api = bearer("town_commander")
    url = f"/api/v1/cases/{case.pk}"
    api.get(url)
    assert api.get(url)[HEADER] == "hit"
    services.accept(city.user("town_commander"), case)
    fresh = api.get(url)
    assert fresh[HEADER] == "miss" and fresh.json()["state"] == "accepted"
    listed = api.get("/api/v1/cases?state=accepted")
    assert [c["id"] for c in listed.json()["items"]] == [case.pk]


def test_a_revoked_token_is_refused_even_for_a_cached_answer(city):
    case = _case(city, "A1a1", "路灯不亮")
    token, text = tokens.create_token(None, city.user("city_commander"), "polling", ["cases:read"])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    api.get(f"/api/v1/cases/{case.pk}")
    assert api.get(f"/api/v1/cases/{case.pk}")[HEADER] == "hit"
    tokens.revoke_token(city.user("city_commander"), token.pk)
    assert api.get(f"/api/v1/cases/{case.pk}").status_code == 401


def test_a_narrower_port_of_the_same_account_never_gets_the_wider_answer(city):
    in_a, in_b = _case(city, "A1a1", "A镇的事"), _case(city, "B1a1", "B镇的事")
    wide = Client(HTTP_AUTHORIZATION=f"Bearer {tokens.create_token(None, city.user('city_commander'), 'w', ['cases:read'])[1]}")
    port = clients.open_client(city.user("admin"), name="A镇系统", kind="town", owner=city.user("admin"),
                               account=city.user("city_commander"), scopes=["cases:read"], region=city.regions["A"])
    narrow = Client(HTTP_AUTHORIZATION=f"Bearer {clients.issue_token(city.user('admin'), port.pk, name='t')[1]}")
    for _ in range(2):
        assert {c["id"] for c in wide.get("/api/v1/cases").json()["items"]} >= {in_a.pk, in_b.pk}
    ids = {c["id"] for c in narrow.get("/api/v1/cases").json()["items"]}
    assert in_a.pk in ids and in_b.pk not in ids
    assert narrow.get(f"/api/v1/cases/{in_b.pk}").status_code == 404


def test_the_rate_limit_counts_cached_answers_too(city, settings):
    settings.JISHI_API_RATE_LIMIT = 3
    case = _case(city, "A1a1", "路灯不亮")
    _, text = tokens.create_token(None, city.user("city_commander"), "polling", ["cases:read"])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    statuses = [api.get(f"/api/v1/cases/{case.pk}").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_bad_input_is_refused_before_the_cache(city, bearer):
    api = bearer("city_commander")
    assert api.get("/api/v1/cases?limit=10").status_code == 200
    assert api.get("/api/v1/cases?limit=0").status_code == 422
    assert api.get("/api/v1/cases?state=nonsense").status_code == 422


def test_switched_off_nothing_is_cached(city, bearer, settings):
    settings.JISHI_PAGE_CACHE = False
    api = bearer("city_commander")
    assert all(api.get("/api/v1/cases").get(HEADER) is None for _ in range(2))


def test_no_cache_asks_for_a_fresh_answer(city, bearer):
    api = bearer("city_commander")
    api.get("/api/v1/cases")
    assert api.get("/api/v1/cases")[HEADER] == "hit"
    assert api.get("/api/v1/cases", HTTP_CACHE_CONTROL="no-cache")[HEADER] == "miss"
