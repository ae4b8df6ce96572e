"""Many simultaneous redemptions on PostgreSQL, each thread with its own connection: no oversell,
no negative balance, holds and stock consistent, and the reconciliation passes (then fails on a
corrupted row)."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from jishi.core.errors import Conflict
from jishi.points import ledger
from jishi.points.choices import AccountKind, OrderStatus
from jishi.points.earning import apply_item
from jishi.points.models import Account, Order, StoreItem
from jishi.points.reconcile import reconcile
from jishi.points.store import place_order

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL: SQLite serialises all writers, so there is no race to test"),
]
THREADS = 12
TRIES = 4


def hammer(fn) -> tuple[int, int, list[BaseException]]:
    ok, refused, errors = [0], [0], []
    lock, start = threading.Lock(), threading.Barrier(THREADS)

    def worker(t: int) -> None:
        try:
            start.wait()
            for n in range(TRIES):
                try:
                    fn(t, n)
                    with lock:
                        ok[0] += 1
                except Conflict:
                    with lock:
                        refused[0] += 1
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return ok[0], refused[0], errors


def test_concurrent_redemptions_from_one_account_never_overdraw(city, items, shop):
    cadre, resident = city.user("village_cadre"), city.people["resident"]
    for n in range(4):
        apply_item(cadre, resident, items["HR01"], key=f"g{n}")  # 40 points: two soaps at 20
    user = city.user("resident")
    ok, refused, errors = hammer(lambda t, n: place_order(user, StoreItem.objects.get(pk=shop.soap.pk), key=f"t{t}-{n}"))
    assert not errors, errors
    assert ok == 2 and refused == THREADS * TRIES - 2
    assert ledger.person_account(resident).balance == 0
    assert ledger.system_account(AccountKind.HOLD, resident.village_id).balance == 40
    shop.soap.refresh_from_db()
    assert shop.soap.reserved == Order.objects.filter(status=OrderStatus.HELD).count() == 2
    assert reconcile().ok
    call_command("reconcile_points")
    Account.objects.filter(kind=AccountKind.HOLD).update(balance=39)
    with pytest.raises(CommandError):
        call_command("reconcile_points")


def test_concurrent_redemptions_never_oversell_the_stock(city, items, shop):
    cadre = city.user("village_cadre")
    buyers = ["resident", "volunteer", "liaison", "grid_worker"]
    for key in buyers:
        for n in range(3):
            apply_item(cadre, city.people[key], items["HR01"], key=f"{key}{n}")  # 30 points each
    StoreItem.objects.filter(pk=shop.soap.pk).update(stock=5, price=5)
    users = [city.user(k) for k in buyers]
    ok, refused, errors = hammer(
        lambda t, n: place_order(users[t % len(users)], StoreItem.objects.get(pk=shop.soap.pk), key=f"t{t}-{n}"))
    assert not errors, errors
    assert ok == 5
    shop.soap.refresh_from_db()
    assert (shop.soap.stock, shop.soap.reserved) == (5, 5)
    assert not Account.objects.filter(kind=AccountKind.REDEEMABLE, balance__lt=0).exists()
    assert sum(a.balance for a in Account.objects.filter(kind=AccountKind.REDEEMABLE)) == 4 * 30 - 5 * 5
    assert reconcile().ok


def test_concurrent_orders_confirmations_and_cancellations_stay_consistent(city, items, shop):
    from jishi.points.store import cancel_order, confirm_voucher

    cadre = city.user("village_cadre")
    buyers = ["resident", "volunteer", "liaison", "grid_worker"]
    for key in buyers:
        for n in range(4):
            apply_item(cadre, city.people[key], items["HR01"], key=f"{key}{n}")  # 40 points each
    StoreItem.objects.filter(pk=shop.soap.pk).update(stock=30, price=10)
    users = [city.user(k) for k in buyers]
    merchant = city.user("merchant")

    def step(t: int, n: int) -> None:
        order = place_order(users[t % len(users)], StoreItem.objects.get(pk=shop.soap.pk), key=f"t{t}-{n}")
        if (t + n) % 3 == 0:
            cancel_order(users[t % len(users)], order)
        elif (t + n) % 3 == 1:
            confirm_voucher(merchant, order.code)

    ok, refused, errors = hammer(step)
    assert not errors, errors  # no deadlock, no integrity error
    shop.soap.refresh_from_db()
    held = Order.objects.filter(status=OrderStatus.HELD).count()
    confirmed = Order.objects.filter(status=OrderStatus.CONFIRMED).count()
    assert shop.soap.reserved == held and shop.soap.stock == 30 - confirmed
    assert ledger.system_account(AccountKind.HOLD, city.regions["A1"].pk).balance == 10 * held
    assert not Account.objects.filter(kind=AccountKind.REDEEMABLE, balance__lt=0).exists()
    assert reconcile().ok


def test_the_same_order_sent_by_many_clients_at_once_orders_once(city, items, shop):
    """A double tap, a retry on a flaky line: eight copies of one order (one key) at once make one order, one
    hold and one reserved unit, and every copy answers with that order."""
    from tests.concurrency import at_once

    cadre, resident = city.user("village_cadre"), city.people["resident"]
    for n in range(4):
        apply_item(cadre, resident, items["HR01"], key=f"g{n}")
    user = city.user("resident")
    results, errors = at_once(8, lambda t: place_order(user, StoreItem.objects.get(pk=shop.soap.pk), key="tap"))
    assert not errors, errors
    assert {o.pk for o in results} == {Order.objects.get().pk}
    assert StoreItem.objects.get(pk=shop.soap.pk).reserved == 1
    assert ledger.person_account(resident).balance == 40 - shop.soap.price
    assert reconcile().ok
