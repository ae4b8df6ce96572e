"""The management endpoints of the points API: batch inspection, policy decisions, household balances and the
store's shelf — scoped, idempotent under Idempotency-Key, with bounded integers."""

from __future__ import annotations

import pytest
from django.test import Client

from jishi.core.models import AuditRecord
from jishi.org.models import Household, Person
from jishi.platform import tokens
from jishi.points.earning import apply_item
from jishi.points.models import Inspection, Policy, Posting, StoreItem
from jishi.points.rules import effective_item, village_policy


@pytest.fixture
def bearer(city):
    def _bearer(key: str, scopes: list[str] | None = None) -> Client:
        _, text = tokens.create_token(None, city.user(key), f"test {key}", scopes or ["points:read", "points:post"])
        return Client(HTTP_AUTHORIZATION=f"Bearer {text}")

    return _bearer


@pytest.fixture
def homes(city) -> list[Household]:
    """Three more households in village A1, each with a head and one other member."""
    out = []
    for n in range(3):
        hh = Household(code=f"H-A1-{n:03d}", address=f"A1村{n + 2}组")
        hh.place_in(city.regions["A1a2"])
        hh.save()
        for head in (True, False):
            p = Person(name=f"{'户主' if head else '家人'}{n}", household=hh, is_household_head=head)
            p.place_in(city.regions["A1a2"])
            p.save()
        out.append(hh)
    return out


def post(api: Client, url: str, body: dict, key: str | None = "k1"):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post(url, body, content_type="application/json", **extra)


def inspection_body(city, homes) -> dict:
    return {"village_id": city.regions["A1"].pk, "title": "11月庭院检查", "held_on": "2026-11-20",
            "scores": [{"household_id": homes[0].pk, "items": ["TY01", "LJ01"]},
                       {"household_id": homes[1].pk, "items": ["TY02"]}]}


def test_a_cadre_scores_many_households_in_one_request_and_a_retry_is_a_replay(bearer, city, items, homes):
    api = bearer("village_cadre")
    first = post(api, "/api/v1/points/inspections", inspection_body(city, homes))
    again = post(api, "/api/v1/points/inspections", inspection_body(city, homes))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and first.json()["scored"] == 2 and first.json()["postings"] == 3
    assert Inspection.objects.count() == 1 and Posting.objects.count() == 3
    assert set(Posting.objects.values_list("person__name", flat=True)) == {"户主0", "户主1"}  # the heads
    assert sum(p.points for p in Posting.objects.filter(person__name="户主0")) == 13


def test_an_inspection_needs_an_idempotency_key_and_the_points_post_scope(bearer, city, items, homes):
    assert post(bearer("village_cadre"), "/api/v1/points/inspections", inspection_body(city, homes), key=None).status_code == 422
    assert post(bearer("village_cadre", ["points:read"]), "/api/v1/points/inspections",
                inspection_body(city, homes)).status_code == 403
    assert Posting.objects.count() == 0


def test_an_inspection_of_another_towns_village_is_refused(bearer, city, items, homes):
    r = post(bearer("town_commander_b"), "/api/v1/points/inspections", inspection_body(city, homes))
    assert r.status_code == 403 and Posting.objects.count() == 0


def test_an_inspection_with_a_household_of_another_village_or_a_non_inspection_item_posts_nothing(bearer, city, items, homes):
    other = Household(code="H-B1-001", address="B1村")
    other.place_in(city.regions["B1a"])
    other.save()
    body = inspection_body(city, homes)
    body["scores"].append({"household_id": other.pk, "items": ["TY01"]})
    assert post(bearer("village_cadre"), "/api/v1/points/inspections", body).status_code == 422
    body = inspection_body(city, homes)
    body["scores"][1]["items"] = ["WJ01"]
    assert post(bearer("village_cadre"), "/api/v1/points/inspections", body, key="k2").status_code == 422
    assert Posting.objects.count() == 0 and Inspection.objects.count() == 0


@pytest.mark.parametrize("household_id", [0, -1, 2**63, 10**30])
def test_household_ids_outside_the_id_range_are_refused_before_any_query(bearer, city, items, homes, household_id):
    body = inspection_body(city, homes)
    body["scores"][0]["household_id"] = household_id
    assert post(bearer("village_cadre"), "/api/v1/points/inspections", body).status_code == 422


def test_a_village_adopts_an_adjusted_policy_by_a_recorded_decision_once(bearer, city, items):
    api = bearer("village_cadre")
    body = {"region_id": city.regions["A1"].pk, "decision": "A1村村民代表会议决议〔2026〕3号", "decided_on": "2026-11-02",
            "base_points": 300, "two_step_review": True,
            "items": [{"code": "ZY01", "points": 8}, {"code": "HY01", "enabled": False}]}
    first = post(api, "/api/v1/points/policies", body, key="dec-3")
    again = post(api, "/api/v1/points/policies", body, key="dec-3")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["version"] == 1 and again.json()["id"] == first.json()["id"]
    assert Policy.objects.count() == 1
    village = city.regions["A1"]
    assert village_policy(village).two_step_review is True
    assert effective_item(village, items["ZY01"]).points == 8 and not effective_item(village, items["HY01"]).enabled
    assert AuditRecord.objects.filter(action="points.policy.adopt").count() == 1
    body["decision"], body["items"] = "A1村村民代表会议决议〔2026〕4号", [{"code": "ZY01", "points": 6}]
    third = post(api, "/api/v1/points/policies", body, key="dec-4")
    assert third.status_code == 201 and third.json()["version"] == 2
    assert effective_item(village, items["ZY01"]).points == 6


def test_a_town_adopts_a_policy_for_its_villages_but_not_for_another_town(bearer, city, items):
    body = {"region_id": city.regions["A"].pk, "decision": "A镇积分制管理办法", "decided_on": "2026-10-01", "base_points": 200}
    assert post(bearer("town_commander"), "/api/v1/points/policies", body).status_code == 201
    assert village_policy(city.regions["A1"]).base_points == 200
    assert post(bearer("town_commander_b"), "/api/v1/points/policies", body, key="k9").status_code == 403
    assert Policy.objects.count() == 1


@pytest.mark.parametrize("field,value", [("base_points", 10001), ("base_points", -1), ("base_points", 2**70)])
def test_policy_numbers_are_bounded(bearer, city, items, field, value):
    body = {"region_id": city.regions["A1"].pk, "decision": "决议", "decided_on": "2026-11-02", field: value}
    assert post(bearer("village_cadre"), "/api/v1/points/policies", body).status_code == 422
    body = {"region_id": city.regions["A1"].pk, "decision": "决议", "decided_on": "2026-11-02",
            "items": [{"code": "ZY01", "points": value}]}
    assert post(bearer("village_cadre"), "/api/v1/points/policies", body, key="k2").status_code == 422
    assert Policy.objects.count() == 0


def test_a_policy_needs_a_decision_and_known_items(bearer, city, items):
    body = {"region_id": city.regions["A1"].pk, "decision": "决议", "decided_on": "2026-11-02",
            "items": [{"code": "NOPE", "points": 3}]}
    assert post(bearer("village_cadre"), "/api/v1/points/policies", body).status_code == 422
    body["decision"], body["items"] = "", []
    assert post(bearer("village_cadre"), "/api/v1/points/policies", body, key="k2").status_code == 422
    assert Policy.objects.count() == 0


def test_a_household_shows_members_balances_and_the_total_to_members_and_cadres(bearer, city, items):
    hh = city.people["resident"].household
    spouse = Person(name="张家人", household=hh)
    spouse.place_in(city.regions["A1a1"])
    spouse.save()
    cadre = city.user("village_cadre")
    apply_item(cadre, city.people["resident"], items["HR01"], key="a")
    apply_item(cadre, spouse, items["HY01"], key="b")
    apply_item(cadre, spouse, items["KC01"], key="c", reason="乱扔")
    for who in ("resident", "village_cadre", "town_commander"):
        r = bearer(who).get(f"/api/v1/points/households/{hh.pk}")
        assert r.status_code == 200, who
        data = r.json()
        assert [m["name"] for m in data["members"]] == ["张居民", "张家人"]
        assert [m["redeemable"] for m in data["members"]] == [10, 0]
        assert data["redeemable"] == 10 and data["honour"] == 10 + 2 - 5


@pytest.mark.parametrize("who", ["grid_worker_b", "town_commander_b", "informant", "merchant"])
def test_a_household_is_not_found_for_people_outside_it_and_its_village_management(bearer, city, items, who):
    hh = city.people["resident"].household
    assert bearer(who).get(f"/api/v1/points/households/{hh.pk}").status_code == 404


def test_the_village_lists_an_item_changes_it_and_takes_it_off_sale_through_the_api(bearer, city, items, shop):
    api = bearer("village_cadre")
    r = api.post("/api/v1/points/shelf", {"merchant_id": shop.merchant.pk, "name": "食用油", "price": 80, "stock": 10},
                 content_type="application/json")
    assert r.status_code == 201
    item_id = r.json()["id"]
    r = api.patch(f"/api/v1/points/shelf/{item_id}", {"price": 90, "stock": 12}, content_type="application/json")
    assert r.status_code == 200 and (r.json()["price"], r.json()["stock"]) == (90, 12)
    r = api.patch(f"/api/v1/points/shelf/{item_id}", {"is_active": False}, content_type="application/json")
    assert r.status_code == 200 and r.json()["is_active"] is False
    assert not StoreItem.objects.get(pk=item_id).is_active
    actions = set(AuditRecord.objects.filter(action__startswith="points.store_item").values_list("action", flat=True))
    assert actions == {"points.store_item.create", "points.store_item.update", "points.store_item.deactivate"}


def test_another_towns_commander_cannot_touch_the_shelf(bearer, city, items, shop):
    api = bearer("town_commander_b")
    r = api.post("/api/v1/points/shelf", {"merchant_id": shop.merchant.pk, "name": "食用油", "price": 80, "stock": 10},
                 content_type="application/json")
    assert r.status_code == 404
    r = api.patch(f"/api/v1/points/shelf/{shop.soap.pk}", {"price": 1}, content_type="application/json")
    assert r.status_code == 404
    shop.soap.refresh_from_db()
    assert shop.soap.price == 20


@pytest.mark.parametrize("body", [{"price": 0}, {"price": 100_001}, {"stock": -1}, {"stock": 2**64}])
def test_shelf_numbers_are_bounded(bearer, city, items, shop, body):
    r = bearer("village_cadre").patch(f"/api/v1/points/shelf/{shop.soap.pk}", body, content_type="application/json")
    assert r.status_code == 422
