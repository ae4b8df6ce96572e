"""Intake from every channel: validate, locate, compute time limits, store — idempotently.

A retry with the same hotline ticket number (``external_ref`` per channel) or ``idempotency_key``
returns the case already made, also when two retries race: the unique constraints decide and the
loser reads the winner's row.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, connection, transaction
from django.db.models import DateTimeField, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from jishi.cases import deadlines, reference
from jishi.cases import files as case_files
from jishi.cases.choices import AttachmentKind, Channel, CommandLevel, Priority, State
from jishi.cases.models import Attachment, Case, CaseAssignment, CaseEvent, Supervision, Whistle
from jishi.cases.timeline import emit
from jishi.core import audit, consumers, limits
from jishi.core.actor import Actor
from jishi.core.errors import NotFound, PermissionDenied, ValidationFailed
from jishi.core.scope import holds
from jishi.org import privacy
from jishi.org.models import Person, Region, StaffAssignment
from jishi.org.policy import GRANTS, GRID_STAFF_ROLES, OWNER_ROLES, PROXY_ROLES, as_actor
from jishi.org.queries import NumberSearchRefused, search_people

PROXY_NOTE = "代居民上报"
HOTLINE_NOTE = "12345 热线来电登记"


def _existing(channel: str, external_ref: str | None, idempotency_key: str | None) -> Case | None:
    q = Q()
    if idempotency_key:
        q |= Q(idempotency_key=idempotency_key)
    if external_ref:
        q |= Q(channel=channel, external_ref=external_ref)
    if not q:
        return None
    case = Case.objects.filter(q).first()
    if case is not None:
        case.created = False
    return case


def _person(actor: Actor) -> Person | None:
    """The actor's person: the one a token's row brought with its user (``platform.tokens.authenticate``), else read."""
    if not actor.person_id:
        return None
    try:
        person = actor.user.person if actor.user is not None else None
    except ObjectDoesNotExist:
        person = None
    return person if person is not None and person.pk == actor.person_id else (
        Person.objects.filter(pk=actor.person_id).first())


def report_case(actor, *, channel: str, category_code: str, title: str, description: str = "",
                lng: float | None = None, lat: float | None = None, region_code: str | None = None,
                address: str = "", reporter_name: str = "", reporter_phone: str = "", photos=(),
                external_ref: str | None = None, idempotency_key: str | None = None, anonymous: bool = False,
                priority: str | None = None, on_behalf_of: Person | int | None = None,
                channel_rows: Callable[[Case], object] | None = None) -> Case:
    """Create a case (state ``reported``) or return the one an earlier try made (``case.created``).

    ``on_behalf_of`` (a Person or its id): grid staff, village cadres and commanders report for a
    resident in their data scope (代居民上报). The case's reporter, reporter account, name and phone
    are the resident's — the resident follows and rates it — while the timeline's report row and the
    audit record name the staff member who submitted it.

    ``actor``: an Actor (bridge: a User, or None for a system channel such as the hotline gateway).

    ``channel_rows(case)``: the channel's own record of what its client sent (Open311's ``Submission``), written in
    the intake's transaction after the case, so the case never exists without it; not called for a retry.
    """
    actor = as_actor(actor)
    external_ref = (external_ref or "").strip() or None
    idempotency_key = (idempotency_key or "").strip() or None
    if channel not in Channel.values:
        raise ValidationFailed(f"未知的渠道“{channel}”", field="channel")
    existing = _existing(channel, external_ref, idempotency_key)
    if existing is not None:
        return existing
    category = reference.category(category_code)  # reference data: no statement (cases.reference)
    if category is None or not category.is_active:
        raise ValidationFailed(f"事件分类“{category_code}”不存在或已停用", field="category")
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("请填写事件标题", field="title")
    if priority is not None and priority not in Priority.values:
        raise ValidationFailed(f"未知的优先级“{priority}”", field="priority")
    limits.check(title, limits.TITLE, field="title", label="标题")
    limits.check(description, limits.DESCRIPTION, field="description", label="描述")
    limits.check(address, limits.ADDRESS, field="address", label="地址")
    region = _locate(lng, lat, region_code)
    uploads = case_files.validate_all(photos, field="photos")

    proxy_role = ""
    caller = on_behalf_of is None and channel == Channel.HOTLINE and _takes_hotline(actor)
    if caller:  # a 12345 operator or commander enters a call: the caller is the reporter, not the operator
        proxy_role = _hotline_role(actor)
        reporter_name, reporter_phone = _caller(reporter_name, reporter_phone)
        person = _caller_person(reporter_phone)
        reporter_user = person.user if person is not None and person.user_id and person.user.is_active else None
        anonymous = False
    elif on_behalf_of is not None:
        proxy_role = _proxy_role(actor)
        resident = _resident(actor, on_behalf_of)
        anonymous, person = False, resident
        reporter_user = resident.user if resident.user_id and resident.user.is_active else None
        reporter_name, reporter_phone = resident.name, resident.phone
    else:
        # 匿名上报 hides the reporter from the handlers, not from the reporter: the account stays on the case
        # (它在“我的上报”里，每一步都告知他), the person record, name and phone do not.
        person = None if anonymous else _person(actor)
        reporter_user = actor.user
    now = timezone.now()
    prio = priority or category.default_priority
    case = Case(
        channel=channel, category=category, priority=prio,
        title=title[:120], description=description or "", address=(address or "")[:200],
        lng=lng, lat=lat, reporter=person, reporter_user=reporter_user,
        reporter_name="" if anonymous else (reporter_name or getattr(person, "name", ""))[:50],
        reporter_phone="" if anonymous else (reporter_phone or getattr(person, "phone", ""))[:20],
        anonymous=anonymous, external_ref=external_ref, idempotency_key=idempotency_key, state=State.REPORTED,
        command_level=CommandLevel.VILLAGE if region.village_id else CommandLevel.TOWN if region.town_id
        else CommandLevel.CITY,
        reported_at=now, ack_due_at=deadlines.ack_due(category, prio, now),
        handle_due_at=deadlines.handle_due(category, prio, now),
    )
    case.place_in(region)
    if caller and not holds(actor, "hotline", case):
        raise PermissionDenied("该位置不在您登记热线来电的辖区内", code="outside_hotline_scope", field="location")
    try:
        with transaction.atomic():
            # The number is the day and the id: the id is taken first, so the row is written once.
            case.pk = _next_case_id()
            case.number = f"{timezone.localtime(now):%Y%m%d}{case.pk:05d}"
            case.save(force_insert=True)
            if caller:  # the operator who entered the call, in their role; the caller is the case's reporter
                event = emit(
                    case, "report", actor=actor.user, actor_name=_actor_name(actor, case), actor_role=proxy_role,
                    at=now, from_state="", to_state=State.REPORTED,
                    note=(f"{HOTLINE_NOTE}：{description}" if description else HOTLINE_NOTE)[:2000],
                    data={"channel": channel, "external_ref": external_ref, "hotline": True,
                          "on_behalf_of": person.pk if person is not None else None},
                )
            elif proxy_role:  # the staff member who submitted it, in their role
                event = emit(
                    case, "report", actor=actor.user, actor_name=_actor_name(actor, case), actor_role=proxy_role,
                    at=now, from_state="", to_state=State.REPORTED,
                    note=(f"{PROXY_NOTE}：{description}" if description else PROXY_NOTE)[:2000],
                    data={"channel": channel, "external_ref": external_ref, "on_behalf_of": person.pk},
                )
            else:
                event = emit(
                    case, "report", actor=case.reporter_user, actor_name=_actor_name(actor, case),
                    actor_role=channel, at=now, from_state="", to_state=State.REPORTED, note=description[:2000],
                    data={"channel": channel, "external_ref": external_ref},
                )
            files = [case_files.store(case, up, kind=AttachmentKind.PHOTO, user=actor.user, event=event)
                     for up in uploads]
            audit.record(actor.user, "case.report", case, role=proxy_role or channel,
                         summary=f"{case.number} {HOTLINE_NOTE if caller else PROXY_NOTE if proxy_role else '上报'}"
                                 f"：{title[:60]}",
                         data={"channel": channel, "category": category.code, "external_ref": external_ref,
                               **({"on_behalf_of": getattr(person, "pk", None)} if proxy_role else {})})
            if channel_rows is not None:
                channel_rows(case)
    except IntegrityError:
        again = _existing(channel, external_ref, idempotency_key)
        if again is None:
            raise
        return again
    consumers.settled()
    case.created = True
    _remember(case, event, files)
    return case


def _next_case_id() -> int:
    """The id the next case row gets, taken inside the intake's transaction (the number is built from it).

    PostgreSQL: ``nextval`` of the id column's sequence (a value is used once, as an insert would).
    SQLite: the table's AUTOINCREMENT counter + 1; the transaction is IMMEDIATE (settings), so it holds
    the write lock from its first statement and no other writer can take the same id before the insert.
    """
    table = Case._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
            return cur.fetchone()[0]
        cur.execute("SELECT max(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0),"
                    f" COALESCE((SELECT max(id) FROM {connection.ops.quote_name(table)}), 0)) + 1", [table])
        return cur.fetchone()[0]


def _remember(case: Case, event: CaseEvent, files: list[Attachment]) -> None:
    """Keep what intake wrote on the case object (``with_intake_rows`` uses it): the timeline rows and files."""
    case.intake_rows = ([event], list(files))


NONE_YET = (("assignments", CaseAssignment), ("whistles", Whistle), ("supervisions", Supervision))  # of a new case


def with_intake_rows(case: Case) -> Case:
    """A case ``report_case`` has just made, ready for building the 201 answer without reading anything back:
    its times as the database gives them back (UTC), its relations a new case cannot have yet (units,
    whistles, notices) prefetched from empty querysets (``.none()``: no statement), and its one timeline row
    and photos in ``case.intake_rows`` (which ``cases.api`` reads in place of the prefetched events and
    files). Do not act on the object afterwards (its prefetched rows do not follow later changes)."""
    events, files = case.intake_rows
    for obj in (case, *events, *files):  # as the database gives them back: in UTC (the due times were local)
        for f in obj._meta.concrete_fields:
            value = getattr(obj, f.attname)
            if isinstance(f, DateTimeField) and value is not None and value.utcoffset():
                setattr(obj, f.attname, value.astimezone(UTC))
    prefetch_related_objects([case], *(Prefetch(name, queryset=model.objects.none()) for name, model in NONE_YET))
    case._pending_whistled = set()
    return case


def _takes_hotline(actor: Actor) -> bool:
    """Whether ``actor`` is a person at a post that takes 12345 calls (``policy.GRANTS["hotline"]``); a system
    channel (the hotline gateway) is not: it passes the caller's name and phone as they come."""
    return not actor.is_system and actor.user is not None and not actor.scope("hotline").empty


def _hotline_role(actor: Actor) -> str:
    for role in actor.roles:
        if role in GRANTS["hotline"]:
            return role
    raise PermissionDenied("只有 12345 热线话务员和指挥中心可以登记热线来电", code="not_hotline")


def _caller(name: str, phone: str) -> tuple[str, str]:
    """The caller's name and phone as the operator gives them, checked (the form requires the ticket number)."""
    name, phone = (name or "").strip(), "".join((phone or "").split())
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):  # a caller may withhold it
        raise ValidationFailed("来电人电话应为 7 至 12 位数字", field="reporter_phone")
    limits.check(name, limits.PERSON_NAME, field="reporter_name", label="来电人姓名")
    return name or "来电市民", phone


def _caller_person(phone: str) -> Person | None:
    """The one resident with this mobile number (so a caller with an account follows the case in 我的上报);
    None when there is none or more than one. The operator is never shown whom it matched."""
    if not phone:
        return None
    found = list(Person.objects.select_related("user").filter(phone=phone)[:2])
    return found[0] if len(found) == 1 else None


def is_hotline_taker(actor) -> bool:
    """Whether the hotline entry form is offered to ``actor``."""
    return _takes_hotline(as_actor(actor))


def _proxy_role(actor: Actor) -> str:
    """The role in which ``actor`` may report for a resident, or PermissionDenied."""
    for role in PROXY_ROLES:
        if role in actor.roles:
            return role
    raise PermissionDenied("只有网格员、网格长、村(社区)干部和指挥中心可以代居民上报", code="not_proxy",
                           field="on_behalf_of")


def _resident(actor, ref: Person | int) -> Person:
    """The resident named by ``ref`` if ``actor``'s data scope holds them (else NotFound: never reveal who exists)."""
    pk = ref.pk if isinstance(ref, Person) else ref
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise ValidationFailed("代上报的居民编号无效", field="on_behalf_of")
    person = Person.objects.select_related("user").restrict(actor, "view").filter(pk=pk).first()
    if person is None:
        raise NotFound("要代为上报的居民不存在，或不在您的数据范围内", code="resident_not_found", field="on_behalf_of")
    return person


def find_resident(actor, text: str) -> Person:
    """The one person in ``actor``'s data scope with this mobile number or ID number (the report form's
    代居民上报 field). ValidationFailed when there is none or more than one."""
    actor = as_actor(actor)
    _proxy_role(actor)
    text = "".join((text or "").split()).upper()
    if not text:
        raise ValidationFailed("请填写居民的手机号或身份证号", field="on_behalf_of")
    if privacy.number_kind(text) not in ("phone", "id_number"):
        raise ValidationFailed("请填写 11 位手机号或 15/18 位身份证号", field="on_behalf_of")
    try:  # the people search's rule (docs/privacy.md): refused for roles that see numbers masked, limited, audited
        found = list(search_people(actor, text, where="report").select_related("user")[:2])
    except NumberSearchRefused as exc:
        raise ValidationFailed("您的岗位看到的手机号、身份证号是脱敏的，不能按号码查找居民代为上报；"
                               "请由网格员或村（社区）干部代报", code=exc.code, field="on_behalf_of") from exc
    if not found:
        raise ValidationFailed("在您的数据范围内没有找到该手机号或身份证号的居民", field="on_behalf_of")
    if len(found) > 1:
        raise ValidationFailed("该号码对应多位居民，请改用身份证号", field="on_behalf_of")
    return found[0]


def _actor_name(actor: Actor, case: Case) -> str:
    if case.anonymous:
        return "匿名"
    if actor.user is not None:
        return actor.name
    return case.reporter_name or "系统"


def _locate(lng, lat, region_code) -> Region | reference.Place:
    if lng is not None and lat is not None:
        try:
            lng, lat = float(lng), float(lat)
        except (TypeError, ValueError):
            raise ValidationFailed("经纬度必须是数字", field="location")
        if not (math.isfinite(lng) and math.isfinite(lat)):
            raise ValidationFailed("经纬度必须是有限数字", field="location")
        region = reference.place_of(lng, lat)  # the located region's ancestor ids, held per process
        if region is None:
            raise ValidationFailed("该位置不在本市任何网格内，请检查地图上的点位", field="location")
        return region
    if region_code:
        region = Region.objects.filter(code=region_code).exclude(level="city").first()
        if region is None:
            raise ValidationFailed(f"区域“{region_code}”不存在", field="region")
        return region
    raise ValidationFailed("请在地图上选择位置或选择所在区域", field="location")


def new_case_recipients(case: Case, submitter_id: int | None = None) -> list:
    """Who is told of a new case: the commanders who own it at its command level, and its grid staff other
    than the reporter and the submitter (the account id of the report row's actor); a village case with neither goes to the town's commanders. The
    first two groups come from one query (``permissions.commanders_of`` + ``grid_staff_of`` in one). Used by
    the notice consumer (``jishi.notify.case_notices``) of the report row, after the intake has committed."""
    from jishi.cases.permissions import commanders_of

    level = case.command_level
    owner_roles = sorted(OWNER_ROLES[level])
    owners = (Q(role__in=owner_roles, region_id=case.village_id) if level == CommandLevel.VILLAGE and case.village_id
              else Q(role__in=owner_roles, region_id=case.town_id) if level == CommandLevel.TOWN and case.town_id
              else Q(role__in=owner_roles) if level == CommandLevel.CITY else None)
    staff = Q(role__in=sorted(GRID_STAFF_ROLES), region_id=case.grid_id) if case.grid_id else None
    commanders: dict[int, object] = {}
    grid_staff: dict[int, object] = {}
    wanted = [q for q in (owners, staff) if q is not None]
    if wanted:
        q = wanted[0] if len(wanted) == 1 else wanted[0] | wanted[1]
        User = get_user_model()
        for role, region_id, user_id in (StaffAssignment.objects.filter(q, is_active=True, person__user__is_active=True)
                                         .order_by("person__user_id").values_list("role", "region_id", "person__user_id")):
            if owners is not None and role in OWNER_ROLES[level] and (
                    level == CommandLevel.CITY or region_id == (case.village_id if level == CommandLevel.VILLAGE
                                                                else case.town_id)):
                commanders.setdefault(user_id, User(pk=user_id))  # notify() needs the recipients' ids only
            if staff is not None and role in GRID_STAFF_ROLES and region_id == case.grid_id:
                grid_staff.setdefault(user_id, User(pk=user_id))
    who = [*commanders.values(),
           *(u for pk, u in grid_staff.items() if pk not in (case.reporter_user_id, submitter_id))]
    if not who and level == CommandLevel.VILLAGE:
        who = commanders_of(case, CommandLevel.TOWN)
    return who


def likely_duplicates(case: Case, *, radius_m: float = 200, days: int = 7, limit: int = 10) -> QuerySet:
    """Open cases of the same category within ``radius_m`` metres reported in the last ``days`` days."""
    qs = Case.objects.filter(category_id=case.category_id, reported_at__gte=case.reported_at - timedelta(days=days),
                             state__in=[s for s in State.values if s not in (State.CLOSED, State.REJECTED)]
                             ).exclude(pk=case.pk)
    if case.lng is None or case.lat is None:
        if not case.grid_id and not case.village_id:
            return qs.none()
        qs = qs.filter(grid_id=case.grid_id) if case.grid_id else qs.filter(village_id=case.village_id)
        return qs.order_by("-reported_at")[:limit]
    dlat = radius_m / 111_320
    dlng = radius_m / (111_320 * max(math.cos(math.radians(case.lat)), 0.01))
    candidates = list(qs.filter(lat__range=(case.lat - dlat, case.lat + dlat),
                                lng__range=(case.lng - dlng, case.lng + dlng)).order_by("-reported_at")[: limit * 5])
    keep = [c.pk for c in candidates if _metres(case.lng, case.lat, c.lng, c.lat) <= radius_m][:limit]
    return Case.objects.filter(pk__in=keep).order_by("-reported_at")


def _metres(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    x = math.radians(lng2 - lng1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6_371_000 * math.hypot(x, y)
