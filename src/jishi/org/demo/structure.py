"""Departments and dispatched units, the four-level party organisation, service venues, and the
staff who are not drawn from a micro-grid's residents (commanders, cadres, handlers, specialists,
merchants)."""

from __future__ import annotations

import random

import numpy as np

from jishi.org.choices import DepartmentKind, PartyOrgKind, Role, VenueKind
from jishi.org.demo import geometry, names
from jishi.org.demo.folk import Folk
from jishi.org.demo.regions import Node, Tree
from jishi.org.models import Department, PartyOrganization, Person, Region, StaffAssignment, Venue

BATCH = 2000


def write_departments(tree: Tree, count: int) -> list[Department]:
    """City departments (the first ``count`` of the list) and three dispatched units per town."""
    rows = []
    for i, (name, short, kind) in enumerate(names.DEPARTMENTS[:count]):
        rows.append(Department(code=f"D{i + 1:03d}", name=name, short_name=short, kind=kind, region=tree.city.region,
                               phone=f"0510-8686{i + 1:04d}"))
    Department.objects.bulk_create(rows)
    by_short = {d.short_name: d for d in rows}
    units = []
    for t in tree.towns:
        town_short = t.region.name.removesuffix("镇").removesuffix("街道")
        for j, (suffix, short, parent) in enumerate(names.DISPATCHED):
            units.append(Department(
                code=f"D{t.region.code[6:9]}{j + 1:02d}", name=f"{town_short}{suffix}", short_name=f"{town_short}{short}",
                kind=DepartmentKind.DISPATCHED, region=t.region, parent=by_short.get(parent),
            ))
    Department.objects.bulk_create(units)
    return rows + units


def write_party_orgs(tree: Tree, rng: random.Random) -> dict[int, int]:
    """Town committee → village party organisation → grid party organisation → micro-grid post or
    party-member household. Returns {grid region id: grid party organisation id}."""

    def org(node: Node, kind: str, name: str, parent: PartyOrganization | None) -> PartyOrganization:
        o = PartyOrganization(code=f"P{node.region.code}", name=name, kind=kind, region=node.region, parent=parent)
        o.place_in(node.region)
        return o

    towns = {}
    for t in tree.towns:
        suffix = "工作委员会" if t.region.kind == "subdistrict" else "委员会"
        towns[t.region.pk] = org(t, PartyOrgKind.COMMITTEE, f"中共{names.CITY_NAME}{t.region.name}{suffix}", None)
    PartyOrganization.objects.bulk_create(towns.values())
    villages = {}
    for v in tree.villages:
        level = rng.choice(["委员会", "总支部委员会", "支部委员会"])
        villages[v.region.pk] = org(v, PartyOrgKind.VILLAGE_COMMITTEE, f"中共{v.parent.region.name}{v.region.name}{level}",
                                    towns[v.parent.region.pk])
    PartyOrganization.objects.bulk_create(villages.values())
    grids = {}
    for g in tree.grids:
        grids[g.region.pk] = org(g, PartyOrgKind.GRID_ORG, f"{g.region.name}党支部", villages[g.parent.region.pk])
    PartyOrganization.objects.bulk_create(grids.values(), batch_size=BATCH)
    posts = []
    for m in tree.microgrids:
        kind = m.plan.post_kind
        label = "先锋驿站" if kind == PartyOrgKind.PIONEER_POST else "党员中心户"
        posts.append(org(m, kind, f"{m.region.name}{label}", grids[m.parent.region.pk]))
    PartyOrganization.objects.bulk_create(posts, batch_size=BATCH)
    return {rid: o.pk for rid, o in grids.items()}


def _venue(node: Node, kind: str, name: str, lng: float, lat: float, rng: random.Random) -> Venue:
    v = Venue(name=name, kind=kind, region=node.region, lng=lng, lat=lat, address=f"{names.CITY_NAME}{_path(node)}",
              opening_hours=rng.choice(["周一至周五 8:30-17:30", "每日 8:00-20:00", "周一至周六 9:00-17:00"]),
              phone=f"0510-{rng.randrange(80000000, 89999999)}")
    v.place_in(node.region)
    return v


def _path(node: Node) -> str:
    parts = []
    while node is not None and node.parent is not None:
        parts.append(node.region.name)
        node = node.parent
    return "".join(reversed(parts[-2:])) if len(parts) > 2 else "".join(reversed(parts))


def write_venues(tree: Tree, rng: random.Random, seed: int, mediation: int, informant: int) -> set[int]:
    """Centres, stations and points; returns the micro-grid ids that host an informant station."""
    nprng = np.random.default_rng([seed, 7])
    rows = []

    def points(node: Node, n: int):
        xs, ys = geometry.sample_points(node.geom, n, nprng, geometry.MARGIN)
        return list(zip(xs.tolist(), ys.tolist(), strict=True))

    for t in tree.towns:
        (x, y), = points(t, 1)
        rows.append(_venue(t, VenueKind.PARTY_MASS_CENTRE, f"{t.region.name}党群服务中心", x, y, rng))
    for v in tree.villages:
        pts = points(v, 1 + 3 + 10)
        rows.append(_venue(v, VenueKind.PARTY_MASS_CENTRE, f"{v.region.name}党群服务中心", *pts[0], rng))
        for i, p in enumerate(pts[1:4]):
            rows.append(_venue(v, VenueKind.PIONEER_STATION, f"{v.region.name}综合网格先锋驿站{i + 1}号", *p, rng))
        for i, p in enumerate(pts[4:]):
            rows.append(_venue(v, VenueKind.NEIGHBOURHOOD_POINT, f"{v.region.name}党建睦邻点{i + 1}号", *p, rng))
    brands = ["老娘舅", "和事佬", "知心姐姐", "老兵", "乡贤", "法润", "连心", "同心"]
    for v in rng.sample(tree.villages, min(mediation, len(tree.villages))):
        rows.append(_venue(v, VenueKind.MEDIATION_STUDIO, f"{v.region.name}“{rng.choice(brands)}”调解工作室",
                           *points(v, 1)[0], rng))
    hosts = rng.sample(tree.microgrids, min(informant, len(tree.microgrids)))
    for m in hosts:
        rows.append(_venue(m, VenueKind.INFORMANT_STATION, f"{m.region.name}小蜜蜂驿站", *points(m, 1)[0], rng))
    Venue.objects.bulk_create(rows, batch_size=BATCH)
    return {m.region.pk for m in hosts}


def write_officials(tree: Tree, departments: list[Department], folk: Folk) -> int:
    """City and town commanders, village cadres, department handlers, line specialists, merchants."""
    posts: list[tuple[Person, str, Region | None, Department | None, str]] = []

    def add(role: str, region: Node | None, dept: Department | None = None, specialty: str = "",
            live_in: Region | None = None) -> None:
        p = folk.person()
        p.place_in(live_in)
        posts.append((p, role, region.region if region else None, dept, specialty))

    for _ in range(6):
        add(Role.CITY_COMMANDER, tree.city)
    for t in tree.towns:
        for _ in range(3):
            add(Role.TOWN_COMMANDER, t, live_in=t.region)
    for v in tree.villages:
        for _ in range(5):
            add(Role.VILLAGE_CADRE, v, live_in=v.region)
        add(Role.MERCHANT, v, live_in=v.region)
    for d in departments:
        for _ in range(2):
            add(Role.DEPARTMENT_HANDLER, None, dept=d)
    by_short = {d.short_name: d for d in departments}
    for g in tree.grids:
        for specialty in folk.rng.sample(names.LINE_SPECIALTIES, g.plan.specialists):
            add(Role.LINE_SPECIALIST, g, dept=by_short.get(specialty), specialty=specialty)
    Person.objects.bulk_create([p for p, *_ in posts], batch_size=BATCH)
    rows = []
    for p, role, region, dept, specialty in posts:
        a = StaffAssignment(person_id=p.pk, role=role, region=region, department=dept, specialty=specialty)
        a.place_in(region if region is not None and region.level != "city" else None)
        rows.append(a)
    StaffAssignment.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)
