"""Multi-level dispute mediation (矛盾纠纷多元调处) and co-governance meetings (党群议事会, 民情帮帮团).

A ``Dispute`` sits in the village (or town) where it arose (``Located`` columns: the data scope of the
village cadres, town and city commanders) and is mediated at one ``level`` at a time (the village's
mediation committee, the town's centre, the city's centre), optionally by a named studio (调解工作室: an
``org.Venue`` of kind ``mediation_studio``) and by named mediators (``DisputeMediator``: they see the
disputes they are assigned). Every change is one ``MediationEvent`` written by ``timeline.emit()``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jishi.cases.models import Case
from jishi.core.models import TimeStampedModel
from jishi.core.scope import ScopedManager
from jishi.mediation.choices import (
    DisputeKind,
    FollowUpMethod,
    Level,
    MeetingKind,
    Outcome,
    PartySide,
    Source,
    State,
    Verb,
)
from jishi.org.models import LOCATED_SCOPE, Located, Person, Region, Venue

User = settings.AUTH_USER_MODEL


class Dispute(TimeStampedModel, Located):
    """One dispute between parties, from whatever channel brought it, until its outcome."""

    number = models.CharField(_("编号"), max_length=24, unique=True, null=True, blank=True)
    title = models.CharField(_("纠纷名称"), max_length=120)
    facts = models.TextField(_("纠纷事实"), blank=True)
    kind = models.CharField(_("纠纷类型"), max_length=12, choices=DisputeKind.choices, db_index=True)
    source = models.CharField(_("来源渠道"), max_length=12, choices=Source.choices)
    source_ref = models.CharField(_("来源编号"), max_length=64, blank=True)
    case = models.OneToOneField(Case, verbose_name=_("来源事件"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="dispute")
    region = models.ForeignKey(Region, verbose_name=_("发生地"), on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("调解层级"), max_length=8, choices=Level.choices, default=Level.VILLAGE, db_index=True)
    studio = models.ForeignKey(Venue, verbose_name=_("调解工作室"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="disputes")
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.ACCEPTED, db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    registered_at = models.DateTimeField(_("受理时间"), db_index=True)
    due_at = models.DateTimeField(_("本级化解时限"), null=True, blank=True)
    escalations = models.PositiveSmallIntegerField(_("上交次数"), default=0)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True, db_index=True)
    closed_level = models.CharField(_("办结层级"), max_length=8, choices=Level.choices, blank=True)
    outcome = models.CharField(_("调解结果"), max_length=12, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("结果说明"), blank=True)
    agreement_terms = models.TextField(_("协议内容"), blank=True)
    agreement_performance = models.CharField(_("履行方式与期限"), max_length=200, blank=True)
    registered_by = models.ForeignKey(User, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("矛盾纠纷")
        verbose_name_plural = _("矛盾纠纷")
        ordering = ["-registered_at", "-id"]
        indexes = [models.Index(fields=["state", "due_at"], name="dispute_state_due_idx")]

    def __str__(self) -> str:
        return f"{self.number or self.pk} {self.title}"

    @classmethod
    def scope_q(cls, scope, action: str = "view") -> Q | None:
        """The region of the dispute (cadres, commanders), or the disputes a person mediates."""
        if scope.everything:
            return Q()
        q = scope.q(LOCATED_SCOPE)
        if scope.person:
            mine = Q(pk__in=DisputeMediator.objects.filter(person_id__in=sorted(scope.person)).values("dispute_id"))
            q = mine if q is None else q | mine
        return q

    @classmethod
    def scope_contains(cls, scope, action: str, obj) -> bool:
        if scope.everything or scope.contains_row(LOCATED_SCOPE, obj):
            return True
        return bool(scope.person) and DisputeMediator.objects.filter(
            dispute_id=obj.pk, person_id__in=sorted(scope.person)).exists()

    @property
    def is_open(self) -> bool:
        return self.state in (State.ACCEPTED, State.MEDIATING)


class Mediator(TimeStampedModel, Located):
    """The roster of people's mediators (人民调解员名册): who mediates for a village's committee, a town's centre
    or a named studio — cadres, retired teachers, lawyers, 老娘舅 — whether or not they hold a post."""

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+")
    studio = models.ForeignKey(Venue, verbose_name=_("调解工作室"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="mediators")
    title = models.CharField(_("身份"), max_length=30, blank=True, help_text=_("如：专职调解员、兼职调解员、律师"))
    is_active = models.BooleanField(_("在册"), default=True)

    scope_fields = LOCATED_SCOPE
    objects = ScopedManager()

    class Meta:
        verbose_name = _("人民调解员")
        verbose_name_plural = _("人民调解员名册")
        constraints = [models.UniqueConstraint(fields=["person", "region"], name="mediator_person_region_uniq")]

    def __str__(self) -> str:
        return f"{self.person} · {self.studio or self.region}"


class DisputeMediator(models.Model):
    """A mediator (人民调解员: a cadre, a studio's mediator, a volunteer) assigned to a dispute."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="mediator_links")
    person = models.ForeignKey(Person, verbose_name=_("调解员"), on_delete=models.PROTECT, related_name="+")
    is_lead = models.BooleanField(_("主调"), default=False)

    class Meta:
        verbose_name = _("调解员")
        verbose_name_plural = _("调解员")
        constraints = [models.UniqueConstraint(fields=["dispute", "person"], name="dispute_mediator_uniq")]

    def __str__(self) -> str:
        return f"{self.dispute_id}:{self.person_id}"


class Party(models.Model):
    """A party to a dispute. Phone and ID number are shown masked unless the viewer needs them."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    side = models.CharField(_("身份"), max_length=12, choices=PartySide.choices)
    name = models.CharField(_("姓名/名称"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True, db_index=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    person = models.ForeignKey(Person, verbose_name=_("关联人员"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def identity(self) -> str:
        """What identifies the party across disputes (recurrence): the ID number, else the phone."""
        return self.id_number or self.phone


class Session(models.Model):
    """One mediation session (调解会): when, where, who attended, what was said."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="sessions")
    held_at = models.DateTimeField(_("调解时间"))
    place = models.CharField(_("地点"), max_length=120, blank=True)
    notes = models.TextField(_("调解记录"))
    attended = models.JSONField(_("到场当事人"), default=list, blank=True)  # Party ids
    mediators = models.CharField(_("参加调解员"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("调解记录")
        verbose_name_plural = _("调解记录")
        ordering = ["held_at", "id"]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.held_at:%Y-%m-%d}"


class FollowUp(models.Model):
    """A follow-up visit (回访) checking that an agreement holds."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="follow_ups")
    visited_on = models.DateField(_("回访日期"))
    method = models.CharField(_("回访方式"), max_length=10, choices=FollowUpMethod.choices)
    holds = models.BooleanField(_("协议履行良好"))
    notes = models.TextField(_("回访情况"), blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["visited_on", "id"]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.visited_on}"


class Meeting(TimeStampedModel, Located):
    """A co-governance meeting (党群议事会 / 民情帮帮团) of a village or town."""

    kind = models.CharField(_("类型"), max_length=10, choices=MeetingKind.choices)
    topic = models.CharField(_("议题"), max_length=120)
    held_on = models.DateField(_("日期"), db_index=True)
    region = models.ForeignKey(Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    place = models.CharField(_("地点"), max_length=120, blank=True)
    participants = models.TextField(_("参加人员"), blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    scope_fields = LOCATED_SCOPE
    objects = ScopedManager()

    class Meta:
        verbose_name = _("议事会议")
        verbose_name_plural = _("议事会议")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.topic


class Decision(models.Model):
    """A decision of a meeting; it may become a case, a micro-wish or a need on the three lists (each tracked
    through the linked row's state)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField(_("决议事项"), max_length=300)
    owner = models.CharField(_("责任人"), max_length=50, blank=True)
    case = models.OneToOneField(Case, verbose_name=_("转办事件"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    wish = models.OneToOneField("engage.Wish", verbose_name=_("转成的微心愿"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    need = models.OneToOneField("engage.Need", verbose_name=_("列入的需求"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("议事决议")
        verbose_name_plural = _("议事决议")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text


class MediationEvent(models.Model):
    """The mediation domain's timeline (its outbox): one row per change, written only by ``timeline.emit``."""

    dispute = models.ForeignKey(Dispute, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    verb = models.CharField(_("动作"), max_length=20, choices=Verb.choices)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("操作人"), max_length=60, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    from_state = models.CharField(_("原状态"), max_length=10, blank=True)
    to_state = models.CharField(_("新状态"), max_length=10, blank=True)
    level = models.CharField(_("层级"), max_length=8, choices=Level.choices, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("调处时间线")
        verbose_name_plural = _("调处时间线")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.verb} {self.at:%Y-%m-%d %H:%M}"
