"""Resident pages (report, my reports, rating) and the notification inbox with its badge."""

from __future__ import annotations

from jishi.cases.models import Case
from jishi.notify.models import Notification
from tests.cases_pages.conftest import advance


def test_resident_reports_and_follows_the_case_in_my_reports(client, login, city, categories):
    login("resident")
    lng, lat = city.point_in("A1a1")
    page = client.get("/cases/report/").content.decode()
    assert "匿名上报" in page and "自行处置" not in page
    client.post("/cases/report/", {"category": "0201", "title": "门口占道经营", "lng": lng, "lat": lat,
                                   "idempotency_key": "r-1"})
    case = Case.objects.get(title="门口占道经营")
    assert case.channel == "resident" and case.reporter_user == city.user("resident")
    mine = client.get("/cases/mine/").content.decode()
    assert case.title in mine and "待立案" in mine


def test_anonymous_report_keeps_no_name(client, login, city, categories):
    login("resident")
    lng, lat = city.point_in("A1a1")
    client.post("/cases/report/", {"category": "0201", "title": "匿名的", "lng": lng, "lat": lat, "anonymous": "on",
                                   "idempotency_key": "r-2"})
    case = Case.objects.get(title="匿名的")
    assert case.anonymous and case.reporter_user == city.user("resident") and case.reporter_name == ""


def test_resident_rates_a_closed_case_and_unsatisfied_reopens_it(client, login, city, make_case):
    case = advance(make_case("楼道堆物", who="resident", channel="resident"), city, "closed")
    login("resident")
    mine = client.get("/cases/mine/").content.decode()
    assert "提交评价" in mine and "基本满意" in mine
    client.post(f"/cases/{case.pk}/do/rate/", {"rating": "unsatisfied", "note": "没清干净", "next": "/cases/mine/"})
    case.refresh_from_db()
    assert case.state == "in_progress" and case.rework_count == 1
    assert case.events.filter(verb="rate", data__rating="unsatisfied").exists()  # the case awaits a new rating
    assert "提交评价" not in client.get("/cases/mine/").content.decode()


def test_inbox_badge_counts_unread_and_opening_marks_read(client, login, city, make_case):
    case = advance(make_case(), city, "dispatched")  # tells the department to sign for it
    login("dept_urban")
    unread = Notification.objects.filter(recipient=city.user("dept_urban"), read_at__isnull=True).count()
    assert unread >= 1
    home = client.get("/cases/dept/").content.decode()
    assert f'data-testid="nav-badge-inbox">{unread}<' in home
    note = Notification.objects.filter(recipient=city.user("dept_urban")).first()
    resp = client.get(f"/cases/inbox/{note.pk}/")
    assert resp.status_code == 302 and resp.url == f"/cases/{case.pk}/"
    note.refresh_from_db()
    assert note.read_at is not None
    client.post("/cases/inbox/read-all/")
    assert 'data-testid="nav-badge-inbox"' not in client.get("/cases/inbox/").content.decode()


def test_cases_home_sends_each_role_to_its_page(client, login, city):
    for who, page in (("town_commander", "board"), ("dept_urban", "dept"), ("grid_worker", "grid"),
                      ("resident", "mine")):
        login(who)
        assert client.get("/cases/").url == f"/cases/{page}/", who


def test_my_reports_and_grid_page_query_counts_do_not_grow(client, login, city, make_case,
                                                           django_assert_max_num_queries):
    advance(make_case("第一件", who="resident", channel="resident"), city, "closed")
    for who, url in (("resident", "/cases/mine/"), ("grid_worker", "/cases/grid/")):
        login(who)
        client.get(url)
        with django_assert_max_num_queries(20) as one:
            client.get(url)
        budget = len(one.captured_queries)
        for i in range(8):
            advance(make_case(f"{who} {i}", who="resident", channel="resident"), city,
                    ["accepted", "in_progress", "handled", "closed"][i % 4])
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200
