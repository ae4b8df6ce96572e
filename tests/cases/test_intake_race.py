"""Intakes racing on real concurrent connections (PostgreSQL) get distinct ids and case numbers: the id is
taken before the insert (``intake._next_case_id``) and the number is the day and the id."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import timezone

from jishi.cases import services
from jishi.cases.models import Case
from tests.concurrency import at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL: SQLite serialises writers, no real race"),
]


def test_intakes_racing_get_distinct_ids_and_numbers(city, report):
    report()  # (re)loads the seeded categories a transactional test may have flushed
    n = 6
    lng, lat = city.point_in("A1a1")
    made, errors = at_once(n, lambda i: services.report_case(
        None, channel="hotline", category_code="0101", title=f"并发 {i}", lng=lng, lat=lat, external_ref=f"RACE-{i}"))
    assert not errors and len(made) == n and all(isinstance(c, Case) for c in made), (made, errors)
    rows = list(Case.objects.filter(external_ref__startswith="RACE-").values_list("pk", "number", "reported_at"))
    assert len(rows) == n and len({num for _, num, _ in rows}) == n
    assert all(num == f"{timezone.localtime(at):%Y%m%d}{pk:05d}" for pk, num, at in rows)
