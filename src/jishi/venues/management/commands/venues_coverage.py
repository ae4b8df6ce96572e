"""``jishi venues_coverage``: recompute the 8-minute coverage now (after venues or households were imported in
bulk, outside the venue verbs), printing the figures and the time it took."""

from django.core.management.base import BaseCommand

from jishi.venues import coverage


class Command(BaseCommand):
    help = "重新计算8分钟党群服务圈覆盖（全市）"

    def handle(self, *args, **options) -> None:
        run = coverage.recompute()
        rate = run.covered / run.households if run.households else 0
        self.stdout.write(f"{run.households} 户，{run.covered} 户在 {run.minutes:g} 分钟内（{rate:.1%}），"
                          f"{run.venues} 个开放阵地，{run.method}，用时 {run.seconds:.2f} 秒")
