"""GET requests, requests/{id} and tokens/{id}: the spec's filters, inside the token user's data scope."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from jishi.cases import services as case_services
from jishi.cases.choices import Channel
from jishi.cases.models import Case
from jishi.open311 import services as open311
from jishi.platform import tokens
from tests.open311.conftest import BASE, error_of, xml_of

pytestmark = pytest.mark.django_db
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"]
UTC = ZoneInfo("UTC")


@pytest.fixture
def make_case(city, categories):
    """``make_case("A1a1", reported=datetime, category="0101")`` -> a case reported by the grid worker there."""

    def _make(where: str = "A1a1", *, reported: datetime | None = None, category: str = "0101",
              who: str = "grid_worker", title: str = "路边暴露垃圾") -> Case:
        lng, lat = city.point_in(where)
        case = case_services.report_case(city.user(who), channel=Channel.PATROL, category_code=category, title=title,
                                         lng=lng, lat=lat, address="A镇A1村1组附近")
        if reported is not None:
            Case.objects.filter(pk=case.pk).update(reported_at=reported)
            case.refresh_from_db()
        return case

    return _make


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["service_request_id"] for r in response.json()]


def test_the_spec_sample_get_requests_xml_with_dates_and_status_open(client, city, api_key, make_case):
    key = api_key("town_commander")
    in_window = make_case(reported=datetime(2010, 6, 1, 9, 30, tzinfo=UTC))
    closed = make_case(reported=datetime(2010, 6, 2, tzinfo=UTC))
    Case.objects.filter(pk=closed.pk).update(state="closed")
    make_case(reported=datetime(2010, 7, 1, tzinfo=UTC))  # after end_date
    make_case()  # today
    r = client.get(f"{BASE}/requests.xml?start_date=2010-05-24T00:00:00Z&end_date=2010-06-24T00:00:00Z"
                   f"&status=open&api_key={key}")
    assert r.status_code == 200
    root = xml_of(r)
    assert root.tag == "service_requests" and [c.tag for c in root] == ["request"]
    request = root[0]
    assert [c.tag for c in request] == REQUEST_FIELDS
    assert request.findtext("service_request_id") == in_window.number
    assert request.findtext("status") == "open" and request.findtext("status_notes") == "待立案"
    assert request.findtext("service_code") == "0101" and request.findtext("service_name") == "暴露垃圾"
    assert request.findtext("requested_datetime") == "2010-06-01T17:30:00+08:00"
    assert request.findtext("address_id") == city.regions["A1a1"].code
    assert float(request.findtext("lat")) == pytest.approx(in_window.lat)
    assert float(request.findtext("long")) == pytest.approx(in_window.lng)
    assert request.findtext("zipcode") == "" and request.findtext("media_url") == ""


def test_each_request_in_json_has_every_field_with_w3c_datetimes(client, city, api_key, make_case):
    case = make_case()
    [row] = client.get(f"{BASE}/requests.json", {"api_key": api_key("town_commander")}).json()
    assert list(row) == REQUEST_FIELDS
    assert row["service_request_id"] == case.number and row["status"] == "open"
    assert row["description"] == "路边暴露垃圾"  # no description: the title
    for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert row[field].endswith("+08:00")
        assert datetime.fromisoformat(row[field]) == getattr(case, {"requested_datetime": "reported_at",
                                                                     "updated_datetime": "updated_at",
                                                                     "expected_datetime": "handle_due_at"}[field]
                                                              ).replace(microsecond=0)
    assert row["lat"] == case.lat and row["long"] == case.lng and row["media_url"] is None
    assert row["agency_responsible"] == ""


def test_by_default_the_last_90_days_newest_first(client, api_key, make_case):
    now = timezone.now()
    old = make_case(reported=now - timedelta(days=91))
    recent = make_case(reported=now - timedelta(days=89))
    newest = make_case()
    assert numbers(client.get(f"{BASE}/requests.json", {"api_key": api_key("town_commander")})) == \
        [newest.number, recent.number]
    assert old.number not in numbers(client.get(f"{BASE}/requests.json", {"api_key": api_key("town_commander")}))


def test_at_most_1000_results(client, api_key, make_case, monkeypatch):
    monkeypatch.setattr(open311, "MAX_RESULTS", 2)
    made = [make_case() for _ in range(3)]
    assert numbers(client.get(f"{BASE}/requests.json", {"api_key": api_key("town_commander")})) == \
        [made[2].number, made[1].number]


def test_service_request_id_list_overrides_the_other_filters(client, api_key, make_case):
    a, b = make_case(reported=timezone.now() - timedelta(days=400)), make_case(category="0502")
    make_case()
    r = client.get(f"{BASE}/requests.json", {"api_key": api_key("town_commander"), "status": "closed",
                                             "service_request_id": f"{a.number},{b.number},nope"})
    assert sorted(numbers(r)) == sorted([a.number, b.number])


def test_service_code_and_status_filters(client, api_key, make_case):
    litter, lamp = make_case(category="0101"), make_case(category="0502")
    closed = make_case(category="0502")
    Case.objects.filter(pk=closed.pk).update(state="rejected")
    key = api_key("town_commander")
    assert numbers(client.get(f"{BASE}/requests.json", {"api_key": key, "service_code": "0502"})) == \
        [closed.number, lamp.number]
    assert numbers(client.get(f"{BASE}/requests.json", {"api_key": key, "service_code": "0101,0502",
                                                        "status": "open"})) == [lamp.number, litter.number]
    assert numbers(client.get(f"{BASE}/requests.json", {"api_key": key, "status": "closed"})) == [closed.number]
    assert len(numbers(client.get(f"{BASE}/requests.json", {"api_key": key, "status": "open,closed"}))) == 3


def test_a_start_date_alone_runs_90_days_and_a_date_without_time_is_local(client, api_key, make_case):
    inside = make_case(reported=datetime(2026, 3, 1, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
    make_case(reported=datetime(2026, 2, 28, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert numbers(client.get(f"{BASE}/requests.json", {"api_key": api_key("town_commander"),
                                                        "start_date": "2026-03-01"})) == [inside.number]


@pytest.mark.parametrize("params, words", [
    ({"start_date": "yesterday"}, "start_date 不是 W3C 日期时间"),
    ({"end_date": "2026-13-45T00:00:00Z"}, "end_date 不是 W3C 日期时间"),
    ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "不能超过 90 天"),
    ({"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, "end_date 早于 start_date"),
    ({"status": "pending"}, "status 只能是 open 或 closed"),
])
def test_bad_filters_are_400(client, api_key, make_case, params, words):
    r = client.get(f"{BASE}/requests.json", {"api_key": api_key("town_commander"), **params})
    assert r.status_code == 400 and words in error_of(r)[1]


# --- access and scope --------------------------------------------------------------------------

def test_reading_needs_an_api_key_with_cases_read_when_public_reads_are_off(client, api_key, make_case, settings):
    settings.JISHI_OPEN311_PUBLIC_READS = False
    case = make_case()
    for path in ("requests.json", f"requests/{case.number}.json"):
        assert client.get(f"{BASE}/{path}").status_code == 403
        r = client.get(f"{BASE}/{path}", {"api_key": api_key("town_commander", ["cases:write"])})
        assert r.status_code == 403 and "cases:read" in error_of(r)[1]


def test_another_towns_user_neither_lists_nor_opens_the_case(client, api_key, make_case):
    case = make_case("A1a1")
    other_town = make_case("B1a1", who="grid_worker_b")
    key_b = api_key("town_commander_b")
    assert numbers(client.get(f"{BASE}/requests.json", {"api_key": key_b})) == [other_town.number]
    r = client.get(f"{BASE}/requests/{case.number}.xml", {"api_key": key_b})
    assert r.status_code == 404 and error_of(r, "xml")[0] == 404
    assert numbers(client.get(f"{BASE}/requests.json", {"api_key": key_b, "service_request_id": case.number})) == []
    assert client.get(f"{BASE}/tokens/{case.number}.json", {"api_key": key_b}).status_code == 404
    # the case's own town sees it
    key_a = api_key("town_commander")
    assert numbers(client.get(f"{BASE}/requests/{case.number}.json", {"api_key": key_a})) == [case.number]


def test_a_user_with_no_post_sees_only_what_they_reported(client, api_key, make_case, report_form):
    make_case()
    key = api_key("nobody")
    mine = client.post(f"{BASE}/requests.json", report_form(key)).json()[0]["service_request_id"]
    assert numbers(client.get(f"{BASE}/requests.json", {"api_key": key})) == [mine]


def test_a_single_request_is_a_one_item_list(client, api_key, make_case):
    case = make_case()
    r = client.get(f"{BASE}/requests/{case.number}.json", {"api_key": api_key("grid_worker")})
    assert len(r.json()) == 1 and r.json()[0]["service_request_id"] == case.number
    root = xml_of(client.get(f"{BASE}/requests/{case.number}.xml", {"api_key": api_key("grid_worker")}))
    assert root.tag == "service_requests" and len(root) == 1 and root[0].tag == "request"
    assert client.get(f"{BASE}/requests/20991231999.json", {"api_key": api_key("grid_worker")}).status_code == 404


def test_a_token_maps_to_its_service_request_id(client, api_key, report_form):
    key = api_key("nobody")
    number = client.post(f"{BASE}/requests.json", report_form(key), HTTP_IDEMPOTENCY_KEY="app-7").json()[0][
        "service_request_id"]
    for token in (number, "app-7"):
        assert client.get(f"{BASE}/tokens/{token}.json", {"api_key": key}).json() == \
            [{"token": token, "service_request_id": number}]
    root = xml_of(client.get(f"{BASE}/tokens/app-7.xml", {"api_key": key}))
    assert root.tag == "service_requests" and [c.tag for c in root[0]] == ["token", "service_request_id"]
    assert root.findtext("request/service_request_id") == number
    # another account's key cannot use that client's Idempotency-Key as a token
    assert client.get(f"{BASE}/tokens/app-7.json", {"api_key": api_key("informant")}).status_code == 404


def test_text_with_markup_and_control_characters_is_escaped_in_xml(client, api_key, report_form):
    key = api_key("nobody")
    client.post(f"{BASE}/requests.json", report_form(key, description="<b>井盖</b> & \x01“缺失”"))
    root = xml_of(client.get(f"{BASE}/requests.xml", {"api_key": key}))
    assert root.findtext("request/description") == "<b>井盖</b> & “缺失”"


def test_the_list_costs_the_same_queries_for_one_request_or_many(client, api_key, make_case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    key = api_key("town_commander")
    make_case()
    client.get(f"{BASE}/requests.json", {"api_key": key})  # warm: token last-used, rate window
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(f"{BASE}/requests.json", {"api_key": key}).json()) == 1
    for _ in range(4):
        make_case(category="0502")
    with CaptureQueriesContext(connection) as five:
        assert len(client.get(f"{BASE}/requests.json", {"api_key": key}).json()) == 5
    assert len(five) == len(one)


def test_an_offset_whose_plus_arrived_as_a_space_is_still_understood(client, api_key, make_case):
    inside = make_case(reported=datetime(2026, 3, 1, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
    make_case(reported=datetime(2026, 2, 28, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
    key = api_key("town_commander")
    url = f"{BASE}/requests.json?api_key={key}&start_date=2026-03-01T00:00:00+08:00&end_date=2026-03-02T00:00:00+08:00"
    assert numbers(client.get(url)) == [inside.number]


def test_an_app_account_without_a_person_record_reads_exactly_the_requests_it_submitted(client, city, categories,
                                                                                       report_form, make_case):
    app = get_user_model().objects.create_user("citizens_app", password="x" * 16)
    _, key = tokens.create_token(None, app, "市民 App", ["cases:read", "cases:write"])
    make_case()  # someone else's
    sent = client.post(f"{BASE}/requests.json", {**report_form("nobody"), "api_key": key})
    assert sent.status_code == 201
    listed = client.get(f"{BASE}/requests.json", {"api_key": key}).json()
    assert [r["service_request_id"] for r in listed] == [sent.json()[0]["service_request_id"]]


def test_the_list_reads_only_the_columns_a_request_shows(client, api_key, make_case):
    """A list of 1,000 once read five regions' whole rows a case, boundary polygons included (issue 16)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    key = api_key("town_commander")
    make_case()
    with CaptureQueriesContext(connection) as ctx:
        assert len(client.get(f"{BASE}/requests.json", {"api_key": key}).json()) == 1
    [listing] = [q["sql"] for q in ctx.captured_queries if "cases_case" in q["sql"] and "LIMIT" in q["sql"]]
    assert "boundary" not in listing and "attributes" not in listing and "reporter_phone" not in listing
