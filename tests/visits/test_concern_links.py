"""A visit's concern becomes a micro-wish or a need on the three lists in one tap (issue 17): through the engage
services, idempotent, linked back on the concern, in the visit's scope only; page and API."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from jishi.core.audit import AuditRecord
from jishi.core.errors import NotFound
from jishi.engage import wishes as engage_wishes
from jishi.engage.access import wisher_label
from jishi.engage.choices import NeedSource, NeedState, WishSource, WishState
from jishi.engage.models import Need, Wish
from jishi.org.policy import public_actor
from jishi.visits import logbook, planning
from jishi.visits.models import VisitAssignment, VisitConcern, VisitEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def rnd(village):
    today = timezone.localdate()
    return planning.create_round(village.city.user("village_cadre"), name="本季度", region=village.city.regions["A1"],
                                 starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=80))


@pytest.fixture
def concern(village, rnd) -> VisitConcern:
    city = village.city
    a = VisitAssignment.objects.filter(visitor=city.people["volunteer"]).select_related("household").first()
    log = logbook.log_visit(city.user("volunteer"), client_uuid=uuid.uuid4(), household_id=a.household_id,
                            method="in_person", concerns=["老人想要一台助行器"])
    return log.concerns.get()


def test_a_concern_becomes_a_wish_once_linked_back_and_masked_on_the_wall(village, concern):
    city = village.city
    hh = concern.visit.household
    wish = logbook.concern_to_wish(city.user("volunteer"), concern)
    assert (wish.source, wish.source_ref, wish.state) == (WishSource.VISIT, f"visit-concern:{concern.pk}",
                                                          WishState.SUBMITTED)
    assert wish.title == "老人想要一台助行器" and wish.microgrid_id == hh.microgrid_id
    head = hh.members.order_by("-is_household_head", "id").first()
    assert wish.wisher_id == head.pk and wish.wisher_name == head.name
    assert hh.code not in wish.content and hh.address not in wish.content  # nothing of the address on the wall
    concern.refresh_from_db()
    assert concern.wish == wish
    again = logbook.concern_to_wish(city.user("grid_worker"), concern)  # a second tap, by anyone in scope
    assert again == wish and Wish.objects.count() == 1
    assert list(VisitEvent.objects.filter(verb="concern_wish").values_list("data", flat=True)) == [
        {"concern": concern.pk, "wish": wish.pk}]
    assert AuditRecord.objects.filter(action="visits.concern_wish").count() == 1
    engage_wishes.publish_wish(city.user("village_cadre"), wish)
    name, phone = wisher_label(public_actor(), wish)  # the wall: masked as for every wish
    assert name != head.name and (not head.phone or phone != head.phone)


def test_a_concern_becomes_a_need_once_for_whoever_manages_the_village(village, concern):
    city = village.city
    with pytest.raises(NotFound):  # the lists are the village's: a volunteer cannot put a need on them
        logbook.concern_to_need(city.user("volunteer"), concern)
    assert not logbook.may_make_need(city.user("volunteer"), concern)
    assert logbook.may_make_need(city.user("village_cadre"), concern)
    need = logbook.concern_to_need(city.user("village_cadre"), concern)
    assert (need.source, need.state, need.village_id) == (NeedSource.VISIT, NeedState.OPEN, concern.village_id)
    assert need.source_ref == f"visit-concern:{concern.pk}" and need.title == concern.text
    concern.refresh_from_db()
    assert concern.need == need
    assert logbook.concern_to_need(city.user("village_cadre"), concern) == need and Need.objects.count() == 1
    assert VisitEvent.objects.filter(verb="concern_need").count() == 1


def test_someone_who_cannot_see_the_visit_gets_not_found_and_nothing_is_made(village, concern):
    city = village.city
    for key in ("grid_worker_b", "town_commander_b"):
        with pytest.raises(NotFound):
            logbook.concern_to_wish(city.user(key), concern)
        with pytest.raises(NotFound):
            logbook.concern_to_need(city.user(key), concern)
    assert not Wish.objects.exists() and not Need.objects.exists()
    concern.refresh_from_db()
    assert concern.wish_id is None and concern.need_id is None


def test_a_wish_made_earlier_from_the_prefilled_form_is_linked_not_made_again(village, concern):
    city = village.city
    hh = concern.visit.household
    earlier = engage_wishes.post_wish(city.user("volunteer"), title="助行器", wisher_name="某某",
                                      region=hh.microgrid_id, source=WishSource.VISIT,
                                      source_ref=f"visit-concern:{concern.pk}")
    assert logbook.concern_to_wish(city.user("volunteer"), concern) == earlier and Wish.objects.count() == 1
    concern.refresh_from_db()
    assert concern.wish == earlier


def test_the_phone_page_taps_and_shows_the_linked_wish_and_need(client, login, village, concern):
    login("volunteer")
    page = client.get("/visits/mine/").content.decode()
    assert f"/visits/concerns/{concern.pk}/wish" in page and f"/visits/concerns/{concern.pk}/need" not in page
    done = client.post(f"/visits/concerns/{concern.pk}/wish")
    again = client.post(f"/visits/concerns/{concern.pk}/wish")
    assert done.status_code == again.status_code == 302 and Wish.objects.count() == 1
    wish = Wish.objects.get()
    page = client.get("/visits/mine/").content.decode()
    assert wish.number in page and "待审核" in page and f"/engage/wishes/{wish.pk}/" in page
    assert f"/visits/concerns/{concern.pk}/wish" not in page
    login("grid_worker_b")
    assert client.post(f"/visits/concerns/{concern.pk}/wish").status_code == 404
    assert client.post(f"/visits/concerns/{concern.pk}/need").status_code == 404
    login("village_cadre")  # the cadre's own page lists their own visits; the endpoint takes the concern
    assert client.post(f"/visits/concerns/{concern.pk}/need", {"next": "https://evil.example/"})["Location"] == \
        "/visits/mine/"
    concern.refresh_from_db()
    assert concern.need_id and concern.need.state == NeedState.OPEN


def test_the_api_makes_each_once_and_says_not_found_out_of_scope(client, login, village, concern):
    url = f"/api/v1/visits/concerns/{concern.pk}"
    login("volunteer")  # sees the concern, but the needs list is the village's
    refused = client.post(f"{url}/need", {}, content_type="application/json")
    assert refused.status_code == 404 and refused["Content-Type"].startswith("application/problem+json")
    login("village_cadre")
    first = client.post(f"{url}/wish", {}, content_type="application/json")
    second = client.post(f"{url}/wish", {}, content_type="application/json")
    assert first.status_code == second.status_code == 200, first.content
    assert first.json() == second.json() and first.json()["wish_state"] == "submitted"
    need = client.post(f"{url}/need", {}, content_type="application/json")
    assert need.status_code == 200 and need.json()["need_state"] == "open"
    logs = client.get("/api/v1/visits/logs").json()["items"]
    c = logs[0]["concerns"][0]
    assert (c["wish_id"], c["need_id"]) == (first.json()["wish_id"], need.json()["need_id"])
    login("town_commander_b")
    assert client.post(f"{url}/wish", {}, content_type="application/json").status_code == 404
    assert Wish.objects.count() == 1 and Need.objects.count() == 1


def test_a_visitor_outside_their_own_micro_grid_is_offered_the_case_not_the_wish(village, rnd):
    city = village.city
    far = village.households["A1a2-1"]  # a micro-grid without staff: the volunteer covers it by assignment
    a = VisitAssignment.objects.get(round=rnd, household=far)
    planning.reassign(city.user("village_cadre"), [a], city.people["volunteer"].pk)
    log = logbook.log_visit(city.user("volunteer"), client_uuid=uuid.uuid4(), household_id=far.pk, method="phone",
                            concerns=["想要一台轮椅"])
    concern = log.concerns.get()
    assert not logbook.may_make_wish(city.user("volunteer"), concern)
    assert logbook.may_make_wish(city.user("grid_worker"), concern)
    with pytest.raises(NotFound):  # engage's rule: staff post a wish for a resident in their own region
        logbook.concern_to_wish(city.user("volunteer"), concern)
    assert logbook.concern_to_wish(city.user("grid_worker"), concern).microgrid_id == far.microgrid_id
