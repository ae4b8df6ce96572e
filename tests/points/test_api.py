"""The points API (/api/v1/points) with bearer tokens: scopes, idempotent awards, the redemption round trip."""

from __future__ import annotations

import base64
from datetime import datetime

import pytest
from django.test import Client
from django.utils import timezone

from jishi.platform import tokens
from jishi.points.earning import apply_item
from jishi.points.models import Posting

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def bearer(city):
    def _bearer(key: str, scopes: list[str] | None = None) -> Client:
        _, text = tokens.create_token(None, city.user(key), f"test {key}", scopes or ["points:read", "points:post"])
        return Client(HTTP_AUTHORIZATION=f"Bearer {text}")

    return _bearer


def test_an_award_with_the_same_idempotency_key_is_created_once(bearer, city, items):
    api = bearer("village_cadre")
    body = {"person_id": city.people["resident"].pk, "item": "HY01", "reason": "参加11月村民会议"}
    first = api.post("/api/v1/points/awards", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="m-11")
    again = api.post("/api/v1/points/awards", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="m-11")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Posting.objects.count() == 1


def test_a_read_only_token_cannot_award(bearer, city, items):
    api = bearer("village_cadre", ["points:read"])
    r = api.post("/api/v1/points/awards", {"person_id": city.people["resident"].pk, "item": "HY01"},
                 content_type="application/json", HTTP_IDEMPOTENCY_KEY="x")
    assert r.status_code == 403


def test_a_person_outside_the_scope_is_not_found(bearer, city, items):
    r = bearer("grid_worker_b").post("/api/v1/points/awards", {"person_id": city.people["resident"].pk, "item": "HY01"},
                                     content_type="application/json", HTTP_IDEMPOTENCY_KEY="x")
    assert r.status_code == 404


def test_claim_review_order_confirm_round_trip(bearer, city, items, shop):
    villager, cadre, merchant = bearer("resident"), bearer("village_cadre"), bearer("merchant")
    for n in range(2):
        apply_item(city.user("village_cadre"), city.people["resident"], items["HR01"], key=f"g{n}")
    r = villager.post("/api/v1/points/claims", {"item": "ZY01", "note": "河道保洁", "occurred_on": "2026-11-01",
                                                "photo": {"name": "a.jpg", "content_base64": base64.b64encode(JPEG).decode()}},
                      content_type="application/json")
    assert r.status_code == 201, r.content
    claim_id = r.json()["id"]
    assert [c["id"] for c in cadre.get("/api/v1/points/claims").json()] == [claim_id]
    assert cadre.post(f"/api/v1/points/claims/{claim_id}/review", {"approve": True}, content_type="application/json").json()["status"] == "approved"
    assert villager.get("/api/v1/points/me").json()["redeemable"] == 25
    order = villager.post(f"/api/v1/points/store/{shop.soap.pk}/orders", HTTP_IDEMPOTENCY_KEY="tap")
    assert order.status_code == 201
    assert villager.post(f"/api/v1/points/store/{shop.soap.pk}/orders", HTTP_IDEMPOTENCY_KEY="tap").status_code == 200
    code = order.json()["code"]
    r = merchant.post("/api/v1/points/vouchers/confirm", {"code": code}, content_type="application/json")
    assert r.json()["status"] == "confirmed"
    r = merchant.post("/api/v1/points/vouchers/confirm", {"code": code}, content_type="application/json")
    assert r.status_code == 409
    assert villager.get("/api/v1/points/me").json()["redeemable"] == 5


def test_boards_objections_and_finalise_over_the_api(bearer, city, items):
    p = apply_item(city.user("village_cadre"), city.people["resident"], items["HR01"], key="g",
                   at=timezone.make_aware(datetime(2026, 10, 5, 9)))
    cadre, neighbour = bearer("village_cadre"), bearer("volunteer")
    board = cadre.post("/api/v1/points/boards", {"village_id": city.regions["A1"].pk, "month": "2026-10-01"},
                       content_type="application/json").json()
    assert board["status"] == "published"
    assert neighbour.get(f"/api/v1/points/boards/{board['id']}").json()["lines"][0]["honour_total"] == 10
    o = neighbour.post(f"/api/v1/points/boards/{board['id']}/objections", {"posting_id": p.pk, "reason": "不属实"},
                       content_type="application/json").json()
    assert o["frozen"] == 10
    assert cadre.post(f"/api/v1/points/boards/{board['id']}/finalise").status_code == 409
    r = cadre.post(f"/api/v1/points/objections/{o['id']}/resolve", {"upheld": False, "resolution": "属实"},
                   content_type="application/json")
    assert r.json()["status"] == "dismissed"
