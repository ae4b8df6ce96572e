"""Rows behind the resident entrance: one-time SMS codes, cadre-issued invitations and each account's entrance
state (how it was opened, whether its password must be changed). Codes and invitations are stored only as
HMAC digests (``jishi.accounts.codes``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jishi.accounts.choices import CodePurpose, Origin


class SmsCode(models.Model):
    """A one-time code sent to a phone: valid until ``expires_at``, used once, void after too many wrong tries.
    ``failures`` counts wrong codes and wrong ID checks made with it (the phone's lockout adds them up)."""

    phone = models.CharField(_("手机号"), max_length=20)
    purpose = models.CharField(_("用途"), max_length=10, choices=CodePurpose.choices)
    digest = models.CharField(_("摘要"), max_length=64)
    created_at = models.DateTimeField(_("发送时间"))
    expires_at = models.DateTimeField(_("失效时间"))
    used_at = models.DateTimeField(_("使用/作废时间"), null=True, blank=True)
    failures = models.PositiveSmallIntegerField(_("错误次数"), default=0)
    ip = models.CharField(_("IP 地址"), max_length=45, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [models.Index(fields=["phone", "created_at"], name="smscode_phone_at")]

    def __str__(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class Invitation(models.Model):
    """A cadre's invitation for one person record (a resident whose phone or ID the city does not hold):
    the code (or its QR) opens an account linked to that person, once, before ``expires_at``."""

    person = models.ForeignKey("org.Person", verbose_name=_("人员"), on_delete=models.CASCADE,
                               related_name="invitations")
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发放人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("发放时间"))
    expires_at = models.DateTimeField(_("失效时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("注册账号"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("注册邀请")
        verbose_name_plural = _("注册邀请")

    def __str__(self) -> str:
        return f"{self.person} {self.created_at:%Y-%m-%d}"


class AccountState(models.Model):
    """How an account came in and whether it must change its password before anything else."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE,
                                related_name="entrance")
    origin = models.CharField(_("开通方式"), max_length=20, choices=Origin.choices)
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    created_at = models.DateTimeField(_("开通时间"), auto_now_add=True)
    password_changed_at = models.DateTimeField(_("修改密码时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("账号状态")
        verbose_name_plural = _("账号状态")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_origin_display()}"
