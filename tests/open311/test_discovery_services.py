"""GeoReport v2 discovery, service list and service definitions, in JSON and XML as the spec shows them."""

from __future__ import annotations

import pytest

from jishi.cases.models import Category
from tests.open311.conftest import BASE, error_of, xml_of

pytestmark = pytest.mark.django_db
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]


def active_subcategories() -> list[Category]:
    return list(Category.objects.filter(is_active=True, parent__isnull=False, parent__is_active=True))


def test_discovery_json_names_the_georeport_v2_endpoint(client, categories):
    r = client.get(f"{BASE}/discovery.json")
    assert r.status_code == 200 and r["Content-Type"] == "application/json"
    body = r.json()
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] == "production"
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}
    assert body["changeset"].endswith("+08:00")


def test_discovery_xml_is_shaped_like_the_spec(client, categories):
    root = xml_of(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [c.tag for c in root] == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.findall("formats/format")] == ["application/json", "text/xml"]


def test_services_json_lists_one_service_per_active_subcategory_with_its_group(client, categories):
    body = client.get(f"{BASE}/services.json").json()
    expected = {c.code: c for c in active_subcategories()}
    assert {s["service_code"] for s in body} == set(expected) and len(body) == len(expected)
    s = next(s for s in body if s["service_code"] == "0403")
    assert list(s) == SERVICE_FIELDS
    assert s == {**s, "service_name": "路面塌陷", "metadata": False, "type": "realtime", "group": "突发事件"}
    assert "路面塌陷" in s["keywords"] and "突发事件" in s["keywords"]


def test_a_deactivated_category_is_no_longer_a_service(client, categories):
    Category.objects.filter(code="0403").update(is_active=False)
    codes = {s["service_code"] for s in client.get(f"{BASE}/services.json").json()}
    assert "0403" not in codes and "0401" in codes
    assert client.get(f"{BASE}/services/0403.json").status_code == 404


def test_services_xml_parses_into_services_of_the_spec(client, categories):
    root = xml_of(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services" and len(root) == len(active_subcategories())
    service = next(s for s in root if s.findtext("service_code") == "0502")
    assert [c.tag for c in service] == SERVICE_FIELDS
    assert service.findtext("service_name") == "路灯不亮"
    assert service.findtext("metadata") == "false" and service.findtext("type") == "realtime"
    assert service.findtext("group") == "公用设施"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_our_jurisdiction_is_accepted_and_another_is_404_with_the_spec_error_body(client, categories, fmt):
    assert client.get(f"{BASE}/services.{fmt}?jurisdiction_id=jishi").status_code == 200
    r = client.get(f"{BASE}/services.{fmt}?jurisdiction_id=sfgov.org")
    assert r.status_code == 404
    code, description = error_of(r, fmt)
    assert code == 404 and "sfgov.org" in description and "jishi" in description


def test_the_jurisdiction_comes_from_settings(client, categories, settings):
    settings.JISHI_OPEN311_JURISDICTION = "chengjiang.gov.cn"
    assert client.get(f"{BASE}/services.json?jurisdiction_id=chengjiang.gov.cn").status_code == 200
    assert client.get(f"{BASE}/services.json?jurisdiction_id=jishi").status_code == 404


def test_service_definition_in_json_and_xml(client, categories):
    assert client.get(f"{BASE}/services/0403.json").json() == {"service_code": "0403", "attributes": []}
    root = xml_of(client.get(f"{BASE}/services/0403.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "0403" and root.find("attributes") is not None
    assert len(root.find("attributes")) == 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_code_is_404(client, categories, fmt):
    r = client.get(f"{BASE}/services/9999.{fmt}")
    assert r.status_code == 404 and error_of(r, fmt) == (404, "service_code“9999”不存在或已停用")
    assert client.get(f"{BASE}/services/01.{fmt}").status_code == 404  # a 大类 is a group, not a service


@pytest.mark.parametrize("path", ["discovery.html", "services.csv", "services/0403.yaml", "requests.txt",
                                  "requests/1.php", "tokens/1.htm"])
def test_an_unknown_format_extension_is_404(client, categories, path):
    r = client.get(f"{BASE}/{path}")
    assert r.status_code == 404
    code, description = error_of(r)
    assert code == 404 and ".json" in description


def test_other_methods_are_405_in_the_spec_error_format(client, categories):
    r = client.delete(f"{BASE}/services.xml")
    assert r.status_code == 405 and r["Allow"] == "GET"
    assert error_of(r, "xml")[0] == 405
    assert client.post(f"{BASE}/discovery.json").status_code == 405
