"""Each commander opens their cockpit in the browser: a KPI matches the database, the KPI drills into
the list of its cases, the charts, big-screen mode and the map render (screenshots to look at)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from jishi.cases import services
from jishi.cases.models import Case
from tests.cases.conftest import report, walk_to  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def history(city, report):  # noqa: F811
    walk_to(city, report(), "closed")
    walk_to(city, report(where="A1b1", category="0102"), "in_progress")
    report(where="A2a1", address="A2村3组")
    report(where="B1a1")
    services.reject(city.user("grid_leader"), report(), reason="重复")
    return city


@pytest.mark.parametrize("who, region, cases", [
    ("city_commander", "city", {}),
    ("town_commander", "A", {"town": "A"}),
    ("village_cadre", "A1", {"village": "A1"}),
])
def test_commander_opens_the_cockpit_checks_a_kpi_and_drills_into_the_cases(page, login_as, live_server, shot,
                                                                            history, who, region, cases):
    login_as(who)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="驾驶舱").click()
    expect(page.locator("h1")).to_contain_text(history.regions[region].name)
    mine = Case.objects.filter(**{f"{k}_id": history.regions[v].pk for k, v in cases.items()})
    kpi = page.get_by_test_id("kpi-received")
    expect(kpi.locator(".num")).to_have_text(str(mine.count()))
    expect(page.get_by_test_id("kpi-closed").locator(".num")).to_have_text(str(mine.filter(state="closed").count()))
    page.wait_for_selector("body[data-charts-ready='1']")
    expect(page.locator("#chart-trend canvas")).to_have_count(1)
    shot(f"{who}-normal")
    page.get_by_test_id("screen-mode").click()
    expect(page.locator("body.screen")).to_have_count(1)
    page.wait_for_selector("body[data-charts-ready='1']")
    shot(f"{who}-screen")
    page.get_by_test_id("normal-mode").click()
    page.get_by_test_id("kpi-received").click()
    expect(page.get_by_test_id("records-total")).to_have_text(str(mine.count()))
    rows = page.get_by_test_id("records").locator("tbody tr")
    expect(rows).to_have_count(mine.count())
    for number in mine.values_list("number", flat=True):
        expect(page.get_by_test_id("records")).to_contain_text(number)
    shot(f"{who}-records")
    page.goto(f"/cockpit/map/?region={history.regions[region].pk}")
    page.wait_for_selector("#cockpit-map[data-ready]", state="attached")
    assert page.js_errors == []
    assert page.locator("#cockpit-map").get_attribute("data-ready") == str(mine.filter(lat__isnull=False).count())
    shot(f"{who}-map")
    assert page.js_errors == []


CONTRAST_JS = (Path(__file__).parent / "contrast.js").read_text()
FOCUSED_JS = """() => { const e = document.activeElement; return {tag: e.tagName, text: (e.textContent || '').trim(),
    testid: e.getAttribute('data-testid') || '', tabs: !!e.closest('nav.tabs'), href: e.getAttribute('href') || ''}; }"""


@pytest.mark.parametrize("screen", [False, True])
def test_cockpit_is_keyboard_navigable_and_passes_contrast(page, login_as, shot, history, screen):
    from tests.cockpit.test_summaries import _board

    _board("department", "2026-10", [f"部门{i}" for i in range(1, 8)])  # the ranking tables are checked too
    login_as("city_commander")
    page.goto("/cockpit/?period=month" + ("&screen=1" if screen else ""))
    page.wait_for_selector("body[data-charts-ready='1']")
    seen = {"tab": False, "kpi": False, "summary": False}
    page.locator("body").focus()
    for _ in range(80):
        page.keyboard.press("Tab")
        f = page.evaluate(FOCUSED_JS)
        seen["tab"] |= f["tabs"]
        seen["kpi"] |= f["testid"].startswith("kpi-")
        if f["tag"] == "SUMMARY" and not seen["summary"]:
            seen["summary"] = True
            page.keyboard.press("Enter")  # the data table opens from the keyboard
            assert page.evaluate("document.activeElement.parentElement.open") is True
        if all(seen.values()):
            break
    assert seen == {"tab": True, "kpi": True, "summary": True}
    focused_outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focused_outline != "none"  # the keyboard focus is visible
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    assert page.evaluate(CONTRAST_JS) == []
    shot("cockpit-keyboard-" + ("screen" if screen else "normal"))
    assert page.js_errors == []


def test_clicking_an_area_on_the_map_opens_its_own_map_and_the_way_back(page, login_as, shot, history):
    login_as("town_commander")
    town, village = history.regions["A"], history.regions["A1"]
    page.goto(f"/cockpit/map/?region={town.pk}")
    page.wait_for_selector("#cockpit-map[data-ready]", state="attached")
    lng, lat = history.point_in("A1")
    box = page.locator("#cockpit-map").bounding_box()
    x, y = page.evaluate("([lat, lng]) => { const p = document.getElementById('cockpit-map').jishiMap"
                         ".latLngToContainerPoint([lat, lng]); return [p.x, p.y]; }", [lat, lng])
    page.mouse.click(box["x"] + x, box["y"] + y)  # on the village's area (canvas): Leaflet finds the layer
    page.wait_for_url(f"**/cockpit/map/?region={village.pk}")
    expect(page.locator("h1")).to_contain_text(village.name)
    page.wait_for_selector("#cockpit-map[data-ready]", state="attached")
    shot("village-map")
    grid = history.regions["A1a"]
    page.get_by_text("区域办结率数据表").click()  # the same drill for keyboard and screen reader users
    page.locator("#area-table").get_by_role("link", name=grid.name).click()
    page.wait_for_url(f"**/cockpit/map/?region={grid.pk}")
    page.get_by_role("navigation", name="驾驶舱").get_by_role("link", name=town.name).click()  # and back up
    expect(page.locator("h1")).to_contain_text(town.name)
    assert page.js_errors == []
    shot("town-map-drilled")
