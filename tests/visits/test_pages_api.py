"""The visit pages and /api/v1/visits: the same services and scope as the tests beside this one."""

from __future__ import annotations

import uuid
from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from jishi.visits import planning
from jishi.visits.models import VisitAssignment, VisitLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def rnd(village):
    today = timezone.localdate()
    return planning.create_round(village.city.user("village_cadre"), name="本季度", region=village.city.regions["A1"],
                                 starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=80))


def test_the_visitor_logs_a_visit_through_the_api_once_per_uuid(client, login, village, rnd):
    login("volunteer")
    a = VisitAssignment.objects.filter(visitor=village.city.people["volunteer"]).first()
    body = {"client_uuid": str(uuid.uuid4()), "household_id": a.household_id, "method": "phone",
            "concerns": ["想办理高龄补贴"], "people_met": 1}
    first = client.post("/api/v1/visits/logs", body, content_type="application/json")
    again = client.post("/api/v1/visits/logs", body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200), first.content
    assert first.json()["id"] == again.json()["id"] and VisitLog.objects.count() == 1
    concern = first.json()["concerns"][0]["id"]
    made = client.post(f"/api/v1/visits/concerns/{concern}/case", {}, content_type="application/json")
    assert made.status_code == 200 and made.json()["case_number"]
    mine = client.get("/api/v1/visits/assignments/mine", {"lat": a.household.lat, "lng": a.household.lng}).json()
    assert mine[0]["household_id"] == a.household_id and mine[0]["distance_m"] == 0
    bad = client.post("/api/v1/visits/logs", {**body, "client_uuid": str(uuid.uuid4()), "method": "fax"},
                      content_type="application/json")
    assert bad.status_code == 422 and bad["Content-Type"].startswith("application/problem+json")
    assert "走访方式" in bad.json()["detail"]


def test_coverage_api_is_scoped_and_out_of_scope_is_404(client, login, village, rnd):
    city = village.city
    login("village_cadre")
    cov = client.get("/api/v1/visits/coverage", {"region": city.regions["A1"].pk, "round": rnd.pk}).json()
    assert cov["total"]["households_target"] == VisitAssignment.objects.count()
    assert [c["name"] for c in cov["children"]] == ["A1a网格", "A1b网格"]
    assert client.get("/api/v1/visits/coverage", {"region": city.regions["A2"].pk}).status_code == 404


def test_pages_phone_list_log_form_and_desktop_coverage(client, login, village, rnd):
    city = village.city
    login("volunteer")
    page = client.get("/visits/mine/")
    assert page.status_code == 200 and "走访名单" in page.content.decode()
    a = VisitAssignment.objects.filter(visitor=city.people["volunteer"]).first()
    form = client.get(f"/visits/log/{a.household_id}/")
    assert form.status_code == 200
    done = client.post(f"/visits/log/{a.household_id}/", {"client_uuid": str(uuid.uuid4()), "method": "in_person",
                                                             "people_met": "2", "concerns": "路灯不亮\n"})
    assert done.status_code == 302 and VisitLog.objects.get().concerns.count() == 1
    assert client.get(f"/visits/log/{city.regions['A2'].pk}/").status_code == 404  # not a household of theirs
    assert client.get("/visits/rounds/").status_code == 404  # a volunteer plans nothing
    login("village_cadre")
    page = client.get(f"/visits/rounds/{rnd.pk}/")
    assert page.status_code == 200 and "A1a网格" in page.content.decode()
    xlsx = client.get(f"/visits/rounds/{rnd.pk}/ledger")
    ws = load_workbook(BytesIO(xlsx.content)).active
    assert ws["A1"].value == "户编号" and ws.max_row == 1 + VisitAssignment.objects.count()
    one = client.get(f"/visits/rounds/{rnd.pk}/ledger", {"region": city.regions["A1a1"].pk})
    row = list(load_workbook(BytesIO(one.content)).active.iter_rows(min_row=2, max_row=2, values_only=True))[0]
    assert row[2:6] == ("A镇", "A1村", "A1a网格", "A1a1微网格")  # the places above the region shown too
    assert client.get(f"/visits/rounds/{rnd.pk}/ledger", {"format": "print"}).status_code == 200
    login("town_commander_b")
    assert client.get(f"/visits/rounds/{rnd.pk}/").status_code == 404  # another town's village


def test_rounds_are_created_and_households_reassigned_through_the_api(client, login, village):
    city = village.city
    login("village_cadre")
    body = {"name": "2027年第一季度", "region_id": city.regions["A1"].pk, "starts_on": "2027-01-01",
            "ends_on": "2027-03-31"}
    made = client.post("/api/v1/visits/rounds", body, content_type="application/json")
    assert made.status_code == 201 and made.json()["assigned"] == VisitAssignment.objects.count() > 0
    rid = made.json()["id"]
    bad = client.post("/api/v1/visits/rounds", {**body, "ends_on": "2026-12-01"}, content_type="application/json")
    assert bad.status_code == 422 and "结束日期不能早于开始日期" in bad.json()["detail"]
    ids = list(VisitAssignment.objects.filter(round_id=rid, microgrid=city.regions["A1a2"]).values_list("pk", flat=True))
    moved = client.post(f"/api/v1/visits/rounds/{rid}/reassign",
                        {"assignments": ids, "visitor_id": city.people["grid_leader"].pk},
                        content_type="application/json")
    assert moved.status_code == 200 and moved.json() == {"reassigned": len(ids)}
    assert set(VisitAssignment.objects.filter(pk__in=ids).values_list("visitor_id", flat=True)) == {
        city.people["grid_leader"].pk}
    page = client.get(f"/api/v1/visits/rounds/{rid}/assignments", {"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    login("grid_worker")  # sees the assignments of the grid, plans nothing
    refused = client.post(f"/api/v1/visits/rounds/{rid}/reassign",
                          {"assignments": ids, "visitor_id": city.people["grid_worker"].pk},
                          content_type="application/json")
    assert refused.status_code == 404
    login("town_commander_b")  # another town's village: "does not exist" for them
    assert client.post("/api/v1/visits/rounds", body, content_type="application/json").status_code == 404
    login("grid_leader")  # sees the grid, plans nothing there
    grid = {**body, "region_id": city.regions["A1a"].pk}
    assert client.post("/api/v1/visits/rounds", grid, content_type="application/json").status_code == 403


def test_the_cockpit_shows_the_current_rounds_coverage_and_opens_it(client, login, village, rnd):
    city = village.city
    a = VisitAssignment.objects.filter(visitor=city.people["volunteer"]).first()
    from jishi.visits import logbook, queries

    logbook.log_visit(city.user("volunteer"), client_uuid=uuid.uuid4(), household_id=a.household_id, method="phone")
    login("village_cadre")
    html = client.get("/cockpit/", {"region": city.regions["A1"].pk}).content.decode()
    fresh = queries.recompute(city.regions["A1"], rnd)
    assert 'data-testid="kpi-visits"' in html and fresh.percent in html
    assert f"/visits/rounds/{rnd.pk}/?region={city.regions['A1'].pk}" in html


def test_the_cockpit_tile_speaks_of_the_round_that_runs_in_the_chosen_period(client, login, village):
    from jishi.visits import queries

    city, today = village.city, timezone.localdate()
    if (today.month, today.day) == (1, 1):
        pytest.skip("the day before today is in another year")
    past = planning.create_round(city.user("village_cadre"), name="上一轮", region=city.regions["A1"],
                                 starts_on=today - timedelta(days=120), ends_on=today - timedelta(days=1))
    assert queries.round_in(city.regions["A1"], today, today) is None
    assert queries.round_in(city.regions["A1a"], today - timedelta(days=30), today) == past  # a region below it
    login("village_cadre")
    assert 'data-testid="kpi-visits"' not in client.get("/cockpit/", {"region": city.regions["A1"].pk,
                                                                      "period": "today"}).content.decode()
    html = client.get("/cockpit/", {"region": city.regions["A1"].pk, "period": "year"}).content.decode()
    assert 'data-testid="kpi-visits"' in html and "上一轮" in html
