"""Mediation in the browser: a village cadre registers a walk-in dispute and mediates once; it is passed up
to the town, whose centre mediates again and records an agreement; the 人民调解协议书 is printed; a
follow-up visit finds the agreement kept. Then the ledger and the statistics, on a desktop and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jishi.mediation.models import Dispute, MediationEvent
from tests.mediation.conftest import mediator, studio  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def switch(page, login_as, key: str):
    page.context.clear_cookies()
    return login_as(key)


def test_a_dispute_escalated_from_village_to_town_closed_with_a_printed_agreement_and_followed_up(
        page, login_as, live_server, shot, city, studio, mediator):  # noqa: F811
    # 1. The village cadre registers a walk-in dispute between two neighbours.
    login_as("village_cadre")
    page.goto("/mediation/new/")
    page.get_by_label("纠纷名称").fill("张某与李某宅前排水纠纷")
    page.get_by_label("纠纷类型").select_option(label="邻里纠纷")
    page.get_by_label("发生地").select_option(label="　A1村")
    page.get_by_label("纠纷事实").fill("李某家新建院墙后雨水排入张某院内，双方多次争吵。")
    row0, row1 = page.get_by_test_id("party-0"), page.get_by_test_id("party-1")
    row0.get_by_label("姓名").fill("张大伯")
    row0.get_by_label("手机号").fill("13812345678")
    row0.get_by_label("身份证号").fill("320281195601011239")
    row1.get_by_label("姓名").fill("李阿姨")
    row1.get_by_label("手机号").fill("13987654321")
    page.get_by_label("调解工作室（不选则由本级调委会/调处中心调解）").select_option(label=studio.name)
    page.get_by_label("调解员（可多选，第一位为主调）").select_option(label="周调解员")
    shot("1-register")
    page.get_by_role("button", name="受理登记").click()
    expect(page.locator(".messages")).to_contain_text("纠纷已受理")
    expect(page.get_by_test_id("dispute-level")).to_have_text("村(社区)")
    d = Dispute.objects.get()

    # 2. A first session at the studio; no agreement: the cadre passes it up to the town.
    page.locator("#s-notes").fill("工作室组织双方面对面调解，李某不同意改建排水沟。")
    page.get_by_role("button", name="保存调解记录").click()
    expect(page.get_by_test_id("dispute-state")).to_have_text("调解中")
    page.locator("#e-note").fill("村调委会调解一次未果，双方分歧大，请镇调处中心调解")
    page.get_by_role("button", name="上交镇(街道)").click()
    expect(page.get_by_test_id("dispute-level")).to_have_text("镇(街道)")
    expect(page.get_by_test_id("handler")).to_have_text("A镇社会矛盾纠纷调处中心")
    expect(page.locator("main")).to_contain_text("您可以查看")  # the village now reads it
    shot("2-escalated-village-view")

    # 3. The town's centre mediates and records the agreement.
    switch(page, login_as, "town_commander")
    page.goto(f"/mediation/{d.pk}/")
    expect(page.locator("#parties")).to_contain_text("138****5678")  # a commander sees numbers masked
    page.locator("#s-notes").fill("镇调处中心会同司法所再次调解，双方达成一致。")
    page.get_by_role("button", name="保存调解记录").click()
    page.get_by_label("结果", exact=True).select_option(label="达成协议")
    page.locator("#o-terms").fill("一、李某于十日内自费将院墙排水口改至自家院内；\n二、张某对此表示认可，不再追究此前损失；\n"
                                  "三、双方今后和睦相处，互谅互让。")
    page.locator("#o-perf").fill("李某于2026年12月15日前改建完毕，村调委会现场验收")
    page.get_by_role("button", name="登记结果").click()
    expect(page.get_by_test_id("dispute-state")).to_have_text("调解成功")
    shot("3-agreed")

    # 4. The 人民调解协议书, laid out for printing.
    page.goto(f"/mediation/{d.pk}/agreement/")
    agreement = page.locator("#agreement")
    expect(agreement).to_contain_text("人民调解协议书")
    expect(agreement).to_contain_text("一、李某于十日内自费将院墙排水口改至自家院内")
    expect(agreement).to_contain_text("A镇社会矛盾纠纷调处中心（印章）")
    expect(agreement).to_contain_text("申请人（签名/按指印）")
    expect(agreement).to_contain_text("320281195601011239")  # the handling centre prints the parties in full
    shot("4-agreement-print")
    page.emulate_media(media="print")
    shot("4-agreement-print-media")
    expect(page.locator(".topbar")).to_be_hidden()
    page.emulate_media(media="screen")

    # 5. A follow-up visit: the agreement holds.
    page.goto(f"/mediation/{d.pk}/")
    page.get_by_label("回访方式").select_option(label="上门回访")
    page.locator("#f-notes").fill("排水口已改建，双方关系缓和")
    page.get_by_role("button", name="记录回访").click()
    expect(page.locator("#follow-ups")).to_contain_text("协议履行良好")
    shot("5-followed-up")
    assert list(MediationEvent.objects.filter(dispute=d).values_list("verb", flat=True)) == [
        "register", "session", "escalate", "session", "outcome", "follow_up"]
    d.refresh_from_db()
    assert (d.state, d.closed_level, d.escalations) == ("agreed", "town", 1)

    # 6. The ledger and the statistics show it as resolved at the town.
    page.goto("/mediation/stats/")
    expect(page.locator("#levels")).to_contain_text("镇(街道)")
    shot("6-stats")
    assert not page.js_errors, page.js_errors


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_the_ledger_and_a_dispute_on_a_phone(page, login_as, live_server, shot, city, mediator):  # noqa: F811
    from tests.mediation.conftest import register

    d = register(city, mediators=[mediator.pk])
    login_as("mediator")  # a studio's mediator: sees their dispute, parties in full
    page.goto("/mediation/")
    expect(page.locator("#disputes")).to_contain_text(d.title)
    shot("ledger")
    page.get_by_role("link", name=d.title).click()
    expect(page.locator("#parties")).to_contain_text("13812345678")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px phone"
    shot("dispute")


def test_a_meeting_decision_becomes_a_wish_and_a_need_in_one_tap_each(page, login_as, live_server, shot, city):
    from django.utils import timezone

    from jishi.mediation import meetings

    m = meetings.record_meeting(city.user("village_cadre"), kind="council", topic="A1村民生议事",
                                held_on=timezone.localdate(), region=city.regions["A1"],
                                decisions=["为独居老人配助行器", "建设电动车充电棚"])
    login_as("village_cadre")
    page.goto(f"/mediation/meetings/{m.pk}/")
    first, second = (page.locator("#decisions tbody tr").nth(i) for i in (0, 1))
    first.get_by_role("button", name="转为微心愿").click()
    expect(page.locator(".messages")).to_contain_text("决议已转为微心愿")
    page.locator("#decisions tbody tr").nth(1).get_by_role("button", name="列入需求清单").click()
    expect(page.locator(".messages")).to_contain_text("决议已列入需求清单")
    expect(first.get_by_test_id("decision-wish-state")).to_have_text("待审核")
    expect(second.get_by_test_id("decision-need-state")).to_have_text("待解决")
    shot("meeting-links")
    assert not page.js_errors
