"""POST requests.{json,xml}: the spec's form body becomes a Jishi case reported through the intake service."""

from __future__ import annotations

import pytest
from django.test import Client

from jishi.cases.choices import Channel, State
from jishi.cases.models import Case
from jishi.open311.models import Submission
from jishi.platform import tokens
from tests.open311.conftest import BASE, error_of, xml_of

pytestmark = pytest.mark.django_db
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200


def test_the_spec_sample_post_reports_a_case_located_in_its_grid(client, city, api_key, report_form):
    r = client.post(f"{BASE}/requests.json", report_form(api_key("nobody")))
    assert r.status_code == 201 and r["Content-Type"] == "application/json"
    [answer] = r.json()
    case = Case.objects.get()
    assert answer == {"service_request_id": case.number, "service_notice": "突发事件/路面塌陷：6 小时内处置",
                      "account_id": "123456"}
    assert case.channel == Channel.RESIDENT and case.state == State.REPORTED
    assert case.category.code == "0403" and case.microgrid == city.regions["A1a1"] and case.grid == city.regions["A1a"]
    assert case.title == "A large sinkhole is destroying the street"
    assert case.description == "A large sinkhole is destroying the street"
    assert case.address == "1234 5th street"
    assert (case.reporter_name, case.reporter_phone) == ("john smith", "111111111")
    assert case.reporter_user == city.user("nobody")
    assert case.events.get().verb == "report"
    sub = Submission.objects.get(case=case)  # nothing the client sent is lost
    assert (sub.email, sub.device_id, sub.account_id, sub.jurisdiction_id) == ("smit333@sfgov.edu", "tt222111", "123456", "jishi")
    assert sub.media_url == "http://mysite.com/images/hole.jpg"
    assert sub.attributes == {"WHISETN": ["123", "124"], "SHOESIZE": ["10"]}
    assert sub.api_token.user == city.user("nobody")


def test_post_answers_in_xml_as_the_spec_shows(client, api_key, report_form):
    r = client.post(f"{BASE}/requests.xml", report_form(api_key("nobody"), account_id=None))
    assert r.status_code == 201
    root = xml_of(r)
    assert root.tag == "service_requests" and [c.tag for c in root] == ["request"]
    assert [c.tag for c in root[0]] == ["service_request_id", "service_notice", "account_id"]
    assert root.findtext("request/service_request_id") == Case.objects.get().number
    assert root.findtext("request/account_id") == ""


def test_chinese_names_are_kept_surname_first(client, api_key, report_form):
    client.post(f"{BASE}/requests.json", report_form(api_key("nobody"), first_name="小明", last_name="王",
                                                     phone="13912345678"))
    assert Case.objects.values_list("reporter_name", "reporter_phone").get() == ("王小明", "13912345678")


def test_a_grid_region_code_as_address_id_places_the_case_without_coordinates(client, city, api_key, report_form):
    form = report_form(api_key("nobody"), lat=None, long=None, address_id=city.regions["B1a"].code)
    assert client.post(f"{BASE}/requests.json", form).status_code == 201
    case = Case.objects.get()
    assert case.grid == city.regions["B1a"] and case.lat is None


def test_a_photo_sent_as_media_is_stored_with_the_case(client, api_key, report_form):
    from django.core.files.uploadedfile import SimpleUploadedFile

    form = report_form(api_key("nobody"), media=SimpleUploadedFile("hole.jpg", JPEG, content_type="image/jpeg"))
    assert client.post(f"{BASE}/requests.json", form).status_code == 201
    assert Case.objects.get().attachments.count() == 1


def test_post_needs_no_csrf_token(city, api_key, report_form):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"{BASE}/requests.json", report_form(api_key("nobody"))).status_code == 201


def test_a_retry_with_the_same_idempotency_key_returns_the_same_request(client, api_key, report_form):
    form = report_form(api_key("nobody"))
    first = client.post(f"{BASE}/requests.json", form, HTTP_IDEMPOTENCY_KEY="app-42")
    again = client.post(f"{BASE}/requests.json", form, HTTP_IDEMPOTENCY_KEY="app-42")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Case.objects.count() == 1 and Submission.objects.count() == 1


# --- refusals ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_without_api_key_the_post_is_refused_403(client, report_form, categories, city, fmt):
    r = client.post(f"{BASE}/requests.{fmt}", report_form(""))
    assert r.status_code == 403
    assert error_of(r, fmt) == (403, "缺少 api_key：请使用基石接口令牌（jsk_…）")
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_revoked_api_key_is_refused_403_with_an_error_body(client, city, api_key, report_form, fmt):
    key = api_key("nobody")
    tokens.revoke_token(None, tokens.authenticate(key, "127.0.0.1").pk)
    r = client.post(f"{BASE}/requests.{fmt}", report_form(key))
    assert r.status_code == 403
    assert error_of(r, fmt) == (403, "api_key 无效：令牌已吊销")
    assert not Case.objects.exists()


def test_a_made_up_api_key_is_refused_403(client, report_form, categories, city):
    r = client.post(f"{BASE}/requests.json", report_form("xyz"))
    assert r.status_code == 403 and error_of(r)[1] == "api_key 无效：令牌格式不正确"


def test_an_api_key_without_cases_write_may_not_report(client, api_key, report_form):
    r = client.post(f"{BASE}/requests.json", report_form(api_key("nobody", ["cases:read"])))
    assert r.status_code == 403
    assert "cases:write" in error_of(r)[1]
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_point_outside_the_city_is_400_with_a_clear_description(client, api_key, report_form, fmt):
    # A point in China but outside every grid of the city (the test city lies near 120.2E 31.8N).
    r = client.post(f"{BASE}/requests.{fmt}", report_form(api_key("nobody"), lat="31.2304", long="121.4737"))
    assert r.status_code == 400
    code, description = error_of(r, fmt)
    assert code == 400
    assert "lat=31.2304, long=121.4737" in description and "不在" in description and "网格" in description
    assert not Case.objects.exists() and not Submission.objects.exists()


def test_swapped_coordinates_are_400(client, api_key, report_form, city):
    lng, lat = city.point_in("A1a1")
    r = client.post(f"{BASE}/requests.json", report_form(api_key("nobody"), lat=f"{lng}", long=f"{lat}"))
    assert r.status_code == 400 and "写反" in error_of(r)[1]


@pytest.mark.parametrize("overrides, words", [
    ({"lat": None, "long": None, "address_string": None}, "缺少位置"),
    ({"lat": None, "long": None}, "仅凭 address_string 无法定位"),
    ({"long": None}, "lat 和 long 须同时提供"),
    ({"lat": "north", "long": "120.2"}, "lat/long 必须是十进制度数"),
    ({"lat": "nan", "long": "nan"}, "有限数字"),
    ({"lat": None, "long": None, "address_id": "999999"}, "address_id“999999”不是本市的区域编码"),
    ({"service_code": None}, "缺少 service_code"),
    ({"email": "not-an-address"}, "email 格式不正确"),
    ({"media_url": "javascript:alert(1)"}, "media_url 须为 http(s) 链接"),
    ({"phone": "1" * 21}, "phone 过长"),
])
def test_missing_or_invalid_fields_are_400_and_nothing_is_made(client, api_key, report_form, overrides, words):
    r = client.post(f"{BASE}/requests.json", report_form(api_key("nobody"), **overrides))
    assert r.status_code == 400
    code, description = error_of(r)
    assert code == 400 and words in description
    assert not Case.objects.exists()


def test_an_unknown_service_code_is_404(client, api_key, report_form):
    r = client.post(f"{BASE}/requests.xml", report_form(api_key("nobody"), service_code="001"))
    assert r.status_code == 404 and error_of(r, "xml") == (404, "service_code“001”不存在或已停用")


def test_another_jurisdiction_is_404(client, api_key, report_form):
    r = client.post(f"{BASE}/requests.json", report_form(api_key("nobody"), jurisdiction_id="city.gov"))
    assert r.status_code == 404 and "city.gov" in error_of(r)[1]
    assert not Case.objects.exists()
