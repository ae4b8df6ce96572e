"""Visit verbs: log a visit from a phone (idempotent by the phone's ``client_uuid``), make a concern a case, a
micro-wish or a need on the three lists (each in one tap, idempotent, linked back), put a household in a special
group."""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Case as Choose
from django.db.models import F, Q, Value, When
from django.utils import timezone

from jishi.cases import files as case_files
from jishi.cases import intake
from jishi.cases.choices import Channel
from jishi.cases.models import Case
from jishi.core import audit
from jishi.core.errors import NotFound, PermissionDenied, ValidationFailed
from jishi.core.scope import holds
from jishi.engage import projects as engage_projects
from jishi.engage import wishes as engage_wishes
from jishi.engage.choices import NeedSource, WishKind, WishSource
from jishi.engage.models import Need, Wish
from jishi.org.models import LOCATED_SCOPE, Household, Person, Region
from jishi.org.policy import REGION_STAFF_ROLES, as_actor, may_plan_visits
from jishi.visits.choices import CARE_EVERY_DAYS, CareGroup, Method
from jishi.visits.models import CareMembership, VisitAssignment, VisitConcern, VisitLog, VisitRound
from jishi.visits.timeline import emit, writer

MAX_CONCERNS = 5
CONCERN_CATEGORY = "1101"  # 民生服务 / 困难群众救助: the default of the one-tap "make it a case"
FUTURE_SLACK = timedelta(minutes=10)  # a phone's clock a little ahead


def parse_uuid(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise ValidationFailed("走访记录编号（client_uuid）不是有效的 UUID", field="client_uuid")


def visitable(actor, household_id) -> Household:
    """The household if ``actor`` may log a visit to it (their region, or assigned to them), else NotFound."""
    try:
        pk = int(household_id)
    except (TypeError, ValueError):
        raise ValidationFailed("请选择走访的户", field="household")
    hh = Household.objects.filter(pk=pk).first()
    if hh is None or not (holds(actor, "visit", hh) or VisitAssignment.objects.restrict(actor, "visit")
                          .filter(household_id=pk).exists()):
        raise NotFound("该户不存在，或不在您的走访范围内", code="household_not_found", field="household")
    return hh


def _round_of(actor, hh: Household, at: datetime, round_id) -> tuple[VisitRound | None, VisitAssignment | None]:
    """The round the visit counts for: the one named, else the round covering its date that has the household
    (the visitor's own assignment first). A visit outside every round is kept without one."""
    qs = VisitAssignment.objects.filter(household=hh).select_related("round")
    if round_id not in (None, ""):
        try:
            rid = int(round_id)
        except (TypeError, ValueError):
            raise ValidationFailed("走访轮次编号无效", field="round")
        a = qs.filter(round_id=rid).first()
        if a is None:
            raise ValidationFailed("该户不在所选轮次的走访名单中", field="round")
        return a.round, a
    day = timezone.localtime(at).date()
    a = (qs.filter(round__starts_on__lte=day, round__ends_on__gte=day)
         .annotate(theirs=Choose(When(visitor_id=actor.person_id or 0, then=Value(0)), default=Value(1)))
         .order_by("theirs", "-round__starts_on").first())
    return (a.round, a) if a else (None, None)


def _time(visited_at) -> datetime:
    now = timezone.now()
    if visited_at in (None, ""):
        return now
    if isinstance(visited_at, str):
        try:
            visited_at = datetime.fromisoformat(visited_at)
        except ValueError:
            raise ValidationFailed("走访时间格式不对", field="visited_at")
    if timezone.is_naive(visited_at):
        visited_at = timezone.make_aware(visited_at)
    if visited_at > now + FUTURE_SLACK:
        raise ValidationFailed("走访时间不能晚于现在", field="visited_at")
    if visited_at < now - timedelta(days=366):
        raise ValidationFailed("走访时间不能早于一年前", field="visited_at")
    return visited_at


def _location(lng, lat) -> tuple[float | None, float | None]:
    if lng in (None, "") or lat in (None, ""):
        return None, None
    try:
        lng, lat = float(lng), float(lat)
    except (TypeError, ValueError):
        raise ValidationFailed("经纬度必须是数字", field="location")
    if not (math.isfinite(lng) and math.isfinite(lat) and -180 <= lng <= 180 and -90 <= lat <= 90):
        raise ValidationFailed("经纬度超出范围", field="location")
    return lng, lat


def log_visit(actor, *, client_uuid, household_id, method: str, visited_at=None, people_met=1, met_names: str = "",
              notes: str = "", concerns=(), lng=None, lat=None, photo=None, round_id=None) -> VisitLog:
    """Store one visit, or return the one an earlier try with the same ``client_uuid`` stored
    (``log.created`` False). The visitor is the actor's person."""
    actor = as_actor(actor)
    key = parse_uuid(client_uuid)
    existing = VisitLog.objects.filter(client_uuid=key).first()
    if existing is not None:
        return _replayed(actor, existing)
    if not actor.person_id:
        raise PermissionDenied("您的账号没有关联人员档案，不能记录走访", code="no_person")
    if method not in Method.values:
        raise ValidationFailed("请选择走访方式：入户、电话或网络", field="method")
    try:
        people_met = int(people_met if people_met not in (None, "") else 1)
    except (TypeError, ValueError):
        raise ValidationFailed("见到人数必须是整数", field="people_met")
    if not 0 <= people_met <= 50:
        raise ValidationFailed("见到人数须在 0 到 50 之间", field="people_met")
    texts = [t.strip() for t in (concerns or []) if t and t.strip()]
    if len(texts) > MAX_CONCERNS:
        raise ValidationFailed(f"一次走访最多记录 {MAX_CONCERNS} 条诉求", field="concerns")
    if any(len(t) > 300 for t in texts):
        raise ValidationFailed("每条诉求不能超过 300 字", field="concerns")
    if len(notes or "") > 2000:
        raise ValidationFailed("情况记录不能超过 2000 字", field="notes")
    hh = visitable(actor, household_id)
    at = _time(visited_at)
    lng, lat = _location(lng, lat)
    upload = case_files.validate_upload(photo, field="photo") if photo else None
    if upload is not None and not upload.content_type.startswith("image/"):
        raise ValidationFailed("走访照片只接受 JPEG、PNG、WebP 图片", field="photo")
    rnd, assignment = _round_of(actor, hh, at, round_id)
    try:
        log = _write(actor, key, hh, rnd, assignment, method=method, at=at, people_met=people_met,
                     met_names=(met_names or "").strip()[:100], notes=notes or "", texts=texts, lng=lng, lat=lat,
                     upload=upload)
    except IntegrityError:
        again = VisitLog.objects.filter(client_uuid=key).first()
        if again is None:
            raise
        return _replayed(actor, again)
    log.created = True
    return log


def _replayed(actor, log: VisitLog) -> VisitLog:
    if log.created_by_id != actor.user_id:
        raise ValidationFailed("该走访记录编号已被别的账号使用", field="client_uuid", code="client_uuid_taken")
    log.created = False
    return log


@writer
def _write(actor, key, hh, rnd, assignment, *, method, at, people_met, met_names, notes, texts, lng, lat,
           upload) -> VisitLog:
    log = VisitLog(client_uuid=key, round=rnd, household=hh, visitor_id=actor.person_id, method=method,
                   visited_at=at, people_met=people_met, met_names=met_names, notes=notes,
                   residents=assignment.residents if assignment else hh.members.count(), lng=lng, lat=lat,
                   created_by=actor.user)
    log.town_id, log.village_id, log.grid_id, log.microgrid_id = hh.town_id, hh.village_id, hh.grid_id, hh.microgrid_id
    if upload is not None:
        log.photo.save(f"{key.hex[:12]}.{upload.ext}", ContentFile(upload.content), save=False)
    with transaction.atomic():  # the savepoint a racing duplicate rolls back to
        log.save(force_insert=True)
    VisitConcern.objects.bulk_create([VisitConcern(visit=log, text=t, visitor_id=actor.person_id,
                                                   town_id=log.town_id, village_id=log.village_id,
                                                   grid_id=log.grid_id, microgrid_id=log.microgrid_id)
                                      for t in texts])
    if assignment is not None:
        VisitAssignment.objects.filter(pk=assignment.pk).update(visits=F("visits") + 1)
        VisitAssignment.objects.filter(pk=assignment.pk).filter(
            Q(last_visited_at__isnull=True) | Q(last_visited_at__lt=at)).update(last_visited_at=at)
    emit("visit", at=timezone.now(), round_id=rnd.pk if rnd else None, visit_id=log.pk, actor=actor.user,
         microgrid_id=log.microgrid_id, data={"household": hh.pk, "method": method, "concerns": len(texts)})
    audit.record(actor.user, "visits.log", log, summary=f"走访 {hh.code}（{Method(method).label}）",
                 data={"household": hh.pk, "round": rnd.pk if rnd else None, "method": method,
                       "client_uuid": str(key), "concerns": len(texts)})
    return log


def photo_download(actor, pk: int):
    """The download registry's resolver for visit photos (kind ``visit``): whoever may see the visit log."""
    from jishi.core.downloads import Download

    log = VisitLog.objects.filter(pk=pk).exclude(photo="").first()
    if log is None or not holds(as_actor(actor), "view", log):
        return None
    ext = log.photo.name.rsplit(".", 1)[-1].lower()
    types = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
    return Download(log.photo, types.get(ext, "application/octet-stream"), f"visit-{log.pk}.{ext}")


def concern_to_case(actor, concern: VisitConcern, *, category_code: str | None = None) -> Case:
    """Make a concern a case through the cases intake (channel 走访), linked back on the concern. Doing it
    again returns the same case."""
    actor = as_actor(actor)
    if not holds(actor, "view", concern):
        raise NotFound("该诉求不存在，或不在您的数据范围内", code="concern_not_found")
    if concern.case_id:
        return concern.case
    visit = concern.visit
    hh = visit.household
    photos = []
    if visit.photo:
        with visit.photo.open("rb") as f:
            photos = [(visit.photo.name.rsplit("/", 1)[-1], f.read())]
    where = {"lng": hh.lng, "lat": hh.lat} if hh.lng is not None and hh.lat is not None else \
        {"region_code": Region.objects.filter(pk=hh.microgrid_id or hh.grid_id or hh.village_id).values_list(
            "code", flat=True).first()}
    case = intake.report_case(
        actor, channel=Channel.VISIT, category_code=category_code or CONCERN_CATEGORY,
        title=f"走访诉求：{concern.text[:40]}", address=hh.address, photos=photos,
        description=f"{concern.text}\n（{timezone.localtime(visit.visited_at):%Y-%m-%d} 走访 {hh.code} 时群众反映）",
        idempotency_key=f"visit-concern:{concern.pk}", **where)
    _link(actor, concern, case)
    return case


@writer
def _link(actor, concern: VisitConcern, case: Case) -> None:
    VisitConcern.objects.filter(pk=concern.pk, case__isnull=True).update(case=case, updated_at=timezone.now())
    concern.case = case
    emit("concern_case", at=timezone.now(), round_id=concern.visit.round_id, visit_id=concern.visit_id,
         actor=actor.user, microgrid_id=concern.microgrid_id, data={"concern": concern.pk, "case": case.pk})
    audit.record(actor.user, "visits.concern_case", concern, summary=f"走访诉求转事件 {case.number}",
                 data={"case": case.pk, "visit": concern.visit_id})


def concern_ref(concern: VisitConcern) -> str:
    """The ``source_ref`` a wish or need made from this concern carries (also what the older prefilled forms
    sent), so a link lost between the two transactions is found again instead of made twice."""
    return f"visit-concern:{concern.pk}"


def _visible(actor, concern: VisitConcern) -> VisitConcern:
    if not holds(actor, "view", concern):
        raise NotFound("该诉求不存在，或不在您的数据范围内", code="concern_not_found")
    return concern


def _when(concern: VisitConcern) -> str:
    return f"{timezone.localtime(concern.visit.visited_at):%Y-%m-%d}"


def concern_to_wish(actor, concern: VisitConcern) -> Wish:
    """Make a concern a micro-wish (source 走访发现) posted for the household's head (代为提出), placed in the
    household's micro-grid and waiting for the village's review like any wish; linked back on the concern.
    Doing it again returns the same wish. The wish carries no address or household code (a published wish is on
    the public wall, where engage masks the wisher's name and phone)."""
    actor = as_actor(actor)
    _visible(actor, concern)
    with transaction.atomic():
        concern = VisitConcern.objects.select_for_update().get(pk=concern.pk)
        if concern.wish_id:
            return concern.wish
        wish = Wish.objects.filter(source=WishSource.VISIT, source_ref=concern_ref(concern)).first()
        if wish is None:
            hh = concern.visit.household
            head = Person.objects.filter(household=hh).order_by("-is_household_head", "id").first()
            region = Region.objects.filter(pk=hh.microgrid_id or hh.grid_id or hh.village_id).first()
            wish = engage_wishes.post_wish(
                actor, title=concern.text[:60], content=f"{concern.text}\n（{_when(concern)} 走访时群众反映）",
                kind=WishKind.CARE, region=region, wisher=head, wisher_name="" if head else f"{hh.code} 户",
                source=WishSource.VISIT, source_ref=concern_ref(concern))
        _link_item(actor, concern, "wish", wish, summary=f"走访诉求转微心愿 {wish.number}")
    return wish


def concern_to_need(actor, concern: VisitConcern) -> Need:
    """Put a concern on the needs list (source 走访发现) of the household's village, for a micro-project to take
    up; linked back on the concern. Needs ``manage`` on the village (engage's rule for the lists). Doing it again
    returns the same need."""
    actor = as_actor(actor)
    _visible(actor, concern)
    with transaction.atomic():
        concern = VisitConcern.objects.select_for_update().get(pk=concern.pk)
        if concern.need_id:
            return concern.need
        need = Need.objects.filter(source=NeedSource.VISIT, source_ref=concern_ref(concern)).first()
        if need is None:
            hh = concern.visit.household
            need = engage_projects.add_need(
                actor, title=concern.text[:80], region=hh.village_id, source=NeedSource.VISIT,
                description=f"{concern.text}\n（{_when(concern)} 走访时群众反映）", source_ref=concern_ref(concern))
        _link_item(actor, concern, "need", need, summary=f"走访诉求列入需求清单：{need.title[:40]}")
    return need


@writer
def _link_item(actor, concern: VisitConcern, field: str, row, *, summary: str) -> None:
    VisitConcern.objects.filter(pk=concern.pk, **{f"{field}__isnull": True}).update(
        **{field: row}, updated_at=timezone.now())
    setattr(concern, field, row)
    emit(f"concern_{field}", at=timezone.now(), round_id=concern.visit.round_id, visit_id=concern.visit_id,
         actor=actor.user, microgrid_id=concern.microgrid_id, data={"concern": concern.pk, field: row.pk})
    audit.record(actor.user, f"visits.concern_{field}", concern, summary=summary,
                 data={field: row.pk, "visit": concern.visit_id})


def may_make_wish(actor, concern: VisitConcern) -> bool:
    """Whether the actor may post a wish for this concern's household: engage's rule for a wish posted for a
    resident (a region staff role, the micro-grid in one's own region). A visitor assigned a household outside
    their region (a department cadre through 联群, a volunteer covering a micro-grid without staff) may make the
    concern a case, not a wish."""
    actor = as_actor(actor)
    if not actor.has_any(REGION_STAFF_ROLES):
        return False
    probe = VisitConcern(town_id=concern.town_id, village_id=concern.village_id, grid_id=concern.grid_id,
                         microgrid_id=concern.microgrid_id)
    return actor.scope("view").contains_row(LOCATED_SCOPE, probe)


def may_make_need(actor, concern: VisitConcern) -> bool:
    """Whether the actor may put this concern on the needs list (``manage`` on its village, as ``add_need``)."""
    probe = Need(region_id=concern.village_id)
    probe.town_id, probe.village_id = concern.town_id, concern.village_id
    return bool(concern.village_id) and holds(as_actor(actor), "manage", probe)


@writer
def add_care(actor, household: Household, group: str, *, every_days: int | None = None, note: str = "") -> CareMembership:
    """Put a household in a special group (or update its frequency). Needs ``manage`` on the household."""
    actor = as_actor(actor)
    if not may_plan_visits(actor) or not holds(actor, "manage", household):
        raise NotFound("该户不存在，或不在您的管理范围内", code="household_not_found")
    if group not in CareGroup.values:
        raise ValidationFailed(f"未知的重点人群“{group}”", field="group")
    every = every_days or CARE_EVERY_DAYS[CareGroup(group)]
    if not 1 <= every <= 366:
        raise ValidationFailed("走访周期须在 1 到 366 天之间", field="every_days")
    m, _ = CareMembership.objects.update_or_create(
        household=household, group=group,
        defaults={"every_days": every, "is_active": True, "note": note[:200], "town_id": household.town_id,
                  "village_id": household.village_id, "grid_id": household.grid_id,
                  "microgrid_id": household.microgrid_id})
    audit.record(actor.user, "visits.care", m, summary=f"{household.code} 列为{m.get_group_display()}，每 {every} 天走访")
    return m
