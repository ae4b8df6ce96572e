"""`jishi publish-boards --month 2026-10`: freeze the month's boards for every unit type."""

from django.core.management.base import BaseCommand, CommandError

from jishi.core.errors import ServiceError
from jishi.scoring.boards import publish_month
from jishi.scoring.periods import Month


class Command(BaseCommand):
    help = "发布某月的考核排名（冻结快照）"

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM，默认上个月")

    def handle(self, *args, month=None, **opts):
        try:
            m = Month.parse(month) if month else Month.current().previous()
            boards = publish_month(None, m)
        except ServiceError as e:
            raise CommandError(e.message) from e
        for b in boards:
            self.stdout.write(f"{b.month} {b.get_unit_type_display()} {b.scheme}: {b.rows.count()} 行")
        self.stdout.write(f"已发布 {len(boards)} 张榜单")
