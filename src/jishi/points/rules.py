"""Rules: the city template of point items, and versioned town/village policies adopted by a recorded decision.

The effective value of anything for a village is: the village's newest policy, else its town's newest,
else the city template / defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max

from jishi.core import audit, limits
from jishi.core.errors import Conflict, PermissionDenied, ValidationFailed
from jishi.core.scope import holds
from jishi.org.choices import Level
from jishi.org.models import Region
from jishi.org.policy import as_actor
from jishi.points.choices import Awarder, CapPeriod, ItemKind
from jishi.points.models import PointItem, Policy, PolicyItem

DEFAULT_BASE_POINTS = 300
INFORMANT_ITEM = "XMF01"

# The city template (积分细则): code, name, kind, points, cap count, cap period, evidence, awarder.
TEMPLATE = [
    ("ZY01", "参加志愿服务", ItemKind.POSITIVE, 5, 8, CapPeriod.MONTH, True, Awarder.SELF_CLAIM),
    ("HR01", "好人好事", ItemKind.POSITIVE, 10, 4, CapPeriod.MONTH, True, Awarder.SELF_CLAIM),
    ("HY01", "参加村民会议", ItemKind.POSITIVE, 2, 4, CapPeriod.MONTH, False, Awarder.CADRE),
    ("TY01", "庭院整洁（月度检查）", ItemKind.POSITIVE, 10, 1, CapPeriod.MONTH, False, Awarder.INSPECTION),
    ("LJ01", "垃圾分类到位", ItemKind.POSITIVE, 3, 4, CapPeriod.MONTH, False, Awarder.INSPECTION),
    (INFORMANT_ITEM, "小蜜蜂上报被立案", ItemKind.POSITIVE, 5, 20, CapPeriod.MONTH, False, Awarder.SYSTEM),
    ("KC01", "乱扔垃圾", ItemKind.NEGATIVE, 5, 0, CapPeriod.NONE, True, Awarder.CADRE),
    ("WJ01", "违法建设", ItemKind.NEGATIVE, 50, 0, CapPeriod.NONE, True, Awarder.CADRE),
    ("TY02", "庭院脏乱（月度检查）", ItemKind.NEGATIVE, 5, 1, CapPeriod.MONTH, False, Awarder.INSPECTION),
]


# Items that contradict each other: one household gets at most one of a group in one inspection.
EXCLUSIVE = {"TY01": "庭院", "TY02": "庭院"}


def seed_template() -> list[PointItem]:
    """Create the city template items that do not exist yet (idempotent)."""
    existing = set(PointItem.objects.values_list("code", flat=True))
    PointItem.objects.bulk_create([
        PointItem(code=c, name=n, kind=k, points=p, cap_count=cc, cap_period=cp, evidence_required=e, awarder=a, sort=i,
                  exclusive_group=EXCLUSIVE.get(c, ""))
        for i, (c, n, k, p, cc, cp, e, a) in enumerate(TEMPLATE) if c not in existing
    ])
    return list(PointItem.objects.all())


def template_item(code: str) -> PointItem:
    item = PointItem.objects.filter(code=code).first()
    if item is None:
        seed_template()
        item = PointItem.objects.get(code=code)
    return item


@dataclass(frozen=True)
class VillagePolicy:
    base_points: int
    yearly_reset: bool
    two_step_review: bool
    version: str


@dataclass(frozen=True)
class EffectiveItem:
    item: PointItem
    points: int
    cap_count: int
    enabled: bool

    @property
    def signed(self) -> int:
        return self.points if self.item.kind == ItemKind.POSITIVE else -self.points


def _chain(place) -> list[Policy]:
    """The newest policy of the village, then of its town (most specific first). ``place``: anything with
    ``village_id`` and ``town_id`` (a region, a person, a posting). One query."""
    ids = [i for i in (place.village_id, place.town_id) if i]
    newest: dict[int, Policy] = {}
    for p in Policy.objects.filter(region_id__in=ids).select_related("region").order_by("-version"):
        newest.setdefault(p.region_id, p)
    return [newest[i] for i in ids if i in newest]


def village_policy(village: Region) -> VillagePolicy:
    chain = _chain(village)

    def pick(field: str, default):
        for p in chain:
            if getattr(p, field) is not None:
                return getattr(p, field)
        return default

    return VillagePolicy(
        base_points=pick("base_points", DEFAULT_BASE_POINTS),
        yearly_reset=pick("yearly_reset", False),
        two_step_review=pick("two_step_review", False),
        version=" / ".join(f"{p.region.name} v{p.version}" for p in chain) or "市级模板",
    )


def effective_item(place, item: PointItem) -> EffectiveItem:
    """The item as the village of ``place`` (a region or person) applies it: town, then village adjustments."""
    points, cap, enabled = item.points, item.cap_count, item.is_active
    chain = _chain(place) if place is not None else []
    rows = {r.policy_id: r for r in PolicyItem.objects.filter(policy__in=chain, item=item)} if chain else {}
    for p in reversed(chain):  # town first, then village overrides
        row = rows.get(p.pk)
        if row is not None:
            points = row.points if row.points is not None else points
            cap = row.cap_count if row.cap_count is not None else cap
            enabled = row.enabled
    return EffectiveItem(item, points, cap, enabled)


@transaction.atomic
def adopt_policy(actor, region: Region, *, decision: str, decided_on: date, base_points: int | None = None,
                 yearly_reset: bool | None = None, two_step_review: bool | None = None,
                 items: dict[str, dict] | None = None, key: str | None = None) -> Policy:
    """Record a new policy version for a town or village. ``items``: {code: {"points":…, "cap_count":…, "enabled":…}}.

    ``key`` (an API Idempotency-Key): a repeat returns the version recorded the first time (``replayed=True``)."""
    if key:
        prior = Policy.objects.filter(key=key).first()
        if prior is not None:
            if prior.region_id != region.pk:
                raise Conflict("该幂等键已用于另一区域的政策", code="idempotency_key_reused")
            prior.replayed = True
            return prior
    if region.level not in (Level.TOWN, Level.VILLAGE):
        raise ValidationFailed("积分政策只能由镇(街道)或村(社区)制定", field="region")
    actor = as_actor(actor)
    if not holds(actor, "manage", region):
        raise PermissionDenied("只能为本村或本镇制定积分政策")
    decision = limits.check("".join(ch for ch in decision if ch >= " ").strip(), limits.POINTS_DECISION,
                            field="decision", label="决议")
    if not decision:
        raise ValidationFailed("请填写决议（如村民代表大会决议文号）", field="decision")
    if base_points is not None and base_points > 10000:
        raise ValidationFailed("基础分不能超过 10000", field="base_points")
    for code, values in (items or {}).items():
        for field in ("points", "cap_count"):
            v = values.get(field)
            if v is not None and not (isinstance(v, int) and 0 <= v <= 10000):
                raise ValidationFailed(f"“{code}”的{field}须为 0–10000 的整数", field="items")
    version = (Policy.objects.select_for_update().filter(region=region).aggregate(v=Max("version"))["v"] or 0) + 1
    try:
        with transaction.atomic():
            policy = Policy.objects.create(
                region=region, version=version, decision=decision.strip(), decided_on=decided_on,
                base_points=base_points, yearly_reset=yearly_reset, two_step_review=two_step_review,
                decided_by=actor.user, key=key or None)
    except IntegrityError:
        prior = Policy.objects.filter(key=key).first() if key else None
        if prior is None:  # two decisions for one region at once: the other took this version number
            raise Conflict("另一项政策正在记录，请稍后重试", code="policy_version_race")
        prior.replayed = True
        return prior
    policy.replayed = False
    by_code = {i.code: i for i in PointItem.objects.filter(code__in=list(items or {}))}
    for code, values in (items or {}).items():
        if code not in by_code:
            raise ValidationFailed(f"没有编码为“{code}”的积分项目", field="items")
        PolicyItem.objects.create(policy=policy, item=by_code[code], points=values.get("points"),
                                  cap_count=values.get("cap_count"), enabled=values.get("enabled", True))
    audit.record(actor.user, "points.policy.adopt", policy, summary=f"{region.name}积分政策第{version}版：{decision}",
                 data={"base_points": base_points, "yearly_reset": yearly_reset, "two_step_review": two_step_review,
                       "items": items or {}})
    return policy
