"""The points pages through the Django test client: villager, cadre, merchant and town views."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jishi.points.boards import publish_board
from jishi.points.choices import ClaimStatus, OrderStatus
from jishi.points.earning import apply_item
from jishi.points.models import Board, Claim, Objection, Order, Posting

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_a_villager_sees_balance_rank_and_history_with_reasons(client, login, city, items):
    apply_item(city.user("village_cadre"), city.people["resident"], items["WJ01"], key="d", reason="违法搭建彩钢棚")
    login("resident")
    page = client.get(reverse("points-me")).content.decode()
    assert "违法搭建彩钢棚" in page and 'id="rank">1 / 1' in page and "参加志愿服务" in page


def test_a_villager_claims_with_a_photo_and_the_cadre_approves_on_the_queue(client, login, city, items):
    login("resident")
    r = client.post(reverse("points-claim"), {"item": items["ZY01"].pk, "note": "清理河道垃圾", "occurred_on": "2026-11-01",
                                              "photo": SimpleUploadedFile("a.jpg", JPEG, content_type="image/jpeg")})
    assert r.status_code == 302
    claim = Claim.objects.get()
    client.logout()
    login("village_cadre")
    assert "清理河道垃圾" in client.get(reverse("points-review")).content.decode()
    client.post(reverse("points-review-one", args=[claim.pk]), {"decision": "approve"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED


def test_a_cadre_of_another_town_does_not_see_the_queue(client, login, city, items):
    login("resident")
    client.post(reverse("points-claim"), {"item": items["ZY01"].pk, "note": "清理河道垃圾",
                                          "photo": SimpleUploadedFile("a.jpg", JPEG, content_type="image/jpeg")})
    client.logout()
    login("town_commander_b")
    assert "清理河道垃圾" not in client.get(reverse("points-review")).content.decode()


def test_redeem_show_qr_and_merchant_confirms(client, login, city, items, shop):
    for n in range(3):
        apply_item(city.user("village_cadre"), city.people["resident"], items["HR01"], key=f"g{n}")
    login("resident")
    assert "肥皂" in client.get(reverse("points-store")).content.decode()
    r = client.post(reverse("points-order", args=[shop.soap.pk]))
    order = Order.objects.get()
    assert r["Location"] == reverse("points-voucher", args=[order.pk])
    assert order.code in client.get(r["Location"]).content.decode()
    qr = client.get(reverse("points-voucher-qr", args=[order.pk]))
    assert qr["Content-Type"] == "image/png" and qr.content[:8] == b"\x89PNG\r\n\x1a\n"
    client.logout()
    login("merchant")
    page = client.post(reverse("points-merchant"), {"code": order.code}).content.decode()
    assert 'data-testid="voucher-preview"' in page and "肥皂" in page and "张*" in page and "张居民" not in page
    order.refresh_from_db()
    assert order.status == OrderStatus.HELD  # a code entered shows the voucher first: nothing redeemed yet
    page = client.post(reverse("points-merchant"), {"code": order.code, "confirm": "1"}).content.decode()
    assert 'id="confirmed"' in page
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED


def test_another_villager_cannot_see_a_voucher(client, login, city, items, shop):
    for n in range(3):
        apply_item(city.user("village_cadre"), city.people["resident"], items["HR01"], key=f"g{n}")
    login("resident")
    client.post(reverse("points-order", args=[shop.soap.pk]))
    client.logout()
    login("volunteer")
    assert client.get(reverse("points-voucher", args=[Order.objects.get().pk])).status_code == 404


def test_board_publication_objection_and_print(client, login, city, items):
    at = timezone.make_aware(datetime(2026, 10, 10, 10))
    p = apply_item(city.user("village_cadre"), city.people["resident"], items["HR01"], key="g", at=at)
    login("village_cadre")
    r = client.post(reverse("points-boards"), {"village": city.regions["A1"].pk, "month": "2026-10"})
    board = Board.objects.get()
    assert r["Location"] == reverse("points-board", args=[board.pk])
    client.logout()
    login("volunteer")
    page = client.get(reverse("points-board", args=[board.pk])).content.decode()
    assert "张居民" in page and "提出异议" in page
    client.post(reverse("points-board-action", args=[board.pk]), {"action": "object", "posting": p.pk, "reason": "不属实"})
    assert Objection.objects.get().frozen == 10
    assert "异议冻结中" in client.get(reverse("points-board", args=[board.pk])).content.decode()


def test_a_board_of_another_village_is_hidden_from_villagers(client, login, city, items):
    apply_item(city.user("village_cadre"), city.people["resident"], items["HR01"], key="g",
               at=timezone.make_aware(datetime(2026, 10, 10, 10)))
    board = publish_board(city.user("village_cadre"), city.regions["A1"], date(2026, 10, 1))
    login("grid_worker_b")
    assert client.get(reverse("points-board", args=[board.pk])).status_code == 404


def test_the_town_page_compares_villages(client, login, city, items):
    apply_item(city.user("village_cadre"), city.people["resident"], items["HR01"], key="g")
    login("town_commander")
    page = client.get(reverse("points-town")).content.decode()
    assert "A1村" in page and "A2村" in page and "B1村" not in page


def test_points_home_sends_each_role_to_its_page(client, login, city, shop):
    login("merchant")
    assert client.get(reverse("points-home"))["Location"] == reverse("points-merchant")
    client.logout()
    login("village_cadre")
    assert client.get(reverse("points-home"))["Location"] == reverse("points-review")


def test_a_cadre_deducts_with_a_reason_the_villager_then_sees(client, login, city, items):
    login("village_cadre")
    who = city.people["resident"].pk  # picked from the search by id (duplicate names are told apart)
    client.post(reverse("points-award"), {"person": who, "item": "KC01", "reason": "在村口乱倒建筑垃圾", "nonce": "n1"})
    client.post(reverse("points-award"), {"person": who, "item": "KC01", "reason": "在村口乱倒建筑垃圾", "nonce": "n1"})
    assert Posting.objects.filter(reason="在村口乱倒建筑垃圾").count() == 1  # a double submit posts once
    client.logout()
    login("resident")
    assert "在村口乱倒建筑垃圾" in client.get(reverse("points-me")).content.decode()


def test_a_village_records_a_new_policy_version_on_the_rules_page(client, login, city, items):
    from jishi.points.models import Policy
    from jishi.points.rules import effective_item, village_policy

    login("village_cadre")
    village = city.regions["A1"]
    assert "参加志愿服务" in client.get(reverse("points-policy") + f"?region={village.pk}").content.decode()
    form = {"region": village.pk, "decision": "A1村村民代表大会决议〔2026〕3号", "decided_on": "2026-11-20",
            "base_points": "500", "two_step_review": "1", "p_ZY01": "8"}
    form |= {f"on_{c}": "1" for c in items if c != "KC01"}
    client.post(reverse("points-policy"), form)
    policy = Policy.objects.get(region=village)
    assert policy.version == 1 and policy.decided_by == city.user("village_cadre")
    assert village_policy(village).base_points == 500 and village_policy(village).two_step_review
    assert effective_item(village, items["ZY01"]).points == 8
    assert not effective_item(village, items["KC01"]).enabled
    client.logout()
    login("town_commander_b")
    assert client.get(reverse("points-policy") + f"?region={village.pk}").content.decode().count("A1村") == 0
