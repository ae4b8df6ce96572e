"""Likely duplicates of the cases on a page (the page-wide version of ``intake.likely_duplicates``)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from jishi.cases.choices import OPEN_STATES
from jishi.cases.intake import _metres
from jishi.cases.models import Case


def duplicates_for(page_cases: list[Case], *, radius_m: float = 200, days: int = 7) -> dict[int, list[Case]]:
    """Likely duplicates (open, same category, within ``radius_m``, reported within ``days``) of each
    case on a page, in one query."""
    located = [c for c in page_cases if c.lng is not None and c.lat is not None]
    if not located:
        return {}
    cats = {c.category_id for c in located}
    oldest = min(c.reported_at for c in located) - timedelta(days=days)
    pad = radius_m / 111_320 * 1.5
    lngs, lats = [c.lng for c in located], [c.lat for c in located]
    candidates = list(Case.objects.filter(
        category_id__in=cats, reported_at__gte=oldest, state__in=sorted(OPEN_STATES),
        lng__range=(min(lngs) - pad * 2, max(lngs) + pad * 2), lat__range=(min(lats) - pad, max(lats) + pad),
    ).only("id", "number", "title", "category_id", "lng", "lat", "reported_at", "state").order_by("-reported_at")[:2000])
    out: dict[int, list[Case]] = defaultdict(list)
    for c in located:
        for d in candidates:
            if (d.pk != c.pk and d.category_id == c.category_id and abs((d.reported_at - c.reported_at).days) <= days
                    and _metres(c.lng, c.lat, d.lng, d.lat) <= radius_m and len(out[c.pk]) < 5):
                out[c.pk].append(d)
    return dict(out)
