"""A whistled case (吹哨) waits for 报到, not 签收: its lists, page and API say 待报到 where the button says 报到,
and 报到 takes an optional note (bounded like every note) that is kept on the timeline."""

from __future__ import annotations

import json

from django.test import Client

from jishi.cases import services
from jishi.cases.models import CaseEvent
from jishi.core import limits
from jishi.platform import tokens
from tests.cases_pages.conftest import advance


def _whistled(city, make_case, title="联合执法"):
    town = city.user("town_commander")
    case = services.accept(town, make_case(title))
    return services.whistle(town, case, departments=[city.departments["urban"], city.departments["water"]],
                            lead=city.departments["urban"], reason="需多部门")


def test_the_whistled_lead_sees_awaiting_report_in_where_the_button_says_report_in(client, login, city, make_case):
    case = _whistled(city, make_case)
    dispatched = advance(make_case("普通派遣"), city, "dispatched")
    login("dept_urban")
    html = client.get("/cases/dept/?tab=whistled").content.decode()
    row = html[html.index(f'id="case-{case.pk}"'):]
    row = row[:row.index("</li>")]
    assert "待报到" in row and "待签收" not in row and ">报到</button>" in row
    assert "报到时限" in row and "签收时限" not in row
    assert 'name="note" maxlength="2000"' in row and "报到说明" in row
    plain = client.get("/cases/dept/?tab=to_ack").content.decode()
    assert dispatched.title in plain and "待签收" in plain  # a case dispatched as usual still waits for 签收
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="case-state">待报到<' in page and "报到说明（选填）" in page


def test_the_board_says_awaiting_report_in_until_the_lead_reports_in(client, login, city, make_case):
    case = _whistled(city, make_case)
    login("town_commander")
    assert "待报到" in client.get("/cases/board/?tab=all").content.decode()
    services.report_in(city.user("dept_urban"), case)
    html = client.get("/cases/board/?tab=all").content.decode()
    assert "待报到" not in html and "处置中" in html


def test_report_in_from_the_inbox_keeps_the_note_on_the_timeline(client, login, city, make_case):
    case = _whistled(city, make_case)
    login("dept_urban")
    html = client.post(f"/cases/{case.pk}/do/report_in/", {"ui": "item", "note": "城管中队两人已到场，联系人张队"},
                       HTTP_HX_REQUEST="true").content.decode()
    assert "已报到" in html
    event = CaseEvent.objects.get(case=case, verb="report_in")
    assert event.note == "城管中队两人已到场，联系人张队" and event.department == city.departments["urban"]
    assert "城管中队两人已到场" in client.get(f"/cases/{case.pk}/").content.decode()


def test_report_in_without_a_note_still_reports_in_and_a_too_long_note_is_refused(client, login, city, make_case):
    case = _whistled(city, make_case)
    login("dept_water")
    resp = client.post(f"/cases/{case.pk}/do/report_in/", {"note": "长" * (limits.NOTE + 1)}, follow=True)
    assert f"过长：最多 {limits.NOTE} 个字符" in resp.content.decode()
    assert not CaseEvent.objects.filter(case=case, verb="report_in").exists()
    client.post(f"/cases/{case.pk}/do/report_in/", {"note": ""})
    assert CaseEvent.objects.get(case=case, verb="report_in").note == ""


def test_the_api_says_awaiting_report_in_and_keeps_the_note(city, make_case):
    case = _whistled(city, make_case)
    _, text = tokens.create_token(None, city.user("dept_urban"), "t", list(tokens.SCOPES))
    api = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    assert api.get(f"/api/v1/cases/{case.pk}").json()["state_label"] == "待报到"
    listed = {c["id"]: c for c in api.get("/api/v1/cases").json()["items"]}
    assert listed[case.pk]["state_label"] == "待报到"
    too_long = api.post(f"/api/v1/cases/{case.pk}/report_in", json.dumps({"note": "长" * (limits.NOTE + 1)}),
                        content_type="application/json")
    assert too_long.status_code == 422
    r = api.post(f"/api/v1/cases/{case.pk}/report_in", json.dumps({"note": "已到场"}), content_type="application/json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["state"] == "in_progress" and body["state_label"] == "处置中"
    assert body["timeline"][-1]["verb"] == "report_in" and body["timeline"][-1]["note"] == "已到场"
