"""Error pages in the browser (issue 13 §10): the site's frame on a phone and a desktop, the way back works,
the 403 names the roles, English when English is chosen, no script error (CSP holds)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_grid_worker_on_a_phone_gets_a_framed_404_and_goes_back(page, login_as, live_server, shot):
    login_as("grid_worker")
    page.goto(live_server.url + "/cases/")
    page.evaluate("location.href = '/cases/99999999/'")  # followed from a page, so it has a referrer
    page.wait_for_url(live_server.url + "/cases/99999999/")
    assert page.get_by_role("heading", name="未找到").is_visible()
    assert page.locator(".topbar").is_visible()
    shot("404")
    assert page.get_by_test_id("error-back").get_attribute("href") == "/cases/grid/"  # /cases/ led there
    page.get_by_test_id("error-back").click()
    page.wait_for_load_state()
    assert page.url.endswith("/cases/grid/")
    assert not page.js_errors


def test_a_grid_worker_opening_the_cockpit_reads_why_in_403(page, login_as, live_server, shot):
    login_as("grid_worker")
    page.goto(live_server.url + "/cockpit/")
    assert page.get_by_role("heading", name="无权访问").is_visible()
    assert "专职网格员" in page.get_by_test_id("error-roles").inner_text()
    shot("403")
    page.get_by_role("button", name="English").click()
    page.goto(live_server.url + "/cases/?tab=%00")
    assert page.get_by_role("heading", name="Bad request").is_visible()
    shot("400-en")
    assert not page.js_errors
