"""Keeps the rollups current: every timeline row, supervision notice and whistle of a case
refreshes that case's contribution (in the same transaction). ``cases`` does not know of this."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from jishi.cases.models import CaseEvent, Supervision, Whistle
from jishi.cockpit.rollups import refresh_case


@receiver(post_save, sender=CaseEvent, dispatch_uid="cockpit.case_event")
@receiver(post_save, sender=Supervision, dispatch_uid="cockpit.supervision")
@receiver(post_save, sender=Whistle, dispatch_uid="cockpit.whistle")
def _case_changed(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:  # loaddata
        return
    refresh_case(instance.case_id)
