"""The verbs of the venues domain: add, change, close and reopen a venue; add a room; book and cancel; set the
circle's parameters; import a road network; ask for a recomputation.

Each verb checks scope (``holds(actor, "manage", …)``: the venue's village cadres, its town, the city) and its
invariants, changes the rows, writes one timeline row (``timeline.emit``) and one audit record, in one
transaction. Bad input raises ``ValidationFailed`` (Chinese message) and changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from jishi.core import audit
from jishi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jishi.core.scope import holds
from jishi.org.choices import Level, VenueKind
from jishi.org.models import Region, Venue
from jishi.org.policy import as_actor
from jishi.org.privacy import valid_phone
from jishi.venues import circle
from jishi.venues.choices import DEFAULT_FUNCTIONS, BookingState, Function, Method, Verb
from jishi.venues.models import Booking, CircleSettings, RoadNetwork, Room, VenueProfile
from jishi.venues.timeline import emit, writer

MAX_NETWORK_LINES = 200_000
MAX_ID = 2**63 - 1
LNG = (73.0, 136.0)  # China's longitudes and latitudes: a swapped pair is refused
LAT = (3.0, 54.0)


def _text(value, field: str, label: str, limit: int, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed(f"请填写{label}", field=field)
    if len(text) > limit:
        raise ValidationFailed(f"{label}最多 {limit} 个字", field=field)
    return text


def _float(value, field: str, label: str, lo: float, hi: float) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValidationFailed(f"{label}应是数字", field=field) from None
    if not lo <= x <= hi:
        raise ValidationFailed(f"{label}应在 {lo} 到 {hi} 之间", field=field)
    return x


def _functions(values) -> list[str]:
    out = []
    for v in values or []:
        if v not in Function.values:
            raise ValidationFailed(f"服务功能“{v}”不对", field="functions")
        if v not in out:
            out.append(v)
    return out


def _manageable(actor, venue: Venue) -> None:
    if not holds(actor, "manage", venue):
        raise PermissionDenied("这个阵地不在您的管理范围内")


def venue_for(actor, pk, action: str = "view") -> Venue:
    """One venue the actor may ``action`` (else NotFound: no existence oracle)."""
    if not isinstance(pk, int) or not 1 <= pk <= MAX_ID:
        raise NotFound("阵地不存在或不在您的范围内")
    venue = Venue.objects.restrict(as_actor(actor), action).select_related("region").filter(pk=pk).first()
    if venue is None:
        raise NotFound("阵地不存在或不在您的范围内")
    return venue


@writer
def create_venue(actor, *, region_id, kind: str, name: str, lng, lat, address: str = "", opening_hours: str = "",
                 phone: str = "", functions: list[str] | None = None) -> Venue:
    actor = as_actor(actor)
    region = Region.objects.filter(pk=region_id).first() if isinstance(region_id, int) and 1 <= region_id <= MAX_ID \
        else None
    if region is None or region.level == Level.CITY:
        raise ValidationFailed("请选择阵地所在的镇(街道)、村(社区)、网格或微网格", field="region_id")
    if not holds(actor, "manage", region):
        raise PermissionDenied("这个区域不在您的管理范围内")
    if kind not in VenueKind.values:
        raise ValidationFailed(f"阵地类型“{kind}”不对", field="kind")
    venue = Venue(name=_text(name, "name", "名称", 120), kind=kind, region=region,
                  lng=_float(lng, "lng", "经度", *LNG), lat=_float(lat, "lat", "纬度", *LAT),
                  address=_text(address, "address", "地址", 200, required=False),
                  opening_hours=_text(opening_hours, "opening_hours", "开放时间", 100, required=False),
                  phone=_text(phone, "phone", "电话", 30, required=False))
    venue.place_in(region)
    venue.save()
    fns = _functions(functions) if functions is not None else [str(f) for f in DEFAULT_FUNCTIONS.get(kind, [])]
    VenueProfile.objects.create(venue=venue, functions=fns)
    emit(Verb.ADD, venue=venue, actor=actor, data={"kind": kind, "lng": venue.lng, "lat": venue.lat})
    audit.record(actor.user, "venue.create", venue, summary=f"新建阵地 {venue.name}",
                 data={"kind": kind, "region": region.pk})
    return venue


@writer
def update_venue(actor, venue_id, **changes) -> Venue:
    """Change a venue's name, place (lng/lat), address, opening hours, phone or functions."""
    actor = as_actor(actor)
    venue = venue_for(actor, venue_id, "manage")
    before = {"lng": venue.lng, "lat": venue.lat}
    limits = {"name": ("名称", 120, True), "address": ("地址", 200, False), "opening_hours": ("开放时间", 100, False),
              "phone": ("电话", 30, False)}
    changed = []
    for key, (label, limit, required) in limits.items():
        if changes.get(key) is not None:
            setattr(venue, key, _text(changes[key], key, label, limit, required=required))
            changed.append(key)
    if changes.get("lng") is not None or changes.get("lat") is not None:
        venue.lng = _float(changes.get("lng", venue.lng), "lng", "经度", *LNG)
        venue.lat = _float(changes.get("lat", venue.lat), "lat", "纬度", *LAT)
        changed += ["lng", "lat"]
    venue.save()
    if changes.get("functions") is not None:
        VenueProfile.objects.update_or_create(venue=venue, defaults={"functions": _functions(changes["functions"])})
        changed.append("functions")
    moved = (venue.lng, venue.lat) != (before["lng"], before["lat"])
    emit(Verb.CHANGE, venue=venue, actor=actor, data={"fields": changed, "moved": moved, "from": before})
    audit.record(actor.user, "venue.update", venue, summary=f"修改阵地 {venue.name}", data={"fields": changed})
    return venue


@writer
def set_open(actor, venue_id, is_open: bool, note: str = "") -> Venue:
    """Close a venue (it no longer counts for the circle nor takes bookings) or reopen it."""
    actor = as_actor(actor)
    venue = venue_for(actor, venue_id, "manage")
    profile, _ = VenueProfile.objects.get_or_create(
        venue=venue, defaults={"functions": [str(f) for f in DEFAULT_FUNCTIONS.get(venue.kind, [])]})
    if profile.is_open == is_open:
        raise Conflict("阵地已经是开放状态" if is_open else "阵地已经停用")
    profile.is_open = is_open
    profile.note = _text(note, "note", "说明", 200, required=not is_open)
    profile.save()
    emit(Verb.REOPEN if is_open else Verb.CLOSE, venue=venue, actor=actor, data={"note": profile.note})
    audit.record(actor.user, "venue.reopen" if is_open else "venue.close", venue,
                 summary=f"{'恢复' if is_open else '停用'}阵地 {venue.name}", data={"note": profile.note})
    return venue


@writer
def add_room(actor, venue_id, *, name: str, capacity=20) -> Room:
    actor = as_actor(actor)
    venue = venue_for(actor, venue_id, "manage")
    name = _text(name, "name", "活动室名称", 60)
    cap = int(_float(capacity, "capacity", "容纳人数", 1, 2000))
    if Room.objects.filter(venue=venue, name=name).exists():
        raise Conflict(f"活动室“{name}”已经有了")
    room = Room(venue=venue, name=name, capacity=cap)
    room.town_id, room.village_id, room.grid_id, room.microgrid_id = (
        venue.town_id, venue.village_id, venue.grid_id, venue.microgrid_id)
    room.save()
    emit(Verb.ROOM, venue=venue, actor=actor, data={"room": room.pk, "name": name})
    audit.record(actor.user, "venue.room", room, summary=f"{venue.name} 新增活动室 {name}")
    return room


def _moment(value, field: str, label: str) -> datetime:
    if isinstance(value, datetime):
        dt = value
    else:
        try:
            dt = datetime.fromisoformat(str(value or "").strip())
        except ValueError:
            raise ValidationFailed(f"{label}格式不对（年-月-日 时:分）", field=field) from None
    return dt if dt.tzinfo else timezone.make_aware(dt)


@writer
def book_room(actor, room_id, *, starts_at, ends_at, purpose: str, organiser: str, contact_phone: str = "",
              attendees=10) -> Booking:
    """Book a room; refused when it overlaps a booking of the same room, is in the past, longer than a day, or
    for more people than the room holds. The room's row is locked first: two bookings at once, one wins."""
    actor = as_actor(actor)
    room = Room.objects.filter(pk=room_id).select_related("venue").first() if 1 <= room_id <= MAX_ID else None
    if room is None or not holds(actor, "manage", room.venue):
        raise NotFound("活动室不存在或不在您的范围内")
    start = _moment(starts_at, "starts_at", "开始时间")
    end = _moment(ends_at, "ends_at", "结束时间")
    if end <= start:
        raise ValidationFailed("结束时间应晚于开始时间", field="ends_at")
    if end - start > timedelta(hours=24):
        raise ValidationFailed("一次预约不超过24小时", field="ends_at")
    if start < timezone.now() - timedelta(minutes=5):
        raise ValidationFailed("不能预约已经过去的时间", field="starts_at")
    people = int(_float(attendees, "attendees", "预计人数", 1, 5000))
    if people > room.capacity:
        raise ValidationFailed(f"“{room.name}”最多容纳 {room.capacity} 人", field="attendees")
    phone = _text(contact_phone, "contact_phone", "联系电话", 20, required=False)
    if phone and not valid_phone(phone):
        raise ValidationFailed("联系电话应是11位手机号", field="contact_phone")
    profile = VenueProfile.objects.filter(venue_id=room.venue_id).first()
    if (profile and not profile.is_open) or not room.is_active:
        raise Conflict("阵地或活动室已停用，不能预约")
    Room.objects.select_for_update().filter(pk=room.pk).first()  # serialise bookings of this room
    clash = Booking.objects.filter(room=room, state=BookingState.BOOKED, starts_at__lt=end, ends_at__gt=start).first()
    if clash:
        raise Conflict(f"该时段已被“{clash.organiser}”预约（{timezone.localtime(clash.starts_at):%m-%d %H:%M}"
                       f"–{timezone.localtime(clash.ends_at):%H:%M}）")
    b = Booking(room=room, venue=room.venue, starts_at=start, ends_at=end, purpose=_text(purpose, "purpose", "活动内容", 120),
                organiser=_text(organiser, "organiser", "组织方", 60), contact_phone=phone, attendees=people,
                created_by=actor.user, town_id=room.town_id, village_id=room.village_id, grid_id=room.grid_id,
                microgrid_id=room.microgrid_id)
    b.save()
    emit(Verb.BOOK, venue=room.venue, actor=actor, data={"booking": b.pk, "room": room.pk})
    audit.record(actor.user, "venue.book", b, summary=f"预约 {room.venue.name}·{room.name} {b.purpose}")
    return b


@writer
def cancel_booking(actor, booking_id, reason: str = "") -> Booking:
    actor = as_actor(actor)
    b = Booking.objects.select_related("venue").filter(pk=booking_id).first() if 1 <= booking_id <= MAX_ID else None
    if b is None or not holds(actor, "manage", b.venue):
        raise NotFound("预约不存在或不在您的范围内")
    reason = _text(reason, "reason", "取消原因", 200)
    if not Booking.objects.filter(pk=b.pk, state=BookingState.BOOKED).update(state=BookingState.CANCELLED):
        raise Conflict("该预约已经取消")
    b.state = BookingState.CANCELLED
    emit(Verb.CANCEL, venue=b.venue, actor=actor, data={"booking": b.pk, "reason": reason})
    audit.record(actor.user, "venue.cancel", b, summary=f"取消预约 {b.purpose}", data={"reason": reason})
    return b


def _city_only(actor) -> None:
    if not actor.scope("manage").everything:
        raise PermissionDenied("服务圈参数和道路网络由市级管理")


@writer
def set_circle(actor, *, speed, detour, minutes, method: str) -> CircleSettings:
    """Set the walking speed (m/min), detour factor, minutes and method (city level); coverage follows."""
    actor = as_actor(actor)
    _city_only(actor)
    if method not in Method.values:
        raise ValidationFailed(f"计算方式“{method}”不对", field="method")
    if method == Method.NETWORK and not RoadNetwork.objects.filter(is_active=True).exists():
        raise ValidationFailed("还没有导入道路网络，请先导入", field="method")
    row = CircleSettings.objects.order_by("pk").first() or CircleSettings()
    row.speed = _float(speed, "speed", "步行速度", 20, 200)
    row.detour = _float(detour, "detour", "绕行系数", 1.0, 3.0)
    row.minutes = _float(minutes, "minutes", "服务圈分钟数", 1, 60)
    row.method = method
    row.save()
    data = {"speed": row.speed, "detour": row.detour, "minutes": row.minutes, "method": method}
    emit(Verb.SETTINGS, actor=actor, data=data)
    audit.record(actor.user, "venue.circle", row, summary="调整8分钟服务圈参数", data=data)
    return row


@writer
def import_network(actor, *, name: str, geojson: dict) -> RoadNetwork:
    """Import a road/path network (GeoJSON LineStrings); it replaces the active one and, with the method
    ``network``, the coverage is recomputed along it."""
    actor = as_actor(actor)
    _city_only(actor)
    if not isinstance(geojson, dict):
        raise ValidationFailed("道路网络应是 GeoJSON（FeatureCollection 的线要素）", field="geojson")
    lines = circle.lines_of(geojson)
    if not lines:
        raise ValidationFailed("GeoJSON 中没有线要素（LineString/MultiLineString）", field="geojson")
    if len(lines) > MAX_NETWORK_LINES:
        raise ValidationFailed(f"线要素最多 {MAX_NETWORK_LINES} 条", field="geojson")
    for line in lines:
        for lng, lat in line:
            if not (LNG[0] <= lng <= LNG[1] and LAT[0] <= lat <= LAT[1]):
                raise ValidationFailed(f"坐标 ({lng}, {lat}) 不在经纬度范围内（经度在前、纬度在后）", field="geojson")
    lat0 = sum(p[1] for p in lines[0]) / len(lines[0])
    net = circle.build_network(lines, lat0)
    RoadNetwork.objects.filter(is_active=True).update(is_active=False)
    row = RoadNetwork.objects.create(name=_text(name, "name", "名称", 60), geojson=geojson, lines=len(lines),
                                     nodes=net.nodes, edges=net.edges, km=round(net.km, 2), created_by=actor.user)
    emit(Verb.NETWORK, actor=actor, data={"network": row.pk, "nodes": net.nodes, "edges": net.edges})
    audit.record(actor.user, "venue.network", row, summary=f"导入道路网络 {row.name}",
                 data={"lines": len(lines), "nodes": net.nodes, "edges": net.edges, "km": row.km})
    return row


@writer
def request_recompute(actor) -> None:
    """Ask the coverage consumer to recompute (after venues were changed outside these verbs, e.g. an import)."""
    actor = as_actor(actor)
    _city_only(actor)
    emit(Verb.RECOMPUTE, actor=actor)
    audit.record(actor.user, "venue.recompute", object_type="venues.coverage", object_id="city",
                 summary="重新计算8分钟服务圈覆盖")
