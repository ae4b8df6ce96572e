"""In Chromium, the pages work under the Content-Security-Policy: no CSP violation in the console."""

from __future__ import annotations

import shutil

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.skipif(not shutil.which("chromium"), reason="no system Chromium")]

PAGES = {
    "admin": ["/", "/regions/", "/people/", "/regions/gridforce/", "/cases/", "/cases/board/", "/cases/report/",
              "/points/", "/points/boards/", "/security/totp/setup/", "/admin/", "/api/v1/docs"],
    "grid_worker": ["/", "/cases/grid/", "/cases/report/", "/points/me/"],
}


def visit_all(browser, base: str, username: str, password: str, paths: list[str]) -> dict[str, list[str]]:
    page = browser.new_page()
    problems: dict[str, list[str]] = {}
    current = {"path": "/login/"}

    def on_console(msg):
        text = msg.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            problems.setdefault(current["path"], []).append(text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.setdefault(current["path"], []).append(f"page error: {exc}"))
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    statuses = {}
    for path in paths:
        current["path"] = path
        response = page.goto(base + path)
        page.wait_for_load_state("networkidle")
        statuses[path] = response.status if response else None
    page.close()
    return {"problems": problems, "statuses": statuses}


@pytest.mark.parametrize("who", sorted(PAGES))
def test_pages_raise_no_csp_violations_in_chromium(live_server, city, browser, who):
    from tests.factories import PASSWORD

    result = visit_all(browser, live_server.url, who, PASSWORD, PAGES[who])
    assert not result["problems"], result["problems"]
    broken = {p: s for p, s in result["statuses"].items() if s is None or s >= 500}
    assert not broken, broken


def test_an_inline_script_without_the_nonce_is_blocked(live_server, city, browser):
    """The policy really is enforced: a script injected without the nonce does not run."""
    page = browser.new_page()
    messages = []
    page.on("console", lambda msg: messages.append(msg.text))
    page.goto(live_server.url + "/login/")
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';
                           document.body.appendChild(s); }""")
    assert page.evaluate("() => window.__ran") is None
    assert any("Content Security Policy" in m for m in messages)
    page.close()
