"""``generate(scale, seed)``: the whole demo city, then every other domain's demo hook.

Deterministic for a seed. Bulk loads write one audit record per step (actor: system), not one per row.
"""

from __future__ import annotations

import importlib
import importlib.util
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction
from tqdm import tqdm

from jishi.core import audit
from jishi.org.choices import Role
from jishi.org.demo import bulk, logins, people, structure
from jishi.org.demo.context import DemoContext
from jishi.org.demo.folk import Folk
from jishi.org.demo.plan import make_plan
from jishi.org.demo.regions import build_tree
from jishi.org.models import Department, Household, PartyOrganization, Person, Region, StaffAssignment, Venue

DEFAULT_SEED = 20261127
DEMO_TODAY = date(2026, 11, 27)


def progress(iterable=None, total: int | None = None, desc: str = ""):
    """A tqdm bar on stderr; silent when stderr is not a terminal."""
    return tqdm(iterable, total=total, desc=desc, file=sys.stderr, disable=not sys.stderr.isatty(), leave=False,
                dynamic_ncols=True)


@dataclass
class Result:
    counts: dict[str, int] = field(default_factory=dict)
    steps: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    logins: list = field(default_factory=list)
    hooks: list[str] = field(default_factory=list)
    hook_times: dict[str, tuple[float, float]] = field(default_factory=dict)  # app label → (wall s, CPU s)


def _step(result: Result, name: str, started: float, summary: str, data: dict) -> float:
    audit.record(None, f"demo.{name}", object_type="org.demo", object_id=name, summary=summary, data=data)
    now = time.perf_counter()
    result.steps[name] = round(now - started, 2)
    return now


def count_city() -> dict[str, int]:
    """The counts the report quotes, read back from the database."""
    volunteers = StaffAssignment.objects.filter(role=Role.VOLUNTEER, is_active=True)
    return {
        "towns": Region.objects.filter(level="town").count(),
        "villages": Region.objects.filter(level="village", kind="village").count(),
        "communities": Region.objects.filter(level="village", kind="community").count(),
        "grids": Region.objects.filter(level="grid").count(),
        "grid_party_orgs": PartyOrganization.objects.filter(kind="grid_org").count(),
        "microgrids": Region.objects.filter(level="microgrid").count(),
        "volunteers": volunteers.count(),
        "party_volunteers": volunteers.filter(person__is_party_member=True).count(),
        "residents": Person.objects.filter(household__isnull=False).count(),
        "households": Household.objects.count(),
        "departments": Department.objects.count(),
        "venues": Venue.objects.count(),
    }


def generate(scale: str = "small", seed: int = DEFAULT_SEED, *, hooks: bool = True) -> Result:
    """Write the demo city of ``scale`` ("small" | "city"), its logins, then the domains' demo data."""
    result = Result()
    t0 = t = time.perf_counter()
    plan = make_plan(scale, seed)
    rng = random.Random(f"demo:{seed}")
    with bulk.big_cache(), transaction.atomic():
        tree = build_tree(plan, rng, progress)
        t = _step(result, "regions", t, f"演示数据：生成区域 {len(tree.microgrids) + len(tree.grids)} 个网格/微网格",
                  {"scale": scale, "seed": seed, "towns": len(tree.towns), "villages": len(tree.villages),
                   "grids": len(tree.grids), "microgrids": len(tree.microgrids)})
        departments = structure.write_departments(tree, plan.preset.departments)
        grid_orgs = structure.write_party_orgs(tree, rng)
        informant_mgs = structure.write_venues(tree, rng, seed, plan.preset.mediation_studios,
                                               plan.preset.informant_stations)
        t = _step(result, "structure", t, "演示数据：部门、党组织、服务阵地",
                  {"departments": len(departments), "grid_party_orgs": len(grid_orgs)})
        folk = Folk(random.Random(f"folk:{seed}"), DEMO_TODAY)
        n_officials = structure.write_officials(tree, departments, folk)
        counts = people.write_residents(tree, folk, seed, grid_orgs, informant_mgs, progress)
        t = _step(result, "people", t, f"演示数据：居民 {counts.residents} 人、{counts.households} 户",
                  {"residents": counts.residents, "households": counts.households,
                   "assignments": counts.assignments + n_officials})
        _count_party_members(grid_orgs)
        _name_secretaries()
        result.logins = logins.create_logins()
        t = _step(result, "logins", t, "演示数据：演示账号", {"logins": [x.username for x in result.logins]})
    if hooks:
        ctx = DemoContext(scale=scale, seed=seed, rng=random.Random(f"hooks:{seed}"), progress=progress,
                          today=DEMO_TODAY)
        result.hooks = run_hooks(ctx, result.hook_times)
        t = _step(result, "hooks", t, "演示数据：各业务域", {"hooks": result.hooks})
    result.counts = count_city()
    result.seconds = round(time.perf_counter() - t0, 1)
    return result


def _count_party_members(grid_orgs: dict[int, int]) -> None:
    from django.db.models import Count

    rows = (Person.objects.filter(party_org_id__in=grid_orgs.values()).values("party_org_id")
            .annotate(n=Count("id")).order_by())
    orgs = [PartyOrganization(pk=r["party_org_id"], member_count=r["n"]) for r in rows]
    PartyOrganization.objects.bulk_update(orgs, ["member_count"], batch_size=1000)


def _name_secretaries() -> None:
    """A grid party organisation's secretary is its grid leader; a village's, its first cadre."""
    leaders = dict(StaffAssignment.objects.filter(role=Role.GRID_LEADER).order_by("-id").values_list("region_id", "person_id"))
    cadres = dict(StaffAssignment.objects.filter(role=Role.VILLAGE_CADRE).order_by("-id").values_list("region_id", "person_id"))
    orgs = []
    for o in PartyOrganization.objects.filter(kind__in=["grid_org", "village_committee"]).only("id", "region_id", "kind"):
        o.secretary_id = (leaders if o.kind == "grid_org" else cadres).get(o.region_id)
        orgs.append(o)
    PartyOrganization.objects.bulk_update(orgs, ["secretary"], batch_size=1000)


def run_hooks(ctx: DemoContext, times: dict[str, tuple[float, float]] | None = None) -> list[str]:
    """Call ``<app>.demo.generate(ctx)`` for every installed jishi app other than org that has one.
    Returns the apps called (with the one-line summary a hook may return); ``times`` gets each hook's wall
    and CPU seconds (the CPU of this process: what the hook costs in Python, not in a database server)."""
    called = []
    for app in settings.INSTALLED_APPS:
        if not app.startswith("jishi.") or app == "jishi.org":
            continue
        if importlib.util.find_spec(f"{app}.demo") is None:
            continue
        hook = getattr(importlib.import_module(f"{app}.demo"), "generate", None)
        if callable(hook):
            wall, cpu = time.perf_counter(), time.process_time()
            summary = hook(ctx)
            if times is not None:
                times[app.removeprefix("jishi.")] = (round(time.perf_counter() - wall, 1),
                                                     round(time.process_time() - cpu, 1))
            called.append(f"{app}（{summary}）" if isinstance(summary, str) and summary else app)
    return called
