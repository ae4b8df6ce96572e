"""`jishi status`: where each consumer of the timelines stands — position, backlog, last error.

With ``--check`` it exits 1 when a consumer is behind by more than ``--max-lag`` rows (default
JISHI_CONSUMERS_MAX_LAG, 1000), is failing (a batch that raised and waits for its retry), or its own check
finds an event it lost (e.g. an accepted informant report without its award, a reported case missing from the
rollups). `jishi reconcile-consumers` is the same as `jishi status --check`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jishi.core import consumers


class Command(BaseCommand):
    help = "时间线消费者的进度、积压与最近错误（--check：积压过多、失败或丢失事件时退出码为 1）"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="exit 1 when a consumer is behind, failing or lost an event")
        parser.add_argument("--max-lag", type=int, default=None, help="rows a consumer may be behind (--check)")

    def handle(self, *args, check: bool = False, max_lag: int | None = None, **options) -> None:
        max_lag = settings.JISHI_CONSUMERS_MAX_LAG if max_lag is None else max_lag
        problems: list[str] = []
        self.stdout.write(f"{'consumer':<22} {'position':>10} {'backlog':>8}  {'oldest waiting':<20} last error")
        for s in consumers.status(check=check):
            oldest = f"{timezone.localtime(s.oldest_waiting):%Y-%m-%d %H:%M:%S}" if s.oldest_waiting else "-"
            error = s.last_error.splitlines()[0][:80] if s.last_error else "-"
            if s.attempts:
                error = f"[{s.attempts}×] {error}"
            self.stdout.write(f"{s.name:<22} {s.position:>10} {s.backlog:>8}  {oldest:<20} {error}")
            if s.backlog > max_lag:
                problems.append(f"{s.name}（{s.label}）积压 {s.backlog} 行 > {max_lag} / behind by {s.backlog} rows")
            if s.attempts:
                problems.append(f"{s.name}（{s.label}）连续失败 {s.attempts} 次 / failing: {error}")
            problems += [f"{s.name}: {p}" for p in s.problems]
        if not check:
            return
        for p in problems[:200]:
            self.stderr.write(p)
        if problems:
            raise CommandError(f"时间线消费核对不通过：{len(problems)} 处问题 / consumers do not reconcile")
        self.stdout.write(self.style.SUCCESS("时间线消费者均已跟上 / every consumer is caught up"))
