"""`jishi verify-audit`: recompute the audit hash chain; exit 1 if any row was altered or deleted."""

from django.core.management.base import BaseCommand, CommandError

from jishi.core.audit import seal_pending, verify_chain


class Command(BaseCommand):
    help = "Verify the hash-chained audit trail (seals pending rows first unless --no-seal)."

    def add_arguments(self, parser):
        parser.add_argument("--no-seal", action="store_true", help="do not seal pending rows first")

    def handle(self, *args, no_seal=False, **opts):
        if not no_seal:
            sealed = seal_pending()
            if sealed:
                self.stdout.write(f"先封存 {sealed} 条待封存记录 / sealed {sealed} pending rows")
        report = verify_chain()
        self.stdout.write(
            f"已校验 {report.checked} 条，未封存 {report.unsealed} 条，链头 {report.head_seq}:{report.head_hash[:16]}"
        )
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(f"审计链校验失败：{len(report.problems)} 处问题 / audit chain verification failed")
        self.stdout.write(self.style.SUCCESS("审计链完好 / audit chain intact"))
