"""Boundaries of the demo city: a hand-drawn county outline split into tiles, level by level.

``split(parent, n, rng)`` cuts a polygon into ``n`` tiles (a Voronoi diagram of seeded points inside
the parent, relaxed once towards the cell centroids, clipped to the parent, snapped to 1e-6°). The
tiles are valid, non-empty and together cover the parent; children are cut from the stored
(snapped) parent, so what is stored is exactly what was split.
"""

from __future__ import annotations

import random

import numpy as np
import shapely
from shapely.geometry import MultiPoint, mapping, shape

GRID_SIZE = 1e-6  # coordinates are stored with 6 decimals (~0.1 m)
MARGIN = 3e-6  # keep generated points ~0.3 m inside their tile (see sample_points)

# A Jiangyin-like county outline (lng, lat): the Yangtze along the north, farmland to the south.
OUTLINE = [
    (120.112, 31.905), (120.158, 31.928), (120.205, 31.936), (120.248, 31.945), (120.292, 31.948),
    (120.336, 31.951), (120.381, 31.946), (120.423, 31.937), (120.468, 31.928), (120.512, 31.921),
    (120.556, 31.912), (120.592, 31.889), (120.598, 31.846), (120.585, 31.804), (120.590, 31.762),
    (120.571, 31.722), (120.538, 31.689), (120.494, 31.668), (120.447, 31.656), (120.401, 31.663),
    (120.355, 31.671), (120.309, 31.664), (120.262, 31.668), (120.218, 31.683), (120.176, 31.701),
    (120.141, 31.728), (120.118, 31.766), (120.104, 31.808), (120.109, 31.851), (120.101, 31.880),
]


def outline() -> shapely.Geometry:
    return shapely.Polygon(OUTLINE)


def to_geojson(geom: shapely.Geometry) -> dict:
    """GeoJSON with coordinates rounded to 6 decimals (lists, not tuples)."""

    def rnd(obj):
        if isinstance(obj, (tuple, list)):
            if obj and isinstance(obj[0], float):
                return [round(v, 6) for v in obj]
            return [rnd(o) for o in obj]
        return obj

    gj = mapping(geom)
    return {"type": gj["type"], "coordinates": rnd(gj["coordinates"])}


def from_geojson(gj: dict) -> shapely.Geometry:
    geom = shape(gj)
    shapely.prepare(geom)
    return geom


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon") and not p.is_empty]
    parts = [q for p in parts for q in shapely.get_parts(p)]
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def sample_points(geom: shapely.Geometry, n: int, nprng: np.random.Generator,
                  margin: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points strictly inside ``geom``, already rounded to 6 decimals (as stored). With a
    ``margin`` (degrees) they also keep that far from the edge: neighbouring tiles snapped to the
    1e-6° grid may overlap by slivers ~1e-6° wide, and a point there could locate to the neighbour."""
    if margin:
        inner = geom.buffer(-margin)
        geom = inner if not inner.is_empty and inner.area > geom.area * 0.5 else geom
    minx, miny, maxx, maxy = geom.bounds
    shapely.prepare(geom)
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    have = 0
    ratio = max(geom.area / max((maxx - minx) * (maxy - miny), 1e-12), 0.05)
    while have < n:
        k = int((n - have) / ratio * 1.3) + 8
        x = np.round(nprng.uniform(minx, maxx, k), 6)
        y = np.round(nprng.uniform(miny, maxy, k), 6)
        inside = shapely.contains_xy(geom, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
        have += int(inside.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def split(parent: shapely.Geometry, n: int, rng: random.Random) -> list[shapely.Geometry]:
    """Cut ``parent`` into ``n`` valid, non-empty tiles that cover it, ordered north-west first."""
    if n == 1:
        return [parent]
    nprng = np.random.default_rng(rng.getrandbits(64))
    for _attempt in range(20):
        xs, ys = sample_points(parent, n, nprng)
        pts = np.column_stack([xs, ys])
        cells = shapely.voronoi_polygons(MultiPoint(pts), extend_to=parent, ordered=True)
        # One Lloyd step: move each seed to its clipped cell's centroid when that stays inside.
        clipped = [c.intersection(parent) for c in shapely.get_parts(cells)]
        moved = []
        for seed, cell in zip(pts, clipped, strict=True):
            c = cell.centroid
            moved.append((c.x, c.y) if not cell.is_empty and parent.contains(c) else tuple(seed))
        moved_pts = np.round(np.array(moved), 6)
        if len({tuple(p) for p in moved_pts}) < n:
            continue
        cells = shapely.voronoi_polygons(MultiPoint(moved_pts), extend_to=parent, ordered=True)
        tiles = []
        for cell in shapely.get_parts(cells):
            tile = shapely.set_precision(cell.intersection(parent), GRID_SIZE)
            tile = _polygonal(tile) if not tile.is_empty else tile
            gj = to_geojson(tile) if not tile.is_empty else None
            tile = from_geojson(gj) if gj else tile
            tiles.append(tile)
        if len(tiles) == n and all(not t.is_empty and t.is_valid for t in tiles):
            order = sorted(range(n), key=lambda i: (-round(tiles[i].centroid.y, 2), tiles[i].centroid.x))
            return [tiles[i] for i in order]
    raise RuntimeError(f"could not split a polygon into {n} valid tiles")
