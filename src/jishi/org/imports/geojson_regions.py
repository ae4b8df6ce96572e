"""Region import from a GeoJSON FeatureCollection (boundaries drawn by a surveyor or exported from GIS).

Each feature carries ``properties``: ``code``, ``name``, ``level`` (town/village/grid/microgrid or
镇/街道/村/社区/网格/微网格), ``parent_code`` and optionally ``kind``. Existing codes are updated
(name, kind, boundary); new codes are created under their parent, which is in the file or already
in the database and exactly one level up. An existing region given another parent is moved there with
``org.services.move_region`` (admin only): its subtree and every row placed in it follow.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from django.db import transaction
from django.utils import timezone

from jishi.core import audit
from jishi.core.errors import ValidationFailed
from jishi.org.choices import CHILD_LEVEL, LEVEL_ORDER, Level, RegionKind
from jishi.org.geo import validate_boundary
from jishi.org.imports.bulk import insert_rows, update_rows
from jishi.org.imports.report import ImportReport, chunks, require_importer
from jishi.org.models import Region
from jishi.org.policy import as_actor, may_reshape_regions
from jishi.org.services import build_region, move_region

# Words accepted in ``level``, with the region kind a Chinese word implies.
LEVEL_WORDS: dict[str, tuple[Level, str]] = {
    "city": (Level.CITY, ""), "市": (Level.CITY, ""),
    "town": (Level.TOWN, ""), "镇": (Level.TOWN, RegionKind.TOWN), "街道": (Level.TOWN, RegionKind.SUBDISTRICT),
    "镇/街道": (Level.TOWN, ""),
    "village": (Level.VILLAGE, ""), "村": (Level.VILLAGE, RegionKind.VILLAGE),
    "行政村": (Level.VILLAGE, RegionKind.VILLAGE), "社区": (Level.VILLAGE, RegionKind.COMMUNITY),
    "村/社区": (Level.VILLAGE, ""),
    "grid": (Level.GRID, ""), "网格": (Level.GRID, ""),
    "microgrid": (Level.MICROGRID, ""), "微网格": (Level.MICROGRID, ""),
}
LEVEL_KINDS = {
    Level.CITY: {RegionKind.CITY}, Level.TOWN: {RegionKind.TOWN, RegionKind.SUBDISTRICT},
    Level.VILLAGE: {RegionKind.VILLAGE, RegionKind.COMMUNITY}, Level.GRID: {RegionKind.GRID},
    Level.MICROGRID: {RegionKind.MICROGRID},
}
KIND_WORDS = {**{k.value: k for k in RegionKind}, **{str(k.label): k for k in RegionKind}}
# A child may stick out of its parent by this share of its own area (hand-drawn boundaries rarely match exactly).
OUTSIDE_TOLERANCE = 0.02


@dataclass
class Feature:
    """One parsed feature of the file (``n`` is its 1-based position)."""

    n: int
    code: str
    name: str
    level: Level
    kind: str
    parent_code: str
    geometry: dict
    shape: shapely.Geometry


def load_collection(source: Any) -> dict:
    """The FeatureCollection from a dict, JSON text/bytes or a file path; raises ValidationFailed."""
    if isinstance(source, Path):
        source = source.read_bytes()
    if isinstance(source, bytes | str):
        try:
            source = json.loads(source)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValidationFailed(f"文件不是有效的 JSON：{exc}") from exc
    if not isinstance(source, dict) or source.get("type") != "FeatureCollection" or not isinstance(
        source.get("features"), list
    ):
        raise ValidationFailed("文件必须是 GeoJSON FeatureCollection（含 features 数组）")
    return source


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse(n: int, raw: Any, report: ImportReport) -> Feature | None:
    """Check one feature on its own; report every bad field; None if any."""
    before = len(report.problems)
    if not isinstance(raw, dict) or raw.get("type") != "Feature":
        report.add(n, "type", "不是 GeoJSON Feature")
        return None
    props = raw.get("properties") or {}
    code, name = _text(props.get("code")), _text(props.get("name"))
    parent_code = _text(props.get("parent_code"))
    if not code:
        report.add(n, "code", "编码不能为空")
    elif not code.isdigit() or len(code) > 20:
        report.add(n, "code", f"编码“{code}”必须是不超过 20 位的数字")
    if not name:
        report.add(n, "name", "名称不能为空")
    elif len(name) > 100:
        report.add(n, "name", "名称不能超过 100 个字")
    level, implied_kind = LEVEL_WORDS.get(_text(props.get("level")).lower(), (None, ""))
    if level is None:
        report.add(n, "level", f"层级“{_text(props.get('level'))}”无法识别（应为 镇/街道/村/社区/网格/微网格）")
    kind = implied_kind
    if _text(props.get("kind")):
        kind = KIND_WORDS.get(_text(props.get("kind")))
        if kind is None:
            report.add(n, "kind", f"类型“{_text(props.get('kind'))}”无法识别")
        elif level is not None and kind not in LEVEL_KINDS[level]:
            report.add(n, "kind", f"类型“{RegionKind(kind).label}”与层级“{level.label}”不符")
    if parent_code and not parent_code.isdigit():
        report.add(n, "parent_code", f"上级编码“{parent_code}”必须是数字")
    geometry, shape = raw.get("geometry"), None
    if geometry is None:
        report.add(n, "geometry", "缺少边界几何")
    else:
        try:
            shape = validate_boundary(geometry)
        except ValidationFailed as exc:
            report.add(n, "geometry", exc.message)
    if len(report.problems) > before:
        return None
    return Feature(n, code, name, level, kind or "", parent_code, geometry, shape)


def _existing(codes: set[str]) -> dict[str, Region]:
    found: dict[str, Region] = {}
    for part in chunks(sorted(codes)):
        found.update((r.code, r) for r in Region.objects.filter(code__in=part).select_related("parent"))
    return found


def _db_shape(region: Region) -> shapely.Geometry | None:
    return shapely.from_geojson(json.dumps(region.boundary)) if region.boundary else None


def _moved(f: Feature, db: dict[str, Region]) -> bool:
    """Whether ``f`` gives an existing region another parent."""
    old = db.get(f.code)
    return old is not None and (old.parent.code if old.parent else "") != f.parent_code


def _check_tree(features: list[Feature], raw_codes: dict[str, int], db: dict[str, Region],
                report: ImportReport, *, may_move: bool) -> None:
    """Codes unique, parents present and one level up, existing rows keep their level (and their parent
    unless the importer may move regions), children inside their parent."""
    in_file = {f.code: f for f in features}
    parent_shapes: dict[str, shapely.Geometry | None] = {}
    for f in features:
        if raw_codes.get(f.code, f.n) != f.n:
            report.add(f.n, "code", f"编码“{f.code}”与第 {raw_codes[f.code]} 个要素重复")
        old = db.get(f.code)
        if old is not None and old.level != f.level:
            report.add(f.n, "level", f"编码“{f.code}”已是{Level(old.level).label}“{old.name}”，不能改为{f.level.label}")
        if _moved(f, db) and not may_move:
            report.add(f.n, "parent_code", f"只有系统管理员可以更改已有区域“{old.name}”的上级")
        if not f.parent_code:
            if f.level != Level.CITY:
                report.add(f.n, "parent_code", f"{f.level.label}必须填写上级编码")
            continue
        parent = in_file.get(f.parent_code) or db.get(f.parent_code)
        if parent is None:
            if f.parent_code not in raw_codes:
                report.add(f.n, "parent_code", f"上级编码“{f.parent_code}”在文件和系统中都不存在")
            continue  # a bad parent feature is reported on its own row
        if CHILD_LEVEL.get(Level(parent.level)) != f.level:
            report.add(f.n, "parent_code",
                       f"上级“{parent.name}”是{Level(parent.level).label}，不能直接管辖{f.level.label}")
            continue
        if f.parent_code not in parent_shapes:
            parent_shapes[f.parent_code] = parent.shape if isinstance(parent, Feature) else _db_shape(parent)
        outer = parent_shapes[f.parent_code]
        if outer is not None and f.shape.area > 0:
            outside = shapely.difference(f.shape, outer).area / f.shape.area
            if outside > OUTSIDE_TOLERANCE:
                report.add(f.n, "geometry", f"有 {outside:.0%} 的面积超出上级“{parent.name}”的边界"
                                            f"（允许 {OUTSIDE_TOLERANCE:.0%}）")


def import_regions(actor, source: Any, *, dry_run: bool = False) -> ImportReport:
    """Validate every feature; if all are good (and not ``dry_run``), upsert them in one transaction."""
    require_importer(actor)
    started = time.perf_counter()
    report = ImportReport(kind="regions", dry_run=dry_run)
    try:
        collection = load_collection(source)
    except ValidationFailed as exc:
        report.add(0, "文件", exc.message)
        return report
    raw = collection["features"]
    report.rows = len(raw)
    if not raw:
        report.add(0, "features", "文件中没有任何要素")
        return report
    features = [f for n, item in enumerate(raw, 1) if (f := _parse(n, item, report)) is not None]
    raw_codes: dict[str, int] = {}
    for n, item in enumerate(raw, 1):
        code = _text(((item or {}).get("properties") or {}).get("code")) if isinstance(item, dict) else ""
        raw_codes.setdefault(code, n)
    db = _existing({f.code for f in features} | {f.parent_code for f in features if f.parent_code})
    _check_tree(features, raw_codes, db, report, may_move=may_reshape_regions(as_actor(actor)))
    report.problems.sort(key=lambda p: p.row)
    new = sum(1 for f in features if f.code not in db)
    report.counts = {"区域新增": new, "区域更新": len(features) - new}
    if moved := sum(1 for f in features if _moved(f, db)):
        report.counts["区域移动"] = moved
    if report.ok and not dry_run:
        _write(actor, features, db, report)
    report.seconds = time.perf_counter() - started
    return report


@transaction.atomic
def _write(actor, features: list[Feature], db: dict[str, Region], report: ImportReport) -> None:
    now = timezone.now()
    saved = dict(db)
    changed: list[Region] = []
    for level in LEVEL_ORDER:
        created: list[Region] = []
        for f in (f for f in features if f.level == level):
            parent = saved.get(f.parent_code) if f.parent_code else None
            fresh = build_region(parent, level, f.code, f.name, kind=f.kind, boundary=f.geometry)
            old = db.get(f.code)
            if old is None:
                fresh.path = ""
                created.append(fresh)
                continue
            if _moved(f, db):
                move_region(actor, old, parent)
            old.name, old.boundary = fresh.name, fresh.boundary
            old.lng, old.lat, old.area_km2 = fresh.lng, fresh.lat, fresh.area_km2
            old.kind = f.kind or old.kind
            old.updated_at = now
            changed.append(old)
        insert_rows(Region, created, key="code", batch_size=500)
        for region in created:
            region.fill_ancestors()
            saved[region.code] = region
        update_rows(Region, created, ["path", "town", "village", "grid", "microgrid"])
    update_rows(Region, changed, ["name", "kind", "boundary", "lng", "lat", "area_km2", "updated_at"], batch_size=500)
    audit.record(actor, "region.import", object_type="org.region", object_id="import",
                 summary=f"导入区域边界：新增 {report.counts['区域新增']}，更新 {report.counts['区域更新']}",
                 data={"counts": report.counts, "codes": len(features)})
