"""The smart-community (数字乡村) evaluation: a yearly scheme of three-level indicators, and each village's
(community's) assessment under it — self-assessment by the community, review by the town, confirmation by the
city — with the star rating that follows.

A ``Scheme`` is one version of one year's indicator tree (年度评价体系); once published it is frozen (an
assessment keeps the version it was scored under), a change is a new version. ``Indicator`` rows form the
tree (level 1 → 2 → 3); only level-3 indicators carry points and a scoring rule, the levels above sum them.
An ``Assessment`` sits in its village (``Located``: the data scope of cadres and commanders); its ``Score``
rows hold, per level-3 indicator, the computed figure with the records behind it, the community's points, the
town's adjusted points with the reason. Every change is one ``EvaluationEvent`` written by ``timeline.emit``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jishi.core.models import TimeStampedModel
from jishi.core.scope import ScopedManager
from jishi.evaluation.choices import Method, RuleKind, SchemeStatus, State, Verb
from jishi.org.models import Located, Region

User = settings.AUTH_USER_MODEL


def default_bands() -> list[dict]:
    return [{"star": 5, "min": 90}, {"star": 4, "min": 80}, {"star": 3, "min": 70}, {"star": 2, "min": 60},
            {"star": 1, "min": 0}]


class Scheme(TimeStampedModel):
    """One version of a year's evaluation scheme (评价体系): the indicator tree, the score bands of the stars and
    the cap that a failed must-pass item puts on the star."""

    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=120)
    framework = models.TextField(_("框架说明"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT)
    bands = models.JSONField(_("星级分档"), default=default_bands,
                             help_text=_("[{\"star\": 5, \"min\": 90}, …]：总分不低于 min 评该星级"))
    must_pass_cap = models.PositiveSmallIntegerField(_("否决项未达标时最高星级"), default=2)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    based_on = models.ForeignKey("self", verbose_name=_("沿用自"), null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")

    class Meta:
        verbose_name = _("评价体系")
        verbose_name_plural = _("评价体系")
        ordering = ["-year", "-version"]
        constraints = [models.UniqueConstraint(fields=["year", "version"], name="evaluation_scheme_year_version")]

    def __str__(self) -> str:
        return f"{self.year} {self.name} v{self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.status == SchemeStatus.PUBLISHED


class Indicator(models.Model):
    """A node of the three-level indicator tree. Level 3 carries ``points`` and its scoring rule."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    level = models.PositiveSmallIntegerField(_("层级"))
    code = models.CharField(_("编号"), max_length=20)
    name = models.CharField(_("指标"), max_length=120)
    points = models.FloatField(_("分值"), default=0)
    method = models.CharField(_("评分方式"), max_length=10, choices=Method.choices, default=Method.EVIDENCE)
    source = models.CharField(_("自动计算来源"), max_length=60, blank=True,
                              help_text=_("已登记的计算指标编码，如 cases.closure_rate"))
    rule = models.CharField(_("评分规则"), max_length=8, choices=RuleKind.choices, default=RuleKind.CLAIM)
    full = models.FloatField(_("满分线"), null=True, blank=True)
    zero = models.FloatField(_("零分线"), null=True, blank=True)
    must_pass = models.BooleanField(_("否决项"), default=False)
    pass_ratio = models.FloatField(_("否决项达标得分率"), default=0.6)
    standard = models.TextField(_("评分标准"), blank=True)
    advice = models.TextField(_("提升建议"), blank=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("评价指标")
        verbose_name_plural = _("评价指标")
        ordering = ["scheme", "sort", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="evaluation_indicator_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Assessment(TimeStampedModel, Located):
    """A village's (community's) assessment under one scheme: its state in the review chain and its scores."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("评价体系"), on_delete=models.PROTECT, related_name="assessments")
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    self_total = models.FloatField(_("自评得分"), null=True, blank=True)
    town_total = models.FloatField(_("审核得分"), null=True, blank=True)
    total = models.FloatField(_("最终得分"), null=True, blank=True)
    star = models.PositiveSmallIntegerField(_("星级"), null=True, blank=True, db_index=True)
    failed_must_pass = models.JSONField(_("未达标否决项"), default=list, blank=True)
    computed_at = models.DateTimeField(_("自动指标计算时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("社区评价")
        verbose_name_plural = _("社区评价")
        ordering = ["-scheme__year", "village_id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "village"], name="evaluation_assessment_once")]

    def __str__(self) -> str:
        return f"{self.scheme.year} {self.village}"


class Score(models.Model):
    """One level-3 indicator of an assessment: the computed figure (with the records behind it) or the
    community's claim, and the town's adjustment with its reason."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    computed = models.BooleanField(_("自动计算"), default=False)
    measured = models.FloatField(_("实测值"), null=True, blank=True)
    numerator = models.IntegerField(_("分子"), null=True, blank=True)
    denominator = models.IntegerField(_("分母"), null=True, blank=True)
    basis = models.CharField(_("计算口径"), max_length=200, blank=True)
    url = models.CharField(_("明细链接"), max_length=300, blank=True)
    self_points = models.FloatField(_("自评分"), null=True, blank=True)
    self_note = models.TextField(_("自评说明"), blank=True)
    town_points = models.FloatField(_("镇街审核分"), null=True, blank=True)
    town_reason = models.CharField(_("调整理由"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")
        constraints = [models.UniqueConstraint(fields=["assessment", "indicator"], name="evaluation_score_once")]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.indicator_id}"

    @property
    def points(self) -> float | None:
        """What counts: the town's points once it adjusted, else the community's."""
        return self.town_points if self.town_points is not None else self.self_points


class Evidence(models.Model):
    """A document or photo supporting an indicator (佐证材料), served only to who may read the assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("文件"), upload_to="evaluation/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=120)
    content_type = models.CharField(_("类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class EvaluationEvent(models.Model):
    """The evaluation timeline (its outbox): one row per change, written only by ``timeline.emit``."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="events")
    verb = models.CharField(_("动作"), max_length=12, choices=Verb.choices)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("操作人"), max_length=60, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    from_state = models.CharField(_("原状态"), max_length=10, blank=True)
    to_state = models.CharField(_("新状态"), max_length=10, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("评价时间线")
        verbose_name_plural = _("评价时间线")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.verb} {self.at:%Y-%m-%d %H:%M}"


__all__ = ["Assessment", "EvaluationEvent", "Evidence", "Indicator", "Region", "Score", "Scheme"]
