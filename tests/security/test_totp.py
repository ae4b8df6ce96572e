"""TOTP second factor (RFC 6238) for admins and commanders: enrolment with a QR code, a code after the
password, recovery codes, and JISHI_REQUIRE_TOTP forcing enrolment."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django.test import override_settings

from jishi.security import totp
from jishi.security.models import TOTPDevice


def test_codes_match_the_rfc_6238_test_vectors():
    secret = base64.b32encode(b"12345678901234567890").decode()
    vectors = {59: "94287082", 1111111109: "07081804", 1111111111: "14050471", 1234567890: "89005924",
               2000000000: "69279037", 20000000000: "65353130"}
    for t, expected in vectors.items():
        assert totp.hotp(secret, totp.step_at(t), digits=8) == expected


def test_a_code_from_the_previous_step_is_accepted_for_clock_drift():
    secret = totp.new_secret()
    assert totp.match_step(secret, totp.totp(secret, 1_000_000 - 30), t=1_000_000) is not None
    assert totp.match_step(secret, totp.totp(secret, 1_000_000 - 120), t=1_000_000) is None


def next_code(secret: str) -> str:
    """The code of the next time step (accepted for clock drift; the current one was used to enrol)."""
    return totp.totp(secret, time.time() + totp.STEP)


def enrol(client, login, key: str = "city_commander") -> tuple[str, list[str]]:
    secret, codes, _ = enrol_with_code(client, login, key)
    return secret, codes


def enrol_with_code(client, login, key: str = "city_commander") -> tuple[str, list[str], str]:
    """Enrol ``key``; returns the secret, the recovery codes and the TOTP code that confirmed it."""
    login(key)
    page = client.get("/security/totp/setup/").content.decode()
    assert "<svg" in page
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    code = totp.totp(secret)
    done = client.post("/security/totp/setup/", {"code": code})
    assert done.status_code == 200
    codes = re.findall(r"<code>([0-9a-f]{6}-[0-9a-f]{6})</code>", done.content.decode())
    return secret, codes, code


def test_enrolment_shows_a_qr_code_of_the_otpauth_uri(client, login):
    login("city_commander")
    response = client.get("/security/totp/setup/")
    assert response.status_code == 200
    assert response.context["uri"].startswith("otpauth://totp/")
    assert f"secret={response.context['secret']}" in response.context["uri"]
    assert "<svg" in response.content.decode()


def test_enrolment_with_a_wrong_code_is_refused(client, login):
    login("city_commander")
    client.get("/security/totp/setup/")
    response = client.post("/security/totp/setup/", {"code": "000000"})
    assert response.status_code == 422
    assert "动态口令不正确" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed_at__isnull=False).exists()


def test_confirmed_enrolment_gives_ten_recovery_codes(client, login):
    _, codes = enrol(client, login)
    assert len(codes) == 10 and len(set(codes)) == 10


def test_after_the_password_an_enrolled_commander_must_enter_a_code(client, login):
    secret, _ = enrol(client, login)
    client.logout()
    login("city_commander")
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/security/totp/verify/")
    wrong = "123456" if next_code(secret) != "123456" else "654321"
    assert client.post("/security/totp/verify/", {"code": wrong}).status_code == 422
    response = client.post("/security/totp/verify/", {"code": next_code(secret), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_code_cannot_be_used_twice(client, login):
    # The very code that confirmed enrolment: still inside the drift window even if a 30-second step
    # boundary passes in between, but its step is used.
    _, _, used = enrol_with_code(client, login)
    client.logout()
    login("city_commander")
    response = client.post("/security/totp/verify/", {"code": used})
    assert response.status_code == 422
    assert "已使用过" in response.content.decode()


def test_a_recovery_code_works_once(client, login):
    _, codes = enrol(client, login)
    client.logout()
    login("city_commander")
    assert client.post("/security/totp/verify/", {"code": codes[0]}).status_code == 302
    client.logout()
    login("city_commander")
    assert client.post("/security/totp/verify/", {"code": codes[0]}).status_code == 422


def test_the_api_answers_403_until_the_second_factor_is_given(client, login):
    enrol(client, login)
    client.logout()
    login("city_commander")
    response = client.get("/api/v1/org/regions")
    assert response.status_code == 403 and response.json()["code"] == "totp_required"


def test_roles_without_a_second_factor_are_not_asked(client, login):
    login("grid_worker")
    assert client.get("/").status_code == 200


@override_settings(JISHI_REQUIRE_TOTP=True)
@pytest.mark.parametrize("key", ["admin", "city_commander", "town_commander"])
def test_required_totp_sends_admins_and_commanders_to_enrolment(client, login, key):
    login(key)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/security/totp/setup/")


@override_settings(JISHI_REQUIRE_TOTP=True)
def test_required_totp_leaves_other_roles_alone(client, login):
    login("grid_worker")
    assert client.get("/").status_code == 200


def test_an_admin_can_reset_a_lost_device(client, login, city):
    from jishi.security import services

    enrol(client, login)
    services.reset_device(city.user("admin"), city.user("city_commander"))
    client.logout()
    login("city_commander")
    assert client.get("/").status_code == 200
