"""Signed webhooks: what an open port subscribes to, and the outbox of deliveries.

A ``WebhookDelivery`` row is written in the same transaction as the case timeline row it reports
(``receivers.py``), so a rolled-back change leaves no delivery, and a committed one is never lost:
the worker (``delivery.py``) sends it until the receiver answers 2xx or the delivery is marked failed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jishi.core.models import TimeStampedModel


class WebhookSubscription(TimeStampedModel):
    """An open port's request to be told of case events at ``url``.

    ``secret`` signs every delivery (HMAC-SHA256). It is shown once, at creation; it has to be stored
    as it is (not as a digest, unlike API tokens) because signing needs the key itself."""

    client = models.ForeignKey("api.ApiClient", verbose_name=_("开放端口"), on_delete=models.CASCADE,
                               related_name="webhook_subscriptions")
    url = models.URLField(_("推送地址"), max_length=500)
    secret = models.CharField(_("签名密钥"), max_length=64)
    events = models.JSONField(_("订阅事件"), default=list)
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("事件推送订阅")
        verbose_name_plural = _("事件推送订阅")
        ordering = ["-id"]
        indexes = [models.Index(fields=["is_active", "client"], name="webhook_sub_active_idx")]

    def __str__(self) -> str:
        return f"{self.client_id} → {self.url}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待送达")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("失败")


class WebhookDelivery(models.Model):
    """One event to one subscription (the outbox row). ``sequence`` is the case timeline row's id: a
    subscription receives a case's events in that order, each only after the one before it was delivered."""

    subscription = models.ForeignKey(WebhookSubscription, verbose_name=_("订阅"), on_delete=models.CASCADE,
                                     related_name="deliveries")
    case = models.ForeignKey("cases.Case", verbose_name=_("事件"), on_delete=models.CASCADE, related_name="+")
    case_event_id = models.BigIntegerField(_("流转记录"))
    sequence = models.BigIntegerField(_("序号"), help_text=_("同一事件内的推送顺序（流转记录 id）"))
    event = models.CharField(_("事件类型"), max_length=30)
    payload = models.JSONField(_("内容"))
    status = models.CharField(_("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=timezone.now)
    give_up_at = models.DateTimeField(_("截止时间"), help_text=_("此时仍未送达则标记为失败"))
    last_attempt_at = models.DateTimeField(_("最近尝试"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("最近响应码"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("推送记录")
        verbose_name_plural = _("推送记录")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx"),
            models.Index(fields=["subscription", "case", "sequence"], name="webhook_delivery_order_idx"),
            models.Index(fields=["subscription", "created_at", "id"], name="webhook_delivery_list_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.event} → {self.subscription_id} ({self.status})"
