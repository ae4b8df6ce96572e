"""Redemption: order holds points and reserves stock, the merchant confirms, cancel/expiry release, settlement."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jishi.core.errors import Conflict, NotFound, PermissionDenied
from jishi.points import ledger
from jishi.points.choices import AccountKind, OrderStatus
from jishi.points.earning import apply_item
from jishi.points.models import Order
from jishi.points.reconcile import reconcile
from jishi.points.store import cancel_order, confirm_voucher, expire_due, place_order, settle_month


@pytest.fixture
def rich(city, items):
    cadre, resident = city.user("village_cadre"), city.people["resident"]
    for n in range(4):
        apply_item(cadre, resident, items["HR01"], key=f"good{n}")
    return resident  # 40 points


def test_an_order_holds_points_and_reserves_a_unit(city, shop, rich):
    order = place_order(city.user("resident"), shop.soap)
    assert order.status == OrderStatus.HELD and len(order.code) == 10
    assert ledger.person_account(rich).balance == 20
    assert ledger.system_account(AccountKind.HOLD, rich.village_id).balance == 20
    shop.soap.refresh_from_db()
    assert (shop.soap.stock, shop.soap.reserved) == (50, 1)
    assert reconcile().ok


def test_an_order_locks_the_item_only_for_its_last_statements(city, shop, rich):
    """On a market day every order of one item queues on the item's row: the accounts are found and the order
    and its audit row written before the reservation locks the row; then the accounts are locked, the hold is
    posted and the transaction commits."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jishi.org.policy import actor_for_user
    from jishi.points.models import StoreItem

    place_order(city.user("resident"), shop.soap)  # opens the hold account
    item = StoreItem.objects.select_related("merchant").get(pk=shop.soap.pk)
    actor = actor_for_user(city.user("resident"))
    with CaptureQueriesContext(connection) as ctx:
        place_order(actor, item, person=rich)
    skip = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT")
    sql = [q["sql"] for q in ctx.captured_queries if q["sql"].split()[0].upper() not in skip]
    reserve = next(i for i, q in enumerate(sql) if q.startswith("UPDATE") and "points_storeitem" in q)
    assert 'INSERT INTO "points_order"' in " ".join(sql[:reserve]) and "core_auditrecord" in sql[reserve - 1]
    # under the item's lock: the reservation, the accounts FOR UPDATE, the posting (SQLite: its insert, the
    # balances and the entries apart)
    assert len(sql) - reserve == (3 if settings.IS_POSTGRES else 5), sql[reserve:]
    assert reserve == 5, sql[:reserve]  # sold here (EXISTS), 2 accounts, order, audit: nothing locked yet
    assert reconcile().ok


def test_a_retried_order_returns_the_first_and_reserves_nothing_more(city, shop, rich):
    a = place_order(city.user("resident"), shop.soap, key="tap-2")
    b = place_order(city.user("resident"), shop.soap, key="tap-2")
    shop.soap.refresh_from_db()
    assert b.pk == a.pk and b.replayed and shop.soap.reserved == 1 and Order.objects.count() == 1


def test_an_order_beyond_the_balance_is_refused_and_changes_nothing(city, shop, rich):
    with pytest.raises(Conflict, match="余额不足"):
        place_order(city.user("resident"), shop.rice)
    shop.rice.refresh_from_db()
    assert shop.rice.reserved == 0 and not Order.objects.exists()


def test_the_same_order_key_orders_once(city, shop, rich):
    a = place_order(city.user("resident"), shop.soap, key="tap-1")
    b = place_order(city.user("resident"), shop.soap, key="tap-1")
    assert a.pk == b.pk and ledger.person_account(rich).balance == 20


def test_the_merchant_confirms_the_voucher_and_the_hold_settles(city, shop, rich):
    order = place_order(city.user("resident"), shop.soap)
    with pytest.raises(PermissionDenied):
        confirm_voucher(city.user("resident"), order.code)
    with pytest.raises(NotFound):
        confirm_voucher(city.user("merchant"), "0000000000" if order.code != "0000000000" else "1")
    order = confirm_voucher(city.user("merchant"), f" {order.code[:5]} {order.code[5:]} ")
    assert order.status == OrderStatus.CONFIRMED
    assert ledger.merchant_account(shop.merchant).balance == 20
    shop.soap.refresh_from_db()
    assert (shop.soap.stock, shop.soap.reserved) == (49, 0)
    with pytest.raises(Conflict):
        confirm_voucher(city.user("merchant"), order.code)
    report = reconcile()
    assert report.ok and (report.issued, report.redeemed, report.held, report.outstanding) == (40, 20, 0, 20)


def test_cancel_and_expiry_release_the_hold(city, shop, rich):
    a = place_order(city.user("resident"), shop.soap)
    b = place_order(city.user("resident"), shop.soap)
    cancel_order(city.user("resident"), a)
    assert ledger.person_account(rich).balance == 20
    assert expire_due(timezone.now() + timedelta(days=31)) == 1
    b.refresh_from_db()
    assert b.status == OrderStatus.EXPIRED and ledger.person_account(rich).balance == 40
    shop.soap.refresh_from_db()
    assert shop.soap.reserved == 0
    with pytest.raises(Conflict):
        cancel_order(city.user("resident"), a)
    assert reconcile().ok


def test_stock_runs_out(city, shop, items):
    cadre, resident = city.user("village_cadre"), city.people["resident"]
    for n in range(4):
        apply_item(cadre, resident, items["WJ01"], key=f"x{n}")  # nothing to deduct
    from jishi.points.earning import grant_base_points

    grant_base_points(cadre, city.regions["A1"], 2026)
    for _ in range(3):
        place_order(city.user("resident"), shop.rice)
    with pytest.raises(Conflict, match="兑完"):
        place_order(city.user("resident"), shop.rice)
    assert ledger.person_account(resident).balance == 0


def test_a_monthly_settlement_converts_points_at_the_merchant_rate(city, shop, rich):
    order = place_order(city.user("resident"), shop.soap)
    confirmed = timezone.make_aware(datetime(2026, 10, 20, 10))
    Order.objects.filter(pk=order.pk).update(expires_at=confirmed + timedelta(days=30))
    confirm_voucher(city.user("merchant"), order.code, now=confirmed)
    with pytest.raises(PermissionDenied):
        settle_month(city.user("merchant"), shop.merchant, date(2026, 10, 1))
    s = settle_month(city.user("town_commander"), shop.merchant, date(2026, 10, 1))
    assert (s.orders, s.points, s.amount) == (1, 20, Decimal("2.00"))
    assert settle_month(city.user("town_commander"), shop.merchant, date(2026, 10, 1)).pk == s.pk


def test_the_monthly_job_settles_last_month_for_every_merchant(city, shop, rich):
    from jishi.points.models import Settlement
    from jishi.points.tasks import settle_last_month

    order = place_order(city.user("resident"), shop.soap)
    confirm_voucher(city.user("merchant"), order.code, now=timezone.make_aware(datetime(2026, 10, 20, 10)))
    assert settle_last_month(date(2026, 11, 1)) == 1
    s = Settlement.objects.get(merchant=shop.merchant)
    assert (s.month, s.points) == (date(2026, 10, 1), 20)
