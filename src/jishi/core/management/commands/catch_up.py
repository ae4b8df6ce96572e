"""`jishi catch-up`: run the periodic jobs' due periods that are not done yet (a month's board publish or
settlement missed while the server was down). Idempotent; `jishi serve` runs it before it starts serving."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from jishi.core import jobs
from jishi.core.models import JobRun


class Command(BaseCommand):
    help = "Run the periodic jobs' missed periods (each once) and list what each job last did."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="only list the jobs and their last runs")

    def handle(self, *args, list=False, **opts):
        if not list:
            ran = jobs.catch_up(trigger="command")
            for name, periods in ran.items():
                self.stdout.write(f"{name}: {', '.join(periods)}")
            if not ran:
                self.stdout.write("没有需要补做的定期任务")
        for job in jobs.registered():
            last = JobRun.objects.filter(job=job.name).order_by("-period").first()
            state = f"{last.period} {last.get_status_display()} {last.finished_at or last.started_at:%Y-%m-%d %H:%M}" \
                if last else "—"
            self.stdout.write(f"  {job.name}（{job.label}）：{state}")
