"""The "1+1+1+3+N" grid force check (网格力量体系).

Every grid should have 1 grid leader (网格长), 1 full-time grid worker (专职网格员), 1 micro-grid
liaison (微网格联络员), 3 or more volunteers (志愿者) and N ≥ 1 line specialists (条线专业力量).
Liaisons and volunteers are posted to micro-grids; their assignments carry the grid column, so one
grouped query over ``StaffAssignment`` checks any number of grids at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count

from jishi.org.choices import Role
from jishi.org.models import StaffAssignment

# role -> minimum number of active posts in a grid
REQUIRED: dict[str, int] = {
    Role.GRID_LEADER: 1,
    Role.GRID_WORKER: 1,
    Role.MICROGRID_LIAISON: 1,
    Role.VOLUNTEER: 3,
    Role.LINE_SPECIALIST: 1,
}
FORCE_ROLES = tuple(REQUIRED)


@dataclass
class GridForce:
    """Active posts of each grid-force role in one grid, and what is missing."""

    grid_id: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def shortfalls(self) -> dict[str, int]:
        """role -> how many more posts are needed (only roles that fall short)."""
        return {r: need - self.counts.get(r, 0) for r, need in REQUIRED.items() if self.counts.get(r, 0) < need}

    @property
    def complete(self) -> bool:
        return not self.shortfalls

    def rows(self) -> list[tuple[str, str, int, int, int]]:
        """(role, label, have, need, missing) in the order of the formula, for templates."""
        rows = []
        for r, need in REQUIRED.items():
            have = self.counts.get(r, 0)
            rows.append((r, Role(r).label, have, need, max(need - have, 0)))
        return rows


def grid_force(grid_ids: Iterable[int]) -> dict[int, GridForce]:
    """The grid force of each grid, in one query."""
    ids = sorted(set(grid_ids))
    result = {gid: GridForce(gid) for gid in ids}
    if not ids:
        return result
    rows = (
        StaffAssignment.objects.filter(grid_id__in=ids, is_active=True, role__in=FORCE_ROLES)
        .values_list("grid_id", "role")
        .annotate(n=Count("id"))
        .order_by()
    )
    for gid, role, n in rows:
        result[gid].counts[role] = n
    return result


def short_grids(grid_ids: Iterable[int]) -> list[GridForce]:
    """The grids among ``grid_ids`` that fall short of 1+1+1+3+N, in id order."""
    return [gf for gf in grid_force(grid_ids).values() if not gf.complete]
