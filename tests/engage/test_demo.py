"""The demo hook writes a year of wishes and micro-projects that the read side and the scope take as any other."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from jishi.core.models import ConsumerCursor
from jishi.engage import demo, queries
from jishi.engage.models import EngageEvent, Need, Project, Wish
from jishi.org.models import Person
from jishi.org.policy import actor_for_user
from jishi.points.models import Posting

pytestmark = pytest.mark.django_db


class Ctx:
    scale, seed, rng, today = "small", 7, random.Random(7), timezone.localdate()

    @staticmethod
    def progress(iterable=None, total=None, desc=""):
        return None


def test_the_demo_year_of_wishes_and_projects(city):
    for key in ("A1", "A2", "B1", "B2"):
        for i in range(3):
            p = Person(name=f"{key}居民{i}", phone=f"1370000{i:04d}")
            p.place_in(city.regions[f"{key}a1"])
            p.save()
    summary = demo.generate(Ctx())
    assert summary.startswith("engage: 26 wishes, 41 projects"), summary
    assert Wish.objects.count() == 26 and Project.objects.count() == 41
    assert Wish.objects.filter(state="thanked").exists() and Project.objects.filter(state="completed").exists()
    closed = Need.objects.filter(state="closed")
    assert closed.exists() and not closed.filter(closed_by__isnull=True).exists()
    assert set(closed.values_list("closed_by__state", flat=True)) == {"completed"}
    today = timezone.localdate()
    rate = queries.fulfilment_rate(None, (today - timedelta(days=366), today))
    assert rate["fulfilled"] == Wish.objects.filter(state__in=("fulfilled", "thanked")).count()
    assert EngageEvent.objects.filter(verb="wish_post").count() == 26
    # the invented history is not told: no points, cursors at the head
    assert not Posting.objects.filter(key__startswith="wish-fulfil:").exists()
    assert ConsumerCursor.objects.get(name="engage.points").position == EngageEvent.objects.latest("id").pk
    a = actor_for_user(city.user("village_cadre"))
    assert set(Wish.objects.restrict(a, "manage").values_list("village_id", flat=True)) == {city.regions["A1"].pk}
