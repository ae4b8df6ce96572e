"""Rows every domain needs: timestamps, and the append-only, hash-chained audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Abstract base: when a row was created and last changed."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class AuditRecord(models.Model):
    """One change made through a service function. Append-only.

    Rows are inserted without a hash (no global lock on the hot path); a background job seals
    them into the chain in insertion order, giving each a ``chain_seq`` and a hash over its
    content and the previous row's hash. ``jishi verify-audit`` recomputes the chain.
    """

    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", db_constraint=False,
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    actor_role = models.CharField(_("角色"), max_length=40, blank=True)
    action = models.CharField(_("动作"), max_length=80, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=80)
    object_id = models.CharField(_("对象编号"), max_length=64)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)
    chain_seq = models.BigIntegerField(_("链序号"), null=True, blank=True, unique=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64, blank=True)
    hash = models.CharField(_("哈希"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["chain_seq"], name="audit_unsealed_idx", condition=models.Q(chain_seq__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The single row holding the chain head: the last sealed sequence number and hash.

    Sealers lock this row, so two sealers never interleave; writers never touch it.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    chain_seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"{self.chain_seq}:{self.hash[:12]}"


class CalendarDay(models.Model):
    """An admin-entered override of the working-day calendar (an extra holiday or working day).

    ``jishi.core.calendar`` uses the ``chinesecalendar`` package for statutory holidays and
    make-up working days; a row here wins over it for its date.
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工作日历调整")
        verbose_name_plural = _("工作日历调整")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'}"


class ConsumerCursor(models.Model):
    """How far one consumer of a timeline has got (``jishi.core.consumers``).

    ``position`` is the id of the last timeline row the consumer applied: the worker claims the rows after
    it with a conditional UPDATE (… SET position=new WHERE name=? AND position=old) in the same transaction
    as the consumer's effects, so each row is applied exactly once. A failed batch rolls back; the failure
    is counted in ``attempts`` and ``last_error`` and the batch is tried again on the next round.
    """

    name = models.CharField(_("消费者"), max_length=60, primary_key=True)
    position = models.BigIntegerField(_("已处理到"), default=0)
    updated_at = models.DateTimeField(_("推进时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("连续失败次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    failed_at = models.DateTimeField(_("最近失败时间"), null=True, blank=True)
    lag = models.BigIntegerField(_("积压(行)"), default=0)

    class Meta:
        verbose_name = _("时间线消费进度")
        verbose_name_plural = _("时间线消费进度")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} @ {self.position}"


class JobRun(models.Model):
    """What a periodic job did for one of its periods (``jishi.core.jobs``): one row per (job, period), so a
    period is done once whoever runs it — the scheduled tick, the catch-up at start, a second worker."""

    RUNNING, DONE, FAILED = "running", "done", "failed"
    STATUS = [(RUNNING, _("运行中")), (DONE, _("已完成")), (FAILED, _("失败"))]

    job = models.CharField(_("任务"), max_length=80)
    period = models.CharField(_("周期"), max_length=20)
    status = models.CharField(_("状态"), max_length=8, choices=STATUS, default=RUNNING)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=1)
    trigger = models.CharField(_("触发"), max_length=20, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("定期任务记录")
        verbose_name_plural = _("定期任务记录")
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="core_jobrun_job_period_uniq")]

    def __str__(self) -> str:
        return f"{self.job} {self.period} {self.status}"
