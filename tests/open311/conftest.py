"""Open311 fixtures: seeded categories, media in a temporary directory, and api_keys (Jishi tokens) per role."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from jishi.cases.models import Category
from jishi.cases.seed import load
from jishi.platform import tokens

BASE = "/open311/v2"



@pytest.fixture
def categories(db):
    if not Category.objects.exists():  # a transactional test flushed the seeded categories
        load(Category)


@pytest.fixture
def api_key(city, categories):
    """``api_key("nobody", ["cases:write"])`` -> the text of a fresh Jishi token of that user."""

    def _key(user_key: str, scopes: list[str] | None = None) -> str:
        _, text = tokens.create_token(None, city.user(user_key), f"open311 {user_key}",
                                      scopes or ["cases:read", "cases:write"])
        return text

    return _key


@pytest.fixture
def report_form(city):
    """The spec's sample POST body, placed in the test city (sinkhole → 0403 路面塌陷)."""

    def _form(key: str, where: str = "A1a1", **overrides) -> dict:
        lng, lat = city.point_in(where)
        form = {
            "api_key": key, "jurisdiction_id": "jishi", "service_code": "0403", "lat": f"{lat:.8f}",
            "long": f"{lng:.8f}", "address_string": "1234 5th street", "email": "smit333@sfgov.edu",
            "device_id": "tt222111", "account_id": "123456", "first_name": "john", "last_name": "smith",
            "phone": "111111111", "description": "A large sinkhole is destroying the street",
            "media_url": "http://mysite.com/images/hole.jpg", "attribute[WHISETN]": ["123", "124"],
            "attribute[SHOESIZE]": "10",
        }
        form.update(overrides)
        return {k: v for k, v in form.items() if v is not None}

    return _form


def xml_of(response) -> ET.Element:
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    return ET.fromstring(response.content)


def error_of(response, fmt: str = "json") -> tuple[int, str]:
    """(code, description) of the single error in a spec error body."""
    if fmt == "xml":
        root = xml_of(response)
        assert root.tag == "errors" and [e.tag for e in root] == ["error"]
        assert [c.tag for c in root[0]] == ["code", "description"]
        return int(root.findtext("error/code")), root.findtext("error/description")
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert isinstance(body, list) and len(body) == 1 and set(body[0]) == {"code", "description"}
    return body[0]["code"], body[0]["description"]
