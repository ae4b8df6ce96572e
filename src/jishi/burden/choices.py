"""Choices of the burden app: field kinds, reply states, the timeline's verbs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FieldKind(models.TextChoices):
    TEXT = "text", _("文本")
    INT = "int", _("整数")
    DECIMAL = "decimal", _("小数")
    DATE = "date", _("日期")
    CHOICE = "choice", _("单选")


class RequestState(models.TextChoices):
    OPEN = "open", _("填报中")
    CLOSED = "closed", _("已截止")


class ReplyState(models.TextChoices):
    PENDING = "pending", _("未开始")
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")


class Origin(models.TextChoices):
    """Where an answer's value came from: typed by the village, prefilled from Jishi's own figures, reused from
    the village's earlier answer, or prefilled and corrected by the cadre."""

    TYPED = "typed", _("村填写")
    PREFILLED = "prefilled", _("系统预填")
    REUSED = "reused", _("沿用此前填报")
    CORRECTED = "corrected", _("预填后更正")


NOT_ASKED = (Origin.PREFILLED, Origin.REUSED)  # values the village did not have to type


class Verb(models.TextChoices):
    CREATE = "create", _("发布填报需求")
    SAVE = "save", _("保存草稿")
    SUBMIT = "submit", _("提交填报")
    REMIND = "remind", _("催报")
    CLOSE = "close", _("截止")
    EXPORT = "export", _("导出汇总表")
