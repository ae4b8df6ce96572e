"""The map of a case list in the browser: from the board with a filter, 地图查看 opens the filtered cases as
clustered markers; a marker opens its case."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from jishi.cases import services

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_the_board_map_shows_the_filtered_cases_and_opens_one(page, login_as, city, shot):
    worker = login_as("grid_worker")
    made = []
    for i, where in enumerate(("A1a1", "A1a1", "A1a2")):
        lng, lat = city.point_in(where)
        made.append(services.report_case(worker, category_code="0101", lng=lng, lat=lat,
                                         title=f"河道垃圾{i + 1}", channel="patrol"))
    lng, lat = city.point_in("A1a1")
    services.report_case(worker, category_code="0101", lng=lng, lat=lat, title="西桥护栏松动", channel="patrol")
    page.context.clear_cookies()
    login_as("town_commander")
    page.goto("/cases/board/?tab=to_accept&q=河道")
    page.get_by_test_id("list-map").click()
    expect(page).to_have_url(re.compile(r"/cases/board/map/\?.*q="))
    page.locator("#list-map[data-ready='3']").wait_for()
    expect(page.get_by_test_id("map-summary")).to_contain_text("3")
    shot("board-map")
    marker = page.locator("#list-map .marker-cluster, #list-map path.leaflet-interactive").first
    marker.click()
    for _ in range(6):  # a cluster zooms in: click again until a marker's popup opens
        if page.locator("#list-map .leaflet-popup a").count():
            break
        page.wait_for_timeout(400)
        page.locator("#list-map .marker-cluster, #list-map path.leaflet-interactive").first.click()
    link = page.locator("#list-map .leaflet-popup a").first
    expect(link).to_contain_text("河道垃圾")
    link.click()
    expect(page.locator("h1")).to_contain_text("河道垃圾")
    assert page.js_errors == []
