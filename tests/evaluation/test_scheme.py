"""The yearly scheme: the 1+3+5+N tree worth 100, frozen once published, changed only as a new version; an
assessment keeps the version it was scored under."""

from __future__ import annotations

import pytest
from django.utils import timezone

from jishi.core.errors import Conflict, PermissionDenied, ValidationFailed
from jishi.evaluation import framework, rules, services
from jishi.evaluation.models import Indicator, Scheme
from tests.evaluation.conftest import self_assess_all


def test_the_demo_scheme_is_three_levels_worth_one_hundred(city):
    s = services.create_scheme(city.user("city_commander"), year=2026, name="评价体系")
    levels = dict(s.indicators.values_list("code", "level"))
    assert {levels[c] for c in ("1", "2", "3", "4")} == {1}
    assert levels["1.2"] == 2 and levels["1.2.1"] == 3
    assert sum(s.indicators.filter(level=3).values_list("points", flat=True)) == 100
    assert s.indicators.filter(level=1).count() == 4  # 1 平台 + 3 中心 + 5 场景 + N 特色
    assert s.indicators.filter(parent__code="3").count() == 5
    assert set(s.indicators.filter(must_pass=True).values_list("code", flat=True)) == {"1.2.1", "2.1.1", "3.4.2"}
    assert len(framework.rows()) == s.indicators.count()


def test_only_the_city_keeps_schemes(city):
    with pytest.raises(PermissionDenied):
        services.create_scheme(city.user("town_commander"), year=2026, name="评价体系")


def test_a_published_scheme_is_frozen_and_changes_as_a_new_version(city, scheme, assessment):
    cc = city.user("city_commander")
    closure = scheme.indicators.get(code="1.2.1")
    with pytest.raises(Conflict):
        services.update_indicator(cc, closure, points=6)
    v2 = services.new_version(cc, scheme)
    assert (v2.year, v2.version, v2.status, v2.based_on_id) == (scheme.year, 2, "draft", scheme.pk)
    services.update_indicator(cc, v2.indicators.get(code="1.2.1"), points=6)
    with pytest.raises(ValidationFailed, match="合计须为100分"):
        services.publish(cc, v2)
    services.update_indicator(cc, v2.indicators.get(code="1.1.1"), points=2)
    services.publish(cc, v2)
    assert services.current_scheme(scheme.year) == v2
    # the assessment begun under v1 keeps v1's points
    closure.refresh_from_db()
    assert closure.points == 4
    assert assessment.scheme_id == scheme.pk
    assert assessment.scores.get(indicator__code="1.2.1").indicator.points == 4
    # a community starting now takes v2
    b = services.start_assessment(None, city.regions["A2"])  # the system (A2 has no cadre here)
    assert b.scheme_id == v2.pk and b.scores.get(indicator__code="1.2.1").indicator.points == 6


def test_next_year_starts_from_this_years_scheme(city, scheme):
    nxt = services.new_version(city.user("city_commander"), scheme, year=scheme.year + 1)
    assert (nxt.year, nxt.version) == (scheme.year + 1, 1)
    assert list(nxt.indicators.values_list("code", "points")) == list(scheme.indicators.values_list("code", "points"))
    assert Indicator.objects.filter(scheme=nxt, level=3, parent__scheme=scheme).count() == 0  # its own tree


def test_a_rate_rule_needs_a_zero_below_the_full_mark(city):
    cc = city.user("city_commander")
    s = services.create_scheme(cc, year=2030, name="评价体系")
    with pytest.raises(ValidationFailed, match="零分线"):
        services.update_indicator(cc, s.indicators.get(code="1.2.2"), full=0.7, zero=0.9)


def test_bands_of_a_draft_can_change_and_decide_the_star(city):
    cc = city.user("city_commander")
    s = services.create_scheme(cc, year=timezone.localdate().year, name="评价体系")
    services.set_bands(cc, s, bands=[{"star": 5, "min": 95}, {"star": 4, "min": 85}, {"star": 3, "min": 80},
                                     {"star": 2, "min": 76}, {"star": 1, "min": 0}], must_pass_cap=3)
    services.publish(cc, s)
    a = services.start_assessment(city.user("village_cadre"), city.regions["A1"])
    self_assess_all(city, a)
    services.submit(city.user("village_cadre"), a)
    # no case in A1 this year: the town scores the closure rate (a must-pass item) in full, with its reason
    services.adjust(city.user("town_commander"), a, s.indicators.get(code="1.2.1"), points=4,
                    reason="本年度无事件，按满分核定")
    services.review(city.user("town_commander"), a)
    services.confirm(cc, a)
    a.refresh_from_db()
    assert (a.total, a.failed_must_pass) == (80.0, [])
    assert a.star == 3  # 80 ≥ 80 under these bands
    assert rules.star(80, Scheme._meta.get_field("bands").default()) == 4  # the default bands would give 4
    assert Scheme.objects.get(pk=s.pk).is_frozen
