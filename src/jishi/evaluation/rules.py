"""The scoring rules, pure functions over plain values (what the tests pin):

- ``rate``: a measured rate in 0..1 earns nothing at or below ``zero``, all the points at or above ``full``,
  linearly in between (办结率 98% 满分、80% 及以下不得分);
- ``count``: a count earns ``points × count / full``, at most all the points (e.g. 10 睦邻点 = full);
- ``claim``: the community claims 0..points on its evidence, the town may adjust (with a reason).

A must-pass item (否决项) is met when its points reach ``pass_ratio`` of its maximum; a failed one caps the star
at the scheme's ``must_pass_cap``. The star is the highest band whose ``min`` the total reaches.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass


def round1(x: float) -> float:
    return math.floor(x * 10 + 0.5 + 1e-9) / 10


def rate_points(points: float, measured: float | None, *, full: float, zero: float) -> float | None:
    if measured is None:
        return None
    if full <= zero:
        raise ValueError("满分线必须高于零分线")
    if measured >= full:
        return float(points)
    if measured <= zero:
        return 0.0
    return round1(points * (measured - zero) / (full - zero))


def count_points(points: float, measured: float | None, *, full: float) -> float | None:
    if measured is None:
        return None
    if full <= 0:
        raise ValueError("满分数量必须大于0")
    return round1(points * min(1.0, max(0.0, measured) / full))


def clamp_claim(points: float, claimed: float) -> float:
    if claimed < 0 or claimed > points:
        raise ValueError(f"得分须在 0 到 {points:g} 之间")
    return round1(claimed)


def auto_points(rule: str, points: float, measured: float | None, *, full: float | None, zero: float | None):
    """Points a computed indicator earns from its measured figure (None: nothing measured)."""
    if rule == "rate":
        return rate_points(points, measured, full=full if full is not None else 1.0, zero=zero or 0.0)
    if rule == "count":
        return count_points(points, measured, full=full or 1.0)
    return None


def needed_for_full(rule: str, measured: float | None, numerator: int | None, denominator: int | None, *,
                    full: float | None) -> int | None:
    """How many more records would reach the full mark: more closed/on-time cases for a rate, more items for
    a count (None when it cannot be said)."""
    if full is None:
        return None
    if rule == "rate" and numerator is not None and denominator:
        return max(0, math.ceil(full * denominator - 1e-9) - numerator)
    if rule == "count" and measured is not None:
        return max(0, math.ceil(full - measured))
    return None


@dataclass(frozen=True)
class Line:
    """One level-3 indicator as the star needs it."""

    code: str
    max_points: float
    points: float | None
    must_pass: bool = False
    pass_ratio: float = 0.6


def total(lines: Iterable[Line]) -> float:
    return round1(sum(line.points or 0.0 for line in lines))


def failed_must_pass(lines: Iterable[Line]) -> list[str]:
    return [line.code for line in lines
            if line.must_pass and (line.points or 0.0) + 1e-9 < line.pass_ratio * line.max_points]


def star(score: float, bands: list[dict], *, failed: list[str] | None = None, cap: int = 2) -> int:
    """The star for ``score``: the highest band reached, at most ``cap`` when a must-pass item failed."""
    reached = [int(b["star"]) for b in bands if score + 1e-9 >= float(b["min"])]
    s = max(reached) if reached else 1
    if failed:
        s = min(s, cap)
    return max(1, min(5, s))


def check_bands(bands: list[dict]) -> list[dict]:
    """Bands sorted by star, each star 1..5 once, thresholds rising with the star; ValueError otherwise."""
    try:
        rows = sorted(({"star": int(b["star"]), "min": float(b["min"])} for b in bands), key=lambda b: b["star"])
    except (KeyError, TypeError, ValueError):
        raise ValueError("星级分档格式不对：每档需有 star 和 min") from None
    stars = [b["star"] for b in rows]
    if stars != sorted(set(stars)) or not stars or stars[0] < 1 or stars[-1] > 5:
        raise ValueError("星级须为 1 至 5 星，每个星级一档")
    mins = [b["min"] for b in rows]
    if any(mins[i] >= mins[i + 1] for i in range(len(mins) - 1)):
        raise ValueError("星级越高，分数线须越高")
    return rows
