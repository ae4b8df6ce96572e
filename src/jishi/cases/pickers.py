"""Reference data of the case forms: categories, departments, dispatch targets, filter regions, the
location picker's boundaries."""

from __future__ import annotations

from collections import defaultdict

from jishi.cases.models import Case, Category
from jishi.core.actor import Actor
from jishi.org.models import Department, Region
from jishi.org.policy import GRID_SIDE_ROLES


def category_groups() -> list[tuple[Category, list[Category]]]:
    """Active 大类 with their active 小类, for the category picker."""
    rows = list(Category.objects.filter(is_active=True).order_by("sort", "code"))
    children: dict[int, list[Category]] = defaultdict(list)
    for c in rows:
        if c.parent_id:
            children[c.parent_id].append(c)
    return [(c, children[c.pk]) for c in rows if c.parent_id is None and children[c.pk]]


def departments() -> list[Department]:
    return list(Department.objects.filter(is_active=True).order_by("code"))


def dispatch_regions(case: Case) -> list[Region]:
    """The village/town that a case may be dispatched to (its own)."""
    ids = [i for i in (case.village_id, case.town_id) if i]
    return list(Region.objects.filter(pk__in=ids).order_by("path"))


def board_regions(actor: Actor) -> list[Region]:
    """Towns and villages the actor may filter by."""
    return list(Region.objects.restrict(actor, "view").filter(level__in=["town", "village"]).order_by("path")[:400])


def grid_ids(actor: Actor) -> set[int]:
    """The grids and micro-grids whose lists the actor works from."""
    return {p.region_id for p in actor.posts if p.role in GRID_SIDE_ROLES and p.region_id}


def pick_boundaries(actor: Actor) -> dict:
    """GeoJSON to draw under the location picker: the actor's grids, else the city's towns."""
    grids = grid_ids(actor)
    qs = Region.objects.filter(pk__in=sorted(grids)) if grids else Region.objects.filter(level="town")
    feats = [{"type": "Feature", "properties": {"name": r.name}, "geometry": r.boundary}
             for r in qs.only("name", "boundary") if r.boundary]
    return {"type": "FeatureCollection", "features": feats}
