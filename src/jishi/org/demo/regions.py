"""Writes the region tree of a plan: city → towns → villages/communities → grids → micro-grids.

Each level is one ``bulk_create`` (ids come back on SQLite and PostgreSQL) followed by a
``bulk_update`` of the materialised path and ancestor columns (``Region.fill_ancestors`` needs pk).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import shapely

from jishi.org.choices import Level, RegionKind
from jishi.org.demo import geometry, names
from jishi.org.demo.plan import GridPlan, MicrogridPlan, Plan, TownPlan, VillagePlan
from jishi.org.models import Region
from jishi.org.services import build_region


@dataclass
class Node:
    """A written region with its plan entry and its (snapped) geometry."""

    region: Region
    plan: TownPlan | VillagePlan | GridPlan | MicrogridPlan | None
    geom: shapely.Geometry
    parent: Node | None = None


@dataclass
class Tree:
    city: Node
    towns: list[Node] = field(default_factory=list)
    villages: list[Node] = field(default_factory=list)
    grids: list[Node] = field(default_factory=list)
    microgrids: list[Node] = field(default_factory=list)


def _write(nodes: list[Node]) -> None:
    rows = [n.region for n in nodes]
    for r in rows:
        r.path = ""
    Region.objects.bulk_create(rows, batch_size=1000)
    for r in rows:
        r.fill_ancestors()
    Region.objects.bulk_update(rows, ["path", "town", "village", "grid", "microgrid"], batch_size=1000)


def _node(parent: Node | None, plan, level: str, code: str, name: str, kind: str, geom, sort: int) -> Node:
    region = build_region(parent.region if parent else None, level, code, name, kind=kind,
                          boundary=geometry.to_geojson(geom))
    region.sort = sort
    return Node(region=region, plan=plan, geom=geom, parent=parent)


def build_tree(plan: Plan, rng: random.Random, progress) -> Tree:
    """Tessellate and write every level of ``plan``; returns the written nodes, level by level."""
    city_geom = geometry.from_geojson(geometry.to_geojson(geometry.outline()))
    tree = Tree(city=_node(None, None, Level.CITY, names.CITY_CODE + "000000", names.CITY_NAME, RegionKind.CITY,
                           city_geom, 0))
    _write([tree.city])

    sub_no, town_no = 0, 0
    for i, (tp, geom) in enumerate(zip(plan.towns, geometry.split(city_geom, len(plan.towns), rng), strict=True)):
        if tp.kind == "subdistrict":
            sub_no += 1
            code, kind = f"{names.CITY_CODE}{sub_no:03d}000", RegionKind.SUBDISTRICT
        else:
            code, kind = f"{names.CITY_CODE}{100 + town_no:03d}000", RegionKind.TOWN
            town_no += 1
        tree.towns.append(_node(tree.city, tp, Level.TOWN, code, tp.name, kind, geom, i))
    _write(tree.towns)

    for town in progress(tree.towns, desc="村/社区边界"):
        vps = town.plan.villages
        n_vil, n_com = 0, 0
        for i, (vp, geom) in enumerate(zip(vps, geometry.split(town.geom, len(vps), rng), strict=True)):
            if vp.kind == "village":
                n_vil += 1
                code, kind = f"{town.region.code[:9]}{199 + n_vil:03d}", RegionKind.VILLAGE
            else:
                n_com += 1
                code, kind = f"{town.region.code[:9]}{n_com:03d}", RegionKind.COMMUNITY
            tree.villages.append(_node(town, vp, Level.VILLAGE, code, vp.name, kind, geom, i))
    _write(tree.villages)

    for village in progress(tree.villages, desc="网格边界"):
        gps = village.plan.grids
        for i, (gp, geom) in enumerate(zip(gps, geometry.split(village.geom, len(gps), rng), strict=True)):
            tree.grids.append(_node(village, gp, Level.GRID, f"{village.region.code}{i + 1:03d}", gp.name,
                                    RegionKind.GRID, geom, i))
    _write(tree.grids)

    for grid in progress(tree.grids, desc="微网格边界"):
        mps = grid.plan.microgrids
        village_name = grid.parent.region.name
        for i, (mp, geom) in enumerate(zip(mps, geometry.split(grid.geom, len(mps), rng), strict=True)):
            name = mp.name if grid.plan.estate else f"{village_name}{mp.name}"
            tree.microgrids.append(_node(grid, mp, Level.MICROGRID, f"{grid.region.code}{i + 1:02d}", name,
                                         RegionKind.MICROGRID, geom, i))
    _write(tree.microgrids)
    return tree
