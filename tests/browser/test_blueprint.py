"""The blueprint in the browser (desktop, for cadres): a town commander plans a village project with a time
node already past; the supervision sweep (the periodic job) raises a red notice; the project is red on the
battle map and the Gantt chart, the village cadre (the owner) finds it in the inbox and replies, then finishes
the node and the red clears. The cockpit's tile drills to the town's projects. Then an alliance problem raised
by one town is solved by the other."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jishi.blueprint import services
from jishi.blueprint.models import Alliance, AllianceMember, AllianceProblem, Project
from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def switch(page, login_as, key: str):
    page.context.clear_cookies()
    return login_as(key)


def test_an_overdue_milestone_raises_red_supervision_shown_on_the_battle_map(page, login_as, live_server, shot, city):
    today = timezone.localdate()
    bp = services.blueprint_of(today.year)
    top = services.create_project(city.user("town_commander"), bp, title="A镇人居环境整治提升", region=city.regions["A"],
                                  owner_name="A镇党委", secretary="王书记", starts_on=date(today.year, 1, 1),
                                  ends_on=date(today.year, 12, 31))
    # 1. The town commander adds a village project under the town's, and its time node (already past).
    login_as("town_commander")
    page.goto(f"/blueprint/{top.pk}/")
    page.get_by_label("子项目名称").fill("A1村污水管网改造")
    page.get_by_label("领办书记").fill("钱书记")
    page.get_by_label("权重(%)").fill("100")
    page.get_by_label("所在区域").select_option(label="A1村")
    page.get_by_label("责任单位").fill("A1村党总支")
    page.get_by_role("button", name="立项").click()
    expect(page.locator(".messages")).to_contain_text("子项目已立项")
    kid = Project.objects.get(parent=top)
    assert kid.level == "village" and kid.village_id == city.regions["A1"].pk
    page.goto(f"/blueprint/{kid.pk}/")
    page.get_by_label("节点内容").fill("完成管网施工招标")
    page.get_by_label("节点时限").fill((today - timedelta(days=15)).isoformat())
    page.get_by_label("责任人", exact=True).fill("李主任")
    page.get_by_role("button", name="新增节点").click()
    expect(page.locator("#milestones")).to_contain_text("已超期")
    # 2. The morning sweep (the periodic job) raises the supervision: 15 days overdue is red.
    [s] = services.sweep_overdue()
    assert s.flag == "red"
    page.goto("/blueprint/")
    expect(page.get_by_test_id(f"bp-row-{kid.pk}")).to_have_attribute("data-colour", "red")
    expect(page.get_by_test_id("bp-red")).to_have_text("1")
    page.wait_for_selector("#bp-map[data-ready='1']")
    expect(page.locator("path.bp-marker-red")).to_have_count(1)
    shot("1-battle-map-red")
    page.goto("/blueprint/gantt/")
    expect(page.get_by_test_id(f"gantt-{kid.pk}")).to_have_class("g-row bp-red")
    expect(page.locator("#gantt .g-stone.g-red")).to_have_count(1)
    shot("2-gantt")
    # 3. The village cadre (the owner) is told, opens the project from the inbox and replies.
    switch(page, login_as, "village_cadre")
    page.goto("/cases/inbox/")
    expect(page.locator("main")).to_contain_text("红牌督办：A1村污水管网改造")
    page.goto(f"/blueprint/{kid.pk}/")
    expect(page.get_by_test_id("bp-flag")).to_have_text("红牌督办")
    page.get_by_label("回复督办（原因、整改措施、完成时间）").fill("招标文件退回修改，本周内重新挂网")
    page.get_by_role("button", name="提交回复").click()
    expect(page.locator(f"[data-testid=supervision-{s.pk}]")).to_contain_text("本周内重新挂网")
    shot("3-owner-replied")
    page.get_by_role("button", name="完成节点").click()
    expect(page.locator(".messages")).to_contain_text("督办销号")
    expect(page.get_by_test_id("bp-flag")).to_have_count(0)
    assert Project.objects.get(pk=kid.pk).flag == ""
    # 4. The town's cockpit shows the blueprint tile and drills to the town's projects.
    switch(page, login_as, "town_commander")
    page.goto(f"/cockpit/?region={city.regions['A'].pk}")
    page.get_by_test_id("kpi-blueprint").click()
    expect(page.locator("#projects tbody tr")).to_have_count(2)
    assert not page.js_errors


def test_an_alliance_problem_raised_by_one_town_is_solved_by_another(page, login_as, live_server, shot, city):
    a = Alliance.objects.create(name="“澄张虞”毗邻党建联盟", founded_on=date(2024, 6, 1))
    for key, convener in (("A", True), ("B", False)):
        m = AllianceMember(alliance=a, region=city.regions[key], is_convener=convener)
        m.place_in(city.regions[key])
        m.save()
    AllianceMember.objects.create(alliance=a, outside_name="张家港市凤凰镇")
    login_as("town_commander")
    page.goto("/blueprint/alliances/")
    page.get_by_role("link", name="“澄张虞”毗邻党建联盟").click()
    expect(page.locator("#members")).to_contain_text("张家港市凤凰镇")
    form = page.get_by_role("region", name="提出共性问题")
    form.get_by_label("提出成员").select_option(label="A镇")
    form.get_by_label("问题", exact=True).fill("两镇交界河道垃圾漂浮")
    form.get_by_label("领域").select_option(label="垃圾分类")
    form.get_by_label("问题描述").fill("交界处河道每周都有漂浮垃圾，两镇保洁范围不清")
    form.get_by_role("button", name="提交到联盟").click()
    expect(page.locator(".messages")).to_contain_text("全体成员可见")
    p = AllianceProblem.objects.get()
    shot("1-raised-by-A")
    # B town sees the problem A raised and solves it.
    switch(page, login_as, "town_commander_b")
    page.goto(f"/blueprint/alliances/{a.pk}/")
    card = page.get_by_test_id(f"problem-{p.pk}")
    expect(card).to_contain_text("A镇 提出")
    card.get_by_text("由本单位解决").click()
    card.get_by_label("解决成员").select_option(label="B镇")
    card.get_by_label("解决情况").fill("B镇保洁队包干交界河段，每日巡河一次")
    card.get_by_label("联建项目（可选）").fill("交界河道联合保洁")
    card.get_by_role("button", name="登记解决").click()
    expect(page.get_by_test_id(f"solved-by-{p.pk}")).to_contain_text("B镇 解决")
    # A sees it solved; the alliance counts it under its field.
    switch(page, login_as, "town_commander")
    page.goto("/blueprint/alliances/")
    expect(page.get_by_test_id(f"al-solved-{a.pk}")).to_contain_text("已解决 1 个")
    expect(page.locator("main")).to_contain_text("垃圾分类")
    shot("2-solved-by-B")
    assert AllianceProblem.objects.get(pk=p.pk).solved_by.region_id == city.regions["B"].pk
    assert not page.js_errors


def test_the_demo_blueprint_fund_and_alliances_pages_and_the_printed_gantt(page, login_as, live_server, shot, city):
    import random

    from jishi.blueprint import demo

    class Ctx:
        scale, seed, rng, today = "small", 11, random.Random(11), timezone.localdate()

        @staticmethod
        def progress(iterable=None, total=None, desc=""):
            return None

    demo.generate(Ctx())
    login_as("city_commander")
    page.goto("/blueprint/")
    expect(page.locator("#projects tbody tr")).to_have_count(153)
    page.wait_for_selector("#bp-map[data-ready='1']")
    page.screenshot(path=str(SCREENSHOTS / "test_the_demo_blueprint-1-battle-map-top-desktop.png"))
    page.goto("/blueprint/gantt/?level=village")
    page.emulate_media(media="print")
    page.screenshot(path=str(SCREENSHOTS / "test_the_demo_blueprint-2-gantt-print-top-desktop.png"))
    page.emulate_media(media="screen")
    page.goto("/blueprint/funds/")
    expect(page.get_by_test_id("fund-budget")).to_have_text("40860000")
    shot("3-fund")
    page.goto("/blueprint/alliances/")
    expect(page.locator("main")).to_contain_text("已解决")
    shot("4-alliances")
    top = Project.objects.get(parent=None, kind="secretary")
    page.goto(f"/blueprint/{top.pk}/")
    shot("5-city-project")
    assert not page.js_errors
