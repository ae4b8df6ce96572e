"""Each app's ledger (台账) adds up to the module's own figures: on each app's generated demo data, for a village, a
town and the city, in the month with the most records, ``build(actor, …).totals == figures(…)`` read as the
region's cadre or commander — and a ledger's rows stay inside the reader's scope."""

from __future__ import annotations

import importlib
import random
from collections import Counter

import pytest
from django.utils import timezone

from jishi.core import ledgers
from jishi.org.demo.context import DemoContext
from jishi.org.models import Person
from jishi.org.policy import actor_for_user

pytestmark = pytest.mark.django_db

CODES = {"cases.monthly": "jishi.cases", "visits.monthly": "jishi.visits", "points.monthly": "jishi.points",
         "mediation.monthly": "jishi.mediation", "venues.monthly": "jishi.venues"}
READERS = (("village_cadre", "A1"), ("town_commander", "A"), ("city_commander", "city"))


def Ctx():
    return DemoContext(scale="small", seed=7, rng=random.Random(7), progress=lambda it=None, total=None, desc="": it,
                       today=timezone.localdate())


def _people(city) -> None:
    for key in ("A1", "A2", "B1", "B2"):
        for g in ("a", "b"):
            for i in range(3):
                p = Person(name=f"{key}{g}居民{i}", phone=f"1370{ord(g)}{i:04d}"[:11], is_party_member=i == 0)
                p.place_in(city.regions[f"{key}{g}1"])
                p.save()


def _visits(city) -> None:
    """Visits in each village this month and last (the visits demo needs a demo city's rounds)."""
    from datetime import timedelta

    from jishi.org.models import Household
    from jishi.visits.models import VisitLog

    now = timezone.now()
    for n, key in enumerate(("A1a1", "A1b1", "A2a1", "B1a1")):
        hh = Household(code=f"H-{key}-9", address=f"{key}某路{n}号")
        hh.place_in(city.regions[key])
        hh.save()
        for k, method in enumerate(("in_person", "phone", "in_person")):
            log = VisitLog(household=hh, visitor=city.people["grid_worker"], method=method, people_met=k + 1,
                           visited_at=now - timedelta(days=k * 20), residents=2)
            log.place_in(city.regions[key])
            log.save()


def _venues(city) -> None:
    from datetime import timedelta

    from jishi.org.models import Venue
    from jishi.venues.models import Booking, Room

    now = timezone.now()
    for n, key in enumerate(("A1", "A1a", "A2", "B1")):
        v = Venue(name=f"{key}党群服务站", kind="pioneer_station", region=city.regions[key], lng=120.2, lat=31.8)
        v.place_in(city.regions[key])
        v.save()
        room = Room(venue=v, name="活动室")
        room.place_in(city.regions[key])
        room.save()
        for k in range(3):
            b = Booking(room=room, venue=v, starts_at=now - timedelta(days=k * 9, hours=n),
                        ends_at=now - timedelta(days=k * 9, hours=n - 1), purpose="议事", organiser="村委",
                        attendees=10 + k, state="cancelled" if k == 2 else "booked")
            b.place_in(city.regions[key])
            b.save()


HAND_MADE = {"visits.monthly": _visits, "venues.monthly": _venues}


def _busiest_month(code: str, region) -> tuple:
    """The month (first, last) of the last 13 with the largest ledger for ``region`` (as the city)."""
    today = timezone.localdate()
    best, months = None, Counter()
    for back in range(13):
        y, m = divmod(today.year * 12 + today.month - 1 - back, 12)
        first, last = ledgers.month_bounds(today.replace(year=y, month=m + 1, day=1))
        from jishi.org.policy import system_actor

        months[(first, last)] = len(ledgers.build(code, system_actor(), region, first, last).rows)
    best = months.most_common(1)[0]
    return best[0] if best[1] else ledgers.month_bounds(today)


@pytest.mark.parametrize("code", sorted(CODES))
def test_ledger_totals_equal_the_modules_own_figures(city, code):
    _people(city)
    if code in HAND_MADE:
        HAND_MADE[code](city)
    else:
        importlib.import_module(f"{CODES[code]}.demo").generate(Ctx())
    led = ledgers.ledger(code)
    assert led is not None and led.figures is not None
    first, last = _busiest_month(code, city.regions["A1"])
    for user, region_key in READERS:
        region = city.regions[region_key]
        table = led.build(actor_for_user(city.user(user)), region, first, last)
        assert table.totals == led.figures(region, first, last), (code, region_key, first)
        assert table.note and all(len(r) == len(table.columns) for r in table.rows)
    rows = led.build(actor_for_user(city.user("village_cadre")), city.regions["A1"], first, last).rows
    assert rows, f"{code}: no rows in {first:%Y-%m} for A1 — the test would prove nothing"


def test_a_cadre_reads_no_rows_of_another_village(city):
    _people(city)
    importlib.import_module("jishi.cases.demo").generate(Ctx())
    first, last = _busiest_month("cases.monthly", city.regions["B1"])
    theirs = ledgers.build("cases.monthly", actor_for_user(city.user("village_cadre")), city.regions["B1"], first, last)
    assert theirs.rows == [] and theirs.totals["reported"] == 0
