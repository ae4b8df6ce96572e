"""The entrance on pages and in the API: the login page points to it, a resident registers and lands on their
home, the invitation page shows its code and QR, the entrance API answers problem+json (429 with Retry-After)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model

from jishi.accounts.models import Invitation
from jishi.org.models import Person
from tests.accounts.conftest import ID_NUMBER, PHONE, code_sent_to

pytestmark = pytest.mark.django_db


def test_the_login_page_offers_staff_login_and_the_resident_entrance(client, city):
    html = client.get("/login/").content.decode()
    assert "政务内网专用" not in html
    assert 'href="/accounts/enter/"' in html and 'href="/accounts/reset/"' in html
    assert 'for="id_username"' in html


def test_a_resident_registers_on_the_pages_and_lands_on_their_home(client, villager):
    r = client.post("/accounts/enter/", {"phone": "139 1234 5678"})
    assert r.status_code == 302 and r["Location"] == "/accounts/enter/code/"
    page = client.get("/accounts/enter/code/").content.decode()
    assert "139****5678" in page
    r = client.post("/accounts/enter/code/", {"code": "000000" if code_sent_to(PHONE) != "000000" else "111111",
                                              "id_last6": ID_NUMBER[-6:]})
    assert r.status_code == 422 and "验证码不正确" in r.content.decode()
    r = client.post("/accounts/enter/code/", {"code": code_sent_to(PHONE), "id_last6": ID_NUMBER[-6:]})
    assert r.status_code == 302 and r["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200 and "赵村民" in home.content.decode()
    assert client.get("/accounts/enter/")["Location"] == "/"  # signed in: the entrance leads home
    villager.refresh_from_db()
    assert villager.user_id == int(client.session["_auth_user_id"])


def test_a_wrong_id_check_on_the_page_says_so(client, villager):
    client.post("/accounts/enter/", {"phone": PHONE})
    r = client.post("/accounts/enter/code/", {"code": code_sent_to(PHONE), "id_last6": "999999"})
    assert r.status_code == 422 and "身份证号后 6 位与登记信息不符" in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_invitation_link_carries_the_code_into_the_entrance(client, city):
    p = Person(name="周新户")
    p.place_in(city.regions["A1a1"])
    p.save()
    client.force_login(city.user("village_cadre"))
    assert client.get(f"/people/{p.pk}/").content.decode().count(f"/accounts/invite/{p.pk}/") == 1
    r = client.post(f"/accounts/invite/{p.pk}/")
    html = r.content.decode()
    assert r.status_code == 200 and "<svg" in html and Invitation.objects.filter(person=p).count() == 1
    code = html.split('data-testid="invite-code">')[1].split("<")[0]
    client.logout()
    client.get(f"/accounts/enter/?invite={code}")
    client.post("/accounts/enter/", {"phone": "13655557777"})
    assert "邀请码" in client.get("/accounts/enter/code/").content.decode()
    r = client.post("/accounts/enter/code/", {"code": code_sent_to("13655557777")})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.user.username == "13655557777"


def test_grid_staff_cannot_open_the_invitation_page(client, city, villager):
    client.force_login(city.user("grid_worker"))
    assert client.get(f"/accounts/invite/{villager.pk}/").status_code == 404
    assert client.post(f"/accounts/invite/{villager.pk}/").status_code == 404
    assert not Invitation.objects.exists()


def test_password_reset_on_the_pages(client, city, villager):
    user = get_user_model().objects.create_user(PHONE, password="Old-pass-2026x")
    Person.objects.filter(pk=villager.pk).update(user=user)
    r = client.post("/accounts/reset/", {"phone": PHONE})
    assert r.status_code == 302
    r = client.post("/accounts/reset/code/", {"code": code_sent_to(PHONE), "new_password": "Xin-mima-2026!",
                                              "new_password2": "Xin-mima-2026!"})
    assert r.status_code == 302 and r["Location"] == "/login/"
    assert client.login(username=PHONE, password="Xin-mima-2026!")


def _post(client, path, body, **extra):
    return client.post(path, json.dumps(body), content_type="application/json", **extra)


def test_the_entrance_api(client, villager):
    r = _post(client, "/api/v1/auth/sms-code", {"phone": PHONE, "purpose": "enter"})
    assert r.status_code == 202 and r.json()["expires_in"] == 300
    again = _post(client, "/api/v1/auth/sms-code", {"phone": PHONE})
    assert again.status_code == 429 and again["Content-Type"] == "application/problem+json"
    assert int(again["Retry-After"]) > 0 and again.json()["code"] == "too_many_attempts"
    wrong = _post(client, "/api/v1/auth/enter", {"phone": PHONE, "code": "abc", "id_last6": ID_NUMBER[-6:]})
    assert wrong.status_code == 422 and wrong.json()["field"] == "code"
    r = _post(client, "/api/v1/auth/enter", {"phone": PHONE, "code": code_sent_to(PHONE), "id_last6": ID_NUMBER[-6:]})
    assert r.status_code == 200 and r.json()["created"] is True and r.json()["username"] == PHONE
    assert client.get("/api/v1/notifications/").status_code != 401  # the session is signed in


def test_the_entrance_api_bounds_every_string_and_is_documented_apart(client):
    doc = client.get("/api/v1/auth/openapi.json").json()
    assert set(doc["paths"]) == {"/api/v1/auth/sms-code", "/api/v1/auth/enter", "/api/v1/auth/password-reset"}
    for name, schema in doc["components"]["schemas"].items():
        for field, prop in schema.get("properties", {}).items():
            if prop.get("type") == "string" and "enum" not in prop and name.endswith("In"):
                assert "maxLength" in prop, f"{name}.{field}"
    r = _post(client, "/api/v1/auth/enter", {"phone": "1" * 21, "code": "1"})
    assert r.status_code == 422 and r.json()["errors"][0]["max_length"] == 20
    main = client.get("/api/v1/openapi.json").json()
    assert not [p for p in main["paths"] if p.startswith("/api/v1/auth")]
