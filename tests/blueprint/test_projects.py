"""Projects: creation in scope, weights, progress rolling up, time nodes; an overdue time node supervised
yellow then red (once each), told to the owner through the inbox, answered, closed when the node is done."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from jishi.blueprint import services
from jishi.blueprint.models import BlueprintEvent, Project, Supervision
from jishi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jishi.core.models import AuditRecord
from jishi.notify.models import Notification
from tests.blueprint.conftest import YEAR, make_project

pytestmark = pytest.mark.django_db


def test_a_parent_progress_is_the_weighted_sum_of_its_children(city, tree):
    top, a1, a2 = tree
    services.report_progress(city.user("village_cadre"), a1, progress=50, note="管网铺设过半")
    top.refresh_from_db()
    assert top.progress == Decimal("30.00") and top.weights_ok and top.status == "active"
    services.report_progress(city.user("town_commander"), Project.objects.get(pk=a2.pk), progress="25.5", note="路基完成")
    top.refresh_from_db()
    assert top.progress == Decimal("40.20")  # 0.6*50 + 0.4*25.5


def test_a_parent_with_weights_not_adding_up_is_marked_and_new_weights_are_refused(city, bp, tree):
    top, a1, a2 = tree
    make_project(city, bp, region="A1", parent=top, weight=0, title="A1村公厕改造")
    top.refresh_from_db()
    assert top.weights_ok  # 60 + 40 + 0 still 100
    with pytest.raises(ValidationFailed, match="最多 0"):
        make_project(city, bp, region="A1", parent=top, weight=10, title="超出")
    with pytest.raises(ValidationFailed, match="合计 90%"):
        services.set_weights(city.user("town_commander"), top, {a1.pk: 50, a2.pk: 40,
                                                                 top.children.last().pk: 0})
    with pytest.raises(ValidationFailed, match="每个子项目"):
        services.set_weights(city.user("town_commander"), top, {a1.pk: 60, a2.pk: 40})
    assert BlueprintEvent.objects.filter(verb="weights").count() == 0


def test_a_parent_progress_is_not_reported_by_hand_and_scope_is_enforced(city, bp, tree):
    top, a1, _ = tree
    with pytest.raises(Conflict, match="子项目"):
        services.report_progress(city.user("town_commander"), top, progress=10, note="x")
    with pytest.raises(NotFound):  # B town's commander does not reach an A town project
        services.report_progress(city.user("town_commander_b"), a1, progress=10, note="x")
    with pytest.raises(NotFound):
        make_project(city, bp, who="village_cadre", region="A2", title="别村项目")
    with pytest.raises(NotFound):  # a village cadre plans the village's projects, not the town's above it
        services.add_milestone(city.user("village_cadre"), top, title="x", due_on=date(YEAR, 5, 1))
    services.add_milestone(city.user("village_cadre"), a1, title="方案公示", due_on=date(YEAR, 5, 1))
    with pytest.raises(ValidationFailed, match="0 到 100"):
        services.report_progress(city.user("village_cadre"), a1, progress=101, note="x")
    with pytest.raises(ValidationFailed, match="进展情况"):
        services.report_progress(city.user("village_cadre"), a1, progress=10, note=" ")


def test_a_department_handler_reaches_the_project_its_department_claimed(city, bp):
    p = make_project(city, bp, who="city_commander", region="city", title="城管局认领：背街小巷整治",
                     owner_name="市城管局党委", owner_department=city.departments["urban"].pk)
    assert Project.objects.restrict(_actor(city, "dept_urban"), "view").filter(pk=p.pk).exists()
    assert not Project.objects.restrict(_actor(city, "dept_water"), "view").filter(pk=p.pk).exists()
    services.report_progress(city.user("dept_urban"), p, progress=20, note="已排查30条背街小巷")
    with pytest.raises(NotFound):
        services.report_progress(city.user("dept_water"), p, progress=30, note="x")
    with pytest.raises(PermissionDenied):  # the department acts on its project; the city plans it
        services.add_milestone(city.user("dept_urban"), p, title="x", due_on=date(YEAR, 5, 1))


def _actor(city, key):
    from jishi.org.policy import actor_for_user

    return actor_for_user(city.user(key))


def test_an_overdue_milestone_is_supervised_yellow_then_red_once_each_and_told_to_the_owner(city, bp, tree):
    _, a1, _ = tree
    m = services.add_milestone(city.user("town_commander"), a1, title="完成管网招标", due_on=date(YEAR, 3, 31),
                               responsible="李主任")
    with time_machine.travel(date(YEAR, 3, 31)):
        assert services.sweep_overdue() == []
    with time_machine.travel(date(YEAR, 4, 2)):
        [s] = services.sweep_overdue()
        assert services.sweep_overdue() == []  # once per level
    assert s.flag == "yellow" and s.days_overdue == 2
    a1.refresh_from_db()
    assert a1.flag == "yellow"
    told = Notification.objects.filter(kind="blueprint_supervise")
    assert [n.recipient.username for n in told] == ["village_cadre"] and told[0].level == "yellow"
    with time_machine.travel(date(YEAR, 4, 15)):
        [red] = services.sweep_overdue()
    assert red.flag == "red" and red.days_overdue == 15
    a1.refresh_from_db()
    assert a1.flag == "red"
    assert Supervision.objects.get(pk=s.pk).closed_at is not None  # the yellow notice superseded by the red
    reds = Notification.objects.filter(kind="blueprint_supervise", level="red")
    assert {n.recipient.username for n in reds} == {"village_cadre", "town_commander", "city_commander"}
    # the owner replies; the supervisors are told
    services.reply_supervision(city.user("village_cadre"), red, reply="招标文件被退回修改，4月20日前完成挂网")
    assert Notification.objects.filter(kind="blueprint_reply", recipient=city.user("city_commander")).exists()
    with pytest.raises(Conflict):
        services.reply_supervision(city.user("village_cadre"), Supervision.objects.get(pk=red.pk), reply="再次")
    # the node done: supervision closed, the project's colour clears
    services.complete_milestone(city.user("village_cadre"), m)
    a1.refresh_from_db()
    assert a1.flag == "" and not Supervision.objects.filter(closed_at=None).exists()
    assert set(AuditRecord.objects.filter(action__startswith="blueprint.").values_list("action", flat=True)) >= {
        "blueprint.create", "blueprint.milestone_add", "blueprint.supervise", "blueprint.reply",
        "blueprint.milestone_done"}


def test_a_project_is_not_reported_done_with_open_milestones(city, tree):
    _, a1, _ = tree
    services.add_milestone(city.user("town_commander"), a1, title="验收", due_on=date(YEAR, 12, 1))
    with pytest.raises(Conflict, match="未完成的时间节点"):
        services.report_progress(city.user("village_cadre"), a1, progress=100, note="完工")
    with pytest.raises(ValidationFailed, match="项目周期内"):
        services.add_milestone(city.user("town_commander"), a1, title="x", due_on=date(YEAR + 1, 1, 5))


def test_two_writers_on_one_project_one_wins(city, tree):
    _, a1, _ = tree
    stale = Project.objects.get(pk=a1.pk)
    services.report_progress(city.user("village_cadre"), Project.objects.get(pk=a1.pk), progress=10, note="一")
    with pytest.raises(Conflict):
        services.report_progress(city.user("village_cadre"), stale, progress=20, note="二")
    assert Project.objects.get(pk=a1.pk).progress == Decimal("10.00")


def test_the_sweep_leaves_done_nodes_alone(city, tree):
    _, a1, _ = tree
    m = services.add_milestone(city.user("town_commander"), a1, title="设计", due_on=date(YEAR, 2, 1))
    with time_machine.travel(date(YEAR, 1, 30)):
        services.complete_milestone(city.user("village_cadre"), m)
    with time_machine.travel(date(YEAR, 2, 1) + timedelta(days=40)):
        assert services.sweep_overdue() == []
