"""The department scheme (GB/T 30428 v2) counts the response (签收) rate and overdue cases; units without enough
cases are shown apart as 样本不足 and units without cases are left off; 上月排名 is filled even when last month's
board was not published."""

from __future__ import annotations

from jishi.cases import services
from jishi.org.models import Department
from jishi.scoring.periods import Month
from jishi.scoring.presenting import board_view
from tests.scoring.conftest import at
from tests.scoring.test_indicators import finish, to_department

OCT = Month(2026, 10)


def test_a_department_that_signs_for_few_cases_ranks_below_one_that_answers_all(city, report, clock, client):
    agri = Department.objects.create(code="D90", name="市农业农村局", region=city.regions["city"])
    small = Department.objects.create(code="D91", name="市小件局", region=city.regions["city"])
    Department.objects.create(code="D92", name="市无件局", region=city.regions["city"])
    for _ in range(5):
        case = to_department(city, report())
        services.acknowledge(city.user("dept_urban"), case)
        finish(city, case)
    tc = city.user("town_commander")
    for _ in range(5):  # 农业农村局: five dispatched, none signed for
        services.dispatch(tc, services.accept(tc, report()), department=agri)
    for _ in range(2):  # fewer than the scheme's minimum of five
        services.dispatch(tc, services.accept(tc, report()), department=small)
    view = board_view("department", OCT)
    by_name = {r.name: r for r in view.rows}
    agri_row = by_name["市农业农村局"]
    response = next(c for c in agri_row.cells if c.key == "response_rate")
    assert (response.num, response.den) == (0, 5)
    assert by_name["城市管理局"].rank == 1 and by_name["城市管理局"].grade
    assert agri_row.rank is not None and agri_row.rank > 1
    # 样本不足: cases, but fewer than the minimum; not ranked, listed apart; no cases: left off
    assert [r.name for r in view.too_few] == ["市小件局"]
    assert "市无件局" in [r.name for r in view.idle] and all(r.volume for r in view.ranked)
    client.force_login(city.user("city_commander"))
    html = client.get("/scoring/department/2026-10/").content.decode()
    assert 'id="board-too-few"' in html and "市小件局" in html
    assert "市无件局" not in html and 'id="board-idle"' in html
    # the API says which is which
    api = client.get("/api/v1/scoring/indicators?unit_type=department&month=2026-10").json()
    standing = {r["name"]: r["standing"] for r in api["rows"]}
    assert standing["城市管理局"] == "ranked" and standing["市小件局"] == "too_few" and standing["市无件局"] == "no_cases"


def test_last_months_rank_is_filled_without_a_published_board(city, report, clock):
    for _ in range(5):
        case = to_department(city, report())
        services.acknowledge(city.user("dept_urban"), case)
        finish(city, case)
    clock.move_to(at(2026, 11, 3, 9, 0))
    view = board_view("department", Month(2026, 11))
    urban = next(r for r in view.rows if r.name == "城市管理局")
    assert urban.previous_rank == 1  # October, computed live: nobody published it
