"""Choices of the 小蜜蜂 domain (codes in English, labels in Chinese)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    MEITUAN = "meituan", _("美团")
    ELEME = "eleme", _("饿了么")
    SF = "sf", _("顺丰")
    JD = "jd", _("京东")
    OTHER = "other", _("其他")


class RiderState(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已入格")
    REJECTED = "rejected", _("未通过")


class MerchantCategory(models.TextChoices):
    RESTAURANT = "restaurant", _("爱心餐厅")
    PHARMACY = "pharmacy", _("爱心药店")
    SUPERMARKET = "supermarket", _("爱心超市")


class GrantReason(models.TextChoices):
    ILLNESS = "illness", _("疾病")
    ACCIDENT = "accident", _("意外伤害")
    HARDSHIP = "hardship", _("生活困难")


class GrantState(models.TextChoices):
    APPLIED = "applied", _("待审核")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    PAID = "paid", _("已发放")


class FundEntryKind(models.TextChoices):
    DONATION = "donation", _("社会捐赠")
    ALLOCATION = "allocation", _("财政划拨")
    GRANT = "grant", _("救助发放")


class Verb(models.TextChoices):
    REGISTER = "register", _("申请入格")
    APPROVE = "approve", _("审核通过")
    REJECT = "reject", _("审核不通过")
    INCOME = "income", _("基金入账")
    APPLY = "apply", _("申请救助")
    GRANT_APPROVE = "grant_approve", _("批准救助")
    GRANT_REJECT = "grant_reject", _("不予救助")
    PAY = "pay", _("发放救助")
