"""How points learns of accepted informant reports: a consumer of the case timeline (``jishi.core.consumers``).

A case is taken up (立案) by its ``accept`` row, or by an ``escalate`` row from ``reported`` (taken up and
passed up in one step). For an informant (小蜜蜂) report that names its reporter, the award is posted through
the ledger (``earning.award_informant``, idempotency key ``case-accept:<id>``) in the consumer's transaction
with its cursor move: exactly once. A failure (the database, a bug) rolls the batch back and the worker
tries it again next round; a refusal by the village's rules (the item not adopted, its cap reached) is a
decision, recorded in the audit trail as ``points.informant_skipped`` and not retried.

``check`` (``jishi status --check``) lists accepted informant reports up to the consumer's position with
neither an award nor a recorded refusal.
"""

from __future__ import annotations

import logging

from django.db import transaction

from jishi.cases.choices import Channel, State
from jishi.cases.models import CaseEvent
from jishi.core import audit
from jishi.core.errors import ServiceError

log = logging.getLogger(__name__)
KEY = "case-accept:{}"
SKIPPED = "points.informant_skipped"


def _acceptances(qs):
    from django.db.models import Q

    return qs.filter(Q(verb="accept") | Q(verb="escalate", from_state=State.REPORTED),
                     case__channel=Channel.INFORMANT, case__reporter__isnull=False)


def apply(rows: list[CaseEvent]) -> None:
    from jishi.points.earning import award_informant

    wanted = {r.pk for r in rows if r.verb in ("accept", "escalate")}
    if not wanted:
        return
    for event in _acceptances(CaseEvent.objects.filter(pk__in=wanted)).select_related("case", "actor").order_by("pk"):
        try:
            with transaction.atomic():
                award_informant(event.case, event.actor)
        except ServiceError as exc:  # the village's rules say no: a decision, not a failure
            log.info("informant points for case %s refused: %s", event.case_id, exc)
            audit.record(None, SKIPPED, event.case, summary=f"{event.case.number} 小蜜蜂积分未发放：{exc}"[:300],
                         data={"event": event.pk, "reason": str(exc)[:200]})


def check(position: int) -> list[str]:
    """Accepted informant reports up to ``position`` without their award (or a recorded refusal)."""
    from jishi.core.models import AuditRecord
    from jishi.points.models import Posting

    cases = set(_acceptances(CaseEvent.objects.filter(pk__lte=position)).values_list("case_id", flat=True))
    if not cases:
        return []
    awarded = {int(k.split(":")[1]) for k in Posting.objects.filter(key__in=[KEY.format(c) for c in cases])
               .values_list("key", flat=True)}
    refused = {int(o) for o in AuditRecord.objects.filter(action=SKIPPED, object_type="cases.case",
                                                          object_id__in=[str(c) for c in cases])
               .values_list("object_id", flat=True)}
    return [f"小蜜蜂上报的事件 #{c} 已立案但未发放积分 / accepted informant report without its award"
            for c in sorted(cases - awarded - refused)[:50]]


def register() -> None:
    from jishi.core import consumers

    consumers.register("points.informant", CaseEvent, apply, label="小蜜蜂积分", check=check)
