"""Two organisation staff placing the same applicant at once: exactly one wins (PostgreSQL: real threads on their
own connections); the conditional update on the old stage refuses the other."""

from __future__ import annotations

import pytest
from django.conf import settings

from jishi.cadres import recruitment
from jishi.cadres.models import Applicant, CadreEvent
from jishi.core.errors import Conflict
from tests.cadres.conftest import open_round, scored
from tests.concurrency import at_once


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL: SQLite serialises writers, no real race")
def test_two_staff_placing_one_applicant_at_once_exactly_one_wins(city):
    rnd = open_round(city, positions_per_village=2)
    a = scored(city, rnd, "冯青苗", 90, 90)
    recruitment.rank_round(city.user("town_commander"), rnd)
    users = [city.user("town_commander"), city.user("city_commander")]
    results, errors = at_once(2, lambda i: recruitment.place(users[i], Applicant.objects.get(pk=a.pk),
                                                             post=f"岗位{i}"))
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], Conflict), (results, errors)
    a.refresh_from_db()
    assert a.stage == "placed" and a.post == results[0].post
    assert CadreEvent.objects.filter(applicant=a, verb="place").count() == 1


def test_stale_copies_placing_one_after_another_leave_one_placement(city):
    rnd = open_round(city, positions_per_village=2)
    a = scored(city, rnd, "冯青苗", 90, 90)
    recruitment.rank_round(city.user("town_commander"), rnd)
    copies = [Applicant.objects.get(pk=a.pk) for _ in range(2)]
    recruitment.place(city.user("town_commander"), copies[0])
    with pytest.raises(Conflict):
        recruitment.place(city.user("city_commander"), copies[1])
    assert CadreEvent.objects.filter(applicant=a, verb="place").count() == 1
