"""Demo hook: the case demo writes its rows with bulk inserts (no signals), so rebuild the rollups."""

from __future__ import annotations

from jishi.cockpit.rollups import rebuild


def generate(ctx) -> str:
    n = rebuild()
    return f"cockpit: {n} rollup rows"
