"""Each transition's preconditions are written once (``jishi.cases.guards``): a verb is offered by
``available_verbs`` exactly when its service would carry it out, and a verb its guard refuses is never
offered — for every role of the test city, on cases in every state and in the guards' corner cases."""

from __future__ import annotations

import pytest
from django.db import transaction

from jishi.cases import guards, services
from jishi.cases.models import Case
from jishi.cases.workflow import TRANSITIONS
from jishi.core.errors import Conflict, PermissionDenied
from jishi.org.policy import actor_for_user
from tests.cases.conftest import JPEG, walk_to

# Arguments each verb is given (valid input: what is left to refuse is the table and the guard).
ARGS = {
    "accept": {}, "reject": {"reason": "不属实"}, "dispatch": {"department": "D01"}, "acknowledge": {},
    "return": {"reason": "非本部门职责"}, "handle": {"note": "已处置"}, "request_extension": {"days": 2, "reason": "待料"},
    "extend": {"approve": True}, "suspend": {"reason": "等待上级"}, "resume": {}, "verify": {"passed": True},
    "close": {}, "rate": {"rating": "satisfied"}, "reopen": {"reason": "复发"},
    "resolve_on_spot": {"before": [JPEG], "after": [JPEG]}, "whistle": {"departments": ["D01", "D02"], "reason": "联合"},
    "report_in": {}, "supervise": {"note": "抓紧"}, "escalate": {"reason": "村级无法解决"},
}
assert set(ARGS) | {"report"} == set(TRANSITIONS)
ROLES = ("admin", "city_commander", "town_commander", "town_commander_b", "village_cadre", "grid_leader",
         "grid_worker", "grid_worker_b", "liaison", "dept_urban", "dept_water", "resident", "nobody")


def _performs(actor, case_pk: int, verb: str) -> bool:
    """Whether the service carries ``verb`` out on the case as stored now (rolled back either way)."""
    with transaction.atomic():
        case = Case.objects.select_related("category").get(pk=case_pk)
        try:
            services.act(actor, case, verb, **ARGS[verb])
            done = True
        except (Conflict, PermissionDenied):
            done = False
        transaction.set_rollback(True)
    return done


@pytest.fixture
def cases(city, report):
    tc = city.user("town_commander")
    whistled = services.accept(tc, report())
    services.whistle(tc, whistled, departments=["D01", "D02"], lead="D02", reason="联合处置")
    pending_extension = walk_to(city, report(), "in_progress")
    services.request_extension(city.user("dept_urban"), pending_extension, days=3, reason="待料")
    at_town = services.escalate(tc, services.accept(tc, report()), reason="村级无法解决")  # a village case
    at_city = services.escalate(tc, at_town, reason="镇级无法解决")
    village_held = services.dispatch(tc, services.accept(tc, report()), region=city.regions["A1"])
    rated = walk_to(city, report(), "closed")
    services.rate(city.user("town_commander"), rated, rating="satisfied")  # a 回访
    return {
        "reported": report(), "accepted": walk_to(city, report(), "accepted"),
        "dispatched": walk_to(city, report(), "dispatched"), "whistled": whistled,
        "in_progress": walk_to(city, report(), "in_progress"), "pending_extension": pending_extension,
        "handled_unverified": walk_to(city, report(), "handled"), "verified": walk_to(city, report(), "verified"),
        "closed": walk_to(city, report(), "closed"), "rated": rated, "at_city": at_city,
        "village_held": services.acknowledge(city.user("village_cadre"), village_held),
        "suspended": services.suspend(tc, walk_to(city, report(), "in_progress"), reason="等待"),
    }


def test_a_verb_is_offered_exactly_when_its_service_carries_it_out(city, cases):
    checked = refused_by_guard = 0
    for who in ROLES:
        actor = actor_for_user(city.user(who))
        for name, case in cases.items():
            case = Case.objects.select_related("category").get(pk=case.pk)
            offered = set(services.available_verbs(actor, case))
            for verb, t in TRANSITIONS.items():
                if verb == "report" or not t.allows_from(case.state):
                    assert verb not in offered
                    continue
                refusal = guards.refusal(actor, case, verb)
                if refusal is not None:
                    refused_by_guard += 1
                    assert verb not in offered, (who, name, verb, refusal)
                assert (verb in offered) == _performs(actor, case.pk, verb), (who, name, verb)
                checked += 1
    assert checked > 300 and refused_by_guard > 20  # the corners above are really reached


@pytest.mark.parametrize(("case_name", "who", "verb", "code"), [
    ("handled_unverified", "town_commander", "close", "not_verified"),
    ("whistled", "dept_water", "acknowledge", "report_in_required"),
    ("in_progress", "town_commander", "whistle", "held_by_department"),
    ("in_progress", "town_commander", "escalate", "held_by_department"),
    ("at_city", "city_commander", "escalate", "top_level"),
    ("pending_extension", "dept_urban", "request_extension", "extension_pending"),
    ("in_progress", "town_commander", "extend", "no_extension_request"),
    ("rated", "grid_worker", "rate", "already_rated"),
])
def test_a_guard_refuses_with_its_reason_and_the_verb_is_not_offered(city, cases, case_name, who, verb, code):
    actor = actor_for_user(city.user(who))
    case = Case.objects.select_related("category").get(pk=cases[case_name].pk)
    assert verb not in services.available_verbs(actor, case)
    with pytest.raises(Conflict) as refused:
        services.act(actor, case, verb, **ARGS[verb])
    assert refused.value.code == code
    assert Case.objects.get(pk=case.pk).version == case.version  # nothing changed


def test_act_refuses_arguments_the_verb_does_not_take_but_lets_the_verbs_own_errors_through(city, report,
                                                                                            monkeypatch):
    from jishi.core.errors import ValidationFailed

    case = report()
    with pytest.raises(ValidationFailed) as wrong:
        services.act(city.user("town_commander"), case, "accept", colour="red")
    assert wrong.value.field == "data"
    with pytest.raises(ValidationFailed):
        services.act(city.user("town_commander"), case, "reject")  # the reason is missing

    def broken(actor, case, *, note=""):
        raise TypeError("a bug inside the verb")

    monkeypatch.setitem(services.VERB_FUNCTIONS, "accept", broken)
    with pytest.raises(TypeError):  # a bug is a bug (500), not the caller's 422
        services.act(city.user("town_commander"), case, "accept")
