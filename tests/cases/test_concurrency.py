"""Two people acting on one case at once, and two hotline retries at once, on real concurrent
database connections (PostgreSQL: SQLite serialises writers, so the race cannot happen there)."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection

from jishi.cases import services
from jishi.cases.models import Case, CaseEvent
from jishi.core.errors import Conflict
from tests.cases.conftest import walk_to

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL: SQLite serialises writers, no real race"),
]


def _race(*calls):
    """Run each call in its own thread (own DB connection), released together; return outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait()
            outcomes[i] = fn()
        except Exception as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


def test_two_people_acting_on_one_case_at_once_exactly_one_wins(city, report):
    case = walk_to(city, report(), "dispatched")
    copies = [Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)]
    outcomes = _race(
        lambda: services.acknowledge(city.user("dept_urban"), copies[0]),
        lambda: services.return_case(city.user("dept_urban"), copies[1], reason="不是我们的"),
    )
    wins = [o for o in outcomes if isinstance(o, Case)]
    losses = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(wins) == 1 and len(losses) == 1, outcomes
    assert "刷新" in losses[0].message
    final = Case.objects.get(pk=case.pk)
    assert final.state == wins[0].state and final.version == case.version + 1
    assert CaseEvent.objects.filter(case=case, verb__in=["acknowledge", "return"]).count() == 1


def test_six_commanders_dispatching_at_once_make_one_dispatch(city, report):
    case = services.accept(city.user("town_commander"), report())
    copies = [Case.objects.get(pk=case.pk) for _ in range(6)]
    outcomes = _race(*[lambda c=c: services.dispatch(city.user("city_commander"), c, department="D01") for c in copies])
    assert sum(isinstance(o, Case) for o in outcomes) == 1
    assert sum(isinstance(o, Conflict) for o in outcomes) == 5, outcomes
    assert CaseEvent.objects.filter(case=case, verb="dispatch").count() == 1


def test_two_hotline_retries_at_once_make_one_case(city, report):
    lng, lat = city.point_in("A2b1")
    kw = {"channel": "hotline", "category_code": "0601", "title": "小区门口乱停车", "lng": lng, "lat": lat,
          "external_ref": "12345-RACE-0001", "reporter_name": "陈女士"}
    outcomes = _race(*[lambda: services.report_case(None, **kw) for _ in range(4)])
    assert all(isinstance(o, Case) for o in outcomes), outcomes
    assert len({o.pk for o in outcomes}) == 1
    assert sum(o.created for o in outcomes) == 1
    assert Case.objects.filter(external_ref="12345-RACE-0001").count() == 1
