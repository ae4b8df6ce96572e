"""Engagement in the browser. On a phone: a resident makes a wish, the village cadre publishes it, a party member
finds it on the wall (the wisher masked) and claims it, fulfils it with a photo, the resident confirms and
thanks — the fulfiller's points are posted once. On a desktop: a need goes into a project, the call is published,
a unit takes it (揭榜), the village chooses it, progress is reported and the completion closes the need."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jishi.engage.models import EngageEvent, Need, Project, Wish
from jishi.points.models import Posting
from tests.engage.conftest import PNG, helper, later  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def switch(page, login_as, key: str):
    page.context.clear_cookies()
    return login_as(key)


def narrow(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px phone"


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_wish_from_posting_to_thanks_on_a_phone(page, login_as, live_server, shot, city, helper, tmp_path):  # noqa: F811
    # 1. The resident makes a wish.
    login_as("resident")
    page.goto("/engage/wishes/new/")
    page.get_by_label("心愿（一句话）").fill("想要一台助行器")
    page.get_by_label("具体说明").fill("腿脚不便，出门买菜困难")
    shot("1-make-a-wish")
    narrow(page)
    page.get_by_role("button", name="提交心愿").click()
    expect(page.locator(".messages")).to_contain_text("心愿已提交")
    expect(page.get_by_test_id("wish-state")).to_have_text("待审核")
    w = Wish.objects.get()

    # 2. The village cadre reviews and publishes it.
    switch(page, login_as, "village_cadre")
    page.goto(f"/engage/wishes/{w.pk}/")
    page.get_by_role("button", name="审核通过并发布").click()
    expect(page.get_by_test_id("wish-state")).to_have_text("待认领")

    # 3. A party member finds it on the wall, the wisher masked, and claims it.
    switch(page, login_as, "helper")
    page.goto("/engage/wishes/")
    card = page.get_by_test_id(f"wish-{w.pk}")
    expect(card).to_contain_text("张*民")
    expect(page.locator("#wall")).not_to_contain_text("张居民")
    shot("2-wall")
    narrow(page)
    card.get_by_role("link", name="想要一台助行器").click()
    page.get_by_label("我的身份").select_option(label="党员")
    page.get_by_role("button", name="我来认领").click()
    expect(page.get_by_test_id("wish-state")).to_have_text("已认领")
    expect(page.locator("#wisher")).to_contain_text("13800000000")  # the claimant reaches the wisher

    # 4. Fulfilled, with a photo.
    photo = tmp_path / "walker.png"
    photo.write_bytes(PNG)
    page.get_by_label("完成情况").fill("已把助行器送到家中并教会使用")
    page.get_by_label("照片").set_input_files(str(photo))
    page.get_by_role("button", name="登记完成").click()
    expect(page.get_by_test_id("wish-state")).to_have_text("已圆梦待确认")
    # the photo has loaded (wait_for_function would evaluate a string in the page: the CSP forbids eval)
    expect(page.locator("img.photo").first).to_have_js_property("complete", True)
    assert page.evaluate("document.querySelector('img.photo').naturalWidth") == 1  # the photo is served
    shot("3-fulfilled")

    # 5. The resident confirms and thanks; the fulfiller's points are posted once.
    switch(page, login_as, "resident")
    page.goto("/engage/wishes/mine/")
    page.get_by_role("link", name="想要一台助行器").click()
    page.get_by_label("想对认领人说的话").fill("谢谢王师傅，助行器很好用！")
    page.get_by_role("button", name="确认圆梦并致谢").click()
    expect(page.get_by_test_id("wish-state")).to_have_text("已圆梦")
    expect(page.locator("#thanks")).to_contain_text("助行器很好用")
    shot("4-thanked")
    narrow(page)
    page.reload()  # a second look changes nothing
    postings = Posting.objects.filter(key=f"wish-fulfil:{w.pk}")
    assert postings.count() == 1 and postings.get().person_id == helper.pk and postings.get().points == 10
    assert list(EngageEvent.objects.filter(wish=w).values_list("verb", flat=True)) == [
        "wish_post", "wish_publish", "wish_claim", "wish_fulfil", "wish_thank"]
    assert not page.js_errors, page.js_errors


def test_a_need_through_call_and_bid_to_completion_closes_the_need(page, login_as, live_server, shot, city):
    # 1. The village cadre lists a need and a resource.
    login_as("village_cadre")
    page.goto("/engage/projects/needs/")
    page.get_by_label("需求", exact=True).fill("电瓶车充电难")
    page.get_by_label("需求说明").fill("小区电瓶车飞线充电，存在安全隐患")
    page.get_by_role("button", name="登记需求").click()
    expect(page.locator("#needs")).to_contain_text("待解决")
    need = Need.objects.get()
    page.goto("/engage/projects/resources/")
    page.get_by_label("提供单位").fill("市供电公司党支部")
    page.get_by_label("资源类型").select_option(label="资金")
    page.get_by_label("数量").fill("30000")
    page.get_by_label("单位", exact=True).fill("元")
    page.get_by_label("资源内容").fill("充电设施共建资金")
    page.get_by_role("button", name="登记资源").click()
    expect(page.locator("#resources")).to_contain_text("市供电公司党支部")

    # 2. A project matching them, published as a call.
    page.goto(f"/engage/projects/new/?need={need.pk}")
    page.get_by_label("项目名称").fill("新建电瓶车集中充电棚")
    page.get_by_label("项目目标").fill("建成充电棚一处，设20个充电口")
    page.get_by_label("预算(元)").fill("38000")
    page.get_by_label("完成时限").fill(later().isoformat())
    page.locator("#p-resources input").first.check()
    shot("1-project-new")
    page.get_by_role("button", name="设立项目").click()
    expect(page.get_by_test_id("project-state")).to_have_text("待发布")
    page.get_by_role("button", name="发布榜单").click()
    expect(page.get_by_test_id("project-state")).to_have_text("揭榜中")
    p = Project.objects.get()

    # 3. A department's party branch takes the call (揭榜).
    switch(page, login_as, "dept_urban")
    page.goto("/engage/projects/")
    page.locator("#calls").get_by_role("link", name="新建电瓶车集中充电棚").click()
    page.get_by_label("揭榜单位").fill("城管局机关党支部")
    page.get_by_label("实施方案").fill("两周内完成选址，一个月内建成并通电")
    page.get_by_role("button", name="揭榜", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("揭榜成功")
    shot("2-bid")

    # 4. The village chooses it; the unit reports progress; the village accepts it.
    switch(page, login_as, "village_cadre")
    page.goto(f"/engage/projects/{p.pk}/")
    page.get_by_role("button", name="选定城管局机关党支部").click()
    expect(page.get_by_test_id("project-state")).to_have_text("实施中")
    switch(page, login_as, "dept_urban")
    page.goto(f"/engage/projects/{p.pk}/")
    page.get_by_label("进度(%)").fill("80")
    page.get_by_label("进展情况").fill("充电棚主体完工，待通电")
    page.get_by_role("button", name="保存进展").click()
    expect(page.locator("#reports")).to_contain_text("80%")
    switch(page, login_as, "village_cadre")
    page.goto(f"/engage/projects/{p.pk}/")
    page.get_by_label("群众评价").select_option("5")
    page.get_by_label("验收意见").fill("充电棚投入使用，居民满意")
    page.get_by_role("button", name="验收完成").click()
    expect(page.get_by_test_id("project-state")).to_have_text("已完成")
    expect(page.get_by_test_id(f"need-state-{need.pk}")).to_have_text("已解决")
    shot("3-completed")
    need.refresh_from_db()
    assert (need.state, need.closed_by_id) == ("closed", p.pk)
    page.goto("/engage/projects/needs/")
    expect(page.get_by_test_id(f"need-{need.pk}")).to_contain_text(p.number)
    page.goto("/cockpit/")
    expect(page.get_by_test_id("kpi-engage")).to_contain_text("微项目完成 1")
    shot("4-cockpit")
    assert not page.js_errors, page.js_errors
