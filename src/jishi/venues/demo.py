"""Demo venues (the demo generator's hook): the city model already placed 1 centre + 3 pioneer stations + 10
neighbourhood points in every village/community (~3,700 venues with the towns' centres, studios and informant
stations at city scale). This hook gives them their functions, rooms and the next fortnight's bookings, closes a
few points for repairs (so some villages fall short of 1+3+10), and computes the 8-minute coverage once."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import datetime, time, timedelta

import numpy as np
from django.db import transaction

from jishi.core import audit
from jishi.core.calendar import TZ
from jishi.org.choices import VenueKind
from jishi.org.models import Household, Venue
from jishi.venues import coverage
from jishi.venues.choices import DEFAULT_FUNCTIONS, BookingState, Function
from jishi.venues.models import Booking, Room, VenueProfile

ROOMS = {VenueKind.PARTY_MASS_CENTRE: [("党员活动室", 60), ("议事协商室", 20), ("多功能厅", 120)],
         VenueKind.PIONEER_STATION: [("驿站活动室", 20)]}
PURPOSES = ["支部主题党日", "党员冬训学习", "村民议事会", "老年人健康讲座", "法律咨询进网格", "青少年四点半课堂",
            "文艺排练", "志愿者培训", "楼道长例会", "网格事件协商会"]
ORGANISERS = ["村党委", "第一网格党支部", "第二网格党支部", "老年协会", "妇联执委", "志愿服务队", "乡贤理事会", "社区卫生服务站"]
CLOSED_SHARE = 0.04  # neighbourhood points closed for repairs
CHUNK = 2000


def _spread(xy: np.ndarray, k: int, first: int) -> list[int]:
    """``k`` indices of ``xy`` spread out (farthest-point sampling from ``first``)."""
    chosen = [first]
    d = np.hypot(*(xy - xy[first]).T)
    for _ in range(min(k, len(xy)) - 1):
        j = int(np.argmax(d))
        chosen.append(j)
        d = np.minimum(d, np.hypot(*(xy - xy[j]).T))
    return chosen


def place_among_households(rng: random.Random) -> int:
    """Put each village's centre at its households' middle and its stations and points where people live,
    spread out (a village builds its points in its hamlets, not in the fields)."""
    homes: dict[int, list] = defaultdict(list)
    for v, lng, lat in Household.objects.exclude(lng=None).exclude(lat=None).values_list("village_id", "lng", "lat"):
        homes[v].append((lng, lat))
    moved = []
    by_village: dict[int, list[Venue]] = defaultdict(list)
    for venue in Venue.objects.filter(kind__in=[VenueKind.PARTY_MASS_CENTRE, VenueKind.PIONEER_STATION,
                                                VenueKind.NEIGHBOURHOOD_POINT], village__isnull=False).order_by("id"):
        by_village[venue.village_id].append(venue)
    for village, venues in by_village.items():
        pts = np.array(homes.get(village, []), dtype=float)
        if len(pts) < len(venues):
            continue
        xy = pts * [math.cos(math.radians(pts[0, 1])), 1.0]
        middle = int(np.argmin(np.hypot(*(xy - xy.mean(axis=0)).T)))
        picks = _spread(xy, len(venues), middle)
        centres = [v for v in venues if v.kind == VenueKind.PARTY_MASS_CENTRE]
        others = [v for v in venues if v.kind != VenueKind.PARTY_MASS_CENTRE]
        for venue, i in zip(centres + others, picks, strict=False):
            jitter = (rng.uniform(-1, 1) * 2e-4, rng.uniform(-1, 1) * 2e-4)  # ~20 m off the doorstep
            venue.lng, venue.lat = round(pts[i, 0] + jitter[0], 6), round(pts[i, 1] + jitter[1], 6)
            moved.append(venue)
    Venue.objects.bulk_update(moved, ["lng", "lat"], batch_size=CHUNK)
    return len(moved)


def generate(ctx) -> str:
    rng = random.Random(f"venues:{ctx.seed}")
    if not Venue.objects.exists():
        return "venues: no venues, skipped"
    with transaction.atomic():
        place_among_households(rng)
        venues = list(Venue.objects.values_list("id", "kind", "town_id", "village_id", "grid_id", "microgrid_id"))
        profiles, rooms = [], []
        closed = 0
        for pk, kind, t, v, g, m in venues:
            fns = [str(f) for f in DEFAULT_FUNCTIONS.get(kind, [])]
            if kind == VenueKind.NEIGHBOURHOOD_POINT and rng.random() < 0.3:
                fns.append(str(Function.CULTURE_HEALTH))
            shut = kind == VenueKind.NEIGHBOURHOOD_POINT and rng.random() < CLOSED_SHARE
            closed += shut
            profiles.append(VenueProfile(venue_id=pk, functions=fns, is_open=not shut,
                                         note="场地改造中" if shut else ""))
            for name, cap in ROOMS.get(kind, []):
                rooms.append(Room(venue_id=pk, name=name, capacity=cap, town_id=t, village_id=v, grid_id=g,
                                  microgrid_id=m))
        VenueProfile.objects.bulk_create(profiles, batch_size=CHUNK, ignore_conflicts=True)
        Room.objects.bulk_create(rooms, batch_size=CHUNK)
        today = ctx.today
        bookings = []
        for r in Room.objects.values("id", "venue_id", "capacity", "town_id", "village_id", "grid_id", "microgrid_id"):
            taken: set[tuple] = set()
            for _ in range(rng.randint(0, 4)):
                day = today + timedelta(days=rng.randint(0, 13))
                hour = rng.choice([9, 14, 19])
                if (day, hour) in taken:
                    continue
                taken.add((day, hour))
                start = datetime.combine(day, time(hour, 0), TZ)
                bookings.append(Booking(
                    room_id=r["id"], venue_id=r["venue_id"], starts_at=start, ends_at=start + timedelta(hours=2),
                    purpose=rng.choice(PURPOSES), organiser=rng.choice(ORGANISERS), state=BookingState.BOOKED,
                    attendees=rng.randint(5, max(5, r["capacity"])), town_id=r["town_id"], village_id=r["village_id"],
                    grid_id=r["grid_id"], microgrid_id=r["microgrid_id"]))
        Booking.objects.bulk_create(bookings, batch_size=CHUNK)
        run = coverage.recompute()
        audit.record(None, "demo.venues", object_type="venues.demo", object_id="venues",
                     summary="演示数据：阵地功能、活动室、预约与8分钟服务圈",
                     data={"venues": len(venues), "rooms": len(rooms), "bookings": len(bookings), "closed": closed,
                           "coverage_seconds": run.seconds})
    rate = run.covered / run.households if run.households else 0
    return (f"{len(venues)} 个阵地，{len(rooms)} 间活动室，{len(bookings)} 个预约，{closed} 个睦邻点停用；"
            f"8分钟服务圈覆盖 {rate:.1%} 户（{run.seconds:.1f} 秒）")
