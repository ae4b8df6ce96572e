"""Cockpit summaries from other apps: the ranking of the latest published boards (scoring) and the
grid force on duty (1+1+1+3+N, org)."""

from __future__ import annotations

from django.utils import timezone

from jishi.cockpit import figures
from jishi.org.choices import Role
from jishi.org.models import Person, StaffAssignment
from jishi.scoring.models import Board, BoardRow, Scheme


def _board(unit_type: str, month: str, names: list[str], unranked: int = 0) -> Board:
    scheme = (Scheme.objects.filter(unit_type=unit_type, is_active=True).first()  # a flushed DB has none
              or Scheme.objects.create(code=f"t-{unit_type}", name="测试方案", unit_type=unit_type))
    board = Board.objects.create(unit_type=unit_type, month=month, scheme=scheme,
                                 scheme_version=1, published_at=timezone.now())
    for i, name in enumerate(names):
        BoardRow.objects.create(board=board, unit_id=i + 1, unit_name=name, score=100 - i * 5, rank=i + 1, grade="A")
    for j in range(unranked):
        BoardRow.objects.create(board=board, unit_id=100 + j, unit_name=f"低量{j}", rank=None)
    return board


def test_no_published_board_shows_a_note(city, client):
    assert [(r["unit_type"], r["board"]) for r in figures.rankings()] == [("department", None), ("town", None)]
    client.force_login(city.user("city_commander"))
    html = client.get("/cockpit/").content.decode()
    assert html.count('data-testid="ranking-none"') == 2 and "尚未发布考核排名" in html


def test_rankings_show_top_and_bottom_three_of_the_latest_board_with_links(city, client):
    _board("department", "2026-09", ["旧一", "旧二"])
    _board("department", "2026-10", [f"部门{i}" for i in range(1, 8)], unranked=1)
    _board("town", "2026-10", ["A镇", "B镇"])
    dept, town = figures.rankings()
    assert dept["board"].month == "2026-10"
    assert [r["unit_name"] for r in dept["top"]] == ["部门1", "部门2", "部门3"]
    assert [r["unit_name"] for r in dept["bottom"]] == ["部门7", "部门6", "部门5"]  # worst first, unranked left out
    assert [r["unit_name"] for r in town["top"]] == ["A镇", "B镇"] and town["bottom"] == []
    assert dept["url"].startswith("/scoring/department/2026-10/") or "department/2026-10" in dept["url"]
    client.force_login(city.user("town_commander"))
    html = client.get("/cockpit/").content.decode()
    assert "部门7" in html and "部门4" not in html and "旧一" not in html and dept["url"].replace("&", "&amp;") in html
    assert client.get(dept["url"]).status_code == 200  # the link opens the board


def _post(city, role: str, grid_key: str, n: int = 1) -> None:
    region = city.regions[grid_key]
    for i in range(n):
        p = Person(name=f"{role}{i}")
        p.place_in(region)
        p.save()
        a = StaffAssignment(person=p, role=role, region=region)
        a.place_in(region)
        a.save()


def test_grid_force_counts_grids_meeting_the_formula_and_staff_on_post(city, client):
    before = figures.grid_force(city.regions["city"])
    assert before == {"grids": 8, "complete": 0, "staff": 5, "rate": 0.0}
    _post(city, Role.VOLUNTEER, "A1a1", 2)
    _post(city, Role.LINE_SPECIALIST, "A1a")
    assert figures.grid_force(city.regions["city"]) == {"grids": 8, "complete": 1, "staff": 8, "rate": 12.5}
    assert figures.grid_force(city.regions["A1"]) == {"grids": 2, "complete": 1, "staff": 7, "rate": 50.0}
    assert figures.grid_force(city.regions["B"]) == {"grids": 4, "complete": 0, "staff": 1, "rate": 0.0}
    assert figures.grid_force(city.regions["A1a"])["complete"] == 1
    StaffAssignment.objects.filter(role=Role.LINE_SPECIALIST).update(is_active=False)  # off post
    assert figures.grid_force(city.regions["A1"])["complete"] == 0
    client.force_login(city.user("village_cadre"))
    html = client.get("/cockpit/").content.decode()
    assert 'data-testid="kpi-gridforce"' in html and f"/regions/gridforce/?within={city.regions['A1'].pk}" in html
