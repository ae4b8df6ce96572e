"""The demo hook writes a year of disputes that the read side and the scope take as any other."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from jishi.mediation import demo, queries
from jishi.mediation.models import Dispute, MediationEvent, Mediator, Meeting
from jishi.org.policy import actor_for_user

pytestmark = pytest.mark.django_db


class Ctx:
    scale, seed, rng, today = "small", 7, random.Random(7), timezone.localdate()

    @staticmethod
    def progress(iterable=None, total=None, desc=""):
        return None


def test_the_demo_year_of_disputes(city, studio):
    Mediator.objects.all().delete()
    summary = demo.generate(Ctx())
    assert summary.startswith("mediation: 150 disputes")
    assert Dispute.objects.count() == 150 and Meeting.objects.exists()
    assert set(Dispute.objects.values_list("level", flat=True)) == {"village", "town", "city"}
    assert Dispute.objects.filter(studio=studio).exists()
    assert MediationEvent.objects.filter(verb="register").count() == 150
    today = timezone.localdate()
    shares = queries.level_shares(None, (today - timedelta(days=366), today))
    assert shares["resolved"] == Dispute.objects.filter(state="agreed").count()
    assert 0.6 < shares["village_share"] < 0.9
    a = actor_for_user(city.user("village_cadre"))
    assert set(Dispute.objects.restrict(a, "mediate").values_list("village_id", flat=True)) == {city.regions["A1"].pk}
