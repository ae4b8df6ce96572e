"""jishi escalate-disputes: pass every dispute unresolved within its level's time limit up one level, once."""

from django.core.management.base import BaseCommand

from jishi.mediation.services import sweep_overdue


class Command(BaseCommand):
    help = "矛盾纠纷超期上交：本级时限（工作日）内未化解的纠纷自动上交上一级（村→镇→市）；可重复运行。"

    def handle(self, *args, **options) -> None:
        moved = sweep_overdue()
        for d in moved:
            self.stdout.write(f"{d.number} → {d.get_level_display()}")
        self.stdout.write(f"上交 {len(moved)} 件")
