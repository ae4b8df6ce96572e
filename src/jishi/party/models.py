"""Party organisations at work: organisational life (主题党日, 三会一课) of an organisation of the four-level tree
(``org.PartyOrganization``), and in-service party members reporting to their residential community
(在职党员到居住地“三报到三服务”): the registration, the services the member takes up, the hours served.

Activities sit in their organisation's region; registrations, service items and records in the community (a
village or community region) and, for the member's employer, in its department. Reading is
``restrict(actor, "view")``: the region's staff, the employer department, the member themselves; acting is
``holds(actor, "party", row)`` (org.policy) — or, for the member's own verbs, being the member. Every change is
one ``PartyEvent`` written by ``timeline.emit()`` beside its audit record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jishi.core.models import TimeStampedModel
from jishi.core.scope import ScopedManager
from jishi.engage.models import Need
from jishi.org.models import LOCATED_SCOPE, Department, Located, PartyOrganization, Person, Region, Venue
from jishi.party.choices import (
    ActivityKind,
    ActivityState,
    Presence,
    RecordState,
    RegistrationState,
    ServiceKind,
    Verb,
)

User = settings.AUTH_USER_MODEL
MEMBER_SCOPE = {**LOCATED_SCOPE, "department": "department_id", "person": "person_id"}


class Activity(TimeStampedModel, Located):
    """One meeting of an organisation's life (主题党日 or one of 三会一课): scheduled, then recorded as held with
    its attendance, or cancelled. ``present``/``absent``/``excused``/``expected`` are kept from its attendance."""

    org = models.ForeignKey(PartyOrganization, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=16, choices=ActivityKind.choices)
    state = models.CharField(_("状态"), max_length=10, choices=ActivityState.choices,
                             default=ActivityState.SCHEDULED, db_index=True)
    date = models.DateField(_("日期"), db_index=True)
    place = models.CharField(_("地点"), max_length=120, blank=True)
    venue = models.ForeignKey(Venue, verbose_name=_("阵地"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    topic = models.CharField(_("主题"), max_length=120)
    summary = models.TextField(_("活动记录"), blank=True)
    expected = models.PositiveIntegerField(_("应到"), default=0)
    present = models.PositiveIntegerField(_("实到"), default=0)
    absent = models.PositiveIntegerField(_("缺席"), default=0)
    excused = models.PositiveIntegerField(_("请假"), default=0)
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("组织生活")
        verbose_name_plural = _("组织生活")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["org", "date"], name="party_act_org_date_idx"),
                   models.Index(fields=["village", "date"], name="party_act_village_date_idx")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.topic}"

    @property
    def rate(self) -> float | None:
        return round(100 * self.present / self.expected, 1) if self.expected else None


class Attendance(models.Model):
    """One member's attendance at a held activity (read through its activity)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="+")
    presence = models.CharField(_("出勤"), max_length=8, choices=Presence.choices)
    reason = models.CharField(_("缺席/请假原因"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("出勤")
        verbose_name_plural = _("出勤")
        constraints = [models.UniqueConstraint(fields=["activity", "person"], name="party_attendance_uniq")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.presence}"


class ServiceItem(TimeStampedModel, Located):
    """An entry of a community's service list (岗位/服务项目) that reporting members may take up."""

    community = models.ForeignKey(Region, verbose_name=_("社区(村)"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=8, choices=ServiceKind.choices, default=ServiceKind.POST)
    title = models.CharField(_("名称"), max_length=60)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("服务岗位/项目")
        verbose_name_plural = _("服务岗位/项目")
        ordering = ["community_id", "kind", "id"]

    def __str__(self) -> str:
        return self.title


class Registration(TimeStampedModel, Located):
    """An in-service party member's report (报到) to their residential community, accepted by its cadre."""

    person = models.ForeignKey(Person, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Region, verbose_name=_("居住地社区(村)"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, verbose_name=_("工作单位(部门)"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    employer = models.CharField(_("工作单位"), max_length=100)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=RegistrationState.choices,
                             default=RegistrationState.SUBMITTED, db_index=True)
    registered_at = models.DateTimeField(_("报到时间"), db_index=True)
    decided_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    decided_by = models.ForeignKey(User, verbose_name=_("接收人"), null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    reject_reason = models.CharField(_("不予接收原因"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    scope_fields = MEMBER_SCOPE
    objects = ScopedManager()

    class Meta:
        verbose_name = _("在职党员报到")
        verbose_name_plural = _("在职党员报到")
        ordering = ["-registered_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["person", "community"], name="party_registration_uniq")]

    def __str__(self) -> str:
        return f"{self.person} → {self.community}"


class ServiceChoice(models.Model):
    """A service a reporting member takes up: an item of the community's list or an open need of its three
    lists (engage)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="choices")
    item = models.ForeignKey(ServiceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    need = models.ForeignKey(Need, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("服务"), max_length=80)
    at = models.DateTimeField(_("认领时间"))

    class Meta:
        verbose_name = _("认领的服务")
        verbose_name_plural = _("认领的服务")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "item"], name="party_choice_item_uniq"),
            models.UniqueConstraint(fields=["registration", "need"], name="party_choice_need_uniq")]

    def __str__(self) -> str:
        return self.title


class ServiceRecord(TimeStampedModel, Located):
    """Hours a member served in the community (服务记录), verified or refused by the community."""

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="records")
    choice = models.ForeignKey(ServiceChoice, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, verbose_name=_("工作单位(部门)"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("服务日期"), db_index=True)
    hours = models.DecimalField(_("服务时长(小时)"), max_digits=4, decimal_places=1)
    content = models.CharField(_("服务内容"), max_length=300)
    state = models.CharField(_("状态"), max_length=10, choices=RecordState.choices, default=RecordState.SUBMITTED,
                             db_index=True)
    decided_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    decided_by = models.ForeignKey(User, verbose_name=_("核实人"), null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    reject_reason = models.CharField(_("未通过原因"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    scope_fields = MEMBER_SCOPE
    objects = ScopedManager()

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.hours}h"


class PartyEvent(models.Model):
    """The party timeline (its outbox): one row per change, written only by ``timeline.emit``."""

    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    registration = models.ForeignKey(Registration, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="events")
    record = models.ForeignKey(ServiceRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    verb = models.CharField(_("动作"), max_length=10, choices=Verb.choices)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("操作人"), max_length=60, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    from_state = models.CharField(_("原状态"), max_length=10, blank=True)
    to_state = models.CharField(_("新状态"), max_length=10, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("党建时间线")
        verbose_name_plural = _("党建时间线")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.verb} {self.at:%Y-%m-%d %H:%M}"
