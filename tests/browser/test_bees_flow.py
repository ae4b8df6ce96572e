"""小蜜蜂 in the browser. On a phone (390 px): a courier registers at a station with the grids of their rounds;
on a desktop the town approves; back on the phone the rider sees their station, their 公益积分 (credited for an
accepted report) and the caring merchants where to use them, and applies for care; the town sees the stations
map and the fund."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jishi.bees.models import Rider
from jishi.cases import services
from jishi.cases.choices import Channel
from jishi.points.rules import seed_template
from tests.bees.conftest import caring, courier, fund_a, station  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def narrow(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px phone"


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_rider_registers_the_town_approves_the_rider_sees_station_and_points(
        page, login_as, live_server, shot, city, courier, station, caring, fund_a):  # noqa: F811
    seed_template()
    login_as("courier")
    page.goto(live_server.url + "/bees/")
    page.get_by_role("link", name="申请加入").click()
    page.get_by_label("姓名").fill("赵骑手")
    page.get_by_label("手机号").fill("13912345678")
    page.get_by_label("所属平台").select_option("meituan")
    page.get_by_label("所属驿站").select_option(str(station.pk))
    page.locator("#b-pick").click()
    page.get_by_label("A1a网格").check()
    narrow(page)
    shot("register")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#bees-status")).to_contain_text("审核中")
    rider = Rider.objects.get(user=courier)
    assert [g.name for g in rider.rounds.all()] == ["A1a网格"]

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1440, "height": 900})
    login_as("town_commander")
    page.goto(live_server.url + "/bees/registrations/")
    row = page.locator(f"tr[data-rider='{rider.pk}']")
    expect(row).to_contain_text("139****5678")
    shot("approvals")
    row.get_by_role("button", name="通过", exact=True).click()
    expect(page.locator("#registrations")).to_contain_text("没有登记")

    rider.refresh_from_db()
    lng, lat = city.point_in("A1a1")
    case = services.report_case(courier, channel=Channel.INFORMANT, category_code="0101", title="井盖缺失",
                                description="路口井盖缺失", lng=lng, lat=lat)
    services.accept(city.user("village_cadre"), case)

    page.goto(live_server.url + "/bees/stations/")
    page.locator("#bees-map[data-ready='1']").wait_for()
    expect(page.get_by_test_id("members")).to_have_text("1")
    shot("stations")
    page.goto(live_server.url + f"/bees/stations/{station.pk}/")
    expect(page.locator("#members")).to_contain_text("赵骑手")
    shot("station")

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    login_as("courier")
    page.goto(live_server.url + "/bees/me/")
    expect(page.get_by_test_id("station")).to_have_text("A1小蜜蜂驿站")
    expect(page.get_by_test_id("balance")).to_have_text("5")
    expect(page.locator("#bees-history")).to_contain_text("小蜜蜂上报事件被立案")
    narrow(page)
    shot("me")
    page.get_by_role("link", name="去爱心商家兑换").click()
    expect(page.locator("#bees-merchants")).to_contain_text("免费饮水")
    page.get_by_role("button", name="兑换").click()
    expect(page.locator("body")).to_contain_text("兑换成功")
    expect(page.get_by_test_id("balance")).to_have_text("0")
    narrow(page)
    shot("redeemed")
    page.goto(live_server.url + "/bees/care/")
    page.get_by_label("申请事由").select_option("accident")
    page.get_by_label("情况说明").fill("送单途中摔伤，需要治疗")
    page.get_by_label("申请金额(元)").fill("300")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#bees-grants")).to_contain_text("待审核")
    narrow(page)
    shot("care")

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1440, "height": 900})
    login_as("town_commander")
    page.goto(live_server.url + "/bees/fund/")
    page.locator("#grants").get_by_role("button", name="批准", exact=True).click()
    page.locator("#grants").get_by_role("button", name="发放").click()
    expect(page.locator("#grants")).to_contain_text("已发放")
    expect(page.get_by_test_id(f"balance-{fund_a.pk}")).to_have_text("700.00")
    shot("fund")
    assert page.js_errors == []
