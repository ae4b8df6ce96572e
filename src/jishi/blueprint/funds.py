"""The verbs of the 共富基金: propose a village's project under a tranche, approve it, pay it out, record its
income; and the village's collective income by year (before and after). Totals are sums over the rows
(``queries.fund_totals``), never kept by read-modify-write.

Approvals and payments are the city's (``manage`` over the whole city); proposals and income the village's
cadres and the town's commanders (``manage`` over the village).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models import F, Sum
from django.utils import timezone

from jishi.blueprint.choices import FundProjectState
from jishi.blueprint.models import Disbursement, FundProject, ProjectIncome, Tranche, VillageIncome
from jishi.blueprint.timeline import actor_name, emit, writer
from jishi.core import audit
from jishi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jishi.core.scope import holds
from jishi.org.models import Region
from jishi.org.policy import as_actor

MAX_AMOUNT = Decimal("1000000000000")


def _money(value, field: str, label: str, *, positive: bool = True) -> Decimal:
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(f"{label}须为金额（元）", field=field) from None
    if not d.is_finite() or d < 0 or (positive and d == 0) or d >= MAX_AMOUNT:
        raise ValidationFailed(f"{label}须为大于0的金额（元）" if positive else f"{label}不能为负数", field=field)
    if d != d.quantize(Decimal("0.01")):
        raise ValidationFailed(f"{label}最多精确到分", field=field)
    return d.quantize(Decimal("0.01"))


def _village(region) -> Region:
    r = region if isinstance(region, Region) else Region.objects.filter(pk=region).first() if region else None
    if r is None or r.level != "village":
        raise ValidationFailed("请选择项目所在的村(社区)", field="region")
    return r


def _city(actor) -> None:
    if not actor.scope("manage").everything:
        raise PermissionDenied("基金项目的审批和拨付由市级办理")


def _bump(fp: FundProject, **fields) -> None:
    if FundProject.objects.filter(pk=fp.pk, version=fp.version).update(version=F("version") + 1, **fields) != 1:
        raise Conflict("该基金项目刚被他人办理过，请刷新后再试")
    for k, v in fields.items():
        setattr(fp, k, v)
    fp.version += 1


@writer
def propose(actor, tranche: Tranche, *, title: str, region, budget, expected_income=0) -> FundProject:
    actor = as_actor(actor)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("请填写项目名称", field="title")
    r = _village(region)
    fp = FundProject(tranche=tranche, title=title[:120], region=r, budget=_money(budget, "budget", "预算"),
                     expected_income=_money(expected_income, "expected_income", "预期年增收", positive=False))
    fp.place_in(r)
    if not holds(actor, "manage", fp):
        raise NotFound("所选村(社区)不在您的范围内", field="region")
    fp.save()
    emit("fund_project", fund_project=fp, actor=actor.user, actor_name=actor_name(actor), at=timezone.now(),
         note=title[:200], data={"budget": str(fp.budget), "tranche": tranche.pk})
    audit.record(actor.user, "fund.propose", fp, summary=f"申报基金项目：{title[:60]}（{fp.budget}元）")
    return fp


@writer
def decide(actor, fp: FundProject, *, approve: bool, note: str = "") -> FundProject:
    """Approve (within the tranche's amount) or reject a proposed project."""
    actor = as_actor(actor)
    _city(actor)
    if fp.state != FundProjectState.PROPOSED:
        raise Conflict(f"该项目已{fp.get_state_display()}")
    if approve:
        used = (FundProject.objects.filter(tranche=fp.tranche, state__in=[FundProjectState.APPROVED, FundProjectState.DONE])
                .aggregate(s=Sum("budget"))["s"] or Decimal(0))
        if used + fp.budget > fp.tranche.amount:
            raise Conflict(f"本批次额度 {fp.tranche.amount} 元，已批准 {used} 元，不足以批准本项目（{fp.budget} 元）")
    elif not (note or "").strip():
        raise ValidationFailed("不予批准的，请说明理由", field="note")
    now = timezone.now()
    state = FundProjectState.APPROVED if approve else FundProjectState.REJECTED
    _bump(fp, state=state, approved_at=now if approve else None, approved_by=actor.user if approve else None)
    emit("fund_approve", fund_project=fp, actor=actor.user, actor_name=actor_name(actor), at=now,
         note=(note or "")[:500], data={"approve": bool(approve)})
    audit.record(actor.user, "fund.decide", fp, summary=f"{'批准' if approve else '不予批准'}：{fp.title[:60]}")
    return fp


@writer
def disburse(actor, fp: FundProject, *, amount, paid_on: date, note: str = "") -> Disbursement:
    """Pay part of an approved project's budget; the payments never exceed the budget."""
    actor = as_actor(actor)
    _city(actor)
    if fp.state not in (FundProjectState.APPROVED, FundProjectState.DONE):
        raise Conflict("项目未批准，不能拨付")
    amount = _money(amount, "amount", "拨付金额")
    if paid_on is None or paid_on > timezone.localdate():
        raise ValidationFailed("拨付日期不能晚于今天", field="paid_on")
    FundProject.objects.select_for_update().filter(pk=fp.pk).first()  # one payment at a time per project
    paid = fp.disbursements.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    if paid + amount > fp.budget:
        raise Conflict(f"已拨付 {paid} 元，本次 {amount} 元将超出预算 {fp.budget} 元")
    d = Disbursement.objects.create(project=fp, amount=amount, paid_on=paid_on, note=(note or "").strip()[:200],
                                    recorded_by=actor.user)
    _bump(fp)
    emit("disburse", fund_project=fp, actor=actor.user, actor_name=actor_name(actor), at=timezone.now(),
         note=(note or "")[:200], data={"amount": str(amount), "paid_on": paid_on.isoformat()})
    audit.record(actor.user, "fund.disburse", fp, summary=f"拨付 {amount} 元：{fp.title[:60]}")
    return d


@writer
def record_income(actor, fp: FundProject, *, year: int, amount) -> ProjectIncome:
    """The income the project brought its village in ``year`` (one figure a year; a correction replaces it)."""
    actor = as_actor(actor)
    if not holds(actor, "manage", fp):
        raise NotFound("基金项目不存在或不在您的范围内")
    if fp.state not in (FundProjectState.APPROVED, FundProjectState.DONE):
        raise Conflict("项目未批准，不能登记收益")
    if not (2000 <= int(year) <= timezone.localdate().year):
        raise ValidationFailed("年度不对", field="year")
    amount = _money(amount, "amount", "实际收益", positive=False)
    row, _ = ProjectIncome.objects.update_or_create(project=fp, year=int(year), defaults={"amount": amount})
    _bump(fp)
    emit("income", fund_project=fp, actor=actor.user, actor_name=actor_name(actor), at=timezone.now(),
         data={"year": int(year), "amount": str(amount)})
    audit.record(actor.user, "fund.income", fp, summary=f"{year}年收益 {amount} 元：{fp.title[:60]}")
    return row


@writer
def record_village_income(actor, region, *, year: int, amount) -> VillageIncome:
    actor = as_actor(actor)
    r = _village(region)
    row = VillageIncome(region=r, year=int(year), amount=_money(amount, "amount", "经营性收入", positive=False))
    row.place_in(r)
    if not holds(actor, "manage", row):
        raise NotFound("所选村(社区)不在您的范围内", field="region")
    if not (2000 <= row.year <= timezone.localdate().year):
        raise ValidationFailed("年度不对", field="year")
    VillageIncome.objects.update_or_create(region=r, year=row.year, defaults={
        "amount": row.amount, "town_id": r.town_id, "village_id": r.village_id})
    audit.record(actor.user, "fund.village_income", r, summary=f"{r.name} {year}年经营性收入 {row.amount} 元")
    return VillageIncome.objects.get(region=r, year=row.year)
