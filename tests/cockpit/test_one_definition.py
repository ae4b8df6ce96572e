"""One definition per figure (jishi.cases.figures): on a generated city, every figure shown both on the cockpit
and on the scoring boards — received, closure rate, on-time rate, satisfaction rate — is the same number for
every town, village and grid, on the pages, through the API and in the Excel export; a self-rating is neither
possible nor counted."""

from __future__ import annotations

import io
import random
from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from jishi.cases import demo as cases_demo
from jishi.cases import figures as shared
from jishi.cases import services
from jishi.cases.choices import Channel
from jishi.cases.models import Case, CaseEvent
from jishi.cockpit import demo as cockpit_demo
from jishi.cockpit import figures as cockpit
from jishi.cockpit.periods import custom
from jishi.cockpit.rollups import rebuild, recompute, stored
from jishi.core.errors import Conflict
from jishi.org.choices import Level
from jishi.scoring.excel import board_xlsx
from jishi.scoring.indicators import GRID, TOWN, VILLAGE, compute
from jishi.scoring.periods import Month
from jishi.scoring.presenting import board_view
from tests.api.conftest import bearer  # noqa: F401 - fixture
from tests.cases.conftest import walk_to

TZ = ZoneInfo("Asia/Shanghai")
NOV = Month(2026, 11)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
SHARED = {"closure_rate": "closure_rate", "on_time_rate": "on_time_closure_rate",
          "satisfaction_rate": "satisfaction_rate"}  # cockpit key → scoring indicator


@pytest.fixture
def generated(city, report, monkeypatch):
    """A generated year of cases up to 2026-11-27, then in November through the real services: a resident's
    report rated 不满意 (reworked) then 基本满意, a 回访, and an on-the-spot case whose grid worker tries to rate
    it — plus one such self-rating written the old way, straight onto the timeline."""
    monkeypatch.setitem(cases_demo.SCALES, "small", (900, 120))
    monkeypatch.setitem(cases_demo.LIVE, "small", 0)
    ctx = SimpleNamespace(scale="small", seed=11, rng=random.Random(11), progress=lambda *a, **k: None,
                          today=date(2026, 11, 27))
    cases_demo.generate(ctx)
    cockpit_demo.generate(ctx)
    with time_machine.travel(datetime(2026, 11, 28, 9, 0, tzinfo=TZ), tick=False):
        r = walk_to(city, report("resident", channel=Channel.RESIDENT), "closed")
        services.rate(city.user("resident"), r, rating="unsatisfied", note="还是脏")
        services.handle(city.user("dept_urban"), r, note="重新清理")
        services.verify(city.user("resident"), r, passed=True)
        services.close(city.user("town_commander"), r)
        services.rate(city.user("resident"), r, rating="basic")
        hotline = walk_to(city, report(None, channel=Channel.HOTLINE, reporter_phone="13800001111",
                                       external_ref="T-1"), "closed")
        services.rate(city.user("town_commander"), hotline, rating="satisfied", note="电话回访")
        spot = report(photos=[JPEG])
        services.resolve_on_spot(city.user("grid_worker"), spot, after=[JPEG])
        with pytest.raises(Conflict):
            services.rate(city.user("grid_worker"), spot, rating="satisfied")
        legacy = report(photos=[JPEG], title="旧数据")
        services.resolve_on_spot(city.user("grid_worker"), legacy, after=[JPEG])
    now = datetime(2026, 11, 28, 10, 0, tzinfo=TZ)
    CaseEvent.objects.create(case=legacy, verb="rate", actor=city.user("grid_worker"), actor_name="网格员",
                             actor_role="grid_worker", at=now, from_state="closed", to_state="closed",
                             data={"rating": "satisfied"})
    Case.objects.filter(pk=legacy.pk).update(rating="satisfied", rated_at=now)
    rebuild()
    return SimpleNamespace(city=city, resident_case=r, hotline=hotline, legacy=legacy)


def _cockpit_rows(region_key: str | None, city, p) -> dict[int, dict]:
    region = city.regions[region_key] if region_key else city.regions["city"]
    return {row["region"].pk: row for row in cockpit.children(region, p)}


def _same(cockpit_row: dict, unit) -> None:
    assert cockpit_row["received"] == unit.figures["received"].num, unit.name
    for ck, sk in SHARED.items():
        f = unit.figures[sk]
        assert cockpit_row[ck] == shared.percent(f.weighted, f.den), (unit.name, ck, cockpit_row, f)


def test_cockpit_scoring_api_and_export_agree_on_every_shared_figure(generated, client, bearer):  # noqa: F811
    city = generated.city
    p = custom(NOV.first_day, date(2026, 11, 30))
    towns = {u.unit_id: u for u in compute(TOWN, NOV)}
    villages = {u.unit_id: u for u in compute(VILLAGE, NOV)}
    grids = {u.unit_id: u for u in compute(GRID, NOV)}
    rows = _cockpit_rows(None, city, p)
    assert rows and set(rows) <= set(towns)
    compared = rated = 0
    for town_id, row in rows.items():
        _same(row, towns[town_id])
        compared += 1
        rated += row["rated"]
        for vid, vrow in _cockpit_rows_for(row["region"], p).items():
            _same(vrow, villages[vid])
            compared += 1
            for gid, grow in _cockpit_rows_for(vrow["region"], p).items():
                _same(grow, grids[gid])
                compared += 1
    assert compared > 10 and rated > 10
    # the two ratings of one case both count; the self-rating (old data) does not; the 回访 does
    town_a = towns[city.regions["A"].pk].figures["satisfaction_rate"]
    events = CaseEvent.objects.filter(shared.counted_ratings(NOV.start, NOV.end), case__town=city.regions["A"])
    assert town_a.den == events.count()
    assert not events.filter(case=generated.legacy).exists()
    assert events.filter(case=generated.resident_case).count() == 2
    assert events.filter(case=generated.hotline, data__by="revisit").count() == 1
    # the city's own figures equal the sum over its towns
    k = cockpit.kpis(city.regions["city"], p)
    assert k["rated"] == sum(t.figures["satisfaction_rate"].den for t in towns.values())
    # the API: cockpit (custom period) and scoring indicators
    api_cockpit = bearer("city_commander").get(f"/api/v1/cockpit?region={city.regions['city'].pk}"
                                               f"&from=2026-11-01&to=2026-11-30").json()
    api_board = bearer("city_commander").get("/api/v1/scoring/indicators?unit_type=town&month=2026-11").json()
    by_unit = {r["unit_id"]: {f["indicator"]: f for f in r["figures"]} for r in api_board["rows"]}
    for c in api_cockpit["children"]:
        figs = by_unit[c["region"]["id"]]
        assert c["received"] == figs["received"]["num"]
        for ck, sk in SHARED.items():
            f = figs[sk]
            assert c[ck] == (None if f["value"] is None else round(f["value"] * 100, 2)), (c["region"]["name"], ck)
    # the Excel export of the board carries the same values
    view = board_view(TOWN, NOV)
    ws = load_workbook(io.BytesIO(board_xlsx(view))).active
    head = [c.value for c in ws[1]]
    col = head.index("满意率")
    by_name = {r[1]: r[col] for r in ws.iter_rows(min_row=2, values_only=True) if r and r[1]}
    for c in api_cockpit["children"]:
        if c["satisfaction_rate"] is not None:
            assert round(by_name[c["region"]["name"]] * 100, 2) == pytest.approx(c["satisfaction_rate"], abs=0.01)


def _cockpit_rows_for(region, p) -> dict[int, dict]:
    return {row["region"].pk: row for row in cockpit.children(region, p)} if region.level != Level.GRID else {}


def test_the_incremental_rollups_equal_a_rebuild_from_the_raw_rows(generated):
    assert stored() == {k: v for k, v in recompute().items() if any(v.values())}


def test_the_pages_name_each_figure_with_its_definition(generated, client):
    city = generated.city
    client.force_login(city.user("city_commander"))
    html = client.get("/cockpit/").content.decode()
    assert str(shared.FIGURES["satisfaction_rate"].definition) in html
    assert 'id="figure-notes"' in html
    html = client.get("/scoring/town/2026-11/").content.decode()
    assert str(shared.FIGURES["closure_rate"].definition) in html and 'id="board-notes"' in html
