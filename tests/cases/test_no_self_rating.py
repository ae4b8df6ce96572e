"""Nobody rates their own work: only the reporting resident, or a 回访 by a commander who did not handle the
case (marked as such), may rate; the rating service refuses with a clear message, and pages and API do not
offer it (jishi.cases.guards.rating_refusal)."""

from __future__ import annotations

import pytest

from jishi.cases import services
from jishi.cases.detail import label_events
from jishi.cases.models import Case
from jishi.core.errors import Conflict, PermissionDenied
from jishi.org.models import Person
from jishi.org.policy import actor_for_user
from tests.cases.conftest import JPEG, walk_to


def offered(city, who: str, case) -> bool:
    case = Case.objects.get(pk=case.pk)
    return "rate" in services.available_verbs(actor_for_user(city.user(who)), case)


def test_a_grid_worker_who_resolved_a_case_on_the_spot_may_not_rate_it(city, report, client):
    case = report(photos=[JPEG])
    services.resolve_on_spot(city.user("grid_worker"), case, after=[JPEG])
    assert case.state == "closed" and not offered(city, "grid_worker", case)
    with pytest.raises(Conflict, match="不能评价自己的工作") as err:
        services.rate(city.user("grid_worker"), case, rating="satisfied")
    assert err.value.code == "self_rating"
    assert Case.objects.get(pk=case.pk).rating == ""
    # the case page offers no rating form to them
    client.force_login(city.user("grid_worker"))
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'class="inline-form rate"' not in html


def test_the_api_refuses_a_self_rating_with_a_clear_message(city, report):
    from django.test import Client

    from jishi.platform import tokens
    from tests.api.conftest import ALL_SCOPES

    case = report(photos=[JPEG])
    services.resolve_on_spot(city.user("grid_worker"), case, after=[JPEG])
    _, text = tokens.create_token(None, city.user("grid_worker"), "t", ALL_SCOPES)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    detail = api.get(f"/api/v1/cases/{case.pk}").json()
    assert "rate" not in detail["available_verbs"]
    r = api.post(f"/api/v1/cases/{case.pk}/rate", {"rating": "satisfied"}, content_type="application/json")
    assert r.status_code in (403, 409), r.content
    assert "评价" in r.json()["detail"]


def test_the_reporter_of_a_patrol_report_does_not_rate_it(city, report):
    case = walk_to(city, report(), "closed")  # the grid worker's own patrol report, handled by a department
    assert not offered(city, "grid_worker", case)
    with pytest.raises(Conflict, match="由他人核查") as err:
        services.rate(city.user("grid_worker"), case, rating="satisfied")
    assert err.value.code == "staff_report"


def test_a_department_that_handled_the_case_cannot_rate_it(city, report):
    case = walk_to(city, report("resident", channel="resident"), "closed")
    assert not offered(city, "dept_urban", case)
    with pytest.raises((PermissionDenied, Conflict)):
        services.rate(city.user("dept_urban"), case, rating="satisfied")


def test_the_reporting_resident_rates_their_case(city, report):
    case = walk_to(city, report("resident", channel="resident"), "closed")
    assert offered(city, "resident", case)
    services.rate(city.user("resident"), case, rating="basic")
    assert case.events.get(verb="rate").data == {"rating": "basic", "by": "reporter"}


def test_a_resident_rates_the_patrol_case_a_grid_worker_reported_for_them(city, report):
    resident = city.people["resident"]
    Person.objects.filter(pk=resident.pk).update(phone="13912345678")
    case = walk_to(city, report("grid_worker", channel="visit", on_behalf_of=resident.pk), "closed")
    assert offered(city, "resident", case) and not offered(city, "grid_worker", case)
    services.rate(city.user("resident"), case, rating="satisfied")


def test_a_commander_who_did_not_handle_the_case_records_a_revisit_marked_as_such(city, report):
    case = walk_to(city, report(None, channel="hotline", reporter_phone="13800001111", external_ref="T-9"), "closed")
    assert offered(city, "town_commander", case)
    services.rate(city.user("town_commander"), case, rating="satisfied", note="电话回访，群众满意")
    event = case.events.get(verb="rate")
    assert event.data == {"rating": "satisfied", "by": "revisit"}
    shown = next(e for e in label_events(list(case.events.all())) if e.verb == "rate")
    assert "回访" in str(shown.outcome)


def test_a_commander_who_handled_the_case_in_their_region_may_not_revisit_it(city, report):
    tc = city.user("town_commander")
    case = services.accept(tc, report("resident", channel="resident"))
    services.dispatch(tc, case, region=city.regions["A1"])  # the village handles it
    cadre = city.user("village_cadre")
    services.acknowledge(cadre, case)
    services.handle(cadre, case, note="已处理")
    services.verify(city.user("resident"), case, passed=True)
    services.close(tc, case)
    assert not offered(city, "village_cadre", case)
    with pytest.raises((PermissionDenied, Conflict)):
        services.rate(cadre, case, rating="satisfied")


def test_a_list_page_offers_the_same_rating_as_the_case_alone(city, report):
    """Lists read who handled their cases and how staff reports were made once a page (``prime_rating``); the
    verbs offered must be exactly those the case alone gives."""
    from jishi.cases.guards import prime_rating

    spot = report(photos=[JPEG])
    services.resolve_on_spot(city.user("grid_worker"), spot, after=[JPEG])  # handled by the grid worker
    patrol = walk_to(city, report(), "closed")  # a staff report, not on behalf of a resident
    for_resident = walk_to(city, report(on_behalf_of=city.people["resident"].pk), "closed")
    cases = [spot, patrol, for_resident]
    for who in ("grid_worker", "town_commander", "city_commander", "dept_urban"):
        actor = actor_for_user(city.user(who))
        alone = [services.available_verbs(actor, Case.objects.get(pk=c.pk)) for c in cases]
        page = list(Case.objects.filter(pk__in=[c.pk for c in cases]).order_by("pk"))
        prime_rating(actor, page)
        assert all(hasattr(c, "primed_handled") for c in page)
        by_pk = {c.pk: services.available_verbs(actor, c) for c in page}
        assert [by_pk[c.pk] for c in cases] == alone, who
