"""Venues endpoints (/api/v1/venues): venues with their functions and rooms, room bookings, each village's gap to
1+3+10, the 8-minute coverage of a region (with its sub-regions and the households outside), and the best sites
for the next N venues. Each endpoint calls one service or query; what a caller sees goes through ``restrict``
(out of scope: 404)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from jishi.core.errors import NotFound
from jishi.core.scope import holds
from jishi.http.auth import require_scope
from jishi.http.pagination import DEFAULT_LIMIT, MAX_LIMIT, page_of, paginate
from jishi.http.types import Cursor, Id, Moment, PathId
from jishi.org.choices import VenueKind
from jishi.org.middleware import actor_of
from jishi.org.models import Region, Venue
from jishi.org.queries import in_region
from jishi.venues import planning, queries, services
from jishi.venues.choices import DEFAULT_FUNCTIONS, Function
from jishi.venues.models import Booking, Room

router = Router()


class VenueOut(Schema):
    id: int
    name: str
    kind: str
    region_id: int
    town_id: int | None
    village_id: int | None
    address: str
    lng: float
    lat: float
    opening_hours: str
    functions: list[str]
    is_open: bool

    @staticmethod
    def resolve_functions(obj) -> list[str]:
        p = getattr(obj, "venue_profile", None)  # a venue without a profile: its kind's functions
        return list(p.functions) if p else [str(f) for f in DEFAULT_FUNCTIONS.get(obj.kind, [])]

    @staticmethod
    def resolve_is_open(obj) -> bool:
        p = getattr(obj, "venue_profile", None)
        return p.is_open if p else True


class VenueRoomOut(Schema):
    id: int
    name: str
    capacity: int
    is_active: bool


class VenueDetailOut(VenueOut):
    rooms: list[VenueRoomOut]

    @staticmethod
    def resolve_rooms(obj) -> list:
        return list(Room.objects.filter(venue=obj))


class VenueIn(Schema):
    region_id: Id = Field(..., description="所在镇(街道)、村(社区)、网格或微网格")
    kind: VenueKind
    name: str = Field(..., min_length=1, max_length=120)
    lng: float = Field(..., ge=73, le=136)
    lat: float = Field(..., ge=3, le=54)
    address: str = Field("", max_length=200)
    opening_hours: str = Field("", max_length=100)
    phone: str = Field("", max_length=30)
    functions: list[Function] | None = Field(None, max_length=4)


class VenueFilters(Schema):
    region: Id | None = Field(None, description="区域（默认全市，按数据范围）")
    kind: VenueKind | None = None
    cursor: Cursor | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class VenueBookingIn(Schema):
    room_id: Id
    starts_at: Moment
    ends_at: Moment
    purpose: str = Field(..., min_length=1, max_length=120)
    organiser: str = Field(..., min_length=1, max_length=60)
    contact_phone: str = Field("", max_length=20)
    attendees: int = Field(10, ge=1, le=5000)


class VenueBookingOut(Schema):
    id: int
    room_id: int
    venue_id: int
    starts_at: datetime
    ends_at: datetime
    purpose: str
    organiser: str
    attendees: int
    state: str


class VenueGapOut(Schema):
    village_id: int
    name: str
    town: str
    centres: int
    stations: int
    points: int
    others: int
    need_centres: int
    need_stations: int
    need_points: int
    complete: bool
    missing: int


class VenueRegionFilter(Schema):
    region: Id = Field(..., description="区域编号")


class VenueCoverageChildOut(Schema):
    region_id: int
    name: str
    households: int
    covered: int
    outside: int
    rate: float | None
    mean_minutes: float | None


class VenueCoverageOut(Schema):
    region_id: int
    households: int
    covered: int
    outside: int
    unlocated: int
    rate: float | None
    mean_minutes: float | None
    minutes: float
    method: str
    computed_at: datetime | None
    children: list[VenueCoverageChildOut]
    outside_points: list[list[float | None]] = Field(..., description="[户编号, 经度, 纬度, 步行分钟]，最远的在前，至多 2000")


class VenueCandidateIn(Schema):
    label: str = Field("", max_length=60)
    lng: float = Field(..., ge=73, le=136)
    lat: float = Field(..., ge=3, le=54)


class VenueBestSitesIn(Schema):
    region_id: Id
    n: int = Field(10, ge=1, le=planning.MAX_SITES, description="新增阵地数")
    method: str = Field("greedy", max_length=10, description="greedy 贪心（有 1-1/e 保证）/ exact 精确（整数规划，小范围）")
    candidates: list[VenueCandidateIn] | None = Field(None, max_length=planning.MAX_CANDIDATES,
                                                      description="候选点；不给则用区域内各网格、微网格的中心")


class VenueSiteOut(Schema):
    rank: int
    label: str
    lng: float
    lat: float
    adds: int
    alone: int
    cumulative: int


class VenueBestSitesOut(Schema):
    region_id: int
    method: str
    n: int
    households: int
    covered_before: int
    covered_after: int
    added: int
    upper_bound: int
    bound_ratio: float
    candidates: int
    walking: str
    sites: list[VenueSiteOut]


def _region(request, region_id: int) -> Region:
    region = Region.objects.filter(pk=region_id).first()
    if region is None or not holds(actor_of(request), "view", region):
        raise NotFound("区域不存在，或不在您的数据范围内", field="region")
    return region


@router.get("", response=page_of(VenueOut), summary="服务阵地（按数据范围）")
@require_scope("venues:read")
def venue_list(request: HttpRequest, filters: Query[VenueFilters]):
    actor = actor_of(request)
    qs = Venue.objects.restrict(actor, "view").select_related("venue_profile")
    if filters.region:
        region = _region(request, filters.region)
        qs = in_region(qs, region)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return paginate(qs, cursor=filters.cursor, limit=filters.limit, keys=("id",), descending=False)


@router.post("", response={201: VenueOut}, summary="登记服务阵地")
@require_scope("venues:write")
def venue_create(request: HttpRequest, payload: VenueIn):
    v = services.create_venue(actor_of(request), region_id=payload.region_id, kind=payload.kind, name=payload.name,
                              lng=payload.lng, lat=payload.lat, address=payload.address,
                              opening_hours=payload.opening_hours, phone=payload.phone,
                              functions=[str(f) for f in payload.functions] if payload.functions is not None else None)
    return Status(201, Venue.objects.select_related("venue_profile").get(pk=v.pk))


@router.get("/gaps", response=list[VenueGapOut], summary="各村(社区)对照“1+3+10”的差距")
@require_scope("venues:read")
def venue_gaps(request: HttpRequest, filters: Query[VenueRegionFilter]):
    region = _region(request, filters.region)
    return [g.as_dict() for g in queries.village_gaps(actor_of(request), region)]


@router.get("/coverage", response=VenueCoverageOut, summary="8分钟党群服务圈覆盖（某区域，含下级区域和圈外户）")
@require_scope("venues:read")
def venue_coverage(request: HttpRequest, filters: Query[VenueRegionFilter]):
    actor = actor_of(request)
    region = _region(request, filters.region)
    cov = queries.eight_minute_coverage(region, actor)
    pts, _total = queries.outside_points(actor, region, limit=2000)
    return {"region_id": region.pk, "households": cov.households, "covered": cov.covered, "outside": cov.outside,
            "unlocated": cov.unlocated, "rate": cov.rate, "mean_minutes": cov.mean_minutes, "minutes": cov.minutes,
            "method": cov.method, "computed_at": cov.computed_at, "children": queries.coverage_children(actor, region),
            "outside_points": pts}


@router.post("/best-sites", response=VenueBestSitesOut, summary="新增 N 个阵地的最佳选址（最大覆盖）")
@require_scope("venues:read")
def venue_best_sites(request: HttpRequest, payload: VenueBestSitesIn):
    actor = actor_of(request)
    region = Region.objects.filter(pk=payload.region_id).first()
    if region is None or not holds(actor, "view", region):
        raise NotFound("区域不存在，或不在您的数据范围内", field="region_id")
    cands = None if payload.candidates is None else [
        (c.label or f"候选点{i}", c.lng, c.lat) for i, c in enumerate(payload.candidates, 1)]
    r = planning.best_sites(actor, region, payload.n, method=payload.method, candidates=cands)
    return {**{k: getattr(r, k) for k in ("region_id", "method", "n", "households", "covered_before", "covered_after",
                                           "added", "upper_bound", "bound_ratio", "candidates", "walking")},
            "sites": [s.__dict__ for s in r.sites]}


@router.get("/{venue_id}", response=VenueDetailOut, summary="一个服务阵地（含活动室）")
@require_scope("venues:read")
def venue_detail(request: HttpRequest, venue_id: PathId):
    return services.venue_for(actor_of(request), venue_id)


@router.get("/{venue_id}/bookings", response=list[VenueBookingOut], summary="阵地的活动室预约（今天起）")
@require_scope("venues:read")
def venue_bookings(request: HttpRequest, venue_id: PathId):
    v = services.venue_for(actor_of(request), venue_id)
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return list(Booking.objects.restrict(actor_of(request), "view").filter(venue=v, ends_at__gte=start)
                .order_by("starts_at")[:200])


@router.post("/{venue_id}/bookings", response={201: VenueBookingOut}, summary="预约活动室（同一活动室时段不重叠）")
@require_scope("venues:write")
def venue_book(request: HttpRequest, venue_id: PathId, payload: VenueBookingIn):
    actor = actor_of(request)
    v = services.venue_for(actor, venue_id)
    if not Room.objects.filter(pk=payload.room_id, venue=v).exists():
        raise NotFound("活动室不存在或不属于这个阵地", field="room_id")
    b = services.book_room(actor, payload.room_id, starts_at=payload.starts_at, ends_at=payload.ends_at,
                           purpose=payload.purpose, organiser=payload.organiser,
                           contact_phone=payload.contact_phone, attendees=payload.attendees)
    return Status(201, b)
