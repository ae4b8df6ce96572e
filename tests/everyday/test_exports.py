"""Excel exports of the people search (masked as the page, audited) and of a public points board."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jishi.core.models import AuditRecord
from jishi.points.boards import publish_board
from jishi.points.earning import apply_item


def sheet(response) -> list[tuple]:
    assert response.status_code == 200, response.content[:200]
    data = b"".join(response.streaming_content)
    return list(load_workbook(BytesIO(data), read_only=True).active.iter_rows(values_only=True))


def test_the_people_export_is_masked_as_the_page_is_and_audited(client, login, city):
    login("town_commander")  # a commander sees numbers masked
    rows = sheet(client.get(reverse("people-export"), {"q": "张"}))
    assert rows[0][:3] == ("姓名", "手机号", "身份证号")
    zhang = next(r for r in rows[1:] if r[0] == "张居民")
    assert zhang[1] != "13800000000" and "*" in zhang[1] and "*" in zhang[2]
    assert AuditRecord.objects.filter(action="person.export").exists()


def test_the_people_export_shows_full_numbers_to_who_sees_them_on_the_page(client, login, city):
    login("village_cadre")
    rows = sheet(client.get(reverse("people-export"), {"q": "张居民"}))
    assert [r[:2] for r in rows[1:]] == [("张居民", "13800000000")]


def test_the_people_export_keeps_the_pages_scope(client, login, city):
    login("grid_worker_b")
    rows = sheet(client.get(reverse("people-export")))
    assert "张居民" not in {r[0] for r in rows[1:]}


def test_a_public_board_exports_its_ranking_and_postings(client, login, city, items):
    cadre = city.user("village_cadre")
    apply_item(cadre, city.people["resident"], items["HY01"], key="x", reason="十月村民会议",
               at=timezone.make_aware(datetime(2026, 10, 8, 10)))
    board = publish_board(cadre, city.regions["A1"], date(2026, 10, 1), now=timezone.now())
    login("resident")
    rows = sheet(client.get(reverse("points-board-export", args=[board.pk])))
    assert rows[0][0] == "名次" and rows[1][:3] == (1, "张居民", 2)
    rows = sheet(client.get(reverse("points-postings-export", args=[board.pk])))
    assert rows[1][1:4] == ("张居民", "十月村民会议", 2)
    client.logout()
    login("grid_worker_b")
    assert client.get(reverse("points-board-export", args=[board.pk])).status_code == 404
