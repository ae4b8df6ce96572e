"""jishi sweep-cases: run the supervision sweep once (near-due and overdue cases)."""

from django.core.management.base import BaseCommand

from jishi.cases.sla import sweep


class Command(BaseCommand):
    help = "督办扫描：标记临期(黄牌)与超期(红牌)事件并发送督办通知；可重复运行。"

    def handle(self, *args, **options) -> None:
        self.stdout.write(str(sweep()))
