"""`jishi export-people-template FILE.xlsx`: write the empty people/staff import template."""

from pathlib import Path

from django.core.management.base import BaseCommand

from jishi.org.imports import write_template


class Command(BaseCommand):
    help = "Write the empty Excel template for `jishi import-people`."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, nargs="?", default=Path("人员导入模板.xlsx"))

    def handle(self, *args, file: Path, **opts):
        write_template(str(file))
        self.stdout.write(f"已写入模板：{file}")
