"""A GeoReport v2 client library from the package index (``georeport``, pinned in the dev extras), used as a
citizens' app uses it: no api_key on reads, JSON and XML, against a live server. It cannot report (the library
only reads), so the report is made the way test_live_http does."""

from __future__ import annotations

import urllib.parse
import urllib.request

import pytest
import requests
from georeport import GeoReport

from tests.open311.test_public_reads import DESCRIPTION, LAT, LNG, PERSONAL

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def report(base: str, form: dict) -> str:
    body = urllib.parse.urlencode(form, doseq=True).encode()
    with urllib.request.urlopen(urllib.request.Request(f"{base}/requests.json", data=body), timeout=10) as r:
        return __import__("json").loads(r.read())[0]["service_request_id"]


def test_the_georeport_library_reads_services_and_requests_without_a_key(live_server, api_key, report_form):
    base = f"{live_server.url}/open311/v2"
    number = report(base, report_form(api_key("nobody"), lat=LAT, long=LNG, address_string="花山路 18 号对面",
                                      description=DESCRIPTION, first_name="小明", last_name="王",
                                      phone="13912345678", email="wang@example.com"))
    for fmt in ("json", "xml"):
        client = GeoReport(base, jurisdiction="jishi", output_format=fmt)
        services = client.get_service_list()
        assert "0403" in [s["service_code"] for s in services]
        assert client.get_service_definition("0403")["service_code"] == "0403"
        found = client.get_service_requests(status="open", service_code="0403")
        found = found if isinstance(found, list) else [found]  # xmltodict: one <request> is a dict
        assert [r["service_request_id"] for r in found] == [number]
        one = client.get_service_request(number)
        assert one["service_request_id"] == number and one["address"] == "A镇A1村A1a网格 花山路"
        assert float(one["lat"]) == 31.808 and float(one["long"]) == 120.207
        text = repr(found) + repr(one)
        assert not [p for p in PERSONAL if p in text], text
        by_id = client.get_service_requests(service_request_id=number)
        assert (by_id if isinstance(by_id, list) else [by_id])[0]["service_request_id"] == number


def test_with_public_reads_off_the_library_gets_the_specs_403(live_server, settings, categories):
    settings.JISHI_OPEN311_PUBLIC_READS = False
    client = GeoReport(f"{live_server.url}/open311/v2", jurisdiction="jishi")
    with pytest.raises(requests.HTTPError) as refused:
        client.get_service_requests()
    assert refused.value.response.status_code == 403
    assert refused.value.response.json()[0]["code"] == 403
    assert client.get_service_list()  # the services stay public
