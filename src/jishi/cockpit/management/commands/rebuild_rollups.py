"""``jishi rebuild-rollups``: recompute the cockpit's rollups from the raw cases."""

from django.core.management.base import BaseCommand

from jishi.cockpit.rollups import rebuild, recompute, stored
from jishi.core import audit


class Command(BaseCommand):
    help = "从原始事件重算驾驶舱日汇总 (--check: 只核对不写入)"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="compare the stored rollups with a recomputation")

    def handle(self, *args, check: bool = False, **options):
        if check:
            a, b = stored(), recompute()
            b = {k: v for k, v in b.items() if any(v.values())}
            diff = sorted(set(a) ^ set(b) | {k for k in set(a) & set(b) if a[k] != b[k]})
            self.stdout.write(f"rollup rows: {len(a)}, differing: {len(diff)}")
            if diff:
                raise SystemExit(1)
            return
        n = rebuild()
        audit.record(None, "cockpit.rebuild_rollups", object_type="cockpit.dailyrollup", object_id="all",
                     summary=f"重算驾驶舱日汇总：{n} 行")
        self.stdout.write(f"rebuilt {n} rollup rows")
