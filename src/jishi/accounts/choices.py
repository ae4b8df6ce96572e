"""Choices of the accounts app (codes in English, labels in Chinese)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CodePurpose(models.TextChoices):
    ENTER = "enter", _("手机号登录/注册")
    RESET = "reset", _("找回密码")


class Origin(models.TextChoices):
    RESIDENT_SMS = "resident_sms", _("居民手机号注册")
    INVITATION = "invitation", _("邀请码注册")
    STAFF_IMPORT = "staff_import", _("人员导入批量开通")
