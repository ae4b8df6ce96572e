"""The notifications API: the caller's own inbox only (another user's message is 404 and stays untouched),
newest first with cursor paging, the unread filter and count, marking one read (idempotent) or all read,
and 403 insufficient_scope for a token without ``notify:read``."""

from __future__ import annotations

import json

import pytest

from jishi.notify.models import Notification
from jishi.notify.services import inbox_of, notify
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import walk_to

report = case_fixtures.report

SCOPES_BUT_NOTIFY = ["cases:read", "cases:write", "cases:act", "org:read", "points:read", "points:post",
                     "cockpit:read"]


@pytest.fixture
def inboxes(city):
    """Five messages for grid worker A (the last one red), two for grid worker B."""
    mine = [notify([city.user("grid_worker")], kind="sign", title=f"请签收事件 {i}", url=f"/cases/{i}/",
                   level="red" if i == 4 else "info")[0] for i in range(5)]
    theirs = [notify([city.user("grid_worker_b")], kind="sign", title=f"B 的消息 {i}")[0] for i in range(2)]
    return mine, theirs


def _post(client, url: str):
    return client.post(url, json.dumps({}), content_type="application/json")


def test_the_list_is_the_callers_own_inbox_newest_first_with_cursor_paging(city, bearer, inboxes):
    mine, theirs = inboxes
    api = bearer("grid_worker")
    first = api.get("/api/v1/notifications?limit=2").json()
    assert [n["title"] for n in first["items"]] == ["请签收事件 4", "请签收事件 3"]
    assert first["items"][0]["level"] == "red" and first["items"][0]["read"] is False
    assert first["items"][0]["read_at"] is None and first["unread_count"] == 5
    seen, page = [n["id"] for n in first["items"]], first
    while page["next_cursor"]:
        page = api.get(f"/api/v1/notifications?limit=2&cursor={page['next_cursor']}").json()
        seen += [n["id"] for n in page["items"]]
    assert seen == [n.pk for n in reversed(mine)]  # every own message once, none of B's
    assert seen == list(inbox_of(city.user("grid_worker").pk).values_list("pk", flat=True))  # the page's
    b = bearer("grid_worker_b").get("/api/v1/notifications").json()
    assert {n["id"] for n in b["items"]} == {n.pk for n in theirs} and b["unread_count"] == 2
    assert bearer("town_commander").get("/api/v1/notifications").json() == {
        "items": [], "next_cursor": None, "unread_count": 0}
    assert api.get("/api/v1/notifications?cursor=garbage").status_code == 422


def test_another_users_notification_is_404_and_stays_unread(city, bearer, inboxes):
    _, theirs = inboxes
    api = bearer("grid_worker")
    for url in (f"/api/v1/notifications/{theirs[0].pk}", f"/api/v1/notifications/{theirs[0].pk}/read",
                "/api/v1/notifications/999999"):
        r = api.get(url) if not url.endswith("/read") else _post(api, url)
        assert r.status_code == 404 and r.json()["code"] == "not_found", url
    assert not Notification.objects.filter(recipient=city.user("grid_worker_b"), read_at__isnull=False).exists()
    _post(api, "/api/v1/notifications/read-all")
    assert Notification.objects.filter(recipient=city.user("grid_worker_b"), read_at__isnull=True).count() == 2


def test_marking_one_read_is_idempotent_and_the_unread_filter_follows(city, bearer, inboxes):
    mine, _ = inboxes
    api = bearer("grid_worker")
    url = f"/api/v1/notifications/{mine[1].pk}/read"
    once = _post(api, url)
    assert once.status_code == 200, once.content
    assert once.json()["read"] is True and once.json()["read_at"] is not None
    again = _post(api, url)
    assert again.status_code == 200 and again.json()["read_at"] == once.json()["read_at"]  # the first read time stays
    assert api.get(f"/api/v1/notifications/{mine[1].pk}").json() == once.json()
    listing = api.get("/api/v1/notifications").json()
    assert listing["unread_count"] == 4
    assert [n["id"] for n in api.get("/api/v1/notifications?unread=true").json()["items"]] == \
        [n.pk for n in reversed(mine) if n.pk != mine[1].pk]
    assert [n["id"] for n in api.get("/api/v1/notifications?unread=false").json()["items"]] == [mine[1].pk]


def test_read_all_marks_every_own_unread_message_once(city, bearer, inboxes):
    mine, _ = inboxes
    api = bearer("grid_worker")
    _post(api, f"/api/v1/notifications/{mine[0].pk}/read")
    first_read = Notification.objects.get(pk=mine[0].pk).read_at
    r = _post(api, "/api/v1/notifications/read-all")
    assert r.status_code == 200 and r.json() == {"marked": 4, "unread_count": 0}
    assert _post(api, "/api/v1/notifications/read-all").json() == {"marked": 0, "unread_count": 0}
    assert Notification.objects.get(pk=mine[0].pk).read_at == first_read
    assert api.get("/api/v1/notifications?unread=true").json()["items"] == []


def test_messages_of_the_case_loop_arrive_in_the_handlers_inbox(city, bearer, report):
    case = walk_to(city, report(), "dispatched")
    api = bearer("dept_urban")
    items = api.get("/api/v1/notifications").json()["items"]
    assert items and items[0]["object_type"] == "cases.case" and items[0]["object_id"] == str(case.pk)
    assert [n["id"] for n in items] == list(inbox_of(city.user("dept_urban").pk).values_list("pk", flat=True))


def test_a_token_without_the_notify_scope_is_refused_and_marks_nothing(city, bearer, inboxes):
    mine, _ = inboxes
    api = bearer("grid_worker", SCOPES_BUT_NOTIFY)
    for r in (api.get("/api/v1/notifications"), api.get(f"/api/v1/notifications/{mine[0].pk}"),
              _post(api, f"/api/v1/notifications/{mine[0].pk}/read"), _post(api, "/api/v1/notifications/read-all")):
        assert r.status_code == 403 and r.json()["code"] == "insufficient_scope"
        assert r.json()["details"]["required_scope"] == "notify:read"
    assert Notification.objects.filter(read_at__isnull=False).count() == 0
    assert bearer("grid_worker", ["notify:read"]).get("/api/v1/notifications").json()["unread_count"] == 5


def test_the_page_session_reads_the_same_inbox(city, client, inboxes):
    client.force_login(city.user("grid_worker"))
    body = client.get("/api/v1/notifications").json()
    assert body["unread_count"] == 5 and len(body["items"]) == 5
    assert client.get("/api/v1/notifications", HTTP_AUTHORIZATION="Bearer jsk_bad").status_code == 401
