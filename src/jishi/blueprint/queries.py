"""Read side: the battle map (挂图作战) rows, filters, the Gantt layout, the cockpit's figure, the fund's totals
and the weak villages' income before/after, the alliances' solved counts. Few statements per page: ``values()``
rows, aggregates in SQL."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, Max, Min, Q, QuerySet, Sum

from jishi.blueprint.choices import FundProjectState, ProblemField, ProblemState
from jishi.blueprint.models import (
    Alliance,
    AllianceMember,
    AllianceProblem,
    Blueprint,
    Disbursement,
    Fund,
    FundProject,
    Milestone,
    Project,
    ProjectIncome,
    VillageIncome,
)
from jishi.org.models import Region
from jishi.org.policy import as_actor

FILTERS = ("level", "status", "flag", "kind", "town", "owner", "q")


def current_blueprint(year: int | None = None) -> Blueprint | None:
    qs = Blueprint.objects.all()
    return (qs.filter(year=year).first() if year else None) or qs.order_by("-year").first()


def filtered(actor, blueprint: Blueprint, params) -> QuerySet:
    qs = Project.objects.restrict(as_actor(actor), "view").filter(blueprint=blueprint)
    g = {k: (params.get(k) or "").strip() for k in FILTERS}
    if g["level"]:
        qs = qs.filter(level=g["level"])
    if g["status"]:
        qs = qs.filter(status=g["status"])
    if g["flag"] == "any":
        qs = qs.exclude(flag="")
    elif g["flag"] == "none":
        qs = qs.filter(flag="")
    elif g["flag"]:
        qs = qs.filter(flag=g["flag"])
    if g["kind"]:
        qs = qs.filter(kind=g["kind"])
    if g["town"].isdigit():
        qs = qs.filter(Q(town_id=int(g["town"])) | Q(region_id=int(g["town"])))
    if g["owner"]:
        qs = qs.filter(owner_name__icontains=g["owner"][:50])
    if g["q"]:
        qs = qs.filter(Q(title__icontains=g["q"][:50]) | Q(code__icontains=g["q"][:50]))
    return qs


ROW_FIELDS = ("id", "code", "title", "kind", "level", "status", "flag", "progress", "weight", "weights_ok",
              "owner_name", "secretary", "responsible", "starts_on", "ends_on", "parent_id", "region_id",
              "region__name", "region__lng", "region__lat", "town__name")


def rows(qs: QuerySet, limit: int = 5000) -> list[dict]:
    """The projects as plain rows (one statement) with their next open time node (one more)."""
    out = list(qs.order_by("level", "code").values(*ROW_FIELDS)[:limit])
    ids = [r["id"] for r in out]
    nxt = dict(Milestone.objects.filter(project_id__in=ids, done_on=None).values_list("project_id")
               .annotate(d=Min("due_on")).order_by())
    for r in out:
        r["next_due"] = nxt.get(r["id"])
        r["colour"] = colour(r)
    return out


def colour(r: dict) -> str:
    """The battle map's colour: red/yellow supervision, green done, blue under way, grey not started."""
    if r["flag"]:
        return r["flag"]
    return {"done": "green", "active": "blue"}.get(r["status"], "grey")


def summary(qs: QuerySet) -> dict:
    agg = qs.aggregate(n=Count("id"), done=Count("id", filter=Q(status="done")),
                       red=Count("id", filter=Q(flag="red")), yellow=Count("id", filter=Q(flag="yellow")),
                       top=Count("id", filter=Q(parent=None)))
    by_level = dict(qs.values_list("level").annotate(n=Count("id")).order_by())
    return {**agg, "by_level": by_level}


def map_points(items: list[dict], city: Region | None) -> list[dict]:
    """One marker per project at its region's centre (a city's project at the city's), slightly spread."""
    pts = []
    seen: dict[int, int] = defaultdict(int)
    for r in items:
        lng, lat = r["region__lng"], r["region__lat"]
        if lng is None and city is not None:
            lng, lat = city.lng, city.lat
        if lng is None:
            continue
        k = seen[r["region_id"]]
        seen[r["region_id"]] += 1
        pts.append({"id": r["id"], "t": r["title"], "c": r["colour"], "p": float(r["progress"]),
                    "lng": lng + 0.004 * (k % 5), "lat": lat + 0.003 * (k // 5), "o": r["owner_name"],
                    "r": r["region__name"]})
    return pts


def gantt(items: list[dict], year: int) -> dict:
    """Bars positioned in percent of the year; milestones as diamonds (overdue open ones red)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    span = (end - start).days + 1

    def pct(d: date) -> float:
        d = min(max(d, start), end)
        return round((d - start).days * 100 / span, 2)

    ids = [r["id"] for r in items]
    stones = defaultdict(list)
    today = date.today()
    for m in Milestone.objects.filter(project_id__in=ids).values("project_id", "title", "due_on", "done_on", "flag"):
        state = "done" if m["done_on"] else (m["flag"] or ("late" if m["due_on"] < today else "open"))
        stones[m["project_id"]].append({"x": pct(m["due_on"]), "title": m["title"], "due": m["due_on"], "state": state})
    lines = []
    for r in items:
        left = pct(r["starts_on"])
        width = max(pct(r["ends_on"]) - left, 0.6)
        lines.append({**r, "left": left, "width": width, "done_w": round(width * float(r["progress"]) / 100, 2),
                      "stones": stones.get(r["id"], [])})
    months = [{"n": m, "x": pct(date(year, m, 1))} for m in range(1, 13)]
    return {"lines": lines, "months": months, "today": pct(today) if today.year == year else None}


def tree_of(project: Project, actor) -> list[dict]:
    kids = Project.objects.restrict(as_actor(actor), "view").filter(parent=project).order_by("code")
    return list(kids.values("id", "code", "title", "level", "weight", "progress", "status", "flag", "owner_name"))


def cockpit_figure(region: Region, year: int | None = None) -> dict | None:
    """Blueprint progress for the cockpit's region: unrelated projects have no weights between them, so the figure
    is the mean progress of the region's leaf projects (a parent's progress is already theirs, weighted), with
    the count of projects, done and red-flagged."""
    bp = current_blueprint(year)
    if bp is None:
        return None
    qs = Project.objects.filter(blueprint=bp)
    if region.level == "town":
        qs = qs.filter(town_id=region.pk)
    elif region.level == "village":
        qs = qs.filter(village_id=region.pk)
    elif region.level != "city":
        return None
    leaf = Q(pk__in=Project.objects.filter(parent__isnull=False).values("parent_id"))
    agg = qs.aggregate(n=Count("id"), done=Count("id", filter=Q(status="done")),
                       red=Count("id", filter=Q(flag="red")), leaves=Count("id", filter=~leaf),
                       total=Sum("progress", filter=~leaf))
    if not agg["n"]:
        return None
    return {"year": bp.year, "n": agg["n"], "done": agg["done"], "red": agg["red"],
            "mean": round(float(agg["total"] or 0) / agg["leaves"], 1) if agg["leaves"] else 0.0}


# --- the fund --------------------------------------------------------------------------------------------

def fund_projects(actor, fund: Fund) -> QuerySet:
    return FundProject.objects.restrict(as_actor(actor), "view").filter(tranche__fund=fund)


def fund_totals(fund: Fund, projects: QuerySet) -> dict:
    """The fund's figures, summed from its rows: tranches, approved budgets, payments, expected and actual income."""
    ids = list(projects.values_list("id", flat=True))
    approved = projects.filter(state__in=[FundProjectState.APPROVED, FundProjectState.DONE])
    a = approved.aggregate(budget=Sum("budget"), expected=Sum("expected_income"), n=Count("id"))
    paid = Disbursement.objects.filter(project_id__in=ids).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    income = ProjectIncome.objects.filter(project_id__in=ids).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    tranches = fund.tranches.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return {"size": fund.size, "tranches": tranches, "approved_n": a["n"], "budget": a["budget"] or Decimal(0),
            "paid": paid, "expected": a["expected"] or Decimal(0), "income": income, "projects": len(ids)}


def fund_rows(projects: QuerySet) -> list[dict]:
    rows = list(projects.order_by("tranche__number", "id").values(
        "id", "title", "state", "budget", "expected_income", "region__name", "town__name", "tranche__number",
        "region_id"))
    ids = [r["id"] for r in rows]
    paid = dict(Disbursement.objects.filter(project_id__in=ids).values_list("project_id").annotate(s=Sum("amount"))
                .order_by())
    inc = dict(ProjectIncome.objects.filter(project_id__in=ids).values_list("project_id").annotate(s=Sum("amount"))
               .order_by())
    for r in rows:
        r["paid"] = paid.get(r["id"], Decimal(0))
        r["income"] = inc.get(r["id"], Decimal(0))
        r["state_label"] = str(FundProjectState(r["state"]).label)
    return rows


def village_before_after(projects: QuerySet) -> list[dict]:
    """Each funded village's collective operating income the year before its first approved project and in the
    latest year recorded (and the change)."""
    first = dict(projects.filter(state__in=[FundProjectState.APPROVED, FundProjectState.DONE])
                 .values_list("region_id").annotate(a=Min("approved_at")).order_by())
    if not first:
        return []
    names = dict(Region.objects.filter(pk__in=first).values_list("id", "name"))
    incomes = defaultdict(dict)
    for rid, year, amount in VillageIncome.objects.filter(region_id__in=first).values_list("region_id", "year", "amount"):
        incomes[rid][year] = amount
    latest = dict(VillageIncome.objects.filter(region_id__in=first).values_list("region_id").annotate(y=Max("year"))
                  .order_by())
    out = []
    for rid, at in sorted(first.items(), key=lambda kv: names.get(kv[0], "")):
        base_year = (at.year - 1) if at else None
        before = incomes[rid].get(base_year)
        ly = latest.get(rid)
        after = incomes[rid].get(ly) if ly and ly > (base_year or 0) else None
        out.append({"region_id": rid, "name": names.get(rid, ""), "base_year": base_year, "before": before,
                    "latest_year": ly if after is not None else None, "after": after,
                    "change": (after - before) if after is not None and before is not None else None})
    return out


# --- alliances -------------------------------------------------------------------------------------------

def alliances(actor) -> list[Alliance]:
    """The alliances whose problem list the actor reads (a member's region, or the city)."""
    actor = as_actor(actor)
    scope = actor.scope("view")
    if scope.everything:
        return list(Alliance.objects.all())
    mine = AllianceMember.objects.restrict(actor, "view").values("alliance_id")
    return list(Alliance.objects.filter(pk__in=mine))


def alliance_stats(alliance_ids: list[int]) -> dict:
    """Problems raised and solved per alliance and per field (one grouped statement)."""
    rows = (AllianceProblem.objects.filter(alliance_id__in=alliance_ids).values("alliance_id", "field")
            .annotate(raised=Count("id"), solved=Count("id", filter=Q(state=ProblemState.SOLVED))).order_by())
    out: dict[int, dict] = {a: {"raised": 0, "solved": 0, "fields": []} for a in alliance_ids}
    for r in rows:
        s = out[r["alliance_id"]]
        s["raised"] += r["raised"]
        s["solved"] += r["solved"]
        s["fields"].append({"field": r["field"], "label": str(ProblemField(r["field"]).label), "raised": r["raised"],
                            "solved": r["solved"]})
    for s in out.values():
        s["fields"].sort(key=lambda f: -f["raised"])
    return out


def member_stats(alliance: Alliance) -> list[dict]:
    raised = dict(alliance.problems.values_list("raised_by_id").annotate(n=Count("id")).order_by())
    solved = dict(alliance.problems.exclude(solved_by=None).values_list("solved_by_id").annotate(n=Count("id"))
                  .order_by())
    return [{"id": m.pk, "name": m.name, "outside": m.outside, "convener": m.is_convener,
             "raised": raised.get(m.pk, 0), "solved": solved.get(m.pk, 0)}
            for m in alliance.members.select_related("region")]
