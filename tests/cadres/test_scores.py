"""The score rules without a database: weighted totals, ranking with ties, judges' trimmed mean."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jishi.cadres import scores
from jishi.cadres.choices import FINAL_STAGES, TRANSITIONS


def test_total_is_the_weighted_sum_rounded_half_up():
    assert scores.total(D("80"), D("90"), 60, 40) == D("84.00")
    assert scores.total(D("77.5"), D("88.25"), 50, 50) == D("82.88")  # 82.875 → 82.88


@pytest.mark.parametrize(("we", "wi"), [(60, 30), (50, 51), (-10, 110)])
def test_weights_must_add_up_to_100(we, wi):
    with pytest.raises(scores.WeightsDontAddUp):
        scores.check_weights(we, wi)


def test_ranking_by_total_then_exam_then_interview_with_shared_ranks():
    rows = [(1, D(80), D(80), D(80)), (2, D(85), D(70), D(100)), (3, D(80), D(90), D(70)),
            (4, D(80), D(80), D(80)), (5, D(60), D(60), D(60))]
    assert scores.ranking(rows) == {2: 1, 3: 2, 1: 3, 4: 3, 5: 5}


def test_judged_mean_below_five_judges():
    assert scores.judged([D(90), D(80), D(70), D(60)]) == D("75.00")
    assert scores.judged([]) is None


def test_judged_drops_highest_and_lowest_from_five_judges():
    assert scores.judged([D(100), D(90), D(80), D(70), D(10)]) == D("80.00")
    assert scores.judged([D(91), D(92), D(93), D(94), D(95), D(96)]) == D("93.50")


def test_contest_ranking_shares_ties_and_leaves_unscored_unranked():
    assert scores.contest_ranking([(1, D(90)), (2, D(95)), (3, D(90)), (4, None)]) == {2: 1, 1: 2, 3: 2, 4: None}


def test_transition_table_never_leaves_a_final_stage():
    assert all(not (src & FINAL_STAGES) for src, _ in TRANSITIONS.values())
