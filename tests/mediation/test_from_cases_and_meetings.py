"""Disputes from cases (a consumer of the case timeline) and from the registration form's case number;
co-governance meetings whose decisions become cases in one tap and show the case's state."""

from __future__ import annotations

import pytest
from django.utils import timezone

from jishi.cases import services as case_services
from jishi.cases.choices import Channel
from jishi.cases.models import Case, Category
from jishi.cases.seed import load
from jishi.core.errors import Conflict, NotFound, ValidationFailed
from jishi.core.models import AuditRecord
from jishi.mediation import meetings
from jishi.mediation.models import Decision, Dispute, MediationEvent, Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(city):
    if not Category.objects.exists():
        load(Category)

    def _report(category: str, where: str = "A1a1", **kw):
        lng, lat = city.point_in(where)
        return case_services.report_case(city.user("resident"), channel=Channel.RESIDENT, category_code=category,
                                         title=kw.pop("title", "邻居空调外机噪音扰民"), lng=lng, lat=lat, **kw)

    return _report


def test_an_accepted_dispute_case_becomes_a_dispute_at_its_village_exactly_once(city, report):
    case = report("1001")
    assert not Dispute.objects.exists()  # reported is not yet taken up
    case_services.accept(city.user("village_cadre"), case)
    d = Dispute.objects.get(case=case)
    assert (d.source, d.source_ref, d.kind, d.level) == ("case", case.number, "neighbour", "village")
    assert d.village_id == city.regions["A1"].pk and d.parties.get().name == "张居民"
    assert MediationEvent.objects.filter(dispute=d, verb="register").count() == 1
    from jishi.core import consumers

    consumers.drain()  # again: nothing new
    assert Dispute.objects.filter(case=case).count() == 1


def test_other_categories_and_petition_warnings_do_not_become_disputes(city, report):
    for code in ("0101", "1006"):
        case_services.accept(city.user("village_cadre"), report(code))
    assert not Dispute.objects.exists()


def test_the_form_opens_a_dispute_from_a_case_number_in_one_tap(client, login, city, report):
    case = report("1002", title="夫妻矛盾")
    login("village_cadre")
    page = client.get(f"/mediation/new/?case={case.number}").content.decode()
    assert 'value="夫妻矛盾"' in page and case.number in page and 'value="张居民"' in page


def test_a_case_registered_twice_is_refused(city, report):
    case = report("1001")
    case_services.accept(city.user("village_cadre"), case)
    from tests.mediation.conftest import register

    with pytest.raises(Conflict):
        register(city, source="case", source_ref=case.number, case=case)


def test_a_meeting_decision_becomes_a_case_and_shows_its_state(client, login, city, report):
    if not Category.objects.exists():
        load(Category)
    m = meetings.record_meeting(city.user("village_cadre"), kind="council", topic="A1村道路亮化议事",
                                held_on=timezone.localdate(), region=city.regions["A1"], participants="党员代表、村民代表",
                                minutes="议定在村口安装路灯", decisions=["村口安装路灯三盏", "", "清理河塘"])
    assert m.decisions.count() == 2 and MediationEvent.objects.filter(meeting=m, verb="meeting").exists()
    decision = m.decisions.first()
    meetings.decision_to_case(city.user("village_cadre"), decision, category_code="0101")
    decision.refresh_from_db()
    case = Case.objects.get(pk=decision.case_id)
    assert case.title == "村口安装路灯三盏" and case.village_id == city.regions["A1"].pk and case.state == "reported"
    with pytest.raises(Conflict):
        meetings.decision_to_case(city.user("village_cadre"), decision, category_code="0101")
    case_services.accept(city.user("village_cadre"), case)
    login("village_cadre")
    page = client.get(f"/mediation/meetings/{m.pk}/").content.decode()
    assert case.number in page and 'data-testid="decision-case-state">待派遣' in page
    assert AuditRecord.objects.filter(action="mediation.decision_case").count() == 1


def test_meetings_are_recorded_only_in_ones_own_region_and_with_a_topic(city):
    with pytest.raises(NotFound):
        meetings.record_meeting(city.user("village_cadre"), kind="council", topic="议题", held_on=timezone.localdate(),
                                region=city.regions["B1"])
    with pytest.raises(ValidationFailed):
        meetings.record_meeting(city.user("village_cadre"), kind="council", topic=" ", held_on=timezone.localdate(),
                                region=city.regions["A1"])
    assert not Meeting.objects.exists() and not Decision.objects.exists()


def test_the_meeting_pages(client, login, city):
    login("village_cadre")
    r = client.post("/mediation/meetings/", {"kind": "help_team", "topic": "独居老人帮扶", "held_on": str(timezone.localdate()),
                                             "region": city.regions["A1"].pk, "decisions": "每周上门一次\n"})
    m = Meeting.objects.get()
    assert r.status_code == 302 and m.decisions.count() == 1
    login("town_commander_b")
    assert client.get(f"/mediation/meetings/{m.pk}/").status_code == 404
