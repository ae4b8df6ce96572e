"""What an Open311 client sent with a service request beyond what a ``Case`` keeps."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """The Open311 (GeoReport v2) fields of a case reported through ``POST requests``: the client's own ids,
    the reporter's contact details and the attributes, kept so that nothing a client submitted is lost.
    Never shown in the Open311 read endpoints except ``media_url`` (personal data stays inside Jishi); in the
    public reads (no api_key) ``media_url`` only once staff marked it public (``media_public``, the admin's
    action: a photo may show faces, number plates or a house)."""

    case = models.OneToOneField("cases.Case", verbose_name=_("事件"), on_delete=models.CASCADE, related_name="open311")
    api_token = models.ForeignKey("api.ApiToken", verbose_name=_("接口令牌"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    jurisdiction_id = models.CharField(_("辖区标识"), max_length=100, blank=True)
    account_id = models.CharField(_("客户端账号"), max_length=100, blank=True)
    device_id = models.CharField(_("设备标识"), max_length=100, blank=True)
    email = models.CharField(_("电子邮箱"), max_length=254, blank=True)
    first_name = models.CharField(_("名"), max_length=50, blank=True)
    last_name = models.CharField(_("姓"), max_length=50, blank=True)
    media_url = models.CharField(_("媒体链接"), max_length=500, blank=True)
    media_public = models.BooleanField(_("媒体可公开"), default=False,
                                       help_text=_("经工作人员查看后可公开：公开查询（无 api_key）才显示媒体链接"))
    attributes = models.JSONField(_("附加属性"), default=dict, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 提交")
        verbose_name_plural = _("Open311 提交")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"open311:{self.case_id}"
