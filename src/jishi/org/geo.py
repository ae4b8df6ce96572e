"""Geometry of the region tree: boundary validation and fast point location.

``locator()`` returns a process-wide ``Locator`` built from the finest-level boundaries
(micro-grids, else grids) in one shapely STRtree; ``Locator.locate(lngs, lats)`` places many
points at once (vectorised, ~10⁶ points/s) and returns the region id of each (or -1).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import shape

from jishi.core.errors import ValidationFailed

# China's extent (with margin): a coordinate outside it is certainly a mistake (e.g. lat/lng swapped).
LNG_RANGE = (73.0, 136.0)
LAT_RANGE = (3.0, 54.0)


def validate_boundary(geojson) -> shapely.Geometry:
    """Check a GeoJSON geometry (or Feature) is a valid Polygon/MultiPolygon inside China."""
    if isinstance(geojson, dict) and geojson.get("type") == "Feature":
        geojson = geojson.get("geometry")
    if not isinstance(geojson, dict) or geojson.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValidationFailed("边界必须是 GeoJSON 的 Polygon 或 MultiPolygon", field="boundary")
    try:
        geom = shape(geojson)
    except Exception as exc:
        raise ValidationFailed(f"边界坐标无法解析：{exc}", field="boundary") from exc
    if geom.is_empty:
        raise ValidationFailed("边界为空", field="boundary")
    minx, miny, maxx, maxy = geom.bounds
    if minx < LNG_RANGE[0] or maxx > LNG_RANGE[1] or miny < LAT_RANGE[0] or maxy > LAT_RANGE[1]:
        raise ValidationFailed("边界坐标不在中国范围内（请检查经纬度是否写反，坐标应为 [经度, 纬度]）", field="boundary")
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        raise ValidationFailed(f"边界多边形无效（自相交或环方向错误）：{reason}", field="boundary")
    return geom


def validate_point(lng: float, lat: float) -> None:
    if not (LNG_RANGE[0] <= lng <= LNG_RANGE[1] and LAT_RANGE[0] <= lat <= LAT_RANGE[1]):
        raise ValidationFailed("坐标不在中国范围内（经度在前，纬度在后）", field="location")


SORT_ABOVE = 10_000


def _spatial_order(lngs: np.ndarray, lats: np.ndarray, cells: int = 256) -> np.ndarray:
    """An ordering of the points by grid cell (row-major); points that are NaN go last."""
    def cell(v: np.ndarray) -> np.ndarray:
        lo, hi = np.nanmin(v), np.nanmax(v)
        scaled = (v - lo) / ((hi - lo) or 1.0) * cells
        return np.clip(np.nan_to_num(scaled, nan=cells), 0, cells).astype(np.int64)

    return np.argsort(cell(lats) * (cells + 1) + cell(lngs), kind="stable")


@dataclass
class Locator:
    """An STRtree over region polygons and the region id of each polygon."""

    tree: shapely.STRtree
    region_ids: np.ndarray
    version: tuple

    def locate(self, lngs, lats, *, chunk: int = 65_536) -> np.ndarray:
        """Region id for each point (-1 where no polygon contains it). Vectorised, in chunks so
        a million points never hold a million point objects at once. A point on a boundary counts
        as inside; on an edge shared by two polygons it goes to the one built first."""
        lngs = np.asarray(lngs, dtype=float).ravel()
        lats = np.asarray(lats, dtype=float).ravel()
        if lngs.shape != lats.shape:
            raise ValueError("lngs and lats must have the same length")
        result = np.full(len(lngs), -1, dtype=np.int64)
        if len(self.region_ids) == 0 or len(lngs) == 0:
            return result
        if len(lngs) <= SORT_ABOVE:
            self._query(lngs, lats, result, chunk)
            return result
        # Query in spatial order (rows of a 256 × 256 grid): neighbouring points walk the same tree
        # branches and polygons while they are in cache, ~1.5× faster than random order.
        order = _spatial_order(lngs, lats)
        found = np.full(len(lngs), -1, dtype=np.int64)
        self._query(lngs[order], lats[order], found, chunk)
        result[order] = found
        return result

    def _query(self, lngs: np.ndarray, lats: np.ndarray, result: np.ndarray, chunk: int) -> None:
        for start in range(0, len(lngs), chunk):
            points = shapely.points(lngs[start : start + chunk], lats[start : start + chunk])
            point_idx, poly_idx = self.tree.query(points, predicate="intersects")
            if len(point_idx) == 0:
                continue
            # Keep the lowest polygon index per point: sort by (point, polygon), take each point's first.
            order = np.lexsort((poly_idx, point_idx))
            point_idx, poly_idx = point_idx[order], poly_idx[order]
            first = np.ones(len(point_idx), dtype=bool)
            first[1:] = point_idx[1:] != point_idx[:-1]
            result[start + point_idx[first]] = self.region_ids[poly_idx[first]]

    @classmethod
    def from_geometries(cls, geoms, region_ids, version: tuple = ()) -> Locator:
        """A locator over given polygons (benchmarks, previews of an import before it is written)."""
        return cls(tree=shapely.STRtree(list(geoms)), region_ids=np.asarray(region_ids, dtype=np.int64), version=version)

    def locate_one(self, lng: float, lat: float) -> int | None:
        rid = int(self.locate([lng], [lat])[0])
        return None if rid < 0 else rid


def build_locator(levels: tuple[str, ...] = ("microgrid", "grid")) -> Locator:
    """Build from the finest level that has boundaries; grids without micro-grid boundaries count too."""
    from jishi.org.models import Region

    rows = list(
        Region.objects.filter(level__in=levels, boundary__isnull=False)
        .order_by("id")
        .values_list("id", "level", "parent_id", "boundary")
    )
    # Use micro-grids where they have boundaries, and a grid's own polygon where its micro-grids do not.
    grids_covered = {parent for _, level, parent, _ in rows if level == "microgrid"}
    ids, geoms = [], []
    for rid, level, _parent, boundary in rows:
        if level == "grid" and rid in grids_covered:
            continue
        ids.append(rid)
        geoms.append(shapely.from_geojson(_dumps(boundary)))
    return Locator.from_geometries(geoms, ids, version=_version())


def _dumps(obj) -> str:
    import json

    return json.dumps(obj)


def _version() -> tuple:
    from django.db.models import Count, Max

    from jishi.org.models import Region

    agg = Region.objects.filter(level__in=("grid", "microgrid")).aggregate(n=Count("id"), t=Max("updated_at"))
    return (agg["n"], agg["t"])


_cache: dict[str, Locator] = {}
_lock = threading.Lock()


_checked_at = 0.0


def locator(refresh: bool = False) -> Locator:
    """The process-wide locator, rebuilt when grid/micro-grid rows change.

    Whether it is still current is asked of the database at most every ``JISHI_LOCATOR_CHECK_SECONDS``
    (a COUNT/MAX over the grids; not on every intake), so a boundary change reaches every server process
    within that many seconds."""
    global _checked_at
    from django.conf import settings

    ttl = getattr(settings, "JISHI_LOCATOR_CHECK_SECONDS", 10)
    now = time.monotonic()
    loc = _cache.get("default")
    if loc is not None and not refresh and now - _checked_at < ttl:
        return loc
    current = _version()
    with _lock:
        loc = _cache.get("default")
        if refresh or loc is None or loc.version != current:
            loc = build_locator()
            _cache["default"] = loc
        _checked_at = now
        return loc


def locate_point(lng: float, lat: float):
    """The finest region (micro-grid or grid) containing the point, or None."""
    from jishi.org.models import Region

    validate_point(lng, lat)
    rid = locator().locate_one(lng, lat)
    return Region.objects.get(pk=rid) if rid else None
