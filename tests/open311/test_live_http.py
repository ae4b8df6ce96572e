"""Over a real socket, as an Open311 client would call it: urlencoded POST, then XML GET."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_client_posts_the_spec_form_and_reads_the_xml_back_over_http(live_server, api_key, report_form):
    base = f"{live_server.url}/open311/v2"
    key = api_key("nobody")
    body = urllib.parse.urlencode(report_form(key), doseq=True).encode()
    request = urllib.request.Request(f"{base}/requests.json", data=body,
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=10) as r:
        assert r.status == 201 and r.headers["Content-Type"] == "application/json"
        [created] = json.loads(r.read())
    number = created["service_request_id"]
    with urllib.request.urlopen(f"{base}/requests/{number}.xml?api_key={urllib.parse.quote(key)}", timeout=10) as r:
        assert r.headers["Content-Type"] == "application/xml; charset=utf-8"
        root = ET.fromstring(r.read())
    assert root.findtext("request/service_request_id") == number and root.findtext("request/status") == "open"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{base}/requests.xml?api_key=jsk_00000000_nope", timeout=10)
    assert refused.value.code == 403
    assert ET.fromstring(refused.value.read()).findtext("error/code") == "403"
