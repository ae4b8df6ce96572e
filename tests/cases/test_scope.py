"""Data scope of cases: the grid its grid, a department what is assigned or whistled to it, a
resident their own reports."""

from jishi.cases import services
from jishi.cases.models import Case
from jishi.org.policy import actor_for_user
from tests.scope_helpers import visible


def _pks(city, who):
    return set(visible(Case.objects.all(), city.user(who)).values_list("pk", flat=True))


def test_each_role_sees_its_own_part_of_the_cases(city, report):
    a = report()
    b = report("grid_worker_b", where="B1a1")
    mine = report("resident", where="B1b2", channel="resident")  # the resident lives in A1a1, reports in B
    services.accept(city.user("town_commander"), a)
    services.dispatch(city.user("town_commander"), a, department="D02")
    whistled = services.accept(city.user("town_commander_b"), report(None, where="B2a1", channel="hotline"))
    services.whistle(city.user("town_commander_b"), whistled, departments=["D01"], reason="联合")

    assert _pks(city, "grid_worker") == {a.pk}
    assert _pks(city, "grid_worker_b") == {b.pk}
    assert _pks(city, "town_commander") == {a.pk}
    assert _pks(city, "town_commander_b") == {b.pk, mine.pk, whistled.pk}
    assert _pks(city, "dept_water") == {a.pk}
    assert _pks(city, "dept_urban") == {whistled.pk}
    assert _pks(city, "resident") == {mine.pk}
    assert _pks(city, "city_commander") == {a.pk, b.pk, mine.pk, whistled.pk}
    assert _pks(city, "nobody") == set()


def test_the_department_scope_is_one_query_without_duplicates(city, report, django_assert_num_queries):
    for _ in range(3):
        c = services.accept(city.user("town_commander"), report())
        services.whistle(city.user("town_commander"), c, departments=["D01", "D02"], reason="联合")
    actor = actor_for_user(city.user("dept_urban"))  # once per request
    with django_assert_num_queries(1):
        assert len(list(Case.objects.restrict(actor))) == 3
