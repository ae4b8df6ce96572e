"""No existence oracle on vouchers (issue 13, item 6): another person's order or another merchant's valid voucher
code answers exactly as an unknown one (404), on the API and on the pages; 403 only to whom the order is
visible anyway (staff of its grid) but whose role may not take the step."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from jishi.platform import tokens
from jishi.points.choices import OrderStatus
from jishi.points.claims import submit_claim
from jishi.points.earning import apply_item
from jishi.points.models import Claim, Merchant, Order
from jishi.points.store import place_order


@pytest.fixture
def bearer(city):
    def _bearer(key: str) -> Client:
        _, text = tokens.create_token(None, city.user(key), f"test {key}", ["points:read", "points:post"])
        return Client(HTTP_AUTHORIZATION=f"Bearer {text}")

    return _bearer


@pytest.fixture
def order(city, items, shop) -> Order:
    for n in range(2):
        apply_item(city.user("village_cadre"), city.people["resident"], items["HR01"], key=f"g{n}")
    return place_order(city.user("resident"), shop.soap, key="o1")


@pytest.fixture
def other_shop(city):
    """A second shop, owned by the informant (no data scope of their own)."""
    m = Merchant(name="A1村第二超市", owner=city.people["informant"], yuan_per_point="0.100")
    m.place_in(city.regions["A1"])
    m.save()
    return m


def _problem(r) -> tuple[int, str, str]:
    body = r.json()
    return r.status_code, body["code"], body["detail"]


def test_cancelling_another_persons_order_is_the_same_404_as_an_unknown_one(bearer, order):
    stranger = bearer("informant")
    theirs = stranger.post(f"/api/v1/points/orders/{order.pk}/cancel")
    unknown = stranger.post(f"/api/v1/points/orders/{order.pk + 1000}/cancel")
    assert _problem(theirs) == _problem(unknown)
    assert theirs.status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.HELD


def test_staff_who_can_see_the_order_but_may_not_cancel_it_get_403(bearer, order):
    r = bearer("grid_worker").post(f"/api/v1/points/orders/{order.pk}/cancel")
    assert r.status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.HELD


def test_confirming_another_merchants_valid_code_is_the_same_404_as_an_unknown_code(bearer, order, other_shop):
    other = bearer("informant")

    def confirm(code: str):
        return other.post("/api/v1/points/vouchers/confirm", json.dumps({"code": code}), content_type="application/json")

    unknown_code = "9" * 10 if order.code != "9" * 10 else "8" * 10
    assert _problem(confirm(order.code)) == _problem(confirm(unknown_code))
    assert confirm(order.code).status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.HELD


def test_the_merchant_page_says_the_same_for_another_merchants_code_as_for_an_unknown_one(client, login, order,
                                                                                         other_shop):
    login("informant")
    theirs = client.post("/points/merchant/", {"code": order.code}, follow=True).content.decode()
    unknown = client.post("/points/merchant/", {"code": "0000000001"}, follow=True).content.decode()
    assert "兑换码不存在，请核对" in theirs and "兑换码不存在，请核对" in unknown
    assert "只有该商户" not in theirs
    order.refresh_from_db()
    assert order.status == OrderStatus.HELD


def test_the_owner_and_the_merchant_still_can(bearer, order):
    merchant = bearer("merchant")
    r = merchant.post("/api/v1/points/vouchers/confirm", json.dumps({"code": order.code}),
                      content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "confirmed"


def test_reviewing_a_claim_outside_ones_scope_on_the_page_is_a_404(city, client, login, items, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    photo = SimpleUploadedFile("a.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200)
    claim = submit_claim(city.user("resident"), items["ZY01"], "河道保洁", timezone.localdate(), photo)
    login("town_commander_b")
    assert client.post(f"/points/review/{claim.pk}", {"decision": "approve"}).status_code == 404
    assert client.post(f"/points/review/{claim.pk + 1000}", {"decision": "approve"}).status_code == 404
    assert Claim.objects.get(pk=claim.pk).status == "pending"
