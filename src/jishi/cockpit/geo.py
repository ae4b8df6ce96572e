"""Map data: recent cases as points (heat layer and clustered markers, bounded) and the villages
(or, in a village, its grids) with their closure rate for a choropleth."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from jishi.cases.models import Case
from jishi.cockpit.figures import rollups
from jishi.cockpit.periods import today
from jishi.cockpit.scope import case_filter
from jishi.org.choices import Level
from jishi.org.models import Region

RECENT_DAYS = 30
MAX_POINTS = 5000


def points(region: Region) -> list[list]:
    """[lat, lng, case id, state] of the newest located cases of the last ``RECENT_DAYS`` days."""
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    rows = (Case.objects.filter(case_filter(region), reported_at__gte=since, lat__isnull=False, lng__isnull=False)
            .order_by("-reported_at").values_list("lat", "lng", "pk", "state")[:MAX_POINTS])
    return [[round(a, 6), round(b, 6), pk, s] for a, b, pk, s in rows]


def areas(region: Region) -> list[dict]:
    """GeoJSON features of the villages (a village: its grids) with received and closure rate over
    the last ``RECENT_DAYS`` days, and the URL of each area's own map."""
    level = Level.GRID if region.level in (Level.VILLAGE, Level.GRID) else Level.VILLAGE
    inside = Q() if region.level == Level.CITY else Q(**{f"{region.level}_id": region.pk})
    subs = Region.objects.filter(inside, level=level).exclude(boundary=None).only("pk", "name", "boundary")
    last = today()
    rows = {r[level]: r for r in rollups(region, last - timedelta(days=RECENT_DAYS - 1), last).values(level)
            .annotate(received=Sum("received"), rejected=Sum("rejected"), done=Sum("received_closed"))}
    drill = reverse("cockpit-map")
    out = []
    for s in subs:
        r = rows.get(s.pk, {})
        den = (r.get("received") or 0) - (r.get("rejected") or 0)
        rate = round((r.get("done") or 0) * 100 / den, 1) if den else None
        out.append({"type": "Feature", "geometry": s.boundary,
                    "properties": {"id": s.pk, "name": s.name, "received": r.get("received") or 0, "rate": rate,
                                   # click to drill into the area's own map (not on a grid's own map: it is there)
                                   "url": f"{drill}?region={s.pk}" if s.pk != region.pk else None}})
    return out


def map_data(region: Region) -> dict:
    return {"points": points(region), "areas": {"type": "FeatureCollection", "features": areas(region)},
            "max_points": MAX_POINTS, "days": RECENT_DAYS}
