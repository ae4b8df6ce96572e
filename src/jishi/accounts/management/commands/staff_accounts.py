"""``jishi staff-accounts --out FILE.xlsx [--dry-run]``: after the people import, open the accounts of every person
with an active staff post and none yet; the initial passwords are written once to FILE (mode 600)."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jishi.accounts import services, sheets


class Command(BaseCommand):
    help = "为人员导入中有在岗岗位、尚无账号的人员批量开通账号；初始密码只写入 --out 指定的表格（首次登录须修改）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", type=Path, help="初始密码表（.xlsx）；不得已存在")
        parser.add_argument("--dry-run", action="store_true", help="只统计待开通人数")

    def handle(self, *args, out: Path | None, dry_run: bool, **options) -> None:
        waiting = services.staff_without_accounts(None).count()
        if dry_run:
            self.stdout.write(f"待开通：{waiting}")
            return
        if out is None:
            raise CommandError("请用 --out 指定初始密码表的保存路径（.xlsx）")
        if out.exists():
            raise CommandError(f"文件已存在：{out}")
        rows = services.open_staff_accounts(None)
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(sheets.staff_accounts_xlsx(rows))
        self.stdout.write(f"已开通 {len(rows)} 个账号；初始密码表：{out}（分发后请删除）")
