"""Choices of the cadre pipeline: recruitment rounds (青苗/苗圃), applicants' stages, the reserve pool (储备库),
secondments (墩苗) and the 学看比拼 peer reviews."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Plan(models.TextChoices):
    QINGMIAO = "qingmiao", _("青苗计划")
    MIAOPU = "miaopu", _("苗圃计划")


class RoundLevel(models.TextChoices):
    CITY = "city", _("市级")
    TOWN = "town", _("镇级")


class Education(models.TextChoices):
    """Highest education, lowest first (``EDUCATION_RANK``)."""

    SECONDARY = "secondary", _("高中/中专")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    MASTER = "master", _("硕士研究生")
    DOCTOR = "doctor", _("博士研究生")


EDUCATION_RANK = {e: i for i, e in enumerate(Education.values)}


class Stage(models.TextChoices):
    """An applicant's stage in a round."""

    APPLIED = "applied", _("已报名")
    QUALIFIED = "qualified", _("资格审查通过")
    DISQUALIFIED = "disqualified", _("资格审查未通过")
    EXAMINED = "examined", _("已笔试")
    INTERVIEWED = "interviewed", _("已面试")
    RANKED = "ranked", _("已排名")
    PLACED = "placed", _("已录用")
    RESERVE = "reserve", _("纳入储备")
    NOT_SELECTED = "not_selected", _("未录用")


# verb → (the stages it starts from, the stage it ends in). Validated at import time: every stage named exists.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "qualify": (frozenset({Stage.APPLIED}), Stage.QUALIFIED),
    "disqualify": (frozenset({Stage.APPLIED}), Stage.DISQUALIFIED),
    "score_exam": (frozenset({Stage.QUALIFIED, Stage.EXAMINED}), Stage.EXAMINED),
    "score_interview": (frozenset({Stage.EXAMINED, Stage.INTERVIEWED}), Stage.INTERVIEWED),
    "rank": (frozenset({Stage.INTERVIEWED, Stage.RANKED}), Stage.RANKED),
    "place": (frozenset({Stage.RANKED}), Stage.PLACED),
    "reserve": (frozenset({Stage.RANKED}), Stage.RESERVE),
    "not_select": (frozenset({Stage.RANKED}), Stage.NOT_SELECTED),
}
VERB_LABELS = {"qualify": _("资格审查通过"), "disqualify": _("资格审查不通过"), "score_exam": _("录入笔试成绩"),
               "score_interview": _("录入面试成绩"), "rank": _("排名"), "place": _("录用到村岗位"),
               "reserve": _("纳入储备"), "not_select": _("不予录用")}
FINAL_STAGES = frozenset({Stage.DISQUALIFIED, Stage.PLACED, Stage.RESERVE, Stage.NOT_SELECTED})


def _check_table() -> None:
    for verb, (sources, target) in TRANSITIONS.items():
        if target not in Stage.values or not sources or not sources <= set(Stage.values):
            raise ValueError(f"bad transition {verb}")
        if sources & FINAL_STAGES:
            raise ValueError(f"transition {verb} leaves a final stage")


_check_table()


class MemberState(models.TextChoices):
    ACTIVE = "active", _("储备中")
    PROMOTED = "promoted", _("已使用")
    LEFT = "left", _("已退出")


class MemberSource(models.TextChoices):
    RECRUITMENT = "recruitment", _("招录储备")
    NOMINATION = "nomination", _("组织推荐")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    PASS = "pass", _("合格")
    BASIC = "basic", _("基本合格")
    FAIL = "fail", _("不合格")


class HostKind(models.TextChoices):
    HIGHER = "higher", _("上级机关")
    ADVANCED = "advanced", _("先进地区")


class SecondmentState(models.TextChoices):
    OUT = "out", _("挂职中")
    RETURNED = "returned", _("已返回")
    ASSESSED = "assessed", _("已考核")


ASSESS_WITHIN_DAYS = 30  # an assessment is due within this many days of the secondment's end


class Verb(models.TextChoices):
    """The verbs of the cadre timeline (``CadreEvent``)."""

    ROUND_OPEN = "round_open", _("发布招录")
    APPLY = "apply", _("报名")
    QUALIFY = "qualify", _("资格审查通过")
    DISQUALIFY = "disqualify", _("资格审查不通过")
    SCORE_EXAM = "score_exam", _("笔试成绩")
    SCORE_INTERVIEW = "score_interview", _("面试成绩")
    RANK = "rank", _("排名")
    PLACE = "place", _("录用到村岗位")
    RESERVE = "reserve", _("纳入储备")
    NOT_SELECT = "not_select", _("不予录用")
    POOL_ADD = "pool_add", _("进入储备库")
    EVALUATE = "evaluate", _("年度评价")
    PROMOTE = "promote", _("使用提拔")
    SECOND = "second", _("墩苗挂职")
    RETURN = "return", _("挂职返回")
    ASSESS = "assess", _("挂职考核")
    CONTEST_OPEN = "contest_open", _("学看比拼")
    CONTEST_JOIN = "contest_join", _("参加比拼")
    CONTEST_SCORE = "contest_score", _("评委打分")
    CONTEST_CLOSE = "contest_close", _("比拼排名")
