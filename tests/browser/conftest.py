"""Browser tests: Playwright (sync API) driving the system Chromium against pytest-django's live server.

    def test_something(page, login_as, live_server, shot):
        login_as("grid_worker")            # through the real login form
        page.goto(live_server.url + "/regions/")
        shot("regions")                    # test-artifacts/screenshots/<test>-regions-desktop.png

Viewports: ``page`` is desktop (1440×900); mark a test with ``@pytest.mark.parametrize("viewport",
["phone"], indirect=True)`` or use ``viewport`` fixture values "phone" (390×844) / "desktop".
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.factories import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: install Debian's chromium to run browser tests")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def viewport(request) -> str:
    return getattr(request, "param", "desktop")


@pytest.fixture
def page(browser, viewport, live_server):
    context = browser.new_context(
        viewport=VIEWPORTS[viewport], locale="zh-CN", base_url=live_server.url,
        is_mobile=viewport == "phone", has_touch=viewport == "phone",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()


@pytest.fixture
def shot(page, request, viewport):
    """Save a full-page screenshot under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(name: str) -> Path:
        path = SCREENSHOTS / f"{request.node.originalname}-{name}-{viewport}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot


@pytest.fixture
def login_as(page, city, live_server):
    """Log in through the real login form as a test-city user: ``login_as("grid_worker")``."""

    def _login(key: str):
        page.goto(live_server.url + "/login/")
        page.get_by_label("用户名").fill(key)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(live_server.url + "/")
        return city.user(key)

    return _login
