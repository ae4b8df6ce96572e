"""Writing the outbox: one ``WebhookDelivery`` per subscription that should hear of a case timeline row,
in the transaction that wrote the row, and a kick to the worker once that transaction commits.

Cost on the intake path: a verb that raises no webhook costs nothing; otherwise the active subscriptions
are read once per transaction (one small query; with no subscriptions that is all). A city-wide port, a
region port whose region holds the case, and a department the row itself names are decided in memory; any
other distinct scope among the interested subscriptions costs one indexed ``EXISTS`` on the case's id.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jishi.cases.models import Case, CaseEvent
from jishi.cases.workflow import TRANSITIONS
from jishi.core.scope import Scope, restrict
from jishi.webhooks.events import VERB_EVENTS
from jishi.webhooks.models import WebhookDelivery, WebhookSubscription

_CACHE = "_jishi_webhook_subscriptions"


def give_up_after() -> timedelta:
    """How long the worker keeps retrying a delivery before marking it failed (JISHI_WEBHOOK_GIVE_UP_DAYS, 3)."""
    return timedelta(days=getattr(settings, "JISHI_WEBHOOK_GIVE_UP_DAYS", 3))


def active_subscriptions() -> list[WebhookSubscription]:
    """The active subscriptions of open ports, read once per transaction.

    The cache lives on the connection and is keyed by the identity of the connection's on-commit list,
    which Django replaces on every commit, rollback and savepoint rollback; saving a subscription or a
    port drops it at once (``receivers.py``)."""
    conn = transaction.get_connection()
    cached = getattr(conn, _CACHE, None)
    if cached is not None and conn.in_atomic_block and cached[0] is conn.run_on_commit:
        return cached[1]
    subs = list(WebhookSubscription.objects.filter(is_active=True, client__closed_at__isnull=True)
                .select_related("client__account", "client__region").order_by("id"))
    accounts: dict[int, object] = {}
    for sub in subs:  # one user object per account, so its data scope is worked out once
        sub.client.account = accounts.setdefault(sub.client.account_id, sub.client.account)
    setattr(conn, _CACHE, (conn.run_on_commit, subs) if conn.in_atomic_block else None)
    return subs


def forget_subscriptions() -> None:
    """Drop the cached subscriptions (a subscription or a port changed)."""
    setattr(transaction.get_connection(), _CACHE, None)


def subscription_scope(sub: WebhookSubscription) -> Scope:
    """What the port's tokens may see: its own region/department, or else its account's scope."""
    from jishi.api.clients import client_scope
    from jishi.org.scope import scope_for

    narrowed = client_scope(sub.client)
    return narrowed if narrowed is not None else scope_for(sub.client.account)


def _sees(scope: Scope, case: Case, event: CaseEvent) -> bool:
    if scope.everything:
        return True
    # The row may name departments whose assignment is written just after it (dispatch, whistle): they see it.
    named = {event.department_id, *((event.data or {}).get("departments") or [])}
    if scope.department & named:
        return True
    # A region port whose region holds the case: the case's own columns say so (as Case.scope_filter would).
    if any(getattr(case, f"{dim}_id") in getattr(scope, dim) for dim in ("town", "village", "grid", "microgrid")):
        return True
    return restrict(Case.objects.filter(pk=case.pk), scope).exists()  # anything else: the database decides


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


def record(event: CaseEvent) -> list[WebhookDelivery]:
    """Write the deliveries for one new timeline row (call inside its transaction)."""
    name = VERB_EVENTS.get(event.verb)
    if name is None:
        return []
    subs = [s for s in active_subscriptions()
            if name in s.events and s.client.is_open and "cases:read" in s.client.scopes]
    if not subs:
        return []
    case = event.case
    seen: dict[Scope, bool] = {}
    chosen = []
    for sub in subs:
        scope = subscription_scope(sub)
        if scope not in seen:
            seen[scope] = _sees(scope, case, event)
        if seen[scope]:
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
