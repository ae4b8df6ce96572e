"""How mediation learns of disputes reported as cases: a consumer of the case timeline.

A case of the 矛盾纠纷 category (10xx, but 信访苗头, which goes to the petition office) that is taken up
(立案: its ``accept`` row, or an ``escalate`` row from ``reported``) is registered as a dispute at the
village where it arose, linked to the case (source ``case``, the reporter as applicant), in the consumer's
transaction with its cursor move: exactly once (one dispute per case). Cadres then assign the studio and
mediators. A case already registered by hand is left alone.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q

from jishi.cases.choices import State as CaseState
from jishi.cases.models import CaseEvent
from jishi.core import audit
from jishi.core.errors import ServiceError
from jishi.mediation.choices import DisputeKind, PartySide, Source
from jishi.org.privacy import valid_id_number, valid_phone

log = logging.getLogger(__name__)
DISPUTE_PARENT = "10"
NOT_MEDIATION = {"1006"}  # 信访苗头: the petition office's
KIND_OF_CATEGORY = {"1001": DisputeKind.NEIGHBOUR, "1002": DisputeKind.FAMILY, "1003": DisputeKind.LABOUR,
                    "1004": DisputeKind.LAND}
SKIPPED = "mediation.case_skipped"


def _takeups(qs):
    return (qs.filter(Q(verb="accept") | Q(verb="escalate", from_state=CaseState.REPORTED),
                      case__category__parent__code=DISPUTE_PARENT)
            .exclude(case__category__code__in=NOT_MEDIATION))


def apply(rows: list[CaseEvent]) -> None:
    from jishi.mediation.models import Dispute
    from jishi.mediation.services import register_rows
    from jishi.org.policy import system_actor

    wanted = {r.pk for r in rows if r.verb in ("accept", "escalate")}
    if not wanted:
        return
    events = _takeups(CaseEvent.objects.filter(pk__in=wanted)).select_related(
        "case", "case__category", "case__village", "case__town").order_by("pk")
    for event in events:
        case = event.case
        if Dispute.objects.filter(case=case).exists():
            continue
        phone = case.reporter_phone if valid_phone(case.reporter_phone or "") else ""
        person = case.reporter
        idn = person.id_number if person and valid_id_number(person.id_number or "") else ""
        parties = [{"side": PartySide.APPLICANT, "name": case.reporter_name, "phone": phone, "id_number": idn,
                    "person_id": case.reporter_id}] if case.reporter_name else []
        try:
            with transaction.atomic():
                register_rows(system_actor(), title=case.title, kind=KIND_OF_CATEGORY.get(case.category.code,
                              DisputeKind.OTHER), source=Source.CASE, source_ref=case.number,
                              region=case.village or case.town, parties=parties, facts=case.description,
                              case=case, need_both_sides=False)
        except ServiceError as exc:  # e.g. a case placed at the city level only: a decision, recorded
            audit.record(None, SKIPPED, case, summary=f"{case.number} 未转入调解：{exc.message}"[:300],
                         data={"event": event.pk})


def check(position: int) -> list[str]:
    """Taken-up dispute cases up to ``position`` with neither a dispute nor a recorded refusal."""
    from jishi.core.models import AuditRecord
    from jishi.mediation.models import Dispute

    cases = set(_takeups(CaseEvent.objects.filter(pk__lte=position)).values_list("case_id", flat=True))
    if not cases:
        return []
    done = set(Dispute.objects.filter(case_id__in=cases).values_list("case_id", flat=True))
    refused = {int(o) for o in AuditRecord.objects.filter(action=SKIPPED, object_type="cases.case",
                                                          object_id__in=[str(c) for c in cases])
               .values_list("object_id", flat=True)}
    return [f"矛盾纠纷事件 #{c} 已立案但未转入调解 / dispute case not registered for mediation"
            for c in sorted(cases - done - refused)[:50]]


def register() -> None:
    from jishi.core import consumers

    consumers.register("mediation.cases", CaseEvent, apply, label="矛盾纠纷转调解", check=check)
