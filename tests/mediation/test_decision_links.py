"""A co-governance meeting's decision becomes a micro-wish or a need for a micro-project (issue 18): through the
engage services, idempotent per decision, and the meeting shows the linked row's state; page and API."""

from __future__ import annotations

import pytest
from django.utils import timezone

from jishi.core.errors import NotFound, ValidationFailed
from jishi.core.models import AuditRecord
from jishi.engage import projects as engage_projects
from jishi.engage import wishes as engage_wishes
from jishi.engage.choices import NeedState, WishSource, WishState
from jishi.engage.models import Need, Wish
from jishi.mediation import meetings
from jishi.mediation.models import Decision, MediationEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(city):
    return meetings.record_meeting(city.user("village_cadre"), kind="council", topic="A1村民生议事",
                                   held_on=timezone.localdate(), region=city.regions["A1"],
                                   decisions=["为独居老人配助行器", "建设电动车充电棚"])


def test_a_decision_becomes_a_wish_once_and_shows_its_state(client, login, city, meeting):
    first = meeting.decisions.first()
    wish = meetings.decision_to_wish(city.user("village_cadre"), first)
    assert (wish.title, wish.state, wish.source) == ("为独居老人配助行器", WishState.SUBMITTED, WishSource.PROXY)
    assert wish.village_id == city.regions["A1"].pk and wish.source_ref == f"meeting-decision:{first.pk}"
    assert "A1村民生议事" in wish.content
    assert meetings.decision_to_wish(city.user("village_cadre"), first) == wish and Wish.objects.count() == 1
    first.refresh_from_db()
    assert first.wish == wish
    assert MediationEvent.objects.filter(meeting=meeting, verb="decision_wish").count() == 1
    assert AuditRecord.objects.filter(action="mediation.decision_wish").count() == 1
    engage_wishes.publish_wish(city.user("village_cadre"), wish)
    login("village_cadre")
    page = client.get(f"/mediation/meetings/{meeting.pk}/").content.decode()
    assert wish.number in page and 'data-testid="decision-wish-state">待认领' in page


def test_a_decision_becomes_a_need_once_and_shows_when_a_project_takes_it(client, login, city, meeting):
    second = meeting.decisions.last()
    need = meetings.decision_to_need(city.user("village_cadre"), second)
    assert (need.title, need.state, need.village_id) == ("建设电动车充电棚", NeedState.OPEN, city.regions["A1"].pk)
    assert meetings.decision_to_need(city.user("village_cadre"), second) == need and Need.objects.count() == 1
    engage_projects.create_project(city.user("village_cadre"), title="充电棚", goals="建一座充电棚", budget=5000,
                                   deadline=timezone.localdate(), region=city.regions["A1"], needs=[need.pk])
    login("village_cadre")
    page = client.get(f"/mediation/meetings/{meeting.pk}/").content.decode()
    assert 'data-testid="decision-need-state">已纳入项目' in page
    assert MediationEvent.objects.filter(meeting=meeting, verb="decision_need").count() == 1


def test_out_of_scope_is_not_found_and_a_town_meeting_makes_no_wish(city, meeting):
    decision = meeting.decisions.first()
    for key in ("town_commander_b", "grid_worker_b", "grid_worker"):  # another town; a grid does not manage
        with pytest.raises(NotFound):
            meetings.decision_to_wish(city.user(key), decision)
        with pytest.raises(NotFound):
            meetings.decision_to_need(city.user(key), decision)
    assert not Wish.objects.exists() and not Need.objects.exists()
    town = meetings.record_meeting(city.user("town_commander"), kind="council", topic="镇议事",
                                   held_on=timezone.localdate(), region=city.regions["A"], decisions=["修建镇文化站"])
    with pytest.raises(ValidationFailed):
        meetings.decision_to_wish(city.user("town_commander"), town.decisions.get())
    need = meetings.decision_to_need(city.user("town_commander"), town.decisions.get())
    assert need.town_id == city.regions["A"].pk and need.village_id is None


def test_page_taps_and_api_are_idempotent_and_scoped(client, login, city, meeting):
    first, second = meeting.decisions.all()
    login("village_cadre")
    assert client.post(f"/mediation/decisions/{first.pk}/wish").status_code == 302
    assert client.post(f"/mediation/decisions/{first.pk}/wish").status_code == 302
    assert client.post(f"/mediation/decisions/{first.pk}/other").status_code == 404
    assert Wish.objects.count() == 1
    r1 = client.post(f"/api/v1/mediation/decisions/{second.pk}/need", {}, content_type="application/json")
    r2 = client.post(f"/api/v1/mediation/decisions/{second.pk}/need", {}, content_type="application/json")
    assert r1.status_code == r2.status_code == 200, r1.content
    assert r1.json() == r2.json() and r1.json()["need_state"] == "open" and Need.objects.count() == 1
    w = client.post(f"/api/v1/mediation/decisions/{first.pk}/wish", {}, content_type="application/json").json()
    assert w["wish_id"] == Decision.objects.get(pk=first.pk).wish_id and w["wish_state"] == "submitted"
    got = client.get(f"/api/v1/mediation/meetings/{meeting.pk}").json()["decisions"]
    assert [d["need_state"] for d in got] == [None, "open"] and got[0]["wish_number"]
    login("town_commander_b")
    assert client.post(f"/mediation/decisions/{second.pk}/need").status_code == 404
    assert client.post(f"/api/v1/mediation/decisions/{second.pk}/wish", {},
                       content_type="application/json").status_code == 404
