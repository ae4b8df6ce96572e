"""The case loop in a real browser, with the real roles, each on their own device:

1. one case through every stage, the issue's acceptance walk: the grid worker reports on behalf of a
   resident with a photo, the town accepts and dispatches, the department signs for and handles it,
   the grid worker verifies, the town closes, and the resident rates it 满意;
2. whistle and report-in (a town names two departments, one leads);
3. a wrong assignment returned, re-dispatched, and an unsatisfied rating reworked.

The grid worker and the resident use a phone (390×844), commanders and departments a desktop.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from jishi.cases.models import Case, Category
from jishi.cases.seed import load as load_categories
from jishi.org.models import Person
from tests.browser.case_helpers import Actors, act_on_detail, photo, state_is

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def actors(browser, live_server, request, city, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    load_categories(Category)  # the data migration's rows do not survive transactional tests
    lng, lat = city.point_in("A1a1")
    a = Actors(browser, live_server, request.node.originalname, geolocation={"longitude": lng, "latitude": lat})
    yield a
    a.close()
    assert not a.errors, a.errors


def resident_reports(actors: Actors, tmp_path, title: str, code: str = "0104") -> Case:
    """The resident reports on the phone: category, title, photo, and the device position."""
    res = actors.page("resident")
    res.goto("/cases/report/")
    res.locator("#pick-map[data-ready='1']").wait_for()
    res.get_by_label("事件分类").select_option(code)
    res.get_by_label("标题").fill(title)
    res.get_by_label("描述").fill("小区东门口，已经两天没人管了")
    res.get_by_role("button", name="使用我的位置").click()
    expect(res.locator("#pick-status")).to_contain_text("当前位置")
    res.get_by_label("现场照片").set_input_files(photo(tmp_path, "scene.png"))
    return _submit(actors, "resident", title)


def grid_worker_reports(actors: Actors, tmp_path, title: str, code: str) -> Case:
    """The grid worker reports on the phone, picking the place by tapping the map of their grid."""
    gw = actors.page("grid_worker")
    gw.goto("/cases/report/")
    gw.locator("#pick-map[data-ready='1']").wait_for()
    gw.get_by_label("事件分类").select_option(code)
    gw.get_by_label("标题").fill(title)
    gw.locator("#pick-map").scroll_into_view_if_needed()  # the tap lands on the screen, not below it
    box = gw.locator("#pick-map").bounding_box()
    gw.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(gw.locator("#pick-status")).to_contain_text("已选位置")
    gw.get_by_label("现场照片").set_input_files(photo(tmp_path, "patrol.png", (150, 110, 80)))
    return _submit(actors, "grid_worker", title)


def grid_worker_reports_for_resident(actors: Actors, tmp_path, title: str, code: str, number: str) -> Case:
    """The grid worker, visiting a resident, reports for them (代居民上报) by the resident's mobile number."""
    gw = actors.page("grid_worker")
    gw.goto("/cases/report/")
    gw.locator("#pick-map[data-ready='1']").wait_for()
    gw.get_by_label("代居民上报（选填）").fill("13900000000")  # a number no one in the grid has
    gw.get_by_label("事件分类").select_option(code)
    gw.get_by_label("标题").fill(title)
    gw.get_by_label("描述").fill("居民反映：小区东门口垃圾桶满溢两天")
    gw.get_by_role("button", name="使用我的位置").click()
    expect(gw.locator("#pick-status")).to_contain_text("当前位置")
    gw.get_by_role("button", name="提交上报").click()
    expect(gw.get_by_role("alert")).to_contain_text("没有找到该手机号或身份证号的居民")
    actors.shot("grid_worker", "report-form-not-found")
    assert not Case.objects.filter(title=title).exists()
    gw.get_by_label("代居民上报（选填）").fill(number)
    gw.get_by_label("现场照片").set_input_files(photo(tmp_path, "scene.png"))
    case = _submit(actors, "grid_worker", title)
    expect(gw.locator(".messages")).to_contain_text("已代张居民上报")
    expect(gw.locator("#timeline")).to_contain_text("代居民上报")
    return case


def _submit(actors: Actors, key: str, title: str) -> Case:
    page = actors.page(key)
    actors.shot(key, "report-form")
    page.get_by_role("button", name="提交上报").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/$"))
    state_is(page, "待立案")
    expect(page.locator(".photos img")).to_have_count(1)
    page.locator("#case-map[data-ready='1']").wait_for()
    actors.shot(key, "reported-detail")
    return Case.objects.get(title=title)


def town_accepts_and_dispatches(actors: Actors, case: Case, dept_label: str, shot: str = "") -> None:
    town = actors.page("town_commander")
    town.goto("/cases/board/")
    row = town.locator(f"#case-{case.pk}")
    row.get_by_role("button", name="立案").click()
    expect(row).to_contain_text("已立案")
    row.get_by_label("承办部门").select_option(label=dept_label)
    if shot:
        actors.shot("town_commander", shot)
    row.get_by_role("button", name="派遣").click()
    expect(row).to_contain_text("已派遣")
    expect(row).to_contain_text("待签收")


def dept_acknowledges_and_handles(actors: Actors, key: str, case: Case, note: str, tmp_path, shot: str = "") -> None:
    dept = actors.page(key)
    dept.goto("/cases/dept/")
    row = dept.locator(f"#case-{case.pk}")
    row.get_by_role("button", name="签收").click()
    expect(row).to_contain_text("已签收")
    dept_handles(actors, key, case, note, tmp_path, shot)


def dept_handles(actors: Actors, key: str, case: Case, note: str, tmp_path, shot: str = "") -> None:
    dept = actors.page(key)
    row = dept.locator(f"#case-{case.pk}")
    if not row.count():
        dept.goto("/cases/dept/?tab=in_progress")
    row.locator("summary").filter(has_text=re.compile("^处置$")).click()
    row.get_by_label("处置情况").fill(note)
    row.locator('input[name="files"]').set_input_files(photo(tmp_path, "done.png", (90, 130, 160)))
    if shot:
        actors.shot(key, shot)
    row.get_by_role("button", name="提交处置结果").click()
    expect(row).to_contain_text("已提交处置结果")
    expect(row).to_contain_text("待核查")


def grid_worker_verifies(actors: Actors, case: Case, shot: str = "") -> None:
    gw = actors.page("grid_worker")
    gw.goto("/cases/grid/")
    row = gw.locator(f"#case-{case.pk}")
    expect(row).to_contain_text("待核查")
    if shot:
        actors.shot("grid_worker", shot)
    row.get_by_role("button", name="核查通过").click()
    expect(gw.locator("#confirm-dialog")).to_contain_text(case.number)  # one tap asks first
    gw.get_by_test_id("confirm-ok").click()
    expect(row).to_contain_text("已提交核查结果")


def town_closes(actors: Actors, case: Case, shot: str = "") -> None:
    town = actors.page("town_commander")
    town.goto(f"/cases/{case.pk}/")
    act_on_detail(town, "close")
    expect(town.locator(".messages")).to_contain_text("已结案")
    state_is(town, "已结案")
    if shot:
        actors.shot("town_commander", shot)


def resident_rates(actors: Actors, case: Case, rating: str, comment: str, shot: str = "") -> None:
    res = actors.page("resident")
    res.goto("/cases/mine/")
    item = res.locator(f"#case-{case.pk}")
    expect(item).to_contain_text("已结案")
    item.get_by_label(rating, exact=True).check()
    item.get_by_label("评价意见").fill(comment)
    if shot:
        actors.shot("resident", shot)
    item.get_by_role("button", name="提交评价").click()
    expect(res.locator(".messages")).to_contain_text("感谢您的评价")


def test_one_case_through_every_stage_with_the_real_roles(actors, city, tmp_path):
    resident = city.people["resident"]
    Person.objects.filter(pk=resident.pk).update(phone="13912345678")  # the test city shares one number
    case = grid_worker_reports_for_resident(actors, tmp_path, "小区门口垃圾桶满溢", "0104", "13912345678")
    assert case.channel == "patrol" and case.grid_id == city.regions["A1a"].pk
    assert (case.reporter, case.reporter_user) == (resident, city.user("resident"))
    report_event = case.events.get(verb="report")
    assert (report_event.actor, report_event.actor_role) == (city.user("grid_worker"), "grid_worker")

    res = actors.page("resident")
    res.goto("/cases/mine/")
    expect(res.locator(f"#case-{case.pk}")).to_contain_text("待立案")  # the resident follows it from the start

    town_accepts_and_dispatches(actors, case, "城市管理局", shot="board")  # full names, as bulk dispatch
    dept_acknowledges_and_handles(actors, "dept_urban", case, "已联系环卫清运，垃圾桶已清空", tmp_path, shot="dept-inbox")
    grid_worker_verifies(actors, case, shot="grid")
    town_closes(actors, case, shot="detail-closed")

    res = actors.page("resident")
    res.goto("/cases/mine/")
    expect(res.get_by_test_id("phonebar-badge-inbox")).to_be_visible()  # "已办结，请评价" (the phone bar keeps the badge)
    resident_rates(actors, case, "满意", "处理很快，谢谢", shot="rate")
    item = res.locator(f"#case-{case.pk}")
    expect(item).to_contain_text("满意")
    expect(item.locator("form.rate")).to_have_count(0)
    actors.shot("resident", "mine-rated")

    case.refresh_from_db()
    assert (case.state, case.rating, case.rework_count) == ("closed", "satisfied", 0)
    verbs = list(case.events.values_list("verb", flat=True))
    assert verbs == ["report", "accept", "dispatch", "acknowledge", "handle", "verify", "close", "rate"]
    assert set(case.attachments.values_list("kind", flat=True)) == {"photo", "evidence"}


def test_whistle_and_report_in_two_departments_one_leads(actors, city, tmp_path):
    case = grid_worker_reports(actors, tmp_path, "河道边违建棚屋", "0101")
    town = actors.page("town_commander")
    town.goto(f"/cases/{case.pk}/")
    act_on_detail(town, "accept")
    state_is(town, "待派遣")
    form = town.locator('form[data-verb="whistle"]')
    form.get_by_role("checkbox", name="城市管理局").check()
    form.get_by_role("checkbox", name="水利局").check()
    form.get_by_label("主办部门").select_option(label="水利局")
    form.get_by_label("吹哨事由").fill("涉及河道管理和违建拆除，需联合处置")
    actors.shot("town_commander", "whistle-form")
    form.get_by_role("button", name="吹哨").click()
    state_is(town, "待报到")  # the lead department reports in (报到); nobody signs for a whistled case

    for key in ("dept_urban", "dept_water"):
        dept = actors.page(key)
        dept.goto("/cases/dept/?tab=whistled")
        row = dept.locator(f"#case-{case.pk}")
        expect(row).to_contain_text(case.title)
        expect(row).to_contain_text("待报到")
        if key == "dept_water":
            row.get_by_label("报到说明").fill("水利站两人到场，联系人李站长")
            actors.shot(key, "whistled-tab")
        row.get_by_role("button", name="报到").click()
        expect(row).to_contain_text("已报到")
    case.refresh_from_db()
    assert case.state == "in_progress" and case.handling_department == city.departments["water"]
    assert case.events.get(verb="report_in", department=city.departments["water"]).note == "水利站两人到场，联系人李站长"

    dept_handles(actors, "dept_water", case, "已会同城管拆除违建棚屋，清理河岸", tmp_path)
    grid_worker_verifies(actors, case)
    town_closes(actors, case)
    town.goto(f"/cases/{case.pk}/")
    units = town.locator("#units-title").locator("..")
    expect(units.locator("tr", has_text="水利局")).to_contain_text("主办")
    expect(units.locator("tr", has_text="城市管理局")).to_contain_text("协办")
    actors.shot("town_commander", "detail-whistle")

    roles = dict(case.assignments.filter(is_active=True).values_list("department__code", "role"))
    assert roles == {"D01": "assist", "D02": "lead"}
    assert not case.assignments.filter(is_active=True, acknowledged_at__isnull=True).exists()
    assert list(case.events.values_list("verb", flat=True)) == [
        "report", "accept", "whistle", "report_in", "report_in", "handle", "verify", "close"]


def test_return_redispatch_and_unsatisfied_rating_rework(actors, city, tmp_path):
    case = resident_reports(actors, tmp_path, "路边流动摊贩占道", code="0203")
    town_accepts_and_dispatches(actors, case, "水利局")  # the wrong department

    water = actors.page("dept_water")
    water.goto("/cases/dept/")
    row = water.locator(f"#case-{case.pk}")
    row.locator("summary").filter(has_text=re.compile("^退回$")).click()
    row.get_by_role("button", name="确认退回").click()
    expect(row).to_contain_text("退回必须说明理由")  # the service's message; nothing changed
    row.get_by_label("退回理由").fill("占道经营不属水利局职责，应由城管处理")
    actors.shot("dept_water", "return")
    row.get_by_role("button", name="确认退回").click()
    expect(row).to_contain_text("已退回")

    town = actors.page("town_commander")
    town.goto("/cases/board/?tab=to_dispatch")
    trow = town.locator(f"#case-{case.pk}")
    expect(trow).to_contain_text("已退回")
    trow.get_by_label("承办部门").select_option(label="城市管理局")
    trow.get_by_role("button", name="派遣").click()
    expect(trow).to_contain_text("已派遣")

    dept_acknowledges_and_handles(actors, "dept_urban", case, "已劝离摊贩", tmp_path)
    grid_worker_verifies(actors, case)
    town_closes(actors, case)
    resident_rates(actors, case, "不满意", "第二天摊贩又回来了")
    res = actors.page("resident")
    expect(res.locator(f"#case-{case.pk}")).to_contain_text("处置中")
    expect(res.locator(f"#case-{case.pk}")).to_contain_text("返工 1")

    urban = actors.page("dept_urban")
    urban.goto("/cases/inbox/")
    expect(urban.locator(".notes")).to_contain_text("群众不满意，返工")
    actors.shot("dept_urban", "inbox")
    urban.goto("/cases/dept/?tab=in_progress")
    dept_handles(actors, "dept_urban", case, "已设置隔离栏并安排每日巡查", tmp_path)
    grid_worker_verifies(actors, case)
    town_closes(actors, case)
    town.goto(f"/cases/{case.pk}/")
    expect(town.locator(".page-head")).to_contain_text("返工 1 次")
    expect(town.locator("#timeline")).to_contain_text("占道经营不属水利局职责")
    expect(town.locator("#timeline")).to_contain_text("第二天摊贩又回来了")
    actors.shot("town_commander", "detail-rework")
    resident_rates(actors, case, "基本满意", "这次好多了")

    case.refresh_from_db()
    assert (case.state, case.rework_count, case.rating) == ("closed", 1, "basic")
    assert case.handling_department == city.departments["urban"]
    assert list(case.events.values_list("verb", flat=True)) == [
        "report", "accept", "dispatch", "return", "dispatch", "acknowledge", "handle", "verify", "close", "rate",
        "handle", "verify", "close", "rate"]
