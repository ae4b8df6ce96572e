"""The resident entrance on a 390 px phone: from the login page to the resident entrance, a code read from the
console sender's outbox, the ID check, and the resident's home. Then a cadre's invitation with its QR code, and a
bulk-opened staff account forced to change its password at the first login (screenshots of each page)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jishi.accounts import services, sms
from jishi.accounts.models import SmsCode
from jishi.org.choices import Role
from jishi.org.models import Person, StaffAssignment

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = "13912345678"


def _code(phone: str) -> str:
    return re.search(r"(\d{6})", sms.last_to(phone)).group(1)


@pytest.fixture
def villager(city):
    sms.OUTBOX.clear()
    p = Person(name="赵村民", phone=PHONE, id_number="32028119850612345X")
    p.place_in(city.regions["A1a1"])
    p.save()
    return p


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_resident_registers_by_sms_code_on_a_phone(page, live_server, shot, villager):
    page.goto("/login/")
    expect(page.get_by_text("政务内网专用")).to_have_count(0)
    shot("1-login")
    page.get_by_test_id("resident-entrance").click()
    page.wait_for_url("**/accounts/enter/")
    page.get_by_label("手机号").fill("139 1234 5678")
    shot("2-phone")
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_url("**/accounts/enter/code/")
    expect(page.get_by_role("status")).to_contain_text("139****5678")

    page.get_by_label("短信验证码").fill(_code(PHONE))
    page.get_by_label("身份证号后 6 位").fill("000000")  # wrong first
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("身份证号后 6 位与登记信息不符")
    shot("3-wrong-id")
    page.get_by_label("短信验证码").fill(_code(PHONE))
    page.get_by_label("身份证号后 6 位").fill("12345x")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("赵村民")
    expect(page.get_by_text("注册成功")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the home page scrolls sideways on a phone ({width} px)"
    shot("4-home")
    villager.refresh_from_db()
    assert villager.user.username == PHONE
    assert page.js_errors == []


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_password_reset_on_a_phone(page, live_server, shot, villager):
    services.send_code(PHONE, "enter")
    services.enter(PHONE, _code(PHONE), id_last6="12345X")
    SmsCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))  # past the once-a-minute limit
    sms.OUTBOX.clear()
    page.goto("/login/")
    page.get_by_role("link", name="忘记密码").click()
    page.get_by_label("手机号").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_url("**/accounts/reset/code/")
    page.get_by_label("短信验证码").fill(_code(PHONE))
    page.get_by_label("新密码", exact=True).fill("Hebian-2026-春")
    page.get_by_label("再次输入新密码").fill("Hebian-2026-春")
    shot("1-new-password")
    page.get_by_role("button", name="重置密码").click()
    page.wait_for_url("**/login/")
    page.get_by_label("用户名").fill(PHONE)
    page.get_by_label("密码").fill("Hebian-2026-春")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + "/")


def test_a_cadre_prints_an_invitation(page, login_as, live_server, shot, city):
    p = Person(name="周新户")
    p.place_in(city.regions["A1a1"])
    p.save()
    login_as("village_cadre")
    page.goto(f"/people/{p.pk}/")
    page.get_by_role("link", name="发放注册邀请码").click()
    page.get_by_role("button", name="生成邀请码").click()
    expect(page.get_by_test_id("invite-code")).to_have_text(re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    expect(page.locator(".qr svg")).to_be_visible()
    shot("invitation")


def test_a_bulk_opened_staff_account_changes_its_password_first(page, login_as, live_server, shot, city):
    w = Person(name="吴网格员", phone="13766660000", id_number="320281199001019999")
    w.place_in(city.regions["A1a"])
    w.save()
    a = StaffAssignment(person=w, role=Role.GRID_WORKER, region=city.regions["A1a"])
    a.place_in(city.regions["A1a"])
    a.save()
    login_as("admin")
    page.goto("/accounts/staff/")
    expect(page.get_by_test_id("waiting")).to_have_text("1")
    shot("1-staff-accounts")
    with page.expect_download() as dl:
        page.get_by_role("button", name="开通并下载初始密码表").click()
    from openpyxl import load_workbook

    assert dl.value.suggested_filename == "staff-accounts.xlsx"
    with open(dl.value.path(), "rb") as f:
        row = [c.value for c in load_workbook(io.BytesIO(f.read())).active[2]]
    page.context.clear_cookies()
    page.goto("/login/")
    page.get_by_label("用户名").fill(row[2])
    page.get_by_label("密码").fill(row[3])
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/accounts/password/**")
    expect(page.get_by_test_id("forced")).to_be_visible()
    page.goto("/cases/grid/")
    page.wait_for_url("**/accounts/password/**")
    shot("2-forced-change")
    page.get_by_label("原密码").fill(row[3])
    page.get_by_label("新密码", exact=True).fill("Wangge-2026-春")
    page.get_by_label("再次输入新密码").fill("Wangge-2026-春")
    page.get_by_role("button", name="保存新密码").click()
    page.wait_for_url("**/cases/grid/")
