"""Cadre-pipeline fixtures: a town round of town A (2 posts a village), applicants of village A1 and A2."""

from __future__ import annotations

from datetime import date

import pytest

OPENS, CLOSES = date(2026, 3, 1), date(2026, 3, 31)
ON = date(2026, 3, 10)


def open_round(city, who="town_commander", region="A", **kw):
    from jishi.cadres import recruitment

    args = {"name": "2026年A镇青苗计划", "plan": "qingmiao", "opens_on": OPENS, "closes_on": CLOSES,
            "positions_per_village": 1, "exam_weight": 60, "interview_weight": 40}
    args.update(kw)
    return recruitment.open_round(city.user(who) if who else None, region_id=city.regions[region].pk, **args)


def apply(city, rnd, name="王青苗", village="A1", birth=date(2000, 5, 1), education="bachelor", who="town_commander",
          **kw):
    from jishi.cadres import recruitment

    return recruitment.apply(city.user(who) if who else None, rnd, village_id=city.regions[village].pk, name=name,
                             birth_date=birth, education=education, phone="13912345678", applied_on=ON, **kw)


def scored(city, rnd, name, exam, interview, village="A1", who="town_commander"):
    from jishi.cadres import recruitment

    u = city.user(who)
    a = apply(city, rnd, name=name, village=village)
    a = recruitment.qualify(u, a)
    a = recruitment.score_exam(u, a, exam)
    return recruitment.score_interview(u, a, interview)


@pytest.fixture
def rnd(city):
    return open_round(city)
