"""A data request in the browser: the urban department (desktop) asks the villages of town A for figures, two
villages answer on a phone (one confirms the prefilled fields and corrects one with a note), the department
exports the combined sheet (opened with openpyxl), and the city's burden page counts it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from jishi.burden.models import Reply
from jishi.org.choices import Role
from jishi.org.models import Person, StaffAssignment
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _cadre_of_a2(city):
    user = get_user_model().objects.create_user("cadre_a2", password=PASSWORD, first_name="A2村干部")
    p = Person(name="A2村干部", user=user)
    p.place_in(city.regions["A2"])
    p.save()
    a = StaffAssignment(person=p, role=Role.VILLAGE_CADRE, region=city.regions["A2"])
    a.place_in(city.regions["A2"])
    a.save()
    city.users["cadre_a2"] = user


def test_a_department_asks_two_villages_answer_and_the_city_counts_it(page, login_as, live_server, shot, city,
                                                                       tmp_path):
    _cadre_of_a2(city)
    # 1. The department creates the request on a desktop.
    login_as("dept_urban")
    page.goto(live_server.url + "/burden/requests/")
    page.get_by_test_id("new-request").click()
    page.get_by_test_id("title").fill("养老设施摸底")
    page.get_by_test_id("purpose").fill("编制全市养老服务设施规划")
    page.get_by_test_id("deadline").fill(f"{timezone.localdate() + timedelta(days=7):%Y-%m-%d}")
    page.get_by_test_id("source-1").select_option("org.households")
    page.get_by_test_id("source-2").select_option("org.party_members")
    page.get_by_test_id("label-3").fill("养老服务点数")
    page.get_by_test_id("kind-3").select_option("int")
    page.get_by_test_id("key-3").fill("elderly_points")
    page.get_by_test_id("minutes-3").fill("20")
    page.get_by_test_id("town-A镇").check()
    shot("1-new-request")
    page.get_by_test_id("publish").click()
    expect(page.locator(".messages")).to_contain_text("已通知 2 个村(社区)")
    expect(page.get_by_test_id("pending")).to_have_text("2")
    url = page.url

    # 2. A1's cadre answers on a phone: prefilled fields shown with their source, one corrected with a note.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    login_as("village_cadre")
    page.goto(live_server.url + "/burden/requests/")
    page.get_by_role("link", name="养老设施摸底").click()
    expect(page.get_by_test_id("source-org_households")).to_contain_text("系统预填")
    expect(page.get_by_test_id("v-org_households")).to_have_value("1")
    page.get_by_test_id("v-org_households").fill("12")
    page.get_by_test_id("v-elderly_points").fill("两个")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("reply-error")).to_be_visible()
    expect(page.get_by_test_id("err-elderly_points")).to_contain_text("应为整数")
    expect(page.get_by_test_id("err-org_households")).to_contain_text("更正说明")
    expect(page.get_by_test_id("v-elderly_points")).to_have_value("两个")  # nothing typed is lost
    shot("2-reply-errors")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_test_id("v-elderly_points").fill("2")
    page.get_by_test_id("n-org_households").fill("含新建小区12户")
    page.get_by_test_id("submit").click()
    expect(page.locator(".messages")).to_contain_text("已提交")

    # 3. A2's cadre confirms the prefilled values and types the rest.
    page.context.clear_cookies()
    login_as("cadre_a2")
    page.goto(live_server.url + "/burden/requests/")
    page.get_by_role("link", name="养老设施摸底").click()
    page.get_by_test_id("v-elderly_points").fill("3")
    shot("3-reply-prefilled")
    page.get_by_test_id("submit").click()
    expect(page.locator(".messages")).to_contain_text("已提交")
    assert Reply.objects.filter(state="submitted").count() == 2

    # 4. The department sees both submitted and exports the combined sheet.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1440, "height": 900})
    login_as("dept_urban")
    page.goto(url)
    expect(page.get_by_test_id("submitted")).to_have_text("2")
    shot("4-completion")
    with page.expect_download() as dl:
        page.get_by_test_id("export").click()
    path = tmp_path / "combined.xlsx"
    dl.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0] == ("镇(街道)", "村(社区)", "状态", "提交时间", "户数（户）", "党员人数（人）", "养老服务点数")
    assert [(r[1], r[2], r[4], r[6]) for r in rows[1:]] == [("A1村", "已提交", 12, 2), ("A2村", "已提交", 0, 3)]

    # 5. The city's burden page counts it.
    page.context.clear_cookies()
    login_as("city_commander")
    page.goto(live_server.url + "/burden/")
    row = page.locator("#by-department tr[data-department='城市管理局']")
    expect(row).to_contain_text("城市管理局")
    expect(page.get_by_test_id("b-requests")).to_have_text("1")
    expect(page.get_by_test_id("b-asked")).to_have_text("6")
    expect(page.get_by_test_id("b-not-asked")).to_have_text("3")  # A2's two prefilled, A1's party members
    shot("5-burden")


def test_ledgers_page_preview_and_print(page, login_as, live_server, shot, city):
    login_as("village_cadre")
    page.goto(live_server.url + "/burden/ledgers/")
    expect(page.get_by_test_id("auto-note")).to_contain_text("本台账由系统自动生成，无需重复填报")
    page.get_by_role("button", name="预览").click()
    expect(page.get_by_test_id("ledger-title")).to_contain_text("A1村")
    shot("1-ledger")
    page.get_by_test_id("ledger-print").click()
    expect(page.locator("h1")).to_be_visible()
    shot("2-print")
    resp = page.goto(live_server.url + f"/burden/ledgers/?ledger=cases.monthly&region={city.regions['B1'].pk}")
    assert resp.status == 404  # another village's ledger
