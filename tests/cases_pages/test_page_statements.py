"""Statements per case page (issue 16: speed by design), pinned: a page answered afresh reads what it shows in a
fixed number of statements whatever its rows, and a repeat view (304) costs only the signed-in floor (session; the
user with their person and posts, ``org.signin``), the second-factor check of a commander, and the change counter.
A count that grows fails here: find the statement that came in and read it with the others."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jishi.http import conditional as revalidation
from tests.cases_pages.conftest import advance

pytestmark = pytest.mark.usefixtures("steady_minute")  # the rate and revalidation windows are minutes

# page → (user, fresh statements, 304 statements)
PAGES = {
    "/cases/board/?tab=all": ("city_commander", 14, 4),
    "/cases/dept/?tab=to_ack": ("dept_urban", 10, 3),
    "/cases/grid/": ("grid_worker", 15, 3),
    "detail": ("town_commander", 15, 4),
}


@pytest.fixture(autouse=True)
def _one_minute(monkeypatch):
    monkeypatch.setattr(revalidation, "current_minute", lambda: 1)


def statements(client, url: str, **headers) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    return response, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("page", list(PAGES))
def test_each_page_costs_a_fixed_number_of_statements(client, login, city, make_case, page):
    who, fresh, repeat = PAGES[page]
    made = [make_case(f"事件{i}") for i in range(6)]
    for case, state in zip(made, ["accepted", "dispatched", "closed", "in_progress", "handled", "dispatched"],
                           strict=True):
        advance(case, city, state)
    url = f"/cases/{made[1].pk}/" if page == "detail" else page
    login(who)
    client.get(url)  # sets the CSRF cookie (a page is revalidated only with one)
    response, first = statements(client, url)
    assert response.status_code == 200
    # more rows, among them closed ones still open to rating (whose 评价 button asks who handled the case and
    # whether a staff report was made for a resident): the same statements
    for i, state in enumerate(["dispatched", "dispatched", "closed", "closed"]):
        advance(make_case(f"更多{i}"), city, state)
    response, sql = statements(client, url)
    assert response.status_code == 200
    assert len(sql) == len(first), "\n".join(sql)
    assert len(sql) <= fresh, f"{len(sql)} statements (pinned {fresh}):\n" + "\n".join(sql)
    response, sql = statements(client, url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert response.status_code == 304
    assert len(sql) <= repeat, f"{len(sql)} statements on a 304 (pinned {repeat}):\n" + "\n".join(sql)
