"""Repeat views of the case pages come from the page cache — and never show anything out of date: every
change of a case, a new or read notification, a post taken away, another language, the next minute or a
waiting flash message makes the next view render afresh."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from jishi.cases import services
from jishi.notify.services import mark_read, notify, unread_count
from jishi.org.models import StaffAssignment
from jishi.web import pagecache
from tests.cases_pages.conftest import advance

HEADER = pagecache.HEADER


@pytest.fixture(autouse=True)
def _one_minute(monkeypatch):
    """The cache key turns with the minute: these tests run within one (``test_the_next_minute…`` moves it)."""
    monkeypatch.setattr(pagecache, "current_minute", lambda: 1)


def visit(client, url: str):
    """GET ``url``; returns (response, SQL statements it took)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(ctx.captured_queries)


def warm(client, url: str):
    """The first view sets the CSRF cookie (no cache without it), the second fills the cache."""
    client.get(url)
    response, _ = visit(client, url)
    assert response[HEADER] == "miss"
    return response


@pytest.mark.parametrize("url", ["/cases/dept/?tab=to_ack", "/cases/dept/?tab=in_progress"])
def test_a_repeat_view_is_served_from_the_cache_with_the_same_body_and_few_statements(client, login, city,
                                                                                      make_case, url):
    advance(make_case("待签收的"), city, "dispatched")
    advance(make_case("处置中的"), city, "in_progress")
    login("dept_urban")
    first = warm(client, url)
    again, statements = visit(client, url)
    assert again[HEADER] == "hit"
    assert again.content == first.content
    assert statements <= 5  # session, user, posts, generation (+ the second-factor check for commanders)


def test_another_users_change_shows_at_once(client, login, city, make_case):
    login("dept_urban")
    warm(client, "/cases/dept/")
    case = advance(make_case("刚派来的"), city, "dispatched")  # the commander dispatches while the list is cached
    response, _ = visit(client, "/cases/dept/")
    assert response[HEADER] == "miss" and case.title in response.content.decode()


def test_the_users_own_action_shows_on_the_page_it_returns_to(client, login, city, make_case):
    case = advance(make_case("要签收的"), city, "dispatched")
    login("dept_urban")
    warm(client, "/cases/dept/?tab=in_progress")
    assert case.title not in client.get("/cases/dept/?tab=in_progress").content.decode()
    client.post(f"/cases/{case.pk}/do/acknowledge/", {"next": "/cases/dept/?tab=in_progress"})
    response = client.get("/cases/dept/?tab=in_progress")  # the flash message makes this one render afresh
    assert response.get(HEADER) is None and case.title in response.content.decode()
    assert "已签收" in response.content.decode()
    response, _ = visit(client, "/cases/dept/?tab=in_progress")
    assert response[HEADER] == "miss" and case.title in response.content.decode()


def test_a_flash_message_is_never_swallowed_by_a_cached_page(client, login, city, make_case):
    case = advance(make_case(), city, "dispatched")
    login("dept_urban")
    warm(client, "/cases/dept/")
    assert visit(client, "/cases/dept/")[0][HEADER] == "hit"
    response = client.post(f"/cases/{case.pk}/do/acknowledge/", {"next": "/cases/dept/"}, follow=True)
    assert "已签收" in response.content.decode() and response.get(HEADER) is None


def test_a_detail_page_follows_every_step_of_the_loop(client, login, city, make_case):
    case = make_case("一路跟踪")
    login("town_commander")
    url = f"/cases/{case.pk}/"
    warm(client, url)
    assert visit(client, url)[0][HEADER] == "hit"
    town, dept = city.user("town_commander"), city.user("dept_urban")
    steps = [("accepted", lambda c: services.accept(town, c)),
             ("dispatched", lambda c: services.dispatch(town, c, department=city.departments["urban"])),
             ("in_progress", lambda c: services.acknowledge(dept, c)),
             ("handled", lambda c: services.handle(dept, c, note="已清理"))]
    for state, step in steps:
        case = step(case)
        response, _ = visit(client, url)
        assert response[HEADER] == "miss", state
        assert response.context["case"].state == state


def test_a_new_or_read_notification_changes_the_badge_at_once(client, login, city):
    user = login("town_commander")
    before = warm(client, "/cases/board/").content
    notify([user], kind="test", title="一条新消息")  # not about a case: no timeline row
    response, _ = visit(client, "/cases/board/")
    assert response[HEADER] == "miss" and response.content != before and unread_count(user) == 1
    assert visit(client, "/cases/board/")[0][HEADER] == "hit"
    mark_read(user)
    assert visit(client, "/cases/board/")[0].content == before  # the page of "nothing unread" again


def test_a_post_taken_away_takes_the_page_with_it(client, login, city, make_case):
    case = advance(make_case("部门的事"), city, "dispatched")
    user = login("dept_urban")
    warm(client, "/cases/dept/")
    StaffAssignment.objects.filter(person__user=user).update(is_active=False)
    response, _ = visit(client, "/cases/dept/")
    assert response[HEADER] == "miss" and case.title not in response.content.decode()


def test_sessions_and_languages_do_not_share_pages(client, login, city, make_case, django_user_model):
    advance(make_case(), city, "dispatched")
    login("dept_urban")
    warm(client, "/cases/dept/")
    client.cookies["django_language"] = "en"
    english, _ = visit(client, "/cases/dept/")
    assert english[HEADER] == "miss" and '<html lang="en' in english.content.decode()
    client.logout()
    login("dept_urban")  # a new session (and CSRF secret): nothing of the old one is served
    client.get("/cases/dept/")
    assert visit(client, "/cases/dept/")[0][HEADER] == "miss"


def test_the_next_minute_renders_afresh(client, login, city, make_case, monkeypatch):
    advance(make_case(), city, "dispatched")
    login("dept_urban")
    warm(client, "/cases/dept/")
    monkeypatch.setattr(pagecache, "current_minute", lambda: 2)
    assert visit(client, "/cases/dept/")[0][HEADER] == "miss"


def test_switched_off_every_view_renders(client, login, city, make_case, settings):
    settings.JISHI_PAGE_CACHE = False
    login("dept_urban")
    for _ in range(3):
        response = client.get("/cases/dept/")
        assert response.get(HEADER) is None


def test_a_cached_body_carries_the_new_requests_csp_nonce(city, db):
    calls = []

    @pagecache.cached_page(lambda request: ("g",))
    def view(request):
        calls.append(1)
        return HttpResponse(f'<script nonce="{request.csp_nonce}"></script>')

    user = city.user("dept_urban")
    session = SessionStore()
    session.create()

    def request(nonce: str):
        r = RequestFactory().get("/x", HTTP_COOKIE="csrftoken=" + "a" * 32)
        r.COOKIES["csrftoken"] = "a" * 32
        r.user, r.session, r.csp_nonce = user, session, nonce
        from django.contrib.messages.storage.fallback import FallbackStorage

        r._messages = FallbackStorage(r)
        return r

    assert view(request("first-nonce"))[HEADER] == "miss"
    hit = view(request("second-nonce"))
    assert hit[HEADER] == "hit" and len(calls) == 1
    assert hit.content == b'<script nonce="second-nonce"></script>'
    anonymous = request("third")
    anonymous.user = AnonymousUser()
    assert view(anonymous).get(HEADER) is None


def test_the_badge_counts_to_ninety_nine_then_says_so(client, login, city):
    user = login("town_commander")
    notify([user], kind="test", title="一")
    assert 'data-testid="nav-badge-inbox">1<' in client.get("/cases/board/").content.decode()
    for i in range(110):
        notify([user], kind="test", title=f"第{i}条")
    assert 'data-testid="nav-badge-inbox">99+<' in client.get("/cases/board/").content.decode()
    mark_read(user)
    assert 'data-testid="nav-badge-inbox"' not in client.get("/cases/board/").content.decode()


def test_a_hard_reload_renders_afresh(client, login, city, make_case):
    advance(make_case(), city, "dispatched")
    login("dept_urban")
    warm(client, "/cases/dept/")
    assert client.get("/cases/dept/", HTTP_CACHE_CONTROL="no-cache")[HEADER] == "miss"
    assert client.get("/cases/dept/")[HEADER] == "hit"
