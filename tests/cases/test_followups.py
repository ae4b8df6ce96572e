"""Review follow-ups of the case loop: a whistled lead reports in rather than signs for the case;
cases imports none of its timeline's consumers; staff scopes stay index-friendly while everyone
still reaches their own reports."""

import pytest

from jishi.cases import detail, lists, services
from jishi.cases.models import Case
from jishi.core.errors import Conflict
from jishi.core.scope import Scope, holds
from jishi.org.policy import actor_for_user
from tests.scope_helpers import scope_for, visible


def _whistled(city, report):
    case = services.accept(city.user("town_commander"), report())
    return services.whistle(city.user("town_commander"), case, departments=["D01", "D02"], lead="D02",
                            reason="联合处置")


def test_a_whistled_lead_is_offered_report_in_and_not_acknowledge(city, report):
    case = _whistled(city, report)
    verbs = services.available_verbs(city.user("dept_water"), case)
    assert "report_in" in verbs and "acknowledge" not in verbs


def test_acknowledging_a_whistled_case_before_the_lead_reports_in_is_refused_and_changes_nothing(city, report):
    case = _whistled(city, report)
    with pytest.raises(Conflict, match="报到") as exc:
        services.acknowledge(city.user("dept_water"), case)
    assert exc.value.code == "report_in_required"
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.state, fresh.version, fresh.acknowledged_at) == ("dispatched", case.version, None)
    services.report_in(city.user("dept_water"), case)
    assert case.state == "in_progress"


def test_a_plain_dispatch_is_still_acknowledged(city, report):
    case = services.accept(city.user("town_commander"), report())
    services.dispatch(city.user("town_commander"), case, department="D02")
    assert "acknowledge" in services.available_verbs(city.user("dept_water"), case)
    assert services.acknowledge(city.user("dept_water"), case).state == "in_progress"


def test_cases_imports_none_of_the_consumers_of_its_timeline():
    import pathlib

    import jishi.cases

    root = pathlib.Path(jishi.cases.__file__).parent
    pages = {"views.py"}  # the inbox pages read the notices through notify's services (a page, not the case loop)
    for consumer in ("jishi.points", "jishi.notify", "jishi.cockpit", "jishi.webhooks"):
        offenders = [p.name for p in root.rglob("*.py") if p.name not in pages
                     and any(line.lstrip().startswith(("from ", "import ")) and consumer in line
                             for line in p.read_text().splitlines())]
        assert offenders == [], consumer


def test_a_staff_scope_reaches_own_reports_by_account_and_a_residents_also_by_person():
    staff = str(Case.scope_q(Scope(grid=frozenset({5}), person=frozenset({9}), user=frozenset({7}))))
    assert "'reporter_id__in'" not in staff and "grid_id__in" in staff and "reporter_user_id__in" in staff
    port = str(Case.scope_q(Scope(department=frozenset({3}), person=frozenset({9}))))  # narrowed: no user dim
    assert "reporter" not in port
    resident = str(Case.scope_q(Scope(person=frozenset({9}), user=frozenset({7}))))
    assert "'reporter_id__in'" in resident and "grid" not in resident


def test_a_staff_members_own_report_outside_their_region_is_in_my_reports_lists_and_opens(city, report):
    gw = actor_for_user(city.user("grid_worker"))  # grid A1a; reports something seen in town B
    elsewhere = report("grid_worker", where="B1a1")
    assert elsewhere in lists.cases(gw)  # lists and single opens: one rule (the account's own reports count)
    assert elsewhere in lists.my_reports(gw)
    assert detail.get_case(gw, elsewhere.pk) == elsewhere
    assert detail.get_case(actor_for_user(city.user("grid_worker_b")), elsewhere.pk) == elsewhere  # B1a's grid
    assert detail.get_case(actor_for_user(city.user("dept_urban")), elsewhere.pk) is None


def test_a_resident_still_sees_their_own_reports_through_the_scope(city, report):
    mine = report("resident", where="B1b2", channel="resident")
    assert set(visible(Case.objects.all(), city.user("resident")).values_list("pk", flat=True)) == {mine.pk}
    assert scope_for(city.user("resident")).person


def test_the_board_query_of_a_town_has_no_or_on_the_reporter(city, report):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report()
    with CaptureQueriesContext(connection) as ctx:
        list(lists.cases(actor_for_user(city.user("town_commander"))).filter(state="reported")[:50])
    sql = ctx.captured_queries[-1]["sql"]
    assert "reporter_id" not in sql.split("WHERE", 1)[1]


def test_city_level_users_open_any_case_not_only_their_own_reports(city, report):
    other = report("grid_worker_b", where="B1a1")
    for who in ("city_commander", "admin"):
        actor = actor_for_user(city.user(who))
        assert detail.get_case(actor, other.pk) == other
        assert detail.openable(actor, other.pk).exists() and holds(actor, "view", other)
