"""A claim race on one wish has exactly one winner: eight volunteers claim at once on their own database
connections (PostgreSQL: SQLite serialises writers, so there the race is run as sequential stale reads)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from jishi.core.errors import Conflict
from jishi.engage import wishes
from jishi.engage.models import EngageEvent, Wish
from jishi.org.models import Person
from tests.concurrency import at_once
from tests.engage.conftest import published
from tests.factories import PASSWORD

N = 8


def _volunteers(city, n):
    users = []
    for i in range(n):
        u = get_user_model().objects.create_user(f"vol{i}", password=PASSWORD, first_name=f"志愿者{i}")
        p = Person(name=f"志愿者{i}", user=u, phone=f"139000000{i:02d}")
        p.place_in(city.regions["A1a2"])
        p.save()
        users.append(u)
    return users


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL: SQLite serialises writers, no real race")
def test_eight_volunteers_claiming_one_wish_at_once_exactly_one_wins(city):
    w = published(city)
    users = _volunteers(city, N)
    results, errors = at_once(N, lambda i: wishes.claim_wish(users[i], Wish.objects.get(pk=w.pk)))
    assert len(results) == 1, (results, errors)
    assert len(errors) == N - 1 and all(isinstance(e, Conflict) and "已被他人认领" in e.message for e in errors)
    w.refresh_from_db()
    assert w.state == "claimed" and w.claimant_id == results[0].claimant_id and w.version == 3
    assert EngageEvent.objects.filter(wish=w, verb="wish_claim").count() == 1


def test_stale_copies_claiming_one_after_another_leave_one_claimant(city):
    w = published(city)
    users = _volunteers(city, 3)
    copies = [Wish.objects.get(pk=w.pk) for _ in users]
    outcomes = []
    for u, c in zip(users, copies, strict=True):
        try:
            outcomes.append(wishes.claim_wish(u, c))
        except Conflict as exc:
            outcomes.append(exc)
    assert sum(isinstance(o, Wish) for o in outcomes) == 1
    assert EngageEvent.objects.filter(wish=w, verb="wish_claim").count() == 1
