"""The demo hook writes the report's figures, and the read side takes them as any other rows."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.utils import timezone

from jishi.blueprint import demo, queries, rollup
from jishi.blueprint.models import AllianceProblem, FundProject, Project
from jishi.org.policy import actor_for_user

pytestmark = pytest.mark.django_db


class Ctx:
    scale, seed, rng, today = "small", 7, random.Random(7), timezone.localdate()

    @staticmethod
    def progress(iterable=None, total=None, desc=""):
        return None


def test_the_demo_blueprint_fund_and_alliances(city):
    summary = demo.generate(Ctx())
    assert summary.startswith("blueprint: 153 projects")
    assert Project.objects.filter(kind="secretary").count() == 109 and Project.objects.filter(kind="key").count() == 44
    assert set(Project.objects.values_list("level", flat=True)) == {"city", "town", "village"}
    top = Project.objects.get(parent=None, kind="secretary")
    kids = list(top.children.values_list("weight", "progress"))
    assert sum(w for w, _ in kids) == 100
    assert abs(top.progress - rollup.stored(rollup.weighted(kids))) <= Decimal("0.01")
    assert FundProject.objects.count() == 16
    totals = queries.fund_totals(FundProject.objects.first().tranche.fund, FundProject.objects.all())
    assert totals["budget"] == Decimal("40860000")
    assert Decimal("11000000") < totals["expected"] < Decimal("13000000")
    assert AllianceProblem.objects.filter(state="solved").count() == 925
    stats = queries.alliance_stats(list(AllianceProblem.objects.values_list("alliance_id", flat=True).distinct()))
    assert sum(s["solved"] for s in stats.values()) == 925
    a = actor_for_user(city.user("town_commander_b"))
    assert AllianceProblem.objects.restrict(a, "view").exists()
    assert demo.generate(Ctx()).startswith("blueprint: 0 projects")  # a second run adds nothing
