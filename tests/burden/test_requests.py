"""Data requests: a department asks villages; known fields are prefilled from Jishi's figures, answered ones
reused by the next request; drafts keep what was typed; submit checks every field; scope; the burden figures."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from jishi.burden import queries, requests
from jishi.burden.models import Answer, BurdenEvent, Reply
from jishi.core.errors import NotFound, PermissionDenied, ValidationFailed
from jishi.core.models import AuditRecord
from jishi.notify.models import Notification
from jishi.org.choices import Role
from jishi.org.models import Person, StaffAssignment
from jishi.org.policy import actor_for_user

pytestmark = pytest.mark.django_db

FIELDS = [{"label": "户数", "source": "org.households", "minutes": 10},
          {"label": "党员人数", "source": "org.party_members", "minutes": 10},
          {"label": "养老服务点", "key": "elderly_points", "kind": "int", "minutes": 20},
          {"label": "联系人", "key": "contact", "kind": "text", "required": False, "minutes": 2}]


def _cadre(city, key: str):
    """A cadre for village ``key`` (the city has one, of A1)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(f"cadre_{key}", password="x", first_name=f"{key}村干部")
    p = Person(name=f"{key}村干部", user=user)
    p.place_in(city.regions[key])
    p.save()
    a = StaffAssignment(person=p, role=Role.VILLAGE_CADRE, region=city.regions[key])
    a.place_in(city.regions[key])
    a.save()
    return user


def _ask(city, **kw):
    return requests.create_request(city.user("dept_urban"), title="养老设施摸底", purpose="编制养老设施规划",
                                   deadline=timezone.localdate() + timedelta(days=7),
                                   fields=kw.pop("fields", FIELDS), **{"towns": [city.regions["A"].pk], **kw})


def _reply(req, city, key="A1") -> Reply:
    return Reply.objects.get(request=req, village=city.regions[key])


def test_a_department_asks_the_villages_of_a_town_and_known_fields_are_prefilled(city):
    req = _ask(city)
    assert req.department == city.departments["urban"] and req.number.startswith("SJ")
    assert set(req.replies.values_list("village__name", flat=True)) == {"A1村", "A2村"}
    r = _reply(req, city)
    got = {a.field.key: a for a in r.answers.select_related("field")}
    assert set(got) == {"org_households", "org_party_members"}
    assert got["org_households"].value == "1" and got["org_households"].origin == "prefilled"
    assert "基础信息库" in got["org_households"].basis
    assert BurdenEvent.objects.filter(request=req, verb="create").count() == 1
    assert AuditRecord.objects.filter(action="burden.create").count() == 1
    # the villages' cadres are told (a consumer of the timeline)
    assert Notification.objects.filter(recipient=city.user("village_cadre"), kind="burden").count() == 1


def test_only_departments_and_the_city_ask(city):
    with pytest.raises(PermissionDenied):
        _ask_as(city, "village_cadre")
    with pytest.raises(ValidationFailed, match="至少添加一个填报字段"):
        _ask(city, fields=[])
    with pytest.raises(ValidationFailed, match="数据来源"):
        _ask(city, fields=[{"label": "x", "source": "nope"}])
    with pytest.raises(ValidationFailed, match="请选择要填报"):
        requests.create_request(city.user("dept_urban"), title="t", purpose="p",
                                deadline=timezone.localdate(), fields=FIELDS)


def _ask_as(city, user):
    return requests.create_request(city.user(user), title="t", purpose="p", deadline=timezone.localdate(),
                                   fields=FIELDS, towns=[city.regions["A"].pk])


def test_a_draft_keeps_what_was_typed_and_submit_checks_every_field(city):
    req = _ask(city)
    r = _reply(req, city)
    cadre = city.user("village_cadre")
    requests.save_draft(cadre, r.pk, values={"elderly_points": "三个"})
    assert Answer.objects.get(reply=r, field__key="elderly_points").value == "三个"
    with pytest.raises(ValidationFailed) as exc:
        requests.submit_reply(cadre, r.pk, values={"org_households": "9"})
    errors = exc.value.details["errors"]
    assert errors == {"org_households": "更正了“户数”的预填值，请填写更正说明", "elderly_points": "“养老服务点”应为整数"}
    assert Reply.objects.get(pk=r.pk).state == "draft"  # nothing changed by the refused submit
    done = requests.submit_reply(cadre, r.pk, values={"org_households": "9", "elderly_points": "3"},
                                 notes={"org_households": "含新建小区"})
    assert done.state == "submitted" and done.submitted_by == cadre
    a = Answer.objects.get(reply=r, field__key="org_households")
    assert (a.origin, a.value, a.offered, a.note) == ("corrected", "9", "1", "含新建小区")
    assert Answer.objects.get(reply=r, field__key="org_party_members").origin == "prefilled"
    with pytest.raises(Exception, match="已提交"):
        requests.save_draft(cadre, r.pk, values={})


def test_the_next_request_reuses_an_answer_instead_of_asking_again(city):
    first = _ask(city)
    r = _reply(first, city)
    requests.submit_reply(city.user("village_cadre"), r.pk, values={"elderly_points": "3", "contact": "王"})
    second = _ask(city, fields=[{"label": "养老服务点数", "key": "elderly_points", "kind": "int"}])
    a = Answer.objects.get(reply=_reply(second, city), field__key="elderly_points")
    today = timezone.localdate()
    assert (a.origin, a.value, a.reused_from.reply_id) == ("reused", "3", r.pk)
    assert a.basis == f"已由{today.month}月{today.day}日的填报提供"
    assert not Answer.objects.filter(reply=_reply(second, city, "A2")).exists()  # A2 never answered


def test_scope_another_village_and_another_department_find_nothing(city):
    req = _ask(city)
    b_cadre = _cadre(city, "B1")
    with pytest.raises(NotFound):
        requests.save_draft(b_cadre, _reply(req, city).pk, values={})
    with pytest.raises(NotFound):
        requests.remind(city.user("dept_water"), req.pk)
    water = actor_for_user(city.user("dept_water"))
    assert not Reply.objects.restrict(water, "view").exists()
    urban = actor_for_user(city.user("dept_urban"))
    assert Reply.objects.restrict(urban, "view").count() == 2
    cadre = actor_for_user(city.user("village_cadre"))
    assert list(Reply.objects.restrict(cadre, "answer").values_list("village__name", flat=True)) == ["A1村"]


def test_completion_remind_combined_sheet_and_burden_figures(city):
    a2 = _cadre(city, "A2")
    req = _ask(city)
    requests.submit_reply(city.user("village_cadre"), _reply(req, city).pk, values={"elderly_points": "3"})
    c = queries.completion(req)
    assert c["counts"] == {"pending": 1, "draft": 0, "submitted": 1}
    assert requests.remind(city.user("dept_urban"), req.pk) == 1
    assert Notification.objects.filter(recipient=a2, kind="burden").count() == 2  # the request, the reminder
    fields, rows = queries.combined(req)
    from jishi.burden.excel import combined_xlsx

    ws = load_workbook(BytesIO(combined_xlsx(req, fields, rows))).active
    sheet = [list(r) for r in ws.iter_rows(values_only=True)]
    assert sheet[0][:4] == ["镇(街道)", "村(社区)", "状态", "提交时间"]
    assert sheet[1][1] == "A1村" and sheet[1][4:] == [1, 0, 3, None]
    b = queries.burden()
    d = b["departments"][0]
    assert (d.name, d.requests, d.villages, d.fields_asked) == ("城市管理局", 1, 2, 8)
    assert d.not_asked == 4 and d.typed == 1  # 2 prefilled in each village; A1 typed one field
    assert d.hours_typed == round(20 / 60, 1) and d.hours_saved == round(40 / 60, 1)


def test_demo_plan_and_small_demo(city):
    import random

    from jishi.burden import demo
    from jishi.burden.models import DataRequest
    from jishi.org.demo.context import DemoContext

    assert len(demo.plan("small")) == 3 and len(demo.plan("city")) == 6
    keys = [{f.get("key") for f in p["fields"]} for p in demo.plan("small")]
    assert "elderly_points" in keys[0] & keys[2]  # the third request reuses the first one's answers
    ctx = DemoContext(scale="small", seed=1, rng=random.Random(1), progress=lambda it=None, **k: it,
                      today=timezone.localdate())
    assert demo.generate(ctx).startswith("burden: 3 requests")
    assert DataRequest.objects.count() == 3
    if Reply.objects.filter(request__title="养老服务设施摸底", state="submitted").exists():
        assert Answer.objects.filter(origin="reused").exists()
