"""Venues and the 8-minute coverage through the services: the coverage follows every change that moves the
circle (a consumer of the venues timeline), the 1+3+10 gaps, bookings that never overlap, best sites, scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from jishi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jishi.core.models import AuditRecord
from jishi.org.models import Venue
from jishi.venues import planning, queries, services
from jishi.venues.models import CoverageCell, CoverageRun, VenueEvent
from tests.venues.conftest import P, east, household, venue

pytestmark = pytest.mark.django_db


def covered(city, key="A1"):
    return queries.eight_minute_coverage(city.regions[key]).covered


def test_a_new_venue_brings_the_households_within_8_minutes_into_the_circle(city, street):
    assert CoverageRun.objects.count() == 0
    v = venue(city)
    run = CoverageRun.objects.get()
    assert (run.households, run.covered, run.venues) == (5, 3, 1)  # P, 300 m, 450 m (450 × 1.3 / 80 = 7.3 min)
    cov = queries.eight_minute_coverage(city.regions["A1"])
    assert (cov.households, cov.covered, cov.outside) == (5, 3, 2)
    assert cov.rate == pytest.approx(0.6)
    pts, total = queries.outside_points(None, city.regions["A1"])
    assert total == 2 and [p[0] for p in pts] == [street[2000].pk, street[600].pk]  # farthest first
    assert pts[1][3] == pytest.approx(600 * 1.3 / 80, abs=0.06)  # kept to 0.1 min
    assert VenueEvent.objects.filter(venue=v, verb="add").count() == 1
    assert AuditRecord.objects.filter(action="venue.create", object_id=str(v.pk)).exists()


def test_closing_a_venue_takes_its_households_out_and_reopening_brings_them_back(city, street):
    v = venue(city)
    services.set_open(city.user("village_cadre"), v.pk, False, note="场地改造")
    assert covered(city) == 0
    with pytest.raises(Conflict):
        services.set_open(city.user("village_cadre"), v.pk, False, note="again")
    services.set_open(city.user("village_cadre"), v.pk, True)
    assert covered(city) == 3


def test_moving_a_venue_moves_the_circle(city, street):
    v = venue(city)
    services.update_venue(city.user("village_cadre"), v.pk, lng=east(2000)[0], lat=P[1])
    assert covered(city) == 1  # only the household 2 km east, now on the venue's doorstep


def test_the_city_sets_speed_and_detour_and_the_coverage_follows(city, street):
    venue(city)
    services.set_circle(city.user("city_commander"), speed=80, detour=1.0, minutes=8, method="straight")
    assert covered(city) == 4  # 600 m straight at 80 m/min = 7.5 min
    with pytest.raises(PermissionDenied):
        services.set_circle(city.user("town_commander"), speed=80, detour=1.0, minutes=15, method="straight")
    with pytest.raises(ValidationFailed):
        services.set_circle(city.user("city_commander"), speed=80, detour=0.5, minutes=8, method="straight")
    with pytest.raises(ValidationFailed, match="道路网络"):
        services.set_circle(city.user("city_commander"), speed=80, detour=1.3, minutes=8, method="network")


def test_on_an_imported_road_network_walking_follows_the_road(city, street):
    venue(city)
    # a road from P north 500 m, east 300 m, and back south to the household 300 m east: 1,300 m of road
    north = (P[0], P[1] + 500 / 111_195.08)
    road = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {
        "type": "LineString", "coordinates": [list(P), list(north), [east(300)[0], north[1]], list(east(300))]}}]}
    net = services.import_network(city.user("admin"), name="测试路网", geojson=road)
    assert net.lines == 1 and net.km == pytest.approx(1.3, abs=0.01)
    services.set_circle(city.user("admin"), speed=80, detour=1.3, minutes=8, method="network")
    run = CoverageRun.objects.order_by("-id").first()
    assert run.method == "network"
    # P on the road: in; 300 m east is 1,300 m of road (16 min): out; 450 m / 600 m east step onto the road's
    # nearest node (the east end) first: out too
    assert covered(city) == 1
    with pytest.raises(ValidationFailed, match="线要素"):
        services.import_network(city.user("admin"), name="空", geojson={"type": "FeatureCollection", "features": []})
    with pytest.raises(ValidationFailed, match="经度在前"):
        services.import_network(city.user("admin"), name="反了", geojson={
            "type": "LineString", "coordinates": [[31.8, 120.2], [31.81, 120.2]]})


def test_each_village_s_gap_to_1_3_10(city):
    cadre = "village_cadre"
    venue(city, cadre, kind="party_mass_centre", name="A1党群服务中心")
    for i in range(3):
        venue(city, cadre, kind="pioneer_station", name=f"驿站{i}", at=east(100 * i))
    points = [venue(city, cadre, name=f"睦邻点{i}", at=east(50 * i)) for i in range(9)]
    gaps = {g.name: g for g in queries.village_gaps(None, city.regions["city"])}
    a1 = gaps["A1村"]
    assert (a1.centres, a1.stations, a1.points, a1.need_points, a1.complete) == (1, 3, 9, 1, False)
    assert gaps["B1村"].missing == 14
    venue(city, cadre, name="睦邻点10")
    vc = queries.venue_coverage(city.regions["A"])
    assert (vc.villages, vc.complete, vc.rate) == (2, 1, 0.5)
    services.set_open(city.user(cadre), points[0].pk, False, note="改造")
    assert queries.venue_coverage(city.regions["A"]).complete == 0  # a closed point does not count


def test_a_cadre_manages_only_their_own_village(city):
    with pytest.raises(PermissionDenied):
        venue(city, "village_cadre", key="B1")
    v = venue(city, "town_commander_b", key="B1")
    with pytest.raises(NotFound):
        services.update_venue(city.user("village_cadre"), v.pk, name="改名")
    with pytest.raises(NotFound):
        services.set_open(city.user("grid_worker"), v.pk, False, note="x")
    assert Venue.objects.get(pk=v.pk).name == "睦邻点"


def _room(city):
    v = venue(city, kind="party_mass_centre", name="A1党群服务中心")
    return services.add_room(city.user("village_cadre"), v.pk, name="党员活动室", capacity=40)


def test_bookings_of_a_room_never_overlap(city):
    room = _room(city)
    cadre = city.user("village_cadre")
    start = (timezone.now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    b = services.book_room(cadre, room.pk, starts_at=start, ends_at=start + timedelta(hours=2), purpose="主题党日",
                           organiser="第一网格党支部", attendees=30)
    with pytest.raises(Conflict, match="第一网格党支部"):
        services.book_room(cadre, room.pk, starts_at=start + timedelta(hours=1), ends_at=start + timedelta(hours=3),
                           purpose="议事会", organiser="村委")
    after = services.book_room(cadre, room.pk, starts_at=start + timedelta(hours=2), ends_at=start + timedelta(hours=3),
                               purpose="议事会", organiser="村委")  # back to back is fine
    with pytest.raises(ValidationFailed, match="最多容纳 40 人"):
        services.book_room(cadre, room.pk, starts_at=start + timedelta(days=1), ends_at=start + timedelta(days=1, hours=1),
                           purpose="大会", organiser="村委", attendees=41)
    with pytest.raises(ValidationFailed, match="已经过去"):
        services.book_room(cadre, room.pk, starts_at=start - timedelta(days=3), ends_at=start - timedelta(days=3, hours=-1),
                           purpose="补登", organiser="村委")
    with pytest.raises(NotFound):
        services.book_room(city.user("town_commander_b"), room.pk, starts_at=start + timedelta(days=2),
                           ends_at=start + timedelta(days=2, hours=1), purpose="x", organiser="y")
    services.cancel_booking(cadre, b.pk, reason="改期")
    services.book_room(cadre, room.pk, starts_at=start, ends_at=start + timedelta(hours=1), purpose="改期后",
                       organiser="村委")  # the cancelled slot is free again
    assert after.pk and AuditRecord.objects.filter(action="venue.book").count() == 3
    assert not VenueEvent.objects.filter(verb="book").exclude(venue=room.venue).exists()
    assert CoverageRun.objects.count() == 1  # bookings do not recompute the circle (only the venue's creation did)


def test_best_sites_bring_the_most_households_into_the_circle(city):
    # B1 has no venue: 5 households at Q, 3 at 2 km east of Q, 4 at 4 km east of Q
    q = (120.245, 31.805)
    n = 0
    for m, count in ((0, 5), (2000, 3), (2600, 4)):
        for _ in range(count):
            n += 1
            household(city, "B1a1" if m == 0 else "B1b1", f"Q{n}", east(m, q))
    cands = [("甲", *q), ("乙", *east(2000, q)), ("丙", *east(2600, q)), ("丁", *east(1000, q))]
    cmd = city.user("town_commander_b")
    r = planning.best_sites(cmd, city.regions["B1"], 2, candidates=cands)
    assert [(s.label, s.adds, s.alone) for s in r.sites] == [("甲", 5, 5), ("丙", 4, 4)]
    assert (r.covered_before, r.covered_after, r.households) == (0, 9, 12)
    assert r.upper_bound >= 9
    e = planning.best_sites(cmd, city.regions["B1"], 2, method="exact", candidates=cands)
    assert e.covered_after == 9 and e.upper_bound == 9
    # a venue at 甲 already: the next best single site is 丙
    venue(city, "town_commander_b", key="B1", at=q)
    assert [s.label for s in planning.best_sites(cmd, city.regions["B1"], 1, candidates=cands).sites] == ["丙"]
    with pytest.raises(PermissionDenied):
        planning.best_sites(city.user("village_cadre"), city.regions["B1"], 1, candidates=cands)
    with pytest.raises(ValidationFailed):
        planning.best_sites(cmd, city.regions["B1"], 0, candidates=cands)


def test_default_candidates_are_the_grid_and_micro_grid_centres(city):
    cands = planning.default_candidates(city.regions["A1"])
    assert cands[:2] == [("A1a网格", 120.21, 31.82), ("A1a1微网格", 120.21, 31.81)]
    assert len(cands) == 2 + 4


def test_coverage_by_sub_region_worst_first(city, street):
    household(city, "A1b1", "W1", east(100))  # in another micro-grid's records, near P
    household(city, "B1a1", "FAR", (120.25, 31.81))
    venue(city)
    kids = queries.coverage_children(None, city.regions["A1"])
    assert [(k["name"], k["households"], k["covered"]) for k in kids] == [("A1a网格", 5, 3), ("A1b网格", 1, 1)]
    towns = queries.coverage_children(None, city.regions["city"])
    assert [(k["name"], k["covered"], k["outside"]) for k in towns] == [("B镇", 0, 1), ("A镇", 4, 2)]
    assert CoverageCell.objects.count() == 3
    # the grid worker of A1a sees only their grid's cells
    assert queries.eight_minute_coverage(city.regions["A1"], city.user("grid_worker")).households == 5
