"""`jishi drain-consumers`: apply every waiting timeline row now (the worker does this after each commit and
every minute). With ``--loop`` it keeps draining every ``--every`` seconds until stopped — a worker without
huey (used by the crash tests)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from jishi.core import consumers


class Command(BaseCommand):
    help = "立即处理时间线上待处理的事件（--loop：持续处理）"

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--every", type=float, default=1.0)

    def handle(self, *args, loop: bool = False, every: float = 1.0, **options) -> None:
        while True:
            done = consumers.drain()
            if not loop:
                self.stdout.write(", ".join(f"{k} {v}" for k, v in done.items()) or "-")
                return
            if not any(done.values()):
                time.sleep(every)
