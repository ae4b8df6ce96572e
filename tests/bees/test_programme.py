"""公益积分 are a programme of the points ledger: an accepted informant report credits the informant's 公益积分
(not their villager's points); 公益积分 are spent only at 爱心商家 and villagers' points only at ordinary shops;
the merchant confirms as any voucher; the ledger still reconciles per programme."""

from __future__ import annotations

import pytest

from jishi.bees import caring as welfare
from jishi.cases import services
from jishi.cases.choices import Channel
from jishi.core.errors import Conflict, NotFound, ValidationFailed
from jishi.points import earning, ledger, store
from jishi.points.choices import AccountKind, Programme
from jishi.points.models import Account, PointItem, StoreItem
from jishi.points.reconcile import reconcile
from jishi.points.rules import seed_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(db):
    seed_template()
    return {i.code: i for i in PointItem.objects.all()}


def accepted_report(city, user, title="路灯不亮"):
    lng, lat = city.point_in("A1a1")
    case = services.report_case(user, channel=Channel.INFORMANT, category_code="0101", title=title,
                                description="路口路灯坏了", lng=lng, lat=lat)
    services.accept(city.user("village_cadre"), case)
    return case


def test_an_accepted_report_of_a_rider_credits_their_公益积分_not_villager_points(city, rider, items):
    case = accepted_report(city, rider.user)
    posting = earning.award_informant(case)  # the consumer already did: a replay of the same key
    assert posting.replayed and posting.kind == "welfare" and posting.honour == 0
    assert welfare.balance(rider.person) == posting.points > 0
    assert not Account.objects.filter(person=rider.person, kind__in=[AccountKind.REDEEMABLE, AccountKind.HONOUR]).exists()
    r = reconcile()
    assert r.ok, r.problems
    assert r.welfare_issued == r.welfare_outstanding == posting.points and r.issued == r.outstanding


def _credit(person, points):
    src = ledger.system_account(AccountKind.WELFARE_SOURCE, person.village_id)
    ledger.post(key=f"t:{person.pk}:{points}", kind="welfare", legs=[(src, -points),
                (ledger.person_account(person, AccountKind.WELFARE), points)], reason="测试", person=person, points=points)


def test_公益积分_buy_at_a_caring_merchant_who_confirms_and_the_ledger_balances(city, rider, caring, items):
    _credit(rider.person, 12)
    it = StoreItem.objects.get(merchant=caring.merchant)
    order = store.place_order(rider.user, it)  # the points store's own order service
    assert order.points == 5 and welfare.balance(rider.person) == 7
    assert Account.objects.get(kind=AccountKind.WELFARE_HOLD, village=rider.village).balance == 5
    store.confirm_voucher(city.user("merchant"), order.code)
    assert ledger.merchant_account(caring.merchant).kind == AccountKind.WELFARE_MERCHANT
    assert ledger.merchant_account(caring.merchant).balance == 5
    r = reconcile()
    assert r.ok, r.problems
    assert (r.welfare_issued, r.welfare_redeemed, r.welfare_held, r.welfare_outstanding) == (12, 5, 0, 7)
    assert r.redeemed == 0  # the villagers' programme is untouched


def test_公益积分_cannot_buy_at_an_ordinary_shop(city, rider, village_shop):
    _credit(rider.person, 50)
    it = StoreItem.objects.get(merchant=village_shop)
    with pytest.raises(NotFound):  # the bees service only offers caring merchants' items
        welfare.redeem(rider.user, it.pk)
    with pytest.raises((ValidationFailed, Conflict)):  # the store: no villager points, or not their village's shop
        store.place_order(rider.user, it)
    assert welfare.balance(rider.person) == 50 and StoreItem.objects.get(pk=it.pk).reserved == 0


def test_villagers_points_cannot_buy_at_a_caring_merchant(city, caring, items):
    resident = city.people["resident"]
    earning.apply_item(city.user("village_cadre"), resident, items["HR01"], key="t1")  # 好人好事 +10
    assert ledger.person_account(resident).balance >= 10
    it = StoreItem.objects.get(merchant=caring.merchant)
    with pytest.raises(Conflict) as e:  # debits the 公益积分 account, which is empty
        store.place_order(city.user("resident"), it)
    assert e.value.code == "insufficient_points"
    assert StoreItem.objects.get(pk=it.pk).reserved == 0


def test_the_villagers_store_does_not_list_caring_merchants(city, caring, village_shop):
    person = city.people["resident"]
    assert {i.merchant.programme for i in store.store_items_for(person)} == {Programme.VILLAGE}
    assert {i.merchant.programme for i in store.store_items_for(person, Programme.WELFARE)} == {Programme.WELFARE}
