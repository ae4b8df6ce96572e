"""Quarter and year boards (季度/年度考核): the same indicators over a longer window — a quarter counts exactly
what its three months count, the pages, drill-downs, exports, API and publishing work for any period, and bad
period texts are refused."""

from __future__ import annotations

import pytest

from jishi.core.errors import ValidationFailed
from jishi.scoring.boards import publish_board
from jishi.scoring.indicators import compute
from jishi.scoring.periods import Month, Quarter, Year, containing, parse_period
from tests.scoring.conftest import at
from tests.scoring.test_indicators import finish, to_department


def _closed_case_in(city, report, clock, month: int):
    clock.move_to(at(2026, month, 12, 9, 0))
    case = to_department(city, report())
    from jishi.cases import services

    services.acknowledge(city.user("dept_urban"), case)
    return finish(city, case)


def _received(unit_type: str, unit_id: int, period) -> int:
    return next(u for u in compute(unit_type, period) if u.unit_id == unit_id).figures["received"].num


def test_periods_parse_print_and_step():
    assert parse_period("2026-10") == Month(2026, 10)
    assert parse_period("2026-Q4") == Quarter(2026, 4) and str(Quarter(2026, 4)) == "2026-Q4"
    assert parse_period("2026") == Year(2026)
    assert Quarter(2026, 1).previous() == Quarter(2025, 4) and Quarter(2026, 4).next() == Quarter(2027, 1)
    assert Quarter(2026, 4).start == Month(2026, 10).start and Quarter(2026, 4).end == Month(2027, 1).start
    assert Year(2026).start == Month(2026, 1).start and Year(2026).end == Year(2027).start
    assert containing("quarter", Month(2026, 11)) == Quarter(2026, 4)
    assert containing("year", Quarter(2026, 2)) == Year(2026) and containing("month", Year(2026)) == Month(2026, 1)
    for bad in ("2026-Q5", "2026-13", "1999", "26", "2026-10-01", "", "Q4"):
        with pytest.raises(ValidationFailed):
            parse_period(bad)


def test_a_quarter_counts_exactly_what_its_months_count(city, report, clock):
    for month in (10, 11, 11, 12):
        _closed_case_in(city, report, clock, month)
    _closed_case_in(city, report, clock, 9)  # the quarter before
    dept = city.departments["urban"].pk
    months = [_received("department", dept, Month(2026, m)) for m in (10, 11, 12)]
    assert months == [1, 2, 1]
    assert _received("department", dept, Quarter(2026, 4)) == sum(months) == 4
    assert _received("department", dept, Quarter(2026, 3)) == 1
    assert _received("department", dept, Year(2026)) == 5


def test_quarter_and_year_boards_on_the_pages(client, login, city, report, clock):
    case = _closed_case_in(city, report, clock, 11)
    login("city_commander")
    html = client.get("/scoring/department/2026-Q4/").content.decode()
    assert "2026年第4季度" in html and "城市管理局" in html and "本期至今" in html and "上期排名" in html
    assert 'href="/scoring/department/2026-10/"' in html and 'href="/scoring/department/2026/"' in html
    dept = city.departments["urban"].pk
    drill = client.get(f"/scoring/department/2026-Q4/{dept}/received/numerator/").content.decode()
    assert case.number in drill and "2026年第4季度" in drill
    assert client.get("/scoring/department/2026-Q4/export.xlsx").status_code == 200
    assert "2026年度" in client.get("/scoring/department/2026/").content.decode()
    assert client.get("/scoring/department/2026-Q9/").status_code == 404
    client.cookies["django_language"] = "en"
    assert "Q4 2026" in client.get("/scoring/department/2026-Q4/").content.decode()


def test_a_quarter_board_is_published_after_the_quarter_and_read_by_the_api(client, login, city, report, clock):
    _closed_case_in(city, report, clock, 10)
    with pytest.raises(ValidationFailed):  # the quarter is not over yet
        publish_board(city.user("city_commander"), "department", Quarter(2026, 4))
    clock.move_to(at(2027, 1, 4, 9, 0))
    board = publish_board(city.user("city_commander"), "department", Quarter(2026, 4))
    assert board.month == "2026-Q4"
    login("city_commander")
    assert "已发布" in client.get("/scoring/department/2026-Q4/").content.decode()
    listed = client.get("/api/v1/scoring/boards?month=2026-Q4").json()
    assert [b["month"] for b in listed] == ["2026-Q4"]
    live = client.get("/api/v1/scoring/indicators?unit_type=department&month=2026").json()
    assert live["month"] == "2026" and live["published"] is False
    assert client.get("/api/v1/scoring/indicators?unit_type=department&month=2026-Q7").status_code == 422
