"""The demo hook: last year's and this year's schemes (two versions, different points), every village assessed
last year and confirmed with a star; this year in every state; the figures equal a recomputation from the rows."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from jishi.core.consumers import ConsumerCursor
from jishi.evaluation import demo, rules, services
from jishi.evaluation.models import Assessment, EvaluationEvent, Evidence

pytestmark = pytest.mark.django_db


class Ctx:
    scale, seed, rng, today = "small", 7, random.Random(7), timezone.localdate()

    @staticmethod
    def progress(iterable=None, total=None, desc=""):
        return None


def test_the_demo_assesses_every_village_under_two_versions(city):
    summary = demo.generate(Ctx())
    year = timezone.localdate().year
    last, now = services.current_scheme(year - 1), services.current_scheme(year)
    assert summary.startswith("evaluation:") and last and now
    assert now.based_on_id == last.pk
    assert last.indicators.get(code="2.2.1").points == 4 and now.indicators.get(code="2.2.1").points == 5
    assert Assessment.objects.filter(scheme=last, state="confirmed").count() == 4
    for a in Assessment.objects.filter(state="confirmed"):
        ls = services.lines(a)
        assert a.total == rules.total(ls)
        assert a.star == rules.star(a.total, a.scheme.bands, failed=rules.failed_must_pass(ls), cap=a.scheme.must_pass_cap)
    assert Evidence.objects.exists()
    assert EvaluationEvent.objects.filter(verb="confirm").exists()
    assert EvaluationEvent.objects.filter(assessment__scheme=last).latest("at").at.year == year
    # the invented history is not told
    cursor = ConsumerCursor.objects.get(name="evaluation.notices")
    assert cursor.position == EvaluationEvent.objects.order_by("-id").values_list("id", flat=True).first()
    # re-running adds nothing
    n = Assessment.objects.count()
    demo.generate(Ctx())
    assert Assessment.objects.count() == n
