"""The city cockpit's computation time (every figure of the city page: today/month/year KPIs, the
30-day trend, channel and category mix, the per-town table) with a year of city-scale history in
the rollups, and with ten times that.

The rollup rows are synthesized straight into a scratch SQLite database (var/bench_cockpit_<pid>.sqlite3,
deleted afterwards) over a city of 17 towns × 11 villages × 8 grids (1,496 grids), 60 categories and
7 channels: ROWS_PER_DAY rows a day (default 320 ≈ the city's 115,000 cases a year, each case its own
row). Two 10× measures:

- ``10× history``: ten years of the same daily volume (the cockpit reads the current year; the
  older years must not slow it down);
- ``10× volume``: ten times the rows per day in the same year (a province-scale line).

Each measure is the best of REPEATS runs of ``cockpit_figures``; the target is ratio ≤ 2.
"""

from __future__ import annotations

import os
import random
import time
from datetime import timedelta
from pathlib import Path

from bench.common import Result

ROWS_PER_DAY = int(os.environ.get("JISHI_BENCH_COCKPIT_ROWS_PER_DAY", "320"))
REPEATS = int(os.environ.get("JISHI_BENCH_COCKPIT_REPEATS", "3"))
CHANNELS = ["patrol", "resident", "hotline", "visit", "informant", "sensor", "alliance"]


def _city():
    from jishi.cases.models import Category
    from jishi.org.choices import Level
    from jishi.org.services import build_region

    city = build_region(None, Level.CITY, "320281", "基准市")
    city.save()
    grids = []
    for t in range(17):
        town = build_region(city, Level.TOWN, f"320281{t:03d}", f"{t}镇")
        town.save()
        for v in range(11):
            village = build_region(town, Level.VILLAGE, f"{town.code}{v:03d}", f"{t}-{v}村")
            village.save()
            for g in range(8):
                grid = build_region(village, Level.GRID, f"{village.code}{g:03d}", f"{t}-{v}-{g}网格")
                grid.save()
                grids.append((town.pk, village.pk, grid.pk))
    mains = [Category.objects.create(code=f"B{m:02d}", name=f"大类{m}") for m in range(6)]
    cats = [Category.objects.create(code=f"B{m:02d}{s:02d}", name=f"小类{m}-{s}", parent=mains[m]).pk
            for m in range(6) for s in range(10)]
    return city, grids, cats


def _fill(grids, cats, days: int, per_day: int, seed: int = 1) -> int:
    """Replace the rollups with ``per_day`` random rows for each of the last ``days`` days."""
    from django.db import connection, transaction

    from jishi.cases.models import Category
    from jishi.cockpit.models import DailyRollup
    from jishi.cockpit.periods import today
    from jishi.cockpit.rollups import coarse

    DailyRollup.objects.all().delete()
    rng = random.Random(seed)
    end = today()
    sql = ("INSERT OR IGNORE INTO cockpit_dailyrollup (grain, day, town, village, grid, category, channel, received,"
           " rejected, received_closed, closed_on_time, rework, closed, rated, satisfied, supervisions, overdue_opened,"
           " whistles) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)")
    mains = dict(Category.objects.values_list("pk", "parent_id"))
    n = 0
    with transaction.atomic(), connection.cursor() as cur:
        for d in range(days):
            day = (end - timedelta(days=d)).isoformat()
            rows = {}
            for _ in range(per_day):
                t, v, g = rng.choice(grids)
                rec = rng.randint(1, 3)
                done = rec if rng.random() < 0.98 else rec - 1
                key = (day, t, v, g, rng.choice(cats), rng.choice(CHANNELS))
                counters = (rec, 0, done, done, 0, done, done // 2, done // 2, int(rng.random() < .05),
                            int(rng.random() < .02), 0)
                for k in [("g", *key), *coarse(key, mains[key[4]])]:  # as the receivers would write them
                    old = rows.get(k)
                    rows[k] = counters if old is None else tuple(a + b for a, b in zip(old, counters, strict=True))
            cur.executemany(sql, [(*k, *c) for k, c in rows.items()])
            n += len(rows)
    with connection.cursor() as cur:  # steady state: WAL folded into the database, planner statistics fresh
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cur.execute("ANALYZE")
    return n


def cockpit_figures(city) -> None:
    """Everything the city cockpit page computes."""
    from jishi.cockpit import figures
    from jishi.cockpit.periods import period

    for key in ("today", "month", "year"):
        figures.kpis(city, period(key))
    p = period("month")
    figures.trend(city)
    figures.channel_mix(city, p)
    figures.category_mix(city, p)
    figures.children(city, p)


def _best(city) -> float:
    cockpit_figures(city)  # warm-up: page cache and statement compilation, not the rollups' size
    best = float("inf")
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        cockpit_figures(city)
        best = min(best, time.perf_counter() - t0)
    return best * 1000


def run() -> list[Result]:
    path = Path("var") / f"bench_cockpit_{os.getpid()}.sqlite3"
    path.parent.mkdir(exist_ok=True)
    from bench.common import setup_django

    setup_django(f"sqlite:///{path.resolve()}")
    try:
        city, grids, cats = _city()
        _fill(grids, cats, 365, ROWS_PER_DAY)
        one = _best(city)
        _fill(grids, cats, 3650, ROWS_PER_DAY)
        history = _best(city)
        _fill(grids, cats, 365, ROWS_PER_DAY * 10)
        volume = _best(city)
    finally:
        from django.db import connections

        connections.close_all()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return [
        Result("cockpit", f"city cockpit, 1× ({ROWS_PER_DAY * 365:,} rollup rows, 1 year)", one, one, "ms"),
        Result("cockpit", "city cockpit, 10× history (10 years)", history, one, "ms", "≤ 2"),
        Result("cockpit", "city cockpit, 10× volume (same year)", volume, one, "ms", "≤ 2"),
    ]


if __name__ == "__main__":
    for r in run():
        print(r.row())
