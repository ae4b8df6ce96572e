"""Who sees which case — one rule everywhere: for every role of the test city, ``Case.objects.restrict``
equals ``holds`` case by case, the page of one case opens (200) exactly for those cases (404 for the
rest), and the role's list pages show only cases it can open."""

from __future__ import annotations

import re

import pytest
from django.db.models import Prefetch

from jishi.cases import services
from jishi.cases.models import Case, CaseAssignment
from jishi.core.scope import holds
from jishi.org.policy import actor_for_user
from tests.cases_pages.conftest import advance

LINK = re.compile(r'href="/cases/(\d+)/"')
LIST_PAGES = ("/cases/board/?tab=all", "/cases/grid/", "/cases/dept/?tab=to_ack", "/cases/dept/?tab=in_progress",
              "/cases/dept/?tab=whistled", "/cases/mine/")


@pytest.fixture
def spread(city, make_case, settings):
    """Cases across the city, reported by residents, staff, an informant and the hotline, dispatched to a
    department, whistled to another, dispatched to a village, and closed."""
    settings.JISHI_PAGE_CACHE = False
    made = [
        make_case("A1a 网格员巡查", who="grid_worker", where="A1a1"),
        make_case("A1a 居民上报", who="resident", where="A1a2", channel="resident"),
        make_case("B 镇 A 网格员所见", who="grid_worker", where="B1a1"),  # the worker's own report, elsewhere
        make_case("B2 小蜜蜂", who="informant", where="B2b1", channel="informant"),
        make_case("A2 匿名", who="resident", where="A2a1", channel="resident", anonymous=True),
        make_case("A1a2 志愿者", who="volunteer", where="A1a2"),
    ]
    lng, lat = city.point_in("B1b1")
    made.append(services.report_case(None, channel="hotline", category_code="0101", title="热线 B1b",
                                     lng=lng, lat=lat, external_ref="12345-1"))
    advance(made[0], city, "in_progress")  # at the urban department
    whistled = services.accept(None, made[3])
    services.whistle(None, whistled, departments=["D02"], reason="联合处置")  # at the water department
    region_case = services.accept(None, made[6])
    services.dispatch(None, region_case, region=city.regions["B1"])
    advance(made[1], city, "closed")
    return made


@pytest.mark.parametrize("who", ["admin", "city_commander", "town_commander", "town_commander_b", "village_cadre",
                                 "grid_leader", "grid_worker", "grid_worker_b", "liaison", "volunteer", "dept_urban",
                                 "dept_water", "resident", "informant", "merchant", "nobody"])
def test_restrict_holds_and_the_case_pages_agree_for_every_role(client, login, city, spread, who):
    actor = actor_for_user(city.user(who))
    every = list(Case.objects.order_by("pk"))
    restricted = set(Case.objects.restrict(actor, "view").values_list("pk", flat=True))
    assert restricted == {c.pk for c in every if holds(actor, "view", c)}, who
    prefetched = Case.objects.prefetch_related(Prefetch("assignments", queryset=CaseAssignment.objects.all()))
    assert restricted == {c.pk for c in prefetched if holds(actor, "view", c)}, who  # in memory, same answer

    login(who)
    status = {c.pk: client.get(f"/cases/{c.pk}/").status_code for c in every}
    assert status == {c.pk: 200 if c.pk in restricted else 404 for c in every}, who
    listed: set[int] = set()
    for url in LIST_PAGES:
        r = client.get(url)
        if r.status_code == 200:
            listed |= {int(i) for i in LINK.findall(r.content.decode())}
    assert listed <= restricted, (who, listed - restricted)


def test_the_matrix_is_not_trivial(city, spread):
    """Roles see different, non-empty parts of the city (so the test above compares something)."""
    seen = {who: set(Case.objects.restrict(actor_for_user(city.user(who)), "view").values_list("pk", flat=True))
            for who in ("admin", "town_commander", "grid_worker", "dept_water", "resident", "nobody")}
    assert seen["admin"] == {c.pk for c in spread}
    assert seen["grid_worker"] - seen["town_commander"] == {spread[2].pk}  # their own report in town B
    assert seen["dept_water"] == {spread[3].pk}
    assert seen["resident"] == {spread[1].pk, spread[4].pk}  # an anonymous report stays the reporter's own
    assert seen["nobody"] == set()
