"""`jishi seal-audit`: link unsealed audit rows into the hash chain (the worker does this too)."""

from django.core.management.base import BaseCommand

from jishi.core.audit import seal_pending


class Command(BaseCommand):
    help = "Seal pending audit rows into the hash chain."

    def handle(self, *args, **opts):
        self.stdout.write(f"sealed {seal_pending()}")
