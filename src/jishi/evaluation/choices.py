"""Choices of the evaluation domain (codes in English, labels in Chinese)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("草案")
    PUBLISHED = "published", _("已发布")


class Method(models.TextChoices):
    """How an indicator is scored: computed by Jishi from its records, or claimed with evidence."""

    COMPUTED = "computed", _("系统自动计算")
    EVIDENCE = "evidence", _("佐证材料评分")


class RuleKind(models.TextChoices):
    RATE = "rate", _("比率达标")  # linear from ``zero`` (0 points) to ``full`` (all points)
    COUNT = "count", _("数量达标")  # linear from 0 to ``full`` items
    CLAIM = "claim", _("按材料评分")  # the community claims 0..max with evidence; the town checks


class State(models.TextChoices):
    DRAFT = "draft", _("自评中")
    SUBMITTED = "submitted", _("待镇街审核")
    REVIEWED = "reviewed", _("待市级确认")
    CONFIRMED = "confirmed", _("已确认")


STATE_STEP = {State.DRAFT: 0, State.SUBMITTED: 1, State.REVIEWED: 2, State.CONFIRMED: 3}


class Verb(models.TextChoices):
    """What a row of the evaluation timeline records."""

    START = "start", _("开始自评")
    REFRESH = "refresh", _("更新自动指标")
    SELF_SCORE = "self_score", _("自评打分")
    EVIDENCE = "evidence", _("上传佐证")
    SUBMIT = "submit", _("提交自评")
    ADJUST = "adjust", _("镇街调整")
    REVIEW = "review", _("镇街审核通过")
    RETURN = "return", _("退回")
    CONFIRM = "confirm", _("市级确认")
