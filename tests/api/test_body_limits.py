"""Request bodies over the limit (issue 13, item 1): 413 naming the limit — problem+json on the API, a page on
the pages — never a 500; and the documented promise holds: one 10 MB photo fits in a JSON body as Base64."""

from __future__ import annotations

import base64
import json

import pytest
from django.conf import settings

from jishi.cases.intake import report_case
from jishi.cases.models import Attachment, Case, CaseEvent
from jishi.points.models import Claim


def _huge_json() -> str:
    """A JSON body one byte over the limit (a description as long as the probe's)."""
    head, tail = '{"note": "', '"}'
    return head + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1 - len(head) - len(tail)) + tail


def _case(city):
    lng, lat = city.point_in("A1a1")
    return report_case(city.user("admin"), channel="hotline", category_code="0101", title="井盖缺失", lng=lng, lat=lat)


def test_the_body_limit_fits_one_photo_of_the_file_limit_in_base64_and_the_fields():
    assert settings.UPLOAD_MAX_BYTES == 10 * 1024 * 1024
    assert len(base64.b64encode(b"x" * settings.UPLOAD_MAX_BYTES)) + 1024 * 1024 <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE


@pytest.mark.parametrize("path", ["/api/v1/cases", "/api/v1/points/claims", "/api/v1/cases/{case}/verify"])
def test_an_api_body_over_the_limit_is_a_413_problem_naming_the_limit(city, bearer, path):
    case = _case(city)
    before = (Case.objects.count(), CaseEvent.objects.count(), Claim.objects.count())
    r = bearer("grid_worker").post(path.format(case=case.pk), _huge_json(), content_type="application/json")
    assert r.status_code == 413, r.content[:300]
    assert r["Content-Type"] == "application/problem+json"
    body = r.json()
    assert body["code"] == "body_too_large" and body["status"] == 413
    limit_mb = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024:.1f}"
    assert limit_mb in body["detail"] and "10 MB" in body["detail"]
    assert body["details"] == {"max_body_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
                               "max_file_bytes": settings.UPLOAD_MAX_BYTES}
    assert (Case.objects.count(), CaseEvent.objects.count(), Claim.objects.count()) == before


def test_a_page_form_over_the_limit_is_a_413_page(city, client, login):
    login("grid_worker")
    body = "title=x&description=" + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    r = client.post("/cases/report/", body, content_type="application/x-www-form-urlencoded")
    assert r.status_code == 413
    assert "10 MB" in r.content.decode()
    assert not Case.objects.exists()


def test_a_photo_of_the_documented_10_mb_is_accepted_in_a_json_report(city, bearer):
    photo = b"\xff\xd8\xff\xe0" + b"\x00" * (settings.UPLOAD_MAX_BYTES - 4)
    lng, lat = city.point_in("A1a1")
    body = {"channel": "patrol", "category": "0101", "title": "井盖缺失", "lng": lng, "lat": lat,
            "photos": [{"name": "scene.jpg", "content_base64": base64.b64encode(photo).decode()}]}
    r = bearer("grid_worker").post("/api/v1/cases", json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content[:300]
    assert Attachment.objects.get().size == settings.UPLOAD_MAX_BYTES


def test_a_photo_over_10_mb_is_refused_with_the_file_limit(city, bearer):
    photo = b"\xff\xd8\xff\xe0" + b"\x00" * (settings.UPLOAD_MAX_BYTES - 3)
    lng, lat = city.point_in("A1a1")
    body = {"channel": "patrol", "category": "0101", "title": "井盖缺失", "lng": lng, "lat": lat,
            "photos": [{"name": "scene.jpg", "content_base64": base64.b64encode(photo).decode()}]}
    r = bearer("grid_worker").post("/api/v1/cases", json.dumps(body), content_type="application/json")
    assert r.status_code == 422 and "10 MB" in r.json()["detail"] + json.dumps(r.json()["errors"], ensure_ascii=False)
    assert not Case.objects.exists()
