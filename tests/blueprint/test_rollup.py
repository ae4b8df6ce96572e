"""The weighted roll-up: for any tree and any weights adding up to 100% among siblings, a parent's progress is
exactly the weighted sum of its children's; weights that do not add up are refused — by the pure function and
by the service that sets them."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jishi.blueprint import rollup


def _split(draw, n: int) -> list[Fraction]:
    """n weights (two decimals) adding up to exactly 100."""
    cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=n - 1, max_size=n - 1)))
    edges = [0, *cuts, 10_000]
    return [Fraction(edges[i + 1] - edges[i], 100) for i in range(n)]


@st.composite
def trees(draw):
    """A random forest: id → (parent, weight, own progress), siblings' weights adding up to 100."""
    n = draw(st.integers(1, 40))
    parents = {0: None}
    for i in range(1, n):
        parents[i] = draw(st.sampled_from([None, *range(i)]))
    kids: dict[int, list[int]] = {}
    for i, p in parents.items():
        if p is not None:
            kids.setdefault(p, []).append(i)
    weights = {i: Fraction(100) for i in parents}
    for ks in kids.values():
        for k, w in zip(ks, _split(draw, len(ks)), strict=True):
            weights[k] = w
    progress = {i: Fraction(draw(st.integers(0, 10_000)), 100) for i in parents}
    return {i: (parents[i], weights[i], progress[i]) for i in parents}


@given(trees())
@settings(max_examples=300, deadline=None)
def test_a_parent_equals_the_weighted_sum_of_its_children_for_any_tree(nodes):
    out = rollup.rollup(nodes)
    for pk, (_parent, _w, own) in nodes.items():
        kids = [k for k, v in nodes.items() if v[0] == pk]
        if kids:
            assert out[pk] == sum(nodes[k][1] * out[k] for k in kids) / 100
        else:
            assert out[pk] == own
        assert 0 <= out[pk] <= 100


@given(trees(), st.data())
@settings(max_examples=200, deadline=None)
def test_weights_that_do_not_add_up_are_refused(nodes, data):
    parents = sorted({v[0] for v in nodes.values() if v[0] is not None})
    if not parents:
        return
    victim = data.draw(st.sampled_from(parents))
    kid = data.draw(st.sampled_from(sorted(k for k, v in nodes.items() if v[0] == victim)))
    delta = data.draw(st.sampled_from([Fraction(1, 100), Fraction(-1, 100), Fraction(7), Fraction(-50)]))
    p, w, prog = nodes[kid]
    if not 0 <= w + delta <= 100:
        delta = -delta
    broken = {**nodes, kid: (p, w + delta, prog)}
    with pytest.raises(rollup.WeightsDontAddUp) as exc:
        rollup.rollup(broken)
    assert "须为 100%" in str(exc.value)


def test_weighted_accepts_decimals_and_refuses_other_totals():
    assert rollup.weighted([(Decimal("33.33"), 90), (Decimal("33.33"), 30), (Decimal("33.34"), 60)]) == \
        Fraction(3333 * 90 + 3333 * 30 + 3334 * 60, 10_000)
    with pytest.raises(rollup.WeightsDontAddUp):
        rollup.weighted([(50, 10), (49.99, 10)])
    with pytest.raises(ValueError):
        rollup.check_weights([120, -20])


weights_st = st.lists(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False),
                      min_size=2, max_size=4)


@pytest.mark.django_db
@given(ws=weights_st, progress=st.lists(st.integers(0, 100), min_size=4, max_size=4))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_service_stores_the_weighted_sum_and_refuses_weights_that_do_not_add_up(city, bp, ws, progress):
    from django.db import transaction

    from jishi.blueprint import services
    from jishi.blueprint.models import Project
    from jishi.core.errors import ValidationFailed
    from tests.blueprint.conftest import make_project

    with transaction.atomic():
        sid = transaction.savepoint()
        top = make_project(city, bp, who="city_commander", region="city", title="全市重点攻坚")
        kids = [make_project(city, bp, who="city_commander", region="A", parent=top, weight=0, title=f"子{i}")
                for i in range(len(ws))]
        for k, pr in zip(kids, progress, strict=False):
            services.report_progress(city.user("city_commander"), k, progress=pr, note="推进")
        given_ws = {k.pk: w for k, w in zip(kids, ws, strict=True)}
        if sum(ws) != 100:
            with pytest.raises(ValidationFailed, match="须为 100%"):
                services.set_weights(city.user("city_commander"), Project.objects.get(pk=top.pk), given_ws)
            assert Project.objects.get(pk=top.pk).weights_ok is False  # zero weights: not yet 100
        else:
            services.set_weights(city.user("city_commander"), Project.objects.get(pk=top.pk), given_ws)
            expect = rollup.stored(rollup.weighted((w, p) for w, p in zip(ws, progress, strict=False)))
            assert Project.objects.get(pk=top.pk).progress == expect
        transaction.savepoint_rollback(sid)
