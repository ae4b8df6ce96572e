"""The 8-minute circle's arithmetic on small hand-made maps with known answers, and its invariants (hypothesis):
adding a venue never lowers coverage; greedy best sites stay within their bound of the exact answer."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from jishi.venues import circle

M = 111_195.08  # metres in one degree at the equator (lat0 = 0: the plane is metres / M)
P = circle.Params(speed=80, detour=1.0, minutes=8)  # 640 m within 8 minutes


def deg(*xy):
    return (xy[0] / M, xy[1] / M)


def xy(points):
    a = np.array(points, dtype=float).reshape(-1, 2)
    return circle.project(a[:, 0] / M, a[:, 1] / M, 0.0)


def test_straight_minutes_are_distance_times_detour_over_speed():
    hh = xy([(0, 0), (500, 0), (700, 0), (0, 1000)])
    got = circle.nearest_minutes(hh, xy([(0, 0)]), P)
    assert got == pytest.approx([0, 6.25, 8.75, 12.5], abs=0.01)
    detoured = circle.nearest_minutes(hh, xy([(0, 0)]), circle.Params(speed=80, detour=1.3, minutes=8))
    assert detoured[1] == pytest.approx(500 * 1.3 / 80, abs=0.01)  # 8.125: outside once the detour counts


def test_the_nearest_of_several_venues_counts_and_no_venue_is_infinitely_far():
    hh = xy([(0, 0), (1000, 0)])
    assert circle.nearest_minutes(hh, xy([(0, 100), (1000, 400)]), P) == pytest.approx([1.25, 5.0], abs=0.01)
    assert np.isinf(circle.nearest_minutes(hh, np.zeros((0, 2)), P)).all()


def _l_road():
    """A road from the venue north 400 m, then east 400 m."""
    return circle.build_network([[deg(0, 0), deg(0, 400), deg(400, 400)]], 0.0)


def test_on_a_network_walking_follows_the_road_not_the_crow():
    net = _l_road()
    assert net.nodes >= 17 and net.edges == net.nodes - 1  # a node at least every 50 m
    assert net.km == pytest.approx(0.8, abs=0.001)
    hh = xy([(400, 400), (0, 400), (420, 330)])
    along = circle.nearest_minutes(hh, xy([(0, 0)]), P, net)
    assert along[0] == pytest.approx(800 / 80, abs=0.01)  # 800 m of road: outside
    assert along[1] == pytest.approx(400 / 80, abs=0.01)  # at the corner, 400 m along the road
    # off the road: 20 m east and 70 m south of the corner's last node (400, 400) → steps onto it
    assert along[2] == pytest.approx((800 + math.hypot(20, 70)) / 80, abs=0.01)
    crow = circle.nearest_minutes(hh, xy([(0, 0)]), P)
    assert crow[0] == pytest.approx(math.hypot(400, 400) / 80, abs=0.01)  # 7.07: inside as the crow flies


def test_crossing_roads_are_joined_where_they_cross():
    # a plus sign of two lines that share no vertex: the venue on one arm reaches a household on the other
    net = circle.build_network([[deg(-500, 0), deg(500, 0)], [deg(0, -500), deg(0, 500)]], 0.0)
    assert net.edges == net.nodes - 1 >= 40  # four 500 m arms meeting at one node, a node every 50 m or less
    got = circle.nearest_minutes(xy([(0, 500)]), xy([(500, 0)]), P, net)
    assert got[0] == pytest.approx(1000 / 80, abs=0.01)
    apart = circle.build_network([[deg(-500, 0), deg(500, 0)], [deg(0, -500), deg(0, 500)]], 0.0, split_crossings=False)
    assert (apart.nodes, apart.edges) == (4, 2)  # not joined: the household's road never meets the venue's
    assert np.isinf(circle.nearest_minutes(xy([(0, 500)]), xy([(500, 0)]), P, apart)[0])


def test_lines_are_read_from_features_multilines_and_collections():
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[120, 31], [120.01, 31]]}},
        {"type": "Feature", "geometry": {"type": "MultiLineString", "coordinates": [[[120, 31], [120, 31.01]],
                                                                                   [[1, 1]]]}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [120, 31]}}]}
    assert len(circle.lines_of(fc)) == 2


def test_cover_sets_straight_and_along_the_network():
    hh = xy([(0, 0), (0, 400), (400, 400)])
    cands = xy([(0, 0), (2000, 0)])
    a = circle.cover_sets(hh, cands, P).toarray()
    assert a.tolist() == [[True, True, True], [False, False, False]]  # 565.7 m ≤ 640 m
    a = circle.cover_sets(hh, cands, P, _l_road()).toarray()
    assert a[0].tolist() == [True, True, False]  # (400,400) is 800 m of road away


def test_best_sites_pick_the_biggest_clusters_and_report_what_each_adds():
    hh = xy([(0, 0)] * 5 + [(2000, 0)] * 3 + [(4000, 0)] * 4)
    cands = xy([(0, 0), (2000, 0), (4000, 0), (1000, 0)])
    a = circle.cover_sets(hh, cands, P)
    plan = circle.greedy(a, np.ones(12), 2)
    assert [(p.candidate, p.gain) for p in plan.picks] == [(0, 5.0), (2, 4.0)]
    assert plan.covered == 9
    assert circle.exact(a, np.ones(12), 2).covered == 9
    assert circle.exact(a, np.ones(12), 3).covered == 12


def test_greedy_can_miss_the_optimum_and_the_exact_solver_finds_it():
    # X covers 1-4; Y covers 1,2,5; Z covers 3,4,6. Two sites: greedy takes X then one more (5); Y+Z covers 6.
    a = sparse.csr_matrix(np.array([[1, 1, 1, 1, 0, 0], [1, 1, 0, 0, 1, 0], [0, 0, 1, 1, 0, 1]], dtype=bool))
    g = circle.greedy(a, np.ones(6), 2)
    e = circle.exact(a, np.ones(6), 2)
    assert g.covered == 5 and e.covered == 6
    assert sorted(p.candidate for p in e.picks) == [1, 2]
    assert g.covered >= g.bound_ratio * e.covered
    assert g.upper_bound >= e.covered
    assert g.bound_ratio == pytest.approx(0.75)  # 1-(1-1/2)^2


def test_exact_refuses_large_cases():
    a = sparse.csr_matrix(np.ones((circle.EXACT_MAX_CANDIDATES + 1, 2), dtype=bool))
    with pytest.raises(ValueError):
        circle.exact(a, np.ones(2), 2)


points = st.lists(st.tuples(st.floats(0, 3000), st.floats(0, 3000)), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(hh=points, venues=st.lists(st.tuples(st.floats(0, 3000), st.floats(0, 3000)), max_size=8),
       extra=st.tuples(st.floats(0, 3000), st.floats(0, 3000)), on_network=st.booleans())
def test_adding_a_venue_never_lowers_coverage(hh, venues, extra, on_network):
    net = None
    if on_network:  # a 500 m street grid
        lines = [[deg(x, 0), deg(x, 3000)] for x in range(0, 3001, 500)] + \
                [[deg(0, y), deg(3000, y)] for y in range(0, 3001, 500)]
        net = circle.build_network(lines, 0.0)
    h = xy(hh)
    before = circle.nearest_minutes(h, xy(venues) if venues else np.zeros((0, 2)), P, net)
    after = circle.nearest_minutes(h, xy(venues + [extra]), P, net)
    assert (after <= before + 1e-9).all()
    assert (after <= P.minutes).sum() >= (before <= P.minutes).sum()


@settings(max_examples=60, deadline=None)
@given(rows=st.integers(2, 9), cols=st.integers(1, 14), n=st.integers(1, 4), seed=st.integers(0, 2**32 - 1),
       weighted=st.booleans())
def test_greedy_is_within_its_bound_of_the_exact_answer(rows, cols, n, seed, weighted):
    rng = np.random.default_rng(seed)
    a = sparse.csr_matrix(rng.random((rows, cols)) < 0.35)
    w = rng.integers(1, 6, cols).astype(float) if weighted else np.ones(cols)
    g = circle.greedy(a, w, n)
    e = circle.exact(a, w, n)
    assert g.covered <= e.covered + 1e-6
    assert g.covered >= (1 - 1 / math.e) * e.covered - 1e-6
    assert g.covered >= g.bound_ratio * e.covered - 1e-6
    assert e.covered <= g.upper_bound + 1e-6
    assert len(e.picks) <= n and len(g.picks) <= n
