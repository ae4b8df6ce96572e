"""The delivery worker: claim due outbox rows, POST them signed, record the answer, back off on failure.

    deliver_due(now=None)     one pass: fail what is past its deadline, then send batches until nothing is due

Order per case: a delivery is due only when no earlier delivery (lower ``sequence``) of the same
subscription and case is still pending or failed; different cases never wait for each other.

Claiming: the due rows are read (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL) and each is claimed
with a conditional UPDATE that moves ``next_attempt_at`` a lease ahead, so two workers (the every-minute
task, a post-commit kick, ``jishi deliver-webhooks``) never send the same row at once. A worker that dies
mid-send leaves the row to be retried when its lease ends: the receiver may then see that delivery twice
(same ``X-Jishi-Delivery`` id), which is why receivers deduplicate on it.
"""

from __future__ import annotations

import json
import logging
import random
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.client import HTTPException

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from jishi.webhooks.models import DeliveryStatus, WebhookDelivery
from jishi.webhooks.signing import sign

log = logging.getLogger(__name__)

TIMEOUT = 5  # seconds, connect and read
LEASE = timedelta(seconds=60)
FIRST_RETRY = 10  # seconds; doubles each attempt
MAX_RETRY = 3600
BATCH = 100
MAX_ROUNDS = 1000
USER_AGENT = "Jishi-Webhooks/1"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer other than 2xx: recorded and retried, never followed (no body re-POSTed elsewhere)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _opener() -> urllib.request.OpenerDirector:
    proxy = getattr(settings, "JISHI_WEBHOOK_PROXY", "")  # the environment's proxy variables are ignored
    return urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy, "https": proxy} if proxy else {}),
                                       _NoRedirect())


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Wait before the next try after ``attempts`` failures: 10 s, 20 s, 40 s … capped at 1 h, ±20 % jitter."""
    base = min(MAX_RETRY, FIRST_RETRY * 2 ** max(0, attempts - 1))
    return timedelta(seconds=base * (rng or random).uniform(0.8, 1.2))


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def due(now: datetime):
    """Pending rows whose time has come, of active subscriptions of open ports, first in their case's order."""
    earlier = WebhookDelivery.objects.filter(
        subscription_id=OuterRef("subscription_id"), case_id=OuterRef("case_id"), sequence__lt=OuterRef("sequence"),
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED])
    return (WebhookDelivery.objects
            .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now, subscription__is_active=True,
                    subscription__client__closed_at__isnull=True)
            .filter(Q(subscription__client__expires_at__isnull=True) | Q(subscription__client__expires_at__gt=now))
            .filter(~Exists(earlier)))


def claim(now: datetime, limit: int = BATCH) -> list[WebhookDelivery]:
    """Take up to ``limit`` due rows for this worker (each row goes to one worker)."""
    with transaction.atomic():
        qs = due(now).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        rows = list(qs.select_related("subscription")[:limit])
        claimed = []
        for row in rows:
            if WebhookDelivery.objects.filter(pk=row.pk, status=DeliveryStatus.PENDING,
                                              next_attempt_at=row.next_attempt_at).update(next_attempt_at=now + LEASE):
                claimed.append(row)
    return claimed


@dataclass
class Answer:
    status_code: int | None
    error: str

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(delivery: WebhookDelivery, now: datetime, opener: urllib.request.OpenerDirector | None = None) -> Answer:
    """POST one delivery, signed at ``now``."""
    body = body_of(delivery)
    ts = int(now.timestamp())
    request = urllib.request.Request(delivery.subscription.url, data=body, method="POST", headers={
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Jishi-Event": delivery.event,
        "X-Jishi-Delivery": str(delivery.pk),
        "X-Jishi-Timestamp": str(ts),
        "X-Jishi-Signature": sign(delivery.subscription.secret, ts, body),
    })
    try:
        with (opener or _opener()).open(request, timeout=TIMEOUT) as response:
            response.read(4096)
            code = response.status
            return Answer(code, "" if 200 <= code < 300 else f"HTTP {code}")
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, f"HTTP {exc.code} {exc.reason}"[:300])
    except urllib.error.URLError as exc:
        return Answer(None, f"连接失败：{exc.reason}"[:300])
    except (OSError, HTTPException, ValueError) as exc:  # timeouts, resets, a malformed answer
        return Answer(None, f"{type(exc).__name__}: {exc}"[:300])


def settle(delivery: WebhookDelivery, answer: Answer, now: datetime) -> str:
    """Record one attempt: delivered, or retried later, or failed once past its deadline."""
    attempts = delivery.attempts + 1
    fields = {"attempts": attempts, "last_attempt_at": now, "last_status_code": answer.status_code,
              "last_error": answer.error}
    if answer.ok:
        fields.update(status=DeliveryStatus.DELIVERED, delivered_at=now)
    elif now >= delivery.give_up_at:
        fields.update(status=DeliveryStatus.FAILED)
    else:
        fields.update(next_attempt_at=now + backoff(attempts))
    WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(**fields)
    return fields.get("status", DeliveryStatus.PENDING)


def expire(now: datetime) -> int:
    """Mark failed what is still pending past its deadline (also rows that waited behind a failed one)."""
    return (WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, give_up_at__lte=now, next_attempt_at__lte=now)
            .update(status=DeliveryStatus.FAILED, last_error="超过期限仍未送达（或前序推送未送达）"))


def deliver_due(now: datetime | None = None, *, limit: int = BATCH,
                opener: urllib.request.OpenerDirector | None = None) -> dict[str, int]:
    """One pass of the worker; ``now`` lets tests and operators simulate later times."""
    fixed = now is not None
    counts = {"delivered": 0, "retry": 0, "failed": expire(now or timezone.now()), "rounds": 0}
    opener = opener or _opener()
    for _ in range(MAX_ROUNDS):
        moment = now if fixed else timezone.now()
        batch = claim(moment, limit)
        if not batch:
            break
        counts["rounds"] += 1
        for delivery in batch:
            at = now if fixed else timezone.now()
            answer = post(delivery, at, opener)
            outcome = settle(delivery, answer, at)
            counts[{"pending": "retry"}.get(outcome, outcome)] += 1
            if not answer.ok:
                log.info("webhook delivery %s to %s: %s", delivery.pk, delivery.subscription.url, answer.error)
    return counts
