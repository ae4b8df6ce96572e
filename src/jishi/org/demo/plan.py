"""The demo city's numbers and names, decided before anything is written (pure, seeded).

``make_plan("city")`` reproduces the report: 17 towns/subdistricts, 191 administrative villages
plus urban communities, 1,390 grids (one grid party organisation each), 21,456 micro-grid volunteers
of whom 7,152 are party members, ~1.7 million residents. A few grids are deliberately short of the
"1+1+1+3+N" grid force so the shortfall check has something to show.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from jishi.org.demo import names


@dataclass(frozen=True)
class Preset:
    towns: int
    subdistricts: int
    villages: int
    communities: int
    grids: int
    volunteers: int
    party_volunteers: int
    residents: int
    short_grids: int
    mediation_studios: int
    informant_stations: int
    departments: int


PRESETS = {
    "city": Preset(towns=14, subdistricts=3, villages=191, communities=55, grids=1390, volunteers=21_456,
                   party_volunteers=7_152, residents=1_700_000, short_grids=12, mediation_studios=60,
                   informant_stations=135, departments=len(names.DEPARTMENTS)),
    "small": Preset(towns=1, subdistricts=1, villages=4, communities=2, grids=24, volunteers=360,
                    party_volunteers=120, residents=3_000, short_grids=2, mediation_studios=3,
                    informant_stations=4, departments=len(names.DEPARTMENTS)),
}


@dataclass
class MicrogridPlan:
    name: str
    residents: int = 0
    volunteers: int = 0
    party_volunteers: int = 0
    has_liaison: bool = True
    post_kind: str = "pioneer_post"  # or "party_household"


@dataclass
class GridPlan:
    name: str
    microgrids: list[MicrogridPlan]
    has_worker: bool = True
    specialists: int = 1
    estate: str = ""  # the housing estate of a community grid
    short: bool = False


@dataclass
class VillagePlan:
    name: str
    kind: str  # "village" | "community"
    grids: list[GridPlan] = field(default_factory=list)


@dataclass
class TownPlan:
    name: str
    kind: str  # "town" | "subdistrict"
    villages: list[VillagePlan] = field(default_factory=list)


@dataclass
class Plan:
    scale: str
    preset: Preset
    towns: list[TownPlan]

    def villages(self) -> list[VillagePlan]:
        return [v for t in self.towns for v in t.villages]

    def grids(self) -> list[GridPlan]:
        return [g for v in self.villages() for g in v.grids]

    def microgrids(self) -> list[MicrogridPlan]:
        return [m for g in self.grids() for m in g.microgrids]

    def totals(self) -> dict[str, int]:
        mgs = self.microgrids()
        return {
            "towns": len(self.towns),
            "villages": sum(v.kind == "village" for v in self.villages()),
            "communities": sum(v.kind == "community" for v in self.villages()),
            "grids": len(self.grids()),
            "grid_party_orgs": len(self.grids()),
            "microgrids": len(mgs),
            "volunteers": sum(m.volunteers for m in mgs),
            "party_volunteers": sum(m.party_volunteers for m in mgs),
            "residents": sum(m.residents for m in mgs),
        }


def apportion(total: int, weights: list[float], minimum: int = 0, cap: list[int] | None = None) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder), each ≥ minimum
    and ≤ cap[i] when caps are given. The parts always sum to ``total``."""
    n = len(weights)
    if total < minimum * n:
        raise ValueError(f"cannot give {n} parts at least {minimum} from {total}")
    rest = total - minimum * n
    wsum = sum(weights)
    raw = [rest * w / wsum for w in weights]
    parts = [minimum + int(r) for r in raw]
    order = sorted(range(n), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    left = total - sum(parts)
    for i in order[:left]:
        parts[i] += 1
    if cap is not None:  # move any excess over a cap to parts with room, biggest room first
        excess = sum(max(0, p - c) for p, c in zip(parts, cap, strict=True))
        parts = [min(p, c) for p, c in zip(parts, cap, strict=True)]
        for i in sorted(range(n), key=lambda i: cap[i] - parts[i], reverse=True):
            take = min(excess, cap[i] - parts[i])
            parts[i] += take
            excess -= take
            if not excess:
                break
        if excess:
            raise ValueError("caps leave no room")
    return parts


def make_plan(scale: str, seed: int) -> Plan:
    """Every count and name of the demo city for ``scale`` ("small" | "city"), seeded."""
    p = PRESETS[scale]
    rng = random.Random(f"plan:{seed}")
    town_names = names.TOWNS[: p.towns] + names.SUBDISTRICTS[: p.subdistricts]
    kinds = ["town"] * p.towns + ["subdistrict"] * p.subdistricts
    towns = [TownPlan(n, k) for n, k in zip(town_names, kinds, strict=True)]
    jitter = [rng.uniform(0.75, 1.25) for _ in towns]
    n_villages = apportion(p.villages, [j * (1.0 if t.kind == "town" else 0.25) for j, t in zip(jitter, towns, strict=True)],
                           minimum=1)
    n_comms = apportion(p.communities, [j * (0.12 if t.kind == "town" else 1.0) for j, t in zip(jitter, towns, strict=True)])
    taken: set[str] = set()
    for town, nv, nc in zip(towns, n_villages, n_comms, strict=True):
        town.villages = [VillagePlan(n, "village") for n in names.place_names(rng, nv, "村", taken)]
        town.villages += [VillagePlan(n, "community") for n in names.place_names(rng, nc, "社区", taken)]
    villages = [v for t in towns for v in t.villages]
    n_grids = apportion(p.grids, [rng.uniform(0.8, 1.2) * (1.0 if v.kind == "village" else 1.4) for v in villages],
                        minimum=2)
    estates: set[str] = set()
    for v, ng in zip(villages, n_grids, strict=True):
        for gi in range(ng):
            grid = GridPlan(name=f"{v.name}第{gi + 1}网格", microgrids=[], specialists=rng.randint(1, 3))
            if v.kind == "community":
                grid.estate = names.estate_name(rng, estates)
            v.grids.append(grid)
    grids = [g for v in villages for g in v.grids]
    for v in villages:  # micro-grids: 4–6 per grid; village groups are numbered across the village
        group = 0
        for g in v.grids:
            for mi in range(rng.randint(4, 6)):
                group += 1
                label = f"{group}组" if v.kind == "village" else f"{g.estate}{2 * mi + 1}-{2 * mi + 2}幢"
                g.microgrids.append(MicrogridPlan(name=label, post_kind=rng.choice(["pioneer_post", "party_household"])))
    # A few grids fall short of 1+1+1+3+N: two volunteers only, and no grid worker or a missing liaison.
    short = rng.sample(range(len(grids)), p.short_grids)
    for i, gi in enumerate(sorted(short)):
        g = grids[gi]
        g.short = True
        if i % 2 == 0:
            g.has_worker = False
        else:
            g.microgrids[-1].has_liaison = False
        g.microgrids[0].volunteers = 2
        g.microgrids[0].party_volunteers = 1
    normal = [m for g in grids if not g.short for m in g.microgrids]
    short_vol = sum(m.volunteers for g in grids if g.short for m in g.microgrids)
    short_party = sum(m.party_volunteers for g in grids if g.short for m in g.microgrids)
    vols = apportion(p.volunteers - short_vol, [rng.uniform(0.6, 1.4) for _ in normal], minimum=1)
    party = apportion(p.party_volunteers - short_party, [float(v) for v in vols], cap=vols)
    for m, v, pv in zip(normal, vols, party, strict=True):
        m.volunteers, m.party_volunteers = v, pv
    mgs = [m for g in grids for m in g.microgrids]
    density = {id(m): (1.0 if v.kind == "village" else 1.8) for v in villages for g in v.grids for m in g.microgrids}
    need = [2 * (m.volunteers + 5) for m in mgs]  # enough adults for the staff drawn from the residents
    weights = [rng.uniform(0.7, 1.3) * density[id(m)] for m in mgs]
    base = apportion(p.residents - sum(need), weights)
    for m, b, nd in zip(mgs, base, need, strict=True):
        m.residents = b + nd
    return Plan(scale=scale, preset=p, towns=towns)
