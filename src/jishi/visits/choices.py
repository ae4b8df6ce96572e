"""Choices of the visits domain (codes in English, labels in Chinese)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Target(models.TextChoices):
    ALL = "all", _("全部户")
    CARE = "care", _("重点人群户")


class Rule(models.TextChoices):
    """How a round's households are shared among visitors."""

    MICROGRID = "microgrid", _("按微网格（联络员、志愿者，缺人时网格员）")
    PARTY = "party", _("党员联户（微网格党员志愿者）")
    GRID = "grid", _("按网格（专职网格员）")
    MANUAL = "manual", _("手工调整")


class Method(models.TextChoices):
    IN_PERSON = "in_person", _("入户")
    PHONE = "phone", _("电话")
    ONLINE = "online", _("网络")


class CareGroup(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", _("独居老人")
    DISABILITY = "disability", _("残疾人")
    HARDSHIP = "hardship", _("困难家庭")
    VETERAN = "veteran", _("退役军人")


# Default visit frequency of each special group (days between visits).
CARE_EVERY_DAYS = {CareGroup.ELDERLY_ALONE: 30, CareGroup.DISABILITY: 30, CareGroup.HARDSHIP: 30,
                   CareGroup.VETERAN: 90}

METHOD_FIELDS = {Method.IN_PERSON: "by_in_person", Method.PHONE: "by_phone", Method.ONLINE: "by_online"}
