"""Geometry of the region tree: boundary validation and fast point location.

``locator()`` returns a process-wide ``Locator`` built from the finest-level boundaries
(micro-grids, else grids) in one shapely STRtree; ``Locator.locate(lngs, lats)`` places many
points at once (vectorised, ~10⁶ points/s) and returns the region id of each (or -1).
"""

from __future__ import annotations

import threading
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


@dataclass
class Locator:
    """An STRtree over region polygons and the region id of each polygon."""

    tree: shapely.STRtree
    region_ids: np.ndarray
    version: tuple

    def locate(self, lngs, lats) -> np.ndarray:
        """Region id for each point (-1 where no polygon contains it). Vectorised."""
        lngs = np.asarray(lngs, dtype=float)
        lats = np.asarray(lats, dtype=float)
        points = shapely.points(lngs, lats)
        result = np.full(len(points), -1, dtype=np.int64)
        if len(self.region_ids) == 0 or len(points) == 0:
            return result
        point_idx, poly_idx = self.tree.query(points, predicate="intersects")
        # A point on a shared edge hits two polygons: keep the first (lowest polygon index).
        order = np.lexsort((poly_idx, point_idx))
        point_idx, poly_idx = point_idx[order], poly_idx[order]
        first = np.ones(len(point_idx), dtype=bool)
        first[1:] = point_idx[1:] != point_idx[:-1]
        result[point_idx[first]] = self.region_ids[poly_idx[first]]
        return result

    def locate_one(self, lng: float, lat: float) -> int | None:
        rid = int(self.locate([lng], [lat])[0])
        return None if rid < 0 else rid


def build_locator(levels: tuple[str, ...] = ("microgrid", "grid")) -> Locator:
    """Build from the finest level that has boundaries; grids without micro-grid boundaries count too."""
    from jishi.org.models import Region

    rows = list(
        Region.objects.filter(level__in=levels, boundary__isnull=False).values_list("id", "level", "parent_id", "boundary")
    )
    # Use micro-grids where they have boundaries, and a grid's own polygon where its micro-grids do not.
    grids_covered = {parent for _, level, parent, _ in rows if level == "microgrid"}
    ids, geoms = [], []
    for rid, level, _parent, boundary in rows:
        if level == "grid" and rid in grids_covered:
            continue
        ids.append(rid)
        geoms.append(shapely.from_geojson(_dumps(boundary)))
    return Locator(tree=shapely.STRtree(geoms), region_ids=np.array(ids, dtype=np.int64), version=_version())


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


def locator(refresh: bool = False) -> Locator:
    """The process-wide locator, rebuilt when grid/micro-grid rows change."""
    current = _version()
    with _lock:
        loc = _cache.get("default")
        if refresh or loc is None or loc.version != current:
            loc = build_locator()
            _cache["default"] = loc
        return loc


def locate_point(lng: float, lat: float):
    """The finest region (micro-grid or grid) containing the point, or None."""
    from jishi.org.models import Region

    validate_point(lng, lat)
    rid = locator().locate_one(lng, lat)
    return Region.objects.get(pk=rid) if rid else None
