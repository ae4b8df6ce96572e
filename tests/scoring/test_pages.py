"""The board, drill-down and export pages: who may see them, links from every number, scoped lists."""

from io import BytesIO

from openpyxl import load_workbook

from jishi.cases import services
from jishi.scoring.boards import publish_board
from jishi.scoring.periods import Month
from tests.scoring.test_indicators import finish, to_department

OCT = "2026-10"


def _one_closed_case(city, report, where="A1a1"):
    b = where.startswith("B")
    commander = "town_commander_b" if b else "town_commander"
    case = to_department(city, report(who="grid_worker_b" if b else "grid_worker", where=where), commander=commander)
    services.acknowledge(city.user("dept_urban"), case)
    return finish(city, case, commander=commander, verifier="grid_worker_b" if b else "grid_worker")


def test_a_commander_sees_the_live_board_with_a_link_behind_every_number(client, login, city, report, clock):
    case = _one_closed_case(city, report)
    login("city_commander")
    resp = client.get(f"/scoring/department/{OCT}/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "城市管理局" in html and "本月至今" in html
    dept = city.departments["urban"].pk
    drill = f"/scoring/department/{OCT}/{dept}/closure_rate/numerator/"
    assert drill in html
    page = client.get(drill)
    assert page.status_code == 200 and case.number in page.content.decode()


def test_roles_without_boards_are_refused(client, login, city):
    login("grid_worker")
    assert client.get(f"/scoring/department/{OCT}/").status_code == 403
    login("dept_urban")
    assert client.get("/scoring/").status_code == 403


def test_the_drill_down_lists_only_cases_in_the_viewers_scope(client, login, city, report, clock):
    a = _one_closed_case(city, report, "A1a1")
    b = _one_closed_case(city, report, "B1a1")
    dept = city.departments["urban"].pk
    login("town_commander")  # town A
    html = client.get(f"/scoring/department/{OCT}/{dept}/received/numerator/").content.decode()
    assert a.number in html and b.number not in html
    assert "共 2 件" in html and "可见 1 件" in html


def test_a_published_board_is_shown_and_exported_to_xlsx(client, login, city, report, clock):
    _one_closed_case(city, report)
    clock.move_to("2026-11-02 09:00:00+08:00")
    publish_board(city.user("city_commander"), "department", Month(2026, 10))
    login("city_commander")
    html = client.get(f"/scoring/department/{OCT}/").content.decode()
    assert "已发布" in html
    resp = client.get(f"/scoring/department/{OCT}/export.xlsx")
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(BytesIO(resp.content)).active
    headers = [c.value for c in ws[1]]
    assert headers[:5] == ["排名", "单位", "等级", "得分", "受理量"] and "办结率" in headers
    names = [r[1] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert "城市管理局" in names


def test_a_drill_down_list_exports_with_chinese_headers(client, login, city, report, clock):
    case = _one_closed_case(city, report)
    login("city_commander")
    dept = city.departments["urban"].pk
    resp = client.get(f"/scoring/department/{OCT}/{dept}/on_time_closure_rate/denominator/export.xlsx")
    ws = load_workbook(BytesIO(resp.content)).active
    assert [c.value for c in ws[1]][:3] == ["编号", "标题", "渠道"]
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == [case.number]


def test_the_commander_publishes_from_the_page_after_month_end(client, login, city, clock):
    clock.move_to("2026-11-02 09:00:00+08:00")
    login("city_commander")
    resp = client.post(f"/scoring/town/{OCT}/publish", {"scheme": "12345-3rates"}, follow=True)
    assert "已发布" in resp.content.decode()


def test_the_navigation_offers_boards_to_cadres_and_not_to_residents(client, login, city):
    login("village_cadre")
    assert "/scoring/" in client.get("/").content.decode()
    login("resident")
    assert "/scoring/" not in client.get("/").content.decode()


def test_the_printable_notice_view_renders(client, login, city, report, clock):
    _one_closed_case(city, report)
    login("village_cadre")
    html = client.get(f"/scoring/town/{OCT}/?print=1").content.decode()
    assert "考核排名 公示" in html and "@media print" in html and "Wilson" in html


def test_the_drill_down_shows_the_units_trend_over_the_published_boards(client, login, city, report, clock):
    _one_closed_case(city, report)
    clock.move_to("2026-11-02 09:00:00+08:00")
    board = publish_board(city.user("city_commander"), "department", Month(2026, 10))
    dept = city.departments["urban"].pk
    row = board.rows.get(unit_id=dept)
    login("city_commander")
    resp = client.get(f"/scoring/department/{OCT}/{dept}/received/numerator/")
    points = resp.context["trend"]["points"]
    assert [p.period for p in points] == ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    assert [p.score for p in points][:5] == [None] * 5 and points[-1].score == row.score
    assert points[-1].rank == row.rank
    html = resp.content.decode()
    assert html.count("近6期得分与排名") == 1 and html.count("<circle") == (1 if row.score is not None else 0)
