"""Choices of the blueprint (书记项目 / 挂图作战), the 共富基金 and the 毗邻党建联盟."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectLevel(models.TextChoices):
    CITY = "city", _("市级")
    TOWN = "town", _("镇级")
    VILLAGE = "village", _("村级")


class ProjectKind(models.TextChoices):
    SECRETARY = "secretary", _("书记项目")
    KEY = "key", _("重点攻坚项目")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("未开工")
    ACTIVE = "active", _("推进中")
    DONE = "done", _("已完成")


class Flag(models.TextChoices):
    """The supervision colour of a project (the battle map's colour): none, yellow, red."""

    NONE = "", _("正常")
    YELLOW = "yellow", _("黄牌督办")
    RED = "red", _("红牌督办")


FLAG_RANK = {"": 0, "yellow": 1, "red": 2}
RED_AFTER_DAYS = 10  # a milestone overdue more than this many days is red-flagged; before that yellow


class FundProjectState(models.TextChoices):
    PROPOSED = "proposed", _("申报")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    DONE = "done", _("已建成")


class ProblemField(models.TextChoices):
    GARBAGE = "garbage", _("垃圾分类")
    SMART = "smart", _("智慧社区")
    DISPUTE = "dispute", _("矛盾纠纷化解")
    ENVIRONMENT = "environment", _("生态环境")
    TRAFFIC = "traffic", _("交通治理")
    SAFETY = "safety", _("平安建设")
    OTHER = "other", _("其他")


class ProblemState(models.TextChoices):
    OPEN = "open", _("待解决")
    SOLVED = "solved", _("已解决")


class Verb(models.TextChoices):
    CREATE = "create", _("立项")
    WEIGHTS = "weights", _("调整权重")
    PROGRESS = "progress", _("报告进度")
    MILESTONE_ADD = "milestone_add", _("新增节点")
    MILESTONE_DONE = "milestone_done", _("完成节点")
    SUPERVISE = "supervise", _("督办")
    REPLY = "reply", _("督办回复")
    FUND_PROJECT = "fund_project", _("基金项目申报")
    FUND_APPROVE = "fund_approve", _("基金项目审批")
    DISBURSE = "disburse", _("拨付")
    INCOME = "income", _("收益登记")
    PROBLEM_RAISE = "problem_raise", _("联盟问题提出")
    PROBLEM_SOLVE = "problem_solve", _("联盟问题解决")
    JOINT_PROJECT = "joint_project", _("联盟共建项目")
