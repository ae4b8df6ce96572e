"""The webhook API of open ports (/api/v1/webhooks) and the administrators' page (/webhooks/)."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from jishi.core.models import AuditRecord
from jishi.platform import tokens
from jishi.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from tests.factories import PASSWORD

SUBS = "/api/v1/webhooks/subscriptions"
DELIVERIES = "/api/v1/webhooks/deliveries"


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_a_port_subscribes_sees_the_secret_once_lists_and_unsubscribes(open_port):
    port = open_port("city_commander")
    r = _post(port.api, SUBS, {"url": "https://town.example.cn/hooks", "events": ["case.closed", "case.created"]})
    assert r.status_code == 201
    body = r.json()
    assert len(body["secret"]) == 43 and body["events"] == ["case.created", "case.closed"]
    sub = WebhookSubscription.objects.get(pk=body["id"])
    assert sub.secret == body["secret"] and sub.client == port.client
    assert AuditRecord.objects.filter(action="webhook.subscribe").exists()

    listed = port.api.get(SUBS).json()
    assert [s["id"] for s in listed] == [sub.pk] and "secret" not in listed[0]

    assert port.api.delete(f"{SUBS}/{sub.pk}").status_code == 204
    r = port.api.delete(f"{SUBS}/{sub.pk}")
    assert r.status_code == 404 and r["Content-Type"].startswith("application/problem+json")


def test_bad_subscriptions_are_refused_with_a_problem(open_port):
    port = open_port("city_commander")
    for payload, field in [
        ({"url": "ftp://x.example/h", "events": ["case.created"]}, "url"),
        ({"url": "not a url", "events": ["case.created"]}, "url"),
        ({"url": "http://[::1/h", "events": ["case.created"]}, "url"),
    ]:
        r = _post(port.api, SUBS, payload)
        assert r.status_code == 422 and r["Content-Type"].startswith("application/problem+json"), payload
        assert r.json().get("field") == field or field in r.content.decode()
    r = _post(port.api, SUBS, {"url": "http://x.example/h", "events": ["case.exploded"]})
    assert r.status_code == 422
    r = _post(port.api, SUBS, {"url": "http://x.example/h", "events": []})
    assert r.status_code == 422
    assert not WebhookSubscription.objects.exists()


def test_personal_tokens_and_sessions_may_not_subscribe(city, client, open_port):
    _, text = tokens.create_token(None, city.user("city_commander"), "个人", ["cases:read"])
    personal = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    r = _post(personal, SUBS, {"url": "http://x.example/h", "events": ["case.created"]})
    assert r.status_code == 403 and r.json()["code"] == "port_required"
    assert "开放端口" in r.json()["detail"] or "开放端口" in r.content.decode()
    assert personal.get(DELIVERIES).status_code == 403

    assert client.login(username="admin", password=PASSWORD)
    assert client.get(SUBS).status_code == 403

    no_read = open_port("city_commander", scopes=["cases:write"], name="只上报")
    assert no_read.api.get(SUBS).status_code == 403


def test_a_port_lists_its_own_deliveries_with_a_cursor_and_redelivers_failed_ones(open_port, report):
    port = open_port("city_commander")
    other = open_port("city_commander", name="别的系统")
    sub_id = _post(port.api, SUBS, {"url": "http://127.0.0.1:9/h", "events": ["case.created"]}).json()["id"]
    _post(other.api, SUBS, {"url": "http://127.0.0.1:9/o", "events": ["case.created"]})
    for i in range(3):
        report(title=f"事件{i}")
    assert WebhookDelivery.objects.count() == 6

    first = port.api.get(DELIVERIES, {"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = port.api.get(DELIVERIES, {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    mine = [d["id"] for d in first["items"] + rest["items"]]
    assert set(mine) == set(WebhookDelivery.objects.filter(subscription_id=sub_id).values_list("id", flat=True))
    assert port.api.get(DELIVERIES, {"cursor": "garbage"}).status_code == 422

    d = WebhookDelivery.objects.get(pk=mine[0])
    r = _post(port.api, f"{DELIVERIES}/{d.pk}/redeliver")
    assert r.status_code == 409  # still pending
    WebhookDelivery.objects.filter(pk=d.pk).update(status=DeliveryStatus.FAILED, last_error="HTTP 500")
    assert port.api.get(DELIVERIES, {"status": "failed"}).json()["items"][0]["id"] == d.pk
    r = _post(port.api, f"{DELIVERIES}/{d.pk}/redeliver")
    assert r.status_code == 200 and r.json()["status"] == "pending"
    foreign = WebhookDelivery.objects.exclude(subscription_id=sub_id).first()
    WebhookDelivery.objects.filter(pk=foreign.pk).update(status=DeliveryStatus.FAILED)
    assert _post(port.api, f"{DELIVERIES}/{foreign.pk}/redeliver").status_code == 404


def test_the_page_shows_subscriptions_and_failed_deliveries_to_administrators(client, open_port, report, city):
    port = open_port("city_commander", name="A镇综治平台")
    _post(port.api, SUBS, {"url": "https://town-a.example.cn/jishi", "events": ["case.created"]})
    report()
    d = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=d.pk).update(status=DeliveryStatus.FAILED, attempts=9, last_status_code=503,
                                                   last_error="HTTP 503 Service Unavailable",
                                                   last_attempt_at=timezone.now())
    assert client.login(username="admin", password=PASSWORD)
    r = client.get("/webhooks/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "A镇综治平台" in html and "https://town-a.example.cn/jishi" in html and "HTTP 503" in html
    assert "重新推送" in html and 'data-testid="failed-total"' in html
    assert client.get("/webhooks/", {"status": "delivered"}).content.decode().count('data-testid="delivery-row"') == 0
    assert client.get("/webhooks/", {"port": port.client.pk, "status": "failed"}).content.decode().count(
        'data-testid="delivery-row"') == 1

    r = client.post(f"/webhooks/deliveries/{d.pk}/redeliver", {"next": "/webhooks/?status=failed"})
    assert r.status_code == 302 and r["Location"] == "/webhooks/?status=failed"
    d.refresh_from_db()
    assert d.status == DeliveryStatus.PENDING
    assert AuditRecord.objects.filter(action="webhook.redeliver").exists()


def test_the_page_is_for_administrators_only(client, city):
    assert client.get("/webhooks/").status_code == 302  # to the login page
    assert client.login(username="town_commander", password=PASSWORD)
    assert client.get("/webhooks/").status_code == 403
    assert client.post("/webhooks/deliveries/1/redeliver").status_code == 403


def test_redeliver_needs_csrf(city, open_port, report):
    csrf_client = Client(enforce_csrf_checks=True)
    assert csrf_client.login(username="admin", password=PASSWORD)
    assert csrf_client.post("/webhooks/deliveries/1/redeliver").status_code == 403
