"""Department inbox: tabs, one-tap acknowledge, return with reason, handle, extension, report-in."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from jishi.cases import lists, services
from jishi.cases.models import Case
from jishi.org.policy import actor_for_user
from tests.cases_pages.conftest import PNG, advance


def test_inbox_tabs_sort_cases_by_what_the_department_must_do(client, login, city, make_case):
    to_ack = advance(make_case("待签收的"), city, "dispatched")
    doing = advance(make_case("处置中的"), city, "in_progress")
    late = advance(make_case("超期的"), city, "in_progress")
    Case.objects.filter(pk=late.pk).update(handle_due_at=late.reported_at.replace(year=2020))
    water = services.dispatch(city.user("town_commander"), services.accept(city.user("town_commander"),
                              make_case("水利的")), department=city.departments["water"])
    login("dept_urban")
    inbox = client.get("/cases/dept/").content.decode()
    assert to_ack.title in inbox and doing.title not in inbox and water.title not in inbox
    progress = client.get("/cases/dept/?tab=in_progress").content.decode()
    assert doing.title in progress and late.title in progress and to_ack.title not in progress
    overdue = client.get("/cases/dept/?tab=overdue").content.decode()
    assert late.title in overdue and doing.title not in overdue


def test_acknowledge_is_one_tap_and_swaps_the_row(client, login, city, make_case):
    case = advance(make_case(), city, "dispatched")
    login("dept_urban")
    resp = client.post(f"/cases/{case.pk}/do/acknowledge/", {"ui": "item"}, HTTP_HX_REQUEST="true")
    html = resp.content.decode()
    assert html.startswith('<li class="case-item') and "已签收" in html and "处置中" in html
    assert "提交处置结果" in html and "申请延期" in html  # the next steps, in the same row
    case.refresh_from_db()
    assert case.state == "in_progress"


def test_return_without_reason_shows_the_services_message_and_changes_nothing(client, login, city, make_case):
    case = advance(make_case(), city, "dispatched")
    login("dept_urban")
    resp = client.post(f"/cases/{case.pk}/do/return/", {"ui": "item", "reason": " "}, HTTP_HX_REQUEST="true")
    assert "退回必须说明理由" in resp.content.decode()
    case.refresh_from_db()
    assert case.state == "dispatched"
    client.post(f"/cases/{case.pk}/do/return/", {"ui": "item", "reason": "不属本部门职责"}, HTTP_HX_REQUEST="true")
    case.refresh_from_db()
    assert case.state == "returned" and case.handling_department_id is None


def test_handle_with_note_and_evidence(client, login, city, make_case):
    case = advance(make_case(), city, "in_progress")
    login("dept_urban")
    client.post(f"/cases/{case.pk}/do/handle/", {"ui": "item", "note": "已清运",
                                                 "files": SimpleUploadedFile("e.png", PNG, "image/png")},
                HTTP_HX_REQUEST="true")
    case.refresh_from_db()
    assert case.state == "handled" and case.attachments.filter(kind="evidence").count() == 1


def test_request_extension_then_it_is_no_longer_offered(client, login, city, make_case):
    case = advance(make_case(), city, "in_progress")
    login("dept_urban")
    html = client.post(f"/cases/{case.pk}/do/request_extension/", {"ui": "item", "days": "3", "reason": "需采购"},
                       HTTP_HX_REQUEST="true").content.decode()
    assert "已申请延期" in html and "提交延期申请" not in html
    case.refresh_from_db()
    assert case.extension_requested_days == 3


def test_whistled_departments_report_in_from_their_tab(client, login, city, make_case):
    town = city.user("town_commander")
    case = services.accept(town, make_case("联合执法"))
    services.whistle(town, case, departments=[city.departments["urban"], city.departments["water"]],
                     lead=city.departments["water"], reason="需多部门")
    login("dept_urban")
    tab = client.get("/cases/dept/?tab=whistled").content.decode()
    assert case.title in tab and "报到" in tab
    html = client.post(f"/cases/{case.pk}/do/report_in/", {"ui": "item"}, HTTP_HX_REQUEST="true").content.decode()
    assert "已报到" in html
    assert case.title not in client.get("/cases/dept/?tab=whistled").content.decode()


def test_inbox_query_count_does_not_grow_with_rows(client, login, city, make_case, django_assert_max_num_queries):
    advance(make_case("一件"), city, "dispatched")
    login("dept_urban")
    client.get("/cases/dept/")
    with django_assert_max_num_queries(20) as one:
        client.get("/cases/dept/")
    for i in range(12):
        advance(make_case(f"批 {i}"), city, "dispatched")
    with django_assert_max_num_queries(len(one.captured_queries)):
        resp = client.get("/cases/dept/")
    assert resp.content.decode().count('class="case-item') == 13


def test_the_whistled_lead_is_offered_report_in_not_acknowledge(client, login, city, make_case):
    town = city.user("town_commander")
    case = services.accept(town, make_case("联合整治"))
    services.whistle(town, case, departments=[city.departments["urban"]], lead=city.departments["urban"],
                     reason="需报到")
    login("dept_urban")
    html = client.get("/cases/dept/?tab=whistled").content.decode()
    assert "报到" in html and ">签收<" not in html


def test_the_late_tabs_seek_the_department_s_open_cases_not_all_of_its_cases(city):
    """超期/临期: the department is in each branch of the OR, so SQLite seeks (department, state) instead of walking
    every case the department ever handled by its foreign key (41,000 rows at city scale). PostgreSQL plans by its
    statistics; the plan is checked on SQLite, whose plan does not depend on the data."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's query plan")
    actor = actor_for_user(city.user("dept_urban"))
    for tab in ("overdue", "near_due"):
        sql, params = lists.dept_inbox(actor, tab).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(row[-1] for row in cursor.fetchall())
        assert "case_dept_state_due_idx" in plan and "handling_department_id=?)" not in plan, (tab, plan)
