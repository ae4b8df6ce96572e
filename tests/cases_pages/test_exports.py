"""The case lists' Excel exports (board, department inbox, grid list) honour the page's scope, tab and filters,
open in openpyxl, and the inbox and grid filters live in the URL (a reload keeps them)."""

from __future__ import annotations

from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from tests.cases_pages.conftest import advance


def sheet(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    return list(load_workbook(BytesIO(data), read_only=True).active.iter_rows(values_only=True))


def test_the_board_export_has_the_filtered_rows(client, login, city, make_case):
    make_case("河道垃圾堆放")
    make_case("西桥护栏松动")
    login("town_commander")
    rows = sheet(client.get(reverse("cases-board-export"), {"tab": "to_accept", "q": "河道"}))
    assert rows[0][:3] == ("编号", "标题", "状态")
    assert [r[1] for r in rows[1:]] == ["河道垃圾堆放"]
    rows = sheet(client.get(reverse("cases-board-export"), {"tab": "to_accept"}))
    assert {r[1] for r in rows[1:]} == {"河道垃圾堆放", "西桥护栏松动"}


def test_an_export_shows_only_what_the_viewer_may_see(client, login, city, make_case):
    make_case("A镇的事件")
    make_case("B镇的事件", who="grid_worker_b", where="B1a1")
    login("town_commander_b")
    rows = sheet(client.get(reverse("cases-board-export"), {"tab": "all"}))
    assert [r[1] for r in rows[1:]] == ["B镇的事件"]


def test_the_department_inbox_filter_is_kept_in_the_url_and_exported(client, login, city, make_case):
    for title in ("河道垃圾堆放", "西桥护栏松动"):
        advance(make_case(title), city, "dispatched")
    login("dept_urban")
    page = client.get(reverse("cases-dept"), {"tab": "to_ack", "q": "护栏"}).content.decode()
    assert "西桥护栏松动" in page and "河道垃圾堆放" not in page
    assert 'name="q" value="护栏"' in page  # the form shows the filter the URL holds
    assert "tab=to_ack&amp;q=%E6%8A%A4%E6%A0%8F" in page or "q=%E6%8A%A4%E6%A0%8F" in page  # tabs/export keep it
    rows = sheet(client.get(reverse("cases-dept-export"), {"tab": "to_ack", "q": "护栏"}))
    assert [r[1] for r in rows[1:]] == ["西桥护栏松动"] and rows[1][12] in ("正常", "临期", "超期")


def test_the_grid_list_filters_and_exports_with_its_sections(client, login, city, make_case):
    advance(make_case("河道垃圾堆放"), city, "handled")
    make_case("西桥护栏松动")
    login("grid_worker")
    page = client.get(reverse("cases-grid"), {"q": "河道"}).content.decode()
    assert "河道垃圾堆放" in page and "西桥护栏松动" not in page
    rows = sheet(client.get(reverse("cases-grid-export")))
    assert rows[0][0] == "分组"
    assert {(r[0], r[2]) for r in rows[1:]} == {("待核查", "河道垃圾堆放"), ("待立案", "西桥护栏松动")}
    rows = sheet(client.get(reverse("cases-grid-export"), {"q": "护栏"}))
    assert [r[2] for r in rows[1:]] == ["西桥护栏松动"]


def test_exports_need_a_sign_in(client):
    for name in ("cases-board-export", "cases-dept-export", "cases-grid-export"):
        assert client.get(reverse(name)).status_code == 302


def test_the_dispatch_sheet_shows_the_case_its_units_and_timeline_to_who_may_see_it(client, login, city, make_case):
    case = advance(make_case("河道垃圾堆放"), city, "dispatched")
    login("town_commander")
    page = client.get(reverse("case-sheet", args=[case.pk])).content.decode()
    assert "事件派遣单" in page and case.number in page and "城市管理局" in page and 'id="sheet-timeline"' in page
    assert "13800000000" not in page  # the reporter's phone as the commander sees it: masked
    client.logout()
    login("town_commander_b")
    assert client.get(reverse("case-sheet", args=[case.pk])).status_code == 404
