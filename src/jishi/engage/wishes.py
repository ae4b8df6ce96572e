"""The verbs of micro-wishes (微心愿): post, publish or reject, claim, fulfil, thank; a wish that is really a
problem becomes a case in one step.

Each verb checks scope (``access``) and its state, changes the wish with a conditional update on its state and
version (two volunteers claiming at once: exactly one wins, the other is told), writes one timeline row and one
audit record in one transaction. The fulfiller's points follow from the ``wish_thank`` row (``consumers``).
"""

from __future__ import annotations

from datetime import datetime

from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone

from jishi.cases import files as case_files
from jishi.cases.choices import Channel, Priority
from jishi.cases.intake import report_case
from jishi.cases.models import Category
from jishi.core import audit
from jishi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jishi.core.ids import pk_of
from jishi.core.scope import holds
from jishi.engage.choices import ClaimantKind, Verb, WishKind, WishSource, WishState
from jishi.engage.models import Wish
from jishi.engage.timeline import emit, writer
from jishi.org.models import LOCATED_SCOPE, Person, Region
from jishi.org.policy import REGION_STAFF_ROLES, as_actor
from jishi.org.privacy import valid_phone

STALE = "该心愿刚被他人办理过，请刷新页面后再试"
TAKEN = "来晚了一步：这个心愿刚刚已被他人认领"



def name_of(actor) -> str:
    u = actor.user
    return (u.get_full_name() or u.get_username()) if u else "系统"


def _text(value, limit: int, field: str, label: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(f"请填写{label}", field=field)
    if len(value) > limit:
        raise ValidationFailed(f"{label}不能超过 {limit} 字", field=field)
    return value


def _photo(photo, field: str = "photo"):
    if not photo:
        return None
    upload = case_files.validate_upload(photo, field=field)
    if not upload.content_type.startswith("image/"):
        raise ValidationFailed("照片只接受 JPEG、PNG、WebP 图片", field=field)
    return upload


def _apply(w: Wish, *, expect: tuple[str, ...], message: str = STALE, **fields) -> None:
    """The conditional update on the wish's state and version; the loser of a race is told."""
    n = Wish.objects.filter(pk=w.pk, version=w.version, state__in=expect).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields)
    if n != 1:
        raise Conflict(message)
    for k, v in fields.items():
        setattr(w, k, v)
    w.version += 1


def _state(w: Wish, *states: str, doing: str) -> None:
    if w.state not in states:
        raise Conflict(f"该心愿{w.get_state_display()}，不能{doing}")


def post_wish(actor, *, title: str, content: str = "", kind: str = WishKind.GOODS, urgent: bool = False,
              region=None, wisher=None, wisher_name: str = "", wisher_phone: str = "", source: str = "",
              source_ref: str = "", at: datetime | None = None) -> Wish:
    """A resident posts their own wish (placed where they live); a cadre or grid worker posts one for a resident
    (代为提出: ``wisher`` a Person, or a name and phone) in their region."""
    actor = as_actor(actor)
    title = _text(title, 60, "title", "心愿", required=True)
    content = _text(content, 500, "content", "心愿内容")
    if kind not in WishKind.values:
        raise ValidationFailed(f"未知的心愿类别“{kind}”", field="kind")
    if isinstance(wisher, int | str):  # an id from a form or a payload: "" names no one; 0, -1 or 2**63 no row
        given, pk = str(wisher).strip(), pk_of(wisher)
        wisher = Person.objects.filter(pk=pk).first() if pk else None
        if given and wisher is None:
            raise ValidationFailed("心愿人不存在", field="wisher")
    proxy = wisher is not None or bool((wisher_name or "").strip())
    if proxy:
        if not actor.has_any(REGION_STAFF_ROLES):
            raise PermissionDenied("只有村(社区)干部、网格员和志愿者可以代居民提出心愿")
        if wisher is not None:
            wisher_name, wisher_phone = wisher.name, wisher_phone or wisher.phone
            region = region or Region.objects.filter(pk=wisher.microgrid_id or wisher.grid_id or wisher.village_id).first()
        source = source or WishSource.PROXY
    else:
        if not actor.person_id:
            raise PermissionDenied("请先绑定居民身份再提出心愿")
        wisher = Person.objects.get(pk=actor.person_id)
        wisher_name, wisher_phone = wisher.name, wisher.phone
        region = Region.objects.filter(pk=wisher.microgrid_id or wisher.grid_id or wisher.village_id).first()
        if region is None:
            raise ValidationFailed("您的居住地还未登记到村(社区)，请联系网格员", field="region")
        source = source or WishSource.RESIDENT
    if source not in WishSource.values:
        raise ValidationFailed(f"未知的来源“{source}”", field="source")
    wisher_name = _text(wisher_name, 50, "wisher_name", "心愿人姓名", required=True)
    wisher_phone = (wisher_phone or "").strip()
    if wisher_phone and not valid_phone(wisher_phone):
        raise ValidationFailed(f"联系电话“{wisher_phone}”不是11位手机号", field="wisher_phone")
    if not isinstance(region, Region):
        region = Region.objects.filter(pk=pk_of(region)).first() if pk_of(region) else None
    if region is None or not region.village_id:
        raise ValidationFailed("请选择心愿人所在的村(社区)", field="region")
    return _post(actor, title=title, content=content, kind=kind, urgent=bool(urgent), region=region, wisher=wisher,
                 wisher_name=wisher_name, wisher_phone=wisher_phone, source=source,
                 source_ref=_text(source_ref, 64, "source_ref", "来源编号"), proxy=proxy, at=at)


@writer
def _post(actor, *, title, content, kind, urgent, region, wisher, wisher_name, wisher_phone, source, source_ref,
          proxy, at) -> Wish:
    now = at or timezone.now()
    w = Wish(title=title, content=content, kind=kind, urgent=urgent, region=region, wisher=wisher,
             wisher_name=wisher_name, wisher_phone=wisher_phone, posted_by=actor.user, source=source,
             source_ref=source_ref, posted_at=now)
    w.place_in(region)
    if proxy and not actor.scope("view").contains_row(LOCATED_SCOPE, w):  # the region, not one's own rows
        raise NotFound("所选区域不在您的范围内", field="region")
    w.save()
    w.number = f"XY{timezone.localtime(now):%Y%m%d}{w.pk:05d}"
    Wish.objects.filter(pk=w.pk).update(number=w.number)
    emit(Verb.WISH_POST, wish=w, actor=actor.user, actor_name=name_of(actor), at=now, to_state=w.state,
         note=title, data={"source": source, "urgent": urgent, "proxy": proxy, "region": region.pk})
    audit.record(actor.user, "engage.wish_post", w, summary=f"{w.number} 提出心愿：{title}",
                 data={"source": source, "proxy": proxy})
    return w


def _require_manage(actor, w: Wish) -> None:
    if not holds(actor, "manage", w):
        raise PermissionDenied("只有本村(社区)干部或上级指挥人员可以审核心愿")


@writer
def publish_wish(actor, wish: Wish) -> Wish:
    """The village reviews the wish and publishes it on the wall (personal data masked there)."""
    actor = as_actor(actor)
    _require_manage(actor, wish)
    _state(wish, WishState.SUBMITTED, doing="发布")
    now = timezone.now()
    _apply(wish, expect=(WishState.SUBMITTED,), state=WishState.PUBLISHED, published_at=now)
    emit(Verb.WISH_PUBLISH, wish=wish, actor=actor.user, actor_name=name_of(actor), at=now,
         from_state=WishState.SUBMITTED, to_state=WishState.PUBLISHED)
    audit.record(actor.user, "engage.wish_publish", wish, summary=f"{wish.number} 审核发布")
    return wish


@writer
def reject_wish(actor, wish: Wish, *, reason: str) -> Wish:
    actor = as_actor(actor)
    _require_manage(actor, wish)
    _state(wish, WishState.SUBMITTED, WishState.PUBLISHED, doing="退回")
    reason = _text(reason, 200, "reason", "不通过原因", required=True)
    before = wish.state
    _apply(wish, expect=(WishState.SUBMITTED, WishState.PUBLISHED), state=WishState.REJECTED, reject_reason=reason)
    emit(Verb.WISH_REJECT, wish=wish, actor=actor.user, actor_name=name_of(actor), at=timezone.now(),
         from_state=before, to_state=WishState.REJECTED, note=reason)
    audit.record(actor.user, "engage.wish_reject", wish, summary=f"{wish.number} 审核不通过：{reason[:60]}")
    return wish


@writer
def claim_wish(actor, wish: Wish, *, claimant_kind: str = ClaimantKind.VOLUNTEER, unit: str = "") -> Wish:
    """A party member, volunteer or partner unit's member claims a published wish. Two at once: one wins."""
    actor = as_actor(actor)
    if not actor.person_id:
        raise PermissionDenied("请先登录并绑定身份再认领心愿")
    if claimant_kind not in ClaimantKind.values:
        raise ValidationFailed(f"未知的认领人身份“{claimant_kind}”", field="claimant_kind")
    unit = _text(unit, 100, "unit", "认领单位")
    if claimant_kind == ClaimantKind.UNIT and not unit:
        raise ValidationFailed("以共建单位名义认领的，请填写单位名称", field="unit")
    if actor.person_id == wish.wisher_id:
        raise Conflict("不能认领自己的心愿")
    if wish.state in (WishState.CLAIMED, WishState.FULFILLED, WishState.THANKED):
        raise Conflict(TAKEN)
    _state(wish, WishState.PUBLISHED, doing="认领")
    now = timezone.now()
    # The state is the guard (not the version): whoever read the wish, only one UPDATE finds it published.
    n = Wish.objects.filter(pk=wish.pk, state=WishState.PUBLISHED).update(
        state=WishState.CLAIMED, claimant_id=actor.person_id, claimant_kind=claimant_kind, claimant_unit=unit,
        claimed_at=now, version=F("version") + 1, updated_at=now)
    if n != 1:
        raise Conflict(TAKEN)
    wish.refresh_from_db()
    emit(Verb.WISH_CLAIM, wish=wish, actor=actor.user, actor_name=name_of(actor), at=now,
         from_state=WishState.PUBLISHED, to_state=WishState.CLAIMED,
         data={"claimant": actor.person_id, "kind": claimant_kind, "unit": unit})
    audit.record(actor.user, "engage.wish_claim", wish, summary=f"{wish.number} 认领心愿",
                 data={"claimant": actor.person_id, "unit": unit})
    return wish


@writer
def fulfil_wish(actor, wish: Wish, *, note: str, photo=None) -> Wish:
    """The claimant (or the village) records the wish fulfilled, with a photo."""
    actor = as_actor(actor)
    if not (actor.person_id and actor.person_id == wish.claimant_id) and not holds(actor, "manage", wish):
        raise PermissionDenied("只有认领人或本村(社区)干部可以登记完成")
    _state(wish, WishState.CLAIMED, doing="登记完成")
    note = _text(note, 500, "note", "完成情况", required=True)
    upload = _photo(photo)
    now = timezone.now()
    fields = {"state": WishState.FULFILLED, "fulfilled_at": now, "fulfil_note": note}
    if upload is not None:
        name = f"wish-{wish.pk}-{now:%H%M%S}.{upload.ext}"
        wish.fulfil_photo.save(name, ContentFile(upload.content), save=False)
        fields["fulfil_photo"] = wish.fulfil_photo.name
    _apply(wish, expect=(WishState.CLAIMED,), **fields)
    emit(Verb.WISH_FULFIL, wish=wish, actor=actor.user, actor_name=name_of(actor), at=now,
         from_state=WishState.CLAIMED, to_state=WishState.FULFILLED, note=note, data={"photo": bool(upload)})
    audit.record(actor.user, "engage.wish_fulfil", wish, summary=f"{wish.number} 登记完成")
    return wish


@writer
def thank_wish(actor, wish: Wish, *, note: str = "") -> Wish:
    """The wisher confirms and thanks (or, for a wish posted for them, the one who posted it or the village).
    The fulfiller's points follow from this row (consumer ``engage.points``: once, by the ledger's key)."""
    actor = as_actor(actor)
    mine = bool(actor.person_id and actor.person_id == wish.wisher_id)
    for_them = wish.source != WishSource.RESIDENT and (actor.user_id == wish.posted_by_id or holds(actor, "manage", wish))
    if not (mine or for_them):
        raise PermissionDenied("只有心愿人本人（或代为提出的工作人员）可以确认")
    _state(wish, WishState.FULFILLED, doing="确认")
    note = _text(note, 300, "note", "感谢留言")
    now = timezone.now()
    _apply(wish, expect=(WishState.FULFILLED,), state=WishState.THANKED, thanked_at=now, thanks_note=note)
    emit(Verb.WISH_THANK, wish=wish, actor=actor.user, actor_name=name_of(actor), at=now,
         from_state=WishState.FULFILLED, to_state=WishState.THANKED, note=note,
         data={"claimant": wish.claimant_id, "by_wisher": mine})
    audit.record(actor.user, "engage.wish_thank", wish, summary=f"{wish.number} 心愿人确认并致谢")
    return wish


def wish_to_case(actor, wish: Wish, *, category_code: str) -> Wish:
    """A wish that is really a problem (a broken road, a leaking roof) becomes a case in one step, through the
    case intake; an 急难愁盼 wish becomes an urgent case, tracked with the case loop's deadlines. Idempotent."""
    actor = as_actor(actor)
    _require_manage(actor, wish)
    if wish.case_id:
        return wish
    _state(wish, WishState.SUBMITTED, WishState.PUBLISHED, doing="转为事件")
    if not Category.objects.filter(code=category_code, is_active=True, parent__isnull=False).exists():
        raise ValidationFailed("请选择事件分类", field="category")
    case = report_case(
        actor, channel=Channel.RESIDENT, category_code=category_code, title=wish.title[:120],
        description=f"{wish.content or wish.title}\n（由微心愿 {wish.number} 转入，心愿人：{wish.wisher_name}）",
        region_code=wish.region.code, priority=Priority.URGENT if wish.urgent else None,
        reporter_name=wish.wisher_name, reporter_phone=wish.wisher_phone, idempotency_key=f"wish:{wish.pk}")
    return _link_case(actor, wish, case)


@writer
def _link_case(actor, wish: Wish, case) -> Wish:
    before = wish.state
    _apply(wish, expect=(WishState.SUBMITTED, WishState.PUBLISHED), state=WishState.CONVERTED, case=case)
    emit(Verb.WISH_CASE, wish=wish, actor=actor.user, actor_name=name_of(actor), at=timezone.now(),
         from_state=before, to_state=WishState.CONVERTED, note=case.number,
         data={"case": case.pk, "number": case.number})
    audit.record(actor.user, "engage.wish_case", wish, summary=f"{wish.number} 转为事件 {case.number}",
                 data={"case": case.pk})
    return wish
