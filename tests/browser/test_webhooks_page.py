"""The administrators' webhook page in Chromium: failed deliveries are visible and can be redelivered."""

from __future__ import annotations

import pytest
from django.utils import timezone

from jishi.webhooks.models import DeliveryStatus, WebhookDelivery
from tests.webhooks.conftest import open_port, report  # noqa: F401 — fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_an_administrator_sees_a_failed_delivery_and_redelivers_it(page, login_as, shot, open_port, report):  # noqa: F811
    port = open_port("city_commander", name="A镇综治平台")
    r = port.api.post("/api/v1/webhooks/subscriptions",
                      {"url": "https://town-a.example.cn/jishi/hooks", "events": ["case.created", "case.closed"]},
                      content_type="application/json")
    assert r.status_code == 201
    for i in range(3):
        report(title=f"路边垃圾{i}")
    first, second, third = WebhookDelivery.objects.order_by("id")
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=first.pk).update(status=DeliveryStatus.DELIVERED, attempts=1,
                                                       last_status_code=200, delivered_at=now, last_attempt_at=now,
                                                       last_error="")
    WebhookDelivery.objects.filter(pk=second.pk).update(status=DeliveryStatus.FAILED, attempts=14,
                                                        last_status_code=503, last_attempt_at=now,
                                                        last_error="HTTP 503 Service Unavailable")
    WebhookDelivery.objects.filter(pk=third.pk).update(attempts=2, last_status_code=None, last_error="连接失败：[Errno 111] Connection refused")

    login_as("admin")
    page.goto("/webhooks/")
    assert page.get_by_role("heading", name="事件推送").is_visible()
    assert page.get_by_test_id("failed-total").is_visible()
    shot("failed")

    page.get_by_role("button", name="重新推送").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"已重新排队推送 #{second.pk}").is_visible()
    second.refresh_from_db()
    assert second.status == DeliveryStatus.PENDING
    shot("after-redeliver")
    assert page.js_errors == []
