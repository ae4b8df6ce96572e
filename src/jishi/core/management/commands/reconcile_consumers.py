"""`jishi reconcile-consumers`: `jishi status --check` (exits 1 when a consumer is behind, failing or lost an event)."""

from jishi.core.management.commands.status import Command as Status


class Command(Status):
    help = "核对时间线消费者（同 jishi status --check）"

    def handle(self, *args, **options) -> None:
        super().handle(*args, **{**options, "check": True})
