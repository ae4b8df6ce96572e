"""The village's shelf page and the household points page on a phone (390×844): they fit the screen, work
without inline scripts (no CSP violation, no script error), and the screenshots are kept for review."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jishi.org.models import Person
from jishi.points.earning import apply_item
from jishi.points.models import Merchant, StoreItem
from jishi.points.rules import seed_template

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def watch_csp(page) -> list[str]:
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    return seen


@pytest.fixture
def village_shop(city):
    seed_template()
    m = Merchant(name="A1村积分超市", owner=city.people["merchant"], yuan_per_point="0.100")
    m.place_in(city.regions["A1"])
    m.save()
    for name, price, stock in (("肥皂", 20, 50), ("大米5斤", 100, 3)):
        it = StoreItem(merchant=m, name=name, price=price, stock=stock)
        it.place_in(city.regions["A1"])
        it.save()
    return m


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_cadre_manages_the_store_shelf_on_a_phone(page, login_as, shot, city, village_shop):
    csp = watch_csp(page)
    login_as("village_cadre")
    page.goto("/points/shelf/")
    assert fits(page)
    shot("shelf")
    page.get_by_label("商品名称").fill("食用油5升")
    page.get_by_label("所需积分", exact=True).fill("150")
    page.get_by_label("库存", exact=True).fill("8")
    page.get_by_role("button", name="上架", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已上架：食用油5升")
    page.get_by_label("肥皂 所需积分").fill("25")
    page.locator("[data-item]", has_text="肥皂").get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("已保存：肥皂")
    page.get_by_role("button", name="下架 大米5斤").click()
    expect(page.locator(".messages")).to_contain_text("已下架：大米5斤")
    expect(page.locator("[data-item]", has_text="大米5斤")).to_contain_text("已下架")
    assert fits(page)
    shot("shelf-after")
    assert StoreItem.objects.get(name="肥皂").price == 25
    assert not StoreItem.objects.get(name="大米5斤").is_active
    assert not page.js_errors and not csp


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_villager_sees_the_household_points_on_a_phone(page, login_as, shot, city):
    seed_template()
    csp = watch_csp(page)
    hh = city.people["resident"].household
    spouse = Person(name="张家人", household=hh)
    spouse.place_in(city.regions["A1a1"])
    spouse.save()
    cadre = city.user("village_cadre")
    from jishi.points.models import PointItem

    apply_item(cadre, city.people["resident"], PointItem.objects.get(code="HR01"), key="a")
    apply_item(cadre, spouse, PointItem.objects.get(code="HY01"), key="b")
    login_as("resident")
    page.goto("/points/me/")
    page.get_by_role("link", name="我家积分").click()
    expect(page.locator("#household-redeemable")).to_have_text("12")
    expect(page.locator("#members")).to_contain_text("张家人")
    assert fits(page)
    shot("household")
    assert not page.js_errors and not csp


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_cadre_lists_the_villages_households_on_a_phone(page, login_as, shot, city):
    seed_template()
    login_as("village_cadre")
    page.goto("/points/households/")
    expect(page.locator("#households")).to_contain_text("H-A1a1-001")
    assert fits(page)
    shot("households")
    page.get_by_role("link", name="H-A1a1-001").click()
    expect(page.locator("#members")).to_contain_text("张居民")
    shot("household-cadre")
