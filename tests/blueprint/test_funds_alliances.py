"""The 共富基金 (totals rolled up from projects, approval within the tranche, payments within the budget, a weak
village's income before/after) and the 毗邻党建联盟 (a problem raised by one member visible to every member,
including outside ones, solved by another; solved counts per alliance and field)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from jishi.blueprint import alliances, funds, queries
from jishi.blueprint.models import Alliance, AllianceMember, AllianceProblem, Fund, Tranche
from jishi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jishi.org.policy import actor_for_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(db):
    f = Fund.objects.create(name="乡村振兴·共富基金", size=Decimal("200000000"), founded_on=date(2025, 1, 1))
    Tranche.objects.create(fund=f, number=1, amount=Decimal("40860000"), opened_on=date(2025, 3, 1))
    return f


def test_fund_totals_roll_up_from_projects_and_money_rules_hold(city, fund):
    t = fund.tranches.get()
    p1 = funds.propose(city.user("village_cadre"), t, title="A1村标准厂房", region=city.regions["A1"],
                       budget="30000000", expected_income="900000")
    p2 = funds.propose(city.user("town_commander"), t, title="A2村农贸市场", region=city.regions["A2"],
                       budget="12000000", expected_income="300000")
    with pytest.raises(NotFound):
        funds.propose(city.user("village_cadre"), t, title="别村", region=city.regions["A2"], budget=1)
    with pytest.raises(ValidationFailed, match="金额"):
        funds.propose(city.user("village_cadre"), t, title="x", region=city.regions["A1"], budget="abc")
    with pytest.raises(PermissionDenied):
        funds.decide(city.user("town_commander"), p1, approve=True)
    funds.decide(city.user("city_commander"), p1, approve=True)
    with pytest.raises(Conflict, match="额度"):  # 30M + 12M > 40.86M
        funds.decide(city.user("city_commander"), p2, approve=True)
    funds.disburse(city.user("city_commander"), p1, amount="20000000", paid_on=date(2025, 4, 1))
    with pytest.raises(Conflict, match="超出预算"):
        funds.disburse(city.user("city_commander"), p1, amount="10000000.01", paid_on=date(2025, 5, 1))
    funds.record_income(city.user("village_cadre"), p1, year=2025, amount="450000")
    totals = queries.fund_totals(fund, queries.fund_projects(actor_for_user(city.user("city_commander")), fund))
    assert totals["budget"] == Decimal("30000000") and totals["paid"] == Decimal("20000000")
    assert totals["expected"] == Decimal("900000") and totals["income"] == Decimal("450000")
    assert totals["projects"] == 2 and totals["approved_n"] == 1
    b = queries.fund_totals(fund, queries.fund_projects(actor_for_user(city.user("town_commander_b")), fund))
    assert b["projects"] == 0  # another town's figures are its own


def test_a_weak_village_income_before_and_after(city, fund):
    t = fund.tranches.get()
    p = funds.propose(city.user("village_cadre"), t, title="A1村光伏", region=city.regions["A1"], budget="1000000")
    funds.decide(city.user("city_commander"), p, approve=True)
    funds.record_village_income(city.user("village_cadre"), city.regions["A1"], year=timezone.localdate().year - 1,
                                amount="420000")
    funds.record_village_income(city.user("village_cadre"), city.regions["A1"], year=timezone.localdate().year,
                                amount="780000")
    [row] = queries.village_before_after(queries.fund_projects(actor_for_user(city.user("city_commander")), fund))
    assert row["before"] == Decimal("420000") and row["after"] == Decimal("780000")
    assert row["change"] == Decimal("360000")


@pytest.fixture
def alliance(city):
    a = Alliance.objects.create(name="澄张虞毗邻党建联盟", founded_on=date(2024, 6, 1))
    for key, convener in (("A", True), ("B", False)):
        m = AllianceMember(alliance=a, region=city.regions[key], is_convener=convener)
        m.place_in(city.regions[key])
        m.save()
    AllianceMember.objects.create(alliance=a, outside_name="张家港市凤凰镇")
    return a


def test_a_problem_raised_by_one_town_is_seen_by_every_member_and_solved_by_another(city, alliance):
    a_mem, b_mem, outside = alliance.members.order_by("id")
    p = alliances.raise_problem(city.user("town_commander"), alliance, member=a_mem.pk, title="交界河道垃圾漂浮",
                                field="garbage", detail="两镇交界处河道每周有漂浮垃圾")
    for who in ("town_commander", "town_commander_b", "city_commander"):
        assert AllianceProblem.objects.restrict(actor_for_user(city.user(who)), "view").filter(pk=p.pk).exists()
    assert not AllianceProblem.objects.restrict(actor_for_user(city.user("grid_worker")), "view").exists()
    with pytest.raises(PermissionDenied):  # B may not speak for A
        alliances.raise_problem(city.user("town_commander_b"), alliance, member=a_mem.pk, title="x", field="garbage")
    with pytest.raises(PermissionDenied):  # only the convener (A) records for the outside member
        alliances.raise_problem(city.user("town_commander_b"), alliance, member=outside.pk, title="x", field="smart")
    alliances.raise_problem(city.user("town_commander"), alliance, member=outside.pk, title="跨界停车难", field="traffic")
    alliances.solve_problem(city.user("town_commander_b"), p, member=b_mem.pk, solution="B镇保洁队包干交界河段",
                            joint_project="交界河道联合保洁")
    with pytest.raises(Conflict):
        alliances.solve_problem(city.user("town_commander"), AllianceProblem.objects.get(pk=p.pk), member=a_mem.pk,
                                solution="再次")
    stats = queries.alliance_stats([alliance.pk])[alliance.pk]
    assert stats["raised"] == 2 and stats["solved"] == 1
    assert {f["field"]: (f["raised"], f["solved"]) for f in stats["fields"]} == {"garbage": (1, 1), "traffic": (1, 0)}
    by_member = {m["name"]: (m["raised"], m["solved"]) for m in queries.member_stats(alliance)}
    assert by_member == {"A镇": (1, 0), "B镇": (0, 1), "张家港市凤凰镇": (1, 0)}
