"""The care fund (关爱基金): income (donations, allocations), riders' applications for care, the town's review,
and payment. The balance never goes below zero: a payment is ``UPDATE fund SET balance = balance − amount WHERE
balance >= amount`` (one statement; two concurrent payments cannot both take the last yuan), with a CHECK
constraint as the second line of defence. Every change: its fund entry, timeline row and audit record in one
transaction; a grant's state changes are conditional updates on the old state."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db.models import F
from django.utils import timezone

from jishi.bees.choices import FundEntryKind, GrantReason, GrantState, RiderState, Verb
from jishi.bees.models import Fund, FundEntry, Grant, Rider
from jishi.bees.timeline import emit, writer
from jishi.core import audit, limits
from jishi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jishi.core.scope import holds
from jishi.org.policy import as_actor

MAX_AMOUNT = Decimal("1000000")


def money(value, field: str = "amount") -> Decimal:
    """A positive amount in yuan with at most 2 decimals (≤ 1,000,000), or ValidationFailed."""
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed("请输入正确的金额（元）", field=field) from None
    if not d.is_finite() or d <= 0 or d > MAX_AMOUNT or d != d.quantize(Decimal("0.01")):
        raise ValidationFailed("金额须大于 0、不超过 100 万元、最多两位小数", field=field)
    return d.quantize(Decimal("0.01"))


def _manage(actor, fund: Fund) -> None:
    if not holds(actor, "manage", fund):
        if holds(actor, "view", fund):
            raise PermissionDenied("只有镇(街道)管理人员可以操作关爱基金")
        raise NotFound("基金不存在或不在您的范围内")


@writer
def receive(actor, fund: Fund, *, kind: str, amount, source: str) -> FundEntry:
    """Income: a donation or an allocation, recorded with where it came from."""
    actor = as_actor(actor)
    _manage(actor, fund)
    if kind not in (FundEntryKind.DONATION, FundEntryKind.ALLOCATION):
        raise ValidationFailed("请选择收入类型", field="kind")
    amount = money(amount)
    source = limits.check((source or "").strip(), 100, field="source", label="来源")
    if not source:
        raise ValidationFailed("请写明资金来源", field="source")
    now = timezone.now()
    Fund.objects.filter(pk=fund.pk).update(balance=F("balance") + amount, updated_at=now)
    entry = FundEntry.objects.create(fund=fund, kind=kind, amount=amount, at=now, source=source, actor=actor.user)
    emit(Verb.INCOME, at=now, fund=fund, actor=actor, note=source, data={"kind": kind, "amount": str(amount)})
    audit.record(actor.user, "bees.fund.income", fund, summary=f"{fund.name} 收入 {amount} 元（{source}）",
                 data={"kind": kind, "amount": str(amount)})
    fund.refresh_from_db()
    return entry


def fund_of(rider: Rider) -> Fund | None:
    """The fund that cares for the rider: their station's town's, else the city's."""
    return (Fund.objects.filter(town_id=rider.town_id, village__isnull=True).first()
            or Fund.objects.filter(town__isnull=True).first())


@writer
def apply(actor, *, reason: str, story: str, requested) -> Grant:
    """An approved 小蜜蜂 applies for care: the reason (illness, accident, hardship), what happened, how much."""
    actor = as_actor(actor)
    from jishi.bees.riders import mine

    rider = mine(actor)
    if rider is None or rider.state != RiderState.APPROVED:
        raise PermissionDenied("只有已入格的小蜜蜂可以申请关爱救助")
    if reason not in GrantReason.values:
        raise ValidationFailed("请选择申请事由", field="reason")
    story = limits.check((story or "").strip(), 500, field="story", label="情况说明")
    if len(story) < 5:
        raise ValidationFailed("请写明情况（至少 5 个字）", field="story")
    requested = money(requested, "requested")
    fund = fund_of(rider)
    if fund is None:
        raise Conflict("本镇尚未设立关爱基金", code="no_fund")
    grant = Grant(fund=fund, rider=rider, person=rider.person, reason=reason, story=story, requested=requested)
    grant.town_id, grant.village_id, grant.grid_id, grant.microgrid_id = (
        rider.town_id, rider.village_id, rider.grid_id, rider.microgrid_id)
    grant.save()
    now = timezone.now()
    emit(Verb.APPLY, at=now, grant=grant, fund=fund, rider=rider, actor=actor, to_state=GrantState.APPLIED,
         data={"reason": reason, "requested": str(requested)})
    audit.record(actor.user, "bees.grant.apply", grant, summary=f"{rider.name} 申请关爱救助 {requested} 元")
    return grant


def _step(actor, grant: Grant, frm: str, to: str, **fields) -> Grant:
    now = timezone.now()
    if Grant.objects.filter(pk=grant.pk, state=frm).update(state=to, updated_at=now, **fields) != 1:
        grant.refresh_from_db()
        raise Conflict(f"该申请{grant.get_state_display()}，不能再操作", code="grant_closed")
    grant.refresh_from_db()
    return grant


@writer
def review(actor, grant: Grant, *, approve: bool, amount=None, note: str = "") -> Grant:
    """The town decides: approve an amount (≤ what was asked) or refuse with a reason."""
    actor = as_actor(actor)
    _manage(actor, grant.fund)
    note = limits.check((note or "").strip(), 200, field="note", label="审核意见")
    now = timezone.now()
    if approve:
        amount = money(amount if amount not in (None, "") else grant.requested)
        if amount > grant.requested:
            raise ValidationFailed("批准金额不能超过申请金额", field="amount")
        grant = _step(actor, grant, GrantState.APPLIED, GrantState.APPROVED, amount=amount, reviewed_by=actor.user,
                      reviewed_at=now, review_note=note)
        verb = Verb.GRANT_APPROVE
    else:
        if not note:
            raise ValidationFailed("不予救助须写明原因", field="note")
        grant = _step(actor, grant, GrantState.APPLIED, GrantState.REJECTED, reviewed_by=actor.user,
                      reviewed_at=now, review_note=note)
        verb = Verb.GRANT_REJECT
    emit(verb, at=now, grant=grant, fund=grant.fund, rider=grant.rider, actor=actor, from_state=GrantState.APPLIED,
         to_state=grant.state, note=note, data={"amount": str(grant.amount or "")})
    audit.record(actor.user, f"bees.grant.{'approve' if approve else 'reject'}", grant,
                 summary=f"{grant.rider.name} 关爱救助{'批准 ' + str(grant.amount) + ' 元' if approve else '不予批准'}")
    return grant


@writer
def pay(actor, grant: Grant) -> Grant:
    """Pay an approved grant from the fund: refused (nothing changed) when the balance does not cover it."""
    actor = as_actor(actor)
    _manage(actor, grant.fund)
    if grant.state != GrantState.APPROVED:
        raise Conflict(f"该申请{grant.get_state_display()}，不能发放", code="grant_closed")
    now = timezone.now()
    # the grant first (a second payment of the same grant stops here), then the balance, conditionally
    grant = _step(actor, grant, GrantState.APPROVED, GrantState.PAID, paid_at=now)
    if Fund.objects.filter(pk=grant.fund_id, balance__gte=grant.amount).update(
            balance=F("balance") - grant.amount, updated_at=now) != 1:
        raise Conflict("关爱基金余额不足，不能发放", code="insufficient_fund")  # rolls the grant's step back
    FundEntry.objects.create(fund_id=grant.fund_id, kind=FundEntryKind.GRANT, amount=-grant.amount, at=now,
                             source=f"{grant.rider.name} {grant.get_reason_display()}", grant=grant, actor=actor.user)
    emit(Verb.PAY, at=now, grant=grant, fund=grant.fund, rider=grant.rider, actor=actor,
         from_state=GrantState.APPROVED, to_state=GrantState.PAID, data={"amount": str(grant.amount)})
    audit.record(actor.user, "bees.grant.pay", grant, summary=f"向{grant.rider.name}发放关爱救助 {grant.amount} 元")
    return grant


def reconcile(fund: Fund) -> bool:
    """The cached balance equals the sum of the fund's entries."""
    from django.db.models import Sum

    total = FundEntry.objects.filter(fund=fund).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    fund.refresh_from_db()
    return total == fund.balance

