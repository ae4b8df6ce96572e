"""Open311 reads without an api_key (GeoReport v2: the key is "only needed for POST"): the spec's own example
calls answer for the whole city, and nothing in them identifies a person — no reporter, no phone or ID number,
no house number, no exact point. One setting turns them off; a key still reads its full scope."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jishi.cases import services as case_services
from jishi.cases.choices import Channel
from jishi.cases.models import Case
from jishi.core.models import AuditRecord
from jishi.open311.models import Submission
from jishi.open311.public import coarse, redact, road
from tests.open311.conftest import BASE, error_of, xml_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("steady_minute")]  # minute windows
UTC = ZoneInfo("UTC")
LAT, LNG = "31.80823456", "120.20741234"  # inside micro-grid A1a1 of the test city
DESCRIPTION = ("王小明反映：花山路18号门口路面塌陷约一米见方，联系电话 139 1234 5678，"
               "身份证 320281199001011234，邮箱 wang@example.com，住3栋502室")
PERSONAL = ["王小明", "小明", "13912345678", "139 1234 5678", "1234 5678", "320281199001011234",
            "wang@example.com", "18号", "18 号", "502室", "3栋", LAT, LNG, LAT[:7], LNG[:8], "31.8082", "120.2074",
            "tt222111", "123456", "A1a1微网格"]
FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
          "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
          "address", "address_id", "zipcode", "lat", "long", "media_url"]


@pytest.fixture
def reported(client, city, api_key, report_form):
    """A sinkhole reported through Open311 by a citizens' app, with every personal field the spec allows."""
    form = report_form(api_key("nobody"), lat=LAT, long=LNG, address_string="花山路 18 号对面",
                       description=DESCRIPTION, first_name="小明", last_name="王", phone="13912345678",
                       email="wang@example.com")
    r = client.post(f"{BASE}/requests.json", form)
    assert r.status_code == 201, r.content
    return Case.objects.get(number=r.json()[0]["service_request_id"])


def in_2010(case: Case, day: int = 1) -> Case:
    Case.objects.filter(pk=case.pk).update(reported_at=datetime(2010, 6, day, 9, 30, tzinfo=UTC))
    return case


def assert_nothing_personal(body: bytes) -> None:
    text = body.decode()
    leaked = [p for p in PERSONAL if p in text]
    assert not leaked, f"personal data in a public answer: {leaked}\n{text}"


# --- the spec's examples, without a key --------------------------------------------------------------

def test_the_spec_sample_calls_answer_without_a_key_and_show_nothing_personal(client, city, reported):
    in_2010(reported)
    closed = in_2010(case_services.report_case(city.user("grid_worker"), channel=Channel.PATROL,
                                               category_code="0502", title="路灯不亮", lng=120.2151, lat=31.8113,
                                               address="A镇A1村花山路7号旁"), day=2)
    Case.objects.filter(pk=closed.pk).update(state="closed")
    # GET services.xml
    services = xml_of(client.get(f"{BASE}/services.xml"))
    assert services.tag == "services" and services.find("service/service_code") is not None
    # GET requests.xml?start_date=2010-05-24T00:00:00Z&end_date=2010-06-24T00:00:00Z&status=open
    r = client.get(f"{BASE}/requests.xml?start_date=2010-05-24T00:00:00Z&end_date=2010-06-24T00:00:00Z&status=open")
    assert r.status_code == 200
    root = xml_of(r)
    assert [c.tag for c in root] == ["request"] and [c.tag for c in root[0]] == FIELDS
    assert root.findtext("request/service_request_id") == reported.number
    assert root.findtext("request/status") == "open" and root.findtext("request/service_code") == "0403"
    assert_nothing_personal(r.content)
    # GET requests/{id}.xml (the spec's requests/638344.xml)
    one = client.get(f"{BASE}/requests/{reported.number}.xml")
    assert one.status_code == 200 and xml_of(one).findtext("request/service_request_id") == reported.number
    assert_nothing_personal(one.content)
    # GET requests.json?service_request_id=638344,638364 — open and closed alike
    both = client.get(f"{BASE}/requests.json", {"service_request_id": f"{reported.number},{closed.number}"})
    assert sorted((r["service_request_id"], r["status"]) for r in both.json()) == \
        sorted([(reported.number, "open"), (closed.number, "closed")])
    assert_nothing_personal(both.content)
    assert "7号" not in both.content.decode()


def test_a_public_request_is_masked_field_by_field(client, city, reported):
    [row] = client.get(f"{BASE}/requests/{reported.number}.json").json()
    assert list(row) == FIELDS
    assert row["address"] == "A镇A1村A1a网格 花山路"  # the grid and the road, no house number, no free text
    assert row["address_id"] == city.regions["A1a"].code  # the grid, not the micro-grid
    assert (row["lat"], row["long"]) == (31.808, 120.207)  # ≈ 100 m
    assert row["description"].startswith("***反映：花山路***号门口路面塌陷约一米见方，联系电话 ***，身份证 ***，邮箱 ***")
    assert row["media_url"] is None  # the client's photo is not public until staff say so
    assert row["service_name"] == "路面塌陷" and row["status"] == "open"


def test_repeated_reads_give_the_same_coarse_point(client, reported):
    answers = {client.get(f"{BASE}/requests/{reported.number}.json").content for _ in range(3)}
    assert len(answers) == 1  # nothing random to average away


def test_with_a_key_the_caller_reads_its_full_scope_as_before(client, api_key, reported):
    [row] = client.get(f"{BASE}/requests/{reported.number}.json", {"api_key": api_key("town_commander")}).json()
    assert row["address"] == "花山路 18 号对面" and row["lat"] == float(LAT) and row["long"] == float(LNG)
    assert row["description"] == DESCRIPTION
    assert row["media_url"] == "http://mysite.com/images/hole.jpg"
    # and a key outside the case's town does not fall back to the public read
    r = client.get(f"{BASE}/requests/{reported.number}.json", {"api_key": api_key("town_commander_b")})
    assert r.status_code == 404
    assert client.get(f"{BASE}/requests.json", {"api_key": "jsk_00000000_nope"}).status_code == 403


def test_the_public_reads_cover_the_whole_city(client, city, reported):
    other_town = case_services.report_case(city.user("grid_worker_b"), channel=Channel.PATROL, category_code="0101",
                                           title="路边暴露垃圾", region_code=city.regions["B1a"].code)
    listed = [r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()]
    assert listed == [other_town.number, reported.number]


def test_services_about_persons_are_never_published(client, city, settings):
    lonely = case_services.report_case(city.user("grid_worker"), channel=Channel.PATROL, category_code="1102",
                                       title="独居老人关爱", region_code=city.regions["A1a"].code)
    dispute = case_services.report_case(city.user("grid_worker"), channel=Channel.PATROL, category_code="1001",
                                        title="邻里纠纷", region_code=city.regions["A1a"].code)
    assert client.get(f"{BASE}/requests.json").json() == []
    assert client.get(f"{BASE}/requests/{lonely.number}.json").status_code == 404
    r = client.get(f"{BASE}/requests.json", {"service_request_id": f"{lonely.number},{dispute.number}"})
    assert r.json() == []
    settings.JISHI_OPEN311_PUBLIC_EXCLUDE = ["1102"]  # a deployment's own list: the 小类 only
    assert [r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()] == [dispute.number]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_one_setting_switches_the_public_reads_off(client, reported, settings, fmt):
    settings.JISHI_OPEN311_PUBLIC_READS = False
    for path in (f"requests.{fmt}", f"requests/{reported.number}.{fmt}"):
        r = client.get(f"{BASE}/{path}")
        code, description = error_of(r, fmt)
        assert r.status_code == 403 and code == 403 and "不开放公开查询" in description
    assert client.get(f"{BASE}/services.{fmt}").status_code == 200  # the service list stays public, as before


def test_the_spec_filters_and_errors_hold_for_public_reads(client, reported):
    assert client.get(f"{BASE}/requests.json", {"status": "closed"}).json() == []
    assert len(client.get(f"{BASE}/requests.json", {"service_code": "0403", "status": "open"}).json()) == 1
    r = client.get(f"{BASE}/requests.json", {"status": "pending"})
    assert r.status_code == 400 and "status 只能是 open 或 closed" in error_of(r)[1]
    r = client.get(f"{BASE}/requests.xml", {"jurisdiction_id": "elsewhere.gov"})
    assert r.status_code == 404 and error_of(r, "xml")[0] == 404
    assert client.get(f"{BASE}/requests/20991231999.json").status_code == 404


# --- media only when marked public ------------------------------------------------------------------

def test_media_is_shown_only_after_staff_mark_it_public_in_the_admin(client, city, reported):
    sub = Submission.objects.get(case=reported)
    assert not sub.media_public
    client.force_login(city.user("admin"))
    r = client.post(reverse("admin:open311_submission_changelist"),
                    {"action": "make_media_public", "_selected_action": [sub.pk]})
    assert r.status_code == 302
    client.logout()
    [row] = client.get(f"{BASE}/requests/{reported.number}.json").json()
    assert row["media_url"] == "http://mysite.com/images/hole.jpg"
    assert AuditRecord.objects.filter(action="open311.media_public", object_id=str(sub.pk)).count() == 1
    client.force_login(city.user("admin"))
    client.post(reverse("admin:open311_submission_changelist"),
                {"action": "make_media_private", "_selected_action": [sub.pk]})
    client.logout()
    assert client.get(f"{BASE}/requests/{reported.number}.json").json()[0]["media_url"] is None


# --- cheap and rate-limited ------------------------------------------------------------------------

def test_anonymous_reads_are_rate_limited_per_address(client, reported, settings):
    settings.JISHI_OPEN311_PUBLIC_RATE_LIMIT = 2
    me = f"198.18.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    for _ in range(2):
        assert client.get(f"{BASE}/requests.json", REMOTE_ADDR=me).status_code == 200
    r = client.get(f"{BASE}/requests/{reported.number}.xml", REMOTE_ADDR=me)
    assert r.status_code == 429 and int(r["Retry-After"]) >= 1
    code, description = error_of(r, "xml")
    assert code == 429 and "每分钟最多 2 次" in description
    assert client.get(f"{BASE}/requests.json", REMOTE_ADDR="198.19.0.1").status_code == 200  # another caller


def test_a_repeat_read_is_revalidated_with_an_etag_until_a_case_changes(client, city, reported):
    first = client.get(f"{BASE}/requests.json")
    tag = first["ETag"]
    assert tag.startswith('W/"') and "public" in first["Cache-Control"]
    again = client.get(f"{BASE}/requests.json", HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again.content == b""
    case_services.report_case(city.user("grid_worker"), channel=Channel.PATROL, category_code="0101",
                              title="路边暴露垃圾", region_code=city.regions["A1b"].code)
    changed = client.get(f"{BASE}/requests.json", HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and len(changed.json()) == 2 and changed["ETag"] != tag


def test_one_query_of_cases_per_answer_however_many_requests(client, city, reported):
    def cases_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            n = len(client.get(f"{BASE}/requests.json").json())
        return n, sum(1 for q in captured if "cases_case" in q["sql"] and "MAX(" not in q["sql"])

    assert cases_queries() == (1, 1)
    for code in ("0101", "0502", "0603", "0901"):
        case_services.report_case(city.user("grid_worker"), channel=Channel.PATROL, category_code=code,
                                  title="巡查发现", region_code=city.regions["A1b"].code)
    assert cases_queries() == (5, 1)


# --- the rules themselves --------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("电话13912345678", "电话***"),
    ("电话 139-1234-5678 或 +86 139 1234 5678", "电话 *** 或 ***"),
    ("座机 0510-86801234", "座机 ***"),
    ("身份证320281199001011234，旧证32028119900101X", "身份证***，旧证***"),
    ("写信到 wang.xm+1@example.com.cn", "写信到 ***"),
    ("花山路18号对面，3栋2单元502室", "花山路***号对面，***栋***单元***室"),
    ("十八号楼前", "***号楼前"),
    ("苏B·12345 停在门口，浙AD12345 也是", "*** 停在门口，*** 也是"),
    ("1234 5th street, apt 2", "*** 5th street, apt 2"),
    ("约1000米，3天，2026年11月", "约1000米，3天，2026年11月"),  # amounts, spans and dates stay
])
def test_redaction_hides_what_identifies_a_person_by_pattern(text, expected):
    assert redact(text) == expected


def test_redaction_hides_the_reporters_own_name():
    assert redact("王小明说John Smith也看到了", ["王小明", "john", "smith"]) == "***说*** ***也看到了"


@pytest.mark.parametrize("address, expected", [
    ("花山路 18 号对面", "花山路"), ("江苏省澄江市云亭街道花山路18号", "花山路"), ("A镇A1村1组附近", ""),
    ("人民南路与解放路交叉口", ""), ("1234 5th street", "5th street"), ("王小明家门口", ""),
])
def test_the_road_is_kept_only_where_a_house_number_follows_it(address, expected):
    assert road(address) == expected


def test_coordinates_are_rounded_to_about_100_metres():
    assert coarse(31.80823456) == 31.808 and coarse(120.20751) == 120.208 and coarse(None) is None
