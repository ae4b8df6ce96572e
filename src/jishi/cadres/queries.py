"""What the pages and the API read: the lists (through ``restrict(actor, "view")``) with their filters, the
secondment watch lists, and a person's record (干部档案)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from jishi.cadres.access import phone_for
from jishi.cadres.choices import ASSESS_WITHIN_DAYS, SecondmentState
from jishi.cadres.common import age_on
from jishi.cadres.models import (
    Applicant,
    CadreEvent,
    Contest,
    Contestant,
    Evaluation,
    ReserveMember,
    Round,
    Secondment,
)
from jishi.core.errors import NotFound
from jishi.core.scope import holds
from jishi.org.models import Person
from jishi.org.policy import as_actor


def _int(v) -> int | None:
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _town(qs: QuerySet, f) -> QuerySet:
    t = _int(f.get("town"))
    return qs.filter(town_id=t) if t else qs


def rounds(actor, f=None) -> QuerySet:
    f = f or {}
    qs = Round.objects.restrict(as_actor(actor), "view").select_related("region").annotate(
        n=Count("applicants"), placed=Count("applicants", filter=Q(applicants__stage="placed")))
    if f.get("plan"):
        qs = qs.filter(plan=f["plan"])
    return _town(qs, f)


def applicants(actor, rnd: Round, f=None) -> QuerySet:
    f = f or {}
    qs = Applicant.objects.restrict(as_actor(actor), "view").filter(round=rnd).select_related("region")
    if f.get("stage"):
        qs = qs.filter(stage=f["stage"])
    v = _int(f.get("village"))
    if v:
        qs = qs.filter(village_id=v)
    return _town(qs, f).order_by("rank", "-total_score", "id")


def members(actor, f=None) -> QuerySet:
    f = f or {}
    qs = ReserveMember.objects.restrict(as_actor(actor), "view").select_related("person", "region", "town")
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    if f.get("q"):
        qs = qs.filter(person__name__contains=str(f["q"])[:20])
    return _town(qs, f)


def latest_grades(member_ids) -> dict[int, tuple[int, str]]:
    out: dict[int, tuple[int, str]] = {}
    for m, y, g in (Evaluation.objects.filter(member_id__in=list(member_ids)).order_by("member_id", "year")
                    .values_list("member_id", "year", "grade")):
        out[m] = (y, g)
    return out


def secondments(actor, f=None, today: date | None = None) -> QuerySet:
    """``f["watch"]``: ``out`` (out now), ``due`` (due back this month), ``overdue`` (assessment overdue)."""
    f = f or {}
    today = today or timezone.localdate()
    qs = Secondment.objects.restrict(as_actor(actor), "view").select_related("person", "region")
    watch = f.get("watch")
    if watch == "out":
        qs = qs.filter(state=SecondmentState.OUT)
    elif watch == "due":
        first = today.replace(day=1)
        last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
        qs = qs.filter(state=SecondmentState.OUT, ends_on__gte=first, ends_on__lte=last)
    elif watch == "overdue":
        qs = qs.filter(state__in=[SecondmentState.OUT, SecondmentState.RETURNED],
                       ends_on__lt=today - timedelta(days=ASSESS_WITHIN_DAYS))
    if f.get("host_kind"):
        qs = qs.filter(host_kind=f["host_kind"])
    return _town(qs, f)


def secondment_counts(actor, today: date | None = None) -> dict[str, int]:
    return {w: secondments(actor, {"watch": w}, today).count() for w in ("out", "due", "overdue")}


def contests(actor, f=None) -> QuerySet:
    f = f or {}
    qs = Contest.objects.restrict(as_actor(actor), "view").select_related("region").annotate(n=Count("contestants"))
    y = _int(f.get("year"))
    if y:
        qs = qs.filter(held_on__year=y)
    return _town(qs, f)


def standings(c: Contest) -> list[dict]:
    rows = []
    for e in Contestant.objects.filter(contest=c).select_related("village", "person").prefetch_related("scores"):
        rows.append({"id": e.pk, "village": e.village.name, "village_id": e.village_id,
                     "person": e.person.name if e.person else "", "person_id": e.person_id,
                     "scores": [{"judge": s.judge, "score": s.score} for s in e.scores.all()],
                     "score": e.score, "rank": e.rank})
    return sorted(rows, key=lambda r: (r["rank"] is None, r["rank"] or 0, r["id"]))


def record(actor, person_id) -> dict:
    """A person's record (干部档案): who they are (phone masked as the viewer may see it), their applications,
    reserve membership with evaluations, secondments, 学看比拼 entries, and every event in time order — all
    through the viewer's scope; nothing visible: not found."""
    actor = as_actor(actor)
    pk = _int(person_id)
    person = Person.objects.filter(pk=pk).select_related("village", "town").first() if pk else None
    if person is None:
        raise NotFound("人员不存在或不在您的范围内")
    events = list(CadreEvent.objects.restrict(actor, "view").filter(person=person).order_by("at", "id"))
    if not events and not holds(actor, "view", person):
        raise NotFound("人员不存在或不在您的范围内")
    apps = list(Applicant.objects.restrict(actor, "view").filter(person=person).select_related("round", "region"))
    mems = list(ReserveMember.objects.restrict(actor, "view").filter(person=person).select_related("region")
                .prefetch_related("evaluations"))
    secs = list(Secondment.objects.restrict(actor, "view").filter(person=person).select_related("region"))
    entries = list(Contestant.objects.filter(person=person, contest__in=Contest.objects.restrict(actor, "view"))
                   .select_related("contest", "village"))
    today = timezone.localdate()
    return {"person": person, "name": person.name,
            "age": age_on(person.birth_date, today) if person.birth_date else None,
            "phone": phone_for(actor, person.phone, person.pk),
            "place": " ".join(r.name for r in (person.town, person.village) if r),
            "applications": apps, "memberships": mems, "secondments": secs, "entries": entries, "events": events}
