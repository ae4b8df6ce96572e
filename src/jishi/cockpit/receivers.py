"""Keeps the rollups current: every timeline row, supervision notice and whistle of a case
refreshes that case's contribution (in the same transaction). ``cases`` does not know of this.
The report row of a new case (intake) adds the case's first contribution directly from the case in
memory (``add_new_case``: two statements); every later row recomputes the case (``refresh_case``)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from jishi.cases.models import CaseEvent, Supervision, Whistle
from jishi.cockpit.rollups import add_new_case, refresh_case


@receiver(post_save, sender=CaseEvent, dispatch_uid="cockpit.case_event")
@receiver(post_save, sender=Supervision, dispatch_uid="cockpit.supervision")
@receiver(post_save, sender=Whistle, dispatch_uid="cockpit.whistle")
def _case_changed(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:  # loaddata
        return
    if created and sender is CaseEvent and instance.verb == "report" and not instance.from_state:
        case = instance._state.fields_cache.get("case")  # the case intake has just inserted, in memory
        if case is not None and case.category_id and case._state.fields_cache.get("category") is not None:
            add_new_case(case)
            return
    refresh_case(instance.case_id)
