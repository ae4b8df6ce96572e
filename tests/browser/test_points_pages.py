"""Cadre and town points pages in the browser: batch inspection in one form, the town comparison, and
the villager's pages fitting a phone screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jishi.org.models import Household, Person
from jishi.points.models import Posting
from jishi.points.rules import seed_template

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_cadre_scores_households_in_one_inspection_form(page, login_as, shot, city):
    seed_template()
    for n in range(3):
        hh = Household(code=f"H-A1-{n:03d}", address=f"A1村{n + 2}组")
        hh.place_in(city.regions["A1a2"])
        hh.save()
        p = Person(name=f"户主{n}", household=hh, is_household_head=True)
        p.place_in(city.regions["A1a2"])
        p.save()
    login_as("village_cadre")
    page.goto("/points/inspection/")
    for n in range(3):
        page.get_by_label(f"户主{n} 庭院整洁（月度检查）").check()
    page.get_by_label("户主2 垃圾分类到位").check()
    shot("form")
    page.get_by_role("button", name="提交评分").click()
    expect(page.locator("#confirm-dialog")).to_contain_text("将为 3 户记录 4 项评分（合计 +33 分）")
    page.get_by_test_id("confirm-ok").click()
    expect(page.locator(".messages")).to_contain_text("已评分 3 户")
    assert Posting.objects.filter(source__startswith="inspection:").count() == 4
    page.goto("/points/review/")
    page.get_by_label("村民", exact=True).fill("户主1")
    page.get_by_role("radio", name="户主1").check()
    page.get_by_label("积分项目").select_option(label="乱扔垃圾（−5）")
    page.get_by_label("事由（村民可见）").fill("垃圾倒入河道")
    page.get_by_role("button", name="评定").click()
    page.get_by_test_id("confirm-ok").click()
    expect(page.locator(".messages")).to_contain_text("已评定")
    assert not page.js_errors


def test_town_commander_compares_villages(page, login_as, shot, city):
    seed_template()
    login_as("town_commander")
    page.goto("/points/town/")
    expect(page.locator("#villages")).to_contain_text("A1村")
    expect(page.locator("#villages")).not_to_contain_text("B1村")
    shot("town")


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_villager_pages_fit_a_phone(page, login_as, shot, city):
    seed_template()
    login_as("resident")
    for path, name in (("/points/me/", "me"), ("/points/store/", "store"), ("/points/boards/", "boards")):
        page.goto(path)
        shot(name)
        assert fits(page), path
