"""The transition table and its enforcement: illegal steps are refused and change nothing."""

import pytest

from jishi.cases import services
from jishi.cases.models import Case, CaseEvent
from jishi.cases.workflow import TRANSITIONS, Transition, validate_table
from jishi.core.errors import Conflict, PermissionDenied
from jishi.core.models import AuditRecord
from tests.cases.conftest import JPEG, walk_to

ARGS = {
    "reject": {"reason": "不属实"}, "dispatch": {}, "return": {"reason": "非本部门职责"},
    "handle": {"note": "已处置"}, "request_extension": {"days": 3, "reason": "需采购材料"}, "extend": {},
    "suspend": {"reason": "等待司法结论"}, "verify": {"passed": True}, "rate": {"rating": "satisfied"},
    "reopen": {"reason": "复发"}, "resolve_on_spot": {"before": [JPEG], "after": [JPEG]},
    "whistle": {"departments": ["D01"], "reason": "需多部门联合"}, "supervise": {"note": "请加快"},
    "escalate": {"reason": "本级无法解决"},
}


def test_the_table_declares_every_verb_of_the_design_and_each_has_a_service():
    design = {"report", "accept", "reject", "dispatch", "acknowledge", "return", "handle", "extend", "suspend",
              "resume", "verify", "close", "rate", "reopen", "resolve_on_spot", "whistle", "report_in", "supervise",
              "escalate"}
    assert design <= set(TRANSITIONS)
    assert set(services.VERB_FUNCTIONS) | {"report"} == set(TRANSITIONS)


def test_a_malformed_table_is_refused_at_import():
    bad = dict(TRANSITIONS)
    bad["accept"] = Transition("accept", "立案", frozenset({"commander"}), frozenset({"nowhere"}), ("accepted",))
    with pytest.raises(ValueError, match="unknown from-state"):
        validate_table(bad)
    bad["accept"] = Transition("accept", "立案", frozenset({"janitor"}), frozenset({"reported"}), ("accepted",))
    with pytest.raises(ValueError, match="unknown relation"):
        validate_table(bad)


def _snapshot(case):
    return (Case.objects.filter(pk=case.pk).values("state", "version", "updated_at").get(),
            CaseEvent.objects.filter(case=case).count(), AuditRecord.objects.count())


@pytest.mark.parametrize("state", ["reported", "accepted", "dispatched", "in_progress", "handled", "closed"])
def test_every_verb_not_allowed_from_a_state_is_refused_with_conflict_and_changes_nothing(city, report, state):
    case = walk_to(city, report(), state) if state != "reported" else report()
    actor = city.user("admin")
    illegal = [v for v, t in TRANSITIONS.items() if v != "report" and not t.allows_from(state)]
    assert illegal
    for verb in illegal:
        before = _snapshot(case)
        with pytest.raises(Conflict) as err:
            services.act(actor, Case.objects.get(pk=case.pk), verb, **ARGS.get(verb, {}))
        assert "不能" in err.value.message
        assert _snapshot(case) == before, verb


def test_the_wrong_person_is_refused_and_nothing_changes(city, report):
    case = report()
    for who in ("resident", "dept_urban", "grid_worker", "town_commander_b", "nobody"):
        before = _snapshot(case)
        with pytest.raises(PermissionDenied):
            services.accept(city.user(who), Case.objects.get(pk=case.pk))
        assert _snapshot(case) == before
    case = walk_to(city, Case.objects.get(pk=case.pk), "dispatched")
    with pytest.raises(PermissionDenied):
        services.acknowledge(city.user("dept_water"), case)
    with pytest.raises(PermissionDenied):
        services.acknowledge(city.user("town_commander"), case)


def test_a_stale_copy_loses_with_a_conflict(city, report):
    case = walk_to(city, report(), "dispatched")
    stale = Case.objects.get(pk=case.pk)
    services.acknowledge(city.user("dept_urban"), case)
    stale.state = "dispatched"
    with pytest.raises(Conflict, match="已被他人处理"):
        services.return_case(city.user("dept_urban"), stale, reason="不是我们的")
    assert Case.objects.get(pk=case.pk).state == "in_progress"


def test_available_verbs_follow_the_table_and_the_actor(city, report):
    case = report()
    assert set(services.available_verbs(city.user("town_commander"), case)) >= {"accept", "reject", "escalate"}
    assert services.available_verbs(city.user("resident"), case) == []
    assert "resolve_on_spot" in services.available_verbs(city.user("grid_worker"), case)
    case = walk_to(city, case, "dispatched")
    assert set(services.available_verbs(city.user("dept_urban"), case)) == {"acknowledge", "return"}


def test_timeline_rows_cannot_be_changed_or_deleted(city, report):
    event = report().events.get()
    event.note = "改写历史"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_the_admin_edits_categories_but_shows_cases_read_only(city, report, client):
    case = report()
    client.force_login(city.user("admin"))
    assert client.get(f"/admin/cases/case/{case.pk}/change/").status_code == 200
    assert client.post(f"/admin/cases/case/{case.pk}/change/", {"state": "closed"}).status_code == 403
    assert Case.objects.get(pk=case.pk).state == "reported"
    assert client.get("/admin/cases/category/").status_code == 200
