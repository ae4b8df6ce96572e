"""Whistle and report-in (吹哨报到): a village names departments, one leads, each reports in, and
the case closes only when the lead's handling is verified."""

import pytest

from jishi.cases import services
from jishi.cases.models import Case, CaseAssignment, Whistle
from jishi.core.errors import Conflict, PermissionDenied, ValidationFailed
from jishi.notify.models import Notification
from tests.scope_helpers import visible


def _village_holds(city, report):
    case = report(category="0902", title="小区污水直排河道")
    services.accept(city.user("village_cadre"), case)
    services.dispatch(city.user("village_cadre"), case, region=city.regions["A1"])
    services.acknowledge(city.user("village_cadre"), case)
    return case


def test_a_village_whistles_two_departments_and_the_lead_is_verified_before_closing(city, report):
    case = _village_holds(city, report)
    with pytest.raises(ValidationFailed):
        services.whistle(city.user("village_cadre"), case, departments=[], reason="需要部门支援")
    services.whistle(city.user("village_cadre"), case, departments=["D01", "D02"], lead="D02", reason="污水直排需联合执法")
    assert case.state == "dispatched" and case.handling_department.code == "D02"
    w = Whistle.objects.get(case=case)
    assert w.region == city.regions["A1"]
    roles = dict(CaseAssignment.objects.filter(case=case, is_active=True).values_list("department__code", "role"))
    assert roles == {"D01": "assist", "D02": "lead"}
    assert Notification.objects.filter(recipient=city.user("dept_urban"), kind="case.whistle").exists()
    assert case.pk in visible(Case.objects.all(), city.user("dept_urban")).values_list("pk", flat=True)

    services.report_in(city.user("dept_urban"), case, note="城管中队已到场")
    assert case.state == "dispatched"  # the assisting unit reporting in does not start the handling
    with pytest.raises(PermissionDenied):
        services.report_in(city.user("dept_urban"), case)
    services.report_in(city.user("dept_water"), case, note="水利站到场")
    assert case.state == "in_progress"
    with pytest.raises(PermissionDenied):
        services.handle(city.user("dept_urban"), case, note="协办单位不能办结")
    services.handle(city.user("dept_water"), case, note="已封堵排口")
    with pytest.raises(Conflict, match="核查"):
        services.close(city.user("village_cadre"), case)
    services.verify(city.user("grid_worker"), case, passed=True)
    services.close(city.user("village_cadre"), case)
    assert case.state == "closed"
    verbs = [e.verb for e in case.events.all()]
    assert verbs == ["report", "accept", "dispatch", "acknowledge", "whistle", "report_in", "report_in", "handle",
                     "verify", "close"]
    assert all(a.acknowledged_at for a in CaseAssignment.objects.filter(case=case, source="whistle"))


def test_a_department_not_named_in_the_whistle_cannot_report_in(city, report):
    case = _village_holds(city, report)
    services.whistle(city.user("village_cadre"), case, departments=["D02"], reason="需水利支援")
    with pytest.raises(PermissionDenied):
        services.report_in(city.user("dept_urban"), case)


def test_a_town_whistles_a_case_it_has_accepted(city, report):
    case = services.accept(city.user("town_commander"), report())
    services.whistle(city.user("town_commander"), case, departments=[city.departments["urban"]], reason="占道严重")
    assert case.command_level == "town" and Whistle.objects.get(case=case).region == city.regions["A"]
    services.report_in(city.user("dept_urban"), case)
    assert case.state == "in_progress"


def test_a_case_handled_by_a_department_cannot_be_whistled(city, report):
    case = services.accept(city.user("town_commander"), report())
    services.dispatch(city.user("town_commander"), case, department="D01")
    services.acknowledge(city.user("dept_urban"), case)
    with pytest.raises(Conflict, match="督办"):
        services.whistle(city.user("town_commander"), case, departments=["D02"], reason="再叫水利")
