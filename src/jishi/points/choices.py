"""Choices of the points domain (codes in English, labels in Chinese)."""

from typing import NamedTuple

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
    # the 公益积分 programme (jishi.bees): informants' points, redeemed only at 爱心商家
    WELFARE = "welfare", _("公益积分")
    WELFARE_SOURCE = "welfare_src", _("公益积分发放来源")
    WELFARE_HOLD = "welfare_hold", _("公益积分兑换冻结")
    WELFARE_MERCHANT = "welfare_shop", _("爱心商家")


# Account kinds whose balance must never go below zero (also enforced by a database constraint).
NON_NEGATIVE = (AccountKind.REDEEMABLE, AccountKind.HOLD, AccountKind.FROZEN, AccountKind.MERCHANT,
                AccountKind.WELFARE, AccountKind.WELFARE_HOLD, AccountKind.WELFARE_MERCHANT)


class Programme(models.TextChoices):
    """A points programme: its own balances, issued from its own source and redeemed only at its own merchants."""

    VILLAGE = "village", _("村民积分")
    WELFARE = "welfare", _("公益积分")


class ProgrammeKinds(NamedTuple):
    own: str  # the person's spendable balance
    source: str  # where the programme issues from (negative: issued, net)
    hold: str  # held by open vouchers
    merchant: str  # redeemed at the programme's merchants


PROGRAMME_KINDS = {
    Programme.VILLAGE: ProgrammeKinds(AccountKind.REDEEMABLE, AccountKind.ISSUANCE, AccountKind.HOLD, AccountKind.MERCHANT),
    Programme.WELFARE: ProgrammeKinds(AccountKind.WELFARE, AccountKind.WELFARE_SOURCE, AccountKind.WELFARE_HOLD,
                                      AccountKind.WELFARE_MERCHANT),
}


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
    WELFARE = "welfare", _("公益积分")


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
