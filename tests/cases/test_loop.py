"""The loop with the real roles: return and re-dispatch, extension, suspension, rework, rating,
on-the-spot resolution and escalation."""

from datetime import timedelta

import pytest

from jishi.cases import services
from jishi.cases.models import Attachment, Case, CaseAssignment
from jishi.core.errors import Conflict, PermissionDenied, ValidationFailed
from jishi.notify.models import Notification
from tests.cases.conftest import JPEG, PNG, walk_to


def test_a_patrol_case_goes_from_report_to_close_with_a_timeline_and_notifications(city, report):
    case = walk_to(city, report(), "closed")
    assert case.state == "closed" and case.closed_at and case.verified_at and case.acknowledged_at
    events = list(case.events.order_by("at", "id"))
    assert [e.verb for e in events] == ["report", "accept", "dispatch", "acknowledge", "handle", "verify", "close"]
    assert [(e.from_state, e.to_state) for e in events][3] == ("dispatched", "in_progress")
    assert events[3].actor == city.user("dept_urban") and events[3].actor_role == "department_handler"
    assert events[4].attachments.count() == 1
    assert Notification.objects.filter(recipient=city.user("dept_urban"), kind="case.dispatched").count() == 1
    assert Notification.objects.filter(recipient=city.user("grid_worker"), kind="case.handled").count() == 1


def test_reject_needs_a_reason_and_is_final(city, report):
    case = report()
    with pytest.raises(ValidationFailed):
        services.reject(city.user("grid_leader"), case, reason=" ")
    services.reject(city.user("grid_leader"), case, reason="重复上报")
    with pytest.raises(Conflict):
        services.accept(city.user("town_commander"), case)


def test_a_wrong_assignment_is_returned_with_a_reason_and_dispatched_again(city, report):
    case = walk_to(city, report(), "dispatched")
    with pytest.raises(ValidationFailed):
        services.return_case(city.user("dept_urban"), case, reason="")
    services.return_case(city.user("dept_urban"), case, reason="河道问题属水利局")
    assert case.state == "returned" and case.handling_department is None
    assert Notification.objects.filter(recipient=city.user("town_commander"), kind="case.returned").exists()
    services.dispatch(city.user("town_commander"), case, department="D02")
    with pytest.raises(PermissionDenied):
        services.acknowledge(city.user("dept_urban"), case)
    services.acknowledge(city.user("dept_water"), case)
    assert case.state == "in_progress"
    rows = list(CaseAssignment.objects.filter(case=case).values_list("department__code", "is_active"))
    assert rows == [("D01", False), ("D02", True)]
    # The department that returned it still sees its history; the new one sees it too.
    assert [e.verb for e in case.events.all()][-3:] == ["return", "dispatch", "acknowledge"]


def test_an_extension_needs_the_commanders_approval_and_is_granted_only_once(city, report):
    case = walk_to(city, report(), "in_progress")
    due = case.handle_due_at
    services.request_extension(city.user("dept_urban"), case, days=3, reason="需要采购配件")
    with pytest.raises(PermissionDenied):
        services.extend(city.user("dept_urban"), case)
    services.extend(city.user("town_commander"), case, note="同意")
    case.refresh_from_db()
    assert case.extension_count == 1 and case.handle_due_at > due + timedelta(days=2)
    with pytest.raises(Conflict, match="一次"):
        services.request_extension(city.user("dept_urban"), case, days=2, reason="还要再等")
    with pytest.raises(Conflict):
        services.extend(city.user("town_commander"), case)


def test_a_refused_extension_keeps_the_due_time_and_allows_a_new_request(city, report):
    case = walk_to(city, report(), "in_progress")
    due = case.handle_due_at
    services.request_extension(city.user("dept_urban"), case, days=3, reason="理由")
    services.extend(city.user("town_commander"), case, approve=False, note="不同意")
    case.refresh_from_db()
    assert case.extension_count == 0 and case.handle_due_at == due and case.extension_requested_days == 0


def test_suspend_and_resume_return_to_the_previous_state(city, report):
    case = walk_to(city, report(), "in_progress")
    services.suspend(city.user("town_commander"), case, reason="等待法院判决")
    assert case.state == "suspended"
    with pytest.raises(Conflict):
        services.handle(city.user("dept_urban"), case, note="x")
    services.resume(city.user("town_commander"), case)
    assert case.state == "in_progress" and case.suspended_from == ""


def test_close_needs_a_passed_verification(city, report):
    case = walk_to(city, report(), "handled")
    with pytest.raises(Conflict, match="核查"):
        services.close(city.user("town_commander"), case)


def test_reopen_and_failed_verification_count_as_rework(city, report):
    case = walk_to(city, report(), "closed")
    services.reopen(city.user("town_commander"), case, reason="垃圾又出现了")
    assert case.state == "in_progress" and case.rework_count == 1 and case.closed_at is None
    services.handle(city.user("dept_urban"), case, note="再次清理")
    with pytest.raises(ValidationFailed):
        services.verify(city.user("grid_worker"), case, passed=False)
    services.verify(city.user("grid_worker"), case, passed=False, note="未清理干净")
    assert case.state == "in_progress" and case.rework_count == 2
    assert Case.objects.get(pk=case.pk).rework_count == 2


def test_the_reporter_rates_and_an_unsatisfied_rating_reopens_as_rework(city, report):
    case = walk_to(city, report("resident", channel="resident"), "closed")
    with pytest.raises(PermissionDenied):
        services.rate(city.user("grid_worker"), case, rating="satisfied")
    with pytest.raises(ValidationFailed):
        services.rate(city.user("resident"), case, rating="great")
    services.rate(city.user("resident"), case, rating="unsatisfied", note="还是很脏")
    assert case.state == "in_progress" and case.rework_count == 1 and case.rating == ""
    assert case.events.get(verb="rate").data == {"rating": "unsatisfied", "rework": True, "by": "reporter"}
    services.handle(city.user("dept_urban"), case, note="第三次清理")
    services.verify(city.user("resident"), case, passed=True)
    services.close(city.user("town_commander"), case)
    services.rate(city.user("resident"), case, rating="satisfied")
    assert case.state == "closed" and case.rating == "satisfied"
    with pytest.raises(Conflict, match="已评价"):
        services.rate(city.user("resident"), case, rating="basic")


def test_a_grid_worker_resolves_a_small_problem_on_the_spot_with_before_and_after_photos(city, report):
    case = report(photos=[JPEG])
    with pytest.raises(ValidationFailed, match="处置后"):
        services.resolve_on_spot(city.user("grid_worker"), case, note="已清理")
    assert Case.objects.get(pk=case.pk).state == "reported"
    with pytest.raises(PermissionDenied):
        services.resolve_on_spot(city.user("grid_worker_b"), case, after=[PNG])
    services.resolve_on_spot(city.user("grid_worker"), case, after=[PNG], note="已清理")
    assert case.state == "closed" and case.resolved_on_spot and case.closed_at
    assert set(Attachment.objects.filter(case=case).values_list("kind", flat=True)) == {"photo", "after"}


def test_escalation_goes_village_to_town_to_city_and_keeps_the_history(city, report):
    case = report()
    assert case.command_level == "village"
    services.accept(city.user("village_cadre"), case)
    services.escalate(city.user("village_cadre"), case, reason="村里无法协调")
    assert case.command_level == "town"
    with pytest.raises(PermissionDenied):
        services.dispatch(city.user("village_cadre"), case, department="D01")
    services.escalate(city.user("town_commander"), case, reason="跨镇问题")
    assert case.command_level == "city"
    with pytest.raises(PermissionDenied):
        services.dispatch(city.user("town_commander"), case, department="D01")
    with pytest.raises(Conflict, match="市级"):
        services.escalate(city.user("city_commander"), case, reason="再上报")
    services.dispatch(city.user("city_commander"), case, department="D01")
    levels = [e.data.get("to_level") for e in case.events.filter(verb="escalate")]
    assert levels == ["town", "city"]
    assert [e.verb for e in case.events.all()] == ["report", "accept", "escalate", "escalate", "dispatch"]


def test_a_village_handles_a_case_itself_when_dispatched_to_the_village(city, report):
    case = report()
    services.accept(city.user("village_cadre"), case)
    services.dispatch(city.user("village_cadre"), case, region=city.regions["A1"])
    with pytest.raises(PermissionDenied):
        services.acknowledge(city.user("dept_urban"), case)
    services.acknowledge(city.user("village_cadre"), case)
    services.handle(city.user("village_cadre"), case, note="村两委上门调解")
    assert case.state == "handled"


def test_a_case_can_only_be_dispatched_to_its_own_village_or_town(city, report):
    case = services.accept(city.user("town_commander"), report())
    with pytest.raises(ValidationFailed, match="所在"):
        services.dispatch(city.user("town_commander"), case, region=city.regions["B"])
    assert Case.objects.get(pk=case.pk).state == "accepted"
