"""Offline base map in the browser: a tiny MBTiles package made in the test is imported with `jishi import-tiles`,
and the report picker and the case map draw its tiles (loaded images, not broken ones) under the boundaries."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from jishi.cases import services
from tests.factories import ORIGIN
from tests.web.tilekit import COLOURS, lng_lat_tiles, make_mbtiles, png

pytestmark = [pytest.mark.slow, pytest.mark.browser]

LOADED_TILES = """sel => [...document.querySelectorAll(sel + ' img.leaflet-tile-loaded')]
  .filter(img => img.complete && img.naturalWidth > 0).map(img => new URL(img.src).pathname)"""


@pytest.fixture
def package(tmp_path, city):
    pngs = [png(c) for c in COLOURS]
    centre = (ORIGIN[0] + 0.03, ORIGIN[1] + 0.04)
    wanted = {t for z in range(11, 17) for t in lng_lat_tiles(z, *centre, radius=4)}
    wanted |= set(lng_lat_tiles(16, *city.point_in("A1a1"), radius=4))  # around the case
    tiles = {(z, x, y): pngs[(x + y) % len(pngs)] for z, x, y in wanted}
    path = make_mbtiles(tmp_path / "chengjiang.mbtiles", tiles, attribution="测试底图 © 测绘院")
    call_command("import_tiles", str(path))
    return path


def test_report_picker_and_case_map_draw_the_offline_tiles(page, login_as, live_server, city, package, shot):
    user = login_as("grid_worker")
    page.goto("/cases/report/")
    page.locator("#pick-map[data-ready='1']").wait_for()
    page.locator("#pick-map img.leaflet-tile-loaded").nth(3).wait_for()  # (wait_for_function would need eval: CSP)
    loaded = page.evaluate(LOADED_TILES, "#pick-map")
    assert len(loaded) >= 4
    assert all(p.startswith("/map/tiles/") and p.endswith(".png") for p in loaded)
    expect(page.locator("#pick-map .leaflet-control-attribution")).to_contain_text("测绘院")
    page.locator("#pick-map").scroll_into_view_if_needed()
    shot("report-picker")

    lng, lat = city.point_in("A1a1")
    case = services.report_case(user, category_code="0101", lng=lng, lat=lat, title="路边暴露垃圾", channel="patrol")
    page.goto(f"/cases/{case.pk}/")
    page.locator("#case-map[data-ready='1']").wait_for()
    page.locator("#case-map img.leaflet-tile-loaded").nth(3).wait_for()
    loaded = page.evaluate(LOADED_TILES, "#case-map")
    assert len(loaded) >= 4 and all(p.startswith("/map/tiles/16/") for p in loaded)
    nav = page.get_by_role("link", name="导航到这里")
    assert nav.get_attribute("href") == f"geo:{lat:f},{lng:f}?q={lat:f},{lng:f}"
    page.locator("#case-map").scroll_into_view_if_needed()
    shot("case-map")
    assert page.js_errors == []


def test_cockpit_map_draws_the_offline_tiles_under_the_areas(page, login_as, city, package, shot):
    login_as("city_commander")
    page.goto("/cockpit/map/")
    page.wait_for_selector("#cockpit-map[data-ready]", state="attached")
    page.locator("#cockpit-map img.leaflet-tile-loaded").nth(3).wait_for()
    loaded = page.evaluate(LOADED_TILES, "#cockpit-map")
    assert len(loaded) >= 4 and all(p.startswith("/map/tiles/") for p in loaded)
    expect(page.locator("#cockpit-map .leaflet-control-attribution")).to_contain_text("测绘院")
    shot("cockpit-map")
    assert page.js_errors == []
