"""The 8-minute service circle as arrays: walking time from every household to its nearest venue, and the best
sites for the next venues (maximal covering location). No Django here: numpy and scipy only, vectorised.

Two ways of walking:

- **straight** (default): straight-line distance × a detour factor ÷ a walking speed. One scipy KD-tree over the
  venues answers all households at once (``cKDTree.query``, every core).
- **network**: an imported road/path network (GeoJSON lines) made a sparse graph; one multi-source Dijkstra from
  every venue (``scipy.sparse.csgraph.dijkstra(min_only=True, limit=…)``) gives each node its walking distance to
  the nearest venue; a household walks straight to its nearest node (KD-tree), then along the network.

Best sites: the households not yet covered × the candidate points that would cover them (a sparse incidence
matrix) → greedy (each step the candidate adding the most; within (1-1/e) of the optimum, and a data-dependent
upper bound is reported too) or exact (an integer programme solved by HiGHS through ``scipy.optimize.milp``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import shapely

if TYPE_CHECKING:
    from scipy import sparse
    from scipy.spatial import cKDTree

# scipy is imported by the functions that use it: a web worker loads these modules with the venue pages, and
# scipy (sparse, csgraph, optimize, spatial) would add ~43 MiB (179 → 136 MiB after setup and URL loading) and
# ~0.3 s to every worker that never computes a circle; the consumer's process pays it once, on first use.

EARTH_M = 6_371_008.8
EPS = 1e-6  # a zero-length edge would be no edge in a sparse matrix
EXACT_MAX_CANDIDATES = 300
EXACT_MAX_HOUSEHOLDS = 50_000


@dataclass(frozen=True)
class Params:
    """Walking speed (metres a minute), detour factor (road distance ÷ straight distance) and the minutes."""

    speed: float = 80.0  # 4.8 km/h, an older resident's pace
    detour: float = 1.3
    minutes: float = 8.0

    @property
    def reach_m(self) -> float:
        """Walking metres within the minutes."""
        return self.speed * self.minutes

    @property
    def straight_reach_m(self) -> float:
        """Straight-line metres within the minutes (walking metres ÷ detour)."""
        return self.reach_m / self.detour


def project(lng, lat, lat0: float) -> np.ndarray:
    """Longitude/latitude (degrees) → metres on a plane tangent at latitude ``lat0`` (equirectangular: at a
    county's size, under 0.1% off)."""
    lng = np.asarray(lng, dtype=float)
    lat = np.asarray(lat, dtype=float)
    k = math.pi / 180 * EARTH_M
    return np.column_stack([lng * k * math.cos(math.radians(lat0)), lat * k])


@dataclass
class Network:
    """A walking network: node coordinates (metres) and a symmetric sparse graph of edge lengths (metres)."""

    xy: np.ndarray
    graph: sparse.csr_matrix
    km: float = 0.0
    tree: cKDTree = field(init=False, repr=False)

    def __post_init__(self) -> None:
        from scipy.spatial import cKDTree

        self.tree = cKDTree(self.xy) if len(self.xy) else None

    @property
    def nodes(self) -> int:
        return len(self.xy)

    @property
    def edges(self) -> int:
        return int(self.graph.nnz // 2)


def lines_of(geojson: dict) -> list[list[tuple[float, float]]]:
    """The LineStrings (and MultiLineStrings) of a GeoJSON FeatureCollection, Feature or geometry."""
    out: list[list[tuple[float, float]]] = []

    def geom(g: dict | None) -> None:
        if not isinstance(g, dict):
            return
        t = g.get("type")
        if t == "LineString":
            out.append([(float(p[0]), float(p[1])) for p in g.get("coordinates") or []])
        elif t == "MultiLineString":
            for line in g.get("coordinates") or []:
                out.append([(float(p[0]), float(p[1])) for p in line])
        elif t == "GeometryCollection":
            for x in g.get("geometries") or []:
                geom(x)

    t = geojson.get("type") if isinstance(geojson, dict) else None
    if t == "FeatureCollection":
        for f in geojson.get("features") or []:
            geom((f or {}).get("geometry"))
    elif t == "Feature":
        geom(geojson.get("geometry"))
    else:
        geom(geojson)
    return [line for line in out if len(line) >= 2]


def noded(lines: list[list[tuple[float, float]]], step_m: float = 0) -> list[list[tuple[float, float]]]:
    """The lines split where they cross (shapely's noding union), so crossing roads share a node; with
    ``step_m`` a vertex at least every ``step_m`` metres, so a household steps onto the road near where it is."""
    merged = shapely.union_all(shapely.linestrings(lines) if lines else [])
    if step_m:
        merged = shapely.segmentize(merged, max_segment_length=step_m / (math.pi / 180 * EARTH_M))
    parts = shapely.get_parts(merged)
    return [[(float(x), float(y)) for x, y in shapely.get_coordinates(p)] for p in parts
            if shapely.get_type_id(p) == 1]


STEP_M = 50.0


def build_network(lines: list[list[tuple[float, float]]], lat0: float, *, split_crossings: bool = True,
                  step_m: float = STEP_M) -> Network:
    """Nodes are the lines' vertices (shared where coordinates coincide to ~1 cm; with ``split_crossings`` also
    where two lines cross, and one at least every ``step_m`` metres); edges their segments."""
    from scipy import sparse

    if split_crossings and lines:
        lines = noded(lines, step_m)
    if not lines:
        return Network(np.zeros((0, 2)), sparse.csr_matrix((0, 0)))
    pts = np.array([p for line in lines for p in line], dtype=float)
    xy = project(pts[:, 0], pts[:, 1], lat0)
    keys = np.round(xy, 2)
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    starts = np.cumsum([0] + [len(line) for line in lines])
    a_idx, b_idx = [], []
    for s, e in zip(starts[:-1], starts[1:], strict=True):
        a_idx.append(inverse[s:e - 1])
        b_idx.append(inverse[s + 1:e])
    a = np.concatenate(a_idx)
    b = np.concatenate(b_idx)
    keep = a != b
    a, b = a[keep], b[keep]
    length = np.hypot(*(uniq[a] - uniq[b]).T) + EPS
    n = len(uniq)
    g = sparse.coo_matrix((np.concatenate([length, length]), (np.concatenate([a, b]), np.concatenate([b, a]))),
                          shape=(n, n)).tocsr()
    g.sum_duplicates()
    # a duplicated segment was summed: keep the shortest instead (min over duplicates)
    if len(length):
        pairs = np.concatenate([a * n + b, b * n + a])
        order = np.lexsort((np.concatenate([length, length]), pairs))
        first = np.ones(len(order), dtype=bool)
        first[1:] = pairs[order][1:] != pairs[order][:-1]
        sel = order[first]
        rows, cols = np.divmod(pairs[sel], n)
        g = sparse.csr_matrix((np.concatenate([length, length])[sel], (rows, cols)), shape=(n, n))
    return Network(uniq.astype(float), g, km=float(length.sum()) / 1000)


def nearest_minutes(households: np.ndarray, venues: np.ndarray, params: Params,
                    network: Network | None = None) -> np.ndarray:
    """Minutes from each household (metres, n×2) to its nearest venue (m×2); ``inf`` with no venue (or none
    reachable on the network)."""
    from scipy.spatial import cKDTree

    n = len(households)
    if n == 0:
        return np.zeros(0)
    if len(venues) == 0:
        return np.full(n, np.inf)
    if network is None or network.nodes == 0:
        d, _ = cKDTree(venues).query(households, k=1, workers=-1)
        return d * params.detour / params.speed
    node_d = _node_distance(network, venues, limit=np.inf)
    access, node = network.tree.query(households, k=1, workers=-1)
    return (node_d[node] + access) / params.speed


def _node_distance(network: Network, sources: np.ndarray, limit: float) -> np.ndarray:
    """Walking metres from each network node to the nearest source point (sources step onto their nearest node
    first): a multi-source Dijkstra over the graph plus one extra node per source joined by its access leg."""
    from scipy import sparse
    from scipy.sparse import csgraph

    access, node = network.tree.query(sources, k=1, workers=-1)
    n, m = network.nodes, len(sources)
    extra = np.arange(n, n + m)
    w = access + EPS
    g = sparse.bmat([[network.graph, sparse.csr_matrix((np.concatenate([w]), (node, extra - n)), shape=(n, m))],
                     [sparse.csr_matrix((w, (extra - n, node)), shape=(m, n)), None]], format="csr")
    d = csgraph.dijkstra(g, directed=False, indices=extra, min_only=True, limit=limit)
    return d[:n]


def cover_sets(households: np.ndarray, candidates: np.ndarray, params: Params,
               network: Network | None = None) -> sparse.csr_matrix:
    """The incidence matrix (candidates × households, boolean): which households each candidate would bring
    within the minutes."""
    from scipy import sparse
    from scipy.sparse import csgraph
    from scipy.spatial import cKDTree

    m, n = len(candidates), len(households)
    if m == 0 or n == 0:
        return sparse.csr_matrix((m, n), dtype=bool)
    if network is None or network.nodes == 0:
        hits = cKDTree(candidates).query_ball_point(households, r=params.straight_reach_m, workers=-1)
        lens = np.fromiter((len(h) for h in hits), dtype=np.int64, count=n)
        cols = np.repeat(np.arange(n), lens)
        rows = np.concatenate([np.asarray(h, dtype=np.int64) for h in hits]) if lens.sum() else np.zeros(0, np.int64)
        return sparse.csr_matrix((np.ones(len(rows), dtype=bool), (rows, cols)), shape=(m, n))
    reach = params.reach_m
    h_access, h_node = network.tree.query(households, k=1, workers=-1)
    c_access, c_node = network.tree.query(candidates, k=1, workers=-1)
    blocks = []
    for s in range(0, m, 64):
        idx = np.arange(s, min(m, s + 64))
        d = csgraph.dijkstra(network.graph, directed=False, indices=c_node[idx], limit=reach)
        within = (d[:, h_node] + h_access[None, :] + c_access[idx, None]) <= reach
        blocks.append(sparse.csr_matrix(within))
    return sparse.vstack(blocks, format="csr")


@dataclass
class Pick:
    candidate: int  # index into the candidates
    gain: float  # weight newly covered by this pick (greedy order)


@dataclass
class Plan:
    method: str  # greedy | exact
    picks: list[Pick]
    covered: float  # weight newly covered by all picks
    upper_bound: float  # no N sites can add more than this
    bound_ratio: float  # the guarantee: covered ≥ bound_ratio × optimum (greedy: 1-(1-1/N)^N ≥ 1-1/e; exact: 1)


def greedy(incidence: sparse.csr_matrix, weights: np.ndarray, n_sites: int) -> Plan:
    """Greedy maximal covering: each step the candidate adding the most weight not yet covered.

    Covered weight is monotone submodular, so the greedy answer is at least 1-(1-1/N)^N (≥ 1-1/e ≈ 0.632) of
    the optimum (Nemhauser, Wolsey & Fisher 1978). The upper bound reported is the better of that and, at every
    step, the covered weight so far plus the N largest marginal gains (the same paper's data-dependent bound)."""
    a = incidence.tocsr().astype(np.float64)
    left = np.asarray(weights, dtype=float).copy()
    picks: list[Pick] = []
    total = 0.0
    bound = math.inf
    k = max(0, min(n_sites, a.shape[0]))
    for _ in range(k):
        gains = a @ left
        top = np.sort(gains)[::-1][:n_sites]
        bound = min(bound, total + float(top.sum()))
        j = int(np.argmax(gains))
        if gains[j] <= 0:
            break
        picks.append(Pick(j, float(gains[j])))
        total += float(gains[j])
        left[a.indices[a.indptr[j]:a.indptr[j + 1]]] = 0.0
    if a.shape[0] and len(picks) == k:
        gains = a @ left
        bound = min(bound, total + float(np.sort(gains)[::-1][:n_sites].sum()))
    ratio = 1 - (1 - 1 / n_sites) ** n_sites if n_sites > 0 else 1.0
    if bound == math.inf:
        bound = total
    bound = min(bound, total / ratio if ratio else total)
    return Plan("greedy", picks, total, max(bound, total), ratio)


def exact(incidence: sparse.csr_matrix, weights: np.ndarray, n_sites: int, time_limit: float = 30.0) -> Plan:
    """Exact maximal covering as an integer programme (HiGHS through ``scipy.optimize.milp``):
    maximise Σ wᵢ yᵢ subject to yᵢ ≤ Σ_{j covers i} xⱼ, Σ xⱼ ≤ N, x binary, 0 ≤ y ≤ 1. Small cases only."""
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    a = incidence.tocsc().astype(np.float64)
    w = np.asarray(weights, dtype=float)
    useful = np.flatnonzero((np.asarray(a.sum(axis=0)).ravel() > 0) & (w > 0))
    a = a[:, useful]
    w = w[useful]
    m, n = a.shape
    if m > EXACT_MAX_CANDIDATES or n > EXACT_MAX_HOUSEHOLDS:
        raise ValueError(f"exact solve limited to {EXACT_MAX_CANDIDATES} candidates and {EXACT_MAX_HOUSEHOLDS} households")
    if m == 0 or n == 0 or n_sites <= 0:
        return Plan("exact", [], 0.0, 0.0, 1.0)
    c = np.concatenate([np.zeros(m), -w])
    # y_i - Σ_j a_ji x_j ≤ 0
    cover = sparse.hstack([-a.T, sparse.identity(n, format="csr")], format="csr")
    budget = sparse.csr_matrix(np.concatenate([np.ones(m), np.zeros(n)])[None, :])
    cons = [LinearConstraint(cover, -np.inf, 0), LinearConstraint(budget, 0, n_sites)]
    integrality = np.concatenate([np.ones(m), np.zeros(n)])
    res = milp(c, constraints=cons, integrality=integrality, bounds=Bounds(0, 1),
               options={"time_limit": time_limit, "disp": False})
    if res.x is None:
        raise ValueError(f"the solver found no answer: {res.message}")
    chosen = np.flatnonzero(res.x[:m] > 0.5)
    # report the picks in greedy order of their gains within the chosen set
    left = w.copy()
    ar = a.tocsr()
    picks = []
    remaining = list(chosen)
    while remaining:
        all_gains = ar @ left
        g, j = max((float(all_gains[j]), int(j)) for j in remaining)
        picks.append(Pick(int(j), g))
        left[ar.indices[ar.indptr[j]:ar.indptr[j + 1]]] = 0.0
        remaining.remove(j)
    covered = float(sum(p.gain for p in picks))
    bound = covered if res.status == 0 else max(covered, -float(getattr(res, "mip_dual_bound", -covered) or -covered))
    return Plan("exact", picks, covered, bound, 1.0)
