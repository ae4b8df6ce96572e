"""Choices of the mediation domain (codes in English, labels in Chinese)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """How a dispute reached the mediators (any channel)."""

    CASE = "case", _("网格事件")
    VISIT = "visit", _("走访发现")
    WALK_IN = "walk_in", _("来访")
    POLICE = "police", _("公安移送")
    COURT = "court", _("法院委派")
    HOTLINE = "hotline", _("12345转办")
    OTHER = "other", _("其他")


class DisputeKind(models.TextChoices):
    NEIGHBOUR = "neighbour", _("邻里纠纷")
    FAMILY = "family", _("婚姻家庭纠纷")
    LAND = "land", _("土地承包纠纷")
    LABOUR = "labour", _("劳资纠纷")
    PROPERTY = "property", _("物业/房屋纠纷")
    OTHER = "other", _("其他纠纷")


class Level(models.TextChoices):
    """Who is mediating: the village's committee, the town's centre, the city's centre."""

    VILLAGE = "village", _("村(社区)")
    TOWN = "town", _("镇(街道)")
    CITY = "city", _("市")


LEVEL_RANK = {Level.VILLAGE: 0, Level.TOWN: 1, Level.CITY: 2}
NEXT_LEVEL = {Level.VILLAGE: Level.TOWN, Level.TOWN: Level.CITY}
# Working days a level has to resolve a dispute before it goes up (人民调解一般在三十日内调结).
LEVEL_DAYS = {Level.VILLAGE: 10, Level.TOWN: 15, Level.CITY: 20}


class State(models.TextChoices):
    ACCEPTED = "accepted", _("已受理")
    MEDIATING = "mediating", _("调解中")
    AGREED = "agreed", _("调解成功")
    FAILED = "failed", _("调解不成")
    REFERRED = "referred", _("已移交")


OPEN_STATES = (State.ACCEPTED, State.MEDIATING)
CLOSED_STATES = (State.AGREED, State.FAILED, State.REFERRED)


class Outcome(models.TextChoices):
    AGREEMENT = "agreement", _("达成协议")
    NO_AGREEMENT = "no_agreement", _("未达成协议")
    LITIGATION = "litigation", _("引导诉讼")
    ARBITRATION = "arbitration", _("引导仲裁")
    POLICE = "police", _("移交公安")


OUTCOME_STATE = {Outcome.AGREEMENT: State.AGREED, Outcome.NO_AGREEMENT: State.FAILED,
                 Outcome.LITIGATION: State.REFERRED, Outcome.ARBITRATION: State.REFERRED,
                 Outcome.POLICE: State.REFERRED}


class PartySide(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    RESPONDENT = "respondent", _("被申请人")
    OTHER = "other", _("其他当事人")


class FollowUpMethod(models.TextChoices):
    IN_PERSON = "in_person", _("上门回访")
    PHONE = "phone", _("电话回访")
    ONLINE = "online", _("网络回访")


class MeetingKind(models.TextChoices):
    COUNCIL = "council", _("党群议事会")
    HELP_TEAM = "help_team", _("民情帮帮团")


class Verb(models.TextChoices):
    """What a row of the mediation timeline records."""

    REGISTER = "register", _("受理登记")
    ASSIGN = "assign", _("指派调解")
    SESSION = "session", _("调解")
    ESCALATE = "escalate", _("上交")
    OUTCOME = "outcome", _("调解结果")
    FOLLOW_UP = "follow_up", _("回访")
    MEETING = "meeting", _("议事会议")
    DECISION_CASE = "decision_case", _("决议转事件")
    DECISION_WISH = "decision_wish", _("决议转微心愿")
    DECISION_NEED = "decision_need", _("决议列入需求清单")
