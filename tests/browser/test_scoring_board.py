"""The department board in the browser: open it, drill into a rate, export the list to .xlsx and
read the file back."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from jishi.cases import services
from jishi.cases.models import Category
from jishi.cases.seed import load
from jishi.scoring.periods import Month
from jishi.scoring.schemes import ensure_defaults

pytestmark = [pytest.mark.browser, pytest.mark.slow]
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200


def _closed_case(city, dept: str = "urban"):
    if not Category.objects.exists():
        load(Category)
    lng, lat = city.point_in("A1a1")
    case = services.report_case(city.user("grid_worker"), category_code="0101", lng=lng, lat=lat,
                                channel="patrol", title="路边暴露垃圾")
    cmd = city.user("town_commander")
    services.accept(cmd, case)
    services.dispatch(cmd, case, department=city.departments[dept])
    services.acknowledge(city.user(f"dept_{dept}"), case)
    services.handle(city.user(f"dept_{dept}"), case, note="已清理", files=[JPEG])
    services.verify(city.user("grid_worker"), case, passed=True)
    return services.close(cmd, case)


def test_a_commander_drills_into_a_department_rate_and_exports_it(page, login_as, shot, city, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    ensure_defaults()
    case = _closed_case(city)
    for _ in range(4):  # five cases: enough to be ranked (the scheme's minimum volume)
        _closed_case(city)
    _closed_case(city, "water")  # one case: shown apart, 样本不足
    month = str(Month.current())
    login_as("city_commander")
    page.get_by_role("link", name="考核排名").first.click()
    page.goto(f"/scoring/department/{month}/")
    expect(page.locator("#board")).to_contain_text("城市管理局")
    expect(page.locator("#board-too-few")).to_contain_text("水利局")
    expect(page.locator("#board-notes")).to_contain_text("按期办结率")
    shot("board")
    row = page.locator("#board tbody tr", has_text="城市管理局")
    row.locator("td[data-key='on_time_closure_rate'] a[title='分母']").click()
    expect(page.locator("h1")).to_contain_text("按期办结率")
    expect(page.locator("#drill")).to_contain_text(case.number)
    with page.expect_download() as info:
        page.locator("#drill-export").click()
    path = tmp_path / "drill.xlsx"
    info.value.save_as(path)
    ws = load_workbook(path).active
    assert [c.value for c in ws[1]][:4] == ["编号", "标题", "渠道", "分类"]
    assert case.number in [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert page.js_errors == []
