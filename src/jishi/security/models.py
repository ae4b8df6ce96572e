"""Rows behind login throttling and the TOTP second factor. Stored in the database so that every
application server process (and every machine) sees the same counts and locks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginFailure(models.Model):
    """One failed password login: which username was tried, from which address, when."""

    username = models.CharField(_("用户名"), max_length=150, db_index=True)
    ip = models.CharField(_("IP 地址"), max_length=45, blank=True, db_index=True)
    at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")
        indexes = [models.Index(fields=["username", "at"], name="loginfail_user_at"),
                   models.Index(fields=["ip", "at"], name="loginfail_ip_at")]

    def __str__(self) -> str:
        return f"{self.username}@{self.ip} {self.at:%Y-%m-%d %H:%M:%S}"


class LoginLock(models.Model):
    """A username or an IP address refused further login attempts until ``until``."""

    class Kind(models.TextChoices):
        USERNAME = "username", _("用户名")
        IP = "ip", _("IP 地址")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    key = models.CharField(_("对象"), max_length=150)
    until = models.DateTimeField(_("锁定至"), db_index=True)
    created_at = models.DateTimeField(_("锁定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("登录锁定")
        verbose_name_plural = _("登录锁定")
        indexes = [models.Index(fields=["kind", "key", "until"], name="loginlock_lookup")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key} → {self.until:%Y-%m-%d %H:%M}"


class TOTPDevice(models.Model):
    """A user's authenticator app (RFC 6238 TOTP). Enforced once ``confirmed_at`` is set."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                                related_name="totp_device")
    secret = models.CharField(_("密钥"), max_length=64)
    confirmed_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    last_step = models.BigIntegerField(_("最近使用的时间步"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("动态口令设备")
        verbose_name_plural = _("动态口令设备")

    def __str__(self) -> str:
        return f"{self.user} ({'已启用' if self.confirmed_at else '待确认'})"


class RecoveryCode(models.Model):
    """A one-time recovery code, stored only as a SHA-256 digest."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="recovery_codes")
    digest = models.CharField(_("摘要"), max_length=64, db_index=True)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("恢复码")
        verbose_name_plural = _("恢复码")

    def __str__(self) -> str:
        return f"{self.user} {self.digest[:8]}…"
