"""A round's stages: the requirements checked on application, every move of the transition table, the refusals
of illegal moves (nothing changed), the ranking from the round's weights, placing within a village's posts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from jishi.cadres import recruitment
from jishi.cadres.models import Applicant, CadreEvent, ReserveMember
from jishi.core.errors import Conflict, NotFound, ValidationFailed
from jishi.core.models import AuditRecord
from tests.cadres.conftest import apply, open_round, scored


def test_weights_of_a_round_must_add_up_to_100(city):
    with pytest.raises(ValidationFailed, match="权重之和须为 100"):
        open_round(city, exam_weight=60, interview_weight=30)


def test_a_town_commander_cannot_open_a_round_for_another_town(city):
    with pytest.raises(NotFound):
        open_round(city, region="B")


def test_only_the_city_opens_a_city_round(city):
    with pytest.raises(NotFound):
        open_round(city, region="city")
    assert open_round(city, who="city_commander", region="city").level == "city"


def test_application_makes_a_person_and_checks_age_and_degree(city, rnd):
    a = apply(city, rnd)
    assert a.stage == "applied" and a.person.name == "王青苗" and a.person.village_id == city.regions["A1"].pk
    with pytest.raises(ValidationFailed, match="年龄不符合要求.*30 周岁.*31 周岁"):
        apply(city, rnd, name="李超龄", birth=date(1994, 6, 1))
    with pytest.raises(ValidationFailed, match="学历不符合要求：须大专及以上"):
        apply(city, rnd, name="赵高中", education="secondary")
    with pytest.raises(ValidationFailed, match="不在本批次的镇"):
        apply(city, rnd, name="钱外镇", village="B1")
    assert Applicant.objects.count() == 1


def test_age_is_counted_in_full_years_on_the_day_of_application(city, rnd):
    assert apply(city, rnd, name="明天满三十一", birth=date(1995, 3, 11)).stage == "applied"  # 30 on 03-10
    with pytest.raises(ValidationFailed):
        apply(city, rnd, name="今天满三十一", birth=date(1995, 3, 10))


def test_a_person_applies_once_per_round(city, rnd):
    a = apply(city, rnd)
    with pytest.raises(Conflict, match="已报名本批次"):
        apply(city, rnd, person=a.person)


def test_every_move_writes_one_event_and_one_audit_row(city, rnd):
    u = city.user("town_commander")
    a = apply(city, rnd)
    a = recruitment.qualify(u, a)
    a = recruitment.score_exam(u, a, "82.5")
    a = recruitment.score_interview(u, a, 90)
    assert a.stage == "interviewed" and a.exam_score == D("82.5") and a.version == 4
    verbs = list(CadreEvent.objects.filter(applicant=a).values_list("verb", flat=True))
    assert verbs == ["apply", "qualify", "score_exam", "score_interview"]
    assert set(CadreEvent.objects.filter(applicant=a).values_list("person_id", flat=True)) == {a.person_id}
    assert AuditRecord.objects.filter(action__startswith="cadres.", object_type="cadres.applicant",
                                      object_id=str(a.pk)).count() == 4


def test_illegal_moves_are_refused_and_change_nothing(city, rnd):
    u = city.user("town_commander")
    a = apply(city, rnd)
    with pytest.raises(Conflict, match="当前阶段为“已报名”，不能录入笔试成绩"):
        recruitment.score_exam(u, a, 80)
    with pytest.raises(Conflict, match="不能录用到村岗位"):
        recruitment.place(u, a)
    a = recruitment.disqualify(u, a, reason="学历证书未通过核验")
    with pytest.raises(Conflict, match="资格审查未通过"):
        recruitment.qualify(u, a)
    a.refresh_from_db()
    assert a.stage == "disqualified" and a.reason == "学历证书未通过核验"
    with pytest.raises(ValidationFailed, match="请填写不通过原因"):
        recruitment.disqualify(u, apply(city, rnd, name="孙某"), reason=" ")


def test_scores_outside_0_to_100_or_with_three_decimals_are_refused(city, rnd):
    u = city.user("town_commander")
    a = recruitment.qualify(u, apply(city, rnd))
    for bad in ("101", "-1", "80.123", "abc", "NaN"):
        with pytest.raises(ValidationFailed):
            recruitment.score_exam(u, a, bad)
    a.refresh_from_db()
    assert a.stage == "qualified" and a.exam_score is None


def test_a_stale_copy_is_told_someone_else_got_there_first(city, rnd):
    u = city.user("town_commander")
    a = apply(city, rnd)
    stale = Applicant.objects.get(pk=a.pk)
    recruitment.qualify(u, a)
    with pytest.raises(Conflict):
        recruitment.disqualify(u, stale, reason="重复")
    assert Applicant.objects.get(pk=a.pk).stage == "qualified"


def test_ranking_waits_for_every_score_then_ranks_by_weighted_total(city, rnd):
    u = city.user("town_commander")
    a1 = scored(city, rnd, "甲", 90, 70)  # 60/40: 82
    a2 = scored(city, rnd, "乙", 80, 95)  # 86
    waiting = recruitment.qualify(u, apply(city, rnd, name="丙", village="A2"))
    with pytest.raises(Conflict, match="尚有 1 人未完成"):
        recruitment.rank_round(u, rnd)
    recruitment.disqualify(u, apply(city, rnd, name="丁"), reason="不符合")
    recruitment.score_interview(u, recruitment.score_exam(u, waiting, 70), 70)  # 70
    ranked = recruitment.rank_round(u, rnd)
    assert [(a.name, a.total_score, a.rank) for a in ranked] == [("乙", D("86.00"), 1), ("甲", D("82.00"), 2),
                                                                 ("丙", D("70.00"), 3)]
    assert Applicant.objects.get(pk=a1.pk).stage == "ranked" and Applicant.objects.get(pk=a2.pk).rank == 1


def test_place_reserve_and_not_select_after_ranking(city, rnd):
    u = city.user("town_commander")
    a1, a2, a3 = scored(city, rnd, "甲", 90, 90), scored(city, rnd, "乙", 80, 80), scored(city, rnd, "丙", 60, 60)
    recruitment.rank_round(u, rnd)
    a1, a2, a3 = (Applicant.objects.get(pk=a.pk) for a in (a1, a2, a3))
    placed = recruitment.place(u, a1, post="村务工作者")
    assert placed.stage == "placed" and placed.post == "村务工作者"
    with pytest.raises(Conflict, match="A1村的 1 个岗位已录满"):
        recruitment.place(u, a2)
    r = recruitment.to_reserve(u, a2, note="综合成绩优良")
    m = ReserveMember.objects.get(person=r.person)
    assert r.stage == "reserve" and m.state == "active" and m.applicant_id == a2.pk and m.village_id == a2.village_id
    assert recruitment.not_select(u, a3).stage == "not_selected"
    with pytest.raises(Conflict, match="当前阶段为“已录用”"):
        recruitment.to_reserve(u, placed)


def test_another_towns_commander_reaches_nothing(city, rnd):
    a = recruitment.qualify(city.user("town_commander"), apply(city, rnd))
    with pytest.raises(NotFound):
        recruitment.score_exam(city.user("town_commander_b"), a, 80)
    with pytest.raises(NotFound):
        recruitment.qualify(city.user("village_cadre"), apply(city, rnd, name="某"))  # village cadres read only
