"""The demo year (bulk-inserted without signals) gets its rollups from the cockpit's demo hook, and the
cockpit then keeps them current as the demo cases move on."""

import random
from datetime import date
from types import SimpleNamespace

import pytest

from jishi.cases import demo as cases_demo
from jishi.cases import services
from jishi.cases.models import Case
from jishi.cockpit import demo
from jishi.cockpit.rollups import recompute, stored

pytestmark = pytest.mark.slow  # make check leaves it out; make test runs it


@pytest.fixture
def demo_city(city, monkeypatch):
    monkeypatch.setitem(cases_demo.SCALES, "small", (400, 60))
    monkeypatch.setitem(cases_demo.LIVE, "small", 5)
    ctx = SimpleNamespace(scale="small", seed=3, rng=random.Random(3), progress=lambda *a, **k: None,
                          today=date.today())
    cases_demo.generate(ctx)
    demo.generate(ctx)
    return city


def _nonzero(d):
    return {k: v for k, v in d.items() if any(v.values())}


def test_the_demo_hook_rebuilds_the_rollups_from_the_bulk_inserted_cases(demo_city):
    rows = stored()
    assert sum(v["received"] for k, v in rows.items() if k[0] == "g") == Case.objects.count() == 465
    assert rows == _nonzero(recompute())


def test_after_the_rebuild_the_rollups_follow_further_actions(demo_city):
    case = Case.objects.filter(state__in=["reported", "accepted", "dispatched", "in_progress"]).first()
    assert case is not None
    services.supervise(demo_city.user("city_commander"), case, note="请尽快办理")
    services.report_case(demo_city.user("grid_worker"), channel="patrol", category_code="0101", title="新报",
                         lng=demo_city.point_in("A1a1")[0], lat=demo_city.point_in("A1a1")[1])
    assert stored() == _nonzero(recompute())
