"""Sessions expire after SESSION_COOKIE_AGE (JISHI_SESSION_SECONDS) and at browser close."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.conf import settings
from django.utils import timezone


def test_a_session_expires_after_the_configured_age(client, login):
    login("grid_worker")
    assert client.get("/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)):
        response = client.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_session_is_valid_before_its_age(client, login):
    login("grid_worker")
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 120)):
        assert client.get("/").status_code == 200


def test_session_cookie_is_http_only_and_ends_with_the_browser():
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
