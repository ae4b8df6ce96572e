"""Open311 ``start_date``/``end_date`` out of range (issue 13 §2): 400 in the GeoReport error list, in the
format of the path's extension — was Django's HTML 500 page."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from jishi.cases.models import Category
from jishi.cases.seed import load
from jishi.platform import tokens

URL = "/open311/v2/requests"


@pytest.fixture
def key(city):
    if not Category.objects.exists():
        load(Category)
    return tokens.create_token(None, city.user("town_commander"), "open311 probe", ["cases:read"])[1]


@pytest.mark.parametrize("params", [
    {"start_date": "9999-12-31T23:59:59Z"},
    {"end_date": "9999-12-31T23:59:59Z"},
    {"start_date": "0001-01-01"},
    {"end_date": "0001-01-01"},
    {"start_date": "0001-01-01T00:00:00+08:00", "end_date": "0001-01-02"},
    {"start_date": "9999-12-30", "end_date": "9999-12-31"},
])
def test_out_of_range_dates_are_400_in_the_json_error_list(client, key, params):
    response = client.get(f"{URL}.json", {**params, "api_key": key})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    [error] = json.loads(response.content)
    assert error["code"] == 400
    assert "超出支持的范围" in error["description"] and "1900–2199" in error["description"]


def test_out_of_range_dates_are_400_in_the_xml_error_list(client, key):
    response = client.get(f"{URL}.xml", {"start_date": "9999-12-31T23:59:59Z", "api_key": key})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "errors" and root.find("error/code").text == "400"
    assert "start_date" in root.find("error/description").text


def test_dates_at_the_edges_of_the_range_still_work(client, key):
    response = client.get(f"{URL}.json", {"start_date": "2199-10-01", "api_key": key})
    assert response.status_code == 200 and json.loads(response.content) == []
    response = client.get(f"{URL}.json", {"end_date": "1900-03-31", "api_key": key})
    assert response.status_code == 200


def test_a_nul_in_a_parameter_is_400_in_the_error_list(client, key):
    response = client.get(f"{URL}.xml", {"service_code": "01\x0002", "api_key": key})
    assert response.status_code == 400
    assert ET.fromstring(response.content).find("error/code").text == "400"


def test_an_unknown_open311_path_is_404_in_the_error_list(client, key):
    response = client.get("/open311/v2/nothing/here.xml")
    assert response.status_code == 404
    assert ET.fromstring(response.content).tag == "errors"
    response = client.get("/open311/v2/nothing/here.json")
    assert json.loads(response.content)[0]["code"] == 404
