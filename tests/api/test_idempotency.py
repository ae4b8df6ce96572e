"""Idempotency-Key on every POST: a retry with the same key and request gets the first response again and does
nothing twice; the same key with another request is refused; keys belong to one caller; a failure that did
not complete frees the key; concurrent retries run the step once."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client

from jishi.cases.intake import report_case
from jishi.cases.models import CaseEvent
from jishi.http import idempotency
from jishi.http.models import IdempotentRequest
from jishi.urls import api
from tests.concurrency import at_once


def _case(city):
    lng, lat = city.point_in("A1a1")
    return report_case(city.user("admin"), channel="hotline", category_code="0101", title="井盖缺失", lng=lng, lat=lat)


def _post(client, url, body=None, key=None):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(url, json.dumps(body or {}), content_type="application/json", **extra)


def test_every_post_operation_takes_an_idempotency_key():
    schema = api.get_openapi_schema()
    posts = [(path, op) for path, ops in schema["paths"].items() for m, op in ops.items() if m == "post"]
    assert len(posts) >= 15
    for path, op in posts:
        assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in op.get("parameters", [])), path


def test_a_retry_replays_the_first_response_and_the_step_happens_once(city, bearer):
    case = _case(city)
    town = bearer("town_commander")
    first = _post(town, f"/api/v1/cases/{case.pk}/accept", key="acc-1")
    again = _post(town, f"/api/v1/cases/{case.pk}/accept", key="acc-1")
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert CaseEvent.objects.filter(case=case, verb="accept").count() == 1
    # without the key the second accept is what it is: an illegal step
    assert _post(town, f"/api/v1/cases/{case.pk}/accept").status_code == 409


def test_the_same_key_with_a_different_request_is_refused_and_changes_nothing(city, bearer):
    case = _case(city)
    town = bearer("town_commander")
    assert _post(town, f"/api/v1/cases/{case.pk}/accept", key="k").status_code == 200
    r = _post(town, f"/api/v1/cases/{case.pk}/dispatch", {"department": city.departments["urban"].pk}, key="k")
    assert r.status_code == 422 and r.json()["code"] == "idempotency_key_reused"
    assert not CaseEvent.objects.filter(case=case, verb="dispatch").exists()


def test_keys_belong_to_one_caller(city, bearer):
    a, b = _case(city), _case(city)
    town, commander = bearer("town_commander"), bearer("city_commander")
    assert _post(town, f"/api/v1/cases/{a.pk}/accept", key="same").status_code == 200
    r = _post(commander, f"/api/v1/cases/{b.pk}/accept", key="same")
    assert r.status_code == 200 and r.json()["id"] == b.pk and "Idempotent-Replayed" not in r


def test_a_conflict_is_not_kept_so_the_retry_runs_again(city, bearer):
    case = _case(city)
    town = bearer("town_commander")
    assert _post(town, f"/api/v1/cases/{case.pk}/close", key="c1").status_code == 409
    assert not IdempotentRequest.objects.exists()


@pytest.mark.parametrize("key", ["", " ", "x" * 101])
def test_a_malformed_key_is_a_422_problem(city, bearer, key):
    case = _case(city)
    r = _post(bearer("town_commander"), f"/api/v1/cases/{case.pk}/accept", key=key)
    assert r.status_code == 422 and r.json()["code"] == "idempotency_key_invalid"
    assert not CaseEvent.objects.filter(case=case, verb="accept").exists()


def test_stored_responses_are_forgotten_after_the_keeping_time(city, bearer, settings):
    import time_machine

    case = _case(city)
    with time_machine.travel("2026-11-01 09:00 +0800"):
        _post(bearer("town_commander"), f"/api/v1/cases/{case.pk}/accept", key="old")
    with time_machine.travel("2026-11-02 09:01 +0800"):
        assert idempotency.forget_old() == 1


@pytest.mark.skipif(not settings.IS_POSTGRES, reason="real concurrent connections need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_run_the_step_once_and_all_get_its_answer(city):
    from jishi.platform import tokens

    case = _case(city)
    _, text = tokens.create_token(None, city.user("town_commander"), "t", ["cases:act", "cases:read"])
    def retry(t: int) -> tuple[int, bytes]:
        r = _post(Client(HTTP_AUTHORIZATION=f"Bearer {text}"), f"/api/v1/cases/{case.pk}/accept", key="storm")
        return r.status_code, r.content

    answers, errors = at_once(8, retry)
    assert not errors
    assert [s for s, _ in answers] == [200] * 8
    assert len({body for _, body in answers}) == 1
    assert CaseEvent.objects.filter(case=case, verb="accept").count() == 1
