"""Analysis lists: hot spots by the mean + 2σ rule, repeat addresses with the cases behind them."""

from __future__ import annotations

from datetime import timedelta

from jishi.cockpit import analysis
from jishi.cockpit.models import DailyRollup
from jishi.cockpit.periods import period, today
from jishi.cockpit.records import records


def _rows(city, grid_key: str, category_id: int, counts_by_days_ago: dict[int, int]) -> None:
    grid = city.regions[grid_key]
    for ago, n in counts_by_days_ago.items():
        DailyRollup.objects.create(grain="g", day=today() - timedelta(days=ago), town=grid.town_id,
                                   village=grid.village_id, grid=grid.pk, category=category_id, channel="patrol",
                                   received=n)


def test_a_grid_category_jumping_above_mean_plus_two_sigma_is_a_hot_spot(city):
    weekly_one = {7 * w + 3: 1 for w in range(1, 9)}  # one case in each of the 8 previous weeks
    _rows(city, "A1a", 901, {**weekly_one, 0: 3, 2: 2})  # 5 in the last 7 days
    _rows(city, "A1b", 902, {**weekly_one, 1: 1})  # 1 in the last 7 days: normal
    _rows(city, "B1a", 903, {7 * w + 3: (5 if w % 2 else 0) for w in range(1, 9)} | {0: 6})  # 6, but σ is large
    spots = analysis.hot_spots(city.regions["city"])
    assert [(s["grid"], s["category"], s["count"]) for s in spots] == [(city.regions["A1a"].pk, 901, 5)]
    assert spots[0]["mean"] == 1.0 and spots[0]["sd"] == 0.0
    assert analysis.hot_spots(city.regions["B"]) == []  # town B sees only its own grids


def test_repeat_addresses_list_the_addresses_with_three_or_more_cases(city, report):
    for _ in range(3):
        report(address="A镇A1村1组1号")
    report(address="A镇A1村2组5号")
    rows = analysis.repeat_addresses(city.regions["A"])
    assert [(r["address"], r["count"]) for r in rows] == [("A镇A1村1组1号", 3)]
    behind = records(city.regions["A"], "received", period("year"), address="A镇A1村1组1号")
    assert behind.count() == 3
    assert analysis.repeat_addresses(city.regions["B"]) == []
