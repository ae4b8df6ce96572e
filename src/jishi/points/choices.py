"""Choices of the points domain (codes in English, labels in Chinese)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    POSITIVE = "positive", _("加分")
    NEGATIVE = "negative", _("扣分")


class CapPeriod(models.TextChoices):
    NONE = "none", _("不限")
    MONTH = "month", _("每月")
    YEAR = "year", _("每年")


class Awarder(models.TextChoices):
    SELF_CLAIM = "self_claim", _("村民申报")
    CADRE = "cadre", _("村干部评定")
    INSPECTION = "inspection", _("检查评分")
    SYSTEM = "system", _("系统自动")


class AccountKind(models.TextChoices):
    ISSUANCE = "issuance", _("发放来源")
    REDEEMABLE = "redeemable", _("可兑换积分")
    HONOUR_SOURCE = "honour_source", _("荣誉积分来源")
    HONOUR = "honour", _("荣誉积分")
    HOLD = "hold", _("兑换冻结")
    FROZEN = "frozen", _("异议冻结")
    MERCHANT = "merchant", _("商户")


# Account kinds whose balance must never go below zero (also enforced by a database constraint).
NON_NEGATIVE = (AccountKind.REDEEMABLE, AccountKind.HOLD, AccountKind.FROZEN, AccountKind.MERCHANT)


class PostingKind(models.TextChoices):
    BASE = "base", _("基础分")
    EARN = "earn", _("加分")
    DEDUCT = "deduct", _("扣分")
    HOLD = "hold", _("兑换下单")
    SETTLE = "settle", _("兑换核销")
    RELEASE = "release", _("兑换取消")
    FREEZE = "freeze", _("异议冻结")
    UNFREEZE = "unfreeze", _("异议解冻")
    REVERSE = "reverse", _("冲正")
    RESET = "reset", _("年度清零")


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    FIRST_APPROVED = "first_approved", _("初审通过")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")


class BoardStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("公示中")
    FINAL = "final", _("已定榜")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("处理中")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class OrderStatus(models.TextChoices):
    HELD = "held", _("待核销")
    CONFIRMED = "confirmed", _("已核销")
    CANCELLED = "cancelled", _("已取消")
    EXPIRED = "expired", _("已过期")
