"""Idempotency-Key under real concurrent connections on PostgreSQL: the same batch inspection or policy decision
sent by many clients at once is recorded once; stock changes never undercut reservations made meanwhile."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from django.conf import settings

from jishi.core.errors import Conflict
from jishi.org.models import Household, Person
from jishi.points import shelf
from jishi.points.claims import score_inspection
from jishi.points.earning import apply_item
from jishi.points.models import Inspection, Policy, Posting, StoreItem
from jishi.points.rules import adopt_policy
from jishi.points.store import place_order
from tests.concurrency import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL: SQLite serialises all writers"),
]
THREADS = 8


def together(fn) -> tuple[list, list[BaseException]]:
    return at_once(THREADS, fn)


def test_the_same_inspection_sent_at_once_by_many_clients_is_scored_once(city, items):
    homes = []
    for n in range(3):
        hh = Household(code=f"H-A1-{n:03d}", address=f"A1村{n}组")
        hh.place_in(city.regions["A1a2"])
        hh.save()
        p = Person(name=f"户主{n}", household=hh, is_household_head=True)
        p.place_in(city.regions["A1a2"])
        p.save()
        homes.append(hh)
    cadre, village = city.user("village_cadre"), city.regions["A1"]
    scores = {h.pk: ["TY01", "LJ01"] for h in homes}
    results, errors = together(lambda t: score_inspection(cadre, village, "11月检查", date(2026, 11, 20), scores,
                                                          key="api:same").pk)
    assert not errors, errors
    assert len(set(results)) == 1 and Inspection.objects.count() == 1
    assert Posting.objects.count() == 6


def test_the_same_policy_decision_sent_at_once_is_one_version(city, items):
    cadre, village = city.user("village_cadre"), city.regions["A1"]
    results, errors = together(lambda t: adopt_policy(cadre, village, decision="决议〔2026〕3号",
                                                      decided_on=date(2026, 11, 2), base_points=300, key="api:dec").pk)
    assert not [e for e in errors if not isinstance(e, Conflict)], errors
    assert Policy.objects.count() == 1 and set(results) == {Policy.objects.get().pk}


def test_cutting_stock_while_villagers_order_never_leaves_reservations_above_stock(city, items, shop):
    cadre = city.user("village_cadre")
    rice = shop.rice
    StoreItem.objects.filter(pk=rice.pk).update(stock=20, price=1)
    people = []
    for n in range(THREADS - 1):
        p = Person(name=f"村民{n}")
        p.place_in(city.regions["A1a1"])
        p.save()
        apply_item(cadre, p, items["HR01"], key=f"seed{n}")
        people.append(p)

    def act(t: int):
        if t == THREADS - 1:
            for stock in (10, 6, 3):
                with contextlib.suppress(Conflict):  # refused when reservations already exceed it
                    shelf.update_item(cadre, StoreItem.objects.get(pk=rice.pk), stock=stock)
            return None
        made = 0
        for _ in range(3):
            try:
                place_order(cadre, StoreItem.objects.get(pk=rice.pk), person=people[t])
                made += 1
            except Conflict:
                pass
        return made

    _, errors = together(act)
    assert not errors, errors
    rice.refresh_from_db()
    assert 0 <= rice.reserved <= rice.stock
