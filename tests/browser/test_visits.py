"""A visitor's day on a 390 px phone: the list nearest first, three visits logged (one written without signal
and sent later exactly once), a concern made a case and a micro-wish in one tap each; then the cadre's coverage on a desktop,
drilled down to the households behind the figures."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jishi.cases.models import Case
from jishi.visits import logbook, planning, queries
from jishi.visits.models import VisitAssignment, VisitConcern, VisitLog
from tests.visits.conftest import village  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200


@pytest.fixture
def rnd(village):  # noqa: F811
    city = village.city
    today = timezone.localdate()
    r = planning.create_round(city.user("village_cadre"), name="2026年第四季度", region=city.regions["A1"],
                              starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=80))
    theirs = list(VisitAssignment.objects.filter(round=r, microgrid__in=[city.regions["A1a1"], city.regions["A1a2"]]))
    planning.reassign(city.user("village_cadre"), theirs, city.people["volunteer"].pk)
    return r


def order_on_page(page) -> list[int]:
    return [int(x) for x in page.locator(".visit-item").evaluate_all("els => els.map(e => e.dataset.household)")]


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_visitors_day_on_a_phone(page, login_as, live_server, shot, village, rnd):  # noqa: F811
    hh = village.households
    here = hh["A1a2-3"]
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": here.lat, "longitude": here.lng + 0.0001})
    login_as("volunteer")

    # 1. The list, nearest first (the phone's position reloads it sorted).
    page.goto("/visits/mine/")
    page.wait_for_url("**lat=**")
    order = order_on_page(page)
    assert order[0] == here.pk and len(order) == 8
    mine = {a.household_id: a.household for a in VisitAssignment.objects.filter(round=rnd, visitor=village.city.people["volunteer"])}
    dist = [queries.distance_m(here.lat, here.lng + 0.0001, mine[h].lat, mine[h].lng) for h in order]
    assert dist == sorted(dist)
    shot("1-list-nearest-first")

    # 2. First visit, in person, with a photo and a concern.
    page.locator(".visit-item a").first.click()
    page.get_by_label("入户").check()
    page.get_by_label("情况记录").fill("独居老人，身体尚可")
    page.get_by_label("群众诉求（每行一条）").fill("楼道灯坏了，晚上看不见")
    page.set_input_files("#photo", files=[{"name": "door.jpg", "mimeType": "image/jpeg", "buffer": JPEG}])
    expect(page.locator("#geo-state")).to_have_text("已定位")
    shot("2-log-form")
    page.get_by_role("button", name="保存走访").click()
    page.wait_for_url("**/visits/mine/**")
    assert VisitLog.objects.count() == 1

    # 3. Second visit written without signal: kept on the phone.
    page.locator(".visit-item:not(.done) a").first.click()
    second_household = int(page.locator("#visit-form").get_attribute("data-household"))
    page.context.set_offline(True)
    page.get_by_label("电话").check()
    page.get_by_label("情况记录").fill("电话联系，家中无事")
    page.get_by_role("button", name="保存走访").click()
    expect(page.locator("#outbox")).to_contain_text("已保存在手机上")
    queued = page.evaluate("JSON.parse(localStorage.getItem('jishi.visits.outbox'))")
    assert len(queued) == 1 and VisitLog.objects.count() == 1
    shot("3-offline-kept")

    # 4. Signal again: sent, once; sending the same visit again changes nothing.
    page.context.set_offline(False)
    expect(page.locator("#outbox")).to_contain_text("已发送 1 条")
    assert VisitLog.objects.filter(household_id=second_household, method="phone").count() == 1
    status = page.evaluate("""(item) => fetch(document.getElementById('outbox').dataset.api, {method: 'POST',
        credentials: 'same-origin', headers: {'Content-Type': 'application/json',
        'X-CSRFToken': document.getElementById('outbox').dataset.csrf}, body: JSON.stringify(item)}).then(r => r.status)""",
                           queued[0])
    assert status == 200 and VisitLog.objects.count() == 2
    assert str(VisitLog.objects.get(household_id=second_household).client_uuid) == queued[0]["client_uuid"]

    # 5. Third visit, online.
    page.goto("/visits/mine/")
    page.locator(".visit-item:not(.done) a").first.click()
    page.get_by_label("网络").check()
    page.get_by_role("button", name="保存走访").click()
    page.wait_for_url("**/visits/mine/**")
    assert VisitLog.objects.count() == 3 and page.locator(".visit-item.done").count() == 3
    assert set(VisitLog.objects.values_list("method", flat=True)) == {"in_person", "phone", "online"}

    # 6. The concern becomes a case in one tap (the household is in A1a2, outside the volunteer's own micro-grid:
    # a case, not a wish, which engage lets staff post only in their region; the needs list is the village's).
    expect(page.locator(".concern-actions button")).to_have_text(["转为事件"])
    page.get_by_role("button", name="转为事件").click()
    expect(page.locator(".messages")).to_contain_text("已转为事件")
    concern = VisitConcern.objects.get()  # the one so far
    case = Case.objects.get()
    assert concern.case == case and case.channel == "visit" and "楼道灯坏了" in case.title
    expect(page.locator("#my-logs")).to_contain_text(case.number)
    shot("6-concern-made-a-case")

    # 7. A concern in the volunteer's own micro-grid becomes a micro-wish in one tap, linked back with its state.
    own = hh["A1a1-1"]
    logbook.log_visit(village.city.user("volunteer"), client_uuid=uuid.uuid4(), household_id=own.pk,
                      method="phone", concerns=["老人想要一台助行器"])
    page.goto("/visits/mine/")
    wishing = page.locator(".concern", has_text="助行器")
    expect(wishing.locator("button")).to_have_text(["转为事件", "转为微心愿"])
    wishing.scroll_into_view_if_needed()
    shot("7-concern-buttons")
    wishing.get_by_role("button", name="转为微心愿").click()
    expect(page.locator(".messages")).to_contain_text("已转为微心愿")
    made = VisitConcern.objects.get(text="老人想要一台助行器")
    assert made.wish.source == "visit" and made.wish.microgrid_id == own.microgrid_id
    expect(page.get_by_test_id("concern-wish")).to_contain_text(f"{made.wish.number} · 待审核")
    shot("7-concern-made-a-wish")
    assert not page.js_errors


def test_the_cadre_drills_coverage_down_to_the_households(page, login_as, live_server, shot, village, rnd):  # noqa: F811
    from jishi.visits import logbook

    city = village.city
    for key in ("A1a1-1", "A1a1-2", "A1a2-1"):
        logbook.log_visit(city.user("volunteer"), client_uuid=uuid.uuid4(), household_id=village.households[key].pk,
                          method="in_person")
    logbook.log_visit(city.user("volunteer"), client_uuid=uuid.uuid4(), household_id=village.households["A1a1-1"].pk,
                      method="phone")
    login_as("village_cadre")
    page.goto(f"/visits/rounds/{rnd.pk}/")
    fresh = queries.recompute(city.regions["A1"], rnd)
    expect(page.locator("#hh-visited")).to_have_text(str(fresh.households_visited))
    expect(page.locator("#visits")).to_have_text(str(fresh.visits))
    expect(page.locator("#visit-map")).to_have_attribute("data-ready", "1")
    shot("1-village")
    page.locator("#children").get_by_role("link", name="A1a网格").click()
    expect(page.locator("h1")).to_contain_text("A1a网格")
    page.locator("#children tr", has_text="A1a1微网格").locator("td").nth(1).get_by_role("link").click()
    rows = page.locator("#household-list tbody tr")
    expect(rows).to_have_count(2)  # the two visited households of A1a1
    assert set(rows.evaluate_all("els => els.map(e => +e.dataset.household)")) == {
        village.households["A1a1-1"].pk, village.households["A1a1-2"].pk}
    shot("2-microgrid-visited")
    page.get_by_role("link", name="未走访").click()
    unvisited = queries.coverage(city.regions["A1a1"], rnd).total.households_unvisited
    expect(rows).to_have_count(unvisited)
    expect(page.locator(".hh-unvisited")).to_have_count(unvisited)
    page.get_by_role("link", name="打印台账").click()
    expect(page.locator("#ledger tbody tr")).to_have_count(queries.coverage(city.regions["A1a1"], rnd).total.households_target)
    shot("3-print-ledger")
    page.goto("/visits/rounds/")
    expect(page.locator("#rounds")).to_contain_text(fresh.percent)
    shot("4-rounds")
    assert not page.js_errors
