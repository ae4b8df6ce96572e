"""jishi supervise-blueprint: supervise every overdue time node of the blueprint (yellow, then red), once."""

from django.core.management.base import BaseCommand

from jishi.blueprint.services import sweep_overdue


class Command(BaseCommand):
    help = "书记项目节点超期督办：超期节点黄牌督办，超期10天以上红牌督办；可重复运行。"

    def handle(self, *args, **options) -> None:
        raised = sweep_overdue()
        for s in raised:
            self.stdout.write(f"{s.project.code} {s.get_flag_display()} {s.milestone.title}")
        self.stdout.write(f"督办 {len(raised)} 项")
