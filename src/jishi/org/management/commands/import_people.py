"""`jishi import-people FILE.xlsx [--dry-run]`: import people, households and staff posts."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jishi.org.imports import import_people


class Command(BaseCommand):
    help = "Import people, households and staff posts from an Excel file made from the template."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="only validate; write nothing")

    def handle(self, *args, file: Path, dry_run=False, **opts):
        if not file.exists():
            raise CommandError(f"文件不存在：{file}")
        report = import_people(None, file, dry_run=dry_run)
        for line in report.lines("行"):
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"人员导入失败：{len(report.problems)} 处问题 / people import failed")
