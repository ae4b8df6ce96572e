"""Bulk 督办 on the command board in a real browser (1440 px): tick rows, write one note, the confirmation says
how many cases and who is told, 取消 changes nothing, 确定 supervises each case once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jishi.cases import services
from jishi.cases.models import CaseEvent, Category
from jishi.cases.seed import load as load_categories

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _case(city, title: str):
    lng, lat = city.point_in("A1a1")
    return services.report_case(city.user("grid_worker"), channel="patrol", category_code="0101", title=title,
                                lng=lng, lat=lat)


def test_a_town_commander_supervises_a_selection_with_one_note(page, login_as, shot, city):
    load_categories(Category)  # the data migration's rows do not survive transactional tests
    town = city.user("town_commander")
    water, urban = city.departments["water"], city.departments["urban"]
    a = services.dispatch(town, services.accept(town, _case(city, "井盖缺失")), department=water)
    b = services.dispatch(town, services.accept(town, _case(city, "路灯不亮")), department=urban)
    c = services.accept(town, _case(city, "占道经营"))
    login_as("town_commander")
    page.goto("/cases/board/?tab=all")
    for case in (a, b):
        page.locator(f"#case-{case.pk} input[name=ids]").check()
    page.locator("#bulk-note").fill("本周五前办结并回复")
    shot("bulk-bar")
    page.get_by_test_id("bulk-supervise").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("将督办所选 2 件事件")
    expect(dialog).to_contain_text("本周五前办结并回复")
    expect(dialog).to_contain_text(water.name)
    expect(dialog).to_contain_text(urban.name)
    shot("bulk-confirm")
    page.get_by_test_id("confirm-cancel").click()
    expect(dialog).to_be_hidden()
    assert not CaseEvent.objects.filter(verb="supervise").exists()
    page.get_by_test_id("bulk-supervise").click()
    page.get_by_test_id("confirm-ok").click()
    expect(page.get_by_text("已督办 2 件")).to_be_visible()
    assert sorted(CaseEvent.objects.filter(verb="supervise").values_list("case_id", flat=True)) == sorted([a.pk, b.pk])
    assert not CaseEvent.objects.filter(verb="supervise", case=c).exists()
    assert not page.js_errors, page.js_errors


def test_bulk_supervise_with_nothing_ticked_says_so_and_sends_nothing(page, login_as, city):
    load_categories(Category)
    town = city.user("town_commander")
    services.accept(town, _case(city, "占道经营"))
    login_as("town_commander")
    page.goto("/cases/board/?tab=all")
    page.locator("#bulk-note").fill("快办")
    page.locator("#bulk-note").press("Enter")  # Enter in the note supervises, it never dispatches
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_contain_text("还没有勾选任何事件")
    expect(page.get_by_test_id("confirm-ok")).to_be_hidden()
    page.get_by_test_id("confirm-cancel").click()
    assert not CaseEvent.objects.filter(verb__in=["supervise", "dispatch"]).exists()
