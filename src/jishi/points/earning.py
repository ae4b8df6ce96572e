"""Earning and losing points: awards and deductions by item, base points, reversal, the informant award.

Every award credits the person's redeemable and honour accounts from the village's issuance and
honour-source accounts; a deduction debits honour in full and redeemable as far as it goes (the
redeemable balance never goes below zero), and is shown to the person with its reason.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from jishi.core import audit, limits
from jishi.core.errors import Conflict, ValidationFailed
from jishi.org.models import Person, Region
from jishi.points import ledger
from jishi.points.access import clean, require_manager, user_of
from jishi.points.choices import PROGRAMME_KINDS, AccountKind, CapPeriod, ItemKind, PostingKind, Programme
from jishi.points.models import PointItem, Posting
from jishi.points.rules import INFORMANT_ITEM, EffectiveItem, effective_item, template_item, village_policy


def _period_start(at: datetime, period: str) -> datetime | None:
    local = timezone.localtime(at)
    if period == CapPeriod.MONTH:
        return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if period == CapPeriod.YEAR:
        return local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    return None


# (village id, town id, item id, the item's own points / cap / active) -> (policy stamp, points, cap, enabled)
_EFFECTIVE: dict[tuple, tuple[str, int, int, bool]] = {}


def _effective(place, item: PointItem, stamp: str | None) -> EffectiveItem:
    """``rules.effective_item`` without its query while the policies that decide it are unchanged.

    ``stamp`` was read in the statement that locked the accounts (``ledger.lock_for_award``); any policy
    adopted for the village or its town since changes it, and the value is looked up again. Values are only
    remembered from an outermost transaction — they were then read from committed policies, never from a
    policy this transaction adopted and might roll back."""
    key = (place.village_id, place.town_id, item.pk, item.points, item.cap_count, item.is_active)
    hit = _EFFECTIVE.get(key)
    if stamp is not None and hit is not None and hit[0] == stamp:
        return EffectiveItem(item, *hit[1:])
    eff = effective_item(place, item)
    if stamp is not None and len(transaction.get_connection().atomic_blocks) == 1:
        if len(_EFFECTIVE) > 10_000:
            _EFFECTIVE.clear()
        _EFFECTIVE[key] = (stamp, eff.points, eff.cap_count, eff.enabled)
    return eff


@transaction.atomic
def apply_item(actor, person: Person, item: PointItem, *, key: str, reason: str = "", approver=None,
               source: str = "", at: datetime | None = None, region: Region | None = None,
               check_permission: bool = True, programme: str = Programme.VILLAGE) -> Posting:
    """Award (positive item) or deduct (negative item) the village's effective points for ``item``.
    ``programme`` 公益积分 (welfare): into the person's 公益积分 from the village's welfare source, without honour
    (honour ranks villagers; 公益积分 are spent only at 爱心商家)."""
    limits.check(reason, limits.POINTS_REASON, field="reason", label="事由")
    place = person if person.village_id or region is None else region
    if check_permission:
        require_manager(actor, place, "评定积分")
    actor = user_of(actor)  # an Actor or a User: the ledger and the audit trail record the user
    at = at or timezone.now()
    # The idempotency key is checked after the accounts are locked: a retry of the same award serialises on
    # the person's accounts, and a capped item looks the key up in the same statement as the cap count, so a
    # retry of the posting that reached the cap still returns that posting. Without a cap, the posting's own
    # INSERT … ON CONFLICT DO NOTHING (ledger.post) detects the retry; nothing else is read.
    accounts, balances, stamp = ledger.lock_for_award(person, place.village_id, region,
                                                      policy_of=(place.village_id, place.town_id, item.pk),
                                                      programme=programme)
    eff = _effective(place, item, stamp)
    if not eff.enabled:
        raise ValidationFailed(f"本村未采用积分项目“{item.name}”", field="item")
    welfare = programme != Programme.VILLAGE
    kinds = PROGRAMME_KINDS[programme]
    redeemable, issuance = accounts[kinds.own], accounts[kinds.source]
    honour, honour_src = accounts.get(AccountKind.HONOUR), accounts.get(AccountKind.HONOUR_SOURCE)
    start = _period_start(at, item.cap_period)
    if eff.cap_count and start is not None:
        counted = Q(person=person, item=item, at__gte=start, reversal__isnull=True,
                    kind__in=[PostingKind.EARN, PostingKind.DEDUCT, PostingKind.WELFARE])
        seen = Posting.objects.filter(counted | Q(key=key)).aggregate(
            used=Count("pk", filter=counted), replay=Max("pk", filter=Q(key=key)))
        if seen["replay"] is not None:  # a retried request: the posting already exists
            existing = Posting.objects.get(pk=seen["replay"])
            existing.replayed = True
            return existing
        if seen["used"] >= eff.cap_count:
            raise Conflict(f"“{item.name}”本{CapPeriod(item.cap_period).label[1:]}已达上限 {eff.cap_count} 次", code="cap_reached")
    if welfare:  # 公益积分: no honour, and only awards (nothing is deducted from an informant's 公益积分)
        if item.kind != ItemKind.POSITIVE:
            raise ValidationFailed("公益积分只能发放，不能扣减", field="item")
        points, kind, honour_delta = eff.points, PostingKind.WELFARE, 0
        legs = [(issuance, -points), (redeemable, points)]
    elif item.kind == ItemKind.POSITIVE:
        points, kind = eff.points, PostingKind.EARN
        legs = [(issuance, -points), (redeemable, points), (honour_src, -points), (honour, points)]
        honour_delta = points
    else:
        points = -min(eff.points, balances[redeemable.pk])
        kind, honour_delta = PostingKind.DEDUCT, -eff.points
        legs = [(redeemable, points), (issuance, -points), (honour, -eff.points), (honour_src, eff.points)]
    posting = ledger.post(key=key, kind=kind, legs=legs, reason=reason or item.name, person=person, points=points,
                          honour=honour_delta, actor=actor, approver=approver, item=item, source=source,
                          region=place, at=at, locked=balances)
    if posting.replayed:
        return posting
    audit.record(actor, f"points.{kind}", posting, summary=f"{person.name} {item.name} {points:+d}",
                 data={"key": key, "item": item.code, "points": points, "honour": honour_delta, "source": source})
    return posting


@transaction.atomic
def grant_base_points(actor, village: Region, year: int, people: list[Person] | None = None) -> int:
    """Give everyone in the village the policy's base points for ``year`` once. Returns how many were granted."""
    require_manager(actor, village, "发放基础分")
    actor = user_of(actor)
    policy = village_policy(village)
    people = people if people is not None else list(Person.objects.filter(village=village, user__isnull=False))
    issuance = ledger.system_account(AccountKind.ISSUANCE, village.pk)
    n = 0
    for person in people:
        acc = ledger.person_account(person)
        p = ledger.post(key=f"base:{person.pk}:{year}", kind=PostingKind.BASE, legs=[(issuance, -policy.base_points),
                        (acc, policy.base_points)], reason=f"{year}年基础分", person=person, points=policy.base_points,
                        actor=actor, source=f"policy:{policy.version}")
        n += not p.replayed
    audit.record(actor, "points.base", village, summary=f"{village.name}{year}年基础分 {n} 人", data={"year": year, "n": n})
    return n


@transaction.atomic
def reverse(actor, posting: Posting, reason: str, *, key: str | None = None, substitute: dict[int, object] | None = None) -> Posting:
    """Correct a posting by a reversing posting (never an edit). ``substitute`` maps an account id of the
    original to another account to take that leg (e.g. the freeze account holding an objected posting)."""
    if posting.reverses_id is not None:
        raise Conflict("冲正记录不能再冲正", code="reversal_of_reversal")
    if Posting.objects.filter(reverses=posting).exists():
        raise Conflict("该积分记录已冲正过", code="already_reversed")
    if posting.person_id:
        require_manager(actor, posting, "冲正积分")
    actor = user_of(actor)
    reason = clean(reason, limits.POINTS_REVERSAL, field="reason", label="冲正原因")
    if not reason:
        raise ValidationFailed("冲正必须写明原因", field="reason")
    substitute = substitute or {}
    legs = [(substitute.get(e.account_id, e.account), -e.amount) for e in posting.entries.select_related("account")]
    rev = ledger.post(key=key or f"reverse:{posting.pk}", kind=PostingKind.REVERSE, legs=legs,
                      reason=f"冲正：{reason}", person=posting.person, points=-posting.points, honour=-posting.honour,
                      actor=actor, item=posting.item, reverses=posting, source=f"posting:{posting.pk}", region=posting)
    audit.record(actor, "points.reverse", rev, summary=f"冲正积分记录 #{posting.pk}：{reason}", data={"reverses": posting.pk})
    return rev


def award_informant(case, actor=None) -> Posting | None:
    """The informant's 公益积分 for a report that became an accepted case (a consumer of the case timeline):
    the village's rules for ``XMF01`` (adopted, points, cap), posted in the 公益积分 programme (docs/bees.md)."""
    person = getattr(case, "reporter", None)
    if person is None or getattr(case, "channel", "") != "informant":
        return None
    region = Region.objects.filter(pk=case.village_id).first() if getattr(case, "village_id", None) else None
    return apply_item(None, person, template_item(INFORMANT_ITEM), key=f"case-accept:{case.pk}",
                      reason=f"小蜜蜂上报事件被立案（{getattr(case, 'number', '') or case.pk}）",
                      approver=actor, source=f"case:{case.pk}", region=region, check_permission=False,
                      programme=Programme.WELFARE)


@transaction.atomic
def reset_year(actor, village: Region, year: int) -> int:
    """Year-end reset of redeemable points (年度清零) where the village policy says so: each person's
    redeemable balance goes back to the village's issuance account. Honour points are kept. Idempotent."""
    from jishi.points.models import Account
    from jishi.points.rules import village_policy

    require_manager(actor, village, "年度清零")
    actor = user_of(actor)
    if not village_policy(village).yearly_reset:
        raise Conflict(f"{village.name}的积分政策没有规定年度清零", code="no_reset")
    issuance = ledger.system_account(AccountKind.ISSUANCE, village.pk)
    n = 0
    for acc in Account.objects.filter(kind=AccountKind.REDEEMABLE, village=village, balance__gt=0).select_related("person"):
        balances = ledger.locked_balances([acc, issuance])
        if balances[acc.pk] <= 0:
            continue
        p = ledger.post(key=f"reset:{acc.person_id}:{year}", kind=PostingKind.RESET,
                        legs=[(acc, -balances[acc.pk]), (issuance, balances[acc.pk])], reason=f"{year}年度可兑换积分清零",
                        person=acc.person, points=-balances[acc.pk], actor=actor, source=f"reset:{year}",
                        locked=balances)
        n += not p.replayed
    audit.record(actor, "points.reset", village, summary=f"{village.name}{year}年度清零 {n} 人", data={"year": year, "n": n})
    return n
