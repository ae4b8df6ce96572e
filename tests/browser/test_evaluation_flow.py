"""The smart-community evaluation in the browser: A1's cadre self-assesses (the computed indicators filled from
A1's cases, two evidence indicators scored with a photo and a PDF uploaded here), submits; the town's commander
adjusts one indicator with a reason and passes it on; the city confirms; the star shows on A1's page, in the
city comparison and in the cockpit. Then the printed report, and the community page on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jishi.evaluation import services
from jishi.evaluation.models import Assessment
from tests.cases.conftest import JPEG, PDF, report, walk_to  # noqa: F401 (fixture)
from tests.evaluation.conftest import _without_other_apps_indicators, scheme, upload  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PNG_PHOTO = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def switch(page, login_as, key: str):
    page.context.clear_cookies()
    return login_as(key)


def row(page, code: str):
    return page.locator(f'tr[data-code="{code}"]')


def test_a_community_self_assesses_the_town_adjusts_the_city_confirms_and_the_star_shows(
        page, login_as, live_server, shot, city, scheme, report, tmp_path):  # noqa: F811
    for i in range(3):  # A1's cases this year, all closed on time
        walk_to(city, report(where="A1a1", title=f"垃圾堆放{i}"), "closed")
    a1 = city.regions["A1"]

    # 1. The cadre opens A1's page and starts the self-assessment: the computed indicators are filled in.
    login_as("village_cadre")
    page.goto("/evaluation/")
    expect(page.get_by_role("button", name="开始自评")).to_be_visible()
    page.get_by_role("button", name="开始自评").click()
    expect(page.locator(".messages")).to_contain_text("自动计算指标已填入")
    expect(row(page, "1.2.1").get_by_test_id("measured")).to_have_text("100.0%")
    expect(row(page, "2.1.2").get_by_test_id("need-evidence")).to_be_visible()  # venues: not computed yet
    a = Assessment.objects.get()
    # (the other evidence indicators are scored by the service, to keep the browser part short)
    for s in a.scores.select_related("indicator").filter(computed=False).exclude(indicator__code__in=["1.1.1", "2.1.1"]):
        services.add_evidence(city.user("village_cadre"), a, s.indicator, upload())
        services.self_score(city.user("village_cadre"), a, s.indicator, points=s.indicator.points)
    page.reload()

    # 2. Two indicators with evidence uploaded here: a photo of the centre's sign, the data check ledger (PDF).
    photo, ledger = tmp_path / "党群服务中心挂牌.png", tmp_path / "数据核对台账.pdf"
    photo.write_bytes(PNG_PHOTO)
    ledger.write_bytes(PDF)
    for code, path, pts in (("2.1.1", photo, "5"), ("1.1.1", ledger, "4")):
        r = row(page, code)
        r.get_by_label(f"佐证材料 {code}").set_input_files(str(path))
        r.get_by_role("button", name="上传").click()
        expect(page.locator(".messages")).to_contain_text("佐证材料已上传")
        row(page, code).get_by_label(f"自评分 {code}").fill(pts)
        row(page, code).get_by_label(f"自评说明 {code}").fill("见佐证材料")
        row(page, code).get_by_role("button", name="保存自评").click()
        expect(row(page, code).get_by_test_id("self-points")).to_have_text(pts)
    expect(row(page, "2.1.1")).to_contain_text("党群服务中心挂牌.png")
    shot("1-self-assessment")
    page.get_by_role("button", name="提交镇(街道)审核").click()
    expect(page.get_by_test_id("assessment-state")).to_have_text("待镇街审核")
    expect(page.get_by_test_id("self-total")).to_have_text("84")

    # 3. The town checks the evidence, lowers one indicator with its reason and passes it to the city.
    switch(page, login_as, "town_commander")
    page.goto(f"/evaluation/a/{a.pk}/")
    with page.expect_popup() as pop:
        row(page, "2.1.1").get_by_role("link", name="党群服务中心挂牌.png").click()
    assert pop.value.url.endswith("/")  # the evidence opens for the town (in scope)
    pop.value.close()
    r = row(page, "4.1.1")
    r.get_by_label("审核分 4.1.1").fill("7")
    r.get_by_label("调整理由 4.1.1").fill("特色应用只有“积分超市小程序”一项建成，另一项在建，按标准核定7分")
    r.get_by_role("button", name="调整").click()
    expect(row(page, "4.1.1").get_by_test_id("town-points")).to_contain_text("7")
    expect(page.locator("#timeline")).to_contain_text("镇街调整")
    shot("2-town-adjusted")
    page.get_by_role("button", name="审核通过，报市级确认").click()
    expect(page.get_by_test_id("assessment-state")).to_have_text("待市级确认")
    expect(page.get_by_test_id("town-total")).to_have_text("81")

    # 4. The city confirms: 81 points, four stars.
    switch(page, login_as, "city_commander")
    page.goto(f"/evaluation/a/{a.pk}/")
    page.get_by_role("button", name="确认并发布星级").click()
    expect(page.get_by_test_id("assessment-state")).to_have_text("已确认")
    expect(page.get_by_test_id("assessment-star")).to_have_text("★★★★☆")
    shot("3-confirmed")

    # 5. The star in the city comparison and in the cockpit.
    page.goto("/evaluation/compare/")
    expect(page.get_by_test_id(f"star-{a1.pk}")).to_have_text("★★★★☆")
    expect(page.get_by_test_id("stars-4")).to_have_text("1")
    shot("4-city-comparison")
    page.goto(f"/cockpit/?region={a1.pk}")
    expect(page.get_by_test_id("kpi-evaluation-star")).to_have_text("★★★★☆")
    shot("5-cockpit-village")
    page.goto("/cockpit/")
    expect(page.get_by_test_id("kpi-evaluation")).to_contain_text("已评 1")

    # 6. The community's own page shows it to its cadre, with its improvement list; the report prints.
    switch(page, login_as, "village_cadre")
    page.goto(f"/evaluation/community/{a1.pk}/")
    expect(page.get_by_test_id("community-star")).to_have_text("★★★★☆")
    expect(page.locator("#improvements")).to_contain_text("群众满意率")
    shot("6-community-page")
    page.goto(f"/evaluation/a/{a.pk}/report/")
    expect(page.locator("#report")).to_contain_text("评定为 4星")
    expect(page.locator("#report")).to_contain_text("特色应用只有")
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    shot("7-report-print")


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_the_community_page_on_a_phone(page, login_as, shot, city, scheme):  # noqa: F811
    services.start_assessment(city.user("village_cadre"), city.regions["A1"])
    login_as("village_cadre")
    page.goto(f"/evaluation/community/{city.regions['A1'].pk}/")
    expect(page.locator("#improvements")).to_be_visible()
    shot("community")
    page.goto(f"/evaluation/a/{Assessment.objects.get().pk}/")
    expect(page.locator("#indicators")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    shot("assessment")
    page.locator('tr[data-code="1.1.1"]').scroll_into_view_if_needed()
    page.screenshot(path=str(shot("assessment").with_name("test_the_community_page_on_a_phone-row-phone.png")))


assert JPEG  # the case helpers' photo, used by walk_to
