"""The blueprint (一张蓝图: 书记项目 and 重点攻坚项目, 挂图作战), the 乡村振兴·共富基金 and the 毗邻党建联盟.

A ``Project`` of one year's ``Blueprint`` sits at a level (city, town, village) in a region (``Located``: the
data scope of cadres and commanders) and belongs to an owner organisation (a department's party organisation:
its handlers reach it too). Projects nest: a parent's progress is the weighted sum of its children's
(``rollup.py``). A ``Milestone`` overdue raises a ``Supervision`` (yellow, then red) which the owner answers.
Every change of these rows, of the fund and of the alliances is one ``BlueprintEvent`` (``timeline.emit``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jishi.blueprint.choices import (
    Flag,
    FundProjectState,
    ProblemField,
    ProblemState,
    ProjectKind,
    ProjectLevel,
    ProjectStatus,
    Verb,
)
from jishi.core.models import TimeStampedModel
from jishi.core.scope import ScopedManager
from jishi.org.models import LOCATED_SCOPE, Department, Located, Region

User = settings.AUTH_USER_MODEL
MONEY = {"max_digits": 14, "decimal_places": 2}


class Blueprint(TimeStampedModel):
    """One year's blueprint (一张蓝图), kept by the organisation department."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    title = models.CharField(_("名称"), max_length=120)

    class Meta:
        verbose_name = _("年度蓝图")
        verbose_name_plural = _("年度蓝图")
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title


class Project(TimeStampedModel, Located):
    """A 书记项目 or 重点攻坚项目 at one level, with its owner, secretary, targets, time nodes and weight."""

    blueprint = models.ForeignKey(Blueprint, verbose_name=_("年度蓝图"), on_delete=models.PROTECT, related_name="projects")
    parent = models.ForeignKey("self", verbose_name=_("上级项目"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    code = models.CharField(_("编号"), max_length=24, unique=True, null=True, blank=True)
    title = models.CharField(_("项目名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=10, choices=ProjectKind.choices, default=ProjectKind.SECRETARY)
    level = models.CharField(_("层级"), max_length=8, choices=ProjectLevel.choices, db_index=True)
    region = models.ForeignKey(Region, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="+")
    owner_name = models.CharField(_("责任单位"), max_length=100)
    owner_department = models.ForeignKey(Department, verbose_name=_("认领部门"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    secretary = models.CharField(_("书记/领办人"), max_length=50)
    responsible = models.CharField(_("责任人"), max_length=100, blank=True)
    targets = models.TextField(_("目标任务"), blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("完成时限"))
    weight = models.DecimalField(_("权重(%)"), max_digits=6, decimal_places=2, default=100)
    progress = models.DecimalField(_("进度(%)"), max_digits=6, decimal_places=2, default=0)
    weights_ok = models.BooleanField(_("子项目权重合计100%"), default=True)
    status = models.CharField(_("状态"), max_length=8, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED,
                              db_index=True)
    flag = models.CharField(_("督办"), max_length=6, choices=Flag.choices, default="", blank=True, db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("书记项目")
        verbose_name_plural = _("书记项目")
        ordering = ["code"]
        indexes = [models.Index(fields=["blueprint", "level", "status"], name="bp_project_lvl_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @classmethod
    def scope_q(cls, scope, action: str = "view") -> Q | None:
        """The project's region (cadres, commanders) or its owner department (the department's handlers)."""
        if scope.everything:
            return Q()
        q = scope.q(LOCATED_SCOPE)
        if scope.department:
            mine = Q(owner_department_id__in=sorted(scope.department))
            q = mine if q is None else q | mine
        return q

    @classmethod
    def scope_contains(cls, scope, action: str, obj) -> bool:
        return scope.everything or scope.contains_row(LOCATED_SCOPE, obj) or (
            obj.owner_department_id is not None and obj.owner_department_id in scope.department)


class Milestone(models.Model):
    """A time node (时间节点) of a project with its responsible person; overdue when not done by its date."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=120)
    due_on = models.DateField(_("时限"), db_index=True)
    responsible = models.CharField(_("责任人"), max_length=50, blank=True)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    flag = models.CharField(_("督办"), max_length=6, choices=Flag.choices, default="", blank=True)

    class Meta:
        verbose_name = _("时间节点")
        verbose_name_plural = _("时间节点")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["done_on", "due_on"], name="bp_milestone_open_idx")]

    def __str__(self) -> str:
        return self.title


class Supervision(models.Model):
    """A supervision notice (督办单) on an overdue milestone: yellow, raised to red; the owner's reply."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="supervisions")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="supervisions")
    flag = models.CharField(_("督办等级"), max_length=6, choices=Flag.choices)
    raised_at = models.DateTimeField(_("督办时间"))
    days_overdue = models.PositiveIntegerField(_("超期天数"), default=0)
    reply = models.TextField(_("责任单位回复"), blank=True)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    replied_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        ordering = ["-raised_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["milestone", "flag"], name="bp_supervision_once")]

    def __str__(self) -> str:
        return f"{self.get_flag_display()} {self.milestone_id}"


class Fund(TimeStampedModel):
    """A fund (乡村振兴·共富基金) with its size; its tranches go to the projects of weak villages."""

    name = models.CharField(_("基金名称"), max_length=100, unique=True)
    size = models.DecimalField(_("基金规模(元)"), **MONEY)
    founded_on = models.DateField(_("设立日期"))

    class Meta:
        verbose_name = _("共富基金")
        verbose_name_plural = _("共富基金")

    def __str__(self) -> str:
        return self.name


class Tranche(models.Model):
    """A tranche (批次) of the fund put into projects."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("批次"))
    amount = models.DecimalField(_("批次额度(元)"), **MONEY)
    opened_on = models.DateField(_("启动日期"))

    class Meta:
        verbose_name = _("基金批次")
        verbose_name_plural = _("基金批次")
        ordering = ["fund", "number"]
        constraints = [models.UniqueConstraint(fields=["fund", "number"], name="bp_tranche_uniq")]

    def __str__(self) -> str:
        return f"{self.fund} 第{self.number}批"


class FundProject(TimeStampedModel, Located):
    """A project of a (weak) village funded by a tranche: budget, approval, disbursements, income."""

    tranche = models.ForeignKey(Tranche, on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(_("项目名称"), max_length=120)
    region = models.ForeignKey(Region, verbose_name=_("村(社区)"), on_delete=models.PROTECT, related_name="+")
    budget = models.DecimalField(_("预算(元)"), **MONEY)
    expected_income = models.DecimalField(_("预期年增收(元)"), **MONEY, default=0)
    state = models.CharField(_("状态"), max_length=10, choices=FundProjectState.choices,
                             default=FundProjectState.PROPOSED, db_index=True)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    approved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(_("版本"), default=1)

    scope_fields = LOCATED_SCOPE
    objects = ScopedManager()

    class Meta:
        verbose_name = _("基金项目")
        verbose_name_plural = _("基金项目")
        ordering = ["tranche", "id"]

    def __str__(self) -> str:
        return self.title


class Disbursement(models.Model):
    """Money paid out to a fund project (拨付); the sum never exceeds the approved budget."""

    project = models.ForeignKey(FundProject, on_delete=models.PROTECT, related_name="disbursements")
    amount = models.DecimalField(_("拨付金额(元)"), **MONEY)
    paid_on = models.DateField(_("拨付日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("拨付")
        verbose_name_plural = _("拨付")
        ordering = ["paid_on", "id"]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount}"


class ProjectIncome(models.Model):
    """The actual income a fund project brought its village in one year (项目收益)."""

    project = models.ForeignKey(FundProject, on_delete=models.PROTECT, related_name="incomes")
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("实际收益(元)"), **MONEY)

    class Meta:
        verbose_name = _("项目收益")
        verbose_name_plural = _("项目收益")
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="bp_income_uniq")]

    def __str__(self) -> str:
        return f"{self.year} {self.amount}"


class VillageIncome(Located):
    """A village's collective operating income (村集体经营性收入) in one year: before and after the fund."""

    region = models.ForeignKey(Region, verbose_name=_("村(社区)"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("经营性收入(元)"), **MONEY)

    scope_fields = LOCATED_SCOPE
    objects = ScopedManager()

    class Meta:
        verbose_name = _("村集体经营性收入")
        verbose_name_plural = _("村集体经营性收入")
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="bp_village_income_uniq")]


class Alliance(TimeStampedModel):
    """A 毗邻党建联盟 of regions across town and city lines; its members share one problem list."""

    name = models.CharField(_("联盟名称"), max_length=60, unique=True)
    founded_on = models.DateField(_("成立日期"))
    charter = models.TextField(_("联盟章程/共建事项"), blank=True)

    class Meta:
        verbose_name = _("毗邻党建联盟")
        verbose_name_plural = _("毗邻党建联盟")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AllianceMember(Located):
    """A member of an alliance: a region of Jishi's tree, or a named region outside it (e.g. a town of a
    neighbouring city), whose problems are recorded by the alliance's convener."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="members")
    region = models.ForeignKey(Region, verbose_name=_("区域"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    outside_name = models.CharField(_("区域外成员"), max_length=60, blank=True)
    is_convener = models.BooleanField(_("轮值牵头"), default=False)

    scope_fields = LOCATED_SCOPE
    objects = ScopedManager()

    class Meta:
        verbose_name = _("联盟成员")
        verbose_name_plural = _("联盟成员")
        ordering = ["alliance", "id"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "region"], name="bp_member_region_uniq"),
            models.CheckConstraint(condition=Q(region__isnull=False) | ~Q(outside_name=""), name="bp_member_named"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.region.name if self.region_id else self.outside_name

    @property
    def outside(self) -> bool:
        return self.region_id is None


def _alliances_in(scope) -> Q | None:
    q = scope.q(LOCATED_SCOPE)
    if q is None:
        return None
    return Q(alliance_id__in=AllianceMember.objects.filter(q).values("alliance_id"))


class AllianceProblem(TimeStampedModel):
    """A shared problem (共性问题) raised by one member, visible to every member, solved by one of them."""

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="problems")
    title = models.CharField(_("问题"), max_length=120)
    detail = models.TextField(_("问题描述"), blank=True)
    field = models.CharField(_("领域"), max_length=12, choices=ProblemField.choices, db_index=True)
    raised_by = models.ForeignKey(AllianceMember, verbose_name=_("提出成员"), on_delete=models.PROTECT,
                                  related_name="raised")
    raised_at = models.DateTimeField(_("提出时间"), db_index=True)
    state = models.CharField(_("状态"), max_length=8, choices=ProblemState.choices, default=ProblemState.OPEN,
                             db_index=True)
    solved_by = models.ForeignKey(AllianceMember, verbose_name=_("解决成员"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="solved")
    solved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    solution = models.TextField(_("解决情况"), blank=True)
    joint_project = models.CharField(_("联建项目"), max_length=120, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("联盟问题")
        verbose_name_plural = _("联盟问题清单")
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["alliance", "state", "field"], name="bp_problem_idx")]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, scope, action: str = "view") -> Q | None:
        """Every member reaches every problem of its alliances (the shared list)."""
        if scope.everything:
            return Q()
        return _alliances_in(scope)

    @classmethod
    def scope_contains(cls, scope, action: str, obj) -> bool:
        if scope.everything:
            return True
        q = scope.q(LOCATED_SCOPE)
        return q is not None and AllianceMember.objects.filter(q, alliance_id=obj.alliance_id).exists()


class BlueprintEvent(models.Model):
    """The timeline (outbox) of the blueprint, the fund and the alliances: one row per change, written only
    by ``timeline.emit``."""

    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    fund_project = models.ForeignKey(FundProject, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="events")
    problem = models.ForeignKey(AllianceProblem, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="events")
    verb = models.CharField(_("动作"), max_length=16, choices=Verb.choices)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("操作人"), max_length=60, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("蓝图时间线")
        verbose_name_plural = _("蓝图时间线")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.verb} {self.at:%Y-%m-%d %H:%M}"
