"""The people search's number rule in a browser: a commander who types digits is told why, and can search by name."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from jishi.org.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_commander_typing_the_last_digits_of_a_masked_phone_is_told_to_search_by_name(page, login_as, city, shot):
    p = Person(name="王小明", phone="13912345678", id_number="320281199001011234", address="A镇A1村3组12号")
    p.place_in(city.regions["A1a1"])
    p.save()
    login_as("town_commander")
    page.goto("/people/")
    page.get_by_role("searchbox").fill("5678")
    page.get_by_role("button", name="查询").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("不能按号码或其中几位查找人员")
    expect(page.get_by_role("row", name=re.compile("王小明"))).to_have_count(0)
    shot("refused")
    page.get_by_role("searchbox").fill("王小")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("row", name=re.compile("王小明"))).to_contain_text("139****5678")
