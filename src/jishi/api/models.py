"""API tokens: stored only as an HMAC digest, with scopes, expiry, last use and an IP allow-list."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jishi.core.models import TimeStampedModel


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
