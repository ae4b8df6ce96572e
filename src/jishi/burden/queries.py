"""The read side of data requests: a department's requests with their completion, a village's open requests,
the combined sheet, and the burden figures (减负): fields asked, fields Jishi answered itself (prefilled or
reused), the village work it cost and saved.

Definitions (docs/burden.md):
- fields asked = fields × villages asked, per request;
- fields not asked of villages = answers prefilled or reused and kept (``choices.NOT_ASKED``);
- village work = answers typed (or prefilled and corrected) by the village × the field's estimated minutes;
- hours saved = answers not asked × the field's estimated minutes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from jishi.burden.choices import NOT_ASKED, Origin, ReplyState, RequestState
from jishi.burden.models import Answer, DataRequest, Reply, RequestField
from jishi.org.models import Department

TYPED = (Origin.TYPED, Origin.CORRECTED)


def hours(minutes) -> float:
    return round(float(minutes or 0) / 60, 1)


def completion(req: DataRequest, today=None) -> dict:
    """Per village: state, saved/submitted, reminders, overdue; the counts by state."""
    today = today or timezone.localdate()
    late = req.deadline < today
    rows = []
    counts = {s: 0 for s in ReplyState.values}
    filled = dict(Answer.objects.filter(reply__request=req).exclude(value="").values_list("reply_id")
                  .annotate(n=Count("id")).order_by())
    nfields = req.fields.count()
    for r in req.replies.select_related("village", "town").order_by("town__code", "village__code"):
        counts[r.state] += 1
        rows.append({"reply": r, "village": r.village, "town": r.town, "state": r.state,
                     "state_label": r.get_state_display(), "saved_at": r.saved_at, "submitted_at": r.submitted_at,
                     "reminders": r.reminders, "filled": filled.get(r.pk, 0), "fields": nfields,
                     "overdue": late and r.state != ReplyState.SUBMITTED})
    return {"rows": rows, "counts": counts, "total": len(rows), "overdue": sum(1 for r in rows if r["overdue"])}


def inbox(replies) -> list[Reply]:
    """A village's replies of open requests, the not submitted first, nearest deadline first."""
    return list(replies.filter(request__state=RequestState.OPEN).select_related("request", "request__department",
                                                                                 "village")
                .order_by("state", "request__deadline", "-request_id"))


def combined(req: DataRequest) -> tuple[list[RequestField], list[dict]]:
    """The combined sheet: one row per village (town, village, state, submitted, each field's value)."""
    fields = list(req.fields.all())
    values: dict[int, dict[int, str]] = defaultdict(dict)
    for reply_id, field_id, value in Answer.objects.filter(reply__request=req).values_list("reply_id", "field_id",
                                                                                         "value"):
        values[reply_id][field_id] = value
    rows = []
    for r in req.replies.select_related("village", "town").order_by("town__code", "village__code"):
        got = values.get(r.pk, {})
        rows.append({"town": r.town.name if r.town_id else "", "village": r.village.name, "state": r.get_state_display(),
                     "submitted_at": timezone.localtime(r.submitted_at) if r.submitted_at else None,
                     "values": [got.get(f.pk, "") if r.state == ReplyState.SUBMITTED else "" for f in fields]})
    return fields, rows


@dataclass
class DepartmentBurden:
    department: Department | None
    name: str
    requests: int = 0
    villages: int = 0
    fields_asked: int = 0
    not_asked: int = 0
    typed: int = 0
    minutes_typed: Decimal = Decimal(0)
    minutes_saved: Decimal = Decimal(0)
    village_ids: set = field(default_factory=set)

    @property
    def hours_typed(self) -> float:
        return hours(self.minutes_typed)

    @property
    def hours_saved(self) -> float:
        return hours(self.minutes_saved)

    @property
    def share_not_asked(self) -> float | None:
        return round(self.not_asked / self.fields_asked * 100, 1) if self.fields_asked else None


def burden(requests=None) -> dict:
    """The burden page's figures over ``requests`` (a DataRequest queryset; default all): per department and
    per village, and the city's totals."""
    requests = requests if requests is not None else DataRequest.objects.all()
    ids = list(requests.values_list("pk", flat=True))
    per: dict[int | None, DepartmentBurden] = {}
    reqs = {r.pk: r for r in DataRequest.objects.filter(pk__in=ids).select_related("department")}
    nfields = dict(RequestField.objects.filter(request_id__in=ids).values_list("request_id").annotate(n=Count("id"))
                   .order_by())
    for r in reqs.values():
        d = per.get(r.department_id)
        if d is None:
            d = per[r.department_id] = DepartmentBurden(r.department, r.department.name if r.department else "市级")
        d.requests += 1
    replies = Reply.objects.filter(request_id__in=ids)
    for request_id, village_id in replies.values_list("request_id", "village_id"):
        d = per[reqs[request_id].department_id]
        d.fields_asked += nfields.get(request_id, 0)
        d.village_ids.add(village_id)
    answers = (Answer.objects.filter(reply__request_id__in=ids).exclude(value="")
               .values("reply__request_id", "origin").annotate(n=Count("id"), m=Sum("field__minutes")).order_by())
    for a in answers:
        d = per[reqs[a["reply__request_id"]].department_id]
        if a["origin"] in NOT_ASKED:
            d.not_asked += a["n"]
            d.minutes_saved += a["m"] or 0
        elif a["origin"] in TYPED:
            d.typed += a["n"]
            d.minutes_typed += a["m"] or 0
    for d in per.values():
        d.villages = len(d.village_ids)
    departments = sorted(per.values(), key=lambda d: (-d.requests, d.name))
    villages = (replies.values("village_id", "village__name", "town__name")
                .annotate(received=Count("id"),
                          submitted=Count("id", filter=Q(state=ReplyState.SUBMITTED)),
                          minutes=Sum("answers__field__minutes",
                                      filter=Q(answers__origin__in=TYPED) & ~Q(answers__value="")))
                .order_by("-received", "village__name"))
    village_rows = [{"village": v["village__name"], "town": v["town__name"], "received": v["received"],
                     "submitted": v["submitted"], "hours": hours(v["minutes"])} for v in villages]
    total_typed = sum((d.minutes_typed for d in departments), Decimal(0))
    total_saved = sum((d.minutes_saved for d in departments), Decimal(0))
    return {"departments": departments, "villages": village_rows,
            "totals": {"requests": len(reqs), "fields_asked": sum(d.fields_asked for d in departments),
                       "not_asked": sum(d.not_asked for d in departments),
                       "typed": sum(d.typed for d in departments),
                       "hours_typed": hours(total_typed), "hours_saved": hours(total_saved),
                       "villages": len({v["village"] for v in village_rows})}}


def submitted_counts(request_ids):
    return (Reply.objects.filter(request_id__in=list(request_ids), state=ReplyState.SUBMITTED)
            .values("request_id").annotate(n=Count("id")).order_by())


def reply_counts(request_ids):
    return Reply.objects.filter(request_id__in=list(request_ids)).values("request_id").annotate(n=Count("id")).order_by()
