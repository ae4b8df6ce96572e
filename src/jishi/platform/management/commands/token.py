"""`jishi token create --user NAME [--name …] [--scopes a,b] [--days N] [--ip CIDR]`, `jishi token list`,
`jishi token revoke ID`. The token is printed once on creation and cannot be shown again."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jishi.core.errors import ServiceError
from jishi.platform import tokens
from jishi.platform.models import ApiToken


class Command(BaseCommand):
    help = "管理接口令牌 / manage API tokens (create, list, revoke)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="创建令牌（只显示一次）")
        create.add_argument("--user", required=True, help="令牌代表的账号（用户名）")
        create.add_argument("--name", default="", help="令牌名称，例如对接系统名")
        create.add_argument("--scopes", default="cases:read,org:read",
                            help=f"逗号分隔的权限范围：{','.join(tokens.SCOPES)}")
        create.add_argument("--days", type=int, default=365, help="有效天数；0 表示永不过期")
        create.add_argument("--ip", action="append", default=[], help="允许的 IP 或网段（可重复）")
        lst = sub.add_parser("list", help="列出令牌")
        lst.add_argument("--user", default="", help="只列出此账号的令牌")
        revoke = sub.add_parser("revoke", help="吊销令牌")
        revoke.add_argument("id", type=int)

    def handle(self, *args, **opts):
        try:
            getattr(self, f"_{opts['action']}")(opts)
        except ServiceError as exc:
            raise CommandError(exc.message)

    def _create(self, opts):
        user = get_user_model().objects.filter(username=opts["user"]).first()
        if user is None:
            raise CommandError(f"账号“{opts['user']}”不存在")
        scopes = [s.strip() for s in opts["scopes"].split(",") if s.strip()]
        row, text = tokens.create_token(None, user, opts["name"] or f"{user.get_username()} 的令牌", scopes,
                                        days=opts["days"] or None, allowed_ips=opts["ip"])
        self.stdout.write(f"令牌 #{row.pk} “{row.name}” 已创建，权限 {','.join(row.scopes)}，"
                          f"有效期至 {row.expires_at or '永久'}。令牌只显示这一次，请妥善保存：")
        self.stdout.write(text)

    def _list(self, opts):
        qs = ApiToken.objects.select_related("user").order_by("id")
        if opts["user"]:
            qs = qs.filter(user__username=opts["user"])
        now = timezone.now()
        self.stdout.write(f"{'ID':>5}  {'prefix':<17} {'user':<16} {'state':<8} {'last used':<20} scopes / name")
        for t in qs:
            state = "revoked" if t.revoked_at else ("expired" if t.expires_at and t.expires_at <= now else "active")
            used = timezone.localtime(t.last_used_at).strftime("%Y-%m-%d %H:%M") if t.last_used_at else "-"
            self.stdout.write(f"{t.pk:>5}  jsk_{t.prefix}_…  {t.user.get_username():<16} {state:<8} {used:<20} "
                              f"{','.join(t.scopes)} / {t.name}")

    def _revoke(self, opts):
        row = tokens.revoke_token(None, opts["id"])
        self.stdout.write(f"令牌 #{row.pk} “{row.name}” 已吊销")
