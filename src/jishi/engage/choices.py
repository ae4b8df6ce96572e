"""Choices of the engagement domain: micro-wishes (微心愿) and the three lists with their micro-projects
(需求、资源、项目三张清单 / 揭榜挂帅). Codes in English, labels in Chinese."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WishKind(models.TextChoices):
    GOODS = "goods", _("物品类")
    SERVICE = "service", _("服务类")
    CARE = "care", _("关爱帮扶类")


class WishSource(models.TextChoices):
    """Who put the wish down: the resident, a cadre or grid worker for them, or a visit's concern."""

    RESIDENT = "resident", _("居民提出")
    PROXY = "proxy", _("代为提出")
    VISIT = "visit", _("走访发现")


class WishState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    PUBLISHED = "published", _("待认领")
    CLAIMED = "claimed", _("已认领")
    FULFILLED = "fulfilled", _("已圆梦待确认")
    THANKED = "thanked", _("已圆梦")
    REJECTED = "rejected", _("未通过")
    CONVERTED = "converted", _("已转为事件")


# What the public wall (心愿墙) shows: published and what followed it.
WALL_STATES = (WishState.PUBLISHED, WishState.CLAIMED, WishState.FULFILLED, WishState.THANKED)
OPEN_WISH_STATES = (WishState.SUBMITTED, WishState.PUBLISHED, WishState.CLAIMED, WishState.FULFILLED)


class ClaimantKind(models.TextChoices):
    PARTY_MEMBER = "party_member", _("党员")
    VOLUNTEER = "volunteer", _("志愿者")
    UNIT = "unit", _("共建单位")
    OTHER = "other", _("爱心人士")


class NeedSource(models.TextChoices):
    RESIDENT = "resident", _("群众提出")
    WISH = "wish", _("微心愿")
    VISIT = "visit", _("走访发现")
    CASE = "case", _("网格事件")
    UNIT = "unit", _("共建单位")


class NeedState(models.TextChoices):
    OPEN = "open", _("待解决")
    PLANNED = "planned", _("已纳入项目")
    CLOSED = "closed", _("已解决")


class ResourceKind(models.TextChoices):
    MONEY = "money", _("资金")
    VENUE = "venue", _("场地")
    SKILL = "skill", _("技能")
    VOLUNTEER = "volunteer", _("志愿者")
    GOODS = "goods", _("物资")


class ProjectState(models.TextChoices):
    DRAFT = "draft", _("待发布")
    OPEN = "open", _("揭榜中")
    AWARDED = "awarded", _("实施中")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已撤销")


PUBLIC_PROJECT_STATES = (ProjectState.OPEN, ProjectState.AWARDED, ProjectState.COMPLETED)


class Verb(models.TextChoices):
    """What a row of the engagement timeline records."""

    WISH_POST = "wish_post", _("提出心愿")
    WISH_PUBLISH = "wish_publish", _("审核发布")
    WISH_REJECT = "wish_reject", _("审核不通过")
    WISH_CLAIM = "wish_claim", _("认领心愿")
    WISH_FULFIL = "wish_fulfil", _("完成心愿")
    WISH_THANK = "wish_thank", _("确认致谢")
    WISH_CASE = "wish_case", _("转为事件")
    NEED = "need", _("登记需求")
    RESOURCE = "resource", _("登记资源")
    PROJECT = "project", _("设立项目")
    PROJECT_PUBLISH = "project_publish", _("发布榜单")
    BID = "bid", _("揭榜")
    AWARD = "award", _("选定揭榜单位")
    PROGRESS = "progress", _("项目进展")
    COMPLETE = "complete", _("验收完成")
