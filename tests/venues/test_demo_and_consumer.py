"""The demo hook on the test city, and the coverage consumer's bookkeeping: it recomputes once per batch that
moves the circle, and `jishi status --check` names a lost event."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from jishi.core import consumers
from jishi.org.models import Venue
from jishi.venues import demo, queries
from jishi.venues.consumers import check
from jishi.venues.models import Booking, CoverageRun, Room, VenueEvent, VenueProfile
from tests.venues.conftest import east, household, venue

pytestmark = pytest.mark.django_db


class Ctx:
    scale, seed, rng, today = "small", 7, random.Random(7), timezone.localdate()

    @staticmethod
    def progress(iterable=None, total=None, desc=""):
        return None


def test_the_demo_hook_places_venues_among_households_and_computes_the_circle(city, street):
    for i in range(14):
        v = Venue(name=f"点{i}", kind="neighbourhood_point" if i else "party_mass_centre", region=city.regions["A1"],
                  lng=120.239, lat=31.839)  # the village's far corner, away from everyone
        v.place_in(city.regions["A1"])
        v.save()
    for i in range(20):
        household(city, "A1b2", f"D{i}", east(100 * i, (120.225, 31.83)))
    summary = demo.generate(Ctx())
    assert "14 个阵地" in summary and "8分钟服务圈覆盖" in summary
    assert VenueProfile.objects.count() == 14 and Room.objects.count() == 3  # the centre's three rooms
    assert Booking.objects.filter(room__venue__kind="party_mass_centre").exists()
    moved = Venue.objects.exclude(lng=120.239).count()
    assert moved == 14  # every venue now stands at a household
    run = CoverageRun.objects.get()
    assert run.households == 25 and run.covered == queries.eight_minute_coverage(city.regions["city"]).covered
    assert run.covered >= 20


def test_one_recomputation_per_batch_and_a_lost_event_is_named(city, street, settings):
    venue(city)
    assert CoverageRun.objects.count() == 1
    last = VenueEvent.objects.order_by("-id").first()
    assert check(last.pk) == []
    # an event the consumer never applied (written behind its back) is reported by the check
    lost = VenueEvent.objects.create(verb="close", at=timezone.now(), data={})
    assert [f"阵地动态 #{lost.pk}" in line for line in check(lost.pk)] == [True]
    consumers.drain(["venues.coverage"])
    assert check(lost.pk) == [] and CoverageRun.objects.count() == 2


def test_the_circle_and_the_network_are_offered_to_the_evaluation(city, street):
    from jishi.core.indicators import compute

    today, a1 = timezone.localdate(), city.regions["A1"]
    assert compute("venues.eight_minute", a1, today, today).value is None  # never computed: no number invented
    for i in range(14):
        v = Venue(name=f"点{i}", kind="neighbourhood_point" if i else "party_mass_centre", region=a1,
                  lng=120.239, lat=31.839)
        v.place_in(a1)
        v.save()
    for i in range(20):
        household(city, "A1b2", f"D{i}", east(100 * i, (120.225, 31.83)))
    demo.generate(Ctx())
    circle, cov = compute("venues.eight_minute", a1, today, today), queries.eight_minute_coverage(a1)
    assert (circle.numerator, circle.denominator) == (cov.covered, cov.households) and cov.households
    assert circle.value == cov.covered / cov.households and f"region={a1.pk}" in circle.url
    network, vc = compute("venues.network", a1, today, today), queries.venue_coverage(a1)
    assert (network.value, network.numerator, network.denominator) == (vc.rate, vc.complete, vc.villages)
