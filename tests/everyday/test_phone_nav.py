"""The phone's bottom bar (the role's main actions and the inbox badge), the favicon and the web app manifest."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from jishi.core.nav import navigation
from jishi.notify.services import notify
from jishi.org.policy import actor_for_user
from jishi.web.nav import PHONE_SLOTS, phone_bar


@pytest.mark.parametrize(("role", "expected"), [
    ("resident", ["home", "cases-report", "points", "cases-mine", "inbox"]),
    ("grid_worker", ["home", "cases-report", "cases-grid", "points", "inbox"]),
    ("dept_urban", ["home", "cases-dept", "points", "visits", "inbox"]),
    ("village_cadre", ["home", "cases-board", "points", "visits", "inbox"]),
    ("merchant", ["home", "points", "cases-mine", "inbox"]),
])
def test_each_role_gets_three_to_five_main_actions_with_the_inbox_last(city, role, expected):
    nav = navigation(actor_for_user(city.user(role)))
    bar, more = phone_bar(nav)
    assert [e["key"] for e in bar] == expected
    assert 3 <= len(bar) <= PHONE_SLOTS
    assert {e["key"] for e in bar} | {e["key"] for e in more} == {e["key"] for e in nav}
    assert all(e["icon"] for e in bar)


def test_the_bar_carries_the_unread_badge_on_every_page(client, city, login):
    user = login("grid_worker")
    notify([user], kind="case", title="有新事件待核查")
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="phonebar"' in page and 'data-testid="phonebar-badge-inbox">1' in page
    assert 'data-testid="phonebar-more"' in page  # the rest of the navigation behind 更多


def test_favicon_and_manifest_answer_without_signing_in(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert b"".join(r.streaming_content).startswith(b"\x89PNG")
    r = client.get(reverse("web-manifest"))
    assert r.status_code == 200 and r["Content-Type"] == "application/manifest+json"
    data = json.loads(r.content)
    assert data["start_url"] == "/" and data["display"] == "standalone"
    assert {i["sizes"] for i in data["icons"]} >= {"192x192", "512x512"}
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_every_page_links_the_icon_and_manifest(client, login):
    login("resident")
    page = client.get(reverse("home")).content.decode()
    assert 'rel="manifest"' in page and 'rel="icon"' in page
