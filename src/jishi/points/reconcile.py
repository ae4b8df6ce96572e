"""Reconciliation: prove the cached balances and the ledger agree.

1. every account's cached balance equals the sum of its entries;
2. every posting's entries sum to zero (double entry);
3. no non-negative account is below zero;
4. issued − redeemed − held = outstanding, where issued is what the issuance accounts gave out (net),
   redeemed what merchants received, held what vouchers and objections hold, outstanding the sum of
   the people's redeemable balances. (Honour points balance against the honour-source accounts.)
5. the same for the 公益积分 programme on its own accounts (welfare source, welfare holds, 爱心商家, welfare).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Sum

from jishi.points.choices import NON_NEGATIVE, AccountKind
from jishi.points.models import Account, Entry


@dataclass
class ReconcileReport:
    accounts: int = 0
    postings: int = 0
    issued: int = 0
    redeemed: int = 0
    held: int = 0
    outstanding: int = 0
    honour_issued: int = 0
    honour_outstanding: int = 0
    welfare_issued: int = 0  # the 公益积分 programme balances on its own (docs/bees.md)
    welfare_redeemed: int = 0
    welfare_held: int = 0
    welfare_outstanding: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _kind_sum(kind: str) -> int:
    return Account.objects.filter(kind=kind).aggregate(s=Sum("balance"))["s"] or 0


def reconcile() -> ReconcileReport:
    r = ReconcileReport()
    sums = dict(Entry.objects.values("account").annotate(s=Sum("amount")).values_list("account", "s"))
    for pk, kind, balance in Account.objects.values_list("pk", "kind", "balance").iterator(chunk_size=5000):
        r.accounts += 1
        if balance != sums.get(pk, 0):
            r.problems.append(f"账户 #{pk}（{kind}）余额 {balance} ≠ 分录合计 {sums.get(pk, 0)} / balance != sum of entries")
        if kind in NON_NEGATIVE and balance < 0:
            r.problems.append(f"账户 #{pk}（{kind}）余额为负：{balance} / negative balance")
    unbalanced = Entry.objects.values("posting").annotate(s=Sum("amount")).exclude(s=0).values_list("posting", "s")[:50]
    for posting_id, s in unbalanced:
        r.problems.append(f"积分记录 #{posting_id} 分录合计 {s} ≠ 0 / posting does not balance")
    r.postings = Entry.objects.values("posting").distinct().count()
    r.issued = -_kind_sum(AccountKind.ISSUANCE)
    r.redeemed = _kind_sum(AccountKind.MERCHANT)
    r.held = _kind_sum(AccountKind.HOLD) + _kind_sum(AccountKind.FROZEN)
    r.outstanding = _kind_sum(AccountKind.REDEEMABLE)
    if r.issued - r.redeemed - r.held != r.outstanding:
        r.problems.append(f"发放 {r.issued} − 兑换 {r.redeemed} − 冻结 {r.held} = {r.issued - r.redeemed - r.held} ≠ "
                          f"村民可兑换积分合计 {r.outstanding} / issued − redeemed − held != outstanding")
    r.welfare_issued = -_kind_sum(AccountKind.WELFARE_SOURCE)
    r.welfare_redeemed = _kind_sum(AccountKind.WELFARE_MERCHANT)
    r.welfare_held = _kind_sum(AccountKind.WELFARE_HOLD)
    r.welfare_outstanding = _kind_sum(AccountKind.WELFARE)
    if r.welfare_issued - r.welfare_redeemed - r.welfare_held != r.welfare_outstanding:
        r.problems.append(f"公益积分发放 {r.welfare_issued} − 兑换 {r.welfare_redeemed} − 冻结 {r.welfare_held} ≠ "
                          f"公益积分合计 {r.welfare_outstanding} / welfare: issued − redeemed − held != outstanding")
    r.honour_issued = -_kind_sum(AccountKind.HONOUR_SOURCE)
    r.honour_outstanding = _kind_sum(AccountKind.HONOUR)
    if r.honour_issued != r.honour_outstanding:
        r.problems.append(f"荣誉积分发放 {r.honour_issued} ≠ 荣誉积分合计 {r.honour_outstanding} / honour does not balance")
    return r
