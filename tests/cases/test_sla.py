"""Time limits over a statutory holiday and a make-up working day, and the supervision sweep."""

from datetime import datetime

import pytest
import time_machine

from jishi.cases import services
from jishi.cases.models import Case, Supervision
from jishi.cases.sla import sweep
from jishi.core.calendar import TZ
from jishi.core.errors import PermissionDenied
from jishi.notify.models import Notification


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


def _dispatched(city, report, when: datetime, category: str = "0101"):
    with time_machine.travel(when, tick=False):
        case = report(category=category)
        services.accept(city.user("town_commander"), case)
        services.dispatch(city.user("town_commander"), case, department="D01")
    return case


def test_the_handle_limit_skips_the_national_day_holiday(city, report):
    case = _dispatched(city, report, at(2026, 9, 30, 10, 0))  # 暴露垃圾: 2 working hours, 1 working day
    assert case.ack_due_at == at(2026, 9, 30, 12, 0)
    assert case.handle_due_at == at(2026, 10, 8, 17, 30)


def test_the_make_up_saturday_counts_as_a_working_day(city, report):
    case = _dispatched(city, report, at(2026, 10, 9, 16, 0))
    assert case.ack_due_at == at(2026, 10, 10, 9, 0)
    assert case.handle_due_at == at(2026, 10, 10, 17, 30)


def test_limits_before_spring_festival_run_into_the_make_up_saturday_and_past_the_holiday(city, report):
    case = _dispatched(city, report, at(2026, 2, 13, 17, 0), category="0106")  # 3 working days
    assert case.ack_due_at == at(2026, 2, 14, 10, 0)
    assert case.handle_due_at == at(2026, 2, 25, 17, 30)  # Sat 14th, Tue 24th, Wed 25th


def test_urgent_cases_count_clock_hours(city, report):
    with time_machine.travel(at(2026, 10, 1, 20, 0), tick=False):
        case = report(category="0402", title="燃气泄漏")
    assert case.priority == "urgent"
    assert case.handle_due_at == at(2026, 10, 1, 22, 0)


def test_the_sweep_raises_yellow_then_red_once_each_and_is_idempotent(city, report):
    case = _dispatched(city, report, at(2026, 9, 30, 10, 0))
    with time_machine.travel(at(2026, 9, 30, 11, 30), tick=False):
        first = sweep()
        assert sweep().created == []
    assert first.yellow == 1 and first.red == 0
    assert Case.objects.get(pk=case.pk).supervision_level == "yellow"
    with time_machine.travel(at(2026, 9, 30, 12, 1), tick=False):
        assert sweep().red == 1
        assert sweep().created == []
    assert Case.objects.get(pk=case.pk).supervision_level == "red"
    kinds = list(Supervision.objects.filter(case=case).order_by("id").values_list("kind", "level"))
    assert kinds == [("acknowledge", "yellow"), ("acknowledge", "red")]
    handler_notes = Notification.objects.filter(recipient=city.user("dept_urban"), kind="case.supervision")
    # commanders: one digest a day per card colour instead of one notice per case (its lines the cases)
    superior_notes = Notification.objects.filter(recipient=city.user("city_commander"),
                                                 kind__startswith="case.supervision_digest")
    assert handler_notes.count() == 2 and superior_notes.count() == 2
    assert all(case.number in n.body for n in superior_notes)

    with time_machine.travel(at(2026, 10, 8, 9, 0), tick=False):
        services.acknowledge(city.user("dept_urban"), Case.objects.get(pk=case.pk))
    with time_machine.travel(at(2026, 10, 8, 17, 31), tick=False):
        result = sweep()
        assert sweep().created == [] and sweep().created == []
    assert result.red == 1
    assert Supervision.objects.filter(case=case, kind="handle", level="red").count() == 1
    assert case.events.filter(verb="supervise").count() == 3


def test_the_sweep_finds_nothing_while_limits_are_far_and_ignores_suspended_cases(city, report):
    case = _dispatched(city, report, at(2026, 9, 30, 10, 0))
    with time_machine.travel(at(2026, 9, 30, 10, 5), tick=False):
        assert sweep().created == []
        services.suspend(city.user("town_commander"), Case.objects.get(pk=case.pk), reason="等待鉴定")
    with time_machine.travel(at(2026, 10, 20, 10, 0), tick=False):
        assert sweep().created == []


def test_a_whistled_department_that_does_not_report_in_is_supervised(city, report):
    with time_machine.travel(at(2026, 11, 23, 9, 0), tick=False):
        case = services.accept(city.user("town_commander"), report())
        services.whistle(city.user("town_commander"), case, departments=["D01", "D02"], reason="联合整治")
        services.report_in(city.user("dept_urban"), case)
    with time_machine.travel(at(2026, 11, 23, 11, 1), tick=False):
        sweep()
    rows = list(Supervision.objects.filter(case=case, kind="report_in").values_list("department__code", "level"))
    assert rows == [("D02", "red")]


def test_resuming_a_suspended_case_moves_its_due_time_by_the_office_time_it_was_suspended(city, report):
    case = _dispatched(city, report, at(2026, 11, 23, 9, 0))  # Monday
    due = case.handle_due_at  # Tuesday 17:30
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False):
        services.suspend(city.user("town_commander"), case, reason="等待鉴定")
    with time_machine.travel(at(2026, 11, 23, 14, 0), tick=False):  # 2.5 office hours later
        services.resume(city.user("town_commander"), case)
    assert case.handle_due_at == at(2026, 11, 25, 11, 0) and due == at(2026, 11, 24, 17, 30)


def test_a_commander_supervises_by_hand_with_a_note(city, report):
    case = _dispatched(city, report, at(2026, 11, 23, 9, 0))
    with pytest.raises(PermissionDenied):
        services.supervise(city.user("resident"), case, note="快点")
    services.supervise(city.user("city_commander"), case, note="群众反映强烈，请今日办结")
    s = Supervision.objects.get(case=case)
    assert (s.kind, s.level, s.by, s.department.code) == ("manual", "red", city.user("city_commander"), "D01")
    assert Notification.objects.filter(recipient=city.user("dept_urban"), kind="case.supervise").exists()
    assert case.state == "dispatched" and case.events.last().verb == "supervise"


def test_the_sweep_command_reports_what_it_did_and_creates_nothing_the_second_time(city, report, capsys):
    from django.core.management import call_command

    _dispatched(city, report, at(2026, 9, 30, 10, 0))
    with time_machine.travel(at(2026, 10, 9, 9, 0), tick=False):
        call_command("sweep_cases")
        first = capsys.readouterr().out
        call_command("sweep_cases")
        second = capsys.readouterr().out
    assert "新增督办 2 条" in first and "新增督办 0 条" in second
