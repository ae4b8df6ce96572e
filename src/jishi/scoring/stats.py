"""Small statistics for fair rankings: the Wilson score interval of a proportion."""

from __future__ import annotations

import math

Z95 = 1.959963984540054


def wilson(successes: float, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson 95% interval (low, high) of ``successes`` out of ``n``; None when n is 0.
    ``successes`` may be fractional (a weighted count such as 基本满意 × 0.8)."""
    if n <= 0:
        return None
    p = min(max(successes / n, 0.0), 1.0)
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))
