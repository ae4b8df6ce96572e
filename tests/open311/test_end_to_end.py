"""An Open311 client reports a sinkhole, the city handles it through the real case loop, and the client
follows it until it is closed."""

from __future__ import annotations

import pytest

from jishi.cases import services
from jishi.cases.models import Case
from tests.open311.conftest import BASE, xml_of

pytestmark = pytest.mark.django_db
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200


def test_report_through_open311_then_follow_it_after_the_department_handles_it(client, city, api_key, report_form):
    key = api_key("nobody")  # the citizens' app account: reports and follows its own reports
    number = client.post(f"{BASE}/requests.json", report_form(key)).json()[0]["service_request_id"]

    def follow() -> dict:
        [row] = client.get(f"{BASE}/requests/{number}.json", {"api_key": key}).json()
        return row

    row = follow()
    assert (row["status"], row["status_notes"], row["agency_responsible"]) == ("open", "待立案", "")
    assert row["media_url"] == "http://mysite.com/images/hole.jpg"

    case = Case.objects.get(number=number)
    commander, handler = city.user("town_commander"), city.user("dept_urban")
    case = services.accept(commander, case)
    case = services.dispatch(commander, case, department=city.departments["urban"])
    case = services.acknowledge(handler, case)
    row = follow()
    assert (row["status"], row["status_notes"], row["agency_responsible"]) == ("open", "处置中", "城市管理局")

    case = services.handle(handler, case, note="已填平坑洞并设置警示", files=[JPEG])
    assert follow()["status_notes"] == "待核查：已填平坑洞并设置警示"
    assert follow()["status"] == "open"  # handled is not yet closed: it waits for verification

    case = services.verify(city.user("grid_worker"), case, passed=True, note="现场已恢复")
    case = services.close(commander, case, note="群众反映问题已解决")
    row = follow()
    assert row["status"] == "closed" and row["status_notes"] == "已结案：群众反映问题已解决"
    assert row["updated_datetime"] >= row["requested_datetime"]

    closed = client.get(f"{BASE}/requests.xml", {"api_key": key, "status": "closed"})
    assert xml_of(closed).findtext("request/service_request_id") == number
    assert client.get(f"{BASE}/requests.json", {"api_key": key, "status": "open"}).json() == []
    # the department that handled it follows it too, through its own scope (its assignment)
    [dept_row] = client.get(f"{BASE}/requests/{number}.json", {"api_key": api_key("dept_urban")}).json()
    assert dept_row["status"] == "closed"


def test_a_rejected_report_is_closed_with_the_reason(client, city, api_key, report_form):
    key = api_key("nobody")
    number = client.post(f"{BASE}/requests.json", report_form(key)).json()[0]["service_request_id"]
    services.reject(city.user("town_commander"), Case.objects.get(number=number), reason="重复上报，已并入另一事件")
    [row] = client.get(f"{BASE}/requests/{number}.json", {"api_key": key}).json()
    assert row["status"] == "closed" and row["status_notes"] == "不予立案：重复上报，已并入另一事件"
