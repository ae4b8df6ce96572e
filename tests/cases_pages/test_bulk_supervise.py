"""Bulk 督办 on the command board: one note, one ``supervise`` (one timeline row) a selected case; the cases
the actor may not supervise are skipped and reported."""

from __future__ import annotations

import pytest

from jishi.cases import services
from jishi.cases.models import CaseEvent, Supervision
from jishi.core.errors import ValidationFailed
from tests.cases_pages.conftest import advance


def test_supervise_many_writes_one_timeline_row_a_case_and_skips_the_refused(city, make_case):
    town = city.user("town_commander")
    dispatched = advance(make_case("已派遣"), city, "dispatched")
    accepted = services.accept(town, make_case("已立案"))
    closed = advance(make_case("已结案"), city, "closed")  # supervise needs an open case
    other_town = make_case("B镇的", who="grid_worker_b", where="B1a1")  # outside the town: not found
    result = services.supervise_many(town, [dispatched.pk, accepted.pk, closed.pk, other_town.pk, dispatched.pk],
                                     note="请今天内办结")
    assert [c.pk for c in result.done] == [dispatched.pk, accepted.pk]
    skipped = dict(result.skipped)
    assert set(skipped) == {closed.number, str(other_town.pk)}
    assert "不能督办" in skipped[closed.number] and "不在您的范围内" in skipped[str(other_town.pk)]
    events = CaseEvent.objects.filter(verb="supervise")
    assert sorted(events.values_list("case_id", flat=True)) == sorted([dispatched.pk, accepted.pk])
    assert set(events.values_list("note", flat=True)) == {"请今天内办结"}
    assert Supervision.objects.filter(case=dispatched, note="请今天内办结", department=city.departments["urban"]).exists()


def test_supervise_many_needs_a_note_and_a_selection(city, make_case):
    town = city.user("town_commander")
    case = services.accept(town, make_case())
    with pytest.raises(ValidationFailed, match="督办意见"):
        services.supervise_many(town, [case.pk], note="  ")
    with pytest.raises(ValidationFailed, match="勾选"):
        services.supervise_many(town, [], note="快办")
    assert not CaseEvent.objects.filter(verb="supervise").exists()


def test_a_department_handler_supervises_nothing(city, make_case):
    case = advance(make_case(), city, "dispatched")
    result = services.supervise_many(city.user("dept_urban"), [case.pk], note="督办")
    assert result.done == [] and "无权" in dict(result.skipped)[case.number]


def test_board_offers_bulk_supervise_with_a_confirmation_naming_the_count_and_who_is_told(client, login, city,
                                                                                          make_case):
    advance(make_case("派出去的"), city, "dispatched")
    login("town_commander")
    html = client.get("/cases/board/?tab=all").content.decode()
    assert 'formaction="/cases/board/supervise/"' in html and "批量督办" in html
    assert "将督办所选 {checked} 件事件" in html and "{list:handler}" in html
    assert f'data-handler="{city.departments["urban"].name}"' in html


def test_bulk_supervise_page_supervises_the_selection_and_lists_the_skipped(client, login, city, make_case):
    dispatched = advance(make_case("派出去的"), city, "dispatched")
    closed = advance(make_case("办完的"), city, "closed")
    login("town_commander")
    resp = client.post("/cases/board/supervise/", {"ids": [dispatched.pk, closed.pk], "supervise_note": "抓紧",
                                                   "next": "/cases/board/?tab=all"}, follow=True)
    html = resp.content.decode()
    assert resp.redirect_chain[-1][0] == "/cases/board/?tab=all"
    assert "已督办 1 件" in html and "1 件未督办" in html and closed.number in html
    assert list(CaseEvent.objects.filter(verb="supervise").values_list("case_id", "note")) == [(dispatched.pk, "抓紧")]


def test_bulk_supervise_page_refuses_an_empty_note_changing_nothing(client, login, city, make_case):
    dispatched = advance(make_case(), city, "dispatched")
    login("town_commander")
    html = client.post("/cases/board/supervise/", {"ids": [dispatched.pk], "supervise_note": ""}, follow=True).content.decode()
    assert "请填写督办意见" in html
    assert not CaseEvent.objects.filter(verb="supervise").exists()
