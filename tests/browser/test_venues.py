"""A village cadre's venues on a desktop: the network with its gap to 1+3+10, a pioneer station registered on the
form, a room added and booked, the 8-minute circle with the households outside on the map, the best site for
the next venue; the venue page on a 390 px phone. Screenshots to look at."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jishi.venues.models import Booking
from tests.venues.conftest import P, east, household, venue

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def hamlet(city):
    for i, m in enumerate((0, 120, 300, 450, 600, 900, 1500, 2000, 2100, 2200)):
        for j in range(3):
            household(city, "A1a1" if m < 1000 else "A1b1", f"H{i}-{j}", (east(m)[0], P[1] + 0.0008 * (j - 1)))
    venue(city, kind="party_mass_centre", name="A1村党群服务中心")
    return city


def test_a_cadre_builds_the_8_minute_circle(page, login_as, live_server, shot, hamlet):
    city = hamlet
    login_as("village_cadre")
    page.goto("/venues/")
    expect(page.locator("#gaps")).to_contain_text("缺驿站 3")
    shot("network")

    page.goto(f"/venues/new/?region={city.regions['A1'].pk}")
    page.select_option("#region", str(city.regions["A1b1"].pk))
    page.select_option("#kind", "pioneer_station")
    page.fill("#name", "A1村综合网格先锋驿站1号")
    page.fill("#lng", str(east(2100)[0]))
    page.fill("#lat", str(P[1]))
    page.fill("#opening_hours", "每日 8:00-20:00")
    page.get_by_role("button", name="登记").click()
    expect(page.locator("h1")).to_have_text("A1村综合网格先锋驿站1号")
    page.fill("#room-name", "驿站活动室")
    page.get_by_role("button", name="添加活动室").click()
    expect(page.locator("#rooms")).to_contain_text("驿站活动室")
    start = (timezone.localtime() + timedelta(days=1)).replace(hour=14, minute=0)
    page.fill("#b-start", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#b-end", (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#b-purpose", "网格议事会")
    page.fill("#b-org", "A1b网格党支部")
    page.get_by_role("button", name="预约", exact=True).click()
    expect(page.locator("#bookings")).to_contain_text("网格议事会")
    assert Booking.objects.count() == 1
    shot("venue")

    page.goto(f"/venues/circle/?region={city.regions['A1'].pk}")
    expect(page.locator("#circle-map")).to_have_attribute("data-ready", "1")
    expect(page.locator("#outside")).to_have_text("9")  # 600, 900 and 1,500 m east: 3 households each
    assert page.locator(".outside-dot").count() == 9 and page.locator(".venue-dot").count() == 2
    shot("circle")

    page.goto(f"/venues/best-sites/?region={city.regions['A1'].pk}")
    page.fill("#n", "1")
    page.fill("#candidates", f"{east(750)[0]},{P[1]},村东路口\n{east(1500)[0]},{P[1]},老桥头")
    page.get_by_role("button", name="计算最佳选址").click()
    expect(page.locator("#sites")).to_contain_text("村东路口")
    expect(page.locator("#added")).to_have_text("+6")  # 600 and 900 m (150 m from the site) over 1,500 m's 3
    expect(page.locator(".site-icon")).to_have_count(1)
    shot("best-sites")
    assert not page.js_errors


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_the_venue_page_on_a_phone(page, login_as, live_server, shot, hamlet):
    login_as("village_cadre")
    page.goto("/venues/")
    page.get_by_role("link", name="阵地清单").click()
    page.get_by_role("link", name="A1村党群服务中心").click()
    expect(page.locator("#functions")).to_contain_text("协商议事")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1
    shot("venue")
    page.goto(f"/venues/circle/?region={hamlet.regions['A1'].pk}")
    expect(page.locator("#circle-map")).to_have_attribute("data-ready", "1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    shot("circle")
