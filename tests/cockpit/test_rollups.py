"""The incremental rollups equal a recomputation from the raw cases after any sequence of actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jishi.cases import services, sla
from jishi.cases.models import Case
from jishi.cockpit.models import CaseMark, DailyRollup
from jishi.cockpit.rollups import rebuild, recompute, stored
from jishi.core.errors import ServiceError
from tests.cases.conftest import JPEG


def _nonzero(d: dict) -> dict:
    return {k: v for k, v in d.items() if any(v.values())}


def _actions(city):
    tc, cc, dept, gw, gl = (city.user(k) for k in ("town_commander", "city_commander", "dept_urban", "grid_worker",
                                                    "grid_leader"))
    return {
        "accept": lambda c: services.accept(tc, c),
        "reject": lambda c: services.reject(gl, c, reason="重复"),
        "dispatch": lambda c: services.dispatch(tc, c, department=city.departments["urban"]),
        "acknowledge": lambda c: services.acknowledge(dept, c),
        "return": lambda c: services.return_case(dept, c, reason="非本部门职责"),
        "handle": lambda c: services.handle(dept, c, note="已处置", files=[JPEG]),
        "verify_ok": lambda c: services.verify(gw, c, passed=True, note="好"),
        "verify_bad": lambda c: services.verify(gw, c, passed=False, note="未完成"),
        "close": lambda c: services.close(tc, c),
        "reopen": lambda c: services.reopen(tc, c, reason="群众反映未解决"),
        "resolve": lambda c: services.resolve_on_spot(gw, c, before=[JPEG], after=[JPEG]),
        "supervise": lambda c: services.supervise(cc, c, note="请加快"),
        "whistle": lambda c: services.whistle(tc, c, departments=[city.departments["water"]], reason="多部门"),
        "suspend": lambda c: services.suspend(tc, c, reason="等待天气"),
        "resume": lambda c: services.resume(tc, c),
    }


VERBS = ["accept", "reject", "dispatch", "acknowledge", "return", "handle", "verify_ok", "verify_bad", "close",
         "reopen", "resolve", "supervise", "whistle", "suspend", "resume"]
steps = st.lists(st.one_of(
    st.tuples(st.just("report"), st.sampled_from(["A1a1", "A2b2", "B1a1"]), st.sampled_from(["0101", "0102"])),
    st.tuples(st.sampled_from(VERBS), st.integers(0, 5), st.just("")),
    st.tuples(st.just("sweep"), st.integers(0, 10), st.just("")),
), min_size=1, max_size=25)


@pytest.mark.django_db
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=steps)
def test_rollups_equal_a_recomputation_after_random_case_actions(city, report, steps):
    Case.objects.all().delete()
    DailyRollup.objects.all().delete()
    CaseMark.objects.all().delete()
    actions = _actions(city)
    cases: list[Case] = []
    for verb, arg, extra in steps:
        try:
            if verb == "report":
                cases.append(report(where=arg, category=extra))
            elif verb == "sweep":
                sla.sweep(timezone.now() + timedelta(days=arg))
            elif cases:
                case = Case.objects.get(pk=cases[arg % len(cases)].pk)
                actions[verb](case)
        except ServiceError:
            pass  # an illegal step is refused and changes nothing
    assert stored() == _nonzero(recompute())


def test_a_rebuild_reproduces_the_incremental_rollups(city, report):
    c1 = report()
    from tests.cases.conftest import walk_to

    walk_to(city, c1, "closed")
    report(where="B1a1")
    incremental = stored()
    assert sum(v["received"] for k, v in incremental.items() if k[0] == "g") == 2
    assert sum(v["closed"] for k, v in incremental.items() if k[0] == "t") == 1
    rebuild()
    assert stored() == incremental


def test_rebuild_rollups_command_checks_and_rebuilds(city, report, capsys):
    report()
    DailyRollup.objects.all().delete()
    with pytest.raises(SystemExit):
        call_command("rebuild_rollups", "--check")
    call_command("rebuild_rollups")
    call_command("rebuild_rollups", "--check")
    assert "differing: 0" in capsys.readouterr().out
