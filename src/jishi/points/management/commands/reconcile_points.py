"""`jishi reconcile-points`: prove balances == sum of postings and issued − redeemed − held == outstanding.
Exits 1 (and lists the problems) when they do not."""

from django.core.management.base import BaseCommand, CommandError

from jishi.points.reconcile import reconcile


class Command(BaseCommand):
    help = "核对积分账本：账户余额 = 分录合计；发放 − 兑换 − 冻结 = 村民可兑换积分合计"

    def handle(self, *args, **options) -> None:
        r = reconcile()
        self.stdout.write(f"账户 {r.accounts}，积分记录 {r.postings}；发放 {r.issued}，兑换 {r.redeemed}，"
                          f"冻结 {r.held}，村民可兑换 {r.outstanding}；荣誉积分 {r.honour_outstanding}；"
                          f"公益积分发放 {r.welfare_issued}，兑换 {r.welfare_redeemed}，冻结 {r.welfare_held}，"
                          f"可用 {r.welfare_outstanding}")
        if not r.ok:
            for p in r.problems[:200]:
                self.stderr.write(p)
            raise CommandError(f"积分账本核对不通过：{len(r.problems)} 处问题 / reconciliation failed")
        self.stdout.write(self.style.SUCCESS("积分账本核对通过 / points ledger reconciles"))
