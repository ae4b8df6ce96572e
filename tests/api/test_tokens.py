"""Tokens: shown once, stored only as an HMAC digest, scoped, revocable and expiring at once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from jishi.core.errors import NotFound, PermissionDenied, ValidationFailed
from jishi.core.models import AuditRecord
from jishi.platform import tokens
from jishi.platform.models import ApiToken
from jishi.urls import api

REGIONS = "/api/v1/org/regions"


def _client(text: str, **extra) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}", **extra)


def test_a_token_has_the_documented_format_and_only_its_digest_is_stored(city):
    row, text = tokens.create_token(None, city.user("town_commander"), "对接系统", ["org:read"])
    assert text.startswith(f"jsk_{row.prefix}_") and len(row.prefix) == 8
    secret = text.split("_", 2)[2]
    assert len(secret) >= 40
    assert row.digest == tokens.digest(text) and len(row.digest) == 64 and secret not in row.digest
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM api_apitoken")
        stored = " ".join(str(v) for r in cur.fetchall() for v in r)
    assert secret not in stored and text not in stored
    rec = AuditRecord.objects.get(action="api_token.create")
    assert secret not in str(rec.data) and rec.data["prefix"] == row.prefix


def test_the_digest_is_keyed_with_the_secret_key(city, settings):
    text = "jsk_abcdef12_" + "x" * 43
    before = tokens.digest(text)
    settings.SECRET_KEY = "another-secret-key-of-at-least-32-characters"
    assert tokens.digest(text) != before


def test_a_valid_token_authenticates_as_its_user(city):
    _, text = tokens.create_token(None, city.user("town_commander"), "t", ["org:read"])
    r = _client(text).get(REGIONS, {"level": "town"})
    assert r.status_code == 200
    assert [x["name"] for x in r.json()["items"]] == ["A镇"]


def test_a_tampered_token_is_refused(city):
    _, text = tokens.create_token(None, city.user("town_commander"), "t", ["org:read"])
    bad = text[:-1] + ("A" if text[-1] != "A" else "B")
    r = _client(bad).get(REGIONS)
    assert r.status_code == 401
    assert r.json()["code"] == "unauthorized" and r.json()["detail"] == "令牌无效"
    assert r["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused_at_once(city):
    row, text = tokens.create_token(None, city.user("town_commander"), "t", ["org:read"])
    client = _client(text)
    assert client.get(REGIONS).status_code == 200
    tokens.revoke_token(city.user("admin"), row.pk)
    r = client.get(REGIONS)
    assert r.status_code == 401 and r.json()["detail"] == "令牌已吊销"


def test_a_token_expires_after_its_days(city):
    _, text = tokens.create_token(None, city.user("town_commander"), "t", ["org:read"], days=2)
    assert _client(text).get(REGIONS).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=2, seconds=1)):
        r = _client(text).get(REGIONS)
    assert r.status_code == 401 and r.json()["detail_en"] == "token expired"


def test_a_token_of_a_deactivated_user_is_refused(city):
    user = city.user("town_commander")
    _, text = tokens.create_token(None, user, "t", ["org:read"])
    user.is_active = False
    user.save()
    assert _client(text).get(REGIONS).status_code == 401


def test_a_token_without_the_scope_gets_403_insufficient_scope(city):
    _, text = tokens.create_token(None, city.user("town_commander"), "t", ["cases:read"])
    r = _client(text).get(REGIONS)
    assert r.status_code == 403
    body = r.json()
    assert body["code"] == "insufficient_scope" and "org:read" in body["detail"]
    assert body["details"]["required_scope"] == "org:read"


def test_an_unknown_scope_cannot_be_granted(city):
    with pytest.raises(ValidationFailed) as exc:
        tokens.create_token(None, city.user("town_commander"), "t", ["org:read", "everything"])
    assert exc.value.field == "scopes"


def test_the_ip_allow_list_admits_only_listed_addresses(city):
    _, text = tokens.create_token(None, city.user("town_commander"), "t", ["org:read"], allowed_ips=["10.1.0.0/16"])
    assert _client(text, REMOTE_ADDR="10.1.2.3").get(REGIONS).status_code == 200
    r = _client(text, REMOTE_ADDR="192.168.1.9").get(REGIONS)
    assert r.status_code == 401 and "192.168.1.9" in r.json()["detail"]


def test_last_used_is_written_at_most_once_a_minute(city, django_assert_num_queries):
    row, text = tokens.create_token(None, city.user("town_commander"), "t", ["org:read"])
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        tokens.authenticate(text, None)
        first = ApiToken.objects.get(pk=row.pk).last_used_at
        assert first == start
        with django_assert_num_queries(1):  # the lookup only; no write within the minute
            tokens.authenticate(text, None)
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        tokens.authenticate(text, None)
    assert ApiToken.objects.get(pk=row.pk).last_used_at == start + dt.timedelta(seconds=61)


def test_only_the_owner_or_an_admin_may_manage_a_token(city):
    with pytest.raises(PermissionDenied):
        tokens.create_token(city.user("grid_worker"), city.user("town_commander"), "t", ["org:read"])
    row, _ = tokens.create_token(city.user("grid_worker"), city.user("grid_worker"), "mine", ["cases:read"])
    with pytest.raises(NotFound):  # another's token is as an unknown one: no existence oracle
        tokens.revoke_token(city.user("town_commander"), row.pk)
    assert tokens.revoke_token(city.user("admin"), row.pk).revoked_at is not None


def test_the_token_command_creates_lists_and_revokes(city, capsys):
    call_command("token", "create", "--user", "dept_urban", "--name", "城管系统", "--scopes", "cases:read,cases:act",
                 "--days", "30")
    out = capsys.readouterr().out
    text = out.strip().splitlines()[-1]
    assert text.startswith("jsk_")
    row = ApiToken.objects.get(name="城管系统")
    assert row.scopes == ["cases:act", "cases:read"] and row.digest == tokens.digest(text)
    call_command("token", "list")
    listing = capsys.readouterr().out
    assert f"jsk_{row.prefix}_" in listing and "active" in listing and text not in listing
    call_command("token", "revoke", str(row.pk))
    call_command("token", "list", "--user", "dept_urban")
    assert "revoked" in capsys.readouterr().out


def test_every_operation_declares_the_scope_it_needs_in_the_openapi_document():
    missing = []
    for path, item in api.get_openapi_schema()["paths"].items():
        for method, op in item.items():
            token = [req["TokenAuth"] for req in op.get("security", []) if "TokenAuth" in req]
            if not (token and token[0] and set(token[0]) <= set(tokens.SCOPES)):
                missing.append(f"{method} {path}")
    assert missing == []
