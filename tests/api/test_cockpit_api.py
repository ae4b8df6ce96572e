"""The cockpit API: the same figures as the cockpit pages (same functions, same region rule), for the regions
the caller may open — a town commander gets the own town and 404 for the other one; roles without a cockpit
page get 403 as on the page; a token without ``cockpit:read`` gets 403 insufficient_scope."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from jishi.cases import services
from jishi.cases.models import Case
from jishi.cockpit import analysis, figures
from jishi.cockpit.periods import Period, today
from jishi.platform import clients
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import walk_to

report = case_fixtures.report

ENDPOINTS = ("/api/v1/cockpit", "/api/v1/cockpit/analysis", "/api/v1/cockpit/map")
SCOPES_BUT_COCKPIT = ["cases:read", "cases:write", "cases:act", "org:read", "points:read", "points:post", "notify:read"]


@pytest.fixture
def history(city, report):
    """Cases in towns A and B in several states: closed and rated, handled then reworked, a whistle, a rejection,
    three at one address, one overdue now."""
    a = walk_to(city, report(), "closed")
    services.rate(city.user("town_commander"), a, rating="satisfied")  # a 回访 (the grid worker reported it)
    b = walk_to(city, report(where="A1b1", category="0102"), "handled")
    services.reopen(city.user("town_commander"), b, reason="未处理好")
    c = walk_to(city, report(where="A2a1"), "accepted")
    services.whistle(city.user("town_commander"), c, departments=[city.departments["water"]], reason="联合执法")
    report(where="B1a1", channel="hotline")
    services.reject(city.user("grid_leader"), report(), reason="重复")
    for _ in range(3):
        report(address="A镇A1村1组1号")
    late = walk_to(city, report(), "in_progress")
    Case.objects.filter(pk=late.pk).update(handle_due_at=timezone.now() - timedelta(hours=1))
    return city


def _plain(value):
    """A page-context value as it travels in JSON (lazy labels and dates as text)."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def _page(client, city, who: str, url: str):
    client.force_login(city.user(who))
    r = client.get(url)
    assert r.status_code == 200, url
    return r


# --- who may see which region ------------------------------------------------------------------

def test_a_town_commander_gets_the_own_town_and_404_for_the_other_town_and_the_city(history, bearer):
    api = bearer("town_commander")
    r = api.get("/api/v1/cockpit")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["region"]["id"] == history.regions["A"].pk and body["region"]["level"] == "town"
    assert [c["region"]["name"] for c in body["children"]] == ["A1村", "A2村"]
    assert body["kpis"]["received"] == Case.objects.filter(town=history.regions["A"]).count() > 0
    for url in ENDPOINTS:
        for other in ("B", "city", "B1", "B1a"):
            r = api.get(f"{url}?region={history.regions[other].pk}")
            assert r.status_code == 404, (url, other)
            assert r["Content-Type"] == "application/problem+json" and r.json()["code"] == "not_found"
        assert api.get(f"{url}?region={history.regions['A1'].pk}").status_code == 200
        assert api.get(f"{url}?region=999999").status_code == 404  # no such region: the same answer


def test_a_village_cadre_gets_the_own_village_and_its_grids(history, bearer):
    api = bearer("village_cadre")
    body = api.get("/api/v1/cockpit").json()
    assert body["region"]["id"] == history.regions["A1"].pk and body["children_level"] == "grid"
    assert [c["region"]["name"] for c in body["children"]] == ["A1a网格", "A1b网格"]
    assert [a["id"] for a in body["ancestors"]] == [history.regions["A"].pk]
    assert api.get(f"/api/v1/cockpit?region={history.regions['A1a'].pk}").json()["children"] == []
    assert api.get(f"/api/v1/cockpit?region={history.regions['A2'].pk}").status_code == 404
    assert api.get(f"/api/v1/cockpit?region={history.regions['A'].pk}").status_code == 404


@pytest.mark.parametrize("who", ["grid_worker", "grid_leader", "dept_urban", "resident", "nobody"])
def test_roles_without_a_cockpit_are_refused_as_on_the_page(history, bearer, client, who):
    api = bearer(who)
    for url in ENDPOINTS:
        r = api.get(url)
        assert r.status_code == 403, (url, r.content)
        assert r.json()["code"] == "no_cockpit"
        assert api.get(f"{url}?region={history.regions['A1a'].pk}").status_code == 403
    client.force_login(history.user(who))
    assert client.get("/cockpit/").status_code == 403  # the page says the same


def test_a_token_without_the_cockpit_scope_is_refused(history, bearer):
    api = bearer("city_commander", SCOPES_BUT_COCKPIT)
    for url in ENDPOINTS:
        r = api.get(url)
        assert r.status_code == 403 and r.json()["code"] == "insufficient_scope"
        assert r.json()["details"]["required_scope"] == "cockpit:read"
    assert bearer("city_commander", ["cockpit:read"]).get("/api/v1/cockpit").status_code == 200


def test_the_page_session_may_call_the_api(history, client):
    client.force_login(history.user("city_commander"))
    r = client.get("/api/v1/cockpit")
    assert r.status_code == 200 and r.json()["region"]["level"] == "city"


# --- the figures are the page's ------------------------------------------------------------------

@pytest.mark.parametrize("key", ["city", "A", "A1", "A1a"])
@pytest.mark.parametrize("pkey", ["today", "month", "year"])
def test_every_figure_equals_the_cockpit_pages(history, bearer, client, key, pkey):
    region = history.regions[key]
    ctx = _page(client, history, "city_commander", f"/cockpit/?region={region.pk}&period={pkey}").context
    r = bearer("city_commander").get(f"/api/v1/cockpit?region={region.pk}&period={pkey}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["region"]["id"] == ctx["region"].pk
    assert body["period"] == {"key": pkey, "label": str(ctx["period"].label), "first": ctx["period"].first.isoformat(),
                              "last": ctx["period"].last.isoformat()}
    assert body["kpis"] == _plain(ctx["k"])
    assert body["links"] == ctx["links"]
    assert body["trend"] == _plain(ctx["chart"]["trend"]) and len(body["trend"]) == 30
    assert body["channels"] == _plain(ctx["chart"]["channels"])
    assert body["categories"] == _plain(ctx["chart"]["categories"])
    assert [{**c, "region": c["region"]["id"]} for c in body["children"]] == \
        _plain([{**c, "region": c["region"].pk} for c in ctx["children"]])
    assert body["force"] == _plain(ctx["force"])
    assert [(x["unit_type"], x["top"], x["bottom"], x["url"]) for x in body["rankings"]] == \
        [(x["unit_type"], x["top"], x["bottom"], x["url"]) for x in ctx["rankings"]]
    assert [a["id"] for a in body["ancestors"]] == [a.pk for a in ctx["ancestors"]]


def test_the_history_makes_the_compared_figures_non_trivial(history, bearer):
    body = bearer("city_commander").get("/api/v1/cockpit?period=year").json()
    k = body["kpis"]
    assert k["received"] == Case.objects.count() == 9
    assert k["rejected"] == 1 and k["rework"] == 1 and k["satisfied"] == 1 and k["whistles"] == 1
    assert k["overdue_now"] == 1 and k["whistles_open"] == 1
    assert k["closure_rate"] == 12.5 and k["satisfaction_rate"] == 100.0
    assert sum(c["n"] for c in body["channels"]) == k["received"] == sum(c["n"] for c in body["categories"])
    assert {c["key"] for c in body["channels"]} == {"patrol", "hotline"}
    assert [(c["region"]["name"], c["received"]) for c in body["children"]] == [("A镇", 8), ("B镇", 1)]
    assert body["trend"][-1] == {"day": today().isoformat(), "received": 9, "closed": 1}


def test_a_date_range_gives_the_figures_of_that_range(history, bearer):
    api = bearer("town_commander")
    first, last = today() - timedelta(days=40), today()
    r = api.get(f"/api/v1/cockpit?from={first}&to={last}&period=today")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["period"]["key"] == "range" and body["period"]["first"] == first.isoformat()
    assert body["kpis"] == _plain(figures.kpis(history.regions["A"], Period("range", first, last)))
    assert "from=" in body["links"]["received"] and "to=" in body["links"]["received"]
    empty = api.get(f"/api/v1/cockpit?from={first - timedelta(days=400)}&to={first - timedelta(days=300)}").json()
    assert empty["kpis"]["received"] == 0
    for bad, field in ((f"from={first}", "to"), (f"to={last}", "from"), (f"from={last}&to={first}", "to"),
                       ("from=1800-01-01&to=1800-01-02", "from")):
        r = api.get(f"/api/v1/cockpit?{bad}")
        assert r.status_code == 422 and r.json()["field"] == field, bad
    assert api.get("/api/v1/cockpit?period=decade").status_code == 422


def test_the_analysis_lists_are_the_analysis_pages(history, bearer, client):
    region = history.regions["A"]
    ctx = _page(client, history, "town_commander", f"/cockpit/analysis/?region={region.pk}").context
    body = bearer("town_commander").get(f"/api/v1/cockpit/analysis?region={region.pk}").json()
    assert body["repeat_addresses"] == _plain(ctx["addresses"])
    assert [(a["address"], a["count"]) for a in body["repeat_addresses"]] == [("A镇A1村1组1号", 3)]
    assert body["repeat_reporters"] == _plain(ctx["reporters"])
    assert body["hot_spots"] == _plain(ctx["hot_spots"])
    assert body["worsening"] == _plain(ctx["worsening"])
    assert body["backlogs"] == _plain(ctx["backlogs"])
    assert body["today"] == ctx["today"].isoformat()
    b = bearer("town_commander_b").get("/api/v1/cockpit/analysis").json()
    assert b["region"]["id"] == history.regions["B"].pk
    assert b["repeat_addresses"] == _plain(analysis.repeat_addresses(history.regions["B"])) == []


def test_the_map_is_the_map_pages_data(history, bearer, client):
    region = history.regions["A1"]
    page = _page(client, history, "village_cadre", "/cockpit/map/data/").json()
    body = bearer("village_cadre").get("/api/v1/cockpit/map").json()
    assert body["region"]["id"] == region.pk
    assert body["points"] == page["points"] and body["areas"] == page["areas"]
    assert sorted(p[2] for p in body["points"]) == sorted(
        Case.objects.filter(village=region, lat__isnull=False).values_list("pk", flat=True))
    assert {f["properties"]["name"] for f in body["areas"]["features"]} == {"A1a网格", "A1b网格"}


def test_a_port_limited_to_a_town_sees_only_that_towns_cockpit(history):
    admin = history.user("admin")
    port = clients.open_client(admin, name="大屏", kind="partner", owner=admin, account=admin,
                               scopes=["cockpit:read"], region=history.regions["B"])
    _, text = clients.issue_token(admin, port.pk, name="t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    body = api.get("/api/v1/cockpit").json()
    assert body["region"]["id"] == history.regions["B"].pk and body["kpis"]["received"] == 1
    for other in ("city", "A", "A1"):
        assert api.get(f"/api/v1/cockpit?region={history.regions[other].pk}").status_code == 404
    assert api.get("/api/v1/notifications").json()["code"] == "insufficient_scope"
