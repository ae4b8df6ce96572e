"""Per-port rate limits: over the limit a call gets 429 problem+json with Retry-After; the count is per port and
per minute, shared by every server process (the database, or Redis when configured), exact under concurrency."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from jishi.platform import clients, ratelimit
from tests.concurrency import at_once

pytestmark = pytest.mark.usefixtures("steady_minute")  # the rate and revalidation windows are minutes


def _port_client(city, limit: int, name: str = "限流测试") -> Client:
    port = clients.open_client(city.user("admin"), name=name, kind="partner", owner=city.user("admin"),
                               account=city.user("city_commander"), scopes=["cases:read"], rate_limit=limit)
    _, text = clients.issue_token(city.user("admin"), port.pk, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def test_the_call_after_the_limit_gets_429_with_retry_after_until_the_next_minute(city):
    with time_machine.travel("2026-11-27 10:00:15 +0800", tick=False):
        api = _port_client(city, 3)
        assert [api.get("/api/v1/cases").status_code for _ in range(3)] == [200, 200, 200]
        r = api.get("/api/v1/cases")
        assert r.status_code == 429
        assert r["Retry-After"] == "45"
        body = r.json()
        assert r["Content-Type"] == "application/problem+json"
        assert body["code"] == "rate_limited" and "每分钟最多 3 次" in body["detail"]
    with time_machine.travel("2026-11-27 10:01:00 +0800", tick=False):
        assert api.get("/api/v1/cases").status_code == 200


def test_each_port_has_its_own_count(city):
    busy, quiet = _port_client(city, 1, "甲"), _port_client(city, 1, "乙")
    assert busy.get("/api/v1/cases").status_code == 200
    assert busy.get("/api/v1/cases").status_code == 429
    assert quiet.get("/api/v1/cases").status_code == 200


def test_a_refused_token_is_not_counted_against_anyone(city):
    assert Client(HTTP_AUTHORIZATION="Bearer jsk_00000000_nope").get("/api/v1/cases").status_code == 401
    assert ratelimit.windows("t1") == [] and ratelimit.windows("c1") == []


def test_old_windows_are_forgotten_when_a_new_one_starts(db):
    for minute in range(5):
        ratelimit.hit("c1", 10, now=minute * 60.0)
    assert ratelimit.windows("c1") == [3, 4]


@pytest.mark.django_db(transaction=True)
def test_under_concurrent_calls_exactly_the_limit_gets_through():
    """Eight threads, each with its own connection (PostgreSQL, or the SQLite side file)."""
    def caller(t: int) -> list[int | None]:
        return [ratelimit.hit("c-concurrent", 10, now=120.5) for _ in range(5)]

    answers, errors = at_once(8, caller)
    results = [r for batch in answers for r in batch]
    assert not errors and len(results) == 40
    assert results.count(None) == 10
    assert set(results) - {None} == {60}  # the rest wait for the next window (60 s from 120.5 s, rounded up)
