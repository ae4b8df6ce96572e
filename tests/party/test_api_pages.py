"""/api/v1/party and the party pages: the same services and scope as the service tests; problem+json errors;
out of scope 404; personal data masked for the employer."""

from __future__ import annotations

import pytest
from django.utils import timezone

from jishi.party import activities, reportin
from jishi.party.models import Registration, ServiceRecord
from tests.party.test_services import actor

pytestmark = pytest.mark.django_db
P = "/api/v1/party"
JSON = "application/json"


def test_report_in_through_the_api(client, login, city, member):
    login("member")
    r = client.post(f"{P}/registrations", {"community_id": city.regions["A1"].pk,
                                           "department_id": city.departments["urban"].pk}, content_type=JSON)
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    assert r.json()["phone"] == "13900000009"  # the member sees their own
    again = client.post(f"{P}/registrations", {"community_id": city.regions["A1"].pk, "employer": "x"},
                        content_type=JSON)
    assert again.status_code == 409 and again["Content-Type"].startswith("application/problem+json")
    assert client.post(f"{P}/registrations/{rid}/accept", content_type=JSON).status_code == 403
    login("town_commander_b")
    assert client.post(f"{P}/registrations/{rid}/accept", content_type=JSON).status_code == 404
    assert client.get(f"{P}/registrations/{rid}").status_code == 404
    login("village_cadre")
    assert client.post(f"{P}/registrations/{rid}/accept", content_type=JSON).json()["state"] == "accepted"
    item = client.post(f"{P}/service-items", {"community_id": city.regions["A1"].pk, "title": "文明劝导岗"},
                       content_type=JSON)
    assert item.status_code == 201
    login("member")
    assert client.post(f"{P}/registrations/{rid}/choices", {"item_id": item.json()["id"]},
                       content_type=JSON).status_code == 201
    bad = client.post(f"{P}/registrations/{rid}/records", {"date": str(timezone.localdate()), "hours": "30",
                                                           "content": "x"}, content_type=JSON)
    assert bad.status_code == 422 and not ServiceRecord.objects.exists()
    rec = client.post(f"{P}/registrations/{rid}/records", {"date": str(timezone.localdate()), "hours": "2",
                                                           "content": "文明劝导"}, content_type=JSON)
    assert rec.status_code == 201, rec.content
    login("village_cadre")
    assert client.post(f"{P}/records/{rec.json()['id']}/verify", content_type=JSON).json()["state"] == "verified"
    login("dept_urban")
    rows = client.get(f"{P}/registrations").json()["items"]
    assert [(x["id"], x["verified_hours"], x["phone"]) for x in rows] == [(rid, "2.0", "139****0009")]
    stats = client.get(f"{P}/registrations/stats").json()
    assert stats["totals"]["members"] == 1 and stats["by_unit"][0]["label"] == "城市管理局"
    login("dept_water")
    assert client.get(f"{P}/registrations").json()["items"] == []
    assert client.get(f"{P}/records/{rec.json()['id']}").status_code == 404


def test_activities_and_organisations_through_the_api(client, login, city, orgs):
    login("village_cadre")
    r = client.post(f"{P}/activities", {"org_id": orgs["A1a"].pk, "kind": "theme_day",
                                        "date": str(timezone.localdate()), "topic": "主题党日"}, content_type=JSON)
    assert r.status_code == 201, r.content
    aid = r.json()["id"]
    m = list(orgs["A1a"].members.values_list("id", flat=True))
    r = client.post(f"{P}/activities/{aid}/record", {"attendance": [
        {"person_id": m[0], "presence": "present"}, {"person_id": m[1], "presence": "excused", "reason": "病假"}]},
        content_type=JSON)
    assert r.status_code == 200 and (r.json()["present"], r.json()["expected"]) == (1, 3)
    assert client.post(f"{P}/activities/{aid}/cancel", {"reason": "x"}, content_type=JSON).status_code == 409
    roots = client.get(f"{P}/orgs").json()["items"]
    assert [(x["id"], x["members_total"], x["members_direct"]) for x in roots] == [(orgs["A1"].pk, 5, 0)]
    kids = client.get(f"{P}/orgs", {"parent": orgs["A1"].pk}).json()["items"]
    assert {x["id"]: x["members_total"] for x in kids} == {orgs["A1a"].pk: 3, orgs["A1b"].pk: 2}
    assert client.get(f"{P}/orgs/{orgs['B1'].pk}").status_code == 404
    bad = client.post(f"{P}/activities", {"org_id": orgs["B1a"].pk, "kind": "theme_day",
                                          "date": str(timezone.localdate()), "topic": "x"}, content_type=JSON)
    assert bad.status_code == 404
    assert client.get(f"{P}/activities").json()["items"][0]["id"] == aid


def test_the_pages_of_a_cadre(client, login, city, orgs, member):
    cadre = actor(city, "village_cadre")
    a = activities.schedule_activity(cadre, org=orgs["A1a"], kind="theme_day", date=timezone.localdate(), topic="学党章")
    login("village_cadre")
    page = client.get("/party/").content.decode()
    assert orgs["A1"].name in page and orgs["B1"].name not in page
    org_page = client.get(f"/party/orgs/{orgs['A1'].pk}/").content.decode()
    assert orgs["A1a"].name in org_page and "A1a党员0" in org_page
    assert client.get(f"/party/orgs/{orgs['B1'].pk}/").status_code == 404
    acts = client.get("/party/activities/").content.decode()
    assert "学党章" in acts and orgs["A1b"].name in acts  # A1b has no 主题党日 this month: on the reminder
    m = orgs["A1a"].members.order_by("id").first()
    r = client.post(f"/party/activities/{a.pk}/record", {f"m-{m.pk}": "excused", f"r-{m.pk}": ""})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.state == "scheduled"  # the excuse needed its reason: nothing changed
    client.post(f"/party/activities/{a.pk}/record", {f"m-{m.pk}": "present"})
    a.refresh_from_db()
    assert (a.state, a.present, a.absent, a.expected) == ("held", 1, 2, 3)  # a member not marked is absent
    assert client.get("/party/activities/new/").status_code == 200
    r = client.post("/party/activities/new/", {"org": orgs["A1a"].pk, "kind": "lecture", "date": "x", "topic": "t"})
    assert r.status_code == 422 and "活动日期" in r.content.decode()
    assert client.get("/party/activities/99999999/").status_code == 404
    # the region page: the village organisation's total, labelled
    region = client.get(f"/regions/{city.regions['A1'].pk}/").content.decode()
    assert "党员（含下级组织） 5" in region and "直属党员 0" in region


def test_the_report_in_pages(client, login, city, member):
    login("member")
    assert "我要报到" in client.get("/party/report-in/").content.decode()
    r = client.post("/party/report-in/new/", {"community": city.regions["A1"].pk,
                                              "department": city.departments["urban"].pk})
    assert r.status_code == 302
    reg = Registration.objects.get()
    login("town_commander_b")
    assert client.get(f"/party/report-in/{reg.pk}/").status_code == 404
    assert client.post(f"/party/report-in/{reg.pk}/accept").status_code == 404
    login("village_cadre")
    desk = client.get("/party/report-in/community/").content.decode()
    assert "陈党员" in desk
    client.post(f"/party/report-in/{reg.pk}/accept", {"next": "community"})
    reg.refresh_from_db()
    assert reg.state == "accepted"
    login("member")
    client.post(f"/party/report-in/{reg.pk}/serve", {"date": str(timezone.localdate()), "hours": "3",
                                                     "content": "楼道宣讲"})
    rec = ServiceRecord.objects.get()
    login("village_cadre")
    client.post(f"/party/records/{rec.pk}/verify")
    login("dept_urban")
    units = client.get("/party/report-in/units/").content.decode()
    assert "陈党员" in units and "139****0009" in units and "3.0" in units
    login("resident")
    assert client.get("/party/report-in/units/").status_code == 404
    assert client.get("/party/").status_code == 404
    assert reportin.registration_for(actor(city, "dept_urban"), reg.pk) == reg
