"""The scoring API: published boards and live indicators, for the same roles as the pages."""

from jishi.scoring.boards import publish_board
from jishi.scoring.periods import Month
from tests.scoring.test_pages import _one_closed_case


def test_the_api_lists_a_published_board_and_its_rows(client, login, city, report, clock):
    _one_closed_case(city, report)
    clock.move_to("2026-11-02 09:00:00+08:00")
    board = publish_board(city.user("city_commander"), "department", Month(2026, 10))
    login("town_commander")
    listed = client.get("/api/v1/scoring/boards?unit_type=department&month=2026-10").json()
    assert [b["id"] for b in listed] == [board.pk] and listed[0]["scheme_code"] == "gbt30428"
    detail = client.get(f"/api/v1/scoring/boards/{board.pk}").json()
    assert detail["published"] is True
    urban = next(r for r in detail["rows"] if r["unit_id"] == city.departments["urban"].pk)
    closure = next(f for f in urban["figures"] if f["indicator"] == "closure_rate")
    assert (closure["num"], closure["den"]) == (1, 1)


def test_live_indicators_for_a_month_so_far(client, login, city, report, clock):
    _one_closed_case(city, report)
    login("city_commander")
    data = client.get("/api/v1/scoring/indicators?unit_type=town&month=2026-10").json()
    assert data["published"] is False and data["scheme_code"] == "12345-3rates"
    town_a = next(r for r in data["rows"] if r["unit_id"] == city.regions["A"].pk)
    assert town_a["volume"] == 1


def test_bad_parameters_are_refused_before_any_query(client, login, city):
    login("city_commander")
    assert client.get("/api/v1/scoring/indicators?unit_type=planet&month=2026-10").status_code == 422
    assert client.get("/api/v1/scoring/indicators?month=2026-13").status_code == 422
    assert client.get("/api/v1/scoring/boards?limit=100000").status_code == 422
    assert client.get(f"/api/v1/scoring/boards/{2**63}").status_code == 422
    assert client.get("/api/v1/scoring/boards/999").status_code == 404


def test_roles_without_boards_get_403(client, login, city):
    login("grid_worker")
    assert client.get("/api/v1/scoring/indicators?month=2026-10").status_code == 403
    assert client.get("/api/v1/scoring/boards").status_code == 403
