"""A resident follows their report to the end (issue 14): anonymous reports stay the reporter's, every step that
concerns them is told (in-app and outbound), the stepper, the masked call-back and SMS relay, the audited reveal,
the department's answer to a 督办, the 12345 entry form, and the micro-grid roles' lists."""

from __future__ import annotations

import pytest

from jishi.cases import contact, progress, replies, services
from jishi.cases.detail import get_case, label_events
from jishi.cases.models import Case, Supervision
from jishi.core.audit import AuditRecord
from jishi.core.errors import Conflict, PermissionDenied, ValidationFailed
from jishi.notify.models import Notification, OutboundMessage
from jishi.org.policy import actor_for_user
from tests.cases_pages.conftest import PNG, advance

pytestmark = pytest.mark.django_db


def _own_phone(city, key: str, phone: str) -> None:
    person = city.people[key]
    person.phone = phone
    person.save(update_fields=["phone"])


def _notices(city, key: str) -> list[str]:
    return list(Notification.objects.filter(recipient=city.user(key)).order_by("id").values_list("kind", flat=True))


# --- anonymous reports stay the reporter's ---------------------------------------------------------------------

def test_an_anonymous_report_opens_for_its_reporter_and_is_in_my_reports(client, login, city, categories):
    login("resident")
    lng, lat = city.point_in("A1a1")
    response = client.post("/cases/report/", {"category": "0201", "title": "匿名反映", "lng": lng, "lat": lat,
                                              "anonymous": "on", "idempotency_key": "anon-1"})
    case = Case.objects.get(title="匿名反映")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and case.number in page.content.decode()
    assert case.number in client.get("/cases/mine/").content.decode()


def test_handlers_never_see_who_reported_anonymously(client, login, city, make_case):
    _own_phone(city, "resident", "13911112222")
    case = advance(make_case("匿名", who="resident", channel="resident", anonymous=True), city, "in_progress")
    for who in ("dept_urban", "town_commander", "grid_worker", "admin"):
        login(who)
        body = client.get(f"/cases/{case.pk}/").content.decode()
        api = client.get(f"/api/v1/cases/{case.pk}").json()
        for text in (body, str(api)):
            assert "张居民" not in text and "13911112222" not in text and "2222" not in text, who
        assert api["reporter_name"] == "匿名" and api["timeline"][0]["actor_name"] == "匿名"


def test_the_reporters_name_is_masked_in_the_timeline_as_in_the_header(client, login, city, make_case):
    """Regression (issue 14): the header showed "张*" but the timeline "张居民（群众上报）", page and API."""
    case = advance(make_case("楼道堆物", who="resident", channel="resident"), city, "closed")
    services.rate(city.user("resident"), case, rating="satisfied")
    login("dept_urban")  # a role that sees the reporter masked
    body = client.get(f"/cases/{case.pk}/").content.decode()
    api = client.get(f"/api/v1/cases/{case.pk}").json()
    assert "张居民" not in body and "张*民" in body
    assert api["reporter_name"] == "张*民"
    own = [e for e in api["timeline"] if e["verb"] in ("report", "rate")]
    assert len(own) == 2 and all(e["actor_name"] == "张*民" for e in own)
    login("resident")  # the reporter sees their own name
    assert "张居民" in client.get(f"/cases/{case.pk}/").content.decode()


# --- every step that concerns the resident is told -------------------------------------------------------------

def test_the_anonymous_reporter_is_told_of_every_step_in_app_and_outbound(city, make_case):
    _own_phone(city, "resident", "13911112222")
    case = make_case("井盖缺失", who="resident", channel="resident", anonymous=True)
    case = advance(case, city, "handled")
    case = services.verify(city.user("grid_worker"), case, passed=False, note="没修好")  # 重办
    case = services.handle(city.user("dept_urban"), case, note="已重新安装", files=[("after.png", PNG)])
    case = services.verify(city.user("grid_worker"), case, passed=True)
    case = services.close(city.user("town_commander"), case)
    kinds = _notices(city, "resident")
    assert kinds == ["case.accepted", "case.dispatched", "case.acknowledged", "case.handled", "case.redo",
                     "case.handled", "case.closed"]
    told = Notification.objects.filter(recipient=city.user("resident"))
    assert told.filter(kind="case.dispatched", title__contains="城市管理局").exists()  # to whom
    assert told.filter(kind="case.handled", body__contains="处置后照片 1 张").exists()
    sms = OutboundMessage.objects.filter(recipient=city.user("resident"))
    assert sms.count() == len(kinds) and set(sms.values_list("address", flat=True)) == {"13911112222"}


def test_a_rejected_report_is_told_with_the_reason_and_staff_patrols_are_not(city, make_case):
    case = make_case("重复反映", who="resident", channel="resident")
    services.reject(city.user("town_commander"), case, reason="已有同一事件在办")
    assert Notification.objects.filter(recipient=city.user("resident"), kind="case.rejected",
                                       body="已有同一事件在办").exists()
    advance(make_case("巡查所见"), city, "closed")  # the grid worker's own patrol: no resident steps
    assert not Notification.objects.filter(recipient=city.user("grid_worker"), kind__in=[
        "case.accepted", "case.dispatched", "case.acknowledged"]).exists()


def test_commanders_get_one_digest_a_day_instead_of_one_red_notice_per_case(city, make_case):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from jishi.cases.sla import sweep

    cases = [advance(make_case(f"超期{i}"), city, "dispatched") for i in range(3)]
    with time_machine.travel(timezone.now() + timedelta(days=20), tick=False):
        sweep()
    digests = Notification.objects.filter(recipient=city.user("city_commander"), kind="case.supervision_digest.red")
    assert digests.count() == 1
    assert all(c.number in digests.get().body for c in cases) and "3 件" in digests.get().title
    assert not Notification.objects.filter(recipient=city.user("city_commander"), kind="case.supervision").exists()
    # the department that must act still gets one per case
    per_case = Notification.objects.filter(recipient=city.user("dept_urban"), kind="case.supervision", level="red")
    assert {n.object_id for n in per_case} == {str(c.pk) for c in cases}


# --- the stepper -------------------------------------------------------------------------------------------------

def test_the_stepper_shows_where_the_case_is_and_whose_turn_it_is(city, make_case):
    case = advance(make_case("路灯不亮", who="resident", channel="resident"), city, "handled")
    actor = actor_for_user(city.user("resident"))
    shown = get_case(actor, case.pk)
    steps = progress.steps(shown, label_events(shown.events.all()), viewer_is_reporter=True)
    assert [s.key for s in steps if s.done] == ["reported", "accepted", "dispatched", "acknowledged", "handled"]
    assert steps[5].current and steps[5].waiting_on_you == "verify" and "城市管理局" in steps[2].detail
    rejected = make_case("不予立案的", who="resident", channel="resident")
    services.reject(city.user("town_commander"), rejected, reason="不属于受理范围")
    shown = get_case(actor, rejected.pk)
    steps = progress.steps(shown, label_events(shown.events.all()))
    assert [s.key for s in steps] == ["reported", "rejected"] and steps[1].detail == "不属于受理范围"


def test_the_case_page_shows_the_stepper_and_the_after_photo(client, login, city, make_case):
    case = advance(make_case("路灯不亮", who="resident", channel="resident"), city, "in_progress")
    services.handle(city.user("dept_urban"), case, note="已更换灯泡", files=[("after.png", PNG)])
    login("resident")
    body = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="stepper"' in body and "待您核查" in body and "step-photos" in body


# --- reaching the reporter without their number ----------------------------------------------------------------

def test_a_department_calls_back_and_texts_through_the_platform_without_seeing_the_number(
        city, make_case, django_capture_on_commit_callbacks):
    _own_phone(city, "resident", "13911112222")
    _own_phone(city, "dept_urban", "13700001111")
    case = advance(make_case("噪声扰民", who="resident", channel="resident", anonymous=True), city, "in_progress")
    dept = actor_for_user(city.user("dept_urban"))
    assert contact.may_contact(dept, case)
    with django_capture_on_commit_callbacks(execute=True):
        contact.contact_reporter(dept, case, via="call")
        contact.contact_reporter(dept, case, via="sms", text="明天上午到现场查看，请留意")
    call = OutboundMessage.objects.get(channel="call")
    assert call.address == "13911112222" and call.status == "sent"
    text = OutboundMessage.objects.filter(address="13911112222", text__contains="明天上午").get()
    assert text.status == "sent"
    rows = list(case.events.filter(verb="contact").values_list("data", "note"))
    assert [d["via"] for d, _ in rows] == ["call", "sms"] and all("1391111" not in n for _, n in rows)
    assert AuditRecord.objects.filter(action="case.contact").count() == 2
    assert Notification.objects.filter(recipient=city.user("resident"), kind="case.contact").count() == 2
    with pytest.raises(PermissionDenied):
        contact.reveal_reporter_phone(dept, case, reason="需要当面核实")  # anonymous: never revealed
    with pytest.raises(PermissionDenied):
        contact.contact_reporter(actor_for_user(city.user("dept_water")), case, via="sms", text="x")


def test_a_reveal_needs_a_reason_and_is_audited_and_on_the_timeline(client, login, city, make_case):
    _own_phone(city, "resident", "13911112222")
    case = advance(make_case("漏水", who="resident", channel="resident"), city, "in_progress")
    dept = actor_for_user(city.user("dept_urban"))
    with pytest.raises(ValidationFailed):
        contact.reveal_reporter_phone(dept, case, reason="")
    login("dept_urban")
    assert "13911112222" not in client.get(f"/cases/{case.pk}/").content.decode()
    page = client.post(f"/cases/{case.pk}/reveal/", {"reason": "上门维修需约时间"})
    assert page.status_code == 200 and "13911112222" in page.content.decode() and page["Cache-Control"] == "no-store"
    assert AuditRecord.objects.filter(action="case.reporter_reveal", data__reason="上门维修需约时间").count() == 1
    assert case.events.filter(verb="reveal", note="上门维修需约时间").count() == 1


def test_the_relay_is_refused_after_ten_contacts_a_day(city, make_case):
    case = advance(make_case("漏水", who="resident", channel="resident"), city, "in_progress")
    dept = actor_for_user(city.user("dept_urban"))
    for i in range(contact.PER_DAY):
        contact.contact_reporter(dept, case, via="sms", text=f"第{i}次")
    with pytest.raises(Conflict):
        contact.contact_reporter(dept, case, via="sms", text="再一次")


# --- a department answers a 督办 -----------------------------------------------------------------------------------

def test_a_department_answers_a_supervision_and_the_supervisor_sees_it(client, login, city, make_case):
    from datetime import timedelta

    from django.utils import timezone

    case = advance(make_case("占道经营"), city, "in_progress")
    services.supervise(city.user("town_commander"), case, note="请三日内办结")
    sup = Supervision.objects.get(case=case)
    login("dept_urban")
    assert "回复督办" in client.get(f"/cases/{case.pk}/").content.decode()
    finish = timezone.localdate() + timedelta(days=2)
    client.post(f"/cases/{case.pk}/supervision-reply/", {"supervision": sup.pk, "note": "已约谈摊主，明日清理",
                                                         "finish_by": finish.isoformat()})
    sup.refresh_from_db()
    assert sup.reply == "已约谈摊主，明日清理" and sup.reply_finish_by == finish and sup.replied_by == city.user("dept_urban")
    told = Notification.objects.get(recipient=city.user("town_commander"), kind="case.supervise_reply")
    assert "已约谈摊主" in told.body and finish.isoformat() in told.body
    with pytest.raises(Conflict):
        replies.reply_to_supervision(actor_for_user(city.user("dept_urban")), case, sup.pk, note="再答一次")
    with pytest.raises(PermissionDenied):
        replies.reply_to_supervision(actor_for_user(city.user("dept_water")), case, sup.pk, note="不是我们的")
    login("town_commander")
    assert 'data-testid="supervision-reply"' in client.get(f"/cases/{case.pk}/").content.decode()


# --- the 12345 hotline entry --------------------------------------------------------------------------------------

def test_a_hotline_ticket_entered_twice_is_one_case_on_behalf_of_the_caller(client, login, city, categories):
    _own_phone(city, "resident", "13911112222")  # the caller has an account: they follow it in 我的上报
    login("town_commander")
    form = {"ticket": "12345-20261205-0007", "caller_name": "张居民", "caller_phone": "13911112222",
            "category": "0201", "title": "夜间施工噪声", "description": "来电反映工地夜间施工",
            "region": city.regions["A1"].code}
    first = client.post("/cases/hotline/", form)
    again = client.post("/cases/hotline/", form)
    case = Case.objects.get(external_ref="12345-20261205-0007")
    assert first["Location"] == again["Location"] == f"/cases/{case.pk}/"
    assert Case.objects.filter(external_ref="12345-20261205-0007").count() == 1
    assert case.channel == "hotline" and case.reporter_name == "张居民" and case.reporter_phone == "13911112222"
    assert case.reporter_user == city.user("resident") and case.reporter == city.people["resident"]
    row = case.events.get()
    assert row.actor == city.user("town_commander") and row.actor_role == "town_commander" and row.data["hotline"]
    login("resident")
    assert case.number in client.get("/cases/mine/").content.decode()


def test_the_hotline_form_is_for_operators_and_commanders_only(client, login, city, categories):
    for who in ("resident", "grid_worker", "dept_urban"):
        login(who)
        assert client.get("/cases/hotline/").status_code == 404
    login("city_commander")
    assert client.get("/cases/hotline/").status_code == 200
    login("town_commander_b")  # a town commander enters calls of their town only
    response = client.post("/cases/hotline/", {"ticket": "T-1", "caller_phone": "13911112222", "category": "0201",
                                               "title": "x", "region": city.regions["A1"].code})
    assert response.status_code == 200 and "辖区" in response.content.decode()
    assert not Case.objects.exists()


def test_a_hotline_case_without_an_account_is_texted_at_the_callers_number(city, categories):
    case = services.report_case(city.user("city_commander"), channel="hotline", category_code="0201",
                                title="路面塌陷", region_code=city.regions["A1"].code, reporter_name="来电人",
                                reporter_phone="13566667777", external_ref="T-9")
    assert case.reporter_user is None and case.reporter is None
    services.accept(city.user("city_commander"), case)
    assert OutboundMessage.objects.filter(address="13566667777", text__contains="已受理").exists()


# --- micro-grid roles ---------------------------------------------------------------------------------------------

def test_volunteers_and_liaisons_see_their_micro_grids_cases(client, login, city, make_case):
    mine = make_case("A1a1 的事", where="A1a1")
    other = make_case("A1a2 的事", where="A1a2")
    for who in ("volunteer", "liaison"):
        login(who)
        body = client.get("/cases/grid/").content.decode()
        assert mine.title in body and other.title not in body, who


def test_a_volunteer_is_not_offered_on_the_spot_and_loses_no_photo(client, login, city, categories):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login("volunteer")
    assert 'name="on_spot"' not in client.get("/cases/report/").content.decode()
    lng, lat = city.point_in("A1a1")
    client.post("/cases/report/", {"category": "0101", "title": "志愿者所见", "lng": lng, "lat": lat, "on_spot": "on",
                                   "on_spot_note": "已清扫", "idempotency_key": "v-1",
                                   "after": SimpleUploadedFile("after.png", PNG, content_type="image/png")})
    case = Case.objects.get(title="志愿者所见")
    assert case.state == "reported" and not case.resolved_on_spot
    assert case.attachments.count() == 1 and "已清扫" in case.description
    login("grid_worker")
    assert 'name="on_spot"' in client.get("/cases/report/").content.decode()


def test_the_grid_force_page_shows_a_micro_grid_roles_grid(client, login, city):
    for who in ("volunteer", "liaison"):
        login(who)
        body = client.get("/regions/gridforce/").content.decode()
        assert "辖区内共 1 个网格" in body and "A1a网格" in body, who
        assert f'/regions/{city.regions["A1a"].pk}/' not in body  # its own page stays closed to them


def test_the_api_relays_a_text_and_answers_a_supervision(client, login, city, make_case):
    case = advance(make_case("占道经营", who="resident", channel="resident"), city, "in_progress")
    services.supervise(city.user("town_commander"), case, note="请尽快办结")
    sup = Supervision.objects.get(case=case)
    login("dept_urban")
    sent = client.post(f"/api/v1/cases/{case.pk}/contact", {"via": "sms", "text": "明天到现场"},
                       content_type="application/json")
    assert sent.status_code == 200 and sent.json()["timeline"][-1]["verb"] == "contact"
    assert sent.json()["timeline"][-1]["label"] == "联系上报人"
    bad = client.post(f"/api/v1/cases/{case.pk}/contact", {"via": "fax"}, content_type="application/json")
    assert bad.status_code == 422
    answered = client.post(f"/api/v1/cases/{case.pk}/supervision-reply", {"supervision": sup.pk, "note": "已约谈"},
                           content_type="application/json")
    assert answered.status_code == 200
    assert answered.json()["supervisions"][0]["reply"] == "已约谈"
    login("dept_water")  # not theirs: not found
    assert client.post(f"/api/v1/cases/{case.pk}/contact", {"via": "call"},
                       content_type="application/json").status_code == 404


def test_a_resident_reported_for_by_grid_staff_is_told_too(city, make_case):
    case = make_case("代报的", who="grid_worker", on_behalf_of=city.people["resident"])
    advance(case, city, "closed")
    assert "case.closed" in _notices(city, "resident") and "case.dispatched" in _notices(city, "resident")
