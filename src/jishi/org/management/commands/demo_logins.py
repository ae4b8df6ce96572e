"""``jishi demo-logins``: the demo logins, one per role, and what each sees."""

from __future__ import annotations

import unicodedata

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from jishi.org.choices import Role
from jishi.org.demo.logins import DEMO_PASSWORD, existing_logins


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


class Command(BaseCommand):
    help = "列出演示账号（每个角色一个；密码 jishi-demo，仅供演示，切勿用于正式环境）。"

    def handle(self, *args, **options) -> None:
        rows = [(f"{Role(x.role).label} ({x.role})", x.username, DEMO_PASSWORD, x.sees) for x in existing_logins()]
        if not rows:
            self.stdout.write(_("没有演示账号：先运行 `jishi demo`。"))
            return
        head = (_("角色"), _("用户名"), _("密码"), _("可见范围"))
        widths = [max(_width(r[i]) for r in [head, *rows]) for i in range(3)]
        for r in [head, *rows]:
            self.stdout.write("  ".join(_pad(c, w) for c, w in zip(r[:3], widths, strict=True)) + "  " + r[3])
        self.stdout.write(_("以上账号仅用于演示数据，密码公开，切勿在正式环境使用。"))
