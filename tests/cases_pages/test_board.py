"""Town/city command board: tabs, filters, duplicates, one-tap accept, bulk dispatch, query counts."""

from __future__ import annotations

from jishi.cases import services
from jishi.cases.models import Case


def test_town_board_shows_its_town_only_with_likely_duplicates(client, login, city, make_case):
    first = make_case("垃圾 1")
    second = make_case("垃圾 2")  # same category, same place: a likely duplicate
    other_town = make_case("B镇的", who="grid_worker_b", where="B1a1")
    login("town_commander")
    html = client.get("/cases/board/").content.decode()
    assert first.title in html and second.title in html and other_town.title not in html
    assert "疑似重复" in html and first.number in html


def test_board_filters_by_channel_category_region_and_overdue(client, login, city, make_case):
    patrol = make_case("巡查来的", where="A1a1")
    resident = make_case("群众来的", who="resident", channel="resident", where="A2a1", code="0201")
    login("city_commander")
    by_channel = client.get("/cases/board/?tab=all&channel=resident").content.decode()
    assert resident.title in by_channel and patrol.title not in by_channel
    by_category = client.get(f"/cases/board/?tab=all&category={patrol.category.parent_id}").content.decode()
    assert patrol.title in by_category and resident.title not in by_category
    by_region = client.get(f"/cases/board/?tab=all&region={city.regions['A2'].pk}").content.decode()
    assert resident.title in by_region and patrol.title not in by_region
    Case.objects.filter(pk=patrol.pk).update(handle_due_at=patrol.reported_at.replace(year=2020))
    overdue = client.get("/cases/board/?tab=all&overdue=1").content.decode()
    assert patrol.title in overdue and resident.title not in overdue


def test_accept_by_htmx_swaps_the_row(client, login, city, make_case):
    case = make_case()
    login("town_commander")
    resp = client.post(f"/cases/{case.pk}/do/accept/", {"ui": "board"}, HTTP_HX_REQUEST="true")
    html = resp.content.decode()
    assert resp.status_code == 200 and html.startswith(f'<tr id="case-{case.pk}"') and "已立案" in html
    assert "派遣" in html  # the next step is offered in the same row
    case.refresh_from_db()
    assert case.state == "accepted"


def test_bulk_dispatch_sends_selected_cases_to_one_department(client, login, city, make_case):
    cases = [services.accept(city.user("town_commander"), make_case(f"批量 {i}")) for i in range(3)]
    login("town_commander")
    resp = client.post("/cases/board/dispatch/", {
        "ids": [c.pk for c in cases[:2]], "target": f"d:{city.departments['water'].pk}", "next": "/cases/board/?tab=to_dispatch"})
    assert resp.status_code == 302 and resp.url == "/cases/board/?tab=to_dispatch"
    states = dict(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("pk", "state"))
    assert [states[c.pk] for c in cases] == ["dispatched", "dispatched", "accepted"]
    assert set(Case.objects.filter(state="dispatched").values_list("handling_department_id", flat=True)) == {
        city.departments["water"].pk}


def test_bulk_dispatch_reports_each_refusal_in_chinese(client, login, city, make_case):
    reported = make_case("还没立案")  # dispatch needs accepted/returned
    login("town_commander")
    resp = client.post("/cases/board/dispatch/", {"ids": [reported.pk], "target": f"d:{city.departments['urban'].pk}"},
                       follow=True)
    assert "不能派遣" in resp.content.decode()
    reported.refresh_from_db()
    assert reported.state == "reported"


def test_board_query_count_does_not_grow_with_rows(client, login, city, make_case, django_assert_max_num_queries):
    """50 rows (with due badges, allowed actions and likely duplicates) cost what 1 row costs."""
    login("city_commander")
    make_case("一件")
    client.get("/cases/board/")  # warm per-process caches (region locator, content types)
    with django_assert_max_num_queries(20) as one_row:
        client.get("/cases/board/")
    for i in range(60):
        make_case(f"批 {i}", where=["A1a1", "A2b2", "B1a1", "B2b1"][i % 4], code=["0101", "0201", "0301"][i % 3])
    for url in ("/cases/board/", "/cases/board/?page=2", "/cases/board/?tab=all&overdue=1&channel=patrol"):
        with django_assert_max_num_queries(len(one_row.captured_queries)):
            resp = client.get(url)
        assert resp.status_code == 200
    assert client.get("/cases/board/").content.decode().count('<tr id="case-') == 50
