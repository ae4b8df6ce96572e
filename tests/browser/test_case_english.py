"""The case pages in English (1440 px): the case page's action buttons and timeline verbs, the board's row
actions and bulk bar, and the department inbox's buttons are English; the row's dispatch list names departments
in full, as the bulk dispatch does."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jishi.cases import services
from jishi.cases.models import Category
from jishi.cases.seed import load as load_categories

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _case(city, title: str):
    lng, lat = city.point_in("A1a1")
    return services.report_case(city.user("grid_worker"), channel="patrol", category_code="0101", title=title,
                                lng=lng, lat=lat)


def english(page) -> None:
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_case_page_board_and_inbox_speak_english(page, login_as, shot, city):
    load_categories(Category)  # the data migration's rows do not survive transactional tests
    town = city.user("town_commander")
    urban = city.departments["urban"]
    case = services.dispatch(town, services.accept(town, _case(city, "井盖缺失")), department=urban)
    services.supervise(town, case, note="today please")
    to_dispatch = services.accept(town, _case(city, "路灯不亮"))

    login_as("town_commander")
    page.goto(f"/cases/{case.pk}/")
    english(page)
    actions = page.locator("form[data-verb]")
    expect(page.locator('form[data-verb="supervise"] button[type=submit]')).to_have_text("Supervise")
    expect(page.locator('form[data-verb="suspend"] button[type=submit]')).to_have_text("Suspend")
    timeline = page.locator("#timeline")
    for verb in ("Reported", "Accepted", "Dispatched", "Supervised"):
        expect(timeline).to_contain_text(verb)
    for chinese in ("督办", "挂起", "派遣", "立案", "上报"):
        for form in actions.all():
            expect(form.locator("h3")).not_to_contain_text(chinese)
        expect(timeline.locator("strong")).not_to_contain_text([chinese] * timeline.locator("strong").count())
    expect(page.get_by_test_id("case-state")).to_have_text("Dispatched")
    shot("case-en")

    page.goto("/cases/board/?tab=all")
    row = page.locator(f"#case-{to_dispatch.pk}")
    expect(row.get_by_role("button", name="Dispatch")).to_be_visible()
    options = row.locator("select[name=target] option")
    expect(options.filter(has_text=urban.name)).to_have_count(1)  # the full name, as the bulk dispatch shows
    expect(page.get_by_test_id("bulk-supervise")).to_have_text("Supervise selected")
    shot("board-en")

    page.context.clear_cookies()  # sign out (and the language with it)
    login_as("dept_urban")
    page.goto("/cases/dept/")
    english(page)
    item = page.locator(f"#case-{case.pk}")
    expect(item.get_by_role("button", name="Acknowledge")).to_be_visible()
    shot("inbox-en")
    assert not page.js_errors, page.js_errors
