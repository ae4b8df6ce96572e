"""The demo: the city preset plans the report's figures (no database); the small scale writes a few of each,
fast, consistent with the services' rules, and the pages and record read them."""

from __future__ import annotations

import random
import time

import pytest
from django.utils import timezone

from jishi.cadres import demo, queries
from jishi.cadres.models import Applicant, CadreEvent, Contest, ReserveMember, Round, Secondment
from jishi.org.policy import actor_for_user


def test_city_preset_plans_the_reports_figures():
    p = demo.plan("city", 191)
    assert p["placed"] == 299 and sum(p["per_village"]) == 299 and p["positions_per_village"] == 2
    assert p["reserve"] >= 600 and p["from_rounds"] + p["nominated"] == p["reserve"]
    assert p["contests"] >= 50 and p["secondments"] == 63
    assert p["applicants"] == 299 + p["from_rounds"] + p["not_selected"] + p["disqualified"]


class Ctx:
    scale, seed, rng, today = "small", 7, random.Random(7), timezone.localdate()

    @staticmethod
    def progress(iterable=None, total=None, desc=""):
        return iterable


@pytest.mark.django_db
def test_small_demo_writes_a_few_of_each_quickly(city):
    t = time.perf_counter()
    summary = demo.generate(Ctx())
    assert time.perf_counter() - t < 2, summary
    p = demo.plan("small", 4)
    assert Applicant.objects.filter(stage="placed").count() == p["placed"]
    assert Round.objects.count() == 2 and Contest.objects.count() == p["contests"]
    assert Secondment.objects.count() == p["secondments"]
    assert ReserveMember.objects.filter(state="active").count() == p["reserve"]
    for r in Round.objects.all():  # no village over its posts
        for v in {a.village_id for a in r.applicants.all()}:
            assert r.applicants.filter(village_id=v, stage="placed").count() <= r.positions_per_village
    actor = actor_for_user(city.user("city_commander"))
    a = Applicant.objects.filter(stage="reserve").first()
    rec = queries.record(actor, a.person_id)
    assert [e.verb for e in rec["events"]][:4] == ["apply", "rank", "reserve", "pool_add"]
    assert CadreEvent.objects.filter(verb="contest_close").count() == sum(c.contestants.count()
                                                                           for c in Contest.objects.all())
    assert demo.generate(Ctx()) == "cadres: skipped"  # once
