"""Staff accounts opened in bulk after the people import (roles from their posts, initial passwords shown once,
changed at the first login) and the per-host roles (a resident-facing host never serves staff pages)."""

from __future__ import annotations

import io
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from jishi.accounts import hosts, services
from jishi.accounts.models import AccountState
from jishi.core.audit import AuditRecord
from jishi.core.errors import PermissionDenied
from jishi.org.choices import Role
from jishi.org.models import Person, StaffAssignment
from jishi.org.policy import actor_for_user

pytestmark = pytest.mark.django_db


def _staff(city, n: int, *, role=Role.GRID_WORKER, region="A1a", phone=True) -> list[Person]:
    people = []
    for i in range(n):
        p = Person(name=f"网格员{i}", phone=f"1370000{i:04d}" if phone else "", id_number=f"3202811990{i:08d}")
        p.place_in(city.regions[region])
        p.save()
        a = StaffAssignment(person=p, role=role, region=city.regions[region])
        a.place_in(city.regions[region])
        a.save()
        people.append(p)
    return people


def test_staff_accounts_are_opened_in_bulk_with_roles_from_posts(city):
    workers = _staff(city, 3)
    nophone = _staff(city, 1, role=Role.VILLAGE_CADRE, region="A1", phone=False)[0]
    resident = Person.objects.create(name="不开通的居民", phone="13700009999")
    rows = services.open_staff_accounts(city.user("admin"))
    assert {r.person_id for r in rows} == {p.pk for p in [*workers, nophone]}
    by_person = {r.person_id: r for r in rows}
    assert by_person[workers[0].pk].username == "13700000000" and by_person[workers[0].pk].roles == "专职网格员"
    assert by_person[nophone.pk].username == f"js{nophone.pk}"
    user = get_user_model().objects.get(username="13700000000")
    assert user.password.startswith("jishi_initial$")
    assert user.check_password(by_person[workers[0].pk].password)
    assert actor_for_user(user).roles == ("grid_worker",)
    assert AccountState.objects.filter(must_change_password=True, origin="staff_import").count() == 4
    resident.refresh_from_db()
    assert resident.user_id is None
    audit = AuditRecord.objects.get(action="accounts.staff_opened")
    assert audit.data["count"] == 4 and by_person[workers[0].pk].password not in str(audit.data)
    assert services.open_staff_accounts(city.user("admin")) == []  # once


def test_opening_many_staff_accounts_takes_few_statements(city):
    _staff(city, 300)
    with CaptureQueriesContext(connection) as q:
        started = time.perf_counter()
        rows = services.open_staff_accounts(city.user("admin"))
        seconds = time.perf_counter() - started
    assert len(rows) == 300
    assert len(q.captured_queries) <= 16, [x["sql"][:80] for x in q.captured_queries]
    assert seconds < 5


def test_only_importers_open_staff_accounts(city, client):
    _staff(city, 1)
    with pytest.raises(PermissionDenied):
        services.open_staff_accounts(city.user("village_cadre"))
    client.force_login(city.user("village_cadre"))
    assert client.get("/accounts/staff/").status_code == 403


def test_the_admin_downloads_the_initial_passwords_and_the_first_login_must_change_it(city, client):
    _staff(city, 2)
    client.force_login(city.user("admin"))
    page = client.get("/accounts/staff/").content.decode()
    assert 'data-testid="waiting">2<' in page
    r = client.post("/accounts/staff/")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats") and r["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(r.content)).active
    head, first = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert head[:4] == ["人员编号", "姓名", "用户名", "初始密码"]
    username, password = first[2], first[3]
    client.logout()

    r = client.post("/login/", {"username": username, "password": password})
    assert r.status_code == 302
    r = client.get("/cases/grid/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/password/?next=")
    api = client.get("/api/v1/notifications/")
    assert api.status_code == 403 and api.json()["code"] == "password_change_required"
    assert "第一次登录" in client.get("/accounts/password/").content.decode()
    r = client.post("/accounts/password/", {"old_password": password, "new_password": "Wangge-2026-春",
                                            "new_password2": "Wangge-2026-春", "next": "/cases/grid/"})
    assert r.status_code == 302 and r["Location"] == "/cases/grid/"
    assert client.get("/").status_code == 200  # free now, and still signed in
    user = get_user_model().objects.get(username=username)
    assert user.check_password("Wangge-2026-春") and not user.password.startswith("jishi_initial$")
    assert not AccountState.objects.get(user=user).must_change_password


def test_a_change_to_the_same_or_a_weak_password_is_refused(city, client):
    _staff(city, 1)
    rows = services.open_staff_accounts(city.user("admin"))
    client.post("/login/", {"username": rows[0].username, "password": rows[0].password})
    for new in (rows[0].password, "12345678"):
        r = client.post("/accounts/password/", {"old_password": rows[0].password, "new_password": new,
                                                "new_password2": new})
        assert r.status_code == 422
    assert client.get("/").status_code == 302


RESIDENT_HOST = "m.test"
INTRANET = "gov.test"


@pytest.fixture
def two_hosts(settings):
    settings.ALLOWED_HOSTS = [RESIDENT_HOST, INTRANET, "testserver"]
    settings.JISHI_HOST_ROLES = f"{RESIDENT_HOST}=resident,informant,merchant,volunteer"


def test_a_resident_host_serves_residents(two_hosts, city, client):
    client.force_login(city.user("resident"))
    assert client.get("/", HTTP_HOST=RESIDENT_HOST).status_code == 200
    client.force_login(city.user("informant"))
    assert client.get("/", HTTP_HOST=RESIDENT_HOST).status_code == 200


def test_a_resident_host_never_serves_staff(two_hosts, city, client):
    client.force_login(city.user("grid_worker"))
    r = client.get("/cases/grid/", HTTP_HOST=RESIDENT_HOST)
    assert r.status_code == 403 and "政务内网" in r.content.decode()
    assert "_auth_user_id" not in client.session  # signed out there
    client.force_login(city.user("grid_worker"))
    assert client.get("/cases/grid/", HTTP_HOST=INTRANET).status_code == 200  # the intranet serves every role
    client.force_login(city.user("admin"))
    assert client.get("/admin/", HTTP_HOST=RESIDENT_HOST).status_code == 404
    r = client.get("/api/v1/org/regions", HTTP_HOST=RESIDENT_HOST, HTTP_AUTHORIZATION="Bearer jsk_x_y")
    assert r.status_code == 403 and r.json()["code"] == "host_refuses_tokens"
    client.force_login(city.user("dept_urban"))
    r = client.get("/api/v1/notifications/", HTTP_HOST=RESIDENT_HOST)
    assert r.status_code == 403 and r.json()["code"] == "host_role_refused"
    client.logout()
    assert client.get("/accounts/enter/", HTTP_HOST=RESIDENT_HOST).status_code == 200


def test_a_bad_host_roles_setting_stops_start_up(settings):
    settings.JISHI_HOST_ROLES = "m.test=resident,mayor"
    with pytest.raises(ImproperlyConfigured, match="mayor"):
        hosts.host_roles()
    settings.JISHI_HOST_ROLES = "m.test"
    with pytest.raises(ImproperlyConfigured):
        hosts.host_roles()


def test_the_command_writes_the_passwords_once_to_a_private_file(city, tmp_path, capsys):
    from django.core.management import call_command

    _staff(city, 2)
    out = tmp_path / "accounts.xlsx"
    call_command("staff_accounts", "--dry-run")
    assert "待开通：2" in capsys.readouterr().out
    call_command("staff_accounts", "--out", str(out))
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert len(list(load_workbook(out).active.iter_rows())) == 5  # head, 2 rows, blank, the note
    with pytest.raises(Exception, match="已存在"):
        call_command("staff_accounts", "--out", str(out))


def test_the_people_import_then_the_bulk_opening_and_an_imported_resident_registers(city, tmp_path):
    """The whole path: an Excel import of people and posts; staff get accounts with their posts' roles; the
    imported resident opens their own by phone and ID check."""
    from jishi.accounts import sms
    from jishi.org.imports import import_people
    from tests.org.test_imports import good_rows, make_id, write_xlsx

    report = import_people(city.user("admin"), write_xlsx(tmp_path / "p.xlsx", good_rows(city)))
    assert report.ok, report.problems
    rows = {r.name: r for r in services.open_staff_accounts(city.user("admin"))}
    assert set(rows) == {"钱网格", "孙干部", "李城管"}  # the posted three, not the household
    assert rows["钱网格"].username == "13700001111"
    roles = {name: actor_for_user(get_user_model().objects.get(username=r.username)).roles for name, r in rows.items()}
    assert roles == {"钱网格": ("grid_worker",), "孙干部": ("village_cadre",), "李城管": ("department_handler",)}
    services.send_code("13912345678", "enter")
    code = sms.last_to("13912345678").split("验证码为 ")[1][:6]
    entered = services.enter("13912345678", code, id_last6=make_id(11)[-6:])
    assert entered.user.person.name == "周建国" and actor_for_user(entered.user).roles == ("resident",)
