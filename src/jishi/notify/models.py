"""In-app notifications (the inbox) and the record of outbound messages (SMS/WeChat)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message in a user's inbox: someone must act (sign for a case, report in, a supervision notice …)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("类型"), max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=80, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    level = models.CharField(_("级别"), max_length=10, default="info")  # info / yellow / red
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notify_unread_idx")]

    def __str__(self) -> str:
        return self.title


class OutboundMessage(models.Model):
    """A message handed to an outbound channel (SMS, WeChat); kept for audit and retries."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), null=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(_("渠道"), max_length=20)
    address = models.CharField(_("地址"), max_length=100, blank=True)
    text = models.TextField(_("内容"))
    status = models.CharField(_("状态"), max_length=10, default="pending")  # pending / sent / failed
    error = models.CharField(_("错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("外发消息")
        verbose_name_plural = _("外发消息")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.channel}:{self.address}"
