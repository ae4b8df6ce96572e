"""Cockpit pages: scoped to the user's region, every figure equals the sum over its drill-down list."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from jishi.cases import services, sla
from jishi.cases.models import Case
from jishi.cockpit import figures
from jishi.cockpit.periods import Period, period
from jishi.cockpit.records import METRICS, records
from tests.cases.conftest import walk_to


@pytest.fixture
def history(city, report):
    """A few cases in towns A and B in every state, a whistle, a rating, a rework and a sweep."""
    a = walk_to(city, report(), "closed")
    services.rate(city.user("town_commander"), a, rating="satisfied")  # a 回访 (the grid worker reported it)
    # a resident's report rated 不满意 (reworked) then 基本满意: two counted ratings of one case
    r = walk_to(city, report("resident", channel="resident", where="A1a1"), "closed")
    services.rate(city.user("resident"), r, rating="unsatisfied", note="没弄好")
    services.handle(city.user("dept_urban"), r, note="重新处理")
    services.verify(city.user("grid_worker"), r, passed=True)
    services.close(city.user("town_commander"), r)
    services.rate(city.user("resident"), r, rating="basic")
    b = walk_to(city, report(where="A1b1", category="0102"), "handled")
    services.reopen(city.user("town_commander"), b, reason="未处理好")
    c = walk_to(city, report(where="A2a1"), "accepted")
    services.whistle(city.user("town_commander"), c, departments=[city.departments["water"]], reason="联合执法")
    report(where="B1a1")
    services.reject(city.user("grid_leader"), report(), reason="重复")
    services.resolve_on_spot(city.user("grid_worker"), report(), before=[b"\xff\xd8\xff\xe0" + b"\0" * 100],
                             after=[b"\xff\xd8\xff\xe0" + b"\0" * 100])
    late = walk_to(city, report(), "in_progress")
    services.supervise(city.user("city_commander"), late, note="加快")
    sla.sweep(timezone.now() + timedelta(days=30))
    # one case is already past its handle limit now (the live "overdue now" figure)
    Case.objects.filter(pk=late.pk).update(handle_due_at=timezone.now() - timedelta(hours=1))
    return city


@pytest.mark.parametrize("key", ["city", "A", "A1", "B"])
@pytest.mark.parametrize("pkey", ["today", "month", "year"])
def test_every_figure_equals_the_sum_over_its_drill_down_records(history, key, pkey):
    region, p = history.regions[key], period(pkey)
    k = figures.kpis(region, p)
    assert k["received"] == Case.objects.filter(**({} if key == "city" else {f"{region.level}_id": region.pk})).count()
    for metric in METRICS:
        behind = sum(records(region, metric, p).values_list("n", flat=True))
        assert k[metric] == behind, metric


def test_the_history_exercises_every_counter(history):
    today = period("today").first
    span = Period("range", today - timedelta(days=1), today + timedelta(days=31))  # the sweep ran 30 days ahead
    k = figures.kpis(history.regions["city"], span)
    for metric in METRICS:
        assert k[metric] > 0, metric
        assert k[metric] == sum(records(history.regions["city"], metric, span).values_list("n", flat=True))


def test_channel_and_category_mix_add_up_to_the_received_figure(history):
    region, p = history.regions["city"], period("month")
    total = figures.kpis(region, p)["received"]
    assert sum(r["n"] for r in figures.channel_mix(region, p)) == total
    assert sum(r["n"] for r in figures.category_mix(region, p, top=99)) == total
    for r in figures.category_mix(region, p):
        assert r["n"] == records(region, "received", p, category=r["key"]).count()


def test_city_commander_sees_the_city_cockpit_and_drills_into_the_received_cases(history, login, client):
    login("city_commander")
    page = client.get("/cockpit/").content.decode()
    assert "驾驶舱" in page and 'data-testid="kpi-received"' in page
    shown = int(re.search(r'data-testid="kpi-received"><span class="num">(\d+)<', page).group(1))
    assert shown == Case.objects.count()
    link = re.search(r'href="(/cockpit/records/\?[^"]*metric=received[^"]*)" data-testid="kpi-received"', page).group(1)
    listing = client.get(link.replace("&amp;", "&")).content.decode()
    assert f'data-testid="records-total">{shown}<' in listing
    for number in Case.objects.values_list("number", flat=True):
        assert number in listing
    assert client.get("/cockpit/?screen=1").status_code == 200


def test_a_town_commander_sees_only_the_own_town(history, login, client):
    login("town_commander")
    page = client.get("/cockpit/").content.decode()
    assert history.regions["A"].name in page
    assert client.get(f"/cockpit/?region={history.regions['city'].pk}").status_code == 403
    assert client.get(f"/cockpit/?region={history.regions['B'].pk}").status_code == 403
    assert client.get(f"/cockpit/records/?region={history.regions['B'].pk}&metric=received").status_code == 403
    assert client.get(f"/cockpit/?region={history.regions['A1'].pk}").status_code == 200


def test_a_village_cadre_opens_the_village_cockpit_map_and_analysis(history, login, client):
    login("village_cadre")
    page = client.get("/cockpit/").content.decode()
    assert history.regions["A1"].name in page
    data = client.get("/cockpit/map/data/").json()
    village_cases = Case.objects.filter(village=history.regions["A1"], lat__isnull=False)
    assert sorted(p[2] for p in data["points"]) == sorted(village_cases.values_list("pk", flat=True))
    assert {f["properties"]["name"] for f in data["areas"]["features"]} == {"A1a网格", "A1b网格"}
    grid = history.regions["A1a"]  # each area links to its own map, which the cadre may open
    url = next(f["properties"]["url"] for f in data["areas"]["features"] if f["properties"]["id"] == grid.pk)
    assert url == f"/cockpit/map/?region={grid.pk}" and client.get(url).status_code == 200
    on_grid = client.get(f"/cockpit/map/data/?region={grid.pk}").json()["areas"]["features"]
    assert [f["properties"]["url"] for f in on_grid] == [None]  # a grid's own map: nothing further to open
    assert client.get("/cockpit/map/").status_code == 200
    assert client.get("/cockpit/analysis/").status_code == 200
    assert client.get(f"/cockpit/?region={history.regions['A2'].pk}").status_code == 403


@pytest.mark.parametrize("who", ["grid_worker", "dept_urban", "resident"])
def test_roles_without_a_cockpit_are_refused(history, login, client, who):
    login(who)
    assert client.get("/cockpit/").status_code == 403


def test_the_points_figure_counts_the_chosen_period(city, db):
    from jishi.points import earning
    from jishi.points.rules import seed_template

    item = next(i for i in seed_template() if i.points > 0)
    resident, cadre = city.people["resident"], city.user("village_cadre")
    now = timezone.now()
    jan_first = now.replace(month=1, day=1, hour=12)
    earlier_this_year = jan_first if now - jan_first > timedelta(days=40) else None  # not this month
    for i, at in enumerate([now, now - timedelta(days=400), earlier_this_year]):
        if at is not None:
            earning.apply_item(cadre, resident, item, key=f"t{i}", at=at, check_permission=False)
    town = city.regions["A"]
    month, year = (figures.kpis(town, period(k))["points"]["issued"] for k in ("month", "year"))
    assert month == item.points
    assert year == item.points * (2 if earlier_this_year else 1)
    assert figures.points(town)["issued"] == item.points * (3 if earlier_this_year else 2)  # all time
