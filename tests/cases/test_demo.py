"""The demo year of cases on the test city: realistic shares, consistent timelines, points inside
their micro-grids."""

import random
from datetime import date
from types import SimpleNamespace

import pytest
from django.db.models import Count

from jishi.cases import demo
from jishi.cases.models import Case, CaseEvent
from jishi.cases.sla import sweep
from jishi.org.geo import locator

pytestmark = pytest.mark.slow  # make check leaves it out; make test runs it


@pytest.fixture
def demo_city(city, monkeypatch):
    monkeypatch.setitem(demo.SCALES, "small", (2000, 300))
    monkeypatch.setitem(demo.LIVE, "small", 0)
    ctx = SimpleNamespace(scale="small", seed=7, rng=random.Random(7), progress=lambda *a, **k: None,
                          today=date(2026, 11, 27))
    demo.generate(ctx)
    return city


def test_the_demo_year_has_every_channel_and_about_98_9_percent_closed(demo_city):
    assert Case.objects.count() == 2300
    channels = set(Case.objects.values_list("channel", flat=True))
    assert channels == {"patrol", "resident", "informant", "visit", "sensor", "alliance", "hotline"}
    grid = Case.objects.exclude(channel="hotline")
    share = grid.filter(state="closed").count() / grid.count()
    assert 0.975 < share < 0.998
    assert Case.objects.filter(resolved_on_spot=True).exists() and Case.objects.filter(rework_count__gt=0).exists()
    assert Case.objects.filter(channel="hotline", external_ref__isnull=True).count() == 0
    assert Case.objects.values("number").annotate(n=Count("id")).filter(n__gt=1).count() == 0


def test_every_demo_timeline_ends_in_the_cases_state(demo_city):
    last = {}
    for case_id, to_state in CaseEvent.objects.order_by("at", "id").values_list("case_id", "to_state"):
        last[case_id] = to_state
    states = dict(Case.objects.values_list("id", "state"))
    assert last == states


def test_demo_points_lie_inside_their_micro_grids(demo_city):
    rows = list(Case.objects.values_list("lng", "lat", "microgrid_id"))
    found = locator().locate([r[0] for r in rows], [r[1] for r in rows])
    assert all(int(f) == r[2] for f, r in zip(found, rows, strict=True))


def test_the_sweep_runs_over_the_demo_year(demo_city):
    first = sweep()
    assert sweep().created == []
    assert first.checked >= 0


def test_the_small_demo_adds_a_live_queue_of_open_cases_in_every_state(city, monkeypatch):
    monkeypatch.setitem(demo.SCALES, "small", (40, 10))
    monkeypatch.setitem(demo.LIVE, "small", 60)
    ctx = SimpleNamespace(scale="small", seed=3, rng=random.Random(3), progress=lambda *a, **k: None,
                          today=date(2026, 11, 27))
    demo.generate(ctx)
    assert Case.objects.count() == 110
    live = Case.objects.filter(id__gt=50)
    assert live.filter(state__in=["closed", "rejected"]).count() == 0
    assert {"reported", "accepted", "dispatched", "in_progress", "handled"} <= set(live.values_list("state", flat=True))
    assert all(c.reported_at.date() >= date(2026, 11, 23) for c in live)
