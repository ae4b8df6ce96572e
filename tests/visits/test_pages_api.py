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
    assert client.get(f"/visits/rounds/{rnd.pk}/ledger", {"format": "print"}).status_code == 200
    login("town_commander_b")
    assert client.get(f"/visits/rounds/{rnd.pk}/").status_code == 404  # another town's village
