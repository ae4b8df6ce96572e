"""The village's shelf page (create, edit price/stock, take off sale) and the household points pages, through the
Django test client: scoped, audited, and without inline scripts or event handlers (the CSP allows neither)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from jishi.core.models import AuditRecord
from jishi.org.models import Person
from jishi.points import shelf
from jishi.points.earning import apply_item, grant_base_points
from jishi.points.models import StoreItem
from jishi.points.store import place_order

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:", re.I)


def test_a_village_cadre_lists_a_new_item_on_the_shelf_page(client, login, city, items, shop):
    login("village_cadre")
    page = client.get(reverse("points-shelf")).content.decode()
    assert "肥皂" in page and "大米5斤" in page
    r = client.post(reverse("points-shelf"), {"merchant": shop.merchant.pk, "action": "create", "name": "食用油5升",
                                              "price": "150", "stock": "8"})
    assert r.status_code == 302
    oil = StoreItem.objects.get(name="食用油5升")
    assert (oil.price, oil.stock, oil.is_active, oil.village_id) == (150, 8, True, city.regions["A1"].pk)
    assert AuditRecord.objects.filter(action="points.store_item.create", object_id=str(oil.pk)).exists()


def test_the_cadre_changes_price_and_stock_and_the_villager_sees_the_new_price(client, login, city, items, shop):
    login("village_cadre")
    client.post(reverse("points-shelf"), {"merchant": shop.merchant.pk, "action": "update", "item": shop.soap.pk,
                                          "name": "肥皂", "price": "25", "stock": "60"})
    shop.soap.refresh_from_db()
    assert (shop.soap.price, shop.soap.stock) == (25, 60)
    record = AuditRecord.objects.get(action="points.store_item.update")
    assert record.data["changes"] == {"price": [20, 25], "stock": [50, 60]}
    client.logout()
    login("resident")
    assert "<strong>25</strong>" in client.get(reverse("points-store")).content.decode()


def test_stock_cannot_go_below_what_open_vouchers_have_reserved(client, login, city, items, shop):
    for n in range(3):  # 3 × 好人好事 ... 30; plus base points 300
        apply_item(city.user("village_cadre"), city.people["resident"], items["HR01"], key=f"g{n}")
    grant_base_points(city.user("village_cadre"), city.regions["A1"], 2026, [city.people["resident"]])
    place_order(city.user("resident"), shop.rice)
    place_order(city.user("resident"), shop.rice)
    login("village_cadre")
    r = client.post(reverse("points-shelf"), {"merchant": shop.merchant.pk, "action": "update", "item": shop.rice.pk,
                                              "name": "大米5斤", "price": "100", "stock": "1"}, follow=True)
    assert "已被兑换券预订的 2 件" in r.content.decode()
    shop.rice.refresh_from_db()
    assert (shop.rice.stock, shop.rice.reserved) == (3, 2)
    client.post(reverse("points-shelf"), {"merchant": shop.merchant.pk, "action": "update", "item": shop.rice.pk,
                                          "name": "大米5斤", "price": "100", "stock": "2"})
    shop.rice.refresh_from_db()
    assert shop.rice.stock == 2


def test_an_item_taken_off_sale_leaves_the_villagers_store_and_can_come_back(client, login, city, items, shop):
    login("village_cadre")
    client.post(reverse("points-shelf"), {"merchant": shop.merchant.pk, "action": "deactivate", "item": shop.soap.pk})
    shop.soap.refresh_from_db()
    assert not shop.soap.is_active
    client.logout()
    login("resident")
    assert "肥皂" not in client.get(reverse("points-store")).content.decode()
    client.logout()
    login("village_cadre")
    client.post(reverse("points-shelf"), {"merchant": shop.merchant.pk, "action": "activate", "item": shop.soap.pk})
    shop.soap.refresh_from_db()
    assert shop.soap.is_active
    assert list(AuditRecord.objects.filter(action__in=["points.store_item.deactivate", "points.store_item.activate"])
                .order_by("id").values_list("action", flat=True)) == ["points.store_item.deactivate",
                                                                      "points.store_item.activate"]


@pytest.mark.parametrize("price", ["0", "-5", "abc", "9999999999", ""])
def test_a_bad_price_is_refused_with_a_message(client, login, city, items, shop, price):
    login("village_cadre")
    r = client.post(reverse("points-shelf"), {"merchant": shop.merchant.pk, "action": "update", "item": shop.soap.pk,
                                              "name": "肥皂", "price": price, "stock": "50"}, follow=True)
    assert "所需积分须为" in r.content.decode()
    shop.soap.refresh_from_db()
    assert shop.soap.price == 20


@pytest.mark.parametrize("who", ["resident", "merchant", "town_commander_b", "grid_worker"])
def test_people_who_do_not_run_the_shop_cannot_manage_its_shelf(client, login, city, items, shop, who):
    login(who)
    assert client.get(reverse("points-shelf")).status_code in (403, 404) or "肥皂" not in client.get(
        reverse("points-shelf")).content.decode()
    client.post(reverse("points-shelf"), {"merchant": shop.merchant.pk, "action": "update", "item": shop.soap.pk,
                                          "name": "肥皂", "price": "1", "stock": "50"})
    shop.soap.refresh_from_db()
    assert shop.soap.price == 20


def test_the_town_commander_manages_its_villages_shops(client, login, city, items, shop):
    login("town_commander")
    client.post(reverse("points-shelf"), {"merchant": shop.merchant.pk, "action": "update", "item": shop.soap.pk,
                                          "name": "肥皂", "price": "22", "stock": "50"})
    shop.soap.refresh_from_db()
    assert shop.soap.price == 22


def test_the_shelf_service_refuses_another_towns_commander(city, items, shop):
    from jishi.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        shelf.update_item(city.user("town_commander_b"), shop.soap, price=1)
    assert not shelf.managed_merchants(city.user("town_commander_b")).exists()


@pytest.fixture
def family(city, items):
    hh = city.people["resident"].household
    spouse = Person(name="张家人", household=hh)
    spouse.place_in(city.regions["A1a1"])
    spouse.save()
    cadre = city.user("village_cadre")
    apply_item(cadre, city.people["resident"], items["HR01"], key="a")
    apply_item(cadre, spouse, items["HY01"], key="b")
    return hh


def test_a_household_member_sees_every_members_balance_and_the_total(client, login, city, family):
    login("resident")
    r = client.get(reverse("points-my-household"), follow=True)
    page = r.content.decode()
    assert "张居民" in page and "张家人" in page
    assert 'id="household-redeemable">12<' in page and 'id="household-honour">12<' in page


def test_the_cadre_finds_the_household_in_the_village_list(client, login, city, family):
    login("village_cadre")
    page = client.get(reverse("points-households"), {"q": "张家人"}).content.decode()
    assert "H-A1a1-001" in page and "<td>12</td>" in page
    assert client.get(reverse("points-household", args=[family.pk])).status_code == 200


@pytest.mark.parametrize("who", ["grid_worker_b", "town_commander_b", "informant", "merchant", "nobody"])
def test_a_household_is_hidden_from_people_outside_it_and_its_village_management(client, login, city, family, who):
    login(who)
    assert client.get(reverse("points-household", args=[family.pk])).status_code == 404


@pytest.mark.parametrize("who,url", [("village_cadre", "points-shelf"), ("village_cadre", "points-households"),
                                     ("resident", "points-my-household")])
def test_the_new_pages_have_no_inline_scripts_or_handlers(client, login, city, shop, family, who, url):
    login(who)
    r = client.get(reverse(url), follow=True)
    assert r.status_code == 200
    assert not INLINE.search(r.content.decode())
