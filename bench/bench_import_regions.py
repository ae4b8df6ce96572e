"""Region import at city scale: ~7,200 micro-grid boundaries (each a 16-vertex polygon) under the
test city's 8 grids, checked (geometry, tree, containment) and written in one transaction.

Runs on a throw-away database (var/bench-import.sqlite3, or JISHI_BENCH_DATABASE_URL) inside a
transaction rolled back at the end. Baseline: creating the same regions one by one through
``create_region`` (measured on a sample).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import shapely

from bench.common import Result, setup_django

BENCH_SQLITE = Path(__file__).resolve().parent.parent / "var" / "bench-import.sqlite3"  # not shared: no lock waits
SPLIT = (30, 30)  # micro-grids per grid: 30 × 30 × 8 grids = 7,200
SAMPLE = 200


def collection(city) -> dict:
    features = []
    for key, grid in sorted(city.regions.items()):
        if grid.level != "grid":
            continue
        minx, miny, maxx, maxy = shapely.geometry.shape(grid.boundary).bounds
        w, h = (maxx - minx) / SPLIT[0], (maxy - miny) / SPLIT[1]
        for i in range(SPLIT[0]):
            for j in range(SPLIT[1]):
                cell = shapely.segmentize(shapely.box(minx + i * w, miny + j * h, minx + (i + 1) * w, miny + (j + 1) * h), w / 3)
                features.append({"type": "Feature", "geometry": shapely.geometry.mapping(cell),
                                 "properties": {"code": f"{grid.code}{i * SPLIT[1] + j + 100:03d}",
                                                "name": f"{key}-{i}-{j}微网格", "level": "微网格",
                                                "parent_code": grid.code}})
    return {"type": "FeatureCollection", "features": features}


def run() -> list[Result]:
    setup_django(os.environ.get("JISHI_BENCH_DATABASE_URL") or f"sqlite:///{BENCH_SQLITE}")
    import json

    from django.db import connection, transaction

    from jishi.org.imports import import_regions
    from jishi.org.services import create_region
    from tests.factories import make_city

    with transaction.atomic():
        city = make_city()
        data = collection(city)
        n = len(data["features"])
        t0 = time.perf_counter()
        report = import_regions(None, data, dry_run=True)
        check = time.perf_counter() - t0
        assert report.ok, report.problems[:5]
        t0 = time.perf_counter()
        report = import_regions(None, data)
        first = time.perf_counter() - t0
        assert report.ok and report.counts["区域新增"] == n
        t0 = time.perf_counter()
        assert import_regions(None, data).counts["区域更新"] == n
        again = time.perf_counter() - t0
        grid = city.regions["A1a"]
        t0 = time.perf_counter()
        for k, f in enumerate(data["features"][:SAMPLE]):
            create_region(None, grid, "microgrid", f"9{k:05d}", f"单个{k}", boundary=json.loads(json.dumps(f["geometry"])))
        one_by_one = SAMPLE / (time.perf_counter() - t0)
        transaction.set_rollback(True)
    engine = connection.vendor
    return [
        Result("import_regions", f"{n:,} micro-grids, {label}, {engine}, {seconds:.1f} s", n / seconds, one_by_one,
               "regions/s", "city in < 60 s")
        for label, seconds in (("check only", check), ("first import", first), ("re-import (updates)", again))
    ]


if __name__ == "__main__":
    from bench.common import TABLE_HEAD

    print(TABLE_HEAD)
    for r in run():
        print(r.row())
