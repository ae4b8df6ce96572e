"""Webhook outbox receivers: every new case timeline row becomes deliveries in the same transaction.
``cases`` does not know of this (see the cockpit's receivers for the same pattern).

Code that writes ``CaseEvent`` with ``bulk_create`` or raw SQL sends no signal and so raises no webhook:
today that is only the demo generator (``jishi.cases.demo``), whose invented history is not pushed.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from jishi.api.models import ApiClient
from jishi.cases.models import CaseEvent
from jishi.webhooks import outbox
from jishi.webhooks.models import WebhookSubscription


@receiver(post_save, sender=CaseEvent, dispatch_uid="webhooks.case_event")
def _case_event(sender, instance: CaseEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if raw or not created:  # loaddata
        return
    outbox.record(instance)


@receiver(post_save, sender=WebhookSubscription, dispatch_uid="webhooks.subscription_saved")
@receiver(post_delete, sender=WebhookSubscription, dispatch_uid="webhooks.subscription_deleted")
@receiver(post_save, sender=ApiClient, dispatch_uid="webhooks.client_saved")
def _subscriptions_changed(sender, **kwargs) -> None:
    outbox.forget_subscriptions()
