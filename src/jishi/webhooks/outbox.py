"""Writing the outbox: one ``WebhookDelivery`` per subscription that should hear of a case timeline row.

A consumer of the case timeline (``jishi.core.consumers``, name ``webhooks``): the worker hands it the new
rows after the case's transaction committed, and the deliveries are written in the consumer's transaction
with its cursor move — exactly once per row. Sending stays with ``delivery.py`` (kicked after the commit,
and every minute).

Who hears of a row: the subscription's port acts as its account narrowed to the port's region/department and
token scopes (``org.policy.narrowed``), and it hears of the row if that actor may view the case
(``holds(actor, "view", case)``). Active subscriptions are read once per batch (one small query).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jishi.cases.models import CaseEvent
from jishi.cases.workflow import TRANSITIONS
from jishi.core.scope import holds
from jishi.webhooks.events import VERB_EVENTS
from jishi.webhooks.models import WebhookDelivery, WebhookSubscription


def give_up_after() -> timedelta:
    """How long the worker keeps retrying a delivery before marking it failed (JISHI_WEBHOOK_GIVE_UP_DAYS, 3)."""
    return timedelta(days=getattr(settings, "JISHI_WEBHOOK_GIVE_UP_DAYS", 3))


def active_subscriptions() -> list[WebhookSubscription]:
    """The active subscriptions of open ports (read once per batch of timeline rows)."""
    subs = list(WebhookSubscription.objects.filter(is_active=True, client__closed_at__isnull=True)
                .select_related("client__account", "client__region").order_by("id"))
    accounts: dict[int, object] = {}
    for sub in subs:  # one user object per account
        sub.client.account = accounts.setdefault(sub.client.account_id, sub.client.account)
    return subs


def subscription_actor(sub: WebhookSubscription):
    """The actor a subscription's port acts as: its account, narrowed to the port's region/department and
    token scopes (as the port's API tokens see)."""
    from jishi.org.policy import actor_for_user, narrowed

    client = sub.client
    return narrowed(actor_for_user(client.account), region=client.region, department_id=client.department_id,
                    token_scopes=client.scopes, port_id=client.pk)


def payload_of(event: CaseEvent, name: str) -> dict:
    """What a subscriber receives: the event and a summary of the case (no reporter name or phone)."""
    case = event.case
    label = TRANSITIONS[event.verb].label if event.verb in TRANSITIONS else event.verb
    return {
        "event": name,
        "sequence": event.pk,
        "occurred_at": event.at.isoformat(),
        "case": {
            "id": case.pk, "number": case.number, "title": case.title, "state": case.state,
            "priority": case.priority, "channel": case.channel, "category_code": case.category.code,
            "town_id": case.town_id, "village_id": case.village_id, "grid_id": case.grid_id,
            "handling_department_id": case.handling_department_id, "handling_region_id": case.handling_region_id,
            "reported_at": case.reported_at.isoformat() if case.reported_at else None,
            "url": f"/api/v1/cases/{case.pk}",
        },
        "transition": {
            "verb": event.verb, "label": str(label), "from_state": event.from_state, "to_state": event.to_state,
            "department_id": event.department_id, "actor_role": event.actor_role, "note": event.note,
            "data": event.data or {},
        },
    }


def record(event: CaseEvent, subs: list[WebhookSubscription] | None = None, actors: dict | None = None
           ) -> list[WebhookDelivery]:
    """Write the deliveries for one timeline row (the consumer calls this for each row of a batch, with the
    batch's subscriptions and the port actors worked out so far)."""
    name = VERB_EVENTS.get(event.verb)
    if name is None:
        return []
    subs = [s for s in (active_subscriptions() if subs is None else subs)
            if name in s.events and s.client.is_open and "cases:read" in s.client.scopes]
    if not subs:
        return []
    actors = {} if actors is None else actors
    case = event.case
    seen: dict[tuple, bool] = {}  # one decision per distinct port (account, region, department, scopes)
    chosen = []
    for sub in subs:
        client = sub.client
        key = (client.account_id, client.region_id, client.department_id, tuple(sorted(client.scopes)))
        if key not in actors:
            actors[key] = subscription_actor(sub)
        if key not in seen:
            seen[key] = holds(actors[key], "view", case)
        if seen[key]:
            chosen.append(sub)
    if not chosen:
        return []
    now = timezone.now()
    body = payload_of(event, name)
    rows = WebhookDelivery.objects.bulk_create([
        WebhookDelivery(subscription=sub, case_id=case.pk, case_event_id=event.pk, sequence=event.pk, event=name,
                        payload=body, next_attempt_at=now, give_up_at=now + give_up_after(), created_at=now)
        for sub in chosen
    ])
    _kick_on_commit()
    return rows


def _kick_on_commit() -> None:
    """Ask the worker to send once this transaction commits. If the kick is lost (worker down, queue
    lost) the every-minute task finds the rows anyway; a kick that finds nothing due costs two queries."""
    transaction.on_commit(_kick, robust=True)


def _kick() -> None:
    from jishi.webhooks.tasks import deliver_webhooks_soon

    deliver_webhooks_soon()


def apply(rows: list[CaseEvent]) -> None:
    """The consumer's handler: the deliveries of a batch of timeline rows."""
    if not any(row.verb in VERB_EVENTS for row in rows):
        return
    subs, actors = active_subscriptions(), {}
    for event in rows:
        record(event, subs, actors)


def register() -> None:
    from jishi.core import consumers

    consumers.register("webhooks", CaseEvent, apply, label="事件推送", related=("case__category",))
