"""Helpers shared by the benchmarks: Django set-up on a throw-away database, timing, results."""

from __future__ import annotations

import gc
import math
import os
import platform
import re
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Result:
    bench: str
    measure: str
    value: float
    baseline: float
    unit: str
    target: str = ""

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("nan")

    @property
    def met(self) -> bool | None:
        """Whether the target is met; None for a row without one (a baseline, a figure for reference)."""
        return target_met(self.target, self.value, self.ratio, self.unit)

    def row(self) -> str:
        mark = {True: " ✔", False: " ✘", None: ""}[self.met]
        return (f"| {self.bench} | {self.measure} | {self.value:,.1f} {self.unit} | {self.baseline:,.1f} {self.unit} "
                f"| {self.ratio:.{2 if self.ratio >= 0.1 else 3}f} | {self.target}{mark} |")


_TARGET = re.compile(r"(≥|≤|>=|<=)\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(.*)")


def target_met(target: str, value: float, ratio: float, unit: str) -> bool | None:
    """Check a target string: its first comparison (``≥``/``≤``) and number. The number is compared with the
    value when the unit follows it ("≥ 1,000,000 points/s"), else with the ratio ("ratio ≥ 0.10", "≤ 2",
    "≥ 0.5 of pgbench TPC-B", "≥ 1 (the city in ≤ 5 s)"). No comparison in it (a baseline): None."""
    found = _TARGET.search(target or "")
    if found is None:
        return None
    op, number, rest = found.groups()
    bound = float(number.replace(",", ""))
    measured = value if unit and rest.strip().startswith(unit) else ratio
    if measured is None or math.isnan(measured):
        return False
    return measured >= bound if op in ("≥", ">=") else measured <= bound


def setup_django(db_url: str | None = None) -> None:
    """Point Django at a benchmark database (default: var/bench.sqlite3) and migrate it; then freeze the start-up
    heap out of the garbage collector's generations, as Jishi's own processes do (``jishi.cli``, ``jishi.wsgi``)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jishi.settings")
    if db_url is not None:
        os.environ["JISHI_DATABASE_URL"] = db_url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    gc.collect()
    gc.freeze()


def rate(fn: Callable[[], int], min_seconds: float = 1.0) -> float:
    """Items per second of ``fn`` (which returns how many items it processed), repeated ≥ min_seconds."""
    n, t0 = 0, time.perf_counter()
    while True:
        n += fn()
        elapsed = time.perf_counter() - t0
        if elapsed >= min_seconds:
            return n / elapsed


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


TABLE_HEAD = "| benchmark | measure | value | baseline | ratio | target |\n|---|---|---|---|---|---|"
