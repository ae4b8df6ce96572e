"""The reserve pool (evaluations once a year, promotion), secondments (return, assessment, watch lists), the
学看比拼 (judges' scores, trimmed mean, ranking), the record and the scope of every list."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.utils import timezone

from jishi.cadres import contests, pool, queries, secondments
from jishi.cadres.models import CadreEvent
from jishi.core.errors import Conflict, NotFound, ValidationFailed
from jishi.org.policy import actor_for_user


def _member(city, who="town_commander"):
    return pool.nominate(city.user(who), person_id=city.people["resident"].pk, village_id=city.regions["A1"].pk)


def test_nominate_evaluate_once_a_year_and_promote(city):
    u = city.user("town_commander")
    m = _member(city)
    year = timezone.localdate().year
    pool.evaluate(u, m, year=year, grade="excellent", comment="表现突出")
    with pytest.raises(Conflict, match="年度已评价"):
        pool.evaluate(u, m, year=year, grade="pass")
    with pytest.raises(ValidationFailed):
        pool.evaluate(u, m, year=year, grade="great")
    with pytest.raises(Conflict, match="已在储备库中"):
        _member(city)
    m = pool.promote(u, m, post="村党总支副书记")
    assert m.state == "promoted"
    with pytest.raises(Conflict, match="不能使用"):
        pool.promote(u, m, post="再次")
    verbs = list(CadreEvent.objects.filter(member=m).values_list("verb", flat=True))
    assert verbs == ["pool_add", "evaluate", "promote"]


def test_another_town_cannot_evaluate(city):
    m = _member(city)
    with pytest.raises(NotFound):
        pool.evaluate(city.user("town_commander_b"), m, year=timezone.localdate().year, grade="pass")


def _second(city, starts, ends, **kw):
    args = {"person_id": city.people["village_cadre"].pk, "region_id": city.regions["A1"].pk, "host_kind": "higher",
            "host_department_id": city.departments["urban"].pk, "starts_on": starts, "ends_on": ends}
    args.update(kw)
    return secondments.second(city.user("town_commander"), **args)


def test_secondment_return_then_assess_and_refusals(city):
    u = city.user("town_commander")
    s = _second(city, date(2025, 1, 1), date(2025, 12, 31))
    assert s.host_unit == "城市管理局"
    with pytest.raises(Conflict, match="不能考核"):
        secondments.assess(u, s, grade="pass")
    with pytest.raises(Conflict, match="已在挂职"):
        _second(city, date(2025, 6, 1), date(2026, 6, 1))
    s = secondments.return_home(u, s, on=date(2026, 1, 2))
    s = secondments.assess(u, s, grade="excellent", comment="成效明显")
    assert s.state == "assessed" and s.grade == "excellent"
    with pytest.raises(ValidationFailed, match="结束日期须晚于开始日期"):
        _second(city, date(2026, 2, 1), date(2026, 1, 1))
    with pytest.raises(ValidationFailed, match="请填写接收单位"):
        _second(city, date(2026, 2, 1), date(2026, 5, 1), host_department_id=None, host_kind="advanced")


def test_watch_lists_out_due_this_month_and_overdue_assessment(city):
    today = date(2026, 6, 15)
    out = _second(city, date(2026, 1, 1), date(2026, 12, 31))
    due = _second(city, date(2025, 7, 1), date(2026, 6, 30), person_id=city.people["grid_worker"].pk,
                  host_kind="advanced", host_department_id=None, host_unit="浙江省安吉县余村")
    late = _second(city, date(2025, 1, 1), date(2026, 4, 1), person_id=city.people["grid_leader"].pk)
    secondments.return_home(city.user("town_commander"), late, on=date(2026, 4, 2))
    actor = actor_for_user(city.user("city_commander"))
    pick = lambda w: {s.pk for s in queries.secondments(actor, {"watch": w}, today)}  # noqa: E731
    assert pick("out") == {out.pk, due.pk} and pick("due") == {due.pk} and pick("overdue") == {late.pk}
    assert queries.secondment_counts(actor_for_user(city.user("town_commander_b")), today) == \
        {"out": 0, "due": 0, "overdue": 0}


def _contest(city, n_judges):
    u = city.user("town_commander")
    c = contests.hold(u, title="人居环境学看比拼", held_on=date(2026, 5, 1), region_id=city.regions["A"].pk)
    e1 = contests.join(u, c, village_id=city.regions["A1"].pk, person_id=city.people["village_cadre"].pk)
    e2 = contests.join(u, c, village_id=city.regions["A2"].pk)
    for j in range(n_judges):
        contests.record_score(u, e1, judge=f"评委{j}", value=[95, 60, 80, 82, 84, 99][j])
        contests.record_score(u, e2, judge=f"评委{j}", value=81)
    return c, e1, e2


def test_contest_with_five_judges_drops_highest_and_lowest(city):
    c, e1, e2 = _contest(city, 5)
    ranked = contests.close(city.user("town_commander"), c)
    assert [(e.pk, e.score, e.rank) for e in ranked] == [(e1.pk, D("82.00"), 1), (e2.pk, D("81.00"), 2)]
    with pytest.raises(Conflict, match="已排名"):
        contests.record_score(city.user("town_commander"), e1, judge="评委9", value=10)


def test_contest_with_fewer_judges_takes_the_mean_and_refuses_unscored(city):
    c, e1, e2 = _contest(city, 2)  # e1: (95+60)/2 = 77.5 < 81
    u = city.user("town_commander")
    ranked = contests.close(u, c)
    assert [(e.pk, e.rank) for e in ranked] == [(e2.pk, 1), (e1.pk, 2)] and ranked[1].score == D("77.50")
    with pytest.raises(ValidationFailed, match="承办镇"):
        contests.join(u, contests.hold(u, title="x", held_on=date(2026, 5, 2), region_id=city.regions["A"].pk),
                      village_id=city.regions["B1"].pk)


def test_close_is_refused_while_a_participant_has_no_score(city):
    u = city.user("town_commander")
    c = contests.hold(u, title="比拼", held_on=date(2026, 5, 1), region_id=city.regions["A"].pk)
    contests.join(u, c, village_id=city.regions["A1"].pk)
    with pytest.raises(Conflict, match="还没有评委打分"):
        contests.close(u, c)


def test_record_shows_everything_about_a_person_in_time_order_through_scope(city):
    u = city.user("town_commander")
    person = city.people["village_cadre"]
    pool.nominate(u, person_id=person.pk, village_id=city.regions["A1"].pk)
    _second(city, date(2026, 1, 1), date(2026, 12, 31))
    c, *_ = _contest(city, 3)
    contests.close(u, c)
    r = queries.record(actor_for_user(u), person.pk)
    assert [e.verb for e in r["events"]] == ["pool_add", "second", "contest_join", "contest_close"]
    assert r["phone"] == "138****0000"  # a town commander sees phones masked
    mine = queries.record(actor_for_user(city.user("village_cadre")), person.pk)
    assert mine["phone"] == "13800000000" and len(mine["events"]) == 4
    with pytest.raises(NotFound):
        queries.record(actor_for_user(city.user("town_commander_b")), person.pk)
    with pytest.raises(NotFound):
        queries.record(actor_for_user(city.user("resident")), person.pk)
    assert len(queries.record(actor_for_user(city.user("city_commander")), person.pk)["events"]) == 4
