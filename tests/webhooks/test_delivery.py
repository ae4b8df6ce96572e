"""Delivery against a real HTTP receiver on 127.0.0.1: retries, order per case, signatures, giving up."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from jishi.cases import services
from jishi.webhooks import delivery as worker
from jishi.webhooks import services as webhook_services
from jishi.webhooks.models import DeliveryStatus, WebhookDelivery
from jishi.webhooks.signing import verify_signature

FLOW_EVENTS = ["case.created", "case.dispatched", "case.acknowledged", "case.handled", "case.closed"]


def _subscribe(port, url, events=None) -> dict:
    r = port.api.post("/api/v1/webhooks/subscriptions", {"url": url, "events": events or FLOW_EVENTS},
                      content_type="application/json")
    assert r.status_code == 201, r.content
    return r.json()


def test_it_delivers_every_event_once_in_order_after_the_receiver_comes_back(
        open_port, report, walk, receiver, django_capture_on_commit_callbacks):
    port = open_port("city_commander")
    secret = _subscribe(port, receiver.url)["secret"]

    # The receiver is down (nothing listens on its port) while three cases go round the loop.
    with django_capture_on_commit_callbacks(execute=True) as kicks:
        cases = [walk(report(where=w, title=f"事件{i}")) for i, w in enumerate(["A1a1", "A1b1", "A2a1"])]
    assert kicks, "a commit that wrote deliveries kicks the worker"
    rows = WebhookDelivery.objects.order_by("id")
    assert rows.count() == 15 and {r.status for r in rows} == {DeliveryStatus.PENDING}
    heads = {c.pk: min(r.sequence for r in rows if r.case_id == c.pk) for c in cases}
    for r in rows:  # the kick tried each case's first event only; the rest wait behind it
        assert r.attempts == (1 if r.sequence == heads[r.case_id] else 0)
        if r.attempts:
            assert r.last_status_code is None and "连接失败" in r.last_error
    assert receiver.requests == []

    # It comes back sick: 503 is recorded and retried later, nothing else is sent out of turn.
    receiver.code = 503
    receiver.start()
    now = timezone.now()
    assert worker.deliver_due(now) == {"delivered": 0, "retry": 0, "failed": 0, "rounds": 0}  # backing off
    counts = worker.deliver_due(now + timedelta(minutes=1))
    assert counts["retry"] == 3 and counts["delivered"] == 0
    assert len(receiver.requests) == 3
    assert set(WebhookDelivery.objects.filter(attempts=2).values_list("last_status_code", flat=True)) == {503}

    # Healthy again: one pass delivers everything, case by case in timeline order.
    receiver.code = 200
    counts = worker.deliver_due(now + timedelta(hours=2))
    assert counts["delivered"] == 15 and counts["retry"] == 0
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}

    accepted = [q for q in receiver.requests if q["answered"] == 200]
    ids = [q["headers"]["X-Jishi-Delivery"] for q in accepted]
    assert len(ids) == len(set(ids)) == 15  # each delivery accepted exactly once
    # Only deliveries the receiver refused were sent again (same id): the 503 answers.
    repeated = {q["headers"]["X-Jishi-Delivery"] for q in receiver.requests if q["answered"] != 200}
    assert repeated <= set(ids) and len(repeated) == 3
    per_case = defaultdict(list)
    for q in accepted:
        h, body = q["headers"], q["body"]
        assert h["Content-Type"] == "application/json"
        assert verify_signature(secret, h["X-Jishi-Timestamp"], body, h["X-Jishi-Signature"], tolerance=5,
                                now=(now + timedelta(hours=2)).timestamp())
        assert not verify_signature("another secret", h["X-Jishi-Timestamp"], body, h["X-Jishi-Signature"], None)
        data = json.loads(body)
        assert h["X-Jishi-Event"] == data["event"]
        assert "reporter_name" not in data["case"] and "reporter_phone" not in data["case"]
        per_case[data["case"]["id"]].append((data["sequence"], data["event"]))
    assert set(per_case) == {c.pk for c in cases}
    for seq in per_case.values():
        assert [s for s, _ in seq] == sorted(s for s, _ in seq)
        assert [e for _, e in seq] == FLOW_EVENTS

    # Later events go out straight after their commit (the kick), with nothing left behind.
    with django_capture_on_commit_callbacks(execute=True):
        late = report(where="A1a2", title="新事件")
    assert WebhookDelivery.objects.get(case=late).status == DeliveryStatus.DELIVERED
    assert json.loads(receiver.requests[-1]["body"])["case"]["id"] == late.pk


def test_a_case_waits_for_its_own_earlier_event_but_not_for_other_cases(open_port, report, receiver, city):
    port = open_port("city_commander")
    _subscribe(port, receiver.url)
    first, second = report(where="A1a1"), report(where="B1a1")
    services.accept(city.user("town_commander"), first)
    services.dispatch(city.user("town_commander"), first, department=city.departments["urban"])
    now = timezone.now()
    a_head = WebhookDelivery.objects.filter(case=first).order_by("sequence").first()
    WebhookDelivery.objects.filter(pk=a_head.pk).update(next_attempt_at=now + timedelta(hours=1))  # backing off
    receiver.start()
    counts = worker.deliver_due(now)
    assert counts["delivered"] == 1  # only the other case's event
    assert [json.loads(q["body"])["case"]["id"] for q in receiver.requests] == [second.pk]
    assert WebhookDelivery.objects.filter(case=first, status=DeliveryStatus.PENDING).count() == 2
    worker.deliver_due(now + timedelta(hours=2))
    events = [json.loads(q["body"])["event"] for q in receiver.requests[1:]]
    assert events == ["case.created", "case.dispatched"]


def test_it_marks_failed_after_the_deadline_and_redelivery_sends_again_in_order(
        open_port, report, receiver, city, settings):
    settings.JISHI_WEBHOOK_GIVE_UP_DAYS = 2
    port = open_port("city_commander")
    _subscribe(port, receiver.url)
    case = report()
    services.accept(city.user("town_commander"), case)
    services.dispatch(city.user("town_commander"), case, department=city.departments["urban"])
    now = timezone.now()
    receiver.code = 500
    receiver.start()
    for hours in range(0, 60, 2):  # retried for two days, never accepted
        worker.deliver_due(now + timedelta(hours=hours))
    head, nxt = WebhookDelivery.objects.filter(case=case).order_by("sequence")
    assert head.status == DeliveryStatus.FAILED and head.last_status_code == 500 and head.attempts > 5
    assert nxt.status == DeliveryStatus.FAILED and nxt.attempts == 0  # waited behind it, then gave up too
    assert {json.loads(q["body"])["event"] for q in receiver.requests} == {"case.created"}

    receiver.code = 200
    webhook_services.redeliver(city.user("admin"), nxt.pk)  # re-queues both, in order
    assert worker.deliver_due()["delivered"] == 2
    assert [json.loads(q["body"])["event"] for q in receiver.requests if q["answered"] == 200] == [
        "case.created", "case.dispatched"]


def test_a_redirect_is_not_followed_but_recorded(open_port, report, receiver):
    port = open_port("city_commander")
    _subscribe(port, receiver.url)
    report()
    receiver.code = 302
    receiver.start()
    worker.deliver_due()
    d = WebhookDelivery.objects.get()
    assert d.status == DeliveryStatus.PENDING and d.last_status_code == 302 and d.attempts == 1
    assert d.next_attempt_at > timezone.now()


def test_backoff_doubles_from_ten_seconds_and_stops_at_an_hour():
    import random

    rng = random.Random(7)
    waits = [worker.backoff(n, rng).total_seconds() for n in range(1, 16)]
    for n, w in enumerate(waits, start=1):
        base = min(3600, 10 * 2 ** (n - 1))
        assert 0.8 * base <= w <= 1.2 * base
    assert max(waits) <= 3600 * 1.2


def test_the_command_sends_due_deliveries_once(open_port, report, receiver, capsys):
    port = open_port("city_commander")
    _subscribe(port, receiver.url)
    report()
    receiver.start()
    call_command("deliver_webhooks", "--once")
    assert "delivered=1" in capsys.readouterr().out
    assert len(receiver.requests) == 1
