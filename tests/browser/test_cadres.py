"""The cadre pipeline in the browser (desktop, for the organisation staff): a town commander registers two
applicants of a 青苗 round, qualifies them, records exam and interview scores, ranks the round, places the first
in a village post and puts the second into the reserve pool; the reserve pool lists them and the cadre's record
(干部档案) shows each step in time order. The other pages (secondments, 学看比拼) are looked at too."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jishi.cadres import contests, recruitment, secondments
from jishi.cadres.models import Applicant

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _row(page, name):
    return page.locator("#applicants tbody tr", has_text=name)


def test_a_round_scored_ranked_one_placed_one_to_reserve(page, login_as, live_server, shot, city):
    today = timezone.localdate()
    rnd = recruitment.open_round(city.user("town_commander"), name="A镇青苗计划招录", plan="qingmiao",
                                 region_id=city.regions["A"].pk, opens_on=today - timedelta(days=5),
                                 closes_on=today + timedelta(days=20), positions_per_village=1, exam_weight=60,
                                 interview_weight=40)
    login_as("town_commander")
    page.goto("/cadres/")
    expect(page.locator("#rounds")).to_contain_text("A镇青苗计划招录")
    shot("rounds")
    page.get_by_role("link", name="A镇青苗计划招录").click()
    expect(page).to_have_url(f"{live_server.url}/cadres/rounds/{rnd.pk}/")
    for name, birth in (("陈青苗", "2001-04-02"), ("林储备", "1999-09-09")):
        page.get_by_label("姓名", exact=True).fill(name)
        page.get_by_label("出生日期").fill(birth)
        page.get_by_label("手机号").fill("13912345678")
        page.get_by_label("报考村(社区)").select_option(label="A1村")
        page.get_by_role("button", name="登记", exact=True).click()
        expect(page.locator(".messages")).to_contain_text("报名已登记")
    page.get_by_label("姓名", exact=True).fill("超龄者")
    page.get_by_label("出生日期").fill("1980-01-01")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator("body")).to_contain_text("年龄不符合要求")
    for name, exam, interview in (("陈青苗", "88", "92"), ("林储备", "80", "85")):
        _row(page, name).get_by_role("button", name="审查通过").click()
        _row(page, name).get_by_placeholder("笔试").fill(exam)
        _row(page, name).get_by_role("button", name="录笔试").click()
        _row(page, name).get_by_placeholder("面试").fill(interview)
        _row(page, name).get_by_role("button", name="录面试").click()
    page.get_by_test_id("rank").click()
    expect(page.locator("body")).to_contain_text("已按综合成绩排名")
    expect(_row(page, "陈青苗")).to_contain_text("89.60")  # 88×60% + 92×40%
    expect(_row(page, "林储备").locator("td").first).to_have_text("2")
    expect(_row(page, "陈青苗")).to_contain_text("139****5678")  # a town commander sees phones masked
    shot("ranked")
    _row(page, "陈青苗").get_by_role("button", name="录用", exact=True).click()
    expect(_row(page, "陈青苗")).to_contain_text("已录用")
    _row(page, "林储备").get_by_role("button", name="录用", exact=True).click()
    expect(page.locator("body")).to_contain_text("岗位已录满")
    _row(page, "林储备").get_by_role("button", name="纳入储备").click()
    expect(_row(page, "林储备")).to_contain_text("纳入储备")
    shot("decided")
    assert Applicant.objects.get(name="陈青苗").stage == "placed"
    page.goto("/cadres/reserve/")
    expect(page.locator("#reserve")).to_contain_text("林储备")
    shot("reserve")
    page.locator("#reserve").get_by_role("link", name="林储备").click()
    tl = page.locator("#record-timeline li")
    expect(tl).to_have_count(7)
    assert [tl.nth(i).get_attribute("data-verb") for i in range(7)] == [
        "apply", "qualify", "score_exam", "score_interview", "rank", "reserve", "pool_add"]
    expect(page.locator("#record-applications")).to_contain_text("纳入储备")
    expect(page.locator("#record-pool")).to_contain_text("储备中")
    shot("record")

    u = city.user("town_commander")
    secondments.second(u, person_id=city.people["village_cadre"].pk, region_id=city.regions["A1"].pk,
                       host_kind="advanced", host_unit="浙江省安吉县余村", post="挂职村书记助理",
                       starts_on=today - timedelta(days=100), ends_on=today + timedelta(days=80))
    c = contests.hold(u, title="人居环境学看比拼", held_on=date(today.year, 1, 15), region_id=city.regions["A"].pk)
    for v, base in (("A1", 90), ("A2", 85)):
        e = contests.join(u, c, village_id=city.regions[v].pk)
        for j in range(5):
            contests.record_score(u, e, judge=f"评委{j + 1}", value=base + j - 2)
    page.goto("/cadres/secondments/?watch=out")
    expect(page.locator("#secondments")).to_contain_text("浙江省安吉县余村")
    shot("secondments")
    page.goto(f"/cadres/contests/{c.pk}/")
    page.get_by_role("button", name="计算得分并排名").click()
    expect(page.locator("#standings tbody tr").first).to_contain_text("A1村")
    expect(page.locator("#standings tbody tr").first).to_contain_text("90.00")
    shot("contest")
    page.goto("/cadres/contests/")
    shot("contests")
