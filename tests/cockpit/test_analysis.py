"""Analysis lists: hot spots by the mean + 2σ rule, repeat addresses with the cases behind them."""

from __future__ import annotations

from datetime import timedelta

from jishi.cockpit import analysis
from jishi.cockpit.models import DailyRollup
from jishi.cockpit.periods import period, today
from jishi.cockpit.records import records
from jishi.org.privacy import mask_name


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


def test_repeat_reporters_by_phone_and_by_account_are_masked_and_link_to_their_cases(city, report, client):
    for _ in range(3):  # a caller entered three times by the commander: the caller is the reporter, not the commander
        report(reporter_phone="13812345678", who="town_commander", channel="hotline")
    report(reporter_phone="13900001111", channel="hotline")
    report(reporter_phone="13812345678", where="B1a1", who="city_commander", channel="hotline")  # town B: outside A
    for _ in range(3):
        report(who="resident", channel="resident")  # a resident's own account, three times
    rows = analysis.repeat_reporters(city.regions["A"])
    got = {(r["kind"], r["label"], r["count"]) for r in rows}
    phone = next(r for r in rows if r["kind"] == "phone" and r["label"] == "138****5678")
    assert phone["count"] == 3
    accounts = {r["label"]: r["count"] for r in rows if r["kind"] == "account"}
    assert accounts == {mask_name(city.people["resident"].name): 3}  # masked like the phone (docs/privacy.md)
    assert all("13812345678" not in str(r) for r in rows), got
    behind = records(city.regions["A"], "received", period("year"), phone_of=phone["value"])
    assert behind.count() == 3
    acc = next(r for r in rows if r["kind"] == "account" and r["count"] == 3)
    assert records(city.regions["A"], "received", period("year"), reporter_user=acc["value"]).count() == 3
    client.force_login(city.user("city_commander"))
    html = client.get(f"/cockpit/analysis/?region={city.regions['A'].pk}").content.decode()
    assert "138****5678" in html and "13812345678" not in html and f"phone_of={phone['value']}" in html


def test_staff_reporting_on_their_rounds_are_not_repeat_reporters(city, report):
    for channel in ("patrol", "patrol", "visit", "patrol"):
        report(channel=channel, reporter_phone="13700002222")  # the grid worker's own patrol and visit reports
    assert analysis.repeat_reporters(city.regions["A"]) == []
    for _ in range(3):
        report(channel="resident", who="resident", reporter_phone="13600003333")
    rows = analysis.repeat_reporters(city.regions["A"])
    assert {(r["kind"], r["count"]) for r in rows} == {("phone", 3), ("account", 3)}
    assert all(r["label"] != "137****2222" for r in rows)


def _handled(report, category: str, reported, hours: float):
    from jishi.cases.models import Case

    c = report(category=category)
    Case.objects.filter(pk=c.pk).update(reported_at=reported, handled_at=reported + timedelta(hours=hours))
    return c


def test_categories_whose_handling_time_worsens_significantly_are_listed(city, report, client):
    from datetime import datetime, time

    from jishi.core.calendar import TZ

    noon = datetime.combine(today(), time(12), tzinfo=TZ)
    for i in range(10):  # 0101 (main 01): 4–6 h before, 20–30 h in the last 4 weeks
        _handled(report, "0101", noon - timedelta(days=35 + i * 4, hours=5), 4 + i % 3)
        _handled(report, "0101", noon - timedelta(days=1 + i * 2, hours=30), 20 + i)
    for i in range(10):  # 0201: the same times in both windows
        _handled(report, "0201", noon - timedelta(days=35 + i * 4, hours=8), 6 + i % 3)
        _handled(report, "0201", noon - timedelta(days=1 + i * 2, hours=8), 6 + i % 3)
    for i in range(3):  # 0301: slower, but too few cases to judge
        _handled(report, "0301", noon - timedelta(days=40 + i), 2)
        _handled(report, "0301", noon - timedelta(days=2 + i), 50)
    rows = analysis.worsening_handling(city.regions["city"])
    from jishi.cases.models import Category

    main01 = Category.objects.get(code="0101").parent_id or Category.objects.get(code="0101").pk
    assert [r["category"] for r in rows] == [main01]
    r = rows[0]
    assert r["recent_count"] == 10 and r["before_count"] == 10 and r["median_now"] > r["median_before"]
    assert r["p"] < 0.05
    recent = records(city.regions["city"], "received", period("year"), handled=True, category=main01)
    assert recent.count() == 20  # both windows this year at most; the link uses the window dates
    assert analysis.worsening_handling(city.regions["B"]) == []  # town B has none of these cases
    client.force_login(city.user("city_commander"))
    html = client.get(f"/cockpit/analysis/?region={city.regions['city'].pk}").content.decode()
    assert 'data-testid="worsening"' in html and "handled=1" in html


def test_mann_whitney_is_one_sided():
    assert analysis._mann_whitney_p([10, 11, 12, 13, 14], [1, 2, 3, 4, 5]) < 0.01
    assert analysis._mann_whitney_p([1, 2, 3, 4, 5], [10, 11, 12, 13, 14]) > 0.99
