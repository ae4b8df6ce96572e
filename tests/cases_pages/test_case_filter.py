"""One ``CaseFilter`` for the command board, the department inbox and the case API: the same query gives the
same cases on all three (title contains without regard to case, a category by code or by id, a 大类 with
its 小类, a region at any level)."""

from __future__ import annotations

import re

import pytest

from jishi.cases import services
from jishi.cases.filters import CaseFilter
from jishi.cases.models import Category
from jishi.core.errors import ValidationFailed

LINK = re.compile(r'href="/cases/(\d+)/"')


@pytest.fixture
def cases(city, make_case, settings):
    """Four cases in progress at the urban department: two in village A1, one in A2, one in town B."""
    settings.JISHI_PAGE_CACHE = False
    made = {
        "a": make_case("Abc 暴露垃圾", where="A1a1", code="0101"),
        "b": make_case("abc 乱张贴", where="A1b1", code="0102"),
        "c": make_case("占道经营 XYZ", where="A2a1", code="0201"),
        "d": make_case("垃圾堆放", where="B1a1", code="0101"),
    }
    for case in made.values():
        case = services.accept(None, case)
        case = services.dispatch(None, case, department=city.departments["urban"])
        services.acknowledge(None, case)
    return made


def _board(client, query: dict) -> set[int]:
    r = client.get("/cases/board/", {"tab": "all", **query})
    assert r.status_code == 200
    return {int(i) for i in LINK.findall(r.content.decode())}


def _inbox(client, query: dict) -> set[int]:
    r = client.get("/cases/dept/", {"tab": "in_progress", **query})
    assert r.status_code == 200
    return {int(i) for i in LINK.findall(r.content.decode())}


def _api(client, query: dict) -> set[int]:
    r = client.get("/api/v1/cases", query)
    assert r.status_code == 200, r.content
    return {c["id"] for c in r.json()["items"]}


def _inputs(city) -> list[tuple[dict, set[str]]]:
    cat = {c.code: c.pk for c in Category.objects.filter(code__in=["01", "0101", "0201"])}
    return [
        ({}, {"a", "b", "c", "d"}),
        ({"q": "abc"}, {"a", "b"}),  # title contains, whatever the case
        ({"q": "ABC"}, {"a", "b"}),
        ({"q": "xyz"}, {"c"}),
        ({"category": "0101"}, {"a", "d"}),  # a 小类 by code …
        ({"category": str(cat["0101"])}, {"a", "d"}),  # … or by id
        ({"category": "01"}, {"a", "b", "d"}),  # a 大类 with its 小类, by code …
        ({"category": str(cat["01"])}, {"a", "b", "d"}),  # … or by id
        ({"category": "0201", "q": "占道"}, {"c"}),
        ({"region": str(city.regions["A"].pk)}, {"a", "b", "c"}),  # any level
        ({"region": str(city.regions["A1a"].pk)}, {"a"}),
        ({"village": str(city.regions["A1"].pk)}, {"a", "b"}),
        ({"state": "in_progress", "channel": "patrol"}, {"a", "b", "c", "d"}),
        ({"state": "handled"}, set()),
        ({"overdue": "1"}, set()),
        ({"overdue": "false"}, {"a", "b", "c", "d"}),
    ]


def test_the_board_the_inbox_and_the_api_give_the_same_cases_for_the_same_filter(client, login, city, cases):
    pk = {k: c.pk for k, c in cases.items()}
    for query, expected in _inputs(city):
        want = {pk[k] for k in expected}
        login("city_commander")
        board, api_city = _board(client, query), _api(client, query)
        login("dept_urban")
        inbox, api_dept = _inbox(client, query), _api(client, query)
        assert board == api_city == inbox == api_dept == want, query


def test_a_filter_reads_the_same_from_a_page_query_and_the_apis_parsed_query():
    page = {"state": "in_progress,handled", "category": "0101", "region": "5", "overdue": "1", "q": " abc "}
    api = {"state": "in_progress,handled", "category": "0101", "region": 5, "overdue": True, "q": "abc",
           "channel": None, "town": None}
    assert CaseFilter.parse(page) == CaseFilter.parse(api, strict=True)
    assert CaseFilter.parse({"state": "nonsense"}) == CaseFilter()  # a page ignores what its form never sends
    with pytest.raises(ValidationFailed):  # the API says what is wrong
        CaseFilter.parse({"state": "nonsense"}, strict=True)
