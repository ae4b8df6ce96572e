"""Villagers' self-claims with photo evidence, reviewed by the village (two-step where the policy says),
and the cadre's batch inspection scoring many households in one form."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from jishi.core import audit, limits
from jishi.core.downloads import Download
from jishi.core.errors import Conflict, PermissionDenied, ValidationFailed
from jishi.core.scope import holds
from jishi.org.models import Household, Person, Region
from jishi.org.policy import as_actor
from jishi.points.access import clean, person_of, require_manager
from jishi.points.choices import Awarder, ClaimStatus, ItemKind
from jishi.points.earning import apply_item
from jishi.points.models import Claim, Inspection, PointItem
from jishi.points.rules import village_policy

MAX_PHOTO_BYTES = 10 * 1024 * 1024


def is_photo(f: UploadedFile) -> bool:
    """Judge by the file's first bytes, not by what the client claims: JPEG, PNG, WEBP or HEIC."""
    if f.size is not None and f.size > MAX_PHOTO_BYTES:
        return False
    head = f.read(16)
    f.seek(0)
    return (head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n")
            or (head[:4] == b"RIFF" and head[8:12] == b"WEBP") or head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"))


PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "heic": "image/heic"}


def photo_download(actor, pk: int) -> Download | None:
    """The download registry's resolver for claim photos (kind ``claim``): the claimant and whoever may see the
    claim (its village's cadres and above: ``holds(actor, "view", claim)``)."""
    claim = Claim.objects.filter(pk=pk).exclude(photo="").first()
    if claim is None or not holds(as_actor(actor), "view", claim):
        return None
    ext = claim.photo.name.rsplit(".", 1)[-1].lower()
    return Download(claim.photo, PHOTO_TYPES.get(ext, "application/octet-stream"), f"claim-{claim.pk}.{ext}")


@transaction.atomic
def submit_claim(actor, item: PointItem, note: str, occurred_on: date, photo: UploadedFile | None = None) -> Claim:
    """A villager claims points for something they did, with a photo where the item needs evidence."""
    actor = as_actor(actor)
    person = person_of(actor)
    if person is None or not person.village_id:
        raise PermissionDenied("只有登记在村(社区)的村民可以申报积分")
    note = clean(note, limits.POINTS_CLAIM_NOTE, field="note", label="申报说明")
    if item.awarder != Awarder.SELF_CLAIM or item.kind != ItemKind.POSITIVE or not item.is_active:
        raise ValidationFailed(f"“{item.name}”不能由村民自行申报", field="item")
    if not note.strip():
        raise ValidationFailed("请写明做了什么", field="note")
    if occurred_on > timezone.localdate():
        raise ValidationFailed("发生日期不能晚于今天", field="occurred_on")
    if item.evidence_required and photo is None:
        raise ValidationFailed(f"“{item.name}”需要上传佐证照片", field="photo")
    if photo is not None and not is_photo(photo):
        raise ValidationFailed("佐证照片须为 JPG、PNG、WEBP 或 HEIC 图片", field="photo")
    claim = Claim(person=person, item=item, note=note.strip()[:300], occurred_on=occurred_on)
    claim.town_id, claim.village_id, claim.grid_id, claim.microgrid_id = (
        person.town_id, person.village_id, person.grid_id, person.microgrid_id)
    if photo is not None:
        head = photo.read(12)
        photo.seek(0)
        ext = "heic" if head[4:8] == b"ftyp" else {b"\x89P": "png", b"RI": "webp"}.get(head[:2], "jpg")
        claim.photo.save(f"{uuid.uuid4().hex}.{ext}", photo, save=False)  # never the client's file name
    claim.save()
    audit.record(actor.user, "points.claim.submit", claim, summary=f"{person.name}申报“{item.name}”")
    return claim


@transaction.atomic
def review_claim(actor, claim: Claim, approve: bool, note: str = "") -> Claim:
    """Approve or reject a claim. Under two-step review the first approval needs a second, different reviewer."""
    actor = as_actor(actor)
    user = actor.user
    note = clean(note, limits.POINTS_REVIEW_NOTE, field="note", label="审核意见")
    require_manager(actor, claim, "审核积分申报")
    # Conditional update on the old state: two reviewers racing cannot both win.
    current = Claim.objects.select_for_update().get(pk=claim.pk)
    if current.status not in (ClaimStatus.PENDING, ClaimStatus.FIRST_APPROVED):
        raise Conflict(f"该申报已{current.get_status_display()}，不能再审核", code="claim_closed")
    if not approve:
        if not note.strip():
            raise ValidationFailed("不通过须写明原因", field="note")
        current.status, current.reviewer, current.review_note = ClaimStatus.REJECTED, user, note.strip()[:200]
        current.save(update_fields=["status", "reviewer", "review_note", "updated_at"])
        audit.record(user, "points.claim.reject", current, summary=f"不通过：{note}")
        return current
    village = Region.objects.get(pk=current.village_id)
    if village_policy(village).two_step_review and current.status == ClaimStatus.PENDING:
        current.status, current.first_reviewer = ClaimStatus.FIRST_APPROVED, user
        current.review_note = note.strip()[:200]
        current.save(update_fields=["status", "first_reviewer", "review_note", "updated_at"])
        audit.record(user, "points.claim.first_approve", current, summary="初审通过")
        return current
    if current.first_reviewer_id and current.first_reviewer_id == actor.user_id:
        raise Conflict("两级审核须由另一位干部复审", code="same_reviewer")
    posting = apply_item(current.first_reviewer or user, current.person, current.item, key=f"claim:{current.pk}",
                         reason=f"{current.item.name}：{current.note}"[:200], approver=user,
                         source=f"claim:{current.pk}", check_permission=False)
    current.status, current.reviewer, current.posting = ClaimStatus.APPROVED, user, posting
    if note:
        current.review_note = note.strip()[:200]
    current.save(update_fields=["status", "reviewer", "posting", "review_note", "updated_at"])
    audit.record(user, "points.claim.approve", current, summary=f"通过，{posting.points:+d} 分")
    return current


def exclusive_clash(items: list[PointItem]) -> tuple[PointItem, PointItem] | None:
    """The first two items of one household's marks that exclude each other (same ``exclusive_group``)."""
    seen: dict[str, PointItem] = {}
    for item in items:
        if item.exclusive_group:
            if item.exclusive_group in seen:
                return seen[item.exclusive_group], item
            seen[item.exclusive_group] = item
    return None


@transaction.atomic
def score_inspection(actor, village: Region, title: str, held_on: date, scores: dict[int, list[str]],
                     *, key: str | None = None) -> Inspection:
    """Score many households in one form: ``scores`` = {household_id: [item codes]}. The points go to each
    household's head (or its first member). Re-submitting the same inspection is idempotent per household and item;
    with ``key`` (an API Idempotency-Key) a repeat returns the first inspection (``replayed=True``)."""
    actor = as_actor(actor)
    user = actor.user
    require_manager(actor, village, "检查评分")
    if key:
        prior = Inspection.objects.filter(key=key).first()
        if prior is not None:
            if prior.village_id != village.pk:
                raise Conflict("该幂等键已用于另一村的检查", code="idempotency_key_reused")
            prior.replayed = True
            return prior
    if held_on > timezone.localdate():
        raise ValidationFailed("检查日期不能晚于今天", field="held_on")
    title = clean(title, limits.POINTS_TITLE, field="title", label="检查名称")
    if not title:
        raise ValidationFailed("请填写检查名称", field="title")
    items = {i.code: i for i in PointItem.objects.filter(awarder=Awarder.INSPECTION, is_active=True)}
    households = {h.pk: h for h in Household.objects.filter(pk__in=list(scores), village=village)}
    if set(scores) - set(households):
        raise ValidationFailed("有的户不在本村", field="scores")
    inspection = Inspection(title=title.strip()[:100], held_on=held_on, inspector=user, key=key or None)
    inspection.place_in(village)
    try:
        with transaction.atomic():
            inspection.save()
    except IntegrityError:  # the same key submitted concurrently: the first one wins
        prior = Inspection.objects.get(key=key)
        prior.replayed = True
        return prior
    inspection.replayed = False
    at = timezone.make_aware(timezone.datetime.combine(held_on, timezone.datetime.min.time()).replace(hour=12))
    heads = {}
    for p in Person.objects.filter(household_id__in=list(households)).order_by("-is_household_head", "pk"):
        heads.setdefault(p.household_id, p)
    for hid, codes in scores.items():  # everything is checked before the first point is written
        unknown = [c for c in codes if c not in items]
        if unknown:
            raise ValidationFailed(f"“{unknown[0]}”不是检查评分项目", field="scores")
        clash = exclusive_clash([items[c] for c in codes])
        if clash:
            who = heads.get(hid)
            raise ValidationFailed(
                f"户 {households[hid].code}{f'（{who.name}）' if who else ''}：“{clash[0].name}”和“{clash[1].name}”"
                f"不能同时评定，请只选其一", field="scores", code="exclusive_items")
    tag = hashlib.sha1(title.strip().encode()).hexdigest()[:10]
    scored = 0
    for hid, codes in scores.items():
        head = heads.get(hid)
        if head is None:
            raise ValidationFailed(f"户 {households[hid].code} 没有登记成员", field="scores")
        for code in codes:
            if code not in items:
                raise ValidationFailed(f"“{code}”不是检查评分项目", field="scores")
            apply_item(user, head, items[code], key=f"inspection:{village.pk}:{held_on:%Y%m%d}:{tag}:{hid}:{code}",
                       reason=f"{title}：{items[code].name}", approver=user, source=f"inspection:{inspection.pk}",
                       at=at, check_permission=False)
        scored += bool(codes)
    inspection.scored = scored
    inspection.save(update_fields=["scored"])
    audit.record(user, "points.inspection", inspection, summary=f"{title}：{scored} 户", data={"scores": {str(k): v for k, v in scores.items()}})
    return inspection
