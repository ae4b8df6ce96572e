"""People import at city scale: 100,000 rows (≈33,000 households, 2% with posts) from one .xlsx,
checked and written in one transaction, then imported again (every row an update).

Runs on a throw-away database (var/bench-import.sqlite3, or JISHI_BENCH_DATABASE_URL) inside a
transaction that is rolled back at the end. Baseline: Django's one-row insert (~1,900 rows/s on
SQLite, DESIGN.md), so the ratio is the gain of the bulk path over saving rows one by one.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from bench.common import Result, setup_django

ROWS = int(os.environ.get("JISHI_BENCH_IMPORT_ROWS", "100000"))
BENCH_SQLITE = Path(__file__).resolve().parent.parent / "var" / "bench-import.sqlite3"  # not shared: no lock waits
ONE_ROW_INSERT = 1_900.0


def write_file(path: Path, city, rows: int, phone_prefix: str = "139") -> None:
    from openpyxl import Workbook

    from jishi.org.imports.people_template import HEADERS
    from jishi.org.privacy import id_check_digit

    micro = sorted(k for k, r in city.regions.items() if r.level == "microgrid")
    rng = np.random.default_rng(3)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("人员")
    ws.append(HEADERS)
    col = {h: i for i, h in enumerate(HEADERS)}
    for n in range(rows):
        key = micro[n % len(micro)]
        region = city.regions[key]
        ring = region.boundary["coordinates"][0]
        x0, y0 = ring[0]
        birth = date(1950, 1, 1) + timedelta(days=n % 20_000)  # unique (birth, sequence) per row
        first17 = f"320281{birth:%Y%m%d}{n // 20_000:03d}"
        row = [None] * len(HEADERS)
        row[col["姓名"]] = f"居民{n}"
        row[col["身份证号"]] = first17 + id_check_digit(first17)
        row[col["手机号"]] = f"{phone_prefix}{n:08d}"
        row[col["户编号"]] = f"H{n // 3:07d}"
        row[col["户主"]] = "是" if n % 3 == 0 else "否"
        row[col["地址"]] = f"{region.name}{n // 3}号"
        row[col["所在微网格编码"]] = region.code
        row[col["经度"]] = round(x0 + 0.002 + rng.uniform(0, 0.016), 6)
        row[col["纬度"]] = round(y0 + 0.002 + rng.uniform(0, 0.016), 6)
        row[col["党员"]] = "是" if n % 11 == 0 else "否"
        if n % 50 == 0:
            row[col["岗位"]] = "微网格志愿者"
            row[col["岗位区域编码"]] = region.code
        ws.append(row)
    wb.save(path)


def run() -> list[Result]:
    setup_django(os.environ.get("JISHI_BENCH_DATABASE_URL") or f"sqlite:///{BENCH_SQLITE}")
    from django.db import connection, transaction

    from jishi.org.imports import import_people
    from tests.factories import make_city

    engine = connection.vendor
    timings: list[tuple[str, float, float]] = []

    def timed(label: str, fn):
        w0, c0 = time.perf_counter(), time.process_time()
        report = fn()
        timings.append((label, time.perf_counter() - w0, time.process_time() - c0))
        assert report.ok, report.problems[:5]
        return report

    with tempfile.TemporaryDirectory() as tmp, transaction.atomic():
        city = make_city()
        path, changed = Path(tmp) / "people.xlsx", Path(tmp) / "changed.xlsx"
        write_file(path, city, ROWS)
        write_file(changed, city, ROWS, phone_prefix="137")
        timed("check only (--dry-run)", lambda: import_people(None, path, dry_run=True))
        report = timed("first import (all new)", lambda: import_people(None, path))
        assert report.counts["人员新增"] == ROWS, report.counts
        report = timed("re-import, nothing changed", lambda: import_people(None, path))
        assert report.counts["人员有变化"] == 0, report.counts
        report = timed("re-import, every phone changed", lambda: import_people(None, changed))
        assert report.counts["人员有变化"] == ROWS, report.counts
        transaction.set_rollback(True)
    results = []
    for label, wall, cpu in timings:
        results.append(Result("import_people", f"{ROWS:,} rows, {label}, {engine}: {wall:.1f} s wall, {cpu:.1f} s CPU",
                              ROWS / wall, ONE_ROW_INSERT, "rows/s", "100k rows in < 60 s"))
    return results


if __name__ == "__main__":
    from bench.common import TABLE_HEAD

    print(TABLE_HEAD)
    for r in run():
        print(r.row())
