"""Blueprint fixtures: a year's blueprint, a town project with two weighted village children, a time node."""

from __future__ import annotations

from datetime import date

import pytest

YEAR = 2026


@pytest.fixture
def bp(db):
    from jishi.blueprint.services import blueprint_of

    return blueprint_of(YEAR)


def make_project(city, bp, who="town_commander", region="A", parent=None, weight=100, **kw):
    from jishi.blueprint import services

    args = {"title": "A镇人居环境整治提升", "owner_name": "A镇党委", "secretary": "王书记",
            "starts_on": date(YEAR, 1, 1), "ends_on": date(YEAR, 12, 31)}
    args.update(kw)
    return services.create_project(city.user(who) if who else None, bp, region=city.regions[region], parent=parent,
                                   weight=weight, **args)


@pytest.fixture
def tree(city, bp):
    """A town project (A) with two village children: A1 (60%) and A2 (40%)."""
    top = make_project(city, bp)
    a1 = make_project(city, bp, region="A1", parent=top, weight=60, title="A1村污水管网", owner_name="A1村党总支")
    a2 = make_project(city, bp, region="A2", parent=top, weight=40, title="A2村道路硬化", owner_name="A2村党总支")
    return top, a1, a2
