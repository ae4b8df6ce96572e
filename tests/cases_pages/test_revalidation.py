"""Repeat views of the case pages are revalidated: the browser sends back the page's ETag and gets 304 Not
Modified (no list query, no rendering) — and never anything out of date or someone else's: every change of a
case, a new or read notification, a post taken away, another language, session or user, the next minute or a
waiting flash message answers 200 with the page as it is now."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jishi.cases import services
from jishi.http import conditional as revalidation
from jishi.notify.services import mark_read, notify, unread_count
from jishi.org.models import StaffAssignment
from tests.cases_pages.conftest import advance

pytestmark = pytest.mark.usefixtures("steady_minute")  # the rate and revalidation windows are minutes


@pytest.fixture(autouse=True)
def _one_minute(monkeypatch):
    """The ETag turns with the minute: these tests run within one (``test_the_next_minute…`` moves it)."""
    monkeypatch.setattr(revalidation, "current_minute", lambda: 1)


def seen(client, url: str):
    """A view (after the first, which sets the CSRF cookie): 200 with its ETag, which the browser is told to
    revalidate every time."""
    assert not client.get(url).has_header("ETag")  # the CSRF secret is issued with this one: not revalidated
    response = client.get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    return response["ETag"]


def again(client, url: str, etag: str):
    """A repeat view sending ``etag`` back; returns (response, SQL statements it took)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    return response, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("url", ["/cases/dept/?tab=to_ack", "/cases/dept/?tab=in_progress", "/cases/grid/"])
def test_a_repeat_view_with_nothing_changed_is_304_without_listing_or_rendering(client, login, city, make_case,
                                                                                url):
    advance(make_case("待签收的"), city, "dispatched")
    advance(make_case("处置中的"), city, "in_progress")
    login("dept_urban" if "dept" in url else "grid_worker")
    etag = seen(client, url)
    response, statements = again(client, url, etag)
    assert response.status_code == 304 and response.content == b"" and response["ETag"] == etag
    assert "no-cache" in response["Cache-Control"]
    assert not [s for s in statements if '"cases_case"' in s]
    assert len(statements) <= 5  # session, user, posts, change counter (+ the second-factor check for commanders)


def test_another_users_change_answers_200_with_it(client, login, city, make_case):
    login("dept_urban")
    etag = seen(client, "/cases/dept/")
    case = advance(make_case("刚派来的"), city, "dispatched")  # the commander dispatches while the page is open
    response, _ = again(client, "/cases/dept/", etag)
    assert response.status_code == 200 and case.title in response.content.decode()
    assert response["ETag"] != etag


def test_the_users_own_action_shows_on_the_page_it_returns_to(client, login, city, make_case):
    case = advance(make_case("要签收的"), city, "dispatched")
    login("dept_urban")
    url = "/cases/dept/?tab=in_progress"
    etag = seen(client, url)
    client.post(f"/cases/{case.pk}/do/acknowledge/", {"next": url})
    response, _ = again(client, url, etag)  # the flash message: rendered, and not to be revalidated
    assert response.status_code == 200 and not response.has_header("ETag")
    assert case.title in response.content.decode() and "已签收" in response.content.decode()
    response, _ = again(client, url, etag)
    assert response.status_code == 200 and case.title in response.content.decode()
    assert again(client, url, response["ETag"])[0].status_code == 304


def test_a_flash_message_is_never_swallowed_by_a_304(client, login, city, make_case):
    case = advance(make_case(), city, "dispatched")
    login("dept_urban")
    etag = seen(client, "/cases/dept/")
    assert again(client, "/cases/dept/", etag)[0].status_code == 304
    response = client.post(f"/cases/{case.pk}/do/acknowledge/", {"next": "/cases/dept/"}, follow=True,
                           HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "已签收" in response.content.decode()


def test_a_detail_page_follows_every_step_of_the_loop(client, login, city, make_case):
    case = make_case("一路跟踪")
    login("town_commander")
    url = f"/cases/{case.pk}/"
    etag = seen(client, url)
    assert again(client, url, etag)[0].status_code == 304
    town, dept = city.user("town_commander"), city.user("dept_urban")
    steps = [("accepted", lambda c: services.accept(town, c)),
             ("dispatched", lambda c: services.dispatch(town, c, department=city.departments["urban"])),
             ("in_progress", lambda c: services.acknowledge(dept, c)),
             ("handled", lambda c: services.handle(dept, c, note="已清理"))]
    for state, step in steps:
        case = step(case)
        response, _ = again(client, url, etag)
        assert response.status_code == 200, state
        assert response.context["case"].state == state
        etag = response["ETag"]


def test_a_new_or_read_notification_changes_the_badge_at_once(client, login, city):
    user = login("town_commander")
    before = seen(client, "/cases/board/")
    notify([user], kind="test", title="一条新消息")  # not about a case: no timeline row
    response, _ = again(client, "/cases/board/", before)
    assert response.status_code == 200 and unread_count(user) == 1
    assert 'data-testid="nav-badge-inbox">1<' in response.content.decode()
    assert again(client, "/cases/board/", response["ETag"])[0].status_code == 304
    mark_read(user)
    assert again(client, "/cases/board/", before)[0].status_code == 304  # the page of "nothing unread" again


def test_a_post_taken_away_takes_the_page_with_it(client, login, city, make_case):
    case = advance(make_case("部门的事"), city, "dispatched")
    user = login("dept_urban")
    etag = seen(client, "/cases/dept/")
    StaffAssignment.objects.filter(person__user=user).update(is_active=False)
    response, _ = again(client, "/cases/dept/", etag)
    assert response.status_code == 200 and case.title not in response.content.decode()


def test_another_users_etag_never_matches(client, login, city, make_case):
    advance(make_case("部门的事"), city, "dispatched")
    login("town_commander")
    commanders = seen(client, "/cases/dept/")
    login("dept_urban")  # the same browser, another user
    response, _ = again(client, "/cases/dept/", commanders)
    assert response.status_code == 200 and response["ETag"] != commanders


def test_sessions_and_languages_do_not_share_etags(client, login, city, make_case):
    advance(make_case(), city, "dispatched")
    login("dept_urban")
    etag = seen(client, "/cases/dept/")
    client.cookies["django_language"] = "en"
    english, _ = again(client, "/cases/dept/", etag)
    assert english.status_code == 200 and '<html lang="en' in english.content.decode()
    client.logout()
    login("dept_urban")  # a new session (and CSRF secret): the old page would carry a dead CSRF token
    assert again(client, "/cases/dept/", english["ETag"])[0].status_code == 200


def test_the_next_minute_answers_200(client, login, city, make_case, monkeypatch):
    advance(make_case(), city, "dispatched")
    login("dept_urban")
    etag = seen(client, "/cases/dept/")
    monkeypatch.setattr(revalidation, "current_minute", lambda: 2)
    assert again(client, "/cases/dept/", etag)[0].status_code == 200


def test_the_badge_counts_to_ninety_nine_then_says_so(client, login, city):
    user = login("town_commander")
    notify([user], kind="test", title="一")
    assert 'data-testid="nav-badge-inbox">1<' in client.get("/cases/board/").content.decode()
    for i in range(110):
        notify([user], kind="test", title=f"第{i}条")
    assert 'data-testid="nav-badge-inbox">99+<' in client.get("/cases/board/").content.decode()
    mark_read(user)
    assert 'data-testid="nav-badge-inbox"' not in client.get("/cases/board/").content.decode()
