"""Best sites for the next N venues of a region (maximal covering location): among candidate points, the N that
bring the most households not yet within the circle into it. Greedy (any size; within 1-(1-1/N)^N ≥ 1-1/e of the
optimum, with a tighter data-dependent bound reported) or exact (an integer programme, HiGHS via scipy; small
cases). Walking is what the circle uses now (straight × detour, or the imported network)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from jishi.core.errors import PermissionDenied, ValidationFailed
from jishi.core.scope import holds
from jishi.org.choices import Level
from jishi.org.models import Household, Region
from jishi.org.policy import as_actor
from jishi.venues import circle, coverage

MAX_SITES = 50
MAX_CANDIDATES = 20_000


@dataclass
class Site:
    rank: int
    label: str
    lng: float
    lat: float
    adds: int  # households this site brings within the circle, after the sites ranked before it
    alone: int  # households it would bring on its own
    cumulative: int


@dataclass
class BestSites:
    region_id: int
    method: str
    n: int
    households: int
    covered_before: int
    covered_after: int
    upper_bound: int  # no N of these candidates can add more households than this
    bound_ratio: float
    candidates: int
    sites: list[Site] = field(default_factory=list)
    walking: str = ""

    @property
    def added(self) -> int:
        return self.covered_after - self.covered_before


def default_candidates(region: Region) -> list[tuple[str, float, float]]:
    """The centres of the region's micro-grids and grids (where a neighbourhood point could go)."""
    qs = Region.objects.filter(path__startswith=region.path, level__in=[Level.GRID, Level.MICROGRID],
                               lng__isnull=False, lat__isnull=False)
    return [(name, lng, lat) for name, lng, lat in qs.order_by("path").values_list("name", "lng", "lat")]


def best_sites(actor, region: Region, n: int, *, method: str = "greedy",
               candidates: list[tuple[str, float, float]] | None = None) -> BestSites:
    actor = as_actor(actor)
    if not holds(actor, "manage", region):
        raise PermissionDenied("这个区域不在您的管理范围内")
    if method not in ("greedy", "exact"):
        raise ValidationFailed("求解方法应是 greedy（贪心）或 exact（精确）", field="method")
    if not isinstance(n, int) or not 1 <= n <= MAX_SITES:
        raise ValidationFailed(f"新增阵地数应在 1 到 {MAX_SITES} 之间", field="n")
    n = int(n)
    cands = candidates if candidates is not None else default_candidates(region)
    if not cands:
        raise ValidationFailed("没有候选点：请提供候选点（经度,纬度）", field="candidates")
    if len(cands) > MAX_CANDIDATES:
        raise ValidationFailed(f"候选点最多 {MAX_CANDIDATES} 个", field="candidates")
    for label, lng, lat in cands:
        if not (73 <= lng <= 136 and 3 <= lat <= 54):  # also refuses NaN
            raise ValidationFailed(f"候选点“{label}”的坐标 ({lng}, {lat}) 不在经纬度范围内（经度在前、纬度在后）",
                                   field="candidates")
    qs = Household.objects.filter(lng__isnull=False, lat__isnull=False)
    if region.level != Level.CITY:
        qs = qs.filter(**{f"{region.level}_id": region.pk})
    ll = np.array(list(qs.values_list("lng", "lat").order_by()), dtype=float).reshape(-1, 2)
    lat0 = coverage.city_lat0()
    w = coverage.walking(lat0)
    venues = coverage.open_venues()
    hh = circle.project(ll[:, 0], ll[:, 1], lat0)
    minutes = circle.nearest_minutes(hh, circle.project(venues[:, 0], venues[:, 1], lat0), w.params, w.network)
    outside = minutes > w.params.minutes + 1e-9
    cand_ll = np.array([(c[1], c[2]) for c in cands], dtype=float)
    incidence = circle.cover_sets(hh[outside], circle.project(cand_ll[:, 0], cand_ll[:, 1], lat0), w.params, w.network)
    weights = np.ones(int(outside.sum()))
    if method == "exact":
        try:
            plan = circle.exact(incidence, weights, n)
        except ValueError:
            raise ValidationFailed(f"精确求解只用于小范围（候选点不超过 {circle.EXACT_MAX_CANDIDATES} 个、圈外户不超过 "
                                   f"{circle.EXACT_MAX_HOUSEHOLDS} 户），请缩小区域或用贪心", field="method") from None
    else:
        plan = circle.greedy(incidence, weights, n)
    alone = np.asarray(incidence.sum(axis=1)).ravel()
    covered_before = int((~outside).sum())
    sites, running = [], covered_before
    for i, p in enumerate(plan.picks, 1):
        running += int(round(p.gain))
        label, lng, lat = cands[p.candidate]
        sites.append(Site(i, label, float(lng), float(lat), int(round(p.gain)), int(alone[p.candidate]), running))
    how = (f"道路网络 · {w.params.speed:g} 米/分钟" if w.network is not None
           else f"直线 × {w.params.detour:g} · {w.params.speed:g} 米/分钟")
    return BestSites(region_id=region.pk, method=method, n=n, households=len(ll), covered_before=covered_before,
                     covered_after=running, upper_bound=int(np.floor(plan.upper_bound + 1e-9)),
                     bound_ratio=plan.bound_ratio, candidates=len(cands), sites=sites,
                     walking=f"{how} · {w.params.minutes:g} 分钟")
