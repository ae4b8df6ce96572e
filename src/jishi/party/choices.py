"""Choices of the party domain: organisational life (主题党日, 三会一课) and in-service members reporting to their
residential community (在职党员到居住地“三报到三服务”). Codes in English, labels in Chinese."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    THEME_DAY = "theme_day", _("主题党日")
    GENERAL_MEETING = "general_meeting", _("支部党员大会")
    COMMITTEE = "committee", _("支委会")
    GROUP_MEETING = "group_meeting", _("党小组会")
    LECTURE = "lecture", _("党课")


class ActivityState(models.TextChoices):
    SCHEDULED = "scheduled", _("已安排")
    HELD = "held", _("已开展")
    CANCELLED = "cancelled", _("已取消")


class Presence(models.TextChoices):
    PRESENT = "present", _("出席")
    ABSENT = "absent", _("缺席")
    EXCUSED = "excused", _("请假")


class RegistrationState(models.TextChoices):
    SUBMITTED = "submitted", _("待接收")
    ACCEPTED = "accepted", _("已报到")
    REJECTED = "rejected", _("未接收")


class ServiceKind(models.TextChoices):
    POST = "post", _("服务岗位")
    PROJECT = "project", _("服务项目")


class RecordState(models.TextChoices):
    SUBMITTED = "submitted", _("待核实")
    VERIFIED = "verified", _("已核实")
    REJECTED = "rejected", _("未通过")


class Verb(models.TextChoices):
    """What a row of the party timeline records."""

    SCHEDULE = "schedule", _("安排活动")
    HOLD = "hold", _("记录活动")
    CANCEL = "cancel", _("取消活动")
    REGISTER = "register", _("报到")
    ACCEPT = "accept", _("接收报到")
    REJECT = "reject", _("不予接收")
    ITEM = "item", _("登记服务岗位/项目")
    CHOOSE = "choose", _("认领服务")
    SERVE = "serve", _("登记服务记录")
    VERIFY = "verify", _("核实服务记录")
    REFUSE = "refuse", _("服务记录未通过")
