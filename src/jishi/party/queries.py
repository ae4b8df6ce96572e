"""Named read-side queries of the party domain: the member count of organisations (org's one count), the
organisation tree's rows, attendance rates per organisation and month, the reminder of organisations without a
主题党日, activity figures (the ledger's totals), and the counts of 三报到三服务 per employer and per community.
Callers pass querysets already restricted to the viewer (``restrict(actor, "view")``) or a region."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from jishi.org.choices import Level
from jishi.org.models import Household, PartyOrganization, Region
from jishi.org.queries import in_region, org_level, party_member_counts, party_members_of
from jishi.party.choices import ActivityKind, ActivityState, RecordState, RegistrationState
from jishi.party.models import Activity, ServiceChoice, ServiceRecord

MEETING_KINDS = ("committee", "village_committee", "grid_org")  # organisations with a life of meetings

__all__ = ["activity_figures", "attendance_by_org", "member_counts", "members_of", "missing_theme_day",
           "org_rows", "party_orgs_in", "reportin_by_community", "reportin_by_unit", "reportin_totals", "roots", "tenths"]

member_counts = party_member_counts  # {org id: (direct, total)}: the one count, kept by org (region pages)
members_of = party_members_of


def roots(visible: QuerySet) -> QuerySet:
    """The top of the tree a viewer sees: visible organisations whose parent is not visible to them."""
    return visible.filter(Q(parent__isnull=True) | ~Q(parent__in=visible.values("pk"))).order_by("code")


def _per_region_level(orgs, qs: QuerySet, prefix: str = "") -> dict[int, int]:
    """{org id: rows of ``qs`` in the org's region subtree}, one grouped query per level."""
    by_level: dict[str, dict[int, list[int]]] = {}
    for o in orgs:
        by_level.setdefault(org_level(o), {}).setdefault(o.region_id, []).append(o.pk)
    out: dict[int, int] = {}
    for level, regions in by_level.items():
        if level == Level.CITY:
            n = qs.count()
            rows = dict.fromkeys(regions, n)
        else:
            col = f"{prefix}{level}_id"
            rows = dict(qs.filter(**{f"{col}__in": sorted(regions)}).values_list(col).annotate(n=Count("id")).order_by())
        for rid, ids in regions.items():
            for oid in ids:
                out[oid] = rows.get(rid, 0)
    return out


def org_rows(orgs, first: date, last: date) -> list[dict]:
    """Each organisation with its secretary, members (direct, total), 党员中心户 below it, and its activities
    held from ``first`` to ``last`` (its own, and with the organisations below it)."""
    orgs = list(orgs)
    counts = party_member_counts(orgs)
    households = _per_region_level(orgs, Household.objects.filter(is_party_household=True))
    held = Activity.objects.filter(state=ActivityState.HELD, date__range=(first, last))
    own = dict(held.filter(org_id__in=[o.pk for o in orgs]).values_list("org_id").annotate(n=Count("id")).order_by())
    below = _per_region_level(orgs, held)
    return [{"org": o, "direct": counts[o.pk][0], "total": counts[o.pk][1], "households": households.get(o.pk, 0),
             "activities": own.get(o.pk, 0), "activities_total": below.get(o.pk, 0)} for o in orgs]


def held_in(region: Region | None, first: date, last: date) -> QuerySet:
    qs = Activity.objects.filter(state=ActivityState.HELD, date__range=(first, last))
    return in_region(qs, region) if region is not None else qs


def activity_figures(region: Region, first: date, last: date) -> dict:
    """The organisational life of ``region`` in a period, as the party pages count it: activities held and
    attendances (members present, summed over the activities), with the members expected."""
    row = held_in(region, first, last).aggregate(n=Count("id"), present=Sum("present"), expected=Sum("expected"))
    return {"activities": row["n"], "attendances": row["present"] or 0, "expected": row["expected"] or 0}


def attendance_by_org(activities: QuerySet) -> list[dict]:
    """Per organisation (of the held activities given): activities, present, expected and the attendance rate."""
    rows = (activities.filter(state=ActivityState.HELD).values("org_id", "org__name")
            .annotate(n=Count("id"), present=Sum("present"), expected=Sum("expected")).order_by("org__code"))
    return [{"org_id": r["org_id"], "name": r["org__name"], "activities": r["n"], "present": r["present"] or 0,
             "expected": r["expected"] or 0,
             "rate": round(100 * r["present"] / r["expected"], 1) if r["expected"] else None} for r in rows]


def missing_theme_day(visible: QuerySet, first: date, last: date) -> QuerySet:
    """Organisations (of ``visible``) with no 主题党日 held or scheduled from ``first`` to ``last``."""
    done = Activity.objects.filter(kind=ActivityKind.THEME_DAY, date__range=(first, last),
                                   state__in=(ActivityState.HELD, ActivityState.SCHEDULED)).values("org_id")
    return visible.filter(kind__in=MEETING_KINDS).exclude(pk__in=done).select_related("secretary").order_by("code")


# --- 三报到三服务 --------------------------------------------------------------------------------------------------

def tenths(value) -> Decimal:
    """Hours to one decimal place, whatever the database's sum returns (SQLite: a float or an integer)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.1"))


def _hours(records: QuerySet, key: str) -> dict:
    rows = records.filter(state=RecordState.VERIFIED).values_list(key).annotate(h=Sum("hours")).order_by()
    return {k: tenths(h) for k, h in rows}


def _group(registrations: QuerySet, key: str, label: str) -> list[dict]:
    regs = registrations.filter(state=RegistrationState.ACCEPTED)
    rows = regs.values(key, label).annotate(members=Count("id")).order_by("-members", label)
    services = dict(ServiceChoice.objects.filter(registration__in=regs).values_list(f"registration__{key}")
                    .annotate(n=Count("id")).order_by())
    records = ServiceRecord.objects.filter(registration__in=regs)
    hours = _hours(records, f"registration__{key}")
    pending = dict(registrations.filter(state=RegistrationState.SUBMITTED).values_list(key).annotate(n=Count("id"))
                   .order_by())
    return [{"key": r[key], "label": r[label], "members": r["members"], "services": services.get(r[key], 0),
             "hours": hours.get(r[key]) or tenths(0), "pending": pending.get(r[key], 0)} for r in rows]


def reportin_by_unit(registrations: QuerySet) -> list[dict]:
    """Per employer (a department, or a unit named): members reported and accepted, services taken up,
    verified hours. Registrations without a department group by the unit's name."""
    return _group(registrations, "employer", "employer")


def reportin_by_community(registrations: QuerySet) -> list[dict]:
    return _group(registrations, "community_id", "community__name")


def reportin_totals(registrations: QuerySet) -> dict:
    regs = registrations.filter(state=RegistrationState.ACCEPTED)
    hours = ServiceRecord.objects.filter(registration__in=regs, state=RecordState.VERIFIED).aggregate(h=Sum("hours"))
    return {"members": regs.count(), "pending": registrations.filter(state=RegistrationState.SUBMITTED).count(),
            "services": ServiceChoice.objects.filter(registration__in=regs).count(),
            "hours": tenths(hours["h"]),
            "records": ServiceRecord.objects.filter(registration__in=regs, state=RecordState.VERIFIED).count()}


def party_orgs_in(region: Region) -> QuerySet:
    return in_region(PartyOrganization.objects.all(), region)
