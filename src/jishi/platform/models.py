"""API tokens: stored only as an HMAC digest, with scopes, expiry, last use and an IP allow-list."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jishi.core.models import TimeStampedModel


class ApiClient(TimeStampedModel):
    """An open port (开放端口): one registered external system — a department's system, a town or village app, a
    dispatched unit, the 12345 hotline system, a partner. Its tokens act as ``account`` (whose roles decide what
    each call may do) but see no more than the client's own region/department, carry no more than the client's
    scopes, and stop working the moment the client is closed or expires."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("市职能部门")
        TOWN = "town", _("镇（街道）")
        VILLAGE = "village", _("村（社区）")
        DISPATCHED = "dispatched", _("派驻单位")
        HOTLINE = "hotline", _("12345 热线系统")
        PARTNER = "partner", _("驻区单位或合作方")

    name = models.CharField(_("系统名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    purpose = models.TextField(_("申请事由"), blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("负责人"), on_delete=models.PROTECT,
                              related_name="owned_api_clients")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("调用身份账号"), on_delete=models.PROTECT,
                                related_name="api_clients",
                                help_text=_("令牌以此账号的角色办理；可见范围再受下面的区域/部门限制"))
    region = models.ForeignKey("org.Region", verbose_name=_("限定区域"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("org.Department", verbose_name=_("限定部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    scopes = models.JSONField(_("权限范围"), default=list)
    allowed_ips = models.JSONField(_("IP 白名单"), default=list, blank=True,
                                   help_text=_("IP 地址或网段（CIDR），为空则不限"))
    rate_limit = models.PositiveIntegerField(_("每分钟请求上限"), default=600)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    closed_reason = models.CharField(_("关闭原因"), max_length=200, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("开通人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("开放端口")
        verbose_name_plural = _("开放端口")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class ApiToken(TimeStampedModel):
    """A bearer token ``jsk_<prefix>_<secret>`` that acts as ``user`` within ``scopes``.

    Only the 8-character prefix (to find and show the token) and an HMAC-SHA256 digest of the whole
    token, keyed with a key derived from SECRET_KEY, are stored; the token itself is shown once.
    """

    name = models.CharField(_("名称"), max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE,
                             related_name="api_tokens")
    scopes = models.JSONField(_("权限范围"), default=list)
    prefix = models.CharField(_("前缀"), max_length=8, unique=True)
    digest = models.CharField(_("摘要"), max_length=64)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    allowed_ips = models.JSONField(_("IP 白名单"), default=list, blank=True,
                                   help_text=_("IP 地址或网段（CIDR），为空则不限"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    client = models.ForeignKey(ApiClient, verbose_name=_("开放端口"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="tokens", help_text=_("为空：个人令牌"))

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.name} (jsk_{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class RateWindow(models.Model):
    """Requests counted per caller per one-minute window when no Redis is configured (one upsert a call)."""

    key = models.CharField(max_length=40)
    minute = models.BigIntegerField(help_text="minutes since the epoch")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "minute"], name="api_ratewindow_key_minute")]

    def __str__(self) -> str:
        return f"{self.key}@{self.minute}: {self.count}"
