"""The three lists and micro-projects: a need and a resource, a project matching them, the open call, units
taking it, the village choosing, progress with photos, completion that closes the needs."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jishi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jishi.engage import access, projects, wishes
from jishi.engage.models import EngageEvent, Need, Project
from tests.engage.conftest import PNG, later, post


def _need(city, title="电瓶车充电难", region="A1", who="village_cadre"):
    return projects.add_need(city.user(who), title=title, region=city.regions[region].pk, source="resident")


def _project(city, needs=(), **kw):
    args = {"title": "新建电瓶车充电棚", "goals": "建成充电棚一处，20个充电口", "budget": "38000.50",
            "deadline": later(), "region": city.regions["A1"].pk, "needs": [getattr(n, "pk", n) for n in needs]}
    args.update(kw)
    return projects.create_project(city.user("village_cadre"), **args)


def test_a_need_through_call_bid_and_completion_is_closed_by_the_project(city):
    need = _need(city)
    res = projects.add_resource(city.user("village_cadre"), provider="市供电公司党支部", kind="money",
                                description="充电设施建设资金", quantity="30000", unit="元", region=city.regions["A1"].pk)
    p = _project(city, [need], resources=[res.pk])
    need.refresh_from_db()
    assert (p.state, need.state, str(p.budget)) == ("draft", "planned", "38000.50")
    assert p not in access.calls()
    projects.publish_project(city.user("village_cadre"), p)
    assert p in access.calls()  # the call is public
    b1 = projects.bid(city.user("dept_urban"), p, unit="城管局机关党支部", plan="两周内完成选址和建设")
    projects.bid(city.user("helper") if "helper" in city.users else city.user("resident"), p, unit="某物业公司",
                 plan="物业负责日常维护")
    with pytest.raises(Conflict, match="已揭过"):
        projects.bid(city.user("dept_water"), p, unit="城管局机关党支部", plan="再来一次")
    with pytest.raises(NotFound):
        projects.award(city.user("town_commander_b"), p, b1.pk)
    projects.award(city.user("village_cadre"), p, b1.pk)
    assert (p.state, p.taker_unit) == ("awarded", "城管局机关党支部")
    # the taker reports progress with a photo; never backwards
    projects.report_progress(city.user("dept_urban"), p, percent=60, note="棚体完工",
                             photo=SimpleUploadedFile("p.png", PNG, content_type="image/png"))
    with pytest.raises(ValidationFailed, match="倒退"):
        projects.report_progress(city.user("dept_urban"), p, percent=40, note="?")
    with pytest.raises(PermissionDenied):
        projects.report_progress(city.user("dept_water"), p, percent=80, note="不是我们的")
    with pytest.raises(ValidationFailed, match="1 到 5"):
        projects.complete_project(city.user("village_cadre"), p, rating=6, note="好")
    projects.complete_project(city.user("village_cadre"), p, rating=5, note="居民满意，充电棚投入使用")
    need.refresh_from_db()
    assert (p.state, p.progress, need.state, need.closed_by_id) == ("completed", 100, "closed", p.pk)
    assert list(EngageEvent.objects.filter(project=p).values_list("verb", flat=True)) == [
        "project", "project_publish", "bid", "bid", "award", "progress", "complete"]


def test_a_need_in_one_project_cannot_be_taken_by_another_and_bad_input_is_refused(city):
    need = _need(city)
    _project(city, [need])
    with pytest.raises(Conflict, match="已纳入其他项目"):
        _project(city, [need])
    other = _need(city, title="健身器材老化")
    for kw, msg in [({"title": ""}, "项目名称"), ({"budget": "abc"}, "数字"), ({"budget": "-1"}, "0 到"),
                    ({"needs": []}, "至少选择一项"), ({"deadline": later(-3)}, "早于今天"),
                    ({"needs": [_need(city, title="B村的", region="B1", who="town_commander_b").pk]}, "不在您的管理范围")]:
        with pytest.raises(ValidationFailed, match=msg):
            _project(city, **{"needs": [other.pk], **kw})
    other.refresh_from_db()
    assert other.state == "open" and Project.objects.count() == 1
    with pytest.raises(NotFound):
        projects.add_need(city.user("village_cadre"), title="B村的", region=city.regions["B1"].pk)
    with pytest.raises(ValidationFailed, match="资源类型"):
        projects.add_resource(city.user("village_cadre"), provider="x", kind="gold", description="y",
                              region=city.regions["A1"].pk)


def test_a_wish_too_big_for_one_volunteer_goes_onto_the_needs_list_once(city):
    w = post(city, title="小区想增设停车位")
    n = projects.need_from_wish(city.user("village_cadre"), w)
    assert (n.source, n.wish_id, n.village_id) == ("wish", w.pk, city.regions["A1"].pk)
    with pytest.raises(Conflict):
        projects.need_from_wish(city.user("village_cadre"), w)
    wishes.publish_wish(city.user("village_cadre"), w)
    assert Need.objects.count() == 1


def test_unpublished_projects_are_not_found_outside_the_region(city):
    p = _project(city, [_need(city)])
    with pytest.raises(NotFound):
        access.project_for(city.user("grid_worker_b"), p.pk)
    assert access.project_for(city.user("town_commander"), p.pk) == p  # the town above reads it
    projects.publish_project(city.user("village_cadre"), p)
    assert access.project_for(city.user("grid_worker_b"), p.pk) == p  # an open call is public
