"""The outbox: deliveries are written by the webhooks consumer of the case timeline, after the case's
transaction committed, exactly once per row, for the right ports only."""

from __future__ import annotations

import pytest
from django.db import transaction

from jishi.cases import services
from jishi.cases.models import CaseEvent
from jishi.cases.workflow import TRANSITIONS
from jishi.webhooks import outbox
from jishi.webhooks.events import EVENTS, VERB_EVENTS
from jishi.webhooks.models import WebhookDelivery, WebhookSubscription
from jishi.webhooks.signing import sign, verify_signature

ALL = list(EVENTS)


def _subscribe(port, events=ALL, url="http://127.0.0.1:9/hook") -> WebhookSubscription:
    r = port.api.post("/api/v1/webhooks/subscriptions", {"url": url, "events": events},
                      content_type="application/json")
    assert r.status_code == 201, r.content
    return WebhookSubscription.objects.get(pk=r.json()["id"])


def test_signature_known_answer():
    # printf '1700000000.{"event":"case.created"}' | openssl dgst -sha256 -hmac 'whsec-test-key'
    expected = "v1=eab6bfd67ccd808b4159a0308afcc14b9f5b8972bafba5e43fa2abe9c43a3f3b"
    body = b'{"event":"case.created"}'
    assert sign("whsec-test-key", 1700000000, body) == expected
    assert verify_signature("whsec-test-key", "1700000000", body, expected, tolerance=300, now=1700000100)
    assert verify_signature("whsec-test-key", 1700000000, body, f"v1=00ff,{expected}", None)  # rotation: any one
    assert not verify_signature("whsec-test-key", "1700000000", body, expected, tolerance=300, now=1700000301)
    assert not verify_signature("whsec-test-key", "1700000000", body + b" ", expected, None)
    assert not verify_signature("whsec-test-key", "1700000001", body, expected, None)
    assert not verify_signature("whsec-test-key", "soon", body, expected, None)
    assert not verify_signature("whsec-test-key", "1700000000", body, expected.replace("v1=", "v0="), None)


def test_every_mapped_verb_is_a_verb_of_the_loop_and_every_event_is_raised():
    assert set(VERB_EVENTS) <= set(TRANSITIONS)
    assert set(VERB_EVENTS.values()) == set(EVENTS)


def test_deliveries_are_written_by_the_consumer_after_the_commit_and_once(open_port, report, settings,
                                                                         django_capture_on_commit_callbacks):
    from jishi.core import consumers

    settings.JISHI_CONSUMERS_EAGER = False  # the worker's view: nothing is drained until it runs
    sub = _subscribe(open_port("city_commander"))
    with django_capture_on_commit_callbacks() as kicks, pytest.raises(RuntimeError), transaction.atomic():
        report(title="会回滚的事件")
        assert not WebhookDelivery.objects.exists()  # nothing downstream in the case's transaction
        raise RuntimeError("the change fails after the event was written")
    assert kicks == []  # a change that never happened kicks nothing
    assert consumers.drain()["webhooks"] == 0 and not WebhookDelivery.objects.exists()

    with django_capture_on_commit_callbacks() as kicks:
        case = report(title="提交的事件")
    assert len(kicks) == 1 and not WebhookDelivery.objects.exists()  # the worker is asked to drain
    assert consumers.drain()["webhooks"] == 1
    d = WebhookDelivery.objects.get()
    assert (d.subscription, d.case_id, d.event, d.status) == (sub, case.pk, "case.created", "pending")
    event = CaseEvent.objects.get(case=case, verb="report")
    assert d.case_event_id == d.sequence == event.pk
    assert d.payload["case"]["number"] == case.number and d.payload["transition"]["to_state"] == "reported"
    assert consumers.drain()["webhooks"] == 0 and WebhookDelivery.objects.count() == 1  # applied once


def test_only_subscribed_events_of_active_subscriptions_of_open_ports(open_port, report, city):
    port = open_port("city_commander")
    dispatched_only = _subscribe(port, ["case.dispatched"])
    paused = _subscribe(port)
    WebhookSubscription.objects.filter(pk=paused.pk).update(is_active=False)
    case = report()
    services.accept(city.user("town_commander"), case)  # no webhook for accept
    services.dispatch(city.user("town_commander"), case, department=city.departments["urban"])
    assert list(WebhookDelivery.objects.values_list("subscription", "event")) == [
        (dispatched_only.pk, "case.dispatched")]

    from jishi.platform import clients

    clients.close_client(None, port.client.pk, "停止对接")
    later = services.accept(city.user("town_commander"), report())
    services.dispatch(city.user("town_commander"), later, department=city.departments["urban"])
    assert WebhookDelivery.objects.count() == 1  # a closed port hears nothing more


def test_a_town_port_does_not_hear_of_another_towns_cases(open_port, report):
    town_a = _subscribe(open_port("town_commander", region="A", name="A镇应用"))
    city_wide = _subscribe(open_port("city_commander", name="市平台"))
    in_a, in_b = report(where="A1a1"), report(who="grid_worker_b", where="B1a1")
    assert set(WebhookDelivery.objects.filter(subscription=town_a).values_list("case", flat=True)) == {in_a.pk}
    assert set(WebhookDelivery.objects.filter(subscription=city_wide).values_list("case", flat=True)) == {
        in_a.pk, in_b.pk}


def test_a_department_port_hears_of_a_case_from_its_dispatch_on(open_port, report, city):
    sub = _subscribe(open_port("dept_urban", department="urban", name="城管系统"))
    other = _subscribe(open_port("dept_water", department="water", name="水利系统"))
    case = report()
    services.accept(city.user("town_commander"), case)
    assert not WebhookDelivery.objects.exists()  # not yet theirs
    services.dispatch(city.user("town_commander"), case, department=city.departments["urban"])
    services.acknowledge(city.user("dept_urban"), case)
    assert list(WebhookDelivery.objects.filter(subscription=sub).order_by("sequence")
                .values_list("event", flat=True)) == ["case.dispatched", "case.acknowledged"]
    assert not WebhookDelivery.objects.filter(subscription=other).exists()


def test_a_batch_reads_the_subscriptions_once_and_a_batch_without_webhook_verbs_nothing(
        open_port, report, city, django_assert_num_queries):
    case = report()
    services.accept(city.user("town_commander"), case)
    events = list(CaseEvent.objects.filter(case=case).select_related("case").order_by("pk"))
    with django_assert_num_queries(1):  # no subscriptions: that one read is all
        outbox.apply(events + events)
    with django_assert_num_queries(0):  # "accept" raises no webhook
        outbox.apply([e for e in events if e.verb == "accept"])


def test_a_new_subscription_is_seen_at_once_in_the_same_transaction(open_port, report):
    report()
    assert not WebhookDelivery.objects.exists()
    _subscribe(open_port("city_commander"))  # saving a subscription drops the cached (empty) list
    report()
    assert WebhookDelivery.objects.count() == 1


def test_a_village_port_hears_its_own_cases_by_one_scope_check(open_port, report, city, django_assert_num_queries):
    sub = _subscribe(open_port("village_cadre", region="A1", name="A1村应用"))
    case = report(where="A1b2")
    event = CaseEvent.objects.select_related("case").get(case=case)
    WebhookDelivery.objects.filter(case=case).delete()
    subs, actors = outbox.active_subscriptions(), {}
    outbox.record(event, subs, actors)  # warm: the port's actor is built once per batch
    WebhookDelivery.objects.filter(case=case).delete()
    with django_assert_num_queries(1):  # holds(port actor, "view", case) in memory (Case.scope_contains), then the insert
        assert [d.subscription_id for d in outbox.record(event, subs, actors)] == [sub.pk]
    other = report(who="grid_worker_b", where="B1a1")
    assert not WebhookDelivery.objects.filter(case=other).exists()


def test_many_ports_of_one_account_cost_its_scope_once(open_port, report, django_assert_max_num_queries):
    for i in range(5):
        _subscribe(open_port("city_commander", name=f"市级系统{i}"))
    _subscribe(open_port("town_commander", region="A", name="A镇应用"))
    case = report(where="A1a1")
    event = CaseEvent.objects.get(case=case)
    event.case = case
    WebhookDelivery.objects.all().delete()
    # subscriptions, each account's posts (its actor), the town port's scope check, one insert — not one per port
    with django_assert_max_num_queries(6):
        assert len(outbox.record(event)) == 6
