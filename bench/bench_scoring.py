"""Scoring speed: computing a month's boards for every unit type (departments, towns, villages, grids,
grid workers — every indicator, score, rank and grade) against a plain ``COUNT(*) … GROUP BY`` of the
same month's cases per unit column, in the same run on the same database.

Database: the kept SQLite benchmark dataset (bench/dataset.py; ``JISHI_BENCH_SCALE``: ``city`` — a year of
~95,000 grid cases plus hotline — or ``small``), generated on first use. The month is the last complete month
of the demo year. (Scoring only reads cases; the boards are computed live, not published.)
"""

from __future__ import annotations

import os
import time

from bench import dataset
from bench.common import Result, setup_django

REPEAT = int(os.environ.get("JISHI_BENCH_SCORING_REPEAT", "3"))


def _best(fn) -> float:
    best = float("inf")
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def run() -> list[Result]:
    db = dataset.sqlite_dataset()
    os.environ["JISHI_DATA_DIR"] = str(db.parent)
    setup_django(f"sqlite:///{db}")
    from django.db.models import Count, Max

    from jishi.cases.models import Case
    from jishi.scoring.boards import live_board
    from jishi.scoring.indicators import UNIT_COLUMN, UNIT_TYPES
    from jishi.scoring.periods import Month
    from jishi.scoring.schemes import ensure_defaults

    ensure_defaults()
    last = Case.objects.aggregate(m=Max("reported_at"))["m"]
    month = Month.of(last.date()).previous()
    n_cases = Case.objects.filter(reported_at__gte=month.start, reported_at__lt=month.end).count()
    total = Case.objects.count()

    def boards() -> int:
        return sum(len(live_board(ut, month).rows) for ut in UNIT_TYPES)

    def plain() -> int:
        n = 0
        for col in UNIT_COLUMN.values():
            n += len(list(Case.objects.filter(reported_at__gte=month.start, reported_at__lt=month.end)
                          .values(col).annotate(n=Count("id")).order_by()))
        return n

    units = boards()
    t_boards = _best(boards)
    t_plain = _best(plain)
    label = f"{month}: {n_cases:,} cases of {total:,}, {units:,} units"
    return [
        Result("scoring", f"all boards of a month ({label})", t_boards * 1000, t_plain * 1000, "ms",
               "ratio to COUNT(*) GROUP BY; boards in seconds at city scale"),
    ]


if __name__ == "__main__":
    for r in run():
        print(r.row())
