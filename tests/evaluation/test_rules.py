"""The scoring rules, score bands and must-pass items, as pure functions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jishi.evaluation import rules

BANDS = [{"star": 5, "min": 90}, {"star": 4, "min": 80}, {"star": 3, "min": 70}, {"star": 2, "min": 60},
         {"star": 1, "min": 0}]


def test_a_rate_earns_nothing_at_the_zero_mark_all_at_the_full_mark_and_linearly_between():
    assert rules.rate_points(4, 0.80, full=0.98, zero=0.80) == 0.0
    assert rules.rate_points(4, 0.70, full=0.98, zero=0.80) == 0.0
    assert rules.rate_points(4, 0.98, full=0.98, zero=0.80) == 4.0
    assert rules.rate_points(4, 1.0, full=0.98, zero=0.80) == 4.0
    assert rules.rate_points(4, 0.89, full=0.98, zero=0.80) == 2.0  # half way
    assert rules.rate_points(5, 0.90, full=1.0, zero=0.60) == 3.8  # 5 × 0.3/0.4 = 3.75 → 3.8


def test_nothing_measured_is_no_points_not_a_number():
    assert rules.rate_points(4, None, full=0.98, zero=0.8) is None
    assert rules.auto_points("rate", 4, None, full=0.98, zero=0.8) is None


def test_a_count_earns_its_share_up_to_the_full_count():
    assert rules.count_points(5, 5, full=10) == 2.5
    assert rules.count_points(5, 12, full=10) == 5.0
    assert rules.count_points(5, 0, full=10) == 0.0


def test_a_claim_must_lie_between_zero_and_the_indicator_points():
    assert rules.clamp_claim(4, 3.25) == 3.3
    with pytest.raises(ValueError):
        rules.clamp_claim(4, 4.5)
    with pytest.raises(ValueError):
        rules.clamp_claim(4, -1)


@given(st.floats(0, 1), st.floats(0, 1))
def test_a_higher_rate_never_earns_fewer_points(a, b):
    lo, hi = sorted((a, b))
    assert rules.rate_points(4, lo, full=0.95, zero=0.7) <= rules.rate_points(4, hi, full=0.95, zero=0.7)


def test_the_star_is_the_highest_band_reached():
    assert rules.star(95, BANDS) == 5
    assert rules.star(90, BANDS) == 5
    assert rules.star(89.9, BANDS) == 4
    assert rules.star(70, BANDS) == 3
    assert rules.star(60, BANDS) == 2
    assert rules.star(12, BANDS) == 1


def test_a_failed_must_pass_item_caps_the_star():
    lines = [rules.Line("1.2.1", 4, 2.0, must_pass=True, pass_ratio=0.6), rules.Line("2.1.1", 5, 5, must_pass=True),
             rules.Line("4.1.1", 91, 91)]
    failed = rules.failed_must_pass(lines)
    assert failed == ["1.2.1"]  # 2 < 0.6 × 4
    assert rules.total(lines) == 98
    assert rules.star(rules.total(lines), BANDS, failed=failed, cap=2) == 2
    assert rules.star(rules.total(lines), BANDS, failed=[], cap=2) == 5
    assert rules.failed_must_pass([rules.Line("1.2.1", 4, 2.4, must_pass=True)]) == []  # exactly 60% passes


def test_bands_must_rise_with_the_star():
    assert [b["star"] for b in rules.check_bands(BANDS)] == [1, 2, 3, 4, 5]
    with pytest.raises(ValueError):
        rules.check_bands([{"star": 5, "min": 80}, {"star": 4, "min": 85}])
    with pytest.raises(ValueError):
        rules.check_bands([{"star": 6, "min": 80}])
    with pytest.raises(ValueError):
        rules.check_bands([{"star": 5}])


def test_what_would_raise_a_rate_to_full_marks():
    assert rules.needed_for_full("rate", 0.9, 90, 100, full=0.98) == 8
    assert rules.needed_for_full("rate", 1.0, 100, 100, full=0.98) == 0
    assert rules.needed_for_full("count", 7, None, None, full=10) == 3
