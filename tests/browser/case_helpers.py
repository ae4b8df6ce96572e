"""Helpers of the case-loop browser tests: one browser context per role (each its own viewport,
cookies and screenshots), logged in through the real login form."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import SCREENSHOTS, VIEWPORTS
from tests.factories import PASSWORD


def png(width: int = 160, height: int = 120, rgb: tuple[int, int, int] = (120, 140, 90)) -> bytes:
    """A real PNG of one colour with a darker lower half: what a phone camera would hand the file input."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    dark = tuple(max(c - 60, 0) for c in rgb)
    rows = b"".join(b"\x00" + bytes(rgb if y < height // 2 else dark) * width for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


CONTRAST_JS = (Path(__file__).parent / "contrast.js").read_text()
PHONE_ROLES = {"grid_worker", "grid_worker_b", "resident", "informant", "volunteer"}


class Actors:
    """Pages of several logged-in users in one test: ``actors.page("grid_worker")``."""

    def __init__(self, browser, live_server, test_name: str, geolocation: dict | None = None):
        self.browser, self.base, self.test_name = browser, live_server.url, test_name
        self.geolocation = geolocation
        self.pages: dict[str, Page] = {}
        self.contexts = []
        self.errors: list[str] = []

    def page(self, key: str) -> Page:
        if key in self.pages:
            return self.pages[key]
        phone = key in PHONE_ROLES
        extra = {"geolocation": self.geolocation, "permissions": ["geolocation"]} if self.geolocation else {}
        ctx = self.browser.new_context(viewport=VIEWPORTS["phone" if phone else "desktop"], locale="zh-CN",
                                       base_url=self.base, is_mobile=phone, has_touch=phone, **extra)
        ctx.set_default_timeout(10_000)
        self.contexts.append(ctx)
        page = ctx.new_page()
        page.on("pageerror", lambda exc: self.errors.append(f"{key}: {exc}"))
        page.goto("/login/")
        page.get_by_label("用户名").fill(key)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(self.base + "/")
        page.viewport_kind = "phone" if phone else "desktop"
        self.pages[key] = page
        return page

    def shot(self, key: str, name: str) -> Path:
        page = self.pages[key]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.test_name}-{name}-{page.viewport_kind}.png"
        page.evaluate("window.scrollTo(0, 0)")  # the sticky top bar stays at the top of a full-page shot
        width = VIEWPORTS[page.viewport_kind]["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name}: wider than the screen"
        assert page.evaluate(CONTRAST_JS) == [], f"{name}: text below WCAG AA contrast"
        page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        for ctx in self.contexts:
            ctx.close()


def photo(tmp_path: Path, name: str = "photo.png", rgb: tuple[int, int, int] = (120, 140, 90)) -> Path:
    path = tmp_path / name
    path.write_bytes(png(rgb=rgb))
    return path


def state_is(page: Page, label: str) -> None:
    expect(page.get_by_test_id("case-state")).to_have_text(label)


def act_on_detail(page: Page, verb: str, **fields) -> None:
    """Fill and submit the action form of ``verb`` on the case detail page."""
    form = page.locator(f'form[data-verb="{verb}"]')
    for name, value in fields.items():
        field = form.locator(f'[name="{name}"]')
        if field.first.get_attribute("type") == "radio":
            form.locator(f'[name="{name}"][value="{value}"]').check()
        elif field.first.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        elif field.first.get_attribute("type") == "file":
            field.set_input_files(value)
        else:
            field.fill(value)
    form.locator('button[type="submit"]').click()
    page.wait_for_load_state()
