"""Case detail: facts, timeline, files, and only the actions the viewer may take now."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from jishi.cases import services
from tests.cases_pages.conftest import PNG, advance


def offered(html: str) -> set[str]:
    return set(re.findall(r'data-verb="([a-z_]+)"', html)) | ({"rate"} if 'class="inline-form rate"' in html else set())


def test_detail_offers_each_role_only_its_legal_next_steps(client, login, city, make_case):
    case = make_case()
    expected = {
        "grid_worker": {"resolve_on_spot"},
        "grid_leader": {"accept", "reject", "escalate", "resolve_on_spot"},
        "town_commander": {"accept", "reject", "escalate", "supervise"},
        "dept_urban": None,  # not assigned: the case is not visible at all
    }
    for who, verbs in expected.items():
        login(who)
        resp = client.get(f"/cases/{case.pk}/")
        if verbs is None:
            assert resp.status_code == 404
        else:
            assert offered(resp.content.decode()) == verbs, who


def test_detail_shows_timeline_with_who_role_states_note_and_files(client, login, city, make_case):
    case = make_case("路灯不亮", photos=[("p.png", PNG)])
    case = advance(case, city, "in_progress")
    services.handle(city.user("dept_urban"), case, note="已更换灯泡", files=[("e.png", PNG)])
    login("town_commander")
    html = client.get(f"/cases/{case.pk}/").content.decode()
    for text in ("上报", "立案", "派遣", "签收", "处置", "待立案 → 待派遣", "城管局办事员（职能部门/派驻单位）",
                 "已更换灯泡", "处置材料", "现场照片", "case-map", "城市管理局"):
        assert text in html, text
    assert offered(html) == {"supervise", "verify", "reopen"}


def test_an_illegal_step_shows_the_chinese_reason_and_changes_nothing(client, login, city, make_case):
    case = advance(make_case(), city, "dispatched")
    login("dept_urban")
    resp = client.post(f"/cases/{case.pk}/do/handle/", {"note": "抢先处置"}, follow=True)
    assert "事件当前状态为“待签收”，不能处置" in resp.content.decode()
    case.refresh_from_db()
    assert case.state == "dispatched" and case.events.count() == 3


def test_a_lost_race_is_told_to_the_slower_user(client, login, city, make_case):
    case = make_case()
    services.accept(city.user("grid_leader"), case)  # the grid leader was faster
    login("town_commander")
    resp = client.post(f"/cases/{case.pk}/do/accept/", {"ui": "board"}, HTTP_HX_REQUEST="true")
    assert "不能立案" in resp.content.decode()


def test_verify_failed_from_detail_needs_a_note_and_counts_rework(client, login, city, make_case):
    case = advance(make_case(), city, "handled")
    login("grid_worker")
    resp = client.post(f"/cases/{case.pk}/do/verify/", {"passed": "0", "note": ""}, follow=True)
    assert "核查不通过必须说明原因" in resp.content.decode()
    client.post(f"/cases/{case.pk}/do/verify/", {"passed": "0", "note": "垃圾还在",
                                                 "files": SimpleUploadedFile("v.png", PNG, "image/png")})
    case.refresh_from_db()
    assert case.state == "in_progress" and case.rework_count == 1


def test_files_are_served_only_to_those_who_see_the_case(client, login, city, make_case):
    case = make_case(photos=[("p.png", PNG)])
    att = case.attachments.get()
    login("grid_worker")
    resp = client.get(f"/cases/files/{att.pk}/")
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == PNG
    login("grid_worker_b")
    assert client.get(f"/cases/files/{att.pk}/").status_code == 404


def test_unknown_verb_and_get_are_refused(client, login, city, make_case):
    case = make_case()
    login("town_commander")
    assert client.post(f"/cases/{case.pk}/do/explode/").status_code == 404
    assert client.get(f"/cases/{case.pk}/do/accept/").status_code == 405


def test_reporter_is_masked_for_departments_and_shown_to_grid_staff(client, login, city, make_case):
    case = advance(make_case("门口积水", who="resident", channel="resident"), city, "dispatched")
    login("dept_urban")
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "张*民" in html and "138****0000" in html and "13800000000" not in html
    login("grid_worker")
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "张居民" in html and "13800000000" in html


def test_anonymous_reporter_is_never_shown(client, login, city, make_case):
    case = make_case("匿名反映", who="resident", channel="resident", anonymous=True)
    login("grid_worker")
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "匿名" in html and "张居民" not in html and "13800000000" not in html
