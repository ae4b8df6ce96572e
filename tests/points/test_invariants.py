"""Hypothesis: any sequence of earn / deduct / order / cancel / confirm / reverse keeps every balance equal
to the sum of its entries, issued − redeemed − held = outstanding, and no redeemable balance below zero."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jishi.core.errors import Conflict
from jishi.points.choices import NON_NEGATIVE, OrderStatus
from jishi.points.earning import apply_item, reverse
from jishi.points.models import Account, Order, Posting, StoreItem
from jishi.points.reconcile import reconcile
from jishi.points.store import cancel_order, confirm_voucher, place_order

PEOPLE = ["resident", "volunteer", "liaison"]
step = st.one_of(
    st.tuples(st.just("earn"), st.sampled_from(PEOPLE), st.sampled_from(["ZY01", "HR01", "HY01"])),
    st.tuples(st.just("deduct"), st.sampled_from(PEOPLE), st.sampled_from(["KC01", "WJ01"])),
    st.tuples(st.just("order"), st.sampled_from(PEOPLE), st.sampled_from(["soap", "rice"])),
    st.tuples(st.just("cancel"), st.integers(0, 20), st.none()),
    st.tuples(st.just("confirm"), st.integers(0, 20), st.none()),
    st.tuples(st.just("reverse"), st.integers(0, 40), st.none()),
)


class Rollback(Exception):
    pass


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=25))
def test_random_ledger_histories_keep_the_invariants(city, items, shop, steps):
    cadre, merchant = city.user("village_cadre"), city.user("merchant")
    try:
        with transaction.atomic():
            for n, (verb, a, b) in enumerate(steps):
                try:
                    with transaction.atomic():
                        if verb in ("earn", "deduct"):
                            apply_item(cadre, city.people[a], items[b], key=f"s{n}")
                        elif verb == "order":
                            place_order(city.user(a), getattr(shop, b), key=f"o{n}")
                        elif verb in ("cancel", "confirm"):
                            orders = list(Order.objects.order_by("pk"))
                            if orders:
                                o = orders[a % len(orders)]
                                if verb == "cancel":
                                    cancel_order(cadre, o)
                                else:
                                    confirm_voucher(merchant, o.code)
                        else:
                            postings = list(Posting.objects.filter(kind__in=["earn", "deduct"]).order_by("pk"))
                            if postings:
                                reverse(cadre, postings[a % len(postings)], "随机冲正")
                except Conflict:
                    pass  # refused whole: nothing changed
                report = reconcile()
                assert report.ok, report.problems
                assert not Account.objects.filter(kind__in=list(NON_NEGATIVE), balance__lt=0).exists()
                for item in StoreItem.objects.all():
                    held = Order.objects.filter(item=item, status=OrderStatus.HELD).count()
                    assert item.reserved == held and item.stock >= item.reserved
            raise Rollback
    except Rollback:
        pass
