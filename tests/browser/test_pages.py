"""Each role logs in through the real form and sees only their part of the city."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CONTRAST_JS = (Path(__file__).parent / "contrast.js").read_text()


def test_grid_worker_sees_their_grid_not_another_towns(page, login_as, shot):
    login_as("grid_worker")
    expect(page.locator(".greeting")).to_contain_text("专职网格员")
    expect(page.locator(".greeting")).to_contain_text("A1a网格")
    shot("home")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="区域网格").click()
    tree = page.get_by_role("tree")
    expect(tree).to_contain_text("A1a网格")
    expect(tree).to_contain_text("A1a1微网格")
    expect(tree).not_to_contain_text("B1a")
    page.locator("#map[data-ready='1']").wait_for()
    expect(page.locator("#map path.region-outline")).to_have_count(1)  # the grid's own outline
    expect(page.locator("#map path.region")).to_have_count(2)  # its 2 micro-grids, clickable
    shot("regions")


def test_town_commander_expands_a_village_lazily(page, login_as, shot):
    login_as("town_commander")
    page.goto("/regions/")
    tree = page.get_by_role("tree")
    expect(tree).to_contain_text("A1村")
    expect(tree).not_to_contain_text("B1村")
    page.get_by_role("button", name="展开A1村").click()
    expect(tree.get_by_role("link", name="A1a网格")).to_be_visible()
    page.locator("#map[data-ready='1']").wait_for()
    shot("regions")


def test_clicking_a_map_polygon_opens_the_region(page, login_as):
    login_as("town_commander")
    page.goto("/regions/")
    page.locator("#map[data-ready='1']").wait_for()
    page.locator("#map path.region").last.click()
    expect(page).to_have_url(re.compile(r"/regions/\d+/$"))
    expect(page.locator("h1")).to_contain_text("村")


def test_department_handler_has_no_region_tree(page, login_as, shot):
    login_as("dept_urban")
    expect(page.get_by_role("navigation", name="主导航")).not_to_contain_text("区域网格")
    page.goto("/regions/")
    expect(page.get_by_role("tree")).to_have_count(0)
    shot("regions")


def test_region_outside_scope_is_not_found(page, login_as, city):
    login_as("grid_worker")
    response = page.goto(f"/regions/{city.regions['B1a'].pk}/")
    assert response.status == 404


def test_region_detail_shows_grid_force_and_boundary(page, login_as, city, shot):
    login_as("grid_leader")
    page.goto(f"/regions/{city.regions['A1a'].pk}/")
    expect(page.get_by_role("navigation", name="位置")).to_contain_text("A1村")
    expect(page.locator("#force-title")).to_contain_text("配备不足")
    page.locator("#map[data-ready='1']").wait_for()
    shot("detail")


def _add_resident(city):
    from jishi.org.models import Person

    p = Person(name="王小明", phone="13912345678", id_number="320281198001011234", address="A镇A1村3组12号")
    p.place_in(city.regions["A1a1"])
    p.save()
    return p


def test_people_search_masks_for_commander(page, login_as, city, shot):
    _add_resident(city)
    login_as("town_commander")
    page.goto("/people/")
    page.get_by_role("searchbox").fill("王小")
    page.get_by_role("button", name="查询").click()
    row = page.get_by_role("row", name=re.compile("王小明"))
    expect(row).to_contain_text("139****5678")
    expect(row).not_to_contain_text("13912345678")
    shot("people")


def test_people_search_unmasked_for_grid_worker(page, login_as, city, shot):
    _add_resident(city)
    login_as("grid_worker")
    page.goto("/people/?q=王小")
    row = page.get_by_role("row", name=re.compile("王小明"))
    expect(row).to_contain_text("13912345678")
    expect(row).to_contain_text("A镇A1村3组12号")
    shot("people")


def test_language_switch_to_english(page, login_as, shot):
    login_as("grid_worker")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("navigation", name="Main navigation")).to_contain_text("Workbench")
    shot("home-en")
    page.get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_skip_link_is_first_in_tab_order(page, login_as):
    login_as("grid_worker")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"


def test_no_javascript_errors_on_pages(page, login_as, city):
    login_as("village_cadre")
    for url in ("/", "/regions/", f"/regions/{city.regions['A1'].pk}/", "/regions/gridforce/", "/people/"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
    assert page.js_errors == []


@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
def test_every_page_fits_the_screen(page, login_as, city, shot, viewport):
    """No page scrolls sideways on a 390-px phone or a 1440-px desktop; screenshots for review."""
    person = _add_resident(city)
    page.goto("/login/")
    assert page.evaluate(CONTRAST_JS) == []
    shot("login")
    login_as("village_cadre")
    pages = {
        "home": "/", "regions": "/regions/", "village": f"/regions/{city.regions['A1'].pk}/",
        "grid": f"/regions/{city.regions['A1a'].pk}/", "gridforce": "/regions/gridforce/",
        "people": "/people/", "person": f"/people/{person.pk}/",
    }
    for name, url in pages.items():
        page.goto(url)
        if page.locator("#map").count():
            page.locator("#map[data-ready='1']").wait_for()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} is {overflow}px wider than the screen"
        assert page.evaluate(CONTRAST_JS) == [], f"{url}: text below WCAG AA contrast"
        shot(name)
    assert page.js_errors == []


def test_admin_is_in_chinese_and_lists_org_models(page, login_as, shot):
    login_as("admin")
    page.goto("/admin/")
    expect(page.locator("#site-name")).to_contain_text("基石 · 管理后台")
    shot("admin")
    page.goto("/admin/org/region/?level__exact=grid")
    expect(page.locator("#result_list")).to_contain_text("A1a网格")
    shot("admin-regions")
