"""Scores and grades from a scheme: a weighted mean of indicator values (0–100) and grade bands."""

from __future__ import annotations

from dataclasses import dataclass

from jishi.core.errors import NotFound
from jishi.scoring.indicators import UnitFigures
from jishi.scoring.models import Scheme

GRADES = ("A", "B", "C", "D")

# The two shipped defaults (seeded by migration 0002): code → definition.
# Version 2 (migration 0003): response (签收) and overdue count, volume does not (a big unit is not a better one).
GBT_DEPARTMENT = {
    "code": "gbt30428", "version": 2, "name": "GB/T 30428 部门处置考核", "unit_type": "department",
    "terms": [{"indicator": "response_rate", "weight": 0.2},
              {"indicator": "on_time_closure_rate", "weight": 0.25},
              {"indicator": "overdue_rate", "weight": 0.15, "invert": True},
              {"indicator": "closure_rate", "weight": 0.15},
              {"indicator": "rework_rate", "weight": 0.15, "invert": True},
              {"indicator": "satisfaction_rate", "weight": 0.1}],
    "bands": {"A": 90, "B": 80, "C": 70, "D": 60},
}
THREE_RATES = {
    "code": "12345-3rates", "name": "12345 三率考核", "unit_type": "town",
    "terms": [{"indicator": "response_rate", "weight": 1 / 3}, {"indicator": "closure_rate", "weight": 1 / 3},
              {"indicator": "satisfaction_rate", "weight": 1 / 3}],
    "bands": {"A": 90, "B": 80, "C": 70, "D": 60},
}
GRID_WORKER = {
    "code": "grid-worker", "name": "网格员上报考核", "unit_type": "grid_worker",
    "terms": [{"indicator": "volume", "weight": 0.3}, {"indicator": "valid_report_rate", "weight": 0.7}],
    "bands": {"A": 90, "B": 80, "C": 70, "D": 60},
}
DEFAULTS = (GBT_DEPARTMENT, THREE_RATES, GRID_WORKER)


@dataclass
class Scored:
    unit: UnitFigures
    score: float | None
    rank: int | None = None
    grade: str = ""


def scheme_for(unit_type: str, code: str | None = None) -> Scheme:
    """The newest active version of the scheme ``code`` (or the first scheme of the unit type)."""
    qs = Scheme.objects.filter(is_active=True).order_by("code", "-version")
    if code:
        s = qs.filter(code=code).first()
    else:
        s = qs.filter(unit_type=unit_type).first() or qs.filter(code=GBT_DEPARTMENT["code"]).first()
    if s is None:
        raise NotFound("没有可用的考核方案")
    return s


def grade_of(score: float | None, bands: dict) -> str:
    if score is None:
        return ""
    for g in GRADES:
        if g in bands and score >= float(bands[g]):
            return g
    return "E"


def score_units(units: list[UnitFigures], scheme: Scheme) -> list[Scored]:
    """Score every unit; rank (1 = best, ties share a rank) only those with at least the scheme's
    minimum volume. A term whose rate has no denominator is left out and the weights re-normalised."""
    top = max((u.volume for u in units), default=0)
    out = []
    for u in units:
        total = weights = 0.0
        for t in scheme.terms:
            w = float(t.get("weight", 0))
            if t["indicator"] == "volume":
                v = u.volume / top if top else None
            else:
                fig = u.figures.get(t["indicator"])
                v = fig.value if fig is not None and fig.den is not None else None
            if v is None:
                continue
            total += w * ((1 - v) if t.get("invert") else v)
            weights += w
        out.append(Scored(u, round(100 * total / weights, 2) if weights and u.volume else None))
    ranked = sorted((s for s in out if s.score is not None and s.unit.volume >= scheme.min_volume),
                    key=lambda s: -s.score)
    prev = None
    for i, s in enumerate(ranked, 1):
        s.rank = prev.rank if prev is not None and prev.score == s.score else i
        s.grade = grade_of(s.score, scheme.bands)
        prev = s
    return sorted(out, key=lambda s: (s.rank is None, s.rank or 0, -(s.score or -1), s.unit.name))


def ensure_defaults() -> int:
    """Create any missing default scheme (version 1); the data migration does this on install."""
    n = 0
    for d in DEFAULTS:
        _, created = Scheme.objects.get_or_create(code=d["code"], version=d.get("version", 1),
                                                  defaults={k: v for k, v in d.items() if k != "version"})
        n += created
    return n
