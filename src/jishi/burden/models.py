"""Data requests (数据填报需求): a department asks villages for figures; each village's reply holds one answer per
field, prefilled from Jishi's own figures or from the village's earlier answer where it can be.

Scope: a request and its replies reach the department that made it (``datarequest``/``view`` with the
department dimension) and the city; a reply reaches its village's cadres (``answer``, ``view``) and the town's
commanders (``view``). Every change is one ``BurdenEvent`` written by ``timeline.emit``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jishi.burden.choices import FieldKind, Origin, ReplyState, RequestState, Verb
from jishi.core.models import TimeStampedModel
from jishi.core.scope import ScopedManager
from jishi.org.models import LOCATED_SCOPE, Department, Located, Region

User = settings.AUTH_USER_MODEL


class DataRequest(TimeStampedModel):
    """What a department asks of villages: title, purpose, deadline, its fields, the villages asked."""

    number = models.CharField(_("编号"), max_length=24, unique=True, null=True, blank=True)
    title = models.CharField(_("标题"), max_length=80)
    purpose = models.CharField(_("用途"), max_length=500)
    deadline = models.DateField(_("截止日期"))
    department = models.ForeignKey(Department, verbose_name=_("发起部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=8, choices=RequestState.choices, default=RequestState.OPEN)
    created_by = models.ForeignKey(User, verbose_name=_("发起人"), null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    opened_at = models.DateTimeField(_("发布时间"), db_index=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("数据填报需求")
        verbose_name_plural = _("数据填报需求")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number or self.pk} {self.title}"

    @classmethod
    def scope_q(cls, scope, action: str = "view") -> Q | None:
        """The department's own requests; a region's staff: the requests asked of its villages; the account
        that made it."""
        if scope.everything:
            return Q()
        parts = []
        if scope.department:
            parts.append(Q(department_id__in=sorted(scope.department)))
        q = scope.q(LOCATED_SCOPE)
        if q is not None:
            parts.append(Q(pk__in=Reply.objects.filter(q).values("request_id")))
        if scope.user:
            parts.append(Q(created_by_id__in=sorted(scope.user)))
        if not parts:
            return None
        out = parts[0]
        for p in parts[1:]:
            out |= p
        return out


class RequestField(models.Model):
    """One field of a request: its key (the same key in two requests is the same figure), kind, whether it is
    required, help, choices, the Jishi figure it is prefilled from (``source``) and the minutes it takes a
    village to find and type."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="fields")
    key = models.CharField(_("字段代码"), max_length=40)
    label = models.CharField(_("字段名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=8, choices=FieldKind.choices, default=FieldKind.TEXT)
    required = models.BooleanField(_("必填"), default=True)
    help = models.CharField(_("填写说明"), max_length=200, blank=True)
    choices = models.JSONField(_("选项"), default=list, blank=True)
    source = models.CharField(_("数据来源"), max_length=40, blank=True)
    minutes = models.DecimalField(_("预计用时(分钟)"), max_digits=6, decimal_places=1, default=5)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("填报字段")
        verbose_name_plural = _("填报字段")
        ordering = ["sort", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "key"], name="burden_field_request_key_uniq")]

    def __str__(self) -> str:
        return self.label


class Reply(TimeStampedModel, Located):
    """One village's reply to one request: not started, a saved draft, or submitted."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="replies")
    state = models.CharField(_("状态"), max_length=10, choices=ReplyState.choices, default=ReplyState.PENDING,
                             db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    saved_at = models.DateTimeField(_("保存时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(User, verbose_name=_("提交人"), null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    reminders = models.PositiveSmallIntegerField(_("催报次数"), default=0)
    reminded_at = models.DateTimeField(_("最近催报"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("村填报")
        verbose_name_plural = _("村填报")
        ordering = ["request_id", "village_id"]
        constraints = [models.UniqueConstraint(fields=["request", "village"], name="burden_reply_request_village_uniq")]
        indexes = [models.Index(fields=["village", "state"], name="burden_reply_village_state")]

    def __str__(self) -> str:
        return f"{self.request_id} · {self.village_id}"

    @classmethod
    def scope_q(cls, scope, action: str = "view") -> Q | None:
        """The village's staff (and the town's); the department that asked."""
        if scope.everything:
            return Q()
        q = scope.q(LOCATED_SCOPE)
        if scope.department:
            dq = Q(request__department_id__in=sorted(scope.department))
            q = dq if q is None else q | dq
        return q

    @classmethod
    def scope_contains(cls, scope, action: str, obj) -> bool:
        if scope.everything or scope.contains_row(LOCATED_SCOPE, obj):
            return True
        return bool(scope.department) and obj.request.department_id in scope.department


class Answer(models.Model):
    """A village's value of one field, where it came from (typed, prefilled, reused, corrected) and, for a
    prefilled or reused value, the figure or the earlier answer behind it."""

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="answers")
    field = models.ForeignKey(RequestField, on_delete=models.CASCADE, related_name="+")
    value = models.CharField(_("填报值"), max_length=500, blank=True)
    origin = models.CharField(_("来源"), max_length=10, choices=Origin.choices, default=Origin.TYPED)
    offered = models.CharField(_("预填值"), max_length=500, blank=True)
    basis = models.CharField(_("预填依据"), max_length=200, blank=True)
    reused_from = models.ForeignKey("self", verbose_name=_("沿用的填报"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("更正说明"), max_length=200, blank=True)
    answered_at = models.DateTimeField(_("填报时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("填报值")
        verbose_name_plural = _("填报值")
        ordering = ["field__sort", "field_id"]
        constraints = [models.UniqueConstraint(fields=["reply", "field"], name="burden_answer_reply_field_uniq")]

    def __str__(self) -> str:
        return f"{self.field_id}={self.value}"


class BurdenEvent(models.Model):
    """The burden timeline (its outbox): one row per change, written only by ``timeline.emit``."""

    request = models.ForeignKey(DataRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    reply = models.ForeignKey(Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    verb = models.CharField(_("动作"), max_length=10, choices=Verb.choices)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("操作人"), max_length=60, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("减负时间线")
        verbose_name_plural = _("减负时间线")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.verb} {self.at:%Y-%m-%d %H:%M}"


__all__ = ["Answer", "BurdenEvent", "DataRequest", "Region", "Reply", "RequestField"]
