"""Household visits (村村到、户户进、人人访): rounds, assignments, visit logs, concerns raised, special
groups with their visit frequency, the visits timeline and the coverage rollup kept from it.

Every row that sits in a place inherits ``org.Located`` (denormalised town/village/grid/micro-grid ids),
so scope filters and coverage GROUP BYs are indexed column lookups.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jishi.core.models import TimeStampedModel
from jishi.core.scope import ScopedManager
from jishi.org.models import LOCATED_SCOPE, Household, Located, Person, Region
from jishi.visits.choices import CareGroup, Method, Rule, Target


class VisitRound(TimeStampedModel, Located):
    """A round of visits (e.g. 2026年第四季度) over a region: every household, or the special groups.

    Its ancestor columns are its region's, so ``manage`` (create, reassign) reaches the round of one's own
    region; ``view`` reaches every round for the staff (a visitor sees the round their list belongs to)."""

    name = models.CharField(_("名称"), max_length=60)
    region = models.ForeignKey(Region, verbose_name=_("范围"), on_delete=models.PROTECT, related_name="+")
    target = models.CharField(_("走访对象"), max_length=10, choices=Target.choices, default=Target.ALL)
    rule = models.CharField(_("分配规则"), max_length=10, choices=Rule.choices, default=Rule.MICROGRID)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("走访轮次")
        verbose_name_plural = _("走访轮次")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, scope, action: str = "view") -> models.Q | None:
        if scope.everything:
            return models.Q()
        if action in ("view", "visit") and scope.regional:
            return models.Q()
        if action == "visit" and scope.person:  # an assigned visitor (e.g. a department cadre through 联群)
            return models.Q(pk__in=VisitAssignment.objects.filter(visitor_id__in=sorted(scope.person))
                            .values("round_id"))
        return scope.q(LOCATED_SCOPE)

    @classmethod
    def scope_contains(cls, scope, action: str, obj) -> bool:
        if scope.everything or (action in ("view", "visit") and scope.regional):
            return True
        if action == "visit" and scope.person:
            return VisitAssignment.objects.filter(round=obj, visitor_id__in=scope.person).exists()
        return scope.contains_row(LOCATED_SCOPE, obj)


class VisitAssignment(TimeStampedModel, Located):
    """One household of a round given to one visitor (placed where the household is)."""

    round = models.ForeignKey(VisitRound, verbose_name=_("轮次"), on_delete=models.CASCADE, related_name="assignments")
    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="+")
    visitor = models.ForeignKey(Person, verbose_name=_("走访人"), on_delete=models.PROTECT, related_name="visit_assignments")
    basis = models.CharField(_("分配依据"), max_length=10, choices=Rule.choices)
    residents = models.PositiveIntegerField(_("户内人数"), default=0)
    visits = models.PositiveIntegerField(_("走访次数"), default=0)
    last_visited_at = models.DateTimeField(_("最近走访"), null=True, blank=True)

    scope_fields = {**LOCATED_SCOPE, "person": "visitor_id"}
    objects = ScopedManager()

    class Meta:
        verbose_name = _("走访分配")
        verbose_name_plural = _("走访分配")
        constraints = [models.UniqueConstraint(fields=["round", "household"], name="visit_assignment_round_household")]
        indexes = [models.Index(fields=["visitor", "round"], name="visit_assignment_visitor_idx"),
                   models.Index(fields=["round", "microgrid"], name="visit_assignment_round_mg_idx")]

    def __str__(self) -> str:
        return f"{self.round} · {self.household_id} → {self.visitor_id}"


class VisitLog(TimeStampedModel, Located):
    """One visit as the visitor wrote it on the phone. ``client_uuid`` is made on the phone when the visit
    is written, so a visit queued without signal and sent again later is stored exactly once."""

    client_uuid = models.UUIDField(_("客户端编号"), unique=True, default=uuid.uuid4)
    round = models.ForeignKey(VisitRound, verbose_name=_("轮次"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="logs")
    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="+")
    visitor = models.ForeignKey(Person, verbose_name=_("走访人"), on_delete=models.PROTECT, related_name="visit_logs")
    method = models.CharField(_("方式"), max_length=10, choices=Method.choices)
    visited_at = models.DateTimeField(_("走访时间"), db_index=True)
    people_met = models.PositiveSmallIntegerField(_("见到人数"), default=1)
    met_names = models.CharField(_("见到的人"), max_length=100, blank=True)
    notes = models.TextField(_("情况记录"), blank=True)
    residents = models.PositiveIntegerField(_("户内人数"), default=0)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    photo = models.FileField(_("照片"), upload_to="visits/%Y/%m/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录账号"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    scope_fields = {**LOCATED_SCOPE, "person": "visitor_id", "user": "created_by_id"}
    objects = ScopedManager()

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_at", "-id"]
        indexes = [models.Index(fields=["round", "microgrid"], name="visit_log_round_mg_idx"),
                   models.Index(fields=["round", "household"], name="visit_log_round_household_idx"),
                   models.Index(fields=["household", "visited_at"], name="visit_log_household_idx")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.visited_at:%Y-%m-%d}"


class VisitConcern(TimeStampedModel, Located):
    """A concern a resident raised during a visit; it may become a case (``case``), a micro-wish (``wish``) or a
    need on the three lists (``need``) in one tap each, linked back here."""

    visit = models.ForeignKey(VisitLog, verbose_name=_("走访"), on_delete=models.CASCADE, related_name="concerns")
    text = models.CharField(_("诉求"), max_length=300)
    case = models.ForeignKey("cases.Case", verbose_name=_("转成的事件"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    wish = models.OneToOneField("engage.Wish", verbose_name=_("转成的微心愿"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    need = models.OneToOneField("engage.Need", verbose_name=_("列入的需求"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    visitor = models.ForeignKey(Person, verbose_name=_("走访人"), on_delete=models.PROTECT, related_name="+")

    scope_fields = {**LOCATED_SCOPE, "person": "visitor_id"}
    objects = ScopedManager()

    class Meta:
        verbose_name = _("走访诉求")
        verbose_name_plural = _("走访诉求")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:40]


class CareMembership(TimeStampedModel, Located):
    """A household (optionally one person in it) in a special group, visited at least every ``every_days``."""

    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, verbose_name=_("人员"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    group = models.CharField(_("重点人群"), max_length=16, choices=CareGroup.choices)
    every_days = models.PositiveSmallIntegerField(_("走访周期(天)"), default=30)
    is_active = models.BooleanField(_("有效"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    reminded_due_on = models.DateField(_("已提醒的到期日"), null=True, blank=True)  # one reminder per due date

    objects = ScopedManager()

    class Meta:
        verbose_name = _("重点人群")
        verbose_name_plural = _("重点人群")
        constraints = [models.UniqueConstraint(fields=["household", "group"], name="care_household_group")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.get_group_display()}"


class VisitEvent(models.Model):
    """The visits timeline (one writer: ``visits.timeline.emit``): what happened to a round, in the
    transaction of the change. Its consumers (the coverage rollup) read it with a cursor."""

    round = models.ForeignKey(VisitRound, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    visit = models.ForeignKey(VisitLog, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    verb = models.CharField(max_length=20)  # round, assign, reassign, visit, concern_case/_wish/_need
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    microgrid = models.ForeignKey(Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("走访动态")
        verbose_name_plural = _("走访动态")

    def __str__(self) -> str:
        return f"{self.verb} #{self.pk}"


class RoundCoverage(Located):
    """Coverage of one round in one micro-grid, kept by the ``visits.coverage`` consumer (recomputed from
    the logs of that micro-grid on every visit event, so a late or repeated event counts nothing twice)."""

    round = models.ForeignKey(VisitRound, on_delete=models.CASCADE, related_name="coverage")
    households_target = models.PositiveIntegerField(default=0)
    residents_target = models.PositiveIntegerField(default=0)
    households_visited = models.PositiveIntegerField(default=0)
    residents_visited = models.PositiveIntegerField(default=0)
    visits = models.PositiveIntegerField(default=0)
    by_in_person = models.PositiveIntegerField(default=0)
    by_phone = models.PositiveIntegerField(default=0)
    by_online = models.PositiveIntegerField(default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("走访覆盖统计")
        verbose_name_plural = _("走访覆盖统计")
        constraints = [models.UniqueConstraint(fields=["round", "microgrid"], name="round_coverage_round_mg")]
