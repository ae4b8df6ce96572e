"""三报到三服务 in the browser: on a phone an in-service party member reports to the community they live in; the
community's cadre accepts on the desktop; the member takes up a post and records a service on the phone; the cadre
verifies it; the employer department's user sees the verified hours. And a secretary's organisational life on the
desktop: the organisation tree, a 主题党日 scheduled and recorded with attendance, the reminder list."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jishi.party import reportin
from jishi.party.models import PartyEvent, Registration, ServiceRecord
from tests.browser.conftest import SCREENSHOTS, VIEWPORTS
from tests.factories import PASSWORD
from tests.party.conftest import member, orgs  # noqa: F401 (fixtures)
from tests.party.test_services import actor

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def narrow(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px phone"


def desktop(browser, live_server, key: str):
    """A desktop page signed in as ``key`` (beside the phone the member holds)."""
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/login/")
    page.get_by_label("用户名").fill(key)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + "/")
    return page


def snap(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"test_party-{name}-desktop.png"), full_page=True)


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_an_in_service_member_reports_in_serves_and_the_employer_sees_the_verified_hours(
        page, browser, login_as, live_server, shot, city, member):  # noqa: F811
    reportin.add_service_item(actor(city, "village_cadre"), community=city.regions["A1"], title="文明劝导岗")

    # 1. The member reports to A1 on the phone, naming their department.
    login_as("member")
    page.goto("/party/report-in/")
    page.get_by_test_id("report-in").click()
    page.get_by_label("居住地社区(村)").select_option(label="A镇 A1村")
    page.get_by_label("工作单位（市级部门）").select_option(label="城市管理局")
    shot("1-report-in")
    narrow(page)
    page.get_by_role("button", name="提交报到").click()
    expect(page.get_by_test_id("registration-state")).to_have_text("待接收")
    reg = Registration.objects.get()

    # 2. The community's cadre accepts it from the desk (desktop).
    cadre = desktop(browser, live_server, "village_cadre")
    cadre.goto("/party/report-in/community/")
    row = cadre.get_by_test_id(f"pending-{reg.pk}")
    expect(row).to_contain_text("陈党员")
    snap(cadre, "2-community-desk")
    row.get_by_role("button", name="接收报到").click()
    expect(cadre.locator("#pending")).to_contain_text("没有待接收的报到")

    # 3. The member takes up the post and records two hours on the phone.
    page.reload()
    expect(page.get_by_test_id("registration-state")).to_have_text("已报到")
    page.get_by_label("认领服务").select_option(label="文明劝导岗（服务岗位）")
    page.get_by_role("button", name="认领", exact=True).click()
    expect(page.locator("#choices")).to_contain_text("文明劝导岗")
    page.get_by_label("服务时长（小时）").fill("2")
    page.get_by_label("服务内容").fill("在小区门口文明劝导，规范电动车停放")
    shot("3-record-service")
    narrow(page)
    page.get_by_role("button", name="提交服务记录").click()
    expect(page.locator("#record-list")).to_contain_text("待核实")
    rec = ServiceRecord.objects.get()

    # 4. The cadre verifies it.
    cadre.goto("/party/report-in/community/")
    cadre.get_by_test_id(f"verify-{rec.pk}").get_by_role("button", name="核实").click()
    expect(cadre.locator("#to-verify")).to_contain_text("没有待核实的服务记录")
    expect(cadre.get_by_test_id("hours")).to_have_text("2.0")
    cadre.context.close()

    # 5. The member sees it verified; the employer department's user sees the verified hours.
    page.reload()
    expect(page.get_by_test_id("verified-hours")).to_contain_text("2.0")
    shot("4-verified")
    narrow(page)
    dept = desktop(browser, live_server, "dept_urban")
    dept.goto("/party/report-in/")
    dept.get_by_role("link", name="单位党员报到情况").click()
    expect(dept.get_by_test_id(f"unit-reg-{reg.pk}")).to_contain_text("2.0")
    expect(dept.get_by_test_id(f"unit-reg-{reg.pk}")).to_contain_text("139****0009")
    expect(dept.get_by_test_id("hours")).to_have_text("2.0")
    snap(dept, "5-unit")
    dept.context.close()
    assert list(PartyEvent.objects.filter(registration=reg).values_list("verb", flat=True)) == [
        "register", "accept", "choose", "serve", "verify"]
    assert not page.js_errors, page.js_errors


def test_a_secretary_schedules_and_records_a_theme_day(page, login_as, shot, city, orgs):  # noqa: F811
    login_as("village_cadre")
    page.goto("/party/")
    expect(page.get_by_test_id(f"total-{orgs['A1'].pk}")).to_have_text("5")
    shot("1-tree")
    page.get_by_role("link", name=orgs["A1"].name).click()
    expect(page.get_by_test_id("org-total")).to_have_text("5")
    shot("2-org")
    page.goto("/party/activities/")
    expect(page.locator("#reminder")).to_contain_text(orgs["A1a"].name)
    page.get_by_role("link", name="安排活动").first.click()
    page.get_by_label("党组织").select_option(label=orgs["A1a"].name)
    page.get_by_label("类型").select_option(label="主题党日")
    page.get_by_label("主题").fill("重温入党誓词")
    page.get_by_label("地点").fill("A1a网格先锋驿站")
    page.get_by_role("button", name="安排活动").click()
    expect(page.get_by_test_id("activity-state")).to_have_text("已安排")
    m = list(orgs["A1a"].members.order_by("id"))
    page.locator(f"select[name='m-{m[2].pk}']").select_option("excused")
    page.locator(f"input[name='r-{m[2].pk}']").fill("出差")
    page.get_by_label("活动记录").fill("集体重温入党誓词，交流心得")
    shot("3-record")
    page.get_by_role("button", name="记录为已开展").click()
    expect(page.get_by_test_id("activity-state")).to_have_text("已开展")
    expect(page.get_by_test_id("attendance-summary")).to_contain_text("实到 2 / 应到 3")
    shot("4-held")
    page.goto(f"/party/activities/?month={timezone.localdate():%Y-%m}")
    expect(page.locator("#reminder")).not_to_contain_text(orgs["A1a"].name)
    expect(page.locator("#rates")).to_contain_text("66.7%")
    shot("5-activities")
    assert not page.js_errors, page.js_errors
