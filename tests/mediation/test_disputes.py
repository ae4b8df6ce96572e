"""Disputes: registered from any channel, mediated, escalated village → town → city, closed with an outcome,
followed up. Every change is one timeline row and one audit record; nothing changes on bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from jishi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jishi.core.models import AuditRecord
from jishi.mediation import access, services
from jishi.mediation.models import Dispute, MediationEvent
from jishi.org.policy import actor_for_user
from tests.mediation.conftest import APPLICANT, RESPONDENT, register

pytestmark = pytest.mark.django_db


def verbs(d):
    return list(MediationEvent.objects.filter(dispute=d).values_list("verb", flat=True))


def test_a_walk_in_is_registered_at_the_village_with_its_time_limit(city, studio, mediator):
    d = register(city, studio=studio.pk, mediators=[mediator.pk])
    assert d.level == "village" and d.state == "accepted" and d.village_id == city.regions["A1"].pk
    assert d.number.startswith("TJ") and d.due_at > d.registered_at
    assert d.parties.count() == 2 and verbs(d) == ["register"]
    assert AuditRecord.objects.filter(action="mediation.register", object_id=str(d.pk)).exists()
    assert access.handler_name(d) == studio.name


@pytest.mark.parametrize(("change", "field"), [
    ({"title": " "}, "title"), ({"kind": "feud"}, "kind"), ({"source": "police", "source_ref": ""}, "source_ref"),
    ({"parties": [APPLICANT]}, "parties"),
    ({"parties": [APPLICANT, {**RESPONDENT, "phone": "12345"}]}, "parties"),
    ({"parties": [{**APPLICANT, "id_number": "320281195601011230"}, RESPONDENT]}, "parties"),
])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_written(city, change, field):
    with pytest.raises(ValidationFailed) as exc:
        register(city, **change)
    assert exc.value.field == field and exc.value.message
    assert not Dispute.objects.exists() and not MediationEvent.objects.exists()


def test_a_cadre_cannot_register_outside_their_village(city):
    with pytest.raises(NotFound):
        register(city, region="A2")
    assert not Dispute.objects.exists()


def test_escalation_village_to_town_then_the_town_mediates_and_the_village_reads(city, mediator):
    d = register(city, mediators=[mediator.pk])
    services.escalate(city.user("village_cadre"), d, note="双方分歧大，村调委会调解两次未果")
    d.refresh_from_db()
    assert d.level == "town" and d.escalations == 1 and d.studio_id is None
    assert not d.mediator_links.exists()  # the village's mediators are released; the town names its own
    assert access.handler_name(d).startswith("A镇")
    with pytest.raises(PermissionDenied):
        services.record_session(city.user("village_cadre"), d, held_at=timezone.now(), notes="再调")
    with pytest.raises(NotFound):  # the former mediator no longer reaches it
        access.dispute_for(actor_for_user(city.user("mediator")), d.pk)
    services.record_session(city.user("town_commander"), d, held_at=timezone.now(), notes="镇调处中心组织调解",
                            attended=[p.pk for p in d.parties.all()])
    services.record_outcome(city.user("town_commander"), d, outcome="agreement", terms="一、李某于十日内改建排水沟。")
    d.refresh_from_db()
    assert (d.state, d.closed_level, d.outcome) == ("agreed", "town", "agreement")
    assert verbs(d) == ["register", "escalate", "session", "outcome"]
    with pytest.raises(Conflict):
        services.escalate(city.user("town_commander"), d, note="again")


def test_an_escalation_without_a_reason_and_beyond_the_city_is_refused(city):
    d = register(city)
    with pytest.raises(ValidationFailed):
        services.escalate(city.user("village_cadre"), d, note="")
    services.escalate(city.user("city_commander"), d, note="上交镇")
    services.escalate(city.user("city_commander"), d, note="上交市")
    with pytest.raises(Conflict):
        services.escalate(city.user("city_commander"), d, note="再上交")


def test_the_sweep_escalates_only_what_is_overdue(city):
    late, fresh = register(city), register(city, title="另一起纠纷")
    Dispute.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    moved = services.sweep_overdue()
    assert [d.pk for d in moved] == [late.pk]
    late.refresh_from_db(), fresh.refresh_from_db()
    assert late.level == "town" and fresh.level == "village"
    assert MediationEvent.objects.get(dispute=late, verb="escalate").data["automatic"] is True
    assert services.sweep_overdue() == []  # the town's limit starts now


def test_an_agreement_needs_terms_and_a_session_and_a_follow_up_needs_an_agreement(city):
    d = register(city)
    cadre = city.user("village_cadre")
    with pytest.raises(Conflict):
        services.record_follow_up(cadre, d, visited_on=timezone.localdate(), method="phone", holds=True)
    with pytest.raises(Conflict):
        services.record_outcome(cadre, d, outcome="agreement", terms="条款")
    services.record_session(cadre, d, held_at=timezone.now(), notes="第一次调解")
    with pytest.raises(ValidationFailed):
        services.record_outcome(cadre, d, outcome="agreement", terms="")
    services.record_outcome(cadre, d, outcome="agreement", terms="一、……")
    f = services.record_follow_up(cadre, d, visited_on=timezone.localdate(), method="in_person", holds=True,
                                  notes="排水沟已改建")
    assert f.holds and verbs(d)[-1] == "follow_up"
    with pytest.raises(ValidationFailed):
        services.record_follow_up(cadre, d, visited_on=timezone.localdate(), method="phone", holds=False, notes="")


def test_a_stale_version_loses_the_race(city):
    d = register(city)
    other = Dispute.objects.get(pk=d.pk)
    services.record_session(city.user("village_cadre"), d, held_at=timezone.now(), notes="调解")
    with pytest.raises(Conflict):
        services.record_outcome(city.user("village_cadre"), other, outcome="no_agreement", note="不同意")
    assert Dispute.objects.get(pk=d.pk).state == "mediating"


def test_referral_outcomes_close_the_dispute_as_referred(city):
    d = register(city)
    services.record_outcome(city.user("village_cadre"), d, outcome="litigation", note="引导当事人向法院起诉")
    d.refresh_from_db()
    assert d.state == "referred" and d.closed_level == "village" and d.due_at is None


def test_the_village_limit_counts_working_days_across_the_national_day_holiday(city):
    import time_machine

    from jishi.core.calendar import TZ

    registered = timezone.datetime(2026, 9, 29, 10, 0, tzinfo=TZ)  # Tuesday before 国庆 (1–8 October 2026)
    with time_machine.travel(registered, tick=False):
        d = register(city)
    due = timezone.localtime(d.due_at, TZ)
    assert due.date() > (registered + timedelta(days=14)).date()  # ten working days, not ten days
    with time_machine.travel(d.due_at - timedelta(minutes=1), tick=False):
        assert services.sweep_overdue() == []
    with time_machine.travel(d.due_at + timedelta(minutes=1), tick=False):
        assert [x.pk for x in services.sweep_overdue()] == [d.pk]
    d.refresh_from_db()
    assert d.level == "town"
