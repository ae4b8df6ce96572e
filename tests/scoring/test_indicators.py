"""Each indicator's numerator and denominator on hand-built cases driven through the real loop,
including the edge cases: returned then re-dispatched, extended, reopened, whistled to two
departments, suspended."""

import pytest

from jishi.cases import services
from jishi.scoring.indicators import INDICATORS, cases_behind, compute
from jishi.scoring.periods import Month
from jishi.scoring.stats import wilson
from tests.scoring.conftest import JPEG, at

OCT = Month(2026, 10)


def figures(unit_type, unit_id, month=OCT):
    return next(u for u in compute(unit_type, month) if u.unit_id == unit_id).figures


def pair(figs, key):
    return (figs[key].num, figs[key].den)


def drill(key, part, unit_type, unit_id, month=OCT):
    return set(cases_behind(INDICATORS[key], part, unit_type, unit_id, month).values_list("pk", flat=True))


def to_department(city, case, dept="urban", commander="town_commander"):
    services.accept(city.user(commander), case)
    return services.dispatch(city.user(commander), case, department=city.departments[dept])


def finish(city, case, dept_user="dept_urban", commander="town_commander", verifier="grid_worker"):
    services.handle(city.user(dept_user), case, note="已处置", files=[JPEG])
    services.verify(city.user(verifier), case, passed=True)
    return services.close(city.user(commander), case)


def test_a_case_handled_on_time_counts_in_every_rate_of_its_department_and_region(city, report, clock):
    case = to_department(city, report())
    clock.move_to(at(2026, 10, 12, 10, 0))
    services.acknowledge(city.user("dept_urban"), case)
    clock.move_to(at(2026, 10, 13, 10, 0))
    finish(city, case)
    dept = figures("department", city.departments["urban"].pk)
    assert dept["received"].num == 1
    assert pair(dept, "response_rate") == (1, 1)
    assert pair(dept, "ack_on_time_rate") == (1, 1)
    assert pair(dept, "closure_rate") == (1, 1)
    assert pair(dept, "on_time_closure_rate") == (1, 1)
    assert pair(dept, "rework_rate") == (0, 1)
    assert dept["overdue"].num == 0
    town = figures("town", city.regions["A"].pk)
    assert town["received"].num == 1 and pair(town, "closure_rate") == (1, 1)
    assert figures("town", city.regions["B"].pk)["received"].num == 0
    assert drill("closure_rate", "numerator", "department", city.departments["urban"].pk) == {case.pk}


def test_a_returned_then_redispatched_case_counts_only_for_the_department_that_took_it(city, report, clock):
    case = to_department(city, report(), dept="water")
    services.return_case(city.user("dept_water"), case, reason="不属于水利职责")
    services.dispatch(city.user("town_commander"), case, department=city.departments["urban"])
    services.acknowledge(city.user("dept_urban"), case)
    water = figures("department", city.departments["water"].pk)
    urban = figures("department", city.departments["urban"].pk)
    assert water["received"].num == 0 and pair(water, "response_rate") == (0, 0)
    assert urban["received"].num == 1 and pair(urban, "response_rate") == (1, 1)
    assert drill("received", "numerator", "department", city.departments["urban"].pk) == {case.pk}


def test_an_approved_extension_moves_the_due_time_so_a_late_closing_is_on_time(city, report, clock):
    case = to_department(city, report())
    services.acknowledge(city.user("dept_urban"), case)
    first_due = case.handle_due_at
    services.request_extension(city.user("dept_urban"), case, days=3, reason="需协调施工")
    services.extend(city.user("town_commander"), case, approve=True)
    case.refresh_from_db()
    assert case.handle_due_at > first_due
    clock.move_to(first_due.replace(hour=first_due.hour) + (case.handle_due_at - first_due) / 2)
    finish(city, case)
    urban = figures("department", city.departments["urban"].pk)
    assert pair(urban, "on_time_closure_rate") == (1, 1)
    assert urban["overdue"].num == 0


def test_a_late_closing_is_overdue_and_not_on_time(city, report, clock):
    case = to_department(city, report())
    services.acknowledge(city.user("dept_urban"), case)
    clock.move_to(case.handle_due_at.astimezone(at(2026, 1, 1).tzinfo).replace(hour=20))
    finish(city, case)
    urban = figures("department", city.departments["urban"].pk)
    assert pair(urban, "on_time_closure_rate") == (0, 1)
    assert pair(urban, "closure_rate") == (1, 1)
    assert urban["overdue"].num == 1
    assert drill("overdue", "numerator", "department", city.departments["urban"].pk) == {case.pk}


def test_a_reopened_case_counts_as_rework_when_it_closes_again(city, report, clock):
    case = to_department(city, report())
    services.acknowledge(city.user("dept_urban"), case)
    finish(city, case)
    services.reopen(city.user("town_commander"), case, reason="群众反映仍有垃圾")
    urban = figures("department", city.departments["urban"].pk)
    assert pair(urban, "on_time_closure_rate") == (0, 0)  # reopened: not closed now
    clock.move_to(at(2026, 10, 13, 9, 0))
    finish(city, case)
    urban = figures("department", city.departments["urban"].pk)
    assert pair(urban, "rework_rate") == (1, 1)
    assert drill("rework_rate", "numerator", "department", city.departments["urban"].pk) == {case.pk}


def test_a_whistle_to_two_departments_scores_each_departments_report_in(city, report, clock):
    case = report(category="0902", title="小区污水直排河道")
    services.accept(city.user("village_cadre"), case)
    services.dispatch(city.user("village_cadre"), case, region=city.regions["A1"])
    services.acknowledge(city.user("village_cadre"), case)
    services.whistle(city.user("village_cadre"), case, departments=["D01", "D02"], lead="D02", reason="联合执法")
    services.report_in(city.user("dept_water"), case)
    clock.move_to(at(2026, 10, 14, 9, 0))  # two days later: past the 2 working hours
    services.report_in(city.user("dept_urban"), case)
    urban = figures("department", city.departments["urban"].pk)
    water = figures("department", city.departments["water"].pk)
    assert pair(water, "report_in_rate") == (1, 1)
    assert pair(urban, "report_in_rate") == (0, 1)
    assert drill("report_in_rate", "denominator", "department", city.departments["urban"].pk) == {case.pk}
    assert drill("report_in_rate", "numerator", "department", city.departments["urban"].pk) == set()
    assert water["received"].num == 1 and urban["received"].num == 0  # the lead holds the case


def test_a_suspended_case_is_neither_due_nor_overdue(city, report, clock):
    case = to_department(city, report())
    services.acknowledge(city.user("dept_urban"), case)
    services.suspend(city.user("town_commander"), case, reason="等待法院裁定")
    clock.move_to(at(2026, 10, 30, 20, 0))
    urban = figures("department", city.departments["urban"].pk)
    assert pair(urban, "overdue_rate") == (0, 0)
    assert pair(urban, "closure_rate") == (0, 1)  # received and taken up, not closed (jishi.cases.figures)
    assert urban["overdue"].num == 0


def test_basic_satisfaction_counts_at_its_weight(city, report, clock):
    ratings = ["satisfied", "basic", "unsatisfied"]
    for r in ratings:
        case = to_department(city, report(who="resident", channel="resident"))
        services.acknowledge(city.user("dept_urban"), case)
        finish(city, case)
        services.rate(city.user("resident"), case, rating=r)
    town = figures("town", city.regions["A"].pk)
    sat = town["satisfaction_rate"]
    assert (sat.num, sat.partial, sat.den) == (2, 1, 3)
    assert sat.value == pytest.approx((1 + 0.8) / 3)
    low, high = sat.interval
    assert low < sat.value < high
    from jishi.cases.figures import BASIC_WEIGHT

    assert sat.weight == BASIC_WEIGHT  # one weight, defined once (jishi.cases.figures), for every scheme


def test_a_grid_workers_valid_reports_are_those_accepted(city, report, clock):
    good = report()
    services.accept(city.user("town_commander"), good)
    bad = report(title="重复上报")
    services.reject(city.user("town_commander"), bad, reason="重复")
    report(title="尚未处理")
    worker = city.user("grid_worker").pk
    figs = figures("grid_worker", worker)
    assert figs["received"].num == 3
    assert pair(figs, "valid_report_rate") == (1, 2)
    assert drill("valid_report_rate", "denominator", "grid_worker", worker) == {good.pk, bad.pk}


def test_cases_outside_the_month_are_not_counted(city, report, clock):
    to_department(city, report())
    assert figures("department", city.departments["urban"].pk, Month(2026, 9))["received"].num == 0
    assert figures("department", city.departments["urban"].pk, Month(2026, 11))["received"].num == 0


def test_wilson_interval_brackets_the_rate_and_narrows_with_volume():
    assert wilson(0, 0) is None
    lo5, hi5 = wilson(4, 5)
    lo500, hi500 = wilson(400, 500)
    assert lo5 < 0.8 < hi5 and lo500 < 0.8 < hi500
    assert (hi500 - lo500) < (hi5 - lo5)
    assert wilson(5, 5)[1] == pytest.approx(1.0)
