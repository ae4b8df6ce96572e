"""Read side of the venues domain: each village's gap to 1+3+10, the 8-minute coverage of a region and its
sub-regions, the households outside the circle, venue lists. Pages, API, Excel and the evaluation engine call
these; what a viewer sees goes through ``restrict(actor, …)`` (``actor=None``: the system, the whole city).

For the evaluation engine: ``venue_coverage(region)`` and ``eight_minute_coverage(region)``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.db.models import Count, Q, Sum

from jishi.org.choices import Level, VenueKind
from jishi.org.models import Region, Venue
from jishi.org.policy import as_actor
from jishi.org.queries import in_region
from jishi.venues.choices import STANDARD
from jishi.venues.models import Booking, CoverageCell, CoverageRun

CHILD = {Level.CITY: "town", Level.TOWN: "village", Level.VILLAGE: "grid", Level.GRID: "microgrid"}
KIND_KEYS = {VenueKind.PARTY_MASS_CENTRE: "centres", VenueKind.PIONEER_STATION: "stations",
             VenueKind.NEIGHBOURHOOD_POINT: "points"}


@dataclass
class VillageGap:
    """A village/community against 1 centre + 3 pioneer stations + 10 neighbourhood points (open venues)."""

    village_id: int
    name: str
    town: str
    centres: int = 0
    stations: int = 0
    points: int = 0
    others: int = 0
    need_centres: int = 0
    need_stations: int = 0
    need_points: int = 0

    @property
    def complete(self) -> bool:
        return not (self.need_centres or self.need_stations or self.need_points)

    @property
    def missing(self) -> int:
        return self.need_centres + self.need_stations + self.need_points

    def as_dict(self) -> dict:
        return {**asdict(self), "complete": self.complete, "missing": self.missing}


def village_gaps(actor, region: Region) -> list[VillageGap]:
    """Each village/community under ``region`` the actor may view, with its open venues by kind and its gap
    (two statements)."""
    actor = as_actor(actor)
    villages = in_region(Region.objects.restrict(actor, "view").filter(level=Level.VILLAGE), region)
    rows = {v["id"]: VillageGap(v["id"], v["name"], v["town__name"] or "")
            for v in villages.order_by("town_id", "code").values("id", "name", "town__name")}
    counts = (Venue.objects.filter(village_id__in=list(rows)).exclude(venue_profile__is_open=False)
              .values("village_id", "kind").annotate(n=Count("id")).order_by())
    for c in counts:
        g = rows[c["village_id"]]
        key = KIND_KEYS.get(c["kind"])
        if key:
            setattr(g, key, getattr(g, key) + c["n"])
        else:
            g.others += c["n"]
    for g in rows.values():
        for kind, need in STANDARD:
            key = KIND_KEYS[kind]
            setattr(g, f"need_{key}", max(0, need - getattr(g, key)))
    return list(rows.values())


@dataclass
class VenueCoverage:
    """How many villages/communities of a region meet 1+3+10, and the venues they have."""

    villages: int
    complete: int
    centres: int
    stations: int
    points: int
    missing: int  # venues still needed to bring every village to the standard
    gaps: list[VillageGap] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return self.complete / self.villages if self.villages else None


def venue_coverage(region: Region, actor=None) -> VenueCoverage:
    """For the evaluation engine: the villages of ``region`` that meet 1+3+10 (``rate``), with each village's gap
    (``gaps``, the records behind the figure)."""
    gaps = village_gaps(actor, region)
    return VenueCoverage(villages=len(gaps), complete=sum(g.complete for g in gaps),
                         centres=sum(g.centres for g in gaps), stations=sum(g.stations for g in gaps),
                         points=sum(g.points for g in gaps), missing=sum(g.missing for g in gaps), gaps=gaps)


@dataclass
class CircleCoverage:
    """Households of a region within the circle in the newest run."""

    households: int
    covered: int
    unlocated: int
    minutes_sum: float
    minutes: float
    method: str
    computed_at: object
    run_id: int | None

    @property
    def outside(self) -> int:
        return self.households - self.covered

    @property
    def rate(self) -> float | None:
        return self.covered / self.households if self.households else None

    @property
    def mean_minutes(self) -> float | None:
        located = self.households - self.unlocated
        return self.minutes_sum / located if located else None


def eight_minute_coverage(region: Region, actor=None) -> CircleCoverage:
    """For the evaluation engine: the share of the households of ``region`` within the circle (``rate``), from the
    newest run (``computed_at``; ``run_id`` None: never computed); the households outside are ``outside_points``."""
    qs = in_region(CoverageCell.objects.restrict(as_actor(actor), "view"), region)
    agg = qs.aggregate(h=Sum("households"), c=Sum("covered"), u=Sum("unlocated"), m=Sum("minutes_sum"))
    run = CoverageRun.objects.order_by("-id").first()
    return CircleCoverage(households=agg["h"] or 0, covered=agg["c"] or 0, unlocated=agg["u"] or 0,
                          minutes_sum=agg["m"] or 0.0, minutes=run.minutes if run else 8.0,
                          method=run.method if run else "", computed_at=run.computed_at if run else None,
                          run_id=run.pk if run else None)


def coverage_children(actor, region: Region) -> list[dict]:
    """The coverage of each sub-region of ``region`` (one GROUP BY), named, worst first."""
    child = CHILD.get(region.level)
    if child is None:
        return []
    qs = in_region(CoverageCell.objects.restrict(as_actor(actor), "view"), region).exclude(**{f"{child}_id": None})
    rows = list(qs.values(f"{child}_id").annotate(h=Sum("households"), c=Sum("covered"), u=Sum("unlocated"),
                                                   m=Sum("minutes_sum")).order_by())
    names = dict(Region.objects.filter(pk__in=[r[f"{child}_id"] for r in rows]).values_list("id", "name"))
    out = []
    for r in rows:
        h, c, u = r["h"] or 0, r["c"] or 0, r["u"] or 0
        out.append({"region_id": r[f"{child}_id"], "name": names.get(r[f"{child}_id"], ""), "households": h,
                    "covered": c, "outside": h - c, "rate": c / h if h else None,
                    "mean_minutes": (r["m"] or 0) / (h - u) if h - u else None})
    out.sort(key=lambda x: (x["rate"] if x["rate"] is not None else 2, x["name"]))
    return out


def outside_points(actor, region: Region, limit: int = 4000) -> tuple[list[list], int]:
    """The households of ``region`` outside the circle ([id, lng, lat, minutes]), the farthest first, at most
    ``limit``, and how many there are."""
    pts = []
    for cell in in_region(CoverageCell.objects.restrict(as_actor(actor), "view"), region).only("outside"):
        pts.extend(cell.outside)
    pts.sort(key=lambda p: -(p[3] if p[3] is not None else 1e9))
    return pts[:limit], len(pts)


def venues_in(actor, region: Region, kind: str = ""):
    """The venues of a region the actor may view, centres first."""
    qs = in_region(Venue.objects.restrict(as_actor(actor), "view"), region).select_related("village", "venue_profile")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("village_id", "kind", "id")


def venue_points(actor, region: Region, limit: int = 3000) -> list[dict]:
    rows = venues_in(actor, region).exclude(venue_profile__is_open=False).values("id", "name", "kind", "lng", "lat")[:limit]
    labels = dict(VenueKind.choices)
    return [{**r, "kind_label": str(labels.get(r["kind"], r["kind"]))} for r in rows]


def bookings_of(venue: Venue, *, upcoming_from=None, limit: int = 50):
    qs = Booking.objects.filter(venue=venue).select_related("room")
    if upcoming_from is not None:
        qs = qs.filter(Q(ends_at__gte=upcoming_from))
    return qs.order_by("starts_at")[:limit]


def booking_totals(region: Region, start, end) -> dict[str, int]:
    """Bookings of the region's rooms starting in ``[start, end)``: held (not cancelled), cancelled, the people
    expected at the held ones, and the venues used — the venue-use ledger's figures."""
    qs = in_region(Booking.objects.all(), region).filter(starts_at__gte=start, starts_at__lt=end)
    held = qs.exclude(state="cancelled")
    agg = held.aggregate(n=Count("id"), people=Sum("attendees"), venues=Count("venue_id", distinct=True))
    return {"bookings": agg["n"], "cancelled": qs.filter(state="cancelled").count(), "attendees": agg["people"] or 0,
            "venues_used": agg["venues"]}
