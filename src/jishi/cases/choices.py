"""Choices of the case domain (codes in English, labels in Chinese)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PATROL = "patrol", _("巡查")
    RESIDENT = "resident", _("群众上报")
    HOTLINE = "hotline", _("12345")
    VISIT = "visit", _("走访")
    INFORMANT = "informant", _("小蜜蜂")
    SENSOR = "sensor", _("物联感知")
    ALLIANCE = "alliance", _("联盟")


class Priority(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class State(models.TextChoices):
    REPORTED = "reported", _("待立案")
    ACCEPTED = "accepted", _("待派遣")
    REJECTED = "rejected", _("不予立案")
    DISPATCHED = "dispatched", _("待签收")
    RETURNED = "returned", _("已退回")
    IN_PROGRESS = "in_progress", _("处置中")
    SUSPENDED = "suspended", _("挂起")
    HANDLED = "handled", _("待核查")
    CLOSED = "closed", _("已结案")


OPEN_STATES = frozenset(
    {State.REPORTED, State.ACCEPTED, State.DISPATCHED, State.RETURNED, State.IN_PROGRESS, State.SUSPENDED, State.HANDLED}
)
FINAL_STATES = frozenset({State.CLOSED, State.REJECTED})


class CommandLevel(models.TextChoices):
    """Which command centre currently owns the case (escalation goes up)."""

    VILLAGE = "village", _("村(社区)")
    TOWN = "town", _("镇(街道)")
    CITY = "city", _("市")


LEVEL_RANK = {CommandLevel.VILLAGE: 0, CommandLevel.TOWN: 1, CommandLevel.CITY: 2}


class SupervisionLevel(models.TextChoices):
    NONE = "none", _("正常")
    YELLOW = "yellow", _("黄牌(临期)")
    RED = "red", _("红牌(超期)")


class SupervisionKind(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("签收时限")
    HANDLE = "handle", _("处置时限")
    REPORT_IN = "report_in", _("报到时限")
    MANUAL = "manual", _("人工督办")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("主办")
    ASSIST = "assist", _("协办")


class AssignmentSource(models.TextChoices):
    DISPATCH = "dispatch", _("派遣")
    WHISTLE = "whistle", _("吹哨")


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("现场照片")
    BEFORE = "before", _("处置前")
    AFTER = "after", _("处置后")
    EVIDENCE = "evidence", _("处置材料")
    DOCUMENT = "document", _("文件")
