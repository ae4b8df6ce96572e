"""The cadre pipeline of a county-level city: recruitment rounds of young village workers (青苗/苗圃计划) with
their applicants' stages and ranking, the reserve pool (后备力量储备库) with yearly evaluations, secondments
(墩苗) to higher organs and advanced regions, and the 学看比拼 peer reviews with their judges' scores.

Rows sit in the village (or town) they belong to (``Located`` columns: the scope of organisation staff); the
rows about one person also reach that person (``person`` scope: their own record). Every change is one
``CadreEvent`` written by ``timeline.emit()``, which also carries the person it concerns: the 干部档案 is that
person's timeline in time order.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jishi.cadres.choices import (
    Education,
    Grade,
    HostKind,
    MemberSource,
    MemberState,
    Plan,
    RoundLevel,
    SecondmentState,
    Stage,
    Verb,
)
from jishi.core.models import TimeStampedModel
from jishi.core.scope import ScopedManager
from jishi.org.models import LOCATED_SCOPE, Department, Located, Person, Region

User = settings.AUTH_USER_MODEL
PERSON_SCOPE = {**LOCATED_SCOPE, "person": "person_id"}


def _town_ids_of(scope) -> list[int]:
    """The towns of a scope's towns and villages (a village cadre reads the rounds of their town)."""
    towns = set(scope.town)
    if scope.village:
        towns |= set(Region.objects.filter(pk__in=sorted(scope.village)).values_list("town_id", flat=True))
    return sorted(t for t in towns if t)


class Round(TimeStampedModel, Located):
    """A recruitment round (招录批次) of the 青苗 or 苗圃 plan, run by the city or a town: how many posts each
    village gets, the requirements checked on application, and the weights of the written exam and the
    interview in the total score (adding up to 100)."""

    name = models.CharField(_("批次名称"), max_length=80)
    plan = models.CharField(_("计划"), max_length=10, choices=Plan.choices, default=Plan.QINGMIAO)
    level = models.CharField(_("层级"), max_length=6, choices=RoundLevel.choices, default=RoundLevel.TOWN)
    region = models.ForeignKey(Region, verbose_name=_("组织单位区域"), on_delete=models.PROTECT, related_name="+")
    positions_per_village = models.PositiveSmallIntegerField(_("每村岗位数"), default=1)
    opens_on = models.DateField(_("报名开始"))
    closes_on = models.DateField(_("报名截止"))
    max_age = models.PositiveSmallIntegerField(_("年龄上限(周岁)"), default=30)
    min_education = models.CharField(_("最低学历"), max_length=10, choices=Education.choices,
                                     default=Education.COLLEGE)
    exam_weight = models.PositiveSmallIntegerField(_("笔试权重(%)"), default=50)
    interview_weight = models.PositiveSmallIntegerField(_("面试权重(%)"), default=50)
    requirements = models.CharField(_("其他条件"), max_length=300, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("招录批次")
        verbose_name_plural = _("招录批次")
        ordering = ["-opens_on", "-id"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, scope, action: str = "view") -> Q | None:
        """The city's rounds reach every organisation staff member; a town's its town's and villages' staff."""
        if scope.everything:
            return Q()
        towns = _town_ids_of(scope)
        if not towns:
            return None
        return Q(town__isnull=True) | Q(town_id__in=towns) if action == "view" else Q(town_id__in=towns)

    @classmethod
    def scope_contains(cls, scope, action: str, obj) -> bool:
        if scope.everything:
            return True
        towns = _town_ids_of(scope)
        return bool(towns) and ((obj.town_id is None and action == "view") or obj.town_id in towns)


class Applicant(TimeStampedModel, Located):
    """One person applying to a round for a post in a village, through the stages of ``choices.TRANSITIONS``."""

    round = models.ForeignKey(Round, verbose_name=_("招录批次"), on_delete=models.CASCADE, related_name="applicants")
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    birth_date = models.DateField(_("出生日期"))
    education = models.CharField(_("学历"), max_length=10, choices=Education.choices)
    major = models.CharField(_("专业"), max_length=60, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("报考村(社区)"), on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("阶段"), max_length=14, choices=Stage.choices, default=Stage.APPLIED, db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    applied_on = models.DateField(_("报名日期"))
    exam_score = models.DecimalField(_("笔试成绩"), max_digits=5, decimal_places=2, null=True, blank=True)
    interview_score = models.DecimalField(_("面试成绩"), max_digits=5, decimal_places=2, null=True, blank=True)
    total_score = models.DecimalField(_("综合成绩"), max_digits=5, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)
    post = models.CharField(_("岗位"), max_length=60, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    reason = models.CharField(_("说明"), max_length=300, blank=True)

    scope_fields = PERSON_SCOPE
    objects = ScopedManager()

    class Meta:
        verbose_name = _("报名人员")
        verbose_name_plural = _("报名人员")
        ordering = ["round", "rank", "id"]
        indexes = [models.Index(fields=["round", "stage"], name="cadres_applicant_round_stage")]
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="cadres_applicant_once_per_round")]

    def __str__(self) -> str:
        return f"{self.name}（{self.round_id}）"


class ReserveMember(TimeStampedModel, Located):
    """A person in the reserve pool (后备力量储备库) of a village, until promoted into a post or leaving."""

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name=_("所在村(社区)"), on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("来源"), max_length=12, choices=MemberSource.choices, default=MemberSource.RECRUITMENT)
    applicant = models.OneToOneField(Applicant, verbose_name=_("招录记录"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="reserve")
    joined_on = models.DateField(_("入库日期"))
    state = models.CharField(_("状态"), max_length=10, choices=MemberState.choices, default=MemberState.ACTIVE,
                             db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    promoted_to = models.CharField(_("使用岗位"), max_length=60, blank=True)
    promoted_on = models.DateField(_("使用日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    scope_fields = PERSON_SCOPE
    objects = ScopedManager()

    class Meta:
        verbose_name = _("储备人员")
        verbose_name_plural = _("后备力量储备库")
        ordering = ["-joined_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["person"], condition=Q(state="active"),
                                               name="cadres_member_once_active")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.state}"


class Evaluation(models.Model):
    """A yearly evaluation of a reserve member (优秀/合格/基本合格/不合格)."""

    member = models.ForeignKey(ReserveMember, verbose_name=_("储备人员"), on_delete=models.CASCADE,
                               related_name="evaluations")
    year = models.PositiveSmallIntegerField(_("年度"))
    grade = models.CharField(_("等次"), max_length=10, choices=Grade.choices)
    comment = models.CharField(_("评语"), max_length=300, blank=True)
    evaluator = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    evaluator_name = models.CharField(_("评价人"), max_length=60, blank=True)
    at = models.DateTimeField(_("评价时间"))

    class Meta:
        verbose_name = _("储备人员评价")
        verbose_name_plural = _("储备人员评价")
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="cadres_evaluation_once_a_year")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year} {self.grade}"


class Secondment(TimeStampedModel, Located):
    """A cadre seconded (墩苗) to a higher organ or an advanced region: the host unit (a department of the city,
    or free text for an outside region), the period, the return and the assessment at the end."""

    person = models.ForeignKey(Person, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name=_("派出村(镇)"), on_delete=models.PROTECT, related_name="+")
    host_kind = models.CharField(_("挂职去向"), max_length=10, choices=HostKind.choices)
    host_department = models.ForeignKey(Department, verbose_name=_("接收部门"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    host_unit = models.CharField(_("接收单位"), max_length=100)
    post = models.CharField(_("挂职岗位"), max_length=60, blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), db_index=True)
    state = models.CharField(_("状态"), max_length=10, choices=SecondmentState.choices, default=SecondmentState.OUT,
                             db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    returned_on = models.DateField(_("返回日期"), null=True, blank=True)
    grade = models.CharField(_("考核等次"), max_length=10, choices=Grade.choices, blank=True)
    assessment = models.CharField(_("考核评语"), max_length=300, blank=True)
    assessed_on = models.DateField(_("考核日期"), null=True, blank=True)

    scope_fields = PERSON_SCOPE
    objects = ScopedManager()

    class Meta:
        verbose_name = _("墩苗挂职")
        verbose_name_plural = _("墩苗挂职")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.host_unit}"


class Contest(TimeStampedModel, Located):
    """A 学看比拼 event: villages (and their cadres) show their work on a theme, judges score each participant."""

    title = models.CharField(_("主题"), max_length=80)
    held_on = models.DateField(_("日期"), db_index=True)
    region = models.ForeignKey(Region, verbose_name=_("承办镇/村"), on_delete=models.PROTECT, related_name="+")
    closed = models.BooleanField(_("已排名"), default=False)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("学看比拼")
        verbose_name_plural = _("学看比拼")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, scope, action: str = "view") -> Q | None:
        """The host region's staff; in ``view`` also a participating village's staff and the participants."""
        if scope.everything:
            return Q()
        q = scope.q(LOCATED_SCOPE)
        if action == "view" and (scope.village or scope.town or scope.person):
            joined = Contestant.objects.filter(Q(village_id__in=sorted(scope.village))
                                               | Q(village__town_id__in=sorted(scope.town))
                                               | Q(person_id__in=sorted(scope.person)))
            mine = Q(pk__in=joined.values("contest_id"))
            q = mine if q is None else q | mine
        return q

    @classmethod
    def scope_contains(cls, scope, action: str, obj) -> bool:
        if scope.everything or scope.contains_row(LOCATED_SCOPE, obj):
            return True
        q = cls.scope_q(scope, action)
        return q is not None and Contest.objects.filter(q, pk=obj.pk).exists()


class Contestant(models.Model):
    """A participating village (with its presenting cadre) of a 学看比拼 event; its score and rank once closed."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="contestants")
    village = models.ForeignKey(Region, verbose_name=_("参赛村(社区)"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, verbose_name=_("汇报干部"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)

    class Meta:
        verbose_name = _("比拼参赛")
        verbose_name_plural = _("比拼参赛")
        ordering = ["contest", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["contest", "village"], name="cadres_contestant_once")]

    def __str__(self) -> str:
        return f"{self.contest_id} {self.village_id}"


class JudgeScore(models.Model):
    """One judge's score (0–100) of one participant."""

    contestant = models.ForeignKey(Contestant, on_delete=models.CASCADE, related_name="scores")
    judge = models.CharField(_("评委"), max_length=50)
    score = models.DecimalField(_("分数"), max_digits=5, decimal_places=2)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("评委评分")
        verbose_name_plural = _("评委评分")
        ordering = ["contestant", "id"]
        constraints = [models.UniqueConstraint(fields=["contestant", "judge"], name="cadres_judge_once")]

    def __str__(self) -> str:
        return f"{self.judge} {self.score}"


class CadreEvent(Located):
    """The cadre timeline (its outbox): one row per change, written only by ``timeline.emit``; it sits where its
    subject sits and names the person it concerns (the 干部档案 reads it)."""

    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(Round, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    applicant = models.ForeignKey(Applicant, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    member = models.ForeignKey(ReserveMember, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    secondment = models.ForeignKey(Secondment, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="events")
    contest = models.ForeignKey(Contest, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    verb = models.CharField(_("动作"), max_length=16, choices=Verb.choices)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("操作人"), max_length=60, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    from_state = models.CharField(_("原状态"), max_length=14, blank=True)
    to_state = models.CharField(_("新状态"), max_length=14, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)

    scope_fields = PERSON_SCOPE
    objects = ScopedManager()

    class Meta:
        verbose_name = _("干部队伍时间线")
        verbose_name_plural = _("干部队伍时间线")
        ordering = ["id"]
        indexes = [models.Index(fields=["person", "at"], name="cadres_event_person_at")]

    def __str__(self) -> str:
        return f"{self.verb} {self.at:%Y-%m-%d %H:%M}"
