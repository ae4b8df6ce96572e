"""`jishi import-regions FILE.geojson [--dry-run]`: import or update region boundaries."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jishi.org.imports import import_regions


class Command(BaseCommand):
    help = "Import regions (towns, villages, grids, micro-grids) with boundaries from a GeoJSON FeatureCollection."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="only validate; write nothing")

    def handle(self, *args, file: Path, dry_run=False, **opts):
        if not file.exists():
            raise CommandError(f"文件不存在：{file}")
        report = import_regions(None, file, dry_run=dry_run)
        for line in report.lines("个要素"):
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"区域导入失败：{len(report.problems)} 处问题 / region import failed")
