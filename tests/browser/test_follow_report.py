"""Issue 14, on a 390 px phone for everyone: a resident reports anonymously, sees every step in the notifications
and the stepper, and rates; the department calls the reporter back through the masked channel; a 12345 operator
enters a hotline ticket twice and gets one case."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from jishi.cases.models import Case, Category
from jishi.cases.seed import load as load_categories
from jishi.notify.models import OutboundMessage
from jishi.org.models import Person
from tests.browser import case_helpers
from tests.browser.case_helpers import Actors, act_on_detail, state_is
from tests.browser.test_case_loop import dept_acknowledges_and_handles, town_accepts_and_dispatches

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def actors(browser, live_server, request, city, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    load_categories(Category)
    monkeypatch.setattr(case_helpers, "PHONE_ROLES", set(city.users))  # every role on a 390 px phone
    lng, lat = city.point_in("A1a1")
    a = Actors(browser, live_server, request.node.originalname, geolocation={"longitude": lng, "latitude": lat})
    yield a
    a.close()
    assert not a.errors, a.errors


def test_an_anonymous_resident_follows_every_step_and_the_department_calls_back(actors, city, tmp_path):
    Person.objects.filter(pk=city.people["resident"].pk).update(phone="13912345678")
    Person.objects.filter(pk=city.people["dept_urban"].pk).update(phone="13700001111")
    res = actors.page("resident")
    res.goto("/cases/report/")
    res.locator("#pick-map[data-ready='1']").wait_for()
    res.get_by_label("事件分类").select_option("0104")
    res.get_by_label("标题").fill("楼下路灯不亮")
    res.get_by_role("button", name="使用我的位置").click()
    expect(res.locator("#pick-status")).to_contain_text("当前位置")
    res.get_by_label(re.compile("匿名上报")).check()
    actors.shot("resident", "report-anonymous")
    res.get_by_role("button", name="提交上报").click()
    expect(res).to_have_url(re.compile(r"/cases/\d+/$"))  # not a bare Not Found
    case = Case.objects.get(title="楼下路灯不亮")
    assert case.anonymous and case.reporter_name == ""
    expect(res.locator(".messages")).to_contain_text(case.number)
    expect(res.get_by_test_id("stepper").locator(".step.current")).to_contain_text("已受理")
    res.goto("/cases/mine/")
    expect(res.locator(f"#case-{case.pk}")).to_contain_text("待立案")

    town_accepts_and_dispatches(actors, case, "城市管理局")
    dept = actors.page("dept_urban")
    dept.goto(f"/cases/{case.pk}/")
    expect(dept.locator(".facts")).to_contain_text("匿名")
    expect(dept.locator("body")).not_to_contain_text("13912345678")
    dept_acknowledges_and_handles(actors, "dept_urban", case, "已更换灯泡，恢复照明", tmp_path)

    # the department calls the reporter back through the platform: it never sees the number
    dept.goto(f"/cases/{case.pk}/")
    expect(dept.locator("#contact")).to_contain_text("平台回拨上报人")
    actors.shot("dept_urban", "contact")
    dept.get_by_test_id("masked-call").click()
    expect(dept.locator(".messages")).to_contain_text("平台将回拨")
    expect(dept.locator("#timeline")).to_contain_text("联系上报人")
    expect(dept.locator("body")).not_to_contain_text("13912345678")
    assert OutboundMessage.objects.filter(channel="call", address="13912345678").exists()

    # the resident: every step in the notifications and the stepper; their turn to verify
    res.goto("/cases/inbox/")
    inbox = res.locator("main")
    for text in ("已受理", "已派遣至城市管理局", "已签收", "已处置，待您核查", "将通过平台回拨您"):
        expect(inbox).to_contain_text(text)
    actors.shot("resident", "inbox")
    res.goto(f"/cases/{case.pk}/")
    stepper = res.get_by_test_id("stepper")
    expect(stepper.locator(".step.done")).to_have_count(5)
    expect(stepper).to_contain_text("待您核查")
    expect(stepper.locator(".step-photos img")).to_have_count(1)
    actors.shot("resident", "stepper-handled")
    act_on_detail(res, "verify", passed="1", note="路灯亮了")
    expect(res.locator(".messages")).to_contain_text("已提交核查结果")

    town = actors.page("town_commander")
    town.goto(f"/cases/{case.pk}/")
    act_on_detail(town, "close")
    state_is(town, "已结案")

    res.goto(f"/cases/{case.pk}/")
    expect(res.get_by_test_id("stepper")).to_contain_text("待您评价")
    res.locator("form.rate").get_by_label("满意", exact=True).check()
    res.locator("form.rate").get_by_role("button", name="提交评价").click()
    expect(res.locator(".messages")).to_contain_text("感谢您的评价")
    expect(res.get_by_test_id("stepper").locator(".step.done")).to_have_count(8)
    actors.shot("resident", "stepper-rated")
    res.goto("/cases/inbox/")
    expect(res.locator("main")).to_contain_text("已结案，请您评价")

    case.refresh_from_db()
    assert case.state == "closed" and case.rating == "satisfied" and case.reporter_user == city.user("resident")


def test_a_12345_operator_enters_a_ticket_twice_and_gets_one_case(actors, city):
    op = actors.page("town_commander")
    for attempt in ("first", "again"):
        op.goto("/cases/hotline/")
        op.get_by_label("12345 工单号").fill("12345-20261205-0042")
        op.get_by_label("来电人姓名（选填）").fill("钱女士")
        op.get_by_label("来电人电话").fill("13566667777")
        op.get_by_label("事件分类").select_option("0201")
        op.get_by_label("标题").fill("小区门口占道经营")
        op.get_by_label("来电内容").fill("来电反映：每晚小区门口有摊贩占道")
        op.get_by_label("所在镇(街道)/村(社区)").select_option(city.regions["A1"].code)
        if attempt == "first":
            actors.shot("town_commander", "hotline-form")
        op.get_by_role("button", name="登记工单").click()
        expect(op).to_have_url(re.compile(r"/cases/\d+/$"))
        expect(op.locator(".messages")).to_contain_text("已登记过" if attempt == "again" else "已登记 12345 工单")
    actors.shot("town_commander", "hotline-again")
    cases = Case.objects.filter(external_ref="12345-20261205-0042")
    assert cases.count() == 1
    case = cases.get()
    assert case.channel == "hotline" and case.reporter_name == "钱女士" and case.reporter_user is None
    expect(op.locator("#timeline")).to_contain_text("12345 热线来电登记")
