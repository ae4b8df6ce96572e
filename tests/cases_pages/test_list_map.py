"""The map of a case list (地图查看) shows the list's own cases — the same scope, tab and filters — as points,
and counts the ones it cannot draw."""

from __future__ import annotations

import json
import re

from django.urls import reverse

from tests.cases_pages.conftest import advance


def points(response) -> list[dict]:
    assert response.status_code == 200
    found = re.search(r'<script id="list-map-points" type="application/json">(.*?)</script>',
                      response.content.decode(), re.S)
    return json.loads(found.group(1))


def test_the_board_map_draws_the_filtered_tab(client, login, city, make_case):
    river = make_case("河道垃圾堆放")
    make_case("西桥护栏松动")
    login("town_commander")
    drawn = points(client.get(reverse("cases-board-map"), {"tab": "to_accept", "q": "河道"}))
    assert [(p["id"], p["n"]) for p in drawn] == [(river.pk, river.number)]
    assert drawn[0]["lng"] == river.lng and drawn[0]["lat"] == river.lat
    assert len(points(client.get(reverse("cases-board-map"), {"tab": "to_accept"}))) == 2


def test_the_map_shows_only_what_the_viewer_may_see(client, login, city, make_case):
    make_case("A镇的事件")
    b = make_case("B镇的事件", who="grid_worker_b", where="B1a1")
    login("town_commander_b")
    assert [p["id"] for p in points(client.get(reverse("cases-board-map"), {"tab": "all"}))] == [b.pk]


def test_cases_without_a_location_are_counted_not_drawn(client, login, city, make_case):
    make_case("有位置")
    nowhere = make_case("无位置")
    type(nowhere).objects.filter(pk=nowhere.pk).update(lng=None, lat=None)
    login("town_commander")
    response = client.get(reverse("cases-board-map"), {"tab": "to_accept"})
    assert [p["t"] for p in points(response)] == ["有位置"]
    assert "1 件没有位置" in response.content.decode()


def test_the_inbox_and_grid_maps_follow_their_lists(client, login, city, make_case):
    advance(make_case("河道垃圾堆放"), city, "dispatched")
    make_case("西桥护栏松动")
    login("dept_urban")
    assert [p["t"] for p in points(client.get(reverse("cases-dept-map"), {"tab": "to_ack"}))] == ["河道垃圾堆放"]
    assert points(client.get(reverse("cases-dept-map"), {"tab": "to_ack", "q": "护栏"})) == []
    client.logout()
    login("grid_worker")
    assert {p["t"] for p in points(client.get(reverse("cases-grid-map")))} == {"河道垃圾堆放", "西桥护栏松动"}
    page = client.get(reverse("cases-grid"), {"q": "河道"}).content.decode()
    assert reverse("cases-grid-map") + "?q=%E6%B2%B3%E9%81%93" in page  # the list links its map with its filters


def test_a_bad_tab_or_filter_is_not_an_error(client, login, city, make_case):
    make_case("河道垃圾堆放")
    login("town_commander")
    assert client.get(reverse("cases-board-map"), {"tab": "nope", "region": "x", "created_after": "9999-99"}
                      ).status_code == 200
