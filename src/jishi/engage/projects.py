"""The verbs of the three lists and micro-projects (揭榜挂帅): add a need or a resource, set up a project that
matches needs to resources, publish it as an open call (榜单), units take it (揭榜) with a plan, the village or
town chooses one, progress with photos, acceptance with the residents' rating — which closes the needs it solved.

Each verb checks scope and state, changes the project with a conditional update on its version, writes one
timeline row and one audit record in one transaction.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from jishi.core import audit
from jishi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jishi.core.scope import holds
from jishi.engage.choices import NeedSource, NeedState, ProjectState, ResourceKind, Verb, WishState
from jishi.engage.models import Bid, Brand, Need, Progress, Project, Resource, Wish
from jishi.engage.timeline import emit, writer
from jishi.engage.wishes import _photo, _text, name_of, pk_of
from jishi.org.models import Region
from jishi.org.policy import as_actor
from jishi.org.privacy import valid_phone

STALE = "该项目刚被他人办理过，请刷新页面后再试"


def _region(region, field: str = "region") -> Region:
    if not isinstance(region, Region):
        region = Region.objects.filter(pk=pk_of(region)).first() if pk_of(region) else None
    if region is None or region.level not in ("town", "village"):
        raise ValidationFailed("请选择村(社区)或镇(街道)", field=field)
    return region


def _manage(actor, row, what: str) -> None:
    if not holds(actor, "manage", row):
        raise NotFound(f"所选区域不在您的管理范围内，不能{what}", field="region")


def _money(value, field: str, label: str) -> Decimal:
    try:
        d = Decimal(str(value if value not in (None, "") else 0))
        if d != d.quantize(Decimal("0.01")):
            raise ValidationFailed(f"{label}最多保留两位小数", field=field)
    except (InvalidOperation, ValueError):
        raise ValidationFailed(f"{label}须是数字", field=field) from None
    if d < 0 or d >= Decimal("1e10"):
        raise ValidationFailed(f"{label}须在 0 到 99.99 亿之间", field=field)
    return d


@writer
def add_need(actor, *, title: str, region, description: str = "", source: str = NeedSource.RESIDENT,
             source_ref: str = "", wish: Wish | None = None) -> Need:
    """Put a need on the needs list (from residents, a wish, a visit, a case or a unit)."""
    actor = as_actor(actor)
    title = _text(title, 80, "title", "需求", required=True)
    if source not in NeedSource.values:
        raise ValidationFailed(f"未知的需求来源“{source}”", field="source")
    n = Need(title=title, description=_text(description, 2000, "description", "需求说明"), source=source,
             source_ref=_text(source_ref, 64, "source_ref", "来源编号"), region=_region(region), wish=wish,
             created_by=actor.user)
    n.place_in(n.region)
    _manage(actor, n, "登记需求")
    if wish is not None and Need.objects.filter(wish=wish).exists():
        raise Conflict("该心愿已列入需求清单")
    n.save()
    emit(Verb.NEED, need=n, actor=actor.user, actor_name=name_of(actor), at=timezone.now(), to_state=n.state,
         note=title, data={"source": source, "wish": wish.pk if wish else None})
    audit.record(actor.user, "engage.need", n, summary=f"登记需求：{title}", data={"source": source})
    return n


def need_from_wish(actor, wish: Wish) -> Need:
    """A wish too big for one volunteer (a charging shed, a car park) goes onto the needs list."""
    if wish.state not in (WishState.SUBMITTED, WishState.PUBLISHED):
        raise Conflict(f"该心愿{wish.get_state_display()}，不能列入需求清单")
    return add_need(actor, title=wish.title, description=wish.content, region=wish.village_id,
                    source=NeedSource.WISH, source_ref=wish.number or "", wish=wish)


@writer
def add_resource(actor, *, provider: str, kind: str, description: str, region, quantity=1, unit: str = "") -> Resource:
    """Put a resource on the resources list: what a partner unit or 结对 department offers, with its quantity."""
    actor = as_actor(actor)
    if kind not in ResourceKind.values:
        raise ValidationFailed(f"未知的资源类型“{kind}”", field="kind")
    qty = _money(quantity, "quantity", "数量")
    if qty <= 0:
        raise ValidationFailed("数量须大于 0", field="quantity")
    r = Resource(provider=_text(provider, 100, "provider", "提供单位", required=True), kind=kind,
                 description=_text(description, 300, "description", "资源内容", required=True), quantity=qty,
                 unit=_text(unit, 10, "unit", "单位"), region=_region(region), created_by=actor.user)
    r.place_in(r.region)
    _manage(actor, r, "登记资源")
    r.save()
    emit(Verb.RESOURCE, actor=actor.user, actor_name=name_of(actor), at=timezone.now(), note=r.description,
         data={"resource": r.pk, "provider": r.provider, "kind": kind, "quantity": str(qty)})
    audit.record(actor.user, "engage.resource", r, summary=f"登记资源：{r.provider} {r.description[:40]}")
    return r


@writer
def add_brand(actor, *, name: str, region, description: str = "") -> Brand:
    actor = as_actor(actor)
    b = Brand(name=_text(name, 40, "name", "品牌名称", required=True), region=_region(region),
              description=_text(description, 300, "description", "简介"))
    b.place_in(b.region)
    _manage(actor, b, "设立品牌")
    try:
        with transaction.atomic():
            b.save()
    except IntegrityError:
        raise Conflict(f"本区域已有品牌“{b.name}”", field="name") from None
    audit.record(actor.user, "engage.brand", b, summary=f"设立服务品牌：{b.name}")
    return b


def _ids(values) -> list[int]:
    ids = [pk_of(v) for v in values or []]
    if None in ids:
        raise ValidationFailed("所选项目编号不对", field="needs")
    return sorted(set(ids))


@writer
def create_project(actor, *, title: str, goals: str, budget, deadline: date, region, needs=(), resources=(),
                   brand=None) -> Project:
    """Set up a micro-project matching needs (open, in the project's scope) to resources."""
    actor = as_actor(actor)
    title = _text(title, 80, "title", "项目名称", required=True)
    goals = _text(goals, 2000, "goals", "项目目标", required=True)
    if not isinstance(deadline, date):
        raise ValidationFailed("请填写完成时限", field="deadline")
    if deadline < timezone.localdate():
        raise ValidationFailed("完成时限不能早于今天", field="deadline")
    p = Project(title=title, goals=goals, budget=_money(budget, "budget", "预算"), deadline=deadline,
                region=_region(region), created_by=actor.user)
    p.place_in(p.region)
    _manage(actor, p, "设立项目")
    need_ids, resource_ids = _ids(needs), _ids(resources)
    if not need_ids:
        raise ValidationFailed("请至少选择一项要解决的需求", field="needs")
    need_rows = list(Need.objects.restrict(actor, "manage").filter(pk__in=need_ids))
    if len(need_rows) != len(need_ids):
        raise ValidationFailed("所选需求不存在或不在您的管理范围内", field="needs")
    taken = [n.title for n in need_rows if n.state != NeedState.OPEN]
    if taken:
        raise Conflict(f"需求“{taken[0]}”已纳入其他项目或已解决", field="needs")
    resource_rows = list(Resource.objects.restrict(actor, "manage").filter(pk__in=resource_ids))
    if len(resource_rows) != len(resource_ids):
        raise ValidationFailed("所选资源不存在或不在您的管理范围内", field="resources")
    if brand not in (None, ""):
        p.brand = brand if isinstance(brand, Brand) else Brand.objects.restrict(actor, "manage").filter(
            pk=pk_of(brand) or 0).first()
        if p.brand is None:
            raise ValidationFailed("服务品牌不存在或不在您的管理范围内", field="brand")
    p.save()
    now = timezone.now()
    p.number = f"WXM{timezone.localtime(now):%Y%m%d}{p.pk:05d}"
    Project.objects.filter(pk=p.pk).update(number=p.number)
    p.needs.set(need_rows)
    p.resources.set(resource_rows)
    moved = Need.objects.filter(pk__in=need_ids, state=NeedState.OPEN).update(state=NeedState.PLANNED,
                                                                              updated_at=now)
    if moved != len(need_ids):
        raise Conflict("所选需求刚被纳入其他项目，请刷新后再试", field="needs")
    emit(Verb.PROJECT, project=p, actor=actor.user, actor_name=name_of(actor), at=now, to_state=p.state, note=title,
         data={"needs": need_ids, "resources": [r.pk for r in resource_rows], "budget": str(p.budget)})
    audit.record(actor.user, "engage.project", p, summary=f"{p.number} 设立微项目：{title}",
                 data={"needs": need_ids, "resources": [r.pk for r in resource_rows]})
    return p


def _apply(p: Project, *, expect: tuple[str, ...], **fields) -> None:
    n = Project.objects.filter(pk=p.pk, version=p.version, state__in=expect).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields)
    if n != 1:
        raise Conflict(STALE)
    for k, v in fields.items():
        setattr(p, k, v)
    p.version += 1


def _state(p: Project, *states: str, doing: str) -> None:
    if p.state not in states:
        raise Conflict(f"该项目{p.get_state_display()}，不能{doing}")


@writer
def publish_project(actor, project: Project) -> Project:
    """Publish the project as an open call (榜单): every signed-in unit can see it and take it."""
    actor = as_actor(actor)
    _manage(actor, project, "发布榜单")
    _state(project, ProjectState.DRAFT, doing="发布")
    now = timezone.now()
    _apply(project, expect=(ProjectState.DRAFT,), state=ProjectState.OPEN, published_at=now)
    emit(Verb.PROJECT_PUBLISH, project=project, actor=actor.user, actor_name=name_of(actor), at=now,
         from_state=ProjectState.DRAFT, to_state=ProjectState.OPEN)
    audit.record(actor.user, "engage.project_publish", project, summary=f"{project.number} 发布榜单")
    return project


@writer
def bid(actor, project: Project, *, unit: str, plan: str, contact_name: str = "", contact_phone: str = "") -> Bid:
    """A unit takes the call (揭榜) with its plan. One bid per unit and project."""
    actor = as_actor(actor)
    if not actor.user_id:
        raise PermissionDenied("请先登录再揭榜")
    _state(project, ProjectState.OPEN, doing="揭榜")
    unit = _text(unit, 100, "unit", "揭榜单位", required=True)
    plan = _text(plan, 2000, "plan", "实施方案", required=True)
    contact_phone = (contact_phone or "").strip()
    if contact_phone and not valid_phone(contact_phone):
        raise ValidationFailed(f"联系电话“{contact_phone}”不是11位手机号", field="contact_phone")
    now = timezone.now()
    try:
        with transaction.atomic():
            b = Bid.objects.create(project=project, unit=unit, plan=plan, bidder=actor.user, submitted_at=now,
                                   contact_name=_text(contact_name, 50, "contact_name", "联系人"),
                                   contact_phone=contact_phone)
    except IntegrityError:
        raise Conflict(f"“{unit}”已揭过这个榜", field="unit") from None
    emit(Verb.BID, project=project, actor=actor.user, actor_name=name_of(actor), at=now, note=plan[:500],
         data={"bid": b.pk, "unit": unit})
    audit.record(actor.user, "engage.bid", project, summary=f"{project.number} {unit} 揭榜", data={"bid": b.pk})
    return b


@writer
def award(actor, project: Project, bid_id) -> Project:
    """The village or town chooses the unit that will carry the project out."""
    actor = as_actor(actor)
    _manage(actor, project, "选定揭榜单位")
    _state(project, ProjectState.OPEN, doing="选定揭榜单位")
    chosen = Bid.objects.filter(pk=pk_of(bid_id), project=project).first() if pk_of(bid_id) else None
    if chosen is None:
        raise ValidationFailed("请选择一个揭榜单位", field="bid")
    now = timezone.now()
    _apply(project, expect=(ProjectState.OPEN,), state=ProjectState.AWARDED, taker_unit=chosen.unit, awarded_at=now)
    Bid.objects.filter(pk=chosen.pk).update(chosen=True)
    emit(Verb.AWARD, project=project, actor=actor.user, actor_name=name_of(actor), at=now,
         from_state=ProjectState.OPEN, to_state=ProjectState.AWARDED, note=chosen.unit, data={"bid": chosen.pk})
    audit.record(actor.user, "engage.award", project, summary=f"{project.number} 选定揭榜单位：{chosen.unit}")
    return project


def _taker(actor, project: Project) -> bool:
    return bool(actor.user_id) and Bid.objects.filter(project=project, chosen=True, bidder_id=actor.user_id).exists()


@writer
def report_progress(actor, project: Project, *, percent: int, note: str, photo=None) -> Progress:
    """A milestone: how far the project is (never backwards), what was done, a photo."""
    actor = as_actor(actor)
    if not (_taker(actor, project) or holds(actor, "manage", project)):
        raise PermissionDenied("只有揭榜单位或本村(社区)干部可以报告进展")
    _state(project, ProjectState.AWARDED, doing="报告进展")
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        raise ValidationFailed("进度须是 0 到 100 的整数", field="percent") from None
    if not 0 <= percent <= 100:
        raise ValidationFailed("进度须是 0 到 100 的整数", field="percent")
    if percent < project.progress:
        raise ValidationFailed(f"进度不能倒退（当前 {project.progress}%）", field="percent")
    note = _text(note, 500, "note", "进展情况", required=True)
    upload = _photo(photo)
    now = timezone.now()
    r = Progress(project=project, at=now, percent=percent, note=note, recorded_by=actor.user)
    if upload is not None:
        r.photo.save(f"project-{project.pk}-{now:%Y%m%d%H%M%S}.{upload.ext}", ContentFile(upload.content), save=False)
    r.save()
    _apply(project, expect=(ProjectState.AWARDED,), progress=percent)
    emit(Verb.PROGRESS, project=project, actor=actor.user, actor_name=name_of(actor), at=now, note=note,
         data={"progress": r.pk, "percent": percent, "photo": bool(upload)})
    audit.record(actor.user, "engage.progress", project, summary=f"{project.number} 进展 {percent}%")
    return r


@writer
def complete_project(actor, project: Project, *, rating: int, note: str) -> Project:
    """Acceptance by the village with the residents' rating (1–5): the project is done and the needs it was
    set up for are closed, in the same transaction."""
    actor = as_actor(actor)
    _manage(actor, project, "验收项目")
    _state(project, ProjectState.AWARDED, doing="验收")
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        raise ValidationFailed("请填写群众评价（1–5 星）", field="rating") from None
    if not 1 <= rating <= 5:
        raise ValidationFailed("群众评价须是 1 到 5 星", field="rating")
    note = _text(note, 500, "note", "验收意见", required=True)
    now = timezone.now()
    _apply(project, expect=(ProjectState.AWARDED,), state=ProjectState.COMPLETED, completed_at=now, progress=100,
           residents_rating=rating, review_note=note)
    need_ids = list(project.needs.exclude(state=NeedState.CLOSED).values_list("pk", flat=True))
    Need.objects.filter(pk__in=need_ids).update(state=NeedState.CLOSED, closed_by=project, closed_at=now,
                                                updated_at=now)
    emit(Verb.COMPLETE, project=project, actor=actor.user, actor_name=name_of(actor), at=now,
         from_state=ProjectState.AWARDED, to_state=ProjectState.COMPLETED, note=note,
         data={"rating": rating, "needs_closed": need_ids})
    audit.record(actor.user, "engage.complete", project,
                 summary=f"{project.number} 验收完成，解决需求 {len(need_ids)} 项", data={"needs": need_ids})
    return project
